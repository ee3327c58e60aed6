"""Evaluating the previous afspraken in a vervolggesprek, one by one."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from arrangeren_tui.core.model import Session
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.widgets.typing import TextInput

CHOICES = {"g": "gedaan", "d": "deels", "n": "niet"}


class EvaluationDialog(ModalScreen[None]):
    """One afspraak at a time: ^G gedaan, ^D deels, ^N niet, with a note; saved at once."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+g", "rate('gedaan')", "Gedaan", key_display="^G", priority=True,
                id="evaluation.done"),
        Binding("ctrl+d", "rate('deels')", "Deels", key_display="^D", priority=True,
                id="evaluation.partly"),
        Binding("ctrl+n", "rate('niet')", "Niet", key_display="^N", priority=True,
                id="evaluation.not"),
        Binding("pagedown", "step(1)", "Volgende", key_display="PgDn", priority=True,
                id="evaluation.next"),
        Binding("pageup", "step(-1)", "Vorige", key_display="PgUp", priority=True,
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
            yield Static("", id="evaluation-afspraak", classes="dialog-question")
            yield Label("Toelichting", classes="field-label")
            yield TextInput(id="evaluation-note", max_length=300, compact=True)
            yield Static("^G gedaan · ^D deels · ^N niet (en door) · PgDn/PgUp · Esc klaar",
                         classes="dialog-help")

    def on_mount(self) -> None:
        self._show()
        self.query_one("#evaluation-note", Input).focus()

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
        self.query_one("#evaluation-afspraak", Static).update(
            f"{labels.get(evaluation.party, evaluation.party)}: {one_line(evaluation.wat, 60)}"
            f"{who}{when}\nUitkomst: {outcome}"
        )
        self.query_one("#evaluation-note", Input).value = evaluation.note

    def action_rate(self, outcome: str) -> None:
        note = self.query_one("#evaluation-note", Input).value.strip()
        self.session.evaluate(self.index, self.now(), outcome=outcome, note=note)
        self.changed()
        if self.index + 1 < len(self.session.evaluations):
            self.index += 1
            self._show()
        else:
            self._show()
            self.notify("Alle vorige afspraken zijn besproken.", timeout=3)

    def action_step(self, delta: int) -> None:
        self.index = max(0, min(len(self.session.evaluations) - 1, self.index + delta))
        self._show()

    def action_close(self) -> None:
        self.dismiss(None)
