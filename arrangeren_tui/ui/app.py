"""The App: screens, global keys, the store handle, and the guard around a run."""

from __future__ import annotations

import datetime as dt
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from rich.text import Text
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from arrangeren_tui import methodcache
from arrangeren_tui.core.clock import SteadyTime
from arrangeren_tui.core.errors import os_reason
from arrangeren_tui.core.model import Session, SessionMeta
from arrangeren_tui.core.signals import TERMINAL_GONE_SIGNALS, TERMINATING_SIGNALS
from arrangeren_tui.core.storage.codec import codec_for_writing
from arrangeren_tui.core.storage.crashlog import write_crash_log
from arrangeren_tui.core.storage.files import atomic_write_bytes, encode_json
from arrangeren_tui.core.storage.lock import SessionLock
from arrangeren_tui.core.storage.retention import DEFAULT_MONTHS
from arrangeren_tui.core.storage.store import (
    DamagedSessionError,
    FileSignature,
    Recovery,
    SessionStore,
    StoreError,
)
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.exitcodes import EXIT_CRASH
from arrangeren_tui.ui import APP_CSS, SCREENS_CSS, csscache
from arrangeren_tui.ui.context import AppContext
from arrangeren_tui.ui.messages import (
    LeaveBoard,
    OfferRecoveries,
    OpenSession,
    PlanInSlot,
    PlanSession,
    PrepareSession,
)
from arrangeren_tui.ui.saving import SessionSaver
from arrangeren_tui.ui.screens.base import EmergencySave
from arrangeren_tui.ui.terminal import Guardian, guarded_driver
from arrangeren_tui.ui.textual_private import (
    named_keys_without_lookup,
    record_crash,
    running_loop,
    same_size_resize,
)
from arrangeren_tui.ui.widgets.typing import KeyRouter

if TYPE_CHECKING:  # imported when first used: a board opened straight away needs none of them
    from arrangeren_tui.core.decks.types import Deck, DeckProblem
    from arrangeren_tui.core.planning.rules import Slot
    from arrangeren_tui.core.storage.rescue import Rescue
    from arrangeren_tui.ui.board.screen import BoardScreen  # (nor does a start on home)
    from arrangeren_tui.ui.dialogs.cardsearch import CardIndex
    from arrangeren_tui.ui.dialogs.common import TooSmallScreen, UnsavedChoice
    from arrangeren_tui.ui.dialogs.picker import BlankCard
    from arrangeren_tui.ui.screens.home import HomeScreen

MIN_WIDTH, MIN_HEIGHT = 80, 24
WATCHDOG_SECONDS = 3.0  # after a hang-up or SIGTERM the process is gone within this
LOOP_GRACE = 1.0  # seconds the event loop gets to save after a hang-up before the guardian does
STARTED_AT_LATEST = 2.0  # seconds: garbage collection is back on by then, drawn or not
DECK_DELAY = 0.5  # seconds after start before the decks are read in a thread


def write_copy(record: dict[str, Any], path: Path) -> Path:
    """Write a session file somewhere else (a folder gets ``<id>.json``); returns the file.

    Into an encrypted store's own folder it goes encrypted (or not at all, without the key),
    never as a plain file among the encrypted ones.
    """
    path = path.expanduser()
    if path.is_dir():
        path = path / f"{record['session']['1']['id']}.json"
    codec = codec_for_writing(path.parent)
    atomic_write_bytes(path, codec.encode(encode_json(record)), keep_backup=False)
    return path


def what_was_saved(open_sessions: bool, saved: bool, unconfirmed: bool) -> list[str]:
    """The crash screen's lines about the user's work: only what is true."""
    if not open_sessions:
        lines = ["Er stond geen gesprek open; er is niets opgeslagen."]
    elif saved:
        lines = ["Het gesprek dat open stond, is opgeslagen."]
    else:
        lines = ["LET OP: het gesprek dat open stond, kon niet (helemaal) worden opgeslagen."]
    if unconfirmed:
        lines.append("Wat in een venster getypt en nog niet bevestigd was, is niet bewaard.")
    return lines


def unconfirmed_typing(stack: Iterable[Screen[Any]]) -> bool:
    """True if a dialog or form (not a screen that saves itself) holds typed text."""
    try:
        return any(
            getattr(widget, "value", None) or getattr(widget, "text", None)
            for screen in stack if not isinstance(screen, EmergencySave)
            for widget in screen.query("Input, TextArea")  # by name: no TextArea import
        )
    except Exception:  # noqa: BLE001 - a crash is being handled; say "not saved" rather
        return True


