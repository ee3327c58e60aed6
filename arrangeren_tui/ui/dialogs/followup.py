"""When the vervolggesprek is: asked before it is made, the evaluation date proposed."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from arrangeren_tui.core.fields import FieldError, iso_date
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.widgets.datehint import DateHint
from arrangeren_tui.ui.widgets.plain import Label, Static
from arrangeren_tui.ui.widgets.typing import TextInput


class FollowUpDialog(ModalScreen[str | None]):
    """The date of a vervolggesprek ('JJJJ-MM-DD'), or None if cancelled."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Aanmaken", key_display="^S", priority=True,
                id="follow_up.save"),
        Binding("escape", "cancel", "Annuleren", key_display="Esc", id="follow_up.cancel"),
    ]

    def __init__(self, pupil: str, proposed: str, today: dt.date, *,
                 from_evaluation: bool) -> None:
        super().__init__()
        self.pupil = pupil
        self.proposed = proposed
        self.today = today
        self.from_evaluation = from_evaluation

    def compose(self) -> ComposeResult:
        with Vertical(id="follow-up-dialog", classes="dialog"):
            yield Label(f"Vervolggesprek · {self.pupil}", classes="dialog-title")
            yield Label("Datum (de evaluatiedatum van het vorige gesprek)"
                        if self.from_evaluation else "Datum (geen evaluatiedatum vastgelegd)",
                        classes="field-label")
            yield TextInput(self.proposed, id="follow-up-date", placeholder="bv. over 8 weken",
                            max_length=40, compact=True)
            yield DateHint("follow-up-date", self.today, id="follow-up-date-hint")
            yield Label("", id="follow-up-error", classes="field-error")
            yield Static("Enter: aanmaken · na vandaag: gepland, met voorbereiding · Esc",
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#follow-up-error", Label).display = False
        self.query_one("#follow-up-date", Input).focus()

    def action_save(self) -> None:
        field = self.query_one("#follow-up-date", Input)
        try:
            date = iso_date(field.value, today=self.today)
        except FieldError:
            error = self.query_one("#follow-up-error", Label)
            error.update("Geen datum: schrijf bv. 14-1-2027, 14-1, vandaag of over 8 weken.")
            error.display = True
            field.focus()
            return
        self.dismiss(date)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()
