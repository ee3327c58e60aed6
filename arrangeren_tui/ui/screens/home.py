"""The home screen (recent sessions) and the form for a new session."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from functools import partial

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, DataTable, Input, Select

from arrangeren_tui.core import fields
from arrangeren_tui.core.fields import validate_session
from arrangeren_tui.core.model import (
    HOME_PARTIES,
    STATUS_CLOSED,
    STATUS_PLANNED,
    Participant,
    SessionMeta,
)
from arrangeren_tui.core.storage.retention import Expired, expired
from arrangeren_tui.core.storage.store import (
    BackupInfo,
    Recovery,
    SessionStore,
    SessionSummary,
    StoreError,
)
from arrangeren_tui.core.text import one_line
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.context import AppContext
from arrangeren_tui.ui.messages import OfferRecoveries, OpenSession, PlanSession, PrepareSession
from arrangeren_tui.ui.screens.base import read_sessions
from arrangeren_tui.ui.screens.lists import (
    HOME_COLUMNS,
    RETENTION_COLUMNS,
    ROW_LIMIT,
    add_columns,
    dutch_number,
)
from arrangeren_tui.ui.widgets.datehint import DateHint
from arrangeren_tui.ui.widgets.keybar import KeyBar, cursor_row_key
from arrangeren_tui.ui.widgets.plain import Label, Static
from arrangeren_tui.ui.widgets.table import PlainTable
from arrangeren_tui.ui.widgets.tick import Tick
from arrangeren_tui.ui.widgets.typing import TextInput

# The form's sentence for each problem core.fields finds: (form field, sentence).
FORM_ERRORS = {
    (fields.PUPIL, fields.MISSING): ("leerling", "Vul de naam of de initialen van de leerling in."),
    (fields.PUPIL, fields.TOO_LONG): ("leerling", f"Hoogstens {fields.MAX_PUPIL_LENGTH} tekens."),
    (fields.DATE, fields.FORMAT): (
        "datum", "Geen datum: schrijf bv. 14-1-2027, 14-1, morgen of over 8 weken."),
    (fields.DATE, fields.RANGE): (  # short: the date column is 17 wide at 80x24
        "datum", f"Jaar {fields.MIN_YEAR}–{fields.MAX_YEAR}."),
    (fields.TIME, fields.FORMAT): ("tijd", "Schrijf de tijd als UU:MM, bv. 13:30."),
    (fields.TIME, fields.MISSING): (
        "tijd", "Bij een gepland gesprek hoort een begintijd, bv. 13:30."),
    (fields.MINUTES, fields.RANGE): (
        "duur", f"Tussen {fields.MIN_MINUTES} en {fields.MAX_MINUTES} minuten."),
    (fields.MINUTES, fields.FORMAT): ("duur", "Een heel aantal minuten, bv. 90."),
}
HOME_TITLE = " arrangeren · Arrangeergesprekken"
FOLLOW_UP_MARK = "↻"  # before the pupil's name: this row is a vervolggesprek
SCAN_DELAY = 0.5  # seconds after start before every session file is checked for damage
SCAN_PAUSE = 0.0005  # seconds between two files of that scan
# Lines of the new-session dialog around its scrolling form: border 2, title 1, the
# buttons with their margin 2, the key bar's line 1 (as before at 80x24: its second,
# empty line lies under the border).
FORM_CHROME = 6
# From this many sessions in the index on, the home screen first shows the index's head
# (``SessionStore.newest``) and reads the whole list after that first frame; below it the
# whole list is quick (1,000 sessions: ~25 ms) and is shown at once, as it is.
HEAD_FIRST_FROM = 1_000


class HomeScreen(Screen[None]):
    """Recent sessions, newest first; start a new one or resume."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("n", "new_session", "Nieuw gesprek", key_display="n", id="home.new"),
        Binding("enter", "open_session", "Openen", key_display="Enter", id="home.open"),
        Binding("r", "reload", "Vernieuwen", key_display="r", id="home.reload"),
        Binding("delete,d", "delete_session", "Verwijderen", key_display="Del",
                id="home.delete"),
        Binding("b", "retention", "Bewaartermijn", key_display="b", id="home.retention"),
        Binding("slash,z", "history", "Zoeken", key_display="/", id="home.history"),
        Binding("v", "follow_up", "Vervolggesprek", key_display="v", id="home.follow_up"),
        Binding("p", "plan_session", "Plannen", key_display="p", id="home.plan"),
        Binding("e", "prepare", "Voorbereiding", key_display="e", id="home.prepare"),
        Binding("u", "invitations", "Uitnodigingen", key_display="u", id="home.invitations"),
        Binding("j", "year_plan", "Jaarplanning", key_display="j", id="home.year_plan"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.store = context.store
        self.veld = context.veld
        self.retention_months = context.retention_months
        self.summaries: list[SessionSummary] = []  # as last read, for the table
        self.expired: list[Expired] = []
        self._told_expired = False
        # The list was read since this screen last lay under another one: on mount, so
        # the resume that follows at once need not read it again (at 10,000 sessions
        # that second read held the first frame back by 0.1-0.2 s).
        self._listed = False
        self._shown: list[SessionSummary] = []  # the rows in the table

    def compose(self) -> ComposeResult:
        yield Static(HOME_TITLE, id="home-title")
        yield Static(f" Opslag: {self.store.root}", id="home-store")
        yield PlainTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="home-more")
        yield Static("", id="home-empty")
        yield KeyBar()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        add_columns(table, HOME_COLUMNS)
        if not await self._show_head(table):
            await self.action_reload()
        self._listed = True
        table.focus()
        self._scan_for_damage()

    async def _show_head(self, table: DataTable[object]) -> bool:
        """In a large store: fill the table from the index's head (the newest sessions as
        the index knows them) and read the whole list once that is drawn; True if so.

        The whole list (the index reconciled with every file: new, changed, damaged or
        deleted sessions, the count) costs ~0.25 s at 10,000 sessions, the head ~10 ms.
        Until the list is read a row of a file another program changed may show its
        old line; then the rows are corrected (``action_reload``). The head holds every
        session dated from today on, so the planned meetings to come are all there.
        """
        if self._covered():
            return False
        head = await asyncio.to_thread(self.store.newest, ROW_LIMIT,
                                       self.context.today().isoformat())
        if head is None or head[1] < HEAD_FIRST_FROM:
            return False
        summaries, total = head
        self.summaries = summaries
        # As many rows as the terminal has lines: all a first frame can show. Each row
        # costs the first frame ~0.5 ms (a store of 1,000 drew 40-50 ms later than one
        # of 10 with 100 rows); the reload below adds the rest under them.
        self._fill(table, summaries, total=total, first=self.app.size.height)
        self.call_after_refresh(self.action_reload)
        return True

    @work(thread=True, exclusive=True, group="damage-scan", exit_on_error=False)
    def _scan_for_damage(self) -> None:
        """Set damaged session files aside, off the event loop (``recover_damaged``:
        files new or changed since the index was written are read, the rest not).

        The thread shares the interpreter with the event loop, so it waits until the
        first screen is drawn and then lets go between files, so that a store full of
        changed files (copied in) does not delay the first keys typed.
        """
        time.sleep(SCAN_DELAY)
        recoveries = self.store.recover_damaged(between=partial(time.sleep, SCAN_PAUSE))
        orphans = self.store.orphan_backups()
        if recoveries or orphans:
            self.app.call_from_thread(self.call_later, self._report_damage, recoveries, orphans)

    async def _report_damage(self, recoveries: list[Recovery], orphans: list[BackupInfo]) -> None:
        await self.action_reload()
        for info in orphans:
            if any(r.session_id == info.session_id for r in recoveries):
                continue
            self.notify(
                f"Van gesprek {info.session_id} is alleen een vorige versie over. "
                f"Terugzetten: arrangeren herstel {info.session_id}",
                severity="warning", timeout=12,
            )
        if recoveries:
            self.post_message(OfferRecoveries(recoveries))

    async def on_screen_resume(self) -> None:
        if self._listed:  # shown for the first time: on_mount has just read the list
            self._listed = False
            return
        if not self._covered():  # not when a board was pushed over it straight away
            await self.action_reload()

    def on_screen_suspend(self) -> None:
        self._listed = False  # what lies over it may change sessions: read on return

    def _covered(self) -> bool:
        """True while a full screen (a board, the history) lies over this one; a dialog doesn't."""
        stack = self.app.screen_stack
        above = stack[stack.index(self) + 1:] if self in stack else []
        return any(not isinstance(screen, ModalScreen) for screen in above)

    async def action_reload(self) -> None:
        """Read the list; fill the table only while this screen shows (else on resume)."""
        table = self.query_one(DataTable)
        summaries, problems = await read_sessions(self.store)
        self.summaries = summaries
        self._fill(table, summaries, keep_cursor=True)
        for problem in problems:
            self.notify(problem, severity="warning", timeout=8)
        # Once the rows are on screen: at 10,000 sessions this takes 20-40 ms, which the
        # first frame need not wait for.
        self.call_after_refresh(self._check_retention, summaries)

    def _check_retention(self, summaries: list[SessionSummary]) -> None:
        """Which sessions are past their bewaartermijn; say so once per program run."""
        if summaries is not self.summaries:
            return  # read again meanwhile: that read checks
        self.expired = expired(summaries, self.context.today(), self.retention_months)
        if self.expired and not self._told_expired:
            self._told_expired = True
            count = len(self.expired)
            self.notify(
                f"{count} gesprek{'' if count == 1 else 'ken'} {'is' if count == 1 else 'zijn'} "
                f"over de bewaartermijn ({self.retention_months} maanden). "
                "Druk b om ze te bekijken; er wordt niets vanzelf gewist.",
                severity="warning", timeout=12,
            )

    def _fill(self, table: DataTable[object], summaries: list[SessionSummary], *,
              total: int | None = None, keep_cursor: bool = False,
              first: int | None = None) -> None:
        """The rows of the table; skipped while another screen covers this one.

        Rows cost Textual time to lay out, so a board opened straight away
        (``arrangeren open``) would wait for a table nobody sees; ``on_screen_resume``
        fills it when the home screen shows. At most ``ROW_LIMIT`` rows: the planned
        meetings to come and the newest sessions; a line under the table says how many
        more there are (``total``: of which ``summaries`` are the newest) and that the
        history (/) finds any of them. Rows that are already as shown are left alone
        (``keep_cursor``: the cursor stays on its session where it can). ``first``: only
        that many rows for now.
        """
        if self._covered():
            table.clear()
            self._shown = []
            return
        rows = upcoming_first(summaries, self.context.today())
        count = len(rows) if total is None else max(total, len(rows))
        more = self.query_one("#home-more", Static)
        more.display = count > ROW_LIMIT
        more.update(f" De nieuwste {ROW_LIMIT} van {dutch_number(count)} gesprekken; "
                    "druk / om alle te doorzoeken.")
        rows = rows[:ROW_LIMIT if first is None else min(first, ROW_LIMIT)]
        if rows != self._shown or not rows:
            self._rows(table, rows, keep_cursor)
        follow_ups = any(s.previous for s in summaries)
        legend = f"   {FOLLOW_UP_MARK} = vervolggesprek" if follow_ups else ""
        self.query_one("#home-title", Static).update(f"{HOME_TITLE}{legend}")
        empty = self.query_one("#home-empty", Static)
        empty.display = not summaries
        empty.update("Nog geen gesprekken. Druk op n om een nieuw gesprek te beginnen, "
                     "of p om er een te plannen.")

    def _rows(self, table: DataTable[object], rows: list[SessionSummary],
              keep_cursor: bool) -> None:
        """Put ``rows`` in the table (``keep_cursor``: on the session it was on, if any).
        Rows shown already as the first of ``rows`` stay; the others are added under them."""
        shown = len(self._shown)
        if keep_cursor and 0 < shown < len(rows) and rows[:shown] == self._shown:
            self._shown = rows
            for s in rows[shown:]:
                self._add_row(table, s)
            return
        current = cursor_row_key(table) if keep_cursor else None
        table.clear()
        self._shown = rows
        for s in rows:
            self._add_row(table, s)
        if current is not None and current in table.rows:
            table.move_cursor(row=table.get_row_index(current))

    @staticmethod
    def _add_row(table: DataTable[object], s: SessionSummary) -> None:
        style = {STATUS_CLOSED: "dim", STATUS_PLANNED: "bold cyan"}.get(s.status, "bold green")
        status = Text(s.status, style=style)
        if s.damaged:  # Enter sets it aside and offers the previous version
            status = Text("beschadigd", style="bold red")
        when = f"{s.date} {s.time}" if s.time else s.date
        pupil = f"{FOLLOW_UP_MARK} {one_line(s.pupil, 13)}" if s.previous else one_line(
            s.pupil, 15)
        table.add_row(
            when, pupil, one_line(s.school, 11), one_line(s.group, 4),
            status, s.id, key=s.id,
        )

    def _selected_id(self) -> str | None:
        return cursor_row_key(self.query_one(DataTable))

    def action_delete_session(self) -> None:
        session_id = self._selected_id()
        if session_id is not None:
            confirm_delete(self, self.store, session_id, self._summary(session_id),
                           self.action_reload)

    def action_follow_up(self) -> None:
        """Ask when (the evaluation date proposed), then make the vervolggesprek: held
        today it opens on the board, on a later day it is gepland and its voorbereiding opens."""
        previous = self._selected_id()
        if previous is None:
            return
        from arrangeren_tui.ui.dialogs.followup import FollowUpDialog

        context = self.context
        today = context.today()
        summary = self._summary(previous)
        evaluation = summary.evaluation if summary is not None else ""

        def chosen(date: str | None) -> None:
            if date is None:
                return
            later = date > today.isoformat()
            try:
                session = self.store.create_follow_up(
                    previous, self.veld, context.now(), date, planned=later
                )
            except StoreError as error:
                self.notify(f"Geen vervolggesprek: {error}", severity="error", timeout=8)
                return
            self.notify(f"Vervolggesprek {session.id} op {date}, na {previous}.", timeout=4)
            self.post_message(PrepareSession(session.id) if later else OpenSession(session.id))

        self.app.push_screen(FollowUpDialog(
            one_line(summary.pupil, 40) if summary is not None else previous,
            evaluation or today.isoformat(), today, from_evaluation=bool(evaluation),
        ), chosen)

    def action_history(self) -> None:
        from arrangeren_tui.ui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.store))

    def action_retention(self) -> None:
        self.app.push_screen(RetentionScreen(self.context))

    def action_open_session(self) -> None:
        session_id = self._selected_id()
        if session_id is None:
            self.action_new_session()
        else:
            self._open(session_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self._open(event.row_key.value)

    def _summary(self, session_id: str) -> SessionSummary | None:
        """The row as last read (the list is not read again for one line)."""
        return next((s for s in self.summaries if s.id == session_id), None)

    def _open(self, session_id: str) -> None:
        """Open on the board; a meeting planned for a later day asks first."""
        summary = self._summary(session_id)
        today = self.context.today().isoformat()
        if summary is None or summary.status != STATUS_PLANNED or summary.date <= today:
            self.post_message(OpenSession(session_id))
            return

        from arrangeren_tui.ui.dialogs.common import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self.post_message(OpenSession(session_id))
            elif yes is False:
                self.post_message(PrepareSession(session_id))

        self.app.push_screen(ConfirmDialog(
            f"Dit gesprek is gepland op {summary.date}"
            f"{' om ' + summary.time if summary.time else ''}.\n\n"
            "Nu houden? Dan begint het gesprek op het arrangeerveld. "
            "Anders opent de voorbereiding.",
            yes="Nu houden", no="Voorbereiding", escape_cancels=True,
        ), answer)

    def action_prepare(self) -> None:
        session_id = self._selected_id()
        if session_id is not None:
            self.post_message(PrepareSession(session_id))

    def action_invitations(self) -> None:
        session_id = self._selected_id()
        if session_id is None:
            return
        try:
            session = self.store.load(session_id)
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=8)
            return
        from arrangeren_tui.ui.screens.invitations import InvitationsScreen

        self.app.push_screen(InvitationsScreen(self.context, session))

    def action_year_plan(self) -> None:
        from arrangeren_tui.ui.screens.planning import PlanningScreen

        self.app.push_screen(PlanningScreen(self.context))

    def action_plan_session(self) -> None:
        self.post_message(PlanSession())

    def action_new_session(self) -> None:
        def created(meta: SessionMeta | None) -> None:
            if meta is None:
                return
            try:
                session = self.store.create(meta, self.veld, self.context.now())
            except (StoreError, OSError) as error:
                self.notify(f"Niet aangemaakt: {error}", severity="error", timeout=10)
                return
            self.post_message(OpenSession(session.id))

        self.app.push_screen(NewSessionScreen(self.veld, self.context.today()), created)


