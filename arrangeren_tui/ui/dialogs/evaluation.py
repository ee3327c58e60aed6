"""Evaluating the previous afspraken in a vervolggesprek, one by one."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from arrangeren_tui.core.model import Session
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.widgets.plain import Label, Static
from arrangeren_tui.ui.widgets.typing import TextInput


class AfspraakText(Static, can_focus=True):
    """The afspraak being evaluated; it holds the focus while the outcome is chosen."""


class EvaluationDialog(ModalScreen[None]):
    """One afspraak at a time: g gedaan, d deels, n niet; a toelichting; Enter to the next.

    Plain letters, not control keys: ^G means "to the list of sessions" and ^N "nieuw"
    everywhere else. They work while the afspraak has the focus (not while typing the
    toelichting); each choice is saved at once.
    """

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("g", "rate('gedaan')", "Gedaan", key_display="g", id="evaluation.done"),
        Binding("d", "rate('deels')", "Deels", key_display="d", id="evaluation.partly"),
        Binding("n", "rate('niet')", "Niet", key_display="n", id="evaluation.not"),
        Binding("enter", "explain", "Toelichting", key_display="Enter",
                id="evaluation.explain"),
        Binding("pagedown,ctrl+f", "step(1)", "Volgende", key_display="PgDn", priority=True,
                id="evaluation.next"),
        Binding("pageup,ctrl+y", "step(-1)", "Vorige", key_display="PgUp", priority=True,
                id="evaluation.previous"),
        Binding("escape", "close", "Klaar", key_display="Esc", id="evaluation.close"),
    ]

    def __init__(self, session: Session, now: Callable[[], float],
                 changed: Callable[[], None]) -> None:
        super().__init__()
        self.session = session
        self.now = now
        self.changed = changed
        open_ones = [i for i, e in enumerate(session.evaluations) if not e.outcome]
        self.index = open_ones[0] if open_ones else 0

    def compose(self) -> ComposeResult:
        with Vertical(id="evaluation-dialog", classes="dialog"):
            yield Label("", id="evaluation-title", classes="dialog-title")
            yield AfspraakText("", id="evaluation-afspraak", classes="dialog-question")
            yield Label("Toelichting", classes="field-label")
            yield TextInput(id="evaluation-note", max_length=300, compact=True)
            yield Static("g gedaan · d deels · n niet, dan Enter · PgDn/PgUp bladeren · "
                         "Esc klaar", classes="dialog-help")

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        evaluations = self.session.evaluations
        evaluation = evaluations[self.index]
        labels = {p.key: p.label for p in self.session.veld.parties}
        self.query_one("#evaluation-title", Label).update(
            f"Vorige afspraken evalueren · {self.index + 1} van {len(evaluations)}"
        )
        who = f" · wie: {one_line(evaluation.wie, 30)}" if evaluation.wie else ""
        when = f" · wanneer: {evaluation.wanneer}" if evaluation.wanneer else ""
        outcome = evaluation.outcome or "nog niet besproken"
        self.query_one("#evaluation-afspraak", AfspraakText).update(
            f"{labels.get(evaluation.party, evaluation.party)}: {one_line(evaluation.wat, 60)}"
            f"{who}{when}\nUitkomst: {outcome}"
        )
        self.query_one("#evaluation-note", Input).value = evaluation.note
        self.query_one("#evaluation-afspraak", AfspraakText).focus()

    def _keep_note(self) -> None:
        """Save the toelichting typed for the current afspraak (once it has an outcome)."""
        evaluation = self.session.evaluations[self.index]
        note = self.query_one("#evaluation-note", Input).value.strip()
        if evaluation.outcome and note != evaluation.note:
            self.session.evaluate(self.index, self.now(), outcome=evaluation.outcome, note=note)
            self.changed()

    def action_rate(self, outcome: str) -> None:
        note = self.query_one("#evaluation-note", Input).value.strip()
        self.session.evaluate(self.index, self.now(), outcome=outcome, note=note)
        self.changed()
        self._show()
        note_input = self.query_one("#evaluation-note", Input)
        note_input.focus()
        note_input.cursor_position = len(note_input.value)

    def action_explain(self) -> None:
        self.query_one("#evaluation-note", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the toelichting: kept, and on to the next afspraak."""
        event.stop()
        if not self.session.evaluations[self.index].outcome:
            self.query_one("#evaluation-afspraak", AfspraakText).focus()
            self.notify("Kies eerst: g gedaan, d deels of n niet.", timeout=3)
            return
        self._keep_note()
        if self.index + 1 < len(self.session.evaluations):
            self.index += 1
            self._show()
        else:
            self._show()
            self.notify("Alle vorige afspraken zijn besproken. Esc: terug naar het veld.",
                        timeout=3)

    def action_step(self, delta: int) -> None:
        self._keep_note()
        self.index = max(0, min(len(self.session.evaluations) - 1, self.index + delta))
        self._show()

    def action_close(self) -> None:
        self._keep_note()
        self.dismiss(None)