def _is_board(screen: object) -> TypeGuard[BoardScreen]:
    """Is ``screen`` a board? The board's module is loaded when the first board opens, so
    a start on the home screen does without it (~10 ms); until then nothing is a board."""
    module = sys.modules.get("arrangeren_tui.ui.board.screen")
    return module is not None and isinstance(screen, module.BoardScreen)


def _save_start_caches() -> None:
    """What this start made anew for the next ones (see ``methodcache``, ``csscache``)."""
    methodcache.save()
    csscache.save()


class ArrangerenApp(App[int]):
    """Thin on purpose: the board logic lives in ``BoardScreen``."""

    CSS_PATH = APP_CSS
    TITLE = "arrangeren"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Stop", key_display="^Q", priority=True, id="app.quit"),
        Binding("ctrl+p", "command_palette", "Alle acties", key_display="^P",
                id="app.command_palette"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(
        self,
        store: SessionStore,
        veld: Veld,
        open_session: str | None = None,
        *,
        loaded: tuple[Session, FileSignature] | None = None,
        now: Callable[[], float] | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        retention_months: int = DEFAULT_MONTHS,
        deck: Deck | None = None,
        deck_problems: list[DeckProblem] | None = None,
        deck_dirs: list[Path] | None = None,
        own_decks: Path | None = None,
        export_dir: Path | None = None,
        template_dirs: list[Path] | None = None,
        deck_cache: Path | None = None,
        css_cache: Path | None = None,
    ) -> None:
        if css_cache is not None:  # before the app's stylesheet parses anything
            csscache.install(css_cache)
        # The other screens' rules (SCREENS_CSS) are read with the app's own when the
        # first screen is one of them. A screen that names a CSS file not read yet makes
        # Textual parse the whole stylesheet again when it is first pushed (a fresh parse
        # of every source, ~20 ms of a home start). A board opened at start does not
        # need them: its first dialog pays that once.
        opens_board = open_session is not None and not store.locked
        super().__init__(css_path=APP_CSS if opens_board else [APP_CSS, SCREENS_CSS])
        named_keys_without_lookup()  # ~0.7 MiB less resident memory (textual_private)
        self.store = store
        self.veld = veld
        if deck is None and deck_dirs is None:
            from arrangeren_tui.core.decks.types import Deck

            deck = Deck([], veld)
        self._deck = deck
        self._deck_dirs = deck_dirs
        self._deck_lock = threading.Lock()
        self.deck_problems = deck_problems or []
        self.own_decks = own_decks
        self.export_dir = export_dir
        self.template_dirs = template_dirs
        self.deck_cache = deck_cache
        self._card_index: CardIndex | None = None
        self.initial_session = open_session
        # ``open_session`` as the command line read it, with its file's signature: used
        # once, if the file is unchanged when its lock is taken (the start reads it once).
        self._loaded = loaded
        self.retention_months = retention_months
        # Wall time read once, then a steady clock: a wall clock set back or forward
        # during the run never reaches the meeting clock (core.clock.SteadyTime).
        self._now = now or SteadyTime()
        self._today = today
        self._too_small: TooSmallScreen | None = None
        self._home_screen: HomeScreen | None = None
        self._guardian: Guardian | None = None
        # Keys from the terminal, in order, however fast they come (ui.widgets.typing).
        self.key_router = KeyRouter(self, on_error=self._handle_exception)
        self.context = AppContext(
            store=store, veld=veld, now=self.now, today=self.today, cards=self,
            retention_months=retention_months, export_dir=export_dir,
            template_dirs=template_dirs,
        )

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Textual's notice, always as plain text: notices carry names, folders and error
        text, and Textual reads markup in them (``[/]`` stopped the program; see
        ``ui.widgets.plain``). A widget's ``notify`` passes ``markup=True`` along, so the
        argument is not followed: the app writes no markup."""
        del markup
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def now(self) -> float:
        return self._now()

    def today(self) -> dt.date:
        return self._today()

    def on_mount(self) -> None:
        # Textual holds every repaint until the app's mount is over, so a screen pushed
        # here would be composed, laid out and rendered once for nothing: push it next.
        self.call_later(self._first_screen)

    def _first_screen(self) -> None:
        if self.store.locked:
            # An encrypted store: its passphrase first, before any screen that reads data.
            from arrangeren_tui.ui.screens.passphrase import PassphraseScreen

            self.push_screen(PassphraseScreen(self.store.root),
                             lambda _unlocked: self._first_data_screen())
        else:
            self._first_data_screen()
        self._check_size(self.size.width, self.size.height)
        self.screen.call_after_refresh(self._started)
        self.set_timer(STARTED_AT_LATEST, self._started)

    def _first_data_screen(self) -> None:
        # Opened straight on a board (`arrangeren open`), the home screen is built only
        # when the board is left: its list, damage scan and notices are not needed yet.
        if not (self.initial_session and self.open_session(self.initial_session)):
            self.push_screen(self._home())
        # Emergency copies from an earlier stop: looked for after the first screen is drawn.
        self.set_timer(DECK_DELAY, self._look_for_rescues)

    def _started(self) -> None:
        """The first screen is drawn: the garbage collector may work again.

        ``arrangeren`` switches it off for the start (see ``cli.run_app``). What was
        made until now (Textual, the first screen) lives on, so it is frozen out of later
        passes, which keeps them short while typing; the board unfreezes it when closed.
        """
        if not gc.isenabled():
            gc.freeze()
            gc.enable()
        if methodcache.pending() or csscache.pending():  # the first start, or a new version
            threading.Thread(target=_save_start_caches, name="arrangeren-caches",
                             daemon=True).start()
        if self._deck is None:
            # Parsing the decks (markdown-it, ~50 ms) is not needed to draw the first
            # screen; it happens in a thread shortly after, or at once when ^K needs it.
            self.set_timer(DECK_DELAY, self._load_deck_in_background)
        else:
            self._report_deck_problems()

    @work(thread=True, exclusive=True, group="rescues", exit_on_error=False)
    def _look_for_rescues(self) -> None:
        """Emergency copies of this store's sessions, left when a save failed at a stop."""
        from arrangeren_tui.core.storage.rescue import find_rescues

        rescues = find_rescues(self.store.root)
        if rescues:
            self.call_from_thread(self._offer_rescues, rescues)

    def _offer_rescues(self, rescues: list[Rescue]) -> None:
        """Ask, one copy at a time, whether to put it back in the store."""
        from arrangeren_tui.core.storage.rescue import forget_rescue
        from arrangeren_tui.ui.dialogs.common import ConfirmDialog

        if not rescues:
            return
        rescue, rest = rescues[0], rescues[1:]
        when = rescue.written.replace("T", " ")[:16]

        def answer(yes: bool | None) -> None:
            if not yes:
                self.notify(f"De noodkopie blijft staan in {rescue.path}.", timeout=10)
            elif self.store.in_use(rescue.session_id):
                self.notify(f"Gesprek {rescue.session_id} is nu open in een ander venster; "
                            f"de noodkopie blijft staan in {rescue.path}.",
                            severity="warning", timeout=12)
            else:
                try:
                    self.store.save_record(rescue.record)
                    forget_rescue(rescue)
                except (StoreError, OSError) as error:
                    self.notify(f"Niet teruggezet ({getattr(error, 'strerror', None) or error}); "
                                f"de noodkopie blijft staan in {rescue.path}.",
                                severity="error", timeout=12)
                else:
                    self.notify(f"Gesprek {rescue.session_id} is teruggezet uit de noodkopie.",
                                timeout=6)
                    home = self._home_screen
                    if home is not None and self.screen is home:
                        home.call_later(home.action_reload)
            self._offer_rescues(rest)

        self.push_screen(ConfirmDialog(
            f"Bij het stoppen op {when} kon gesprek {rescue.session_id} "
            f"({rescue.pupil or 'zonder naam'}) niet in de opslag worden bewaard. Er is een "
            f"noodkopie gemaakt in {rescue.path}. Die terugzetten in de opslag?",
            yes="Terugzetten", no="Later",
        ), answer)

    @property
    def deck(self) -> Deck:
        """The cards, read from ``deck_dirs`` on first use if not given."""
        with self._deck_lock:
            if self._deck is None:
                assert self._deck_dirs is not None
                from arrangeren_tui.core.decks.load import load_decks

                self._deck, self.deck_problems = load_decks(self._deck_dirs, self.veld,
                                                            cache=self.deck_cache)
            return self._deck

    @deck.setter
    def deck(self, deck: Deck) -> None:
        with self._deck_lock:
            self._deck = deck

    @work(thread=True, exclusive=True, group="decks", exit_on_error=False)
    def _load_deck_in_background(self) -> None:
        self.deck  # noqa: B018 - loads it
        self.call_from_thread(self._report_deck_problems)

    def _report_deck_problems(self) -> None:
        if self.deck_problems:
            files = len({p.path for p in self.deck_problems})
            count = len(self.deck_problems)
            self.notify(
                f"{count} {'probleem' if count == 1 else 'problemen'} in {files} "
                f"{'kaartbestand' if files == 1 else 'kaartbestanden'}; die kaarten ontbreken. "
                f"{len(self.deck)} kaarten zijn geladen. Zie: arrangeren decks check",
                severity="warning", timeout=12,
            )

    # -- cards ----------------------------------------------------------------------

    def card_index(self) -> CardIndex:
        """The searchable deck, built on first use and after a card is added."""
        if self._card_index is None:
            from arrangeren_tui.ui.dialogs.cardsearch import CardIndex

            self._card_index = CardIndex(list(self.deck), self.veld)
        return self._card_index

    def keep_blank_card(self, blank: BlankCard) -> str:
        """Write a blanco kaart to the user's own deck; its id, or "" if that failed."""
        from arrangeren_tui.core.decks.types import Deck, DeckError
        from arrangeren_tui.core.decks.write import append_card, new_card, own_deck_path

        party = self.veld.party(blank.party)
        try:
            card = new_card(party.key, blank.title, blank.description, blank.domains,
                            blank.intensity, taken=self.deck.by_id)
            path = own_deck_path(party.key, self.own_decks)
            card = append_card(path, card, party.label)
        except (DeckError, ValueError, OSError) as error:
            self.notify(f"De kaart ligt op het veld, maar is niet bewaard: {error}",
                        severity="warning", timeout=8)
            return ""
        self.deck = Deck([*self.deck, card], self.veld)
        self._card_index = None
        self.notify(f"Kaart bewaard in {path}.", timeout=4)
        return card.id

    # -- sessions ---------------------------------------------------------------

    def open_session(self, session_id: str,
                     at: tuple[str, str, int | None] = ("", "", None)) -> bool:
        """Open a session on the board: for writing if we get its lock, else read-only;
        ``at`` is the step, party and note to show first (a search hit), else as saved.

        False if it could not be opened (a message or a recovery question says why).
        """
        claimed = self.claim_session(session_id)
        if claimed is None:
            return False
        session, lock, read_only = claimed
        from arrangeren_tui.ui.board.screen import BoardScreen

        self.push_screen(BoardScreen(self.context, session, session_lock=lock,
                                     read_only=read_only, at=at))
        if read_only and not (lock is None and self._offer_takeover(session_id)):
            self.notify(f"Alleen lezen: {read_only}. Je kunt kijken maar niets veranderen.",
                        severity="warning", timeout=10)
        return True

    def _offer_takeover(self, session_id: str) -> bool:
        """Another window of this user on this computer holds the session: offer to end it.

        False (nothing offered) when the session is not held by such a window.
        """
        from arrangeren_tui.core.storage.takeover import why_not
        from arrangeren_tui.ui.dialogs.common import ConfirmDialog

        if not self.store.in_use(session_id):
            return False
        holder = self.store.lock(session_id).holder()
        if why_not(holder):
            return False  # another user or computer: reading is all that can be offered

        def answer(yes: bool | None) -> None:
            if yes:
                self.notify("Het andere venster wordt gestopt; het slaat eerst op…", timeout=4)
                self._take_over(session_id)

        self.push_screen(ConfirmDialog(
            f"Dit gesprek is al open in een ander venster ({holder.describe()}). Reageert "
            "dat venster niet meer of is het vergeten? Dan stop ik het (het slaat eerst op "
            "wat het heeft) en ga je hier verder.",
            yes="Overnemen", no="Alleen lezen",
        ), answer)
        return True

    @work(thread=True, exclusive=True, group="takeover", exit_on_error=False)
    def _take_over(self, session_id: str) -> None:
        """End the holder off the event loop (it may take seconds), then reopen here."""
        from arrangeren_tui.core.storage.takeover import take_over

        result = take_over(self.store.lock(session_id))
        self.call_from_thread(self._taken_over, session_id, result.taken, result.how)

    def _taken_over(self, session_id: str, taken: bool, how: str) -> None:
        if not taken:
            self.notify(f"{how[:1].upper()}{how[1:]}.", severity="error", timeout=10)
            return
        board = self.screen
        if _is_board(board) and board.session.id == session_id and board.read_only:
            board.shutdown(force=True)
            self.pop_screen()
        self.notify(f"Overgenomen: {how}.", timeout=6)
        self.open_session(session_id)

    def leave_board(self) -> None:
        """Close the board; the home screen shows (built now if the app opened on the board)."""
        self.pop_screen()
        if self._home_screen is None or self._home_screen not in self.screen_stack:
            self.push_screen(self._home())

    def _home(self) -> HomeScreen:
        from arrangeren_tui.ui.screens.home import HomeScreen

        self._home_screen = HomeScreen(self.context)
        return self._home_screen

    # -- what the screens ask for (messages bubble up from them) ---------------------

    def on_open_session(self, message: OpenSession) -> None:
        self.open_session(message.session_id, at=(message.step, message.party, message.note))

    def on_prepare_session(self, message: PrepareSession) -> None:
        self.prepare_session(message.session_id)

    def on_plan_session(self, message: PlanSession) -> None:
        self.plan_session()

    def on_plan_in_slot(self, message: PlanInSlot) -> None:
        self.plan_in_slot(message.slot)

    def on_leave_board(self, message: LeaveBoard) -> None:
        board = message.board
        if board.shutdown():
            self.leave_board()
        else:
            self.confirm_unsaved(board, then=self.leave_board)

    def on_offer_recoveries(self, message: OfferRecoveries) -> None:
        self.offer_recoveries(message.recoveries)

    def prepare_session(self, session_id: str) -> None:
        """Open the voorbereiding of a session, holding its lock while it is open."""
        from arrangeren_tui.ui.screens.preparation import PreparationScreen

        claimed = self.claim_session(session_id)
        if claimed is None:
            return
        session, lock, read_only = claimed
        if lock is None:
            self.push_screen(PreparationScreen(self.context, session, None, read_only=read_only))
            return
        saver = SessionSaver(self.store, session)

        def close() -> None:
            saver.close()
            lock.release()

        self.push_screen(PreparationScreen(self.context, session, saver, on_close=close))

    def plan_session(self, preset: SessionMeta | None = None,
                     then: Callable[[Session], None] | None = None) -> None:
        """Ask for a planned meeting; create it (gepland) and open its voorbereiding."""
        from arrangeren_tui.ui.screens.home import NewSessionScreen

        def planned(meta: SessionMeta | None) -> None:
            if meta is None:
                return
            try:
                session = self.store.create(meta, self.veld, self.now(), planned=True)
            except (StoreError, OSError) as error:
                self.notify(f"Niet gepland: {error}", severity="error", timeout=10)
                return
            if then is not None:
                then(session)
            self.notify(f"Gepland: {session.meta.date} {session.meta.time}. Vul nu de "
                        "voorbereiding in; Esc als je klaar bent.", timeout=6)
            self.prepare_session(session.id)

        self.push_screen(NewSessionScreen(self.veld, self.today(), planned=True, preset=preset),
                         planned)

    def plan_in_slot(self, slot: Slot) -> None:
        """Plan a meeting in a free slot of the jaarplanning and assign the slot to it."""
        from arrangeren_tui.core.planning.rules import PlanningError
        from arrangeren_tui.core.planning.store import PlanningStore

        preset = SessionMeta(pupil="", date=slot.date, time=slot.time, place=slot.place,
                             school=slot.school, planned_minutes=slot.minutes)

        def assign(session: Session) -> None:
            try:
                PlanningStore(self.store.root).assign(slot.id, session.id)
            except (PlanningError, OSError) as error:
                self.notify(f"Gepland, maar niet aan het tijdstip gekoppeld: {error}",
                            severity="warning", timeout=10)

        self.plan_session(preset, then=assign)

    def claim_session(self, session_id: str) -> tuple[Session, SessionLock | None, str] | None:
        """Load a session with its lock; ("" or) the reason it is read-only; None if unreadable."""
        lock = self.store.lock(session_id)
        read_only = ""
        try:
            if not lock.acquire():
                read_only = f"al open in een ander venster ({lock.holder().describe()})"
        except OSError as error:
            read_only = f"de map met gesprekken is niet beschrijfbaar ({os_reason(error)})"
        if not read_only and not os.access(self.store.root, os.W_OK):
            read_only = "de map met gesprekken is alleen-lezen"
        loaded, self._loaded = self._loaded, None
        try:
            if (loaded is not None and loaded[0].id == session_id
                    and self.store.file_signature(session_id) == loaded[1]):
                session = loaded[0]
            else:
                session = self.store.load(session_id)
        except DamagedSessionError as error:
            lock.release()
            self._damaged_on_open(error)
            return None
        except StoreError as error:
            lock.release()
            self.notify(str(error), severity="error", timeout=10)
            return None
        if read_only:
            lock.release()
            return session, None, read_only
        self.store.remove_temp_files(session_id)  # left by a killed instance
        return session, lock, ""

    def _damaged_on_open(self, error: DamagedSessionError) -> None:
        try:
            moved = self.store.set_aside(error.session_id)
        except StoreError as problem:
            self.notify(f"{error}. {problem}", severity="error", timeout=12)
            return
        self.offer_recoveries(
            [Recovery(error.session_id, error.reason, moved,
                      self.store.backup_info(error.session_id))],
            open_after=True,
        )

    def offer_recoveries(self, recoveries: list[Recovery], *, open_after: bool = False) -> None:
        """One after the other: say what was set aside, offer the previous version."""
        if not recoveries:
            return
        first, rest = recoveries[0], recoveries[1:]
        moved = first.moved_to.name if first.moved_to else "?"
        if first.backup is None:
            self.notify(
                f"Het bestand van gesprek {first.session_id} was beschadigd ({first.reason}). "
                f"Het staat apart als {moved}. Er is geen vorige versie.",
                severity="error", timeout=15,
            )
            self.offer_recoveries(rest, open_after=open_after)
            return
        backup = first.backup

        def answer(restore: bool | None) -> None:
            if restore:
                try:
                    self.store.restore_backup(first.session_id)
                except StoreError as error:
                    self.notify(str(error), severity="error", timeout=10)
                else:
                    self.notify(f"Vorige versie van gesprek {first.session_id} teruggezet.",
                                timeout=5)
                    if self._home_screen is not None and self.screen is self._home_screen:
                        self._home_screen.call_later(self._home_screen.action_reload)
                    if open_after:
                        self.open_session(first.session_id)
            else:
                self.notify(
                    "Niet teruggezet. Later kan het nog met: "
                    f"arrangeren herstel {first.session_id}", timeout=8,
                )
            self.offer_recoveries(rest, open_after=open_after)

        from arrangeren_tui.ui.dialogs.common import ConfirmDialog

        self.push_screen(
            ConfirmDialog(
                f"Het bestand van gesprek {first.session_id} ({backup.pupil}, {backup.date}) "
                f"is beschadigd: {first.reason}.\n\nHet is niet overschreven maar apart gezet "
                f"als {moved}.\n\nEr is een {backup.describe()}. Die terugzetten?",
                yes="Terugzetten",
                no="Niet nu",
            ),
            answer,
        )

    def boards(self) -> list[BoardScreen]:
        return [s for s in self.screen_stack if _is_board(s)]

    def savers(self) -> list[EmergencySave]:
        """Every open screen that holds unsaved work: boards, voorbereidingen."""
        return [s for s in self.screen_stack if isinstance(s, EmergencySave)]

    async def action_quit(self) -> None:
        for screen in self.savers():
            if _is_board(screen):
                continue  # a board is shut down below, with its own question
            if screen.emergency_save():
                screen.let_go()  # its lock, as closing it would (no stale holder note)
            else:
                def answer(stop: bool | None, screen: EmergencySave = screen) -> None:
                    if stop:
                        screen.let_go()
                        self.exit(0)

                from arrangeren_tui.ui.dialogs.common import ConfirmDialog

                self.push_screen(ConfirmDialog(
                    f"De voorbereiding is niet opgeslagen ({screen.save_problem}). "
                    "Toch stoppen? "
                    "Dan gaat de laatste wijziging verloren.",
                    yes="Toch stoppen", no="Terug"), answer)
                return
        for board in self.boards():
            if not board.shutdown():
                self.confirm_unsaved(board, then=lambda: self.call_later(self.action_quit))
                return
        self.exit(0)

    def confirm_unsaved(self, board: BoardScreen, then: Callable[[], object]) -> None:
        """The last save failed: retry, write the session elsewhere, or knowingly drop it."""
        problem = board.last_problem or "onbekende fout"
        default = Path("~") / f"arrangeren-noodkopie-{board.session.id}.json"

        def answer(choice: UnsavedChoice | None) -> None:
            if choice is None:
                return
            if choice.action == "retry":
                if board.shutdown():
                    then()
                else:
                    self.confirm_unsaved(board, then)
                return
            if choice.action == "elsewhere":
                try:
                    written = write_copy(board.session.to_record(), Path(choice.path))
                except OSError as error:
                    self.notify(f"Ook daar lukt het niet: {os_reason(error)}.", severity="error",
                                timeout=8)
                    self.confirm_unsaved(board, then)
                    return
                self.notify(f"Opgeslagen als {written}. Zet het later terug in de map "
                            "met gesprekken.", timeout=10)
            board.shutdown(force=True)
            then()

        from arrangeren_tui.ui.dialogs.common import UnsavedDialog

        self.push_screen(UnsavedDialog(problem, str(default)), answer)

    def action_help_quit(self) -> None:
        self.notify("Stoppen doe je met ^Q (alles is al opgeslagen).", timeout=3)

    # -- window size --------------------------------------------------------------

    async def _on_resize(self, event: events.Resize) -> None:
        """A private Textual handler (see ``ui.textual_private``): our ``on_resize``.

        The driver reports the terminal's size once more right after the start. Textual
        keeps even a Resize of the size it already has and sends it to every screen when
        idle, and each screen then lays out and redraws all of itself: about 14 kB sent
        again for nothing, at every start, over a possibly slow link. Such a Resize is
        dropped here; any other goes on to Textual's own handler.
        """
        if same_size_resize(self, event):
            event.prevent_default()
            return
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        if too_small and self._too_small is None:
            from arrangeren_tui.ui.dialogs.common import TooSmallScreen

            self._too_small = TooSmallScreen(MIN_WIDTH, MIN_HEIGHT)
            self.push_screen(self._too_small)
        elif not too_small and self._too_small is not None:
            screen, self._too_small = self._too_small, None
            if self.screen is screen:
                self.pop_screen()
            elif screen in self.screen_stack:
                screen.dismiss()

    # -- keys in order ----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """A key for a field one types in goes to the key router, priority keys included,
        and so does every key while earlier ones are still taking effect.

        Textual runs priority bindings (the board's Tab, the form's ^S) here, before
        the field has typed the keys that came before them in the same read; the router
        hands each key over only once the one before it has taken effect, and the field
        runs the bindings itself, in order (``ui.widgets.typing``).
        """
        if isinstance(event, events.Key) and self.key_router.take(event):
            return
        await super().on_event(event)

    # -- command palette ------------------------------------------------------------

    def action_command_palette(self) -> None:
        """^P: every action by its Dutch name, with a Dutch prompt."""
        from textual.command import CommandPalette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(id="--command-palette",
                                            placeholder="Zoek een actie…"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action of the screen (and the app) by its Dutch name.

        Only the app's own bindings (each has an ``id``): Textual's widgets bring their
        own, in English (an Input's "Copy selected text", ...), which are editing keys,
        not actions of this app.
        """
        seen: set[str] = set()
        for node, binding, _enabled, _tooltip in screen.active_bindings.values():
            if not binding.id or not binding.description or binding.action in seen:
                continue
            if binding.action == "command_palette":
                continue
            seen.add(binding.action)
            key = self.get_key_display(binding)
            yield SystemCommand(
                binding.description,
                f"toets: {key}",
                partial(self.run_action, binding.action, node),
            )
        extra: tuple[tuple[str, str, str], ...] = getattr(type(screen), "PALETTE_COMMANDS", ())
        for title, help_text, action in extra:
            yield SystemCommand(title, help_text, partial(self.run_action, action, screen))
        yield SystemCommand("Thema wisselen", "kies de kleuren", self.action_change_theme)

    # -- running safely ----------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: save first, log without note text, a short Dutch message.

        Textual's own crash screen prints a traceback with local variables (note
        text among them) and exits with 0; this one does neither. A private Textual
        method: see ``ui.textual_private``.
        """
        savers = self.savers()
        saved = True
        for screen in savers:
            try:
                saved = screen.emergency_save(timeout=2.0, rescue=True) and saved
            except Exception:  # noqa: BLE001 - we are already handling a crash
                saved = False
        log = write_crash_log(self.store.root, error, context=type(self.screen).__name__)
        lines = [
            "arrangeren is gestopt door een onverwachte fout.",
            *what_was_saved(bool(savers), saved, unconfirmed_typing(self.screen_stack)),
            f"De technische details (zonder notities) staan in {log}." if log
            else "De technische details konden niet worden bewaard.",
            "Start arrangeren opnieuw om verder te gaan.",
        ]
        record_crash(self, error, EXIT_CRASH)
        self.panic(Text("\n".join(lines)))

    def _forward_signal(self, signum: int, _frame: object) -> None:
        """SIGHUP or SIGTERM, when the main thread gets to it: the guardian does the work.

        The guardian has usually heard it already through the wake-up descriptor (the
        signal may have landed on any thread); telling it twice does no harm.
        """
        if self._guardian is not None:
            self._guardian.notify(signum)

    def _end_run(self, signum: int, terminal_gone: bool) -> None:
        """On the guardian's thread: save everything, then be gone within WATCHDOG_SECONDS.

        The save runs on the event loop if it answers within LOOP_GRACE (between two
        callbacks, so no change is half made, and the board's capture bar is read);
        if the loop is stuck (a stalled terminal) it runs here, from the model. A
        SIGTERM with the terminal still there lets the loop end the app normally, so
        the terminal is restored; everything else ends with ``os._exit`` at once.
        """
        code = 128 + signum
        watchdog = threading.Timer(WATCHDOG_SECONDS, os._exit, args=(code,))
        watchdog.daemon = True
        watchdog.start()
        leave_normally = signum == signal.SIGTERM and not terminal_gone
        saved_on_loop = threading.Event()

        def save_on_loop() -> None:
            self._save_everything(WATCHDOG_SECONDS - LOOP_GRACE - 0.5, off_loop=False)
            saved_on_loop.set()
            if leave_normally:
                self.exit(return_code=code)

        loop = running_loop(self)
        try:
            if loop is None or not loop.is_running():
                raise RuntimeError("no event loop")
            loop.call_soon_threadsafe(save_on_loop)
        except RuntimeError:
            pass
        if not saved_on_loop.wait(LOOP_GRACE):
            self._save_everything(WATCHDOG_SECONDS - LOOP_GRACE - 0.5, off_loop=True)
            os._exit(code)
        if not leave_normally:
            os._exit(code)  # the terminal is gone, or asked to hang up: nothing to restore

    def _save_everything(self, timeout: float, *, off_loop: bool) -> bool:
        """Write every open screen's unsaved work; True if all of it is on disk."""
        saved = True
        for screen in self.savers():
            try:
                if off_loop:
                    saved = screen.save_off_loop(timeout, rescue=True) and saved
                else:
                    saved = screen.emergency_save(timeout=timeout, rescue=True) and saved
            except Exception:  # noqa: BLE001 - leaving anyway; the board's file is safe
                saved = False
        return saved

    def run_guarded(self) -> int:
        """Run in a real terminal, guarded against hang-ups and signals; the exit code.

        A guardian thread ends the program (saving first) when the terminal hangs up
        or SIGHUP/SIGTERM arrives, even while the event loop is blocked; the driver
        writes through a ``TerminalOutput`` that never blocks for good once the
        terminal is gone (``ui.terminal``).
        """
        if not Guardian.supported():
            return self._run_with_signal_threads()
        from textual.drivers.linux_driver import LinuxDriver

        guardian = self._guardian = Guardian(self._end_run)
        if self.driver_class is LinuxDriver:
            self.driver_class = guarded_driver(guardian)
        previous = {
            sig: signal.signal(sig, self._forward_signal)
            for sig in TERMINATING_SIGNALS
        }
        guardian.start()
        try:
            self.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            guardian.stop()
            self._guardian = None
        return self.return_code or 0

    def _run_with_signal_threads(self) -> int:
        """Windows: no guardian (no ``poll``); a closed console window (SIGBREAK) or
        SIGTERM starts the same save-and-leave on a thread of its own, so the event loop
        is free to answer it."""

        def ending(signum: int, _frame: object) -> None:
            gone = signum in TERMINAL_GONE_SIGNALS
            threading.Thread(target=self._end_run, args=(signum, gone),
                             name="arrangeren-ending", daemon=True).start()

        previous = {sig: signal.signal(sig, ending) for sig in TERMINATING_SIGNALS}
        try:
            self.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.return_code or 0
