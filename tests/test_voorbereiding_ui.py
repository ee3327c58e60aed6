"""The voorbereiding in the app, driven by keys through Pilot at 80x24: planning a meeting,
filling in its voorbereiding (kept without a save key), the invitations screen, and the
voorbereiding at hand on the board during the meeting."""

from __future__ import annotations

import json

from conftest import PLANNED_ID, TODAY, FakeClock, planned_session

from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.board.widgets import PreparationPanel
from arrangeren_tui.ui.dialogs.common import ConfirmDialog
from arrangeren_tui.ui.screens.home import HomeScreen, NewSessionScreen
from arrangeren_tui.ui.screens.invitations import InvitationsScreen
from arrangeren_tui.ui.screens.preparation import PreparationScreen


def make_app(store: SessionStore, veld: Veld, clock: FakeClock, tmp_path=None, **kwargs):
    return ArrangerenApp(store=store, veld=veld, now=clock, today=lambda: TODAY,
                         export_dir=tmp_path / "uit" if tmp_path else None, **kwargs)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if c == " " else c for c in text])


def on_disk(store: SessionStore, session_id: str) -> dict:
    return json.loads(store.path_for(session_id).read_text("utf-8"))["session"]["1"]


async def test_plan_a_meeting_and_prepare_it_without_a_save_key(store, veld, clock):
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewSessionScreen) and form.planned
        await type_text(pilot, "Noor Kok")
        form.query_one("#f-datum").value = "2026-12-15"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NewSessionScreen), "a planned meeting needs a time"
        assert "begintijd" in str(form.query_one("#err-tijd").render())
        form.query_one("#f-tijd").value = "9:30"
        form.query_one("#f-plaats").value = "De Linde, kamer 4"
        form.query_one("#f-inv-swv").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PreparationScreen)
        session_id = screen.session.id
        head = on_disk(store, session_id)
        assert head["status"] == "gepland"
        assert (head["meta"]["time"], head["meta"]["invited"]) == ("09:30", ["swv"])
        # typed into the puzzel, kept after a pause: no key to remember
        await type_text(pilot, "Noor leest niet graag voor")
        await pilot.press("tab")
        await type_text(pilot, "Dat lezen leuk wordt")
        await pilot.pause(0.7)
        head = on_disk(store, session_id)
        assert head["preparation"]["puzzle"] == "Noor leest niet graag voor"
        assert head["preparation"]["pupil_wants"] == "Dat lezen leuk wordt"
        screen.query_one("#p-leren-needs").value = "korte leesbeurten"
        screen.query_one("#p-doc-groeidocument").value = True
        screen.query_one("#p-ok-swv").value = "ja"
        await pilot.press("escape")  # leaving keeps what is pending at once
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        prep = on_disk(store, session_id)["preparation"]
        assert prep["domains"] == {"leren": {"needs": "korte leesbeurten", "tried": "",
                                             "effect": ""}}
        assert prep["documents"] == ["groeidocument"] and prep["invite_consent"] == {"swv": "ja"}
        assert not store.in_use(session_id), "the lock is let go when the voorbereiding closes"


async def test_the_new_and_the_plan_form_open_at_their_top(store, veld, clock):
    """The first field's label stays in view at 80x24 (Textual's focus-on-open scrolled it away)."""
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("n", "p"):
            await pilot.press(key)
            await pilot.pause(0.3)
            form = app.screen
            assert isinstance(form, NewSessionScreen)
            assert form.query_one("#new-form").scroll_y == 0
            assert form.focused is form.query_one("#f-leerling")
            await pilot.press("escape")
            await pilot.pause()


async def test_a_bad_time_is_said_and_not_kept(store, veld, clock):
    store.save(planned_session(veld))
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.prepare_session(PLANNED_ID)
        await pilot.pause()
        screen = app.screen
        screen.query_one("#p-time").value = "half twee"
        await pilot.pause(0.7)
        assert "UU:MM" in str(screen.query_one("#p-error").render())
        assert on_disk(store, PLANNED_ID)["meta"]["time"] == "13:30"


