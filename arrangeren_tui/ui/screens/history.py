"""The history: every session, newest first, searched as you type (also in the notes)."""

from __future__ import annotations

import threading

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from arrangeren_tui.core.model import STATUS_CLOSED
from arrangeren_tui.core.storage.history import Hit, fields_match, full_text_hits, words
from arrangeren_tui.core.storage.store import SessionStore, SessionSummary
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.messages import OpenSession
from arrangeren_tui.ui.screens.base import read_sessions
from arrangeren_tui.ui.widgets.keybar import KeyBar, cursor_row_key
from arrangeren_tui.ui.widgets.typing import TextInput


class HistoryScreen(Screen[None]):
    """Matches on the list fields appear at once; full-text matches follow from a thread."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("down", "to_table", "Naar de lijst", key_display="↓", show=False,
                id="history.table"),
        Binding("escape", "back", "Terug", key_display="Esc", id="history.back"),
    ]

    def __init__(self, store: SessionStore) -> None:
        super().__init__()
        self.store = store
        self.summaries: list[SessionSummary] = []
        self.shown: set[str] = set()
        self.hits: dict[str, Hit] = {}  # where a full-text match is, by session id
        self._generation = 0
        self._lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Static(" Geschiedenis · zoek op leerling, school, datum, status of in de notities",
                     id="home-title")
        yield TextInput(placeholder="zoek…", id="history-search", compact=True)
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-hit")
        yield Static("", id="history-status")
        yield KeyBar()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Datum", width=10)
        table.add_column("Leerling", width=16)
        table.add_column("School", width=12)
        table.add_column("Status", width=8)
        table.add_column("Afspr.", width=6)
        table.add_column("Evaluatie", width=10)
        self.summaries = (await read_sessions(self.store))[0]
        self._search("")
        self.query_one("#history-search", Input).focus()

    def _add(self, summary: SessionSummary, hit: Hit | None = None) -> None:
        if summary.id in self.shown:
            return
        self.shown.add(summary.id)
        if hit is not None:
            self.hits[summary.id] = hit
        status = Text(summary.status, style="dim" if summary.status == STATUS_CLOSED else "")
        self.query_one(DataTable).add_row(
            summary.date, one_line(summary.pupil, 16), one_line(summary.school, 12), status,
            summary.agreements, summary.evaluation or "—", key=summary.id,
        )

    @on(Input.Changed, "#history-search")
    def _changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, query: str) -> None:
        wanted = words(query)
        table = self.query_one(DataTable)
        table.clear()
        self.shown = set()
        self.hits = {}
        self._show_hit()
        for summary in self.summaries:
            if fields_match(summary, wanted):
                self._add(summary)
        with self._lock:
            self._generation += 1
            generation = self._generation
        status = self.query_one("#history-status", Static)
        if not wanted:
            status.update(f" {len(self.summaries)} gesprekken")
            return
        status.update(f" {len(self.shown)} gevonden · zoeken in de notities…")
        rest = [s for s in self.summaries if s.id not in self.shown]
        self._full_text(rest, wanted, generation)

    @work(thread=True, exclusive=True, group="history-search", exit_on_error=False)
    def _full_text(self, rest: list[SessionSummary], wanted: list[str], generation: int) -> None:
        def stale() -> bool:
            return generation != self._generation

        for summary, hit in full_text_hits(self.store, rest, wanted, stop=stale):
            if stale():
                return
            self.app.call_from_thread(self._found, summary, hit, generation)
        if not stale():
            self.app.call_from_thread(self._done, generation)

    def _found(self, summary: SessionSummary, hit: Hit, generation: int) -> None:
        if generation == self._generation:
            self._add(summary, hit)
            self._show_hit()

    def _show_hit(self) -> None:
        """Where the row under the cursor matched, in one line ("" for a match on the list)."""
        hit = self.hits.get(cursor_row_key(self.query_one(DataTable)) or "")
        self.query_one("#history-hit", Static).update(
            Text(f" {hit.describe()}", no_wrap=True, overflow="ellipsis") if hit else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_hit()

    def _done(self, generation: int) -> None:
        if generation == self._generation:
            self.query_one("#history-status", Static).update(
                f" {len(self.shown)} gevonden (ook in notities en afspraken)"
            )

    def action_to_table(self) -> None:
        self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        session_id = event.row_key.value
        if session_id:
            hit = self.hits.get(session_id)
            self.post_message(OpenSession(session_id) if hit is None else OpenSession(
                session_id, step=hit.step, party=hit.party, note=hit.note))

    def action_back(self) -> None:
        self.app.pop_screen()
