"""The Afspraken step: every afspraak of the arrangement in one table."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable

from arrangeren_tui.core.fields import FieldError, parse_date, spoken_date
from arrangeren_tui.core.model import STATUS_CLOSED, LaidCard, Session
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui.widgets.keybar import cursor_row_key
from arrangeren_tui.ui.widgets.plain import Static
from arrangeren_tui.ui.widgets.table import PlainTable

STATUS_STYLE = {"open": "", "loopt": "yellow", "gedaan": "green", "vervallen": "dim"}


@dataclass
class AfspraakCommand(Message):
    """A key pressed on a row: edit, remove, regie, or leave."""

    action: str
    laid_id: int | None


class AfsprakenTable(PlainTable):
    BINDINGS = [
        Binding("enter", "command('edit')", "Afspraak", key_display="Enter",
                id="afspraken.edit"),
        Binding("delete", "command('remove')", "Kaart weg", key_display="Del",
                id="afspraken.remove"),
        Binding("c", "command('regie')", "Regie/evaluatie", key_display="c",
                id="afspraken.regie"),
        Binding("escape", "command('leave')", "Terug naar typen", key_display="Esc",
                id="afspraken.leave"),
    ]

    def action_command(self, action: str) -> None:
        key = cursor_row_key(self)
        laid_id = None if key is None else int(key)
        if laid_id is None and action in ("edit", "remove"):
            return
        self.post_message(AfspraakCommand(action, laid_id))


def afspraak_in_full(laid: LaidCard, party_label: str) -> Text:
    """The whole afspraak, unclipped, to be read back to the table: who, what, when."""
    text = Text(f"{party_label} · ", style="bold")
    text.append(one_line(laid.title), style="bold")
    text.append(f" ({laid.intensity})" if laid.intensity else "", style="dim")
    text.append("\nWie: ", style="bold")
    text.append(one_line(laid.wie) if laid.wie else "?")
    text.append("\nWat: ", style="bold")
    text.append(one_line(laid.wat or laid.title))
    text.append("\nWanneer: ", style="bold")
    try:
        text.append(spoken_date(parse_date(laid.wanneer)) if laid.wanneer else "?")
    except FieldError:
        text.append(laid.wanneer)
    text.append("  Status: ", style="bold")
    text.append(laid.status)
    return text


class AfsprakenPanel(Vertical):
    """Casusregie and evaluation on top, the table, the afspraak under the cursor in full
    (the columns clip it at 80x24, and it must be read back to the table), then what is
    still missing.

    The board mounts it the first time the afspraken step is shown; ``show`` before it is
    mounted keeps the session and fills the table once it is.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._pending: tuple[Session, int | None] | None = None
        self._session: Session | None = None
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Static("", id="afspraken-head")
        yield AfsprakenTable(id="afspraken-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="afspraken-detail")
        yield Static("", id="afspraken-missing")

    def _show_detail(self) -> None:
        """The afspraak under the cursor, in full."""
        detail = self.query_one("#afspraken-detail", Static)
        key = cursor_row_key(self.query_one(AfsprakenTable))
        session = self._session
        laid = (next((c for c in session.arrangement if str(c.id) == key), None)
                if session is not None and key is not None else None)
        detail.display = laid is not None
        if laid is not None and session is not None:
            label = next((p.label for p in session.veld.parties if p.key == laid.party),
                         laid.party)
            detail.update(afspraak_in_full(laid, label))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_mount(self) -> None:
        table = self.query_one(AfsprakenTable)
        table.add_column("Partij", width=8)
        table.add_column("Kaart", width=14)
        table.add_column("Int.", width=6)
        table.add_column("Wie", width=11)
        table.add_column("Wat", width=9)
        table.add_column("Wanneer", width=10)
        table.add_column("Status", width=6)
        self.ready = True
        if self._pending is not None:
            self.show(*self._pending)
            self._pending = None

    def show(self, session: Session, keep: int | None = None) -> None:
        if not self.ready:
            self._pending = (session, keep)
            return
        self._session = session
        table = self.query_one(AfsprakenTable)
        labels = {p.key: p.label for p in session.veld.parties}
        table.clear()
        for laid in session.arrangement:
            table.add_row(
                one_line(labels.get(laid.party, laid.party), 8),
                one_line(laid.title, 14),
                laid.intensity,
                Text(one_line(laid.wie, 11)) if laid.wie else Text("?", style="bold red"),
                one_line(laid.wat, 9),
                laid.wanneer or Text("?", style="bold red"),
                Text(laid.status, style=STATUS_STYLE.get(laid.status, "")),
                key=str(laid.id),
            )
        if keep is not None:
            ids = [c.id for c in session.arrangement]
            if keep in ids:
                table.move_cursor(row=ids.index(keep))
        self._show_detail()
        head = Text("Casusregie: ", style="bold")
        head.append(one_line(session.casusregie, 28) or "—")
        head.append("   Evaluatie: ", style="bold")
        head.append(session.evaluation_date or "—")
        if session.status != STATUS_CLOSED:  # c does nothing on a closed session
            head.append("   (c: wijzigen)", style="dim")
        self.query_one("#afspraken-head", Static).update(head)
        missing = session.missing()
        text = (
            Text("✓ Compleet: elke partij heeft een afspraak.", style="green")
            if not missing
            else Text("Nog open: " + " · ".join(missing), style="yellow")
        )
        if not session.arrangement:
            text = Text(
                "Nog geen kaarten; ^K kiest er een (in elke stap). Open: " + " · ".join(missing),
                style="yellow",
            )
        self.query_one("#afspraken-missing", Static).update(text)