def upcoming_first(summaries: list[SessionSummary], today: dt.date) -> list[SessionSummary]:
    """Planned meetings from today on, soonest first; then every other session, newest first."""
    day = today.isoformat()
    coming = [s for s in summaries if s.status == STATUS_PLANNED and s.date >= day]
    coming.sort(key=lambda s: (s.date, s.time, s.id))
    chosen = {s.id for s in coming}
    return coming + [s for s in summaries if s.id not in chosen]


def confirm_delete(screen: Screen[None], store: SessionStore, session_id: str,
                   summary: SessionSummary | None, done: Callable[[], object]) -> None:
    """Ask, then remove a session completely (file, backups, damaged copies, index entry)."""
    what = f"{one_line(summary.pupil, 30)}, {summary.date}" if summary else "onleesbaar"

    def answer(yes: bool | None) -> None:
        if not yes:
            return
        try:
            from arrangeren_tui.core.removal import delete_session

            removed = delete_session(store, session_id)
        except StoreError as error:
            screen.notify(f"Niet verwijderd: {error}", severity="error", timeout=10)
            return
        kept = bool(removed.exports.kept)
        screen.notify(f"Gesprek {session_id} is verwijderd {removed.summary()}.",
                      severity="warning" if kept else "information", timeout=15 if kept else 5)
        screen.call_later(done)  # a reload may be a coroutine: the screen runs it next

    from arrangeren_tui.ui.dialogs.common import ConfirmDialog

    screen.app.push_screen(
        ConfirmDialog(
            f"Gesprek {session_id} ({what}) definitief verwijderen?\n\n"
            "Het bestand, de vorige versie, de regel in de lijst en de verslagen en "
            "uitnodigingen die het programma ervan schreef (als ze niet gewijzigd zijn) "
            "verdwijnen. "
            "Dit kan niet ongedaan worden gemaakt.",
            yes="Verwijderen",
            no="Bewaren",
        ),
        answer,
    )


