"""The board: the arrangeerveld of one live session."""

from __future__ import annotations

import gc
import math
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.errors import NoWidget
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Input

from arrangeren_tui.core.clock import format_remaining
from arrangeren_tui.core.domains import next_domain
from arrangeren_tui.core.model import (
    STATUS_CLOSED,
    DeletedNote,
    LaidCard,
    Session,
)
from arrangeren_tui.core.storage.lock import SessionLock
from arrangeren_tui.core.storage.writer import SaveWriter
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui.board.widgets import (
    CAPTURE_PLACEHOLDER,
    CaptureBar,
    CaptureInput,
    ClockBar,
    NoteCommand,
    PartyPane,
    PreparationPanel,
    StepBar,
)
from arrangeren_tui.ui.context import AppContext
from arrangeren_tui.ui.messages import LeaveBoard
from arrangeren_tui.ui.saving import SaveResult, SessionSaver, unsaved_text
from arrangeren_tui.ui.screens.base import EmergencySave
from arrangeren_tui.ui.widgets.keybar import KeyBar
from arrangeren_tui.ui.widgets.plain import Static

if TYPE_CHECKING:  # the step-7 table and the dialogs are imported when first used
    from arrangeren_tui.ui.board.afspraken import AfspraakCommand
    from arrangeren_tui.ui.dialogs.common import NoteEdit

DRAFT_SAVE_DELAY = 0.4
# A paste longer than this is not opened in an editor (too slow to type in) but laid whole.
HUGE_PASTE = 20_000
PARTY_KEYS = 6  # F1-F6 select a party (see BINDINGS)


