"""The consent record: which party may receive what, given by whom, when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Select

from arrangeren_tui.core.fields import FieldError, iso_date
from arrangeren_tui.core.model import Consent, Session
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.widgets.datehint import DateHint
from arrangeren_tui.ui.widgets.keybar import cursor_row_key
from arrangeren_tui.ui.widgets.plain import Label, Static
from arrangeren_tui.ui.widgets.table import PlainTable
from arrangeren_tui.ui.widgets.typing import TextInput

DEFAULT_SCOPE = "het verslag van dit gesprek"
# Parties that do not receive anything under the parents' consent.
NOT_ASKED = ("leerling", "ouders")


class ConsentDialog(ModalScreen[None]):
    """A table of recorded decisions and a one-line form to add one.

    Every change goes to the session at once and is saved through ``changed``.
    """

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+s", "add", "Vastleggen", key_display="^S", priority=True,
                id="consent.add"),
        Binding("delete", "remove", "Wissen", key_display="Del", id="consent.remove"),
        Binding("escape", "close", "Sluiten", key_display="Esc", id="consent.close"),
    ]

    def __init__(
        self,
        session: Session,
        today: dt.date,
        now: Callable[[], float],
        changed: Callable[[], None],
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.session = session
        self.today = today
        self.now = now
        self.changed = changed
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        veld = self.session.veld
        with Vertical(id="consent-dialog", classes="dialog"):
            yield Label("Toestemming van ouders per partij", classes="dialog-title")
            yield PlainTable(id="consent-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="consent-missing", classes="dialog-help")
            if not self.read_only:
                with Horizontal(classes="dialog-row", id="consent-form"):
                    yield Select(
                        [(p.label, p.key) for p in veld.parties if p.key not in NOT_ASKED],
                        prompt="partij",
                        id="consent-party",
                        compact=True,
                    )
                    yield Select(
                        [("ja", True), ("nee", False)],
                        value=True,
                        allow_blank=False,
                        id="consent-granted",
                        compact=True,
                    )
                    yield Label("ontvangen:", classes="consent-label")
                    yield TextInput(DEFAULT_SCOPE, placeholder="wat mag gedeeld worden",
                                    id="consent-scope", compact=True)
                with Horizontal(classes="dialog-row"):
                    yield Label("gegeven door:", classes="consent-label")
                    yield TextInput("ouders", placeholder="bv. moeder", id="consent-by",
                                    compact=True)
                    yield Label("op:", classes="consent-label")
                    yield TextInput(self.today.isoformat(), placeholder="bv. 14-1",
                                    id="consent-date", compact=True)
                    yield Button("Vastleggen ^S", variant="primary", id="consent-add",
                                 compact=True)
                yield DateHint("consent-date", self.today, id="consent-date-hint")
            yield Static(
                "Alleen lezen · Esc: sluiten" if self.read_only
                else "Tab: volgend veld · ^S: vastleggen · Del: regel wissen · Esc: sluiten",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Partij", width=10)
        table.add_column("Mag", width=4)
        table.add_column("Wat", width=26)
        table.add_column("Door", width=12)
        table.add_column("Datum", width=10)
        self._fill()
        if self.read_only:
            table.focus()
        else:
            self.query_one("#consent-party", Select).focus()

    def _fill(self) -> None:
        veld = self.session.veld
        table = self.query_one(DataTable)
        table.clear()
        for index, consent in enumerate(self.session.consents):
            try:
                label = veld.party(consent.party).label
            except KeyError:
                label = consent.party
            table.add_row(
                one_line(label, 10),
                (Text("ja", style="bold green") if consent.granted
                 else Text("nee", style="bold red")),
                one_line(consent.scope, 26),
                one_line(consent.given_by, 12),
                one_line(consent.date, 10),
                key=str(index),
            )
        external = [p for p in veld.parties if p.key not in NOT_ASKED + ("school",)]
        missing = [p.label for p in external if self.session.consent_for(p.key) is None]
        self.query_one("#consent-missing", Static).update(
            f"Nog niets vastgelegd voor: {', '.join(missing)}" if missing
            else "Voor elke externe partij is iets vastgelegd."
        )

    def action_add(self) -> None:
        if self.read_only:
            return
        party = self.query_one("#consent-party", Select).value
        if party is Select.NULL:
            self.notify("Kies eerst de partij.", severity="warning")
            self.query_one("#consent-party", Select).focus()
            return
        date_text = self.query_one("#consent-date", Input).value.strip()
        try:
            date = iso_date(date_text, today=self.today)
        except FieldError:
            self.notify("Geen datum: schrijf bv. 14-1-2027, 14-1 of gisteren.",
                        severity="warning")
            self.query_one("#consent-date", Input).focus()
            return
        scope = self.query_one("#consent-scope", Input).value.strip() or DEFAULT_SCOPE
        given_by = self.query_one("#consent-by", Input).value.strip()
        if not given_by:
            self.notify("Vul in wie de toestemming gaf.", severity="warning")
            self.query_one("#consent-by", Input).focus()
            return
        granted = bool(self.query_one("#consent-granted", Select).value)
        self.session.add_consent(
            Consent(party=str(party), scope=scope, given_by=given_by, date=date,
                    granted=granted),
            self.now(),
        )
        self.changed()
        self._fill()
        self.query_one("#consent-party", Select).clear()
        self.query_one("#consent-granted", Select).value = True
        self.query_one("#consent-party", Select).focus()
        label = self.session.veld.party(str(party)).label
        self.notify(f"Vastgelegd: {label} {'mag' if granted else 'mag niet'} ontvangen.",
                    timeout=3)

    def action_remove(self) -> None:
        table = self.query_one(DataTable)
        key = cursor_row_key(table)
        if self.read_only or not table.has_focus or key is None:
            return
        self.session.remove_consent(int(key), self.now())
        self.changed()
        self._fill()
        self.notify("Regel gewist.", timeout=2)

    def action_close(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_add()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_add()
