"""The name register of a session: who is replaced in a pseudonymised export.

The pupil, the participants and the facilitator come from the form; here the
facilitator adds the other people who come up in the meeting (siblings, other
children, a parent who is not at the table), so that their names leave no
export either.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input

from arrangeren_tui.core.export.names import join_other_people, split_other_people
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.widgets.plain import Label, Static
from arrangeren_tui.ui.widgets.typing import STEADY_CURSOR


class NamesDialog(ModalScreen[tuple[str, ...] | None]):
    """Edit the "andere personen" of the register; dismisses the new list, or None."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Bewaren", key_display="^S", priority=True, id="names.save"),
        Binding("escape", "cancel", "Annuleren", key_display="Esc", id="names.cancel"),
    ]

    def __init__(self, session: Session, *, read_only: bool = False) -> None:
        super().__init__()
        self.session = session
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        meta = self.session.meta
        known = [meta.pupil, *(p.name for p in meta.participants), meta.facilitator]
        with Vertical(id="names-dialog", classes="dialog"):
            yield Label("Namen (vervangen in een verslag met pseudoniemen)",
                        classes="dialog-title")
            yield Static(one_line("Uit het formulier: " + ", ".join(n for n in known if n.strip()),
                                  200), id="names-known")
            yield Label("Andere namen (broers, zussen, ...), bv. Sem (broer), Lotte (zus)",
                        classes="field-label")
            names = Input(value=join_other_people(meta.other_people), id="names-other",
                          max_length=400, compact=True, disabled=self.read_only)
            names.cursor_blink = STEADY_CURSOR  # as every other field (ui.widgets.typing)
            yield names
            with Horizontal(classes="dialog-row"):
                yield Button("Bewaren ^S", variant="primary", id="names-save", compact=True,
                             disabled=self.read_only)
                yield Button("Annuleren", id="names-cancel", compact=True)

    def on_mount(self) -> None:
        if not self.read_only:
            self.query_one("#names-other", Input).focus()

    def action_save(self) -> None:
        if self.read_only:
            self.dismiss(None)
            return
        self.dismiss(split_other_people(self.query_one("#names-other", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "names-save":
            self.action_save()
        else:
            self.action_cancel()
