"""The UI driven by keys through Pilot, checked on the model and on disk."""

from __future__ import annotations

import json

from conftest import TODAY, FakeClock, demo_now

from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.overview import OverviewScreen
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.board.widgets import CaptureInput
from arrangeren_tui.ui.dialogs.common import NoteDialog, TooSmallScreen
from arrangeren_tui.ui.screens.home import HomeScreen, NewSessionScreen


def make_app(store: SessionStore, veld: Veld, clock: FakeClock, open_session: str | None = None):
    return ArrangerenApp(store=store, veld=veld, open_session=open_session, now=clock,
                         today=lambda: TODAY)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if c == " " else c for c in text])


def on_disk(store: SessionStore, session_id: str) -> dict:
    return json.loads(store.path_for(session_id).read_text("utf-8"))


async def test_full_flow_create_notes_move_undo_quit_reopen(store, veld, clock):
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewSessionScreen)
        await type_text(pilot, "T.d.J.")
        await pilot.press("tab")
        await type_text(pilot, "5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        # The cursor is in the capture bar at once.
        assert isinstance(app.focused, CaptureInput)
        session = board.session
        assert session.meta.pupil == "T.d.J." and session.meta.group == "5"

        await type_text(pilot, "Juf wil weten waarom rekenen vastloopt")
        await pilot.press("enter")
        await pilot.press("tab")  # Ouders
        await type_text(pilot, "Thuis gaat lezen goed")
        await pilot.press("enter")
        await pilot.press("pagedown")  # step 2
        await type_text(pilot, "@swv !Observatie in de klas")
        await pilot.press("enter")
        await pilot.pause()
        notes = [(n.step, n.party, n.text, n.important) for n in session.notes]
        assert notes == [
            ("opening", "leerling", "Juf wil weten waarom rekenen vastloopt", False),
            ("opening", "ouders", "Thuis gaat lezen goed", False),
            ("puzzel", "swv", "Observatie in de klas", True),
        ]
        assert session.clock.running  # started by the first note

        # Move the SWV note to JGZ through the dialog.
        await pilot.press("f4")  # SWV
        await pilot.press("up")
        await pilot.press("m")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        assert app.focused.id == "note-party"
        await pilot.press("enter", "down", "down", "enter")  # SWV -> Jeugdhulp -> JGZ
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert session.note(3).party == "jgz"

        # Delete with undo.
        await pilot.press("pageup", "f2", "up", "d")
        await pilot.pause()
        assert [n.id for n in session.notes] == [1, 3]
        assert board.writer.flush(2)
        assert "2" not in on_disk(store, session.id)["notes"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [n.id for n in session.notes] == [1, 2, 3]

        # A half-typed draft.
        await pilot.press("escape")
        await type_text(pilot, "nog niet af")
        await pilot.pause(0.6)
        session_id = session.id
        await pilot.press("ctrl+q")
    assert app.return_code == 0

    record = on_disk(store, session_id)
    assert record["session"]["1"]["draft"]["text"] == "nog niet af"
    assert {n["text"] for n in record["notes"].values()} == {
        "Juf wil weten waarom rekenen vastloopt",
        "Thuis gaat lezen goed",
        "Observatie in de klas",
    }
    assert record["notes"]["3"]["party"] == "jgz"

    app2 = make_app(store, veld, clock, open_session=session_id)
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app2.screen
        assert isinstance(board, BoardScreen)
        assert len(board.session.notes) == 3
        capture = app2.screen.query_one(CaptureInput)
        assert capture.value == "nog niet af"
        assert app2.focused is capture
        # The ouders pane of step 1 shows its note.
        pane_texts = [str(o.prompt) for o in board.query_one("#pane-ouders").options]
        assert pane_texts == ["• Thuis gaat lezen goed"]


async def test_clock_resumes_in_wall_time_after_restart(store, veld, clock):
    session = store.create(
        __import__("arrangeren_tui.core.model", fromlist=["SessionMeta"]).SessionMeta(
            pupil="S.B.", date="2026-11-23"
        ),
        veld,
        clock(),
    )
    app = make_app(store, veld, clock, open_session=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        clock.advance(10 * 60)
        await pilot.pause(1.1)
        assert "80:00" in str(app.screen.query_one("#cb-clock").render())
        await pilot.press("ctrl+q")
    # The app was closed for 20 minutes; the meeting went on.
    clock.advance(20 * 60)
    app2 = make_app(store, veld, clock, open_session=session.id)
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app2.screen
        assert board.session.clock.running
        assert round(board.session.clock.remaining(clock())) == 60 * 60
        assert "60:00" in str(board.query_one("#cb-clock").render())
        # Step 1 (5 minutes) is long over: shown as an overrun.
        assert board.session.step_left(clock()) == -25 * 60
        await pilot.press("ctrl+t")
        assert not board.session.clock.running


async def test_step_overrun_notifies_once(store, veld, clock, demo):
    clock.value = demo_now()
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        await pilot.pause()
        before = len(app._notifications)
        clock.advance(4 * 60)  # step 3 had 15 minutes; 12 used, now 16
        await pilot.pause(1.2)
        messages = [n.message for n in app._notifications]
        assert any("Beeld van de leerling" in m for m in messages)
        assert len(app._notifications) == before + 1
        clock.advance(60)
        await pilot.pause(1.2)
        assert len(app._notifications) == before + 1
        assert board.session.step_left(clock()) < 0


async def test_form_errors_shown_at_field_and_nothing_saved(store, veld, clock):
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        await pilot.press("tab", "tab")  # Datum
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "31-2-2026")  # no such day ('23-11-2026' is a date now)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NewSessionScreen)
        leerling_error = form.query_one("#err-leerling")
        datum_error = form.query_one("#err-datum")
        assert leerling_error.display and "leerling" in str(leerling_error.render())
        assert datum_error.display and "Geen datum" in str(datum_error.render())
        assert app.focused.id == "f-leerling"
        assert store.session_ids() == []
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert store.session_ids() == []


async def test_participants_in_form(store, veld, clock):
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "K.L.")
        form = app.screen
        # Jump to the first participant row.
        form.query_one(".p-name").focus()
        await type_text(pilot, "Anna Smit")
        await pilot.press("tab")
        await type_text(pilot, "leraar")  # the role fills in the party: School
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        (participant,) = board.session.meta.participants
        assert (participant.name, participant.role, participant.party) == (
            "Anna Smit", "leraar", "school"
        )


async def test_overview_jumps_to_square(store, veld, clock, demo):
    clock.value = demo_now()
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        detail = str(app.screen.query_one("#overview-detail").render())
        assert "Ouders · Beeld van de leerling" in detail
        await pilot.press("up", "left", "enter")  # step 2, Leerling
        await pilot.pause()
        assert app.screen is board
        assert board.session.current_step == "puzzel"
        assert board.session.selected_party == "leerling"


async def test_long_note_dialog_keeps_newlines(store, veld, clock, demo):
    clock.value = demo_now()
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, "ct")
        await pilot.press("enter")
        await type_text(pilot, "per mail")
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = board.session.notes[-1]
        assert note.text == "Vader wil graag vaker kort contact\nper mail"
        assert note.party == "ouders"
        assert app.screen.query_one(CaptureInput).value == ""


