"""Modal questions: a note (long, edit, move) and a yes/no confirmation."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Select, Static, TextArea

from arrangeren_tui.core.veld import Veld


@dataclass(frozen=True)
class NoteEdit:
    """What the note dialog hands back."""

    text: str
    party: str
    step: str
    important: bool


class NoteDialog(ModalScreen[NoteEdit | None]):
    """Write or change a note: multi-line text, party, step and the big post-it."""

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
        with Vertical(id="note-dialog", classes="dialog"):
            yield Label(self.dialog_title, classes="dialog-title")
            yield TextArea(self.initial.text, id="note-text", soft_wrap=True, show_line_numbers=False)
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
                yield Checkbox("Belangrijk (grote post-it)", self.initial.important,
                               id="note-important", compact=True)
                yield Button("Opslaan ^S", variant="primary", id="note-save", compact=True)
                yield Button("Annuleren", id="note-cancel", compact=True)
            yield Static("Tab: volgend veld · ^S: opslaan · Esc: annuleren", classes="dialog-help")

    def on_mount(self) -> None:
        target = {"party": "#note-party", "step": "#note-step"}.get(self.focus_field, "#note-text")
        self.query_one(target).focus()
        if target == "#note-text":
            area = self.query_one(TextArea)
            area.move_cursor(area.document.end)

    def action_save(self) -> None:
        party = self.query_one("#note-party", Select).value
        step = self.query_one("#note-step", Select).value
        self.dismiss(
            NoteEdit(
                text=self.query_one(TextArea).text,
                party=str(party),
                step=str(step),
                important=self.query_one(Checkbox).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "note-save":
            self.action_save()
        else:
            self.action_cancel()


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; Enter on the focused button answers."""

    BINDINGS = [
        Binding("j", "answer(True)", "Ja", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "Nee", id="confirm.no"),
    ]

    def __init__(self, question: str, yes: str = "Ja", no: str = "Nee") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

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