async def test_planned_meetings_come_first_and_ask_before_they_begin(store, veld, clock):
    from conftest import demo_session

    store.save(demo_session(veld))
    store.save(planned_session(veld))
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one("#sessions")
        assert [str(table.get_row_at(i)[-1]) for i in range(2)] == [PLANNED_ID, "20261123-demo"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # neither: back home, nothing opened
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n")  # not now: the voorbereiding
        await pilot.pause()
        assert isinstance(app.screen, PreparationScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert on_disk(store, PLANNED_ID)["status"] == "gepland"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("j")  # held now
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.pause(0.3)
        assert on_disk(store, PLANNED_ID)["status"] == "open"


async def test_voorbereiding_at_hand_on_the_board(store, veld, clock):
    store.save(planned_session(veld))
    app = make_app(store, veld, clock, open_session=PLANNED_ID)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        # Not in the Opening: nothing to show, so not even mounted yet.
        assert not board.query(PreparationPanel), "not in the Opening"
        await pilot.press("pagedown")  # Puzzel
        await pilot.pause()
        panel = board.query_one(PreparationPanel)
        shown = str(board.query_one("#prep-text").render())
        assert panel.display and "Sem werkt goed in de ochtend" in shown
        assert "Kind wil: Dat het na de pauze" in shown
        await pilot.press("pagedown")  # Beeld
        await pilot.pause()
        shown = str(board.query_one("#prep-text").render())
        assert "Leren: korte instructie" in shown and "Mee: groeidocument" in shown
        await pilot.press("pagedown")  # Behoeften: gone
        await pilot.pause()
        assert not panel.display
        await pilot.press("ctrl+d")  # in full, over the veld
        await pilot.pause()
        assert panel.display and panel.full and not board.query_one("#panes").display
        assert "Ouders akkoord met uitnodigen" in str(board.query_one("#prep-text").render())
        await pilot.press("ctrl+d")  # hidden
        await pilot.pause()
        assert not panel.display and board.query_one("#panes").display
        # a note with a domain, then '#' on the note cycles it
        await type_text(pilot, "#gd boos na de pauze")
        await pilot.press("enter")
        await pilot.pause()
        note = board.session.notes[-1]
        assert (note.text, note.domain) == ("boos na de pauze", "gedrag")
        await pilot.press("up", "number_sign")
        await pilot.pause()
        assert board.session.notes[-1].domain == "gezondheid"
        # ^X changes the voorbereiding during the meeting, saved with the session
        await pilot.press("escape", "ctrl+x")
        await pilot.pause()
        prep_screen = app.screen
        assert isinstance(prep_screen, PreparationScreen)
        prep_screen.query_one("#p-other").value = "rapport logopedie"
        await pilot.press("escape")
        await pilot.pause(0.5)
        assert app.screen is board
        board.emergency_save()
        head = on_disk(store, PLANNED_ID)
        assert head["preparation"]["other_documents"] == "rapport logopedie"
        assert head["status"] == "open"


async def test_invitations_screen_writes_and_refuses(store, veld, clock, tmp_path):
    store.save(planned_session(veld))
    app = make_app(store, veld, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("u")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InvitationsScreen)
        assert "Beste collega" in str(screen.query_one("#invite-preview").render())
        await pilot.press("down", "t", "a")  # ouders: plain text and .ics
        await pilot.pause()
        out = tmp_path / "uit"
        assert sorted(p.name for p in out.iterdir()) == [
            f"uitnodiging-{PLANNED_ID}-ouders.ics", f"uitnodiging-{PLANNED_ID}-ouders.txt"]
        assert "Sem" not in (out / f"uitnodiging-{PLANNED_ID}-ouders.ics").read_text("utf-8")
        await pilot.press("down", "down", "down")  # JGZ: the parents said no
        await pilot.pause()
        assert "gaven geen toestemming" in str(screen.query_one("#invite-preview").render())
        await pilot.press("t")
        await pilot.pause()
        assert len(list(out.iterdir())) == 2


async def test_a_hang_up_keeps_what_is_on_screen_before_its_change_is_handled(
        store, veld, clock):
    """Keys are drawn before their Changed message reaches the session; SIGHUP or ^Q in
    that moment calls emergency_save, which must write what the form shows."""
    store.save(planned_session(veld))
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.prepare_session(PLANNED_ID)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PreparationScreen)
        assert not screen.pending, "opening the form is not a change"
        screen.query_one("#p-puzzle").text = "rekenen na de pauze"
        screen.query_one("#p-place").value = "kamer 3"
        # no await: the Changed messages have not been handled yet
        assert screen.emergency_save()
        head = on_disk(store, PLANNED_ID)
        assert head["preparation"]["puzzle"] == "rekenen na de pauze"
        assert head["meta"]["place"] == "kamer 3"
        await pilot.pause(0.7)
        assert not screen.pending, "the late Changed messages find nothing new"


async def test_a_hang_up_keeps_the_capture_bar_as_it_is_on_screen(store, veld, clock):
    from conftest import DEMO_ID, demo_session

    store.save(demo_session(veld))
    before = store.path_for(DEMO_ID).stat().st_mtime_ns
    app = make_app(store, veld, clock, open_session=DEMO_ID)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.7)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert store.path_for(DEMO_ID).stat().st_mtime_ns == before, \
            "restoring the kept draft on open is not saved again"
        board.query_one("#capture").value = "Vader wil graag vaker kort contact"
        assert board.emergency_save()  # before the Changed message is handled
        assert on_disk(store, DEMO_ID)["draft"]["text"] == "Vader wil graag vaker kort contact"


