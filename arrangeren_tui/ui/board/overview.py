"""The whole veld at a glance: every step by every party, like the photo of the placemat."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import DataTable

from arrangeren_tui.core.model import Session
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.board.widgets import card_prompt
from arrangeren_tui.ui.widgets.plain import Static

MAX_NOTES_PER_CELL = 3
STEP_COLUMN_WIDTH = 13


def cell_text(session: Session, step: str, party: str, width: int) -> Text:
    """The first laid cards and notes of one square, each cut to about two lines of the column.

    Cards come first: they are the arrangement, and a cell shows only a few lines.
    """
    cards = session.cards_for(step, party)
    notes = session.notes_for(step, party)
    text = Text()
    shown = 0
    for card in cards[:MAX_NOTES_PER_CELL]:
        if shown:
            text.append("\n")
        text.append("▣ " + one_line(card.title, max(6, 2 * width - 2)), style="bold cyan")
        shown += 1
    for note in notes[:MAX_NOTES_PER_CELL - shown]:
        if shown:
            text.append("\n")
        line = one_line(note.text, max(6, 2 * width - 2))
        if note.important:
            text.append("★ " + line, style="bold yellow")
        else:
            text.append("· " + line)
        shown += 1
    hidden = len(cards) + len(notes) - shown
    if hidden > 0:
        text.append(f"\n+{hidden} meer", style="dim")
    return text


def detail_text(session: Session, step: str, party: str) -> Text:
    """Every laid card and note of one square in full, for the pane under the grid."""
    step_name = session.veld.step(step).name
    party_label = session.veld.party(party).label
    cards = session.cards_for(step, party)
    notes = session.notes_for(step, party)
    text = Text(f"{party_label} · {step_name}", style="bold")
    if not notes and not cards:
        text.append("\n(nog niets genoteerd)", style="dim")
    for card in cards:
        text.append("\n")
        text.append_text(card_prompt(card))
    for note in notes:
        text.append("\n")
        if note.important:
            text.append("★ " + one_line(note.text), style="bold yellow")
        else:
            text.append("• " + one_line(note.text))
    return text


class OverviewScreen(ModalScreen[tuple[str, str] | None]):
    """Rows are steps, columns are parties; Enter jumps to that spot on the board."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("enter", "jump", "Ga hierheen", key_display="Enter", id="overview.jump"),
        Binding("escape,ctrl+o", "close", "Terug", key_display="Esc", id="overview.close"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        from arrangeren_tui.ui.widgets.keybar import KeyBar

        total = len(self.session.notes)
        important = sum(1 for n in self.session.notes if n.important)
        cards = len(self.session.arrangement)
        laid = f", {cards} kaart{'' if cards == 1 else 'en'}" if cards else ""
        yield Static(
            f" Overzicht van het arrangeerveld · {total} notities, {important} belangrijk{laid}",
            id="overview-title",
        )
        # Filled before it is mounted, so that the first frame is the finished overview:
        # filled on mount, its rows (of computed heights) came in three more full frames.
        yield self._table()
        yield Static(id="overview-detail")
        yield KeyBar()

    def _table(self) -> DataTable[Text]:
        table: DataTable[Text] = DataTable(id="overview", cursor_type="cell",
                                           zebra_stripes=True)
        veld = self.session.veld
        columns = max(1, len(veld.parties))
        spare = self.app.size.width - (STEP_COLUMN_WIDTH + 2) - 2 * columns - 2
        width = max(6, spare // columns)
        table.add_column("Stap", key="stap", width=STEP_COLUMN_WIDTH)
        for party in veld.parties:
            table.add_column(party.label, key=party.key, width=width)
        for index, step in enumerate(veld.steps):
            marker = "▶" if step.key == self.session.current_step else " "
            cells = [Text(f"{marker}{index + 1} {step.short}", style="bold", overflow="ellipsis",
                          no_wrap=True)]
            cells += [cell_text(self.session, step.key, p.key, width) for p in veld.parties]
            table.add_row(*cells, key=step.key, height=None)
        return table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        veld = self.session.veld
        row = veld.step_index(self.session.current_step)
        column = veld.party_index(self.session.selected_party) + 1
        table.move_cursor(row=row, column=column)
        table.focus()

    def action_jump(self) -> None:
        table = self.query_one(DataTable)
        veld = self.session.veld
        row, column = table.cursor_coordinate
        party_index = max(0, column - 1)
        self.dismiss((veld.steps[row].key, veld.parties[party_index].key))

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        veld = self.session.veld
        row, column = event.coordinate
        party = veld.parties[max(0, column - 1)].key
        self.query_one("#overview-detail", Static).update(
            detail_text(self.session, veld.steps[row].key, party)
        )

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_jump()

    def action_close(self) -> None:
        self.dismiss(None)