class RetentionScreen(Screen[None]):
    """Sessions past their bewaartermijn, for review; deleting is a choice per session."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("delete,d", "delete_session", "Verwijderen", key_display="Del",
                id="retention.delete"),
        Binding("enter", "open_session", "Openen", key_display="Enter", id="retention.open"),
        Binding("escape", "back", "Terug", key_display="Esc", id="retention.back"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.store = context.store
        self.months = context.retention_months
        self.summaries: list[SessionSummary] = []  # as last read

    def compose(self) -> ComposeResult:
        yield Static(f" Over de bewaartermijn ({self.months} maanden na de evaluatie)",
                     id="home-title")
        yield Static(" Bekijk ze en verwijder wat weg mag. Er wordt niets vanzelf gewist.",
                     id="home-store")
        yield PlainTable(id="expired", cursor_type="row", zebra_stripes=True)
        yield Static("", id="home-empty")
        yield KeyBar()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        add_columns(table, RETENTION_COLUMNS)
        await self.reload()
        table.focus()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        summaries, _problems = await read_sessions(self.store)
        table = self.query_one(DataTable)
        table.clear()
        self.summaries = summaries
        rows = expired(summaries, self.context.today(), self.months)
        for item in rows:
            s = item.summary
            table.add_row(
                s.date, one_line(s.pupil, 16), one_line(s.school, 9),
                item.since.isoformat(), "evaluatie" if item.basis == "evaluatiedatum"
                else "gesprek", s.id, key=s.id,
            )
        empty = self.query_one("#home-empty", Static)
        empty.display = not rows
        empty.update("Geen gesprekken over de bewaartermijn.")

    def _selected_id(self) -> str | None:
        return cursor_row_key(self.query_one(DataTable))

    def action_delete_session(self) -> None:
        session_id = self._selected_id()
        if session_id is not None:
            summary = next((s for s in self.summaries if s.id == session_id), None)
            confirm_delete(self, self.store, session_id, summary, self.reload)

    def action_open_session(self) -> None:
        session_id = self._selected_id()
        if session_id is not None:
            self.post_message(OpenSession(session_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_session()

    def action_back(self) -> None:
        self.app.pop_screen()


class ParticipantRow(Horizontal):
    """Name, role and party of one participant."""

    def __init__(self, veld: Veld, number: int) -> None:
        super().__init__(classes="participant")
        self.veld = veld
        self.number = number
        self.guessed: str | None = None  # the party last filled in from the role

    def role_changed(self, role: str) -> None:
        """The role picks the party ('moeder' → Ouders, 'IB'er' → School), unless the party
        was chosen by hand; it stays editable. (Called by the form: a field that takes keys
        in order sends its Changed straight to the screen, past this row.)"""
        party = self.query_one(".p-party", Select)
        if party.value is not Select.NULL and party.value != self.guessed:
            return  # chosen by hand
        guess = fields.party_for_role(role)
        if guess and guess in {p.key for p in self.veld.parties}:
            party.value = self.guessed = guess
        elif self.guessed is not None:
            party.clear()
            self.guessed = None

    def compose(self) -> ComposeResult:
        yield TextInput(placeholder="naam", classes="p-name", max_length=80, compact=True)
        yield TextInput(placeholder="rol (bv. leraar)", classes="p-role", max_length=60,
                        compact=True)
        yield Select(
            [(p.label, p.key) for p in self.veld.parties],
            prompt="partij",
            classes="p-party",
            compact=True,
        )

    def value(self) -> tuple[str, str, str | None]:
        party = self.query_one(".p-party", Select).value
        return (
            self.query_one(".p-name", Input).value.strip(),
            self.query_one(".p-role", Input).value.strip(),
            None if party is Select.NULL else str(party),
        )


class NewSessionScreen(ModalScreen[SessionMeta | None]):
    """The form for a new session. Errors show at the field; nothing is saved half."""

    CSS_PATH = SCREENS_CSS
    AUTO_FOCUS = ""  # none: on_mount focuses the first field, without scrolling the form

    BINDINGS = [
        Binding("ctrl+s", "save", "Gesprek aanmaken", key_display="^S", priority=True,
                id="new.save"),
        Binding("ctrl+n", "add_participant", "Deelnemer erbij", key_display="^N",
                priority=True, id="new.add_participant"),
        Binding("escape", "cancel", "Annuleren", key_display="Esc", id="new.cancel"),
    ]

    def __init__(self, veld: Veld, today: dt.date, *, planned: bool = False,
                 preset: SessionMeta | None = None) -> None:
        super().__init__()
        self.veld = veld
        self.today = today
        self.planned = planned
        self.preset = preset or SessionMeta(pupil="", date=today.isoformat(),
                                            planned_minutes=veld.total_minutes)

    def compose(self) -> ComposeResult:
        from arrangeren_tui.core.export.names import join_other_people

        preset = self.preset
        title = "Arrangeergesprek plannen" if self.planned else "Nieuw arrangeergesprek"
        with Vertical(id="new-dialog", classes="dialog"):
            yield Label(title, classes="dialog-title")
            with VerticalScroll(id="new-form", can_focus=False):
                yield from self._field("Leerling (naam of initialen) *", "f-leerling",
                                       placeholder="bv. T.d.J.", value=preset.pupil)
                with Horizontal(classes="form-row"):
                    with Vertical():
                        yield from self._field("Groep", "f-groep", placeholder="bv. 5",
                                               value=preset.group)
                    with Vertical():
                        yield from self._field("Datum *", "f-datum", value=preset.date)
                    with Vertical():
                        yield from self._field("Tijd", "f-tijd", placeholder="UU:MM",
                                               value=preset.time)
                    with Vertical():
                        yield from self._field(
                            "Duur (min) *", "f-duur", value=str(preset.planned_minutes)
                        )
                yield DateHint("f-datum", self.today, id="f-datum-hint")
                yield from self._field("School", "f-school", value=preset.school)
                yield from self._field("Plaats", "f-plaats", value=preset.place)
                yield from self._field("Gespreksleider", "f-gespreksleider",
                                       value=preset.facilitator)
                yield from self._field("Andere namen (broers, zussen, ...)", "f-andere",
                                       placeholder="bv. Sem (broer), Lotte (zus)",
                                       value=join_other_people(preset.other_people))
                if self.planned:
                    yield Label("Uitnodigen (alleen met toestemming van de ouders; "
                                "vast te leggen in de voorbereiding)", classes="field-label")
                    with Horizontal(classes="form-row"):
                        for party in self.veld.parties:
                            if party.key not in HOME_PARTIES:
                                yield Tick(party.label, party.key in preset.invited,
                                               id=f"f-inv-{party.key}", compact=True)
                yield Label("Deelnemers (naam, rol, partij)", classes="field-label")
                with Vertical(id="participants"):
                    yield ParticipantRow(self.veld, 1)
                yield Label("", id="err-deelnemers", classes="field-error")
                yield Button("+ Deelnemer (^N)", id="add-participant", compact=True)
            with Horizontal(classes="dialog-row"):
                yield Button("Plannen ^S" if self.planned else "Aanmaken ^S", variant="primary",
                             id="new-save", compact=True)
                yield Button("Annuleren", id="new-cancel", compact=True)
            yield KeyBar()

    def _field(self, label: str, field_id: str, *, value: str = "", placeholder: str = ""):  # type: ignore[no-untyped-def]
        yield Label(label, classes="field-label")
        yield TextInput(value=value, placeholder=placeholder, id=field_id, max_length=120,
                        compact=True)
        yield Label("", id=f"err-{field_id[2:]}", classes="field-error")

    def on_mount(self) -> None:
        for error in self.query(".field-error"):
            error.display = False
        # Without scrolling: the first field is at the top already. Textual's own focus on
        # open "centred" it before the first layout, which hid its label at 80x24.
        self.set_focus(self.query_one("#f-leerling", Input), scroll_visible=False)

    def on_resize(self, event: events.Resize) -> None:
        # The form scrolls inside the dialog, which grows with the window: at 80x24 the
        # buttons and keys stay on screen, at 80x40 the form shows 34 lines, not 18.
        self.query_one("#new-form").styles.max_height = max(5, event.size.height - FORM_CHROME)

    async def action_add_participant(self) -> None:
        """A new row at the end, its name field focused and the form scrolled to it."""
        rows = self.query_one("#participants", Vertical)
        row = ParticipantRow(self.veld, len(rows.children) + 1)
        await rows.mount(row)  # composed once this returns: its fields exist
        self.set_focus(row.query_one(".p-name", Input), scroll_visible=False)
        # Scrolled after the next layout, when the row has a place; it is the last row,
        # so the end of the form shows it and the "+ Deelnemer" button under it.
        self.call_after_refresh(self.query_one("#new-form", VerticalScroll).scroll_end,
                                animate=False)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new-save":
            self.action_save()
        elif event.button.id == "add-participant":
            await self.action_add_participant()
        else:
            self.action_cancel()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.has_class("p-role"):
            row = next((a for a in event.input.ancestors if isinstance(a, ParticipantRow)), None)
            if row is not None:
                row.role_changed(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _show_error(self, name: str, message: str) -> None:
        label = self.query_one(f"#err-{name}", Label)
        label.update(message)
        label.display = bool(message)

    def validate(self) -> tuple[SessionMeta | None, str | None]:
        """The form as SessionMeta, or None and the id of the first field in error."""
        from arrangeren_tui.core.export.names import split_other_people

        errors: dict[str, str] = {}

        def value(field_id: str) -> str:
            return self.query_one(f"#{field_id}", Input).value.strip()

        checked, problems = validate_session(
            value("f-leerling"), value("f-datum"), value("f-tijd"), value("f-duur"),
            require_time=self.planned, today=self.today,
        )
        for problem in problems.values():
            name, sentence = FORM_ERRORS[problem.field, problem.reason]
            errors[name] = sentence
        participants: list[Participant] = []
        for number, row in enumerate(self.query(ParticipantRow), start=1):
            name, role, party = row.value()
            if not (name or role or party):
                continue
            if not name or not party:
                errors.setdefault(
                    "deelnemers",
                    f"Deelnemer {number}: vul naam en partij in (of maak de regel leeg).",
                )
                continue
            participants.append(Participant(name=name, role=role, party=party))
        for name in ("leerling", "datum", "tijd", "duur", "deelnemers"):
            self._show_error(name, errors.get(name, ""))
        if checked is None or errors:
            first = next(iter(errors))
            return None, {"deelnemers": "participants"}.get(first, f"f-{first}")
        return (
            SessionMeta(
                pupil=checked.pupil,
                date=checked.date,
                group=value("f-groep"),
                school=value("f-school"),
                facilitator=value("f-gespreksleider"),
                place=value("f-plaats"),
                participants=tuple(participants),
                planned_minutes=checked.minutes,
                time=checked.time,
                invited=tuple(
                    box.id.removeprefix("f-inv-") for box in self.query(Checkbox)
                    if box.id and box.id.startswith("f-inv-") and box.value
                ),
                other_people=split_other_people(value("f-andere")),
            ),
            None,
        )

    def action_save(self) -> None:
        meta, first_error = self.validate()
        if meta is None:
            target = self.query_one(f"#{first_error}")
            if first_error == "participants":
                target.query(Input).first().focus()
            else:
                target.focus()
            return
        self.dismiss(meta)