async def test_voorbereiding_is_read_only_while_another_window_has_it(store, veld, clock):
    store.save(planned_session(veld))
    other = store.lock(PLANNED_ID)
    assert other.acquire()
    try:
        app = make_app(store, veld, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            app.prepare_session(PLANNED_ID)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, PreparationScreen) and screen.read_only
            assert screen.query_one("#p-puzzle").disabled
            assert "ALLEEN LEZEN" in str(screen.query_one("#prep-status").render())
    finally:
        other.release()


async def test_plan_a_meeting_in_a_free_slot_of_the_year(store, veld, clock):
    import datetime as dt

    from arrangeren_tui.core.planning.rules import Series
    from arrangeren_tui.core.planning.store import PlanningStore
    from arrangeren_tui.ui.screens.planning import PlanningScreen

    planning = PlanningStore(store.root)
    planning.add_series(Series(
        id="", name="", rule="maand", weekday=1, n=3, start=dt.date(2026, 12, 1),
        end=dt.date(2027, 1, 31), time="13:30", minutes=75, place="kamer 2", school="De Wilg"))
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, PlanningScreen)
        await pilot.press("right")  # it opens on today's month (november); december has a slot
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewSessionScreen) and form.planned
        assert [form.query_one(f"#f-{name}").value for name in ("datum", "tijd", "duur")] == [
            "2026-12-15", "13:30", "75"]
        await type_text(pilot, "Lina Ouali")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PreparationScreen)
        session_id = app.screen.session.id
        slot = PlanningStore(store.root).slot_of(session_id)
        assert slot is not None and slot.date == "2026-12-15"
        head = on_disk(store, session_id)
        assert (head["meta"]["place"], head["meta"]["planned_minutes"]) == ("kamer 2", 75)


async def test_quitting_from_the_voorbereiding_lets_go_of_its_lock(store, veld, clock):
    """^Q with a voorbereiding open (from the home screen) saves it and releases its
    lock as closing it would: no holder note stays behind to puzzle the next start."""
    from arrangeren_tui.core.storage.lock import holder_path, lock_path

    store.save(planned_session(veld))
    app = make_app(store, veld, clock)
    note = holder_path(lock_path(store.root, PLANNED_ID))
    async with app.run_test(size=(80, 24)) as pilot:
        app.prepare_session(PLANNED_ID)
        await pilot.pause()
        assert isinstance(app.screen, PreparationScreen)
        assert store.in_use(PLANNED_ID) and note.exists()
        app.screen.query_one("#p-place").value = "Kamer 3"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not note.exists() and not store.in_use(PLANNED_ID)
    assert on_disk(store, PLANNED_ID)["meta"]["place"] == "Kamer 3"
