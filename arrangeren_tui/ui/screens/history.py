"""The history: every session, newest first, searched as you type (also in the notes).

A store may hold 10,000 sessions, so the search is built to stay quick at that size:
it runs after a short pause in typing (``SEARCH_PAUSE``), in a thread, and a newer
query makes an older search stop between two files; the table shows at most
``ROW_LIMIT`` rows and one line says how many more matched; full-text matches arrive
in batches, and the search of the notes stops once the table is full.
"""

from __future__ import annotations

import asyncio
import threading
import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input

from arrangeren_tui.core.model import STATUS_CLOSED
from arrangeren_tui.core.storage.history import (
    Hit,
    field_text,
    full_text_hits,
    split_by_fields,
    words,
)
from arrangeren_tui.core.storage.store import SessionStore, SessionSummary
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.messages import OpenSession
from arrangeren_tui.ui.screens.base import read_sessions
from arrangeren_tui.ui.screens.lists import (
    HISTORY_COLUMNS,
    ROW_LIMIT,
    add_columns,
    dutch_number,
    more_matches,
)
from arrangeren_tui.ui.widgets.keybar import KeyBar, cursor_row_key
from arrangeren_tui.ui.widgets.plain import Static
from arrangeren_tui.ui.widgets.table import PlainTable
from arrangeren_tui.ui.widgets.typing import TextInput

SEARCH_PAUSE = 0.2  # seconds without a key before a search runs
BATCH_SECONDS = 0.1  # full-text matches reach the table at most this often
STILL_TYPING_CHECK = 0.02  # how often a waiting search looks whether a newer one came


class HistoryScreen(Screen[None]):
    """Matches on the list fields come first, full-text matches follow; all from a thread."""

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
        # The summaries with each one's field_text, made once; one attribute, so that a
        # search thread never sees the one without the other.
        self._searchable: tuple[list[SessionSummary], list[str]] = ([], [])
        self.shown: set[str] = set()
        self.hits: dict[str, Hit] = {}  # where a full-text match is, by session id
        self._generation = 0
        self._lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Static(" Geschiedenis · zoek op leerling, school, datum, status of in de notities",
                     id="home-title")
        yield TextInput(placeholder="zoek…", id="history-search", compact=True)
        yield PlainTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-hit")
        yield Static("", id="history-status")
        yield KeyBar()

    async def on_mount(self) -> None:
        add_columns(self.query_one(DataTable), HISTORY_COLUMNS)
        summaries = (await read_sessions(self.store))[0]
        texts = await asyncio.to_thread(lambda: [field_text(s) for s in summaries])
        self.summaries, self._searchable = summaries, (summaries, texts)
        # The whole list, at once: nothing to wait for.
        self._show_fields(self.summaries[:ROW_LIMIT], len(self.summaries), 0, [],
                          self._next_generation())
        self.query_one("#history-search", Input).focus()

    def _next_generation(self) -> int:
        """A new search begins: every older one is stale from now on."""
        with self._lock:
            self._generation += 1
            return self._generation

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
        """Search after a pause in typing; a key typed meanwhile makes this one stale."""
        self._run_search(words(query), self._next_generation())

    @work(thread=True, exclusive=True, group="history-search", exit_on_error=False)
    def _run_search(self, wanted: list[str], generation: int) -> None:
        def stale() -> bool:
            return generation != self._generation

        waited_until = time.monotonic() + SEARCH_PAUSE
        while (left := waited_until - time.monotonic()) > 0:
            time.sleep(min(left, STILL_TYPING_CHECK))
            if stale():
                return
        matched, rest = split_by_fields(*self._searchable, wanted)
        if stale():
            return
        self.app.call_from_thread(self._show_fields, matched[:ROW_LIMIT], len(matched),
                                  len(rest), wanted, generation)
        room = ROW_LIMIT - len(matched)
        if not wanted or room <= 0:
            return
        batch: list[tuple[SessionSummary, Hit]] = []
        found = 0
        more = False
        sent = time.monotonic()
        for summary, hit in full_text_hits(self.store, rest, wanted, stop=stale):
            if found == room:
                more = True  # one past the limit: enough to say there are more
                break
            batch.append((summary, hit))
            found += 1
            if time.monotonic() - sent >= BATCH_SECONDS:
                self.app.call_from_thread(self._found, batch, generation)
                batch, sent = [], time.monotonic()
        if not stale():
            self.app.call_from_thread(self._done, batch, generation, more)

    def _show_fields(self, first: list[SessionSummary], total: int, unmatched: int,
                     wanted: list[str], generation: int) -> None:
        """The matches on the list fields (the first ``ROW_LIMIT`` of ``total``)."""
        if generation != self._generation:
            return
        table = self.query_one(DataTable)
        table.clear()
        self.shown = set()
        self.hits = {}
        for summary in first:
            self._add(summary)
        self._show_hit()
        rest = total - len(first)
        if not wanted:
            text = f" {dutch_number(total)} gesprekken"
            if rest:
                text += f" · de nieuwste {ROW_LIMIT} staan hier; typ om te zoeken"
        elif rest:
            text = " " + more_matches(rest, at_least=unmatched > 0)
        else:
            text = f" {len(self.shown)} gevonden · zoeken in de notities…"
        self.query_one("#history-status", Static).update(text)

    def _found(self, batch: list[tuple[SessionSummary, Hit]], generation: int) -> None:
        if generation != self._generation or not batch:
            return
        for summary, hit in batch:
            self._add(summary, hit)
        self._show_hit()
        self.query_one("#history-status", Static).update(
            f" {len(self.shown)} gevonden · zoeken in de notities…")

    def _show_hit(self) -> None:
        """Where the row under the cursor matched, in one line ("" for a match on the list)."""
        hit = self.hits.get(cursor_row_key(self.query_one(DataTable)) or "")
        self.query_one("#history-hit", Static).update(
            Text(f" {hit.describe()}", no_wrap=True, overflow="ellipsis") if hit else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_hit()

    def _done(self, batch: list[tuple[SessionSummary, Hit]], generation: int,
              more: bool) -> None:
        """The last matches and the final status line, in one go (one repaint)."""
        if generation != self._generation:
            return
        for summary, hit in batch:
            self._add(summary, hit)
        self._show_hit()
        self.query_one("#history-status", Static).update(
            f" {len(self.shown)} getoond · … en meer in de notities, typ verder om te verfijnen"
            if more else f" {len(self.shown)} gevonden (ook in notities en afspraken)"
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