class BoardScreen(EmergencySave, Screen[None]):
    """Step bar, one pane per party, the capture bar and the clock."""

    # Textual would otherwise focus the first party's note list, selecting that party.
    AUTO_FOCUS = "#capture"

    BINDINGS = [
        Binding("tab", "cycle_party(1)", "Partij", key_display="Tab", priority=True,
                id="board.next_party"),
        Binding("shift+tab", "cycle_party(-1)", "Vorige partij", show=False, priority=True,
                id="board.previous_party"),
        # ^F/^Y as well: PgDn/PgUp need Fn on many laptops (^N means "nieuw" elsewhere,
        # and tmux takes ^B).
        Binding("pagedown,ctrl+f", "move_step(1)", "Stap ▶", key_display="PgDn", priority=True,
                id="board.next_step"),
        Binding("pageup,ctrl+y", "move_step(-1)", "◀ Stap", key_display="PgUp", priority=True,
                id="board.previous_step"),
        Binding("up", "focus_notes", "Notities", key_display="↑", id="board.notes"),
        Binding("ctrl+t", "toggle_clock", "Klok", key_display="^T", priority=True,
                id="board.clock"),
        Binding("ctrl+o", "overview", "Overzicht", key_display="^O", priority=True,
                id="board.overview"),
        Binding("ctrl+l", "long_note", "Lang", key_display="^L", priority=True,
                id="board.long_note"),
        Binding("ctrl+z", "undo", "Herstel", key_display="^Z", priority=True,
                id="board.undo"),
        Binding("ctrl+g", "go_home", "Gesprekken", key_display="^G", priority=True,
                id="board.home"),
        Binding("ctrl+s", "save_now", "Nu opslaan", show=False, priority=True,
                id="board.save"),
        Binding("f1", "select_party(0)", "Partij 1", show=False, id="board.party1"),
        Binding("f2", "select_party(1)", "Partij 2", show=False, id="board.party2"),
        Binding("f3", "select_party(2)", "Partij 3", show=False, id="board.party3"),
        Binding("f4", "select_party(3)", "Partij 4", show=False, id="board.party4"),
        Binding("f5", "select_party(4)", "Partij 5", show=False, id="board.party5"),
        Binding("f6", "select_party(5)", "Partij 6", show=False, id="board.party6"),
        Binding("f7", "consent", "Toestemming", key_display="F7", show=False, priority=True,
                id="board.consent"),
        Binding("ctrl+k", "pick_card", "Kaart", key_display="^K", priority=True,
                id="board.card"),
        Binding("ctrl+r", "verslag", "Verslag", key_display="^R", show=False, priority=True,
                id="board.verslag"),
        # ^E and ^D are shown (and taken) only where they apply: see check_action.
        Binding("ctrl+e", "evaluate", "Evalueren", key_display="^E", priority=True,
                id="board.evaluate"),
        # Control keys, not F10/F11: many terminals keep those (menu, full screen).
        Binding("ctrl+d", "toggle_preparation", "Voorbereiding", key_display="^D",
                priority=True, id="board.preparation"),
        Binding("ctrl+x", "edit_preparation", "Voorbereiding bewerken", key_display="^X",
                show=False, priority=True, id="board.edit_preparation"),
        Binding("f8", "close_session", "Gesprek afsluiten", key_display="F8", show=False,
                id="board.close"),
        Binding("f9", "reopen_session", "Gesprek heropenen", key_display="F9", show=False,
                id="board.reopen"),
    ]
    # Actions without a key of their own (F10-F12 do not reach the app in many terminals,
    # the control keys are taken): in the command palette (^P) by name.
    PALETTE_COMMANDS = (
        ("Namen", "andere personen die ter sprake komen, voor verslagen met pseudoniemen",
         "names"),
    )

    def __init__(
        self,
        context: AppContext,
        session: Session,
        *,
        session_lock: SessionLock | None = None,
        read_only: str = "",
        at: tuple[str, str, int | None] = ("", "", None),
    ) -> None:
        """``read_only`` is the Dutch reason the session cannot be changed here ("" if it can);
        ``at`` the step, party and note to show first (a search hit; "" and None: as saved)."""
        super().__init__()
        self.start_at = at
        self.context = context
        self.session = session
        self.store = context.store
        # Not ``self.lock``: that would replace Textual's Widget.lock (behind batch()).
        self.session_lock = session_lock
        self.read_only = read_only
        self.saver: SessionSaver | None = None
        self._undo: list[DeletedNote | tuple[LaidCard, int]] = []
        self._alerted: set[str] = set()
        self._draft_timer: Timer | None = None
        self._writer_closed = False
        self.review = False
        self._picker_all_parties = False  # the card picker's party filter, as last left
        self.prep_mode = "kort"  # kort | vol | uit: how much of the voorbereiding to show
        self._resumed = False

    # -- set-up ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        veld = self.session.veld
        yield ClockBar(id="clockbar")
        yield StepBar(veld.steps, id="stepbar")
        if PreparationPanel.visible_for(self.session, self.prep_mode):
            yield PreparationPanel(id="prep-panel")  # else mounted when first shown
        with Grid(id="panes"):
            for number, party in enumerate(veld.parties, start=1):
                key = f"F{number}" if number <= PARTY_KEYS else ""
                # Marked here as well as in refresh_board: a class added once mounted
                # restyles the pane and its list at once, before the first frame.
                selected = "-selected" if party.key == self.session.selected_party else ""
                yield PartyPane(party.key, party.label, key, id=f"pane-{party.key}",
                                classes=selected)
        # The save and read-only banners are mounted when first shown (``_banner``).
        yield CaptureBar([party.label for party in veld.parties], id="capturebar")
        yield KeyBar(id="keybar", fill_on_mount=False)  # filled at the end of on_mount

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume comes right after the push, with every widget styled as it was
        mounted: Textual's restyling of the whole screen then (``refresh_styles``, ~20 ms
        of the start, before the first frame) changes nothing. Later resumes restyle."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
        # Not drawn while covered (``_clock_seen``): the clock shows the time again at once.
        self._show_clock(self.now(), self.session.step_left(self.now()))

    def on_mount(self) -> None:
        parties = len(self.session.veld.parties)
        panes = self.query_one("#panes", Grid)
        columns = 3 if parties > 4 else max(1, min(parties, 2))
        panes.styles.grid_size_columns = columns
        panes.styles.grid_size_rows = math.ceil(parties / columns)
        capture = self.query_one("#capture", CaptureInput)
        capture.submit_handler = self.submit_capture
        # A closed session opens for review: nothing is written until F9 reopens it.
        self.review = not self.read_only and self.session.status == STATUS_CLOSED
        began = not self.read_only and self.session.begin(self.now())
        if began:
            self.notify("Het geplande gesprek begint nu. De voorbereiding staat bij Puzzel en "
                        "Beeld; ^D toont of verbergt hem.", timeout=8)
        if self.read_only:
            self._banner("readonly-banner").update(f"ALLEEN LEZEN: {self.read_only}")
            capture.placeholder = "Alleen lezen: hier kun je niets toevoegen"
            capture.disabled = True
        elif self.review:
            self._show_closed()
        else:
            self._start_writing()
        self._alerted = {
            s.key for s in self.session.veld.steps if self.session.step_used(self.now(), s.key) >=
            s.minutes * 60
        }
        self.refresh_board(keep=self._go_to_start())
        if began:
            self.save()  # a planned meeting that began is saved as begun at once
        self._tick()
        self.set_interval(1.0, self._tick)
        open_ones = sum(1 for e in self.session.evaluations if not e.outcome)
        if open_ones and not self.read_only and not self.review:
            what = "afspraak" if open_ones == 1 else "afspraken"
            self.notify(f"Vervolggesprek: {open_ones} {what} uit het vorige gesprek om te "
                        "evalueren. ^E opent ze, één voor één.", timeout=10)
        # Focus now rather than on the next message, and show the keys that belong
        # to it, so that the first frame is the finished board (one layout, not two).
        self.set_focus(capture)
        self.query_one(KeyBar).refresh_keys()

    def now(self) -> float:
        return self.context.now()

    def _go_to_start(self) -> int | None:
        """Show the step and party of a search hit, if the board was opened on one; the note
        to keep under the cursor. Like PgDn: in a closed session nothing is written. A
        meeting whose clock runs stays on its step: its minutes per step must stay true."""
        step, party, note = self.start_at
        session = self.session
        live = session.clock.running and not (self.read_only or self.review)
        if step in {s.key for s in session.veld.steps} and not live:
            session.go_to_step(step, self.now())
        if party in {p.key for p in session.veld.parties}:
            session.select_party(party)
        return note

    def _show_closed(self) -> None:
        """A closed session: the banner says so and the capture bar takes no notes."""
        self._banner("readonly-banner").update(
            "AFGESLOTEN GESPREK: alleen bekijken. F9 heropent het om te bewerken.")
        capture = self.query_one("#capture", CaptureInput)
        capture.placeholder = "Afgesloten: F9 heropent het gesprek"
        capture.disabled = True

    def _start_writing(self) -> None:
        capture = self.query_one("#capture", CaptureInput)
        capture.disabled = False
        capture.placeholder = CAPTURE_PLACEHOLDER
        if self.saver is None:  # closed with F8 and reopened: the writer is still there
            self.saver = SessionSaver(self.store, self.session)
            self.saver.listen(self)
        draft = self.session.draft
        last = max(self.session.notes, key=lambda note: note.id, default=None)
        # An empty draft never lays a note again; the capture parser is loaded for a draft
        # or the first note laid, not at every start (docs/architectuur.md).
        if last is not None and draft.text.strip():
            from arrangeren_tui.core.capture import lays_again

            if lays_again(draft.text, last.text, self.session.veld):
                self.session.set_draft("", 0)  # the note is laid already: not twice
                return
        capture.value = draft.text
        capture.cursor_position = min(draft.cursor, len(capture.value))

    # -- saving ---------------------------------------------------------------

    @property
    def writer(self) -> SaveWriter | None:
        """The writer thread of this session (None while nothing may be written)."""
        return self.saver.writer if self.saver is not None else None

    @property
    def last_problem(self) -> str:
        return self.saver.problem if self.saver is not None else ""

    def on_save_result(self, message: SaveResult) -> None:
        clockbar = self.query_one(ClockBar)
        if message.ok:
            self._hide_banner("save-banner")
            clockbar.save_text = "✓ opgeslagen"
            clockbar.set_save_state(False)
        else:
            self._banner("save-banner").update(unsaved_text(message.problem))
            clockbar.save_text = "⚠ niet opgeslagen"
            clockbar.set_save_state(True)

    def save(self) -> None:
        """Hand the current state to the writer (a snapshot: the writer never sees the model)."""
        if self.saver is not None and not self._writer_closed:
            self.saver.save()

    def _catch_up_draft(self) -> None:
        """Typed keys are on screen before their Changed message reaches the draft:
        take the capture bar's text as it is (reads the widget, changes nothing)."""
        try:
            capture = self.query_one("#capture", CaptureInput)
            if not capture.disabled:
                self.session.set_draft(capture.value, capture.cursor_position)
        except Exception:  # noqa: BLE001 - being torn down: the model's draft is written
            pass

    @property
    def save_problem(self) -> str:
        return self.last_problem

    def emergency_save(self, timeout: float = 3.0, *, rescue: bool = False) -> bool:
        """Write synchronously from the model; safe from a signal handler. With ``rescue``
        (the program stops without asking) a failed write leaves an emergency copy."""
        if self.saver is None:
            return True
        self._catch_up_draft()
        if rescue:
            return self.saver.emergency_write(timeout=timeout)
        return self.saver.write_now(timeout=timeout)

    def shutdown(self, *, force: bool = False) -> bool:
        """Write everything, stop the writer and let go of the lock.

        Returns False, keeping the writer and the lock, if the last write failed,
        so that the caller can retry or write elsewhere; ``force`` lets go anyway.
        """
        if self._writer_closed:
            return True
        if self.saver is not None:
            self._catch_up_draft()
            if not self.saver.write_now() and not force:
                return False
            self.saver.close(timeout=0 if force else 5.0)
        self._writer_closed = True
        if self.session_lock is not None:
            self.session_lock.release()
        return True

    def on_unmount(self) -> None:
        self.shutdown(force=True)
        if gc.get_freeze_count():
            # The board drawn at start was frozen out of garbage collection with the rest
            # of the start (ArrangerenApp._started); once it is closed, let it be collected.
            gc.unfreeze()

    def editable(self) -> bool:
        """True if changes are allowed here; otherwise say why, once per attempt."""
        if self.read_only:
            self.notify(f"Alleen lezen: {self.read_only}", severity="warning", timeout=4)
            return False
        if self.review:
            self.notify("Dit gesprek is afgesloten. F9 heropent het om te bewerken.",
                        severity="warning", timeout=4)
            return False
        return True

    # -- display --------------------------------------------------------------

    def refresh_board(self, keep: int | None = None, keep_card: int | None = None) -> None:
        session = self.session
        veld = session.veld
        step_index = veld.step_index(session.current_step)
        self.query_one(StepBar).current = step_index
        agreements = session.current_step == veld.agree_step
        prep_panel = self._prep_panel(
            create=PreparationPanel.visible_for(session, self.prep_mode))
        if prep_panel is not None:
            prep_panel.show(session, self.prep_mode)
        full_prep = prep_panel is not None and prep_panel.full
        self.query_one("#panes").display = not agreements and not full_prep
        panel = self._afspraken_panel(create=agreements)
        if panel is not None:
            panel.display = agreements
            if agreements:
                panel.show(session, keep=keep_card)
        for party in veld.parties:
            pane = self.query_one(f"#pane-{party.key}", PartyPane)
            pane.show_notes(
                session.notes_for(session.current_step, party.key),
                keep=keep if keep_card is None else f"k{keep_card}",
                cards=session.cards_for(session.current_step, party.key),
            )
            pane.set_class(party.key == session.selected_party, "-selected")
        self.query_one(CaptureBar).set_party(session.party.label)
        clockbar = self.query_one(ClockBar)
        meta = session.meta
        who = one_line(meta.pupil, 24)
        if meta.group:
            who += f" · gr. {one_line(meta.group, 6)}"
        closed = " · gesloten" if session.status == STATUS_CLOSED else ""
        clockbar.title = f" {who} · stap {step_index + 1}/{len(veld.steps)}{closed}"
        arrange = veld.arrange_step
        checking = bool(session.arrangement) or (
            arrange is not None and step_index >= veld.step_index(arrange)
        )
        clockbar.set_check(len(session.missing()) if checking else None)

    def _tick(self) -> None:
        now = self.now()
        session = self.session
        clock = session.clock
        if not self.read_only:
            # Looked at every second, so only a real gap (the app closed, the computer
            # asleep) is left between two looks; one that cannot all be meeting time is cut.
            gap = clock.observe(now)
            if gap is not None:
                if gap.notable:
                    self.notify(gap.describe(), severity="warning", timeout=20)
                self.save()
        step = session.step
        left = session.step_left(now)
        if clock.running and left <= 0 and step.key not in self._alerted:
            self._alerted.add(step.key)
            minutes = "1 minuut" if step.minutes == 1 else f"{step.minutes} minuten"
            verb = "is" if step.minutes == 1 else "zijn"
            self.notify(f"De {minutes} voor ‘{step.name}’ {verb} om.", timeout=6)
        if self._clock_in_sight():
            self._show_clock(now, left)

    def _clock_in_sight(self) -> bool:
        """True if the clock can be seen: the board is on top, or a dialog over it leaves
        the clock uncovered (seen through, dimmed). Under anything else the board is not
        drawn: Textual renders the whole screen for any change on a screen below the top
        one, for nobody here. ``on_screen_resume`` shows the clock again at once."""
        if self.is_active:
            return True
        top = self.app.screen
        if (not isinstance(top, ModalScreen) or self not in self.app.screen_stack
                or top.styles.background.a >= 1):
            return False  # a screen of its own, or a dialog on an opaque background
        clock = self.query_one("#cb-clock").region
        try:
            widget, _ = top.get_widget_at(clock.x, clock.y)
        except NoWidget:
            return True
        return widget is top  # the dialog's see-through background, not one of its parts

    def _show_clock(self, now: float, left: float) -> None:
        session = self.session
        clock = session.clock
        phase = clock.phase(now)
        closed = session.status == STATUS_CLOSED
        if closed:
            text = "⏹ afgesloten"  # not "gepauzeerd": ^T does not start it again
        elif not clock.started:
            text = f"⏱ {format_remaining(clock.remaining(now))} (^T start)"
        elif clock.running:
            text = f"⏱ {format_remaining(clock.remaining(now))}"
        else:
            text = f"⏸ {format_remaining(clock.remaining(now))} gepauzeerd"
        clockbar = self.query_one(ClockBar)
        clockbar.clock_text = text + " "
        clockbar.set_phase(phase.value, clock.running)
        stepbar = self.query_one(StepBar)
        stepbar.step_time = "" if closed else format_remaining(left)  # no frozen step clock
        stepbar.overrun = left < 0 and not closed

    # -- voorbereiding ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """^E only in a vervolggesprek, ^D only with a voorbereiding: elsewhere they are not
        in the key bar or the palette, and the key is the capture line's own."""
        if action == "evaluate":
            return bool(self.session.evaluations)
        if action == "toggle_preparation":
            return not self.session.preparation.is_empty()
        return True

    def action_toggle_preparation(self) -> None:
        """^D: the voorbereiding short (in the puzzel and beeld steps), in full, or hidden."""
        order = ("kort", "vol", "uit")
        self.prep_mode = order[(order.index(self.prep_mode) + 1) % len(order)]
        self.refresh_board()
        veld = self.session.veld
        steps = " en ".join(veld.step(key).short for key in veld.prep_steps) or "geen stap"
        what = {"kort": f"kort bij {steps}", "vol": "helemaal", "uit": "verborgen"}
        self.notify(f"Voorbereiding: {what[self.prep_mode]} (^D)", timeout=2)

    def action_edit_preparation(self) -> None:
        """^X: change the voorbereiding without leaving the meeting (saved with the session)."""
        if not self.editable():
            return
        from arrangeren_tui.ui.screens.preparation import PreparationScreen

        def closed() -> None:
            self.refresh_board()
            self.refresh_bindings()  # a voorbereiding filled in now brings ^D

        self.app.push_screen(PreparationScreen(self.context, self.session, self.saver,
                                               on_close=closed))

    # -- capture ----------------------------------------------------------------

    @on(Input.Changed, "#capture")
    def _draft_changed(self, event: Input.Changed) -> None:
        capture = event.input
        # Restoring the kept draft on open changes nothing, so it is not saved again.
        changed = self.session.set_draft(capture.value, capture.cursor_position)
        if changed and self._draft_timer is None:
            self._draft_timer = self.set_timer(DRAFT_SAVE_DELAY, self._save_draft)

    def _save_draft(self) -> None:
        self._draft_timer = None
        self.save()

    def submit_capture(self, value: str) -> bool:
        """Lay the typed text as a note; True if it was taken (the capture bar empties).

        Called by the capture bar on Enter, synchronously, so that keys arriving
        right behind the Enter go into the next note (see CaptureInput).
        """
        if not self.editable():
            return False
        if self.session.status == STATUS_CLOSED:
            self.notify("Dit gesprek is afgesloten. Heropen het met F9.", severity="warning")
            return False
        if not value.strip():
            return False
        from arrangeren_tui.core.capture import parse_capture

        capture = parse_capture(value, self.session.veld)
        if capture.problem:
            self.notify(capture.problem, severity="warning")
            return False
        was_running = self.session.clock.started
        note = self.session.add_note(
            capture.text, self.now(), party=capture.party, important=capture.important,
            domain=capture.domain,
        )
        # One notice (only the newest shows): where the note went, and that the clock runs.
        told = []
        if capture.party and capture.party != self.session.selected_party:
            told.append(f"Genoteerd bij {self.session.veld.party(capture.party).label}.")
        if not was_running:
            told.append("De klok loopt (^T pauzeert).")
        if told:
            self.notify(" ".join(told), timeout=3 if not was_running else 2)
        self.session.set_draft("", 0)
        self.save()
        self.refresh_board(keep=note.id)
        self._tick()
        return True

    def on_capture_input_long_paste(self, message: CaptureInput.LongPaste) -> None:
        """A multi-line or long paste goes into a note dialog, or whole into one note."""
        message.stop()
        if not self.editable():
            return
        text = message.text
        if len(text) <= HUGE_PASTE:
            self.action_long_note(pasted=text)
            return
        capture = self.query_one("#capture", CaptureInput)
        party = self.session.party

        def answer(lay: bool | None) -> None:
            capture.focus()
            if not lay:
                return
            note = self.session.add_note(capture.value + text, self.now(), party=party.key)
            capture.value = ""
            self.session.set_draft("", 0)
            self.save()
            self.refresh_board(keep=note.id)
            self.notify(f"Lange tekst neergelegd bij {party.label}.", timeout=3)

        from arrangeren_tui.ui.dialogs.common import ConfirmDialog

        self.app.push_screen(
            ConfirmDialog(
                f"Je plakte een lange tekst ({len(text):,} tekens).".replace(",", ".")
                + f" Als één notitie bij {party.label} neerleggen?",
                yes="Neerleggen",
                no="Niet plakken",
            ),
            answer,
        )

    # -- actions ----------------------------------------------------------------

    def action_cycle_party(self, delta: int) -> None:
        focused_list = not isinstance(self.focused, CaptureInput)
        self.session.cycle_party(delta)
        self.save()
        self.refresh_board()
        if focused_list:
            self._focus_pane(self.session.selected_party)

    def action_select_party(self, index: int) -> None:
        parties = self.session.veld.parties
        if 0 <= index < len(parties):
            self.session.select_party(parties[index].key)
            self.save()
            self.refresh_board()

    def action_move_step(self, delta: int) -> None:
        if not self.session.move_step(delta, self.now()):
            self.notify("Dit is de laatste stap." if delta > 0 else "Dit is de eerste stap.",
                        timeout=2)
            return
        self.save()
        self.refresh_board()
        self._tick()
        if not isinstance(self.focused, CaptureInput):
            self.query_one("#capture", CaptureInput).focus()

    def action_focus_notes(self) -> None:
        if self.session.current_step == self.session.veld.agree_step:
            table = self._afspraken_table()
            if table is not None and table.row_count:
                table.focus()
                return
        self._focus_pane(self.session.selected_party)

    def _focus_pane(self, party: str) -> None:
        pane = self.query_one(f"#pane-{party}", PartyPane)
        if pane.option_count:
            pane.focus()
        else:
            self.query_one("#capture", CaptureInput).focus()

    def on_party_pane_focused(self, message: PartyPane.Focused) -> None:
        if message.party != self.session.selected_party:
            self.session.select_party(message.party)
            self.save()
            self.refresh_board()

    def action_toggle_clock(self) -> None:
        if not self.editable():
            return
        if self.session.status == STATUS_CLOSED:
            self.notify("Dit gesprek is afgesloten. Heropen het met F9.", severity="warning")
            return
        running = self.session.clock.toggle(self.now())
        self.session.touch(self.now())
        self.save()
        self._tick()
        self.notify("Klok loopt." if running else "Klok gepauzeerd.", timeout=2)

    def action_save_now(self) -> None:
        if not self.editable() or self.saver is None:
            return
        if self.saver.write_now():
            self.notify("Opgeslagen. (Dat gebeurt ook vanzelf.)", timeout=2)
        else:
            self.notify("Opslaan lukt nu niet; het wordt steeds opnieuw geprobeerd.",
                        severity="error", timeout=4)

    def action_undo(self) -> None:
        if not self.editable():
            return
        if not self._undo:
            self.notify("Er is niets om terug te zetten.", timeout=2)
            return
        deleted = self._undo.pop()
        if isinstance(deleted, tuple):
            laid, position = deleted
            self.session.restore_card(laid, position, self.now())
            self.save()
            if laid.step != self.session.current_step:
                self.session.go_to_step(laid.step, self.now())
            self.refresh_board(keep_card=laid.id)
            self.notify(f"Kaart ‘{laid.title}’ teruggelegd.", timeout=2)
            return
        note = self.session.restore_note(deleted, self.now())
        self.save()
        if note.step != self.session.current_step:
            self.session.go_to_step(note.step, self.now())
        self.session.select_party(note.party)
        self.refresh_board(keep=note.id)
        self.notify("Notitie teruggezet.", timeout=2)

    def action_go_home(self) -> None:
        self.shutdown()  # at once; the App asks what to do if that failed
        self.post_message(LeaveBoard(self))

    # -- cards and afspraken ---------------------------------------------------------

    def action_pick_card(self) -> None:
        if not self.editable():
            return
        from arrangeren_tui.ui.dialogs.picker import CardPicker

        picker = CardPicker(self.context.cards.card_index(), self.session.veld,
                            self.session.selected_party, self.session.step.name,
                            all_parties=self._picker_all_parties)

        def picked(result: object) -> None:
            self._picker_all_parties = picker.all_parties  # the next ^K starts the same way
            self._card_picked(result)

        self.app.push_screen(picker, picked)

    def _card_picked(self, result: object) -> None:
        from arrangeren_tui.ui.dialogs.picker import PickResult

        self.query_one("#capture", CaptureInput).focus()
        if not isinstance(result, PickResult):
            return
        now = self.now()
        if result.card is not None:
            card = result.card
            laid = self.session.lay_card(
                now, card_id=card.id, title=card.title, party=result.party,
                description=card.description, intensity=card.intensity, domains=card.domains,
            )
        else:
            blank = result.blank
            assert blank is not None
            card_id = ""
            if blank.keep:
                card_id = self.context.cards.keep_blank_card(blank)
            laid = self.session.lay_card(
                now, card_id=card_id, title=blank.title, party=blank.party,
                description=blank.description, intensity=blank.intensity,
                domains=blank.domains, blank=True,
            )
        self.save()
        label = self.session.veld.party(laid.party).label
        self.notify(f"Kaart ‘{one_line(laid.title, 40)}’ ligt bij {label}.", timeout=3)
        self.refresh_board(keep_card=laid.id)

    def _people(self) -> list[str]:
        people = [p.name for p in self.session.meta.participants if p.name]
        people += [p.role for p in self.session.meta.participants if p.role]
        if self.session.meta.facilitator:
            people.append(self.session.meta.facilitator)
        return list(dict.fromkeys(people))

    def _card_command(self, action: str, laid_id: int) -> None:
        if action in ("edit", "move", "important"):
            self._edit_afspraak(laid_id)
        elif action in ("delete", "remove"):
            laid, position = self.session.remove_card(laid_id, self.now())
            self._undo.append((laid, position))
            self.save()
            self.refresh_board()
            self.notify(f"Kaart ‘{one_line(laid.title, 40)}’ weggelegd. ^Z legt hem terug.",
                        timeout=4)

    def _edit_afspraak(self, laid_id: int) -> None:
        from arrangeren_tui.ui.dialogs.picker import AfspraakDialog, AfspraakEdit

        laid = self.session.laid(laid_id)

        def done(edit: AfspraakEdit | None) -> None:
            self._refocus_after_afspraak(laid.party)
            if edit is None:
                return
            self.session.update_afspraak(laid_id, self.now(), wie=edit.wie, wat=edit.wat,
                                         wanneer=edit.wanneer, status=edit.status)
            self.save()
            self.refresh_board(keep_card=laid_id)

        label = self.session.veld.party(laid.party).label
        self.app.push_screen(AfspraakDialog(laid, label, self._people(),
                                                          self.context.today()), done)

    def _refocus_after_afspraak(self, party: str) -> None:
        if self.session.current_step == self.session.veld.agree_step:
            self._focus_afspraken()
        else:
            self._focus_pane(party)

    def _prep_panel(self, *, create: bool = False) -> PreparationPanel | None:
        """The voorbereiding panel, under the step bar; mounted the first time it has
        something to show (not at start-up when it has nothing)."""
        found = self.query("#prep-panel").results(PreparationPanel)
        panel = next(found, None)
        if panel is not None or not create:
            return panel
        panel = PreparationPanel(id="prep-panel")
        self.mount(panel, after=self.query_one("#stepbar"))
        return panel

    def _afspraken_panel(self, *, create: bool = False):  # type: ignore[no-untyped-def]
        """The afspraken step's table, mounted the first time it is needed (not at start-up)."""
        found = self.query("#afspraken")  # by id: asking by class would import DataTable
        if found:
            return found.first()
        if not create:
            return None
        from arrangeren_tui.ui.board.afspraken import AfsprakenPanel

        panel = AfsprakenPanel(id="afspraken")
        self.mount(panel, after=self.query_one("#panes"))
        return panel

    def _banner(self, banner_id: str) -> Static:
        """The save or read-only banner, shown; mounted the first time (not at start-up:
        most boards never show one, and each widget costs the start a millisecond or two).
        Their order above the capture bar: the save banner, then the read-only one."""
        found = self.query(f"#{banner_id}")
        if found:
            banner = found.first(Static)
        else:
            banner = Static("", id=banner_id)
            below = self.query("#readonly-banner") if banner_id == "save-banner" else None
            self.mount(banner, before=below.first() if below else self.query_one("#capturebar"))
        if not banner.display:
            banner.display = True
        return banner

    def _hide_banner(self, banner_id: str) -> None:
        found = self.query(f"#{banner_id}")
        # Only if shown: an assignment, even of the same value, lays out the board.
        if found and found.first().display:
            found.first().display = False

    def _afspraken_table(self):  # type: ignore[no-untyped-def]
        found = self.query("#afspraken-table")
        return found.first() if found else None

    def _focus_afspraken(self) -> None:
        table = self._afspraken_table()
        if table is not None:
            table.focus()

    def on_afspraak_command(self, message: AfspraakCommand) -> None:
        message.stop()
        if message.action == "leave":
            self.query_one("#capture", CaptureInput).focus()
            return
        if not self.editable():
            return
        if message.action == "regie":
            self.action_regie()
        elif message.laid_id is not None:
            self._card_command(message.action, message.laid_id)
            if message.action == "remove":
                self._focus_afspraken()

    def action_regie(self) -> None:
        if not self.editable():
            return
        if self.session.status == STATUS_CLOSED:
            self.notify("Dit gesprek is afgesloten. Heropen het met F9.", severity="warning")
            return
        from arrangeren_tui.ui.dialogs.picker import RegieDialog

        def done(result: tuple[str, str] | None) -> None:
            self._refocus_after_afspraak(self.session.selected_party)
            if result is None:
                return
            self.session.set_agreements(self.now(), casusregie=result[0],
                                        evaluation_date=result[1])
            self.save()
            self.refresh_board()

        self.app.push_screen(
            RegieDialog(self.session.casusregie, self.session.evaluation_date, self._people(),
                        self.context.today()),
            done,
        )

    def action_close_session(self) -> None:
        if not self.editable():
            return
        if self.session.status == STATUS_CLOSED:
            self.notify("Dit gesprek is al afgesloten.", timeout=3)
            return
        missing = self.session.missing()
        question = "Het gesprek afsluiten? De klok stopt; heropenen kan met F9."
        if missing:
            question = "Nog open:\n• " + "\n• ".join(missing) + "\n\n" + question

        def answer(yes: bool | None) -> None:
            if yes:
                self.session.close(self.now())
                self.save()
                # From now on as when a closed session is opened from the list: the
                # banner shows it, nothing can be added until F9 reopens it.
                self.review = True
                self._show_closed()
                self.refresh_board()
                self._tick()
                self.notify("Gesprek afgesloten. F9 heropent het.", timeout=3)

        from arrangeren_tui.ui.dialogs.common import ConfirmDialog

        self.app.push_screen(ConfirmDialog(question, yes="Afsluiten", no="Nog niet"), answer)

    def action_reopen_session(self) -> None:
        if self.review:
            self.review = False
            self._hide_banner("readonly-banner")
            self._start_writing()
            self.query_one("#capture", CaptureInput).focus()
        if not self.editable():
            return
        if self.session.status != STATUS_CLOSED:
            self.notify("Dit gesprek is open.", timeout=2)
            return
        self.session.reopen(self.now())
        self.save()
        self.refresh_board()
        self.notify("Gesprek heropend.", timeout=2)

    def action_evaluate(self) -> None:
        if not self.editable():
            return
        from arrangeren_tui.ui.dialogs.evaluation import EvaluationDialog

        self.app.push_screen(
            EvaluationDialog(self.session, self.now, self.save),
            self._refocus_capture,
        )

    def _refocus_capture(self, _result: object = None) -> None:
        self.query_one("#capture", CaptureInput).focus()

    def action_verslag(self) -> None:
        from arrangeren_tui.ui.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(self.session, self.now, self.context.export_dir,
                                          store_root=self.context.store.root))

    def action_consent(self) -> None:
        from arrangeren_tui.ui.dialogs.consent import ConsentDialog

        self.app.push_screen(
            ConsentDialog(
                self.session,
                self.context.today(),
                self.now,
                self.save,
                read_only=bool(self.read_only) or self.review,
            ),
            self._refocus_capture,
        )

    def action_names(self) -> None:
        """The name register: the other people whose names a pseudonymised export replaces."""
        from arrangeren_tui.ui.dialogs.names import NamesDialog

        def done(entries: tuple[str, ...] | None) -> None:
            if entries is not None and entries != self.session.meta.other_people:
                self.session.set_other_people(entries, self.now())
                self.save()
            self._refocus_capture()

        read_only = bool(self.read_only) or self.review
        self.app.push_screen(NamesDialog(self.session, read_only=read_only), done)

    def action_overview(self) -> None:
        from arrangeren_tui.ui.board.overview import OverviewScreen

        def jump(target: tuple[str, str] | None) -> None:
            if target is None:
                return
            step, party = target
            self.session.go_to_step(step, self.now())
            self.session.select_party(party)
            self.save()
            self.refresh_board()
            self._tick()

        self.app.push_screen(OverviewScreen(self.session), jump)

    def action_long_note(self, pasted: str = "") -> None:
        if not self.editable():
            return
        capture = self.query_one("#capture", CaptureInput)
        session = self.session

        def done(edit: NoteEdit | None) -> None:
            capture.focus()
            if edit is None or not edit.text.strip():
                return
            note = session.add_note(
                edit.text.strip("\n"), self.now(), party=edit.party, step=edit.step,
                important=edit.important,
            )
            capture.value = ""
            session.set_draft("", 0)
            self.save()
            self.refresh_board(keep=note.id)

        from arrangeren_tui.ui.dialogs.common import NoteDialog

        self.app.push_screen(
            NoteDialog(
                session.veld,
                title="Lange notitie",
                text=capture.value + pasted,
                party=session.selected_party,
                step=session.current_step,
            ),
            done,
        )

    def on_note_command(self, message: NoteCommand) -> None:
        message.stop()
        if message.action == "leave" or (message.note_id is None and message.card_id is None):
            self.query_one("#capture", CaptureInput).focus()
            return
        if not self.editable():
            return
        if message.card_id is not None:
            self._card_command(message.action, message.card_id)
            return
        assert message.note_id is not None  # neither a note nor a card was handled above
        note = self.session.note(message.note_id)
        now = self.now()
        if message.action == "important":
            self.session.update_note(note.id, now, important=not note.important)
            self.save()
            self.refresh_board(keep=note.id)
        elif message.action == "delete":
            self._undo.append(self.session.delete_note(note.id, now))
            self.save()
            self.refresh_board()
            self.notify("Notitie gewist. ^Z zet hem terug.", timeout=4)
            self._focus_pane(message.party)
        elif message.action == "domain":
            updated = self.session.update_note(note.id, now, domain=next_domain(note.domain))
            self.save()
            self.refresh_board(keep=note.id)
            self.notify(f"Domein: {updated.domain or 'geen'}", timeout=2)
        elif message.action in ("edit", "move"):
            self._edit_note(note.id, focus="party" if message.action == "move" else "text")

    def _edit_note(self, note_id: int, focus: str) -> None:
        note = self.session.note(note_id)

        def done(edit: NoteEdit | None) -> None:
            if edit is None:
                self._focus_pane(note.party)
                return
            if not edit.text.strip():
                self.notify("Een lege notitie is niet opgeslagen; wis hem met d.",
                            severity="warning")
                return
            updated = self.session.update_note(
                note_id, self.now(), text=edit.text.strip("\n"), important=edit.important,
                party=edit.party, step=edit.step,
            )
            self.save()
            if updated.step != note.step or updated.party != note.party:
                step = self.session.veld.step(updated.step).name
                party = self.session.veld.party(updated.party).label
                self.notify(f"Verplaatst naar {party} in ‘{step}’.", timeout=3)
            self.refresh_board()
            self._focus_pane(note.party)

        from arrangeren_tui.ui.dialogs.common import NoteDialog

        self.app.push_screen(
            NoteDialog(
                self.session.veld,
                title="Notitie verplaatsen" if focus == "party" else "Notitie bewerken",
                text=note.text,
                party=note.party,
                step=note.step,
                important=note.important,
                focus=focus,
            ),
            done,
        )
