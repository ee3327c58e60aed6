"""Modal questions: a note (long, edit, move), yes/no, and leaving unsaved."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select

from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.widgets.plain import Label, Static
from arrangeren_tui.ui.widgets.typing import TextInput

# Longer notes are edited without soft wrap: wrapping a huge line costs seconds per key.
SOFT_WRAP_LIMIT = 20_000


@dataclass(frozen=True)
class NoteEdit:
    """What the note dialog hands back."""

    text: str
    party: str
    step: str
    important: bool


class NoteDialog(ModalScreen[NoteEdit | None]):
    """Write or change a note: multi-line text, party, step and the big post-it."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Opslaan", key_display="^S", priority=True,
                id="note_dialog.save"),
        Binding("escape", "cancel", "Annuleren", key_display="Esc", id="note_dialog.cancel"),
    ]

    def __init__(
        self,
        veld: Veld,
        *,
        title: str,
        text: str,
        party: str,
        step: str,
        important: bool = False,
        focus: str = "text",
    ) -> None:
        super().__init__()
        self.veld = veld
        self.dialog_title = title
        self.initial = NoteEdit(text=text, party=party, step=step, important=important)
        self.focus_field = focus

    def compose(self) -> ComposeResult:
        # TextArea (and its document and syntax modules) is imported when a note dialog
        # opens, not with the board: it costs start-up time nobody waits for otherwise.
        from arrangeren_tui.ui.widgets.textbox import TextBox
        from arrangeren_tui.ui.widgets.tick import Tick

        with Vertical(id="note-dialog", classes="dialog"):
            yield Label(self.dialog_title, classes="dialog-title")
            yield TextBox(
                self.initial.text,
                id="note-text",
                soft_wrap=len(self.initial.text) <= SOFT_WRAP_LIMIT,
                show_line_numbers=False,
            )
            with Horizontal(classes="dialog-row"):
                yield Select(
                    [(p.label, p.key) for p in self.veld.parties],
                    value=self.initial.party,
                    allow_blank=False,
                    id="note-party",
                    compact=True,
                )
                yield Select(
                    [(f"{i + 1} {s.name}", s.key) for i, s in enumerate(self.veld.steps)],
                    value=self.initial.step,
                    allow_blank=False,
                    id="note-step",
                    compact=True,
                )
            with Horizontal(classes="dialog-row"):
                yield Tick("Belangrijk (grote post-it)", self.initial.important,
                               id="note-important", compact=True)
                yield Button("Opslaan ^S", variant="primary", id="note-save", compact=True)
                yield Button("Annuleren", id="note-cancel", compact=True)
            yield Static("Tab: volgend veld · ^S: opslaan · Esc: annuleren", classes="dialog-help")

    def on_mount(self) -> None:
        target = {"party": "#note-party", "step": "#note-step"}.get(self.focus_field, "#note-text")
        self.query_one(target).focus()
        if target == "#note-text":
            area = self.query_one("#note-text")
            area.move_cursor(area.document.end)  # type: ignore[attr-defined]

    def action_save(self) -> None:
        party = self.query_one("#note-party", Select).value
        step = self.query_one("#note-step", Select).value
        self.dismiss(
            NoteEdit(
                text=self.query_one("#note-text").text,  # type: ignore[attr-defined]
                party=str(party),
                step=str(step),
                important=self.query_one("#note-important").value,  # type: ignore[attr-defined]
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "note-save":
            self.action_save()
        else:
            self.action_cancel()


class ConfirmDialog(ModalScreen[bool | None]):
    """A yes/no question; Enter on the focused button answers.

    Esc answers no, unless ``escape_cancels``: then it answers None (neither),
    for questions whose "no" also does something.
    """

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("j", "answer(True)", "Ja", id="confirm.yes"),
        Binding("n", "answer(False)", "Nee", id="confirm.no"),
        Binding("escape", "escape", "Terug", id="confirm.escape"),
    ]

    def __init__(self, question: str, yes: str = "Ja", no: str = "Nee", *,
                 escape_cancels: bool = False) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.escape_cancels = escape_cancels

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(self.question, classes="dialog-question")
            with Horizontal(classes="dialog-row"):
                yield Button(f"{self.yes} (j)", variant="error", id="confirm-yes", compact=True)
                yield Button(f"{self.no} (n)", id="confirm-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_escape(self) -> None:
        self.dismiss(None if self.escape_cancels else False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")


class TooSmallScreen(ModalScreen[None]):
    """Shown instead of a broken layout when the window is smaller than 80x24."""

    def __init__(self, min_width: int, min_height: int) -> None:
        super().__init__()
        self.minimum = (min_width, min_height)

    def compose(self) -> ComposeResult:
        width, height = self.minimum
        yield Static(
            f"Het venster is te klein.\nMaak het minstens {width}×{height}.\n"
            "Er gaat niets verloren.",
            id="too-small",
        )


@dataclass(frozen=True)
class UnsavedChoice:
    """What to do with a session that could not be saved: retry, write elsewhere, or stop."""

    action: str  # "retry", "elsewhere", "discard"
    path: str = ""


class UnsavedDialog(ModalScreen[UnsavedChoice | None]):
    """Leaving while the last save failed: never lose notes without a clear choice."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        # ^S keeps, as everywhere; Enter in the path field writes it there. (Not ^R and
        # ^E: on the board those are the verslag and the evaluation.)
        Binding("ctrl+s", "choose('retry')", "Opnieuw opslaan", key_display="^S",
                priority=True, id="unsaved.retry"),
        Binding("escape", "back", "Terug", key_display="Esc", id="unsaved.back"),
    ]

    def __init__(self, problem: str, default_path: str) -> None:
        super().__init__()
        self.problem = problem
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical(id="unsaved-dialog", classes="dialog"):
            yield Label("⚠ Niet opgeslagen", classes="dialog-title")
            yield Static(
                f"Het gesprek kon niet worden opgeslagen ({self.problem}). Je notities staan "
                "nog in het geheugen. Sla ze elders op (bv. een USB-stick) of probeer opnieuw.",
                classes="dialog-question",
            )
            yield Label("Elders opslaan als:", classes="field-label")
            yield TextInput(self.default_path, id="unsaved-path", compact=True)
            with Horizontal(classes="dialog-row"):
                yield Button("Elders opslaan (Enter)", variant="primary",
                             id="unsaved-elsewhere", compact=True)
                yield Button("Opnieuw ^S", id="unsaved-retry", compact=True)
                yield Button("Toch stoppen, notities kwijt", variant="error",
                             id="unsaved-discard", compact=True)
            yield Static("Esc: terug naar het gesprek", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#unsaved-path", Input).focus()

    def action_choose(self, action: str) -> None:
        path = self.query_one("#unsaved-path", Input).value.strip()
        if action == "elsewhere" and not path:
            self.notify("Vul een bestandsnaam in.", severity="warning")
            return
        self.dismiss(UnsavedChoice(action, path))

    def action_back(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose("elsewhere")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action = (event.button.id or "").removeprefix("unsaved-")
        self.action_choose(action)