async def test_ambiguous_prefix_keeps_text(store, veld, clock, demo):
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        capture = app.screen.query_one(CaptureInput)
        capture.value = ""
        await type_text(pilot, "@j iets")
        await pilot.press("enter")
        await pilot.pause()
        assert capture.value == "@j iets"
        assert len(board.session.notes) == 9
        assert any("typ meer letters" in n.message for n in app._notifications)


async def test_command_palette_lists_actions_in_dutch(store, veld, clock, demo):
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        titles = [c.title for c in app.get_system_commands(board)]
        for title in ("Partij", "Stap ▶", "◀ Stap", "Klok", "Overzicht", "Herstel", "Stop",
                      "Vorige partij", "Nu opslaan", "Gesprekken"):
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Overzicht")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, OverviewScreen)


async def test_too_small_window_says_so_and_recovers(store, veld, clock, demo):
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        for width, height in ((1, 1), (10, 3), (200, 1), (79, 24)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await type_text(pilot, "x")
        assert app.screen.query_one(CaptureInput).value.endswith("x")


async def test_going_home_and_back(store, veld, clock, demo):
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen is home
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.session.draft.text == "Vader wil graag vaker kort conta"


async def test_failing_save_shows_banner_keeps_notes_and_recovers(store, veld, clock, demo,
                                                                 monkeypatch):
    real_save = store.save_record
    failing = {"on": True}

    def flaky(record):
        if failing["on"]:
            raise OSError(28, "No space left on device")
        real_save(record)

    monkeypatch.setattr(store, "save_record", flaky)
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        board.writer._retry_seconds = 0.05
        capture = board.query_one(CaptureInput)
        capture.value = ""
        await type_text(pilot, "belangrijk punt")
        await pilot.press("enter")
        await pilot.pause(0.3)
        banner = board.query_one("#save-banner")
        assert banner.display
        assert "NIET OPGESLAGEN (de schijf is vol)" in str(banner.render())
        assert "No space" not in str(banner.render())  # the OS's English never shows
        assert board.session.notes[-1].text == "belangrijk punt"
        failing["on"] = False
        await pilot.pause(0.5)
        assert not banner.display
        assert board.writer.flush(2)
    assert "belangrijk punt" in store.path_for(demo.id).read_text("utf-8")


async def test_opened_straight_on_the_board_home_comes_when_it_is_left(store, veld, clock, demo):
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert not any(isinstance(s, HomeScreen) for s in app.screen_stack)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#sessions").row_count == 1


async def test_the_session_the_command_line_read_is_taken_only_if_its_file_is_unchanged(
        store, veld, clock, demo, monkeypatch):
    reads: list[str] = []
    load = store.load

    def counted_load(session_id):  # type: ignore[no-untyped-def]
        reads.append(session_id)
        return load(session_id)

    monkeypatch.setattr(store, "load", counted_load)
    signature = store.file_signature(demo.id)
    assert signature is not None
    read_before = load(demo.id)
    app = ArrangerenApp(store=store, veld=veld, open_session=demo.id,
                        loaded=(read_before, signature), now=clock, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and app.screen.session is read_before
        assert reads == []
    changed = load(demo.id)
    changed.meta = type(changed.meta)(pupil="Ander Kind", date=changed.meta.date)
    store.save(changed)  # written after the command line read it: read again
    app = ArrangerenApp(store=store, veld=veld, open_session=demo.id,
                        loaded=(read_before, signature), now=clock, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.session.meta.pupil == "Ander Kind" and reads == [demo.id]


# -- small text: Dutch, singular where it is one, nothing that no longer applies ------------


async def test_form_footer_is_dutch_while_a_menu_is_open(store, veld, clock):
    from textual.widgets import Select

    from arrangeren_tui.ui.widgets.keybar import KeyBar

    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewSessionScreen)
        form.query_one(".p-party", Select).focus()
        await pilot.press("enter")  # opens the menu of parties
        await pilot.pause()
        keys = form.query_one(KeyBar)._shown_keys
        assert keys is not None
        assert "Dismiss" not in keys.plain
        assert "Esc  Menu sluiten" in keys.plain


async def test_a_step_of_one_minute_is_one_minuut(store, veld, clock):
    import dataclasses

    from arrangeren_tui.core.model import SessionMeta

    steps = (dataclasses.replace(veld.steps[0], minutes=1), *veld.steps[1:])
    short = dataclasses.replace(veld, steps=steps)
    session = store.create(SessionMeta(pupil="Bo", date="2026-11-23"), short, clock())
    app = make_app(store, veld, clock, open_session=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        clock.advance(61)
        await pilot.pause(1.2)
        messages = [n.message for n in app._notifications]
        assert "De 1 minuut voor ‘Opening’ is om." in messages, messages


async def test_a_closed_session_shows_no_running_clocks_nor_a_key_that_does_nothing(
        store, veld, clock, demo):
    from arrangeren_tui.ui.board.afspraken import AfsprakenPanel
    from arrangeren_tui.ui.board.widgets import ClockBar, StepBar

    clock.value = demo_now()
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.session.go_to_step(veld.agree_step, clock())
        board.refresh_board()
        await pilot.pause()
        head = board.query_one(AfsprakenPanel).query_one("#afspraken-head")
        assert "(c: wijzigen)" in str(head.render())
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause(1.2)
        assert board.session.status == "gesloten"
        assert "(c: wijzigen)" not in str(head.render())
        step_line = str(board.query_one(StepBar).render()).splitlines()[1]
        assert "stap" not in step_line.split("…")[-1], step_line  # no frozen step clock
        clock_text = str(board.query_one("#cb-clock").render())
        assert "gepauzeerd" not in clock_text and "afgesloten" in clock_text
        assert isinstance(board.query_one(ClockBar), ClockBar)
        await pilot.press("ctrl+t")  # the clock of a closed session does not start again
        await pilot.pause()
        assert not board.session.clock.running
        await pilot.press("up")  # into the afspraken table
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is board  # no regie dialog on a closed session


async def test_form_refuses_a_year_no_meeting_can_have(store, veld, clock):
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        await type_text(pilot, "T.d.J.")
        await pilot.press("tab", "tab")  # Datum
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "9999-12-31")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        error = form.query_one("#err-datum")
        assert error.display and "2000" in str(error.render())
        assert app.focused.id == "f-datum"
        assert store.session_ids() == []
