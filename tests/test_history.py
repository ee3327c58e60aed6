"""Finding past sessions: by list fields at once, by the text of notes and afspraken."""

from __future__ import annotations

from conftest import T0, TODAY, FakeClock, demo_now, demo_session
from textual.widgets import DataTable, Input

from arrangeren_tui.core.model import SessionMeta
from arrangeren_tui.core.storage.history import full_text_matches, words
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.screens.history import HistoryScreen


def fill(store: SessionStore, veld) -> dict[str, str]:  # type: ignore[no-untyped-def]
    ids = {}
    demo = demo_session(veld)
    laid = demo.lay_card(T0, card_id="x", title="Vaste avondroutine", party="ouders",
                         step="arrangeren")
    demo.update_afspraak(laid.id, T0, wie="Sanne de Jong", wanneer="2026-12-15")
    demo.close(T0 + 3600)
    store.save(demo)
    ids["demo"] = demo.id
    for pupil, school, date, note in [
        ("Sem Bakker", "Het Anker", "2026-10-01", "Sem is dol op voetbal"),
        ("Lina Ouali", "De Linde", "2026-09-12", "Logopedie loopt via de huisarts"),
    ]:
        session = store.create(SessionMeta(pupil=pupil, date=date, school=school), veld, T0)
        session.add_note(note, T0)
        store.save(session)
        ids[pupil] = session.id
    return ids


def test_full_text_matches_notes_and_afspraken(store, veld):
    ids = fill(store, veld)
    summaries = store.list()[0]
    found = [s.id for s in full_text_matches(store, summaries, words("logopedie huisarts"))]
    assert found == [ids["Lina Ouali"]]
    found = [s.id for s in full_text_matches(store, summaries, words("avondroutine sanne"))]
    assert found == [ids["demo"]]
    assert list(full_text_matches(store, summaries, words("voetbal"), stop=lambda: True)) == []


async def test_history_search_as_you_type_and_open_read_only(store, veld):
    ids = fill(store, veld)
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        # Newest first, with the number of afspraken and the status.
        first = table.get_row_at(0)
        assert str(first[0]) == "2026-11-23" and str(first[4]) == "1"
        await pilot.press(*"linde")  # a list field: Tessa's and Lina's school
        await app.workers.wait_for_complete()  # the search runs after a pause in typing
        await pilot.pause()
        assert {str(k.value) for k in table.rows} == {ids["demo"], ids["Lina Ouali"]}
        screen.query_one(Input).value = "voetbal"  # only in a note
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [str(k.value) for k in table.rows] == [ids["Sem Bakker"]]
        assert "gevonden" in str(screen.query_one("#history-status").render())
        screen.query_one(Input).value = "avondroutine"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [str(k.value) for k in table.rows] == [ids["demo"]]
        await pilot.press("down", "enter")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen) and board.review  # closed: review only


async def test_vervolggesprek_end_to_end(store, veld, tmp_path):
    from markdown_it import MarkdownIt

    from arrangeren_tui.core.export.verslag import render_markdown
    from arrangeren_tui.ui.dialogs.evaluation import EvaluationDialog
    from arrangeren_tui.ui.dialogs.followup import FollowUpDialog

    ids = fill(store, veld)
    previous = store.load(ids["demo"])
    second = previous.lay_card(T0, card_id="swv-obs", title="Observatie in de klas",
                               party="swv", step="arrangeren")
    previous.update_afspraak(second.id, T0, wie="Pieter Kok", wanneer="2026-12-01")
    store.save(previous)
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now() + 86400 * 60),
                        today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")  # the newest session (the demo) is highlighted
        await pilot.pause()
        asked = app.screen
        assert isinstance(asked, FollowUpDialog)  # no evaluation date: today is proposed
        assert asked.query_one("#follow-up-date", Input).value == TODAY.isoformat()
        await pilot.press("enter")  # held today: straight onto the board
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen) and not board.review
        session = board.session
        assert session.previous == ids["demo"] and session.id != ids["demo"]
        assert session.meta.participants == previous.meta.participants
        assert [e.wat for e in session.evaluations] == ["Vaste avondroutine",
                                                        "Observatie in de klas"]
        assert session.current_step == veld.steps[0].key  # the Opening
        await pilot.press("ctrl+e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, EvaluationDialog)
        await pilot.press("g")  # gedaan; then the toelichting, Enter to the next
        await pilot.press(*"loopt goed")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("d", "enter")
        await pilot.pause()
        await pilot.press("escape", "ctrl+q")
    saved = store.load(session.id)
    assert [(e.outcome, e.note) for e in saved.evaluations] == [("gedaan", "loopt goed"),
                                                                 ("deels", "")]
    assert store.load(ids["demo"]).arrangement == previous.arrangement  # untouched
    markdown = render_markdown(saved, now=demo_now())
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert f"Evaluatie van de vorige afspraken ({ids['demo']})" in headings
    assert "| Ouders | Vaste avondroutine | Sanne de Jong | 2026-12-15 | gedaan | loopt goed |" \
        in markdown


def test_full_text_finds_the_voorbereiding(store, veld):
    from conftest import PLANNED_ID, planned_session

    fill(store, veld)
    store.save(planned_session(veld))
    summaries = store.list()[0]
    for query in ("eigen plekje", "dagplanning tafel", "tekening"):
        assert [s.id for s in full_text_matches(store, summaries, words(query))] == [PLANNED_ID]


async def test_vervolggesprek_asks_its_date_and_is_marked_in_the_list(store, veld):
    """Issue 14.16: `v` asks the date (the evaluation date proposed); a later day makes it
    gepland with its voorbereiding; the list marks the follow-up with ↻."""
    from arrangeren_tui.core.model import STATUS_PLANNED
    from arrangeren_tui.ui.dialogs.followup import FollowUpDialog
    from arrangeren_tui.ui.screens.home import HomeScreen
    from arrangeren_tui.ui.screens.preparation import PreparationScreen
    from arrangeren_tui.ui.widgets.datehint import DateHint

    ids = fill(store, veld)
    demo = store.load(ids["demo"])
    demo.set_agreements(T0, evaluation_date="2027-01-18")
    store.save(demo)
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        asked = app.screen
        assert isinstance(asked, FollowUpDialog)
        assert asked.query_one("#follow-up-date", Input).value == "2027-01-18"
        assert str(asked.query_one(DateHint).render()) == "= maandag 18 januari 2027"
        await pilot.press("enter")
        await pilot.pause()
        prep = app.screen
        assert isinstance(prep, PreparationScreen)
        follow_up = prep.session
        assert (follow_up.previous, follow_up.meta.date) == (ids["demo"], "2027-01-18")
        assert follow_up.status == STATUS_PLANNED
        await pilot.press("escape")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one(DataTable)
        rows = {str(key.value): table.get_row(key) for key in table.rows}
        assert str(rows[follow_up.id][1]).startswith("↻ Tessa")
        assert not str(rows[ids["demo"]][1]).startswith("↻")
        assert "↻ = vervolggesprek" in str(home.query_one("#home-title").render())
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("escape")  # cancelled: nothing made
        await pilot.pause()
    assert len(store.session_ids()) == 4


# -- where a full-text search matched (issue 14.17) ----------------------------------------


def _closed_with_hits(store: SessionStore, veld) -> str:  # type: ignore[no-untyped-def]
    """A closed session (so on its last step) with a note in Beeld and an evaluation note."""
    from arrangeren_tui.core.model import Evaluation, Session

    session = Session.new("20261120-hits", SessionMeta(pupil="Daan Vos", date="2026-11-20"),
                          veld, T0)
    session.go_to_step("beeld", T0)
    session.add_note("Daan vertelt graag over zijn konijnen en de tuin van opa", T0,
                     party="ouders")
    session.evaluations = [Evaluation(party="school", wat="Leesmaatje in de klas",
                                      outcome="deels", note="hapert na de kerstvakantie")]
    session.go_to_step("afsluiting", T0)
    session.close(T0 + 600)
    store.save(session)
    return session.id


def test_find_hit_says_where_and_reads_evaluation_notes(store, veld):
    from arrangeren_tui.core.storage.history import find_hit, full_text_hits

    session_id = _closed_with_hits(store, veld)
    record = store.read_record(session_id)
    hit = find_hit(record, words("konijnen"))
    assert hit is not None
    assert (hit.where, hit.step, hit.step_name, hit.party) == (
        "notitie", "beeld", "Beeld van de leerling", "ouders")
    assert "konijnen" in hit.snippet and hit.note == 1
    assert hit.describe().startswith("notitie · Beeld van de leerling · Ouders: ")
    evaluation = find_hit(record, words("kerstvakantie"))
    assert evaluation is not None and evaluation.where == "evaluatie"
    assert find_hit(record, words("konijnen giraffe")) is None
    summaries = store.list()[0]
    assert [s.id for s, _ in full_text_hits(store, summaries, words("kerstvakantie"))] == [
        session_id]


def test_snippet_cuts_around_the_word():
    from arrangeren_tui.core.storage.history import snippet

    text = "In het begin " + "bla " * 30 + "gaat het mis bij het rekenen " + "bla " * 30
    cut = snippet(text, "rekenen", width=40)
    assert cut.startswith("…") and cut.endswith("…") and "rekenen" in cut
    assert len(cut) <= 42
    assert snippet("kort stukje", "stukje") == "kort stukje"


async def test_search_shows_the_snippet_and_opens_on_the_step_of_the_hit(store, veld):
    session_id = _closed_with_hits(store, veld)
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        screen.query_one(Input).value = "konijnen"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.query_one(DataTable)
        assert [str(k.value) for k in table.rows] == [session_id]
        line = str(screen.query_one("#history-hit").render())
        assert "Beeld van de leerling · Ouders" in line and "konijnen" in line
        await pilot.press("down", "enter")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen) and board.review
        assert board.session.current_step == "beeld"  # not the last step it was closed on
        assert board.session.selected_party == "ouders"
        await pilot.press("ctrl+g")
        await pilot.pause()
    saved = store.load(session_id)
    assert saved.current_step == "afsluiting", "looking at a closed session writes nothing"


# -- a large store: capped lists, searching after a pause, stale searches stopped ------


def write_sessions(store: SessionStore, veld, count: int, note: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    """``count`` closed sessions written straight to disk, newest first in the returned ids."""
    from arrangeren_tui.core.model import Session
    from arrangeren_tui.core.storage.files import encode_json

    ids = []
    for number in range(count):
        date = f"2025-{1 + number // 28 % 12:02d}-{1 + number % 28:02d}"
        session = Session.new(f"20250101-{number:04d}", SessionMeta(
            pupil=f"Leerling {number}", date=date, school="De Linde"), veld, T0)
        if note:
            session.add_note(f"{note} ({number})", T0)
        session.close(T0 + 60)
        store.path_for(session.id).write_bytes(encode_json(session.to_record()))
        ids.append(session.id)
    return [s.id for s in store.list()[0]]


def status_line(screen) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one("#history-status").render())


async def search(app: ArrangerenApp, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type a query as one change and wait until its search (after the pause) is done."""
    app.screen.query_one(Input).value = text
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_history(app: ArrangerenApp, pilot) -> HistoryScreen:  # type: ignore[no-untyped-def]
    await pilot.press("slash")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def test_home_shows_the_newest_sessions_and_says_how_many_more(store, veld):
    from arrangeren_tui.ui.screens.lists import ROW_LIMIT

    newest = write_sessions(store, veld, ROW_LIMIT + 20)
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#sessions", DataTable)
        assert table.row_count == ROW_LIMIT
        assert [str(k.value) for k in table.rows] == newest[:ROW_LIMIT]
        more = app.screen.query_one("#home-more")
        assert more.display
        assert str(more.render()).strip() == (
            f"De nieuwste {ROW_LIMIT} van {ROW_LIMIT + 20} gesprekken; "
            "druk / om alle te doorzoeken.")
        screen = await open_history(app, pilot)  # the history finds the older ones
        await search(app, pilot, newest[-1])  # the oldest, by its code
        assert newest[-1] in {str(k.value) for k in screen.query_one(DataTable).rows}


async def test_home_reads_the_list_once_at_start_and_again_when_it_shows_again(
        store, veld, monkeypatch):
    """At start the list is read on mount, not once more by the resume that follows (at
    10,000 sessions that second read held the first frame back); a screen that lay over
    the home screen may have changed sessions, so returning from it reads it again."""
    from arrangeren_tui.ui.screens import home

    write_sessions(store, veld, 3)
    reads: list[str] = []
    original = home.read_sessions

    async def counted(store):  # type: ignore[no-untyped-def]
        reads.append(type(app.screen).__name__)
        return await original(store)

    monkeypatch.setattr(home, "read_sessions", counted)
    monkeypatch.setattr(home, "SCAN_DELAY", 0.0)
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reads == ["HomeScreen"]
        assert app.screen.query_one("#sessions", DataTable).row_count == 3
        await open_history(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert len(reads) == 2
        assert app.screen.query_one("#sessions", DataTable).row_count == 3


async def test_history_caps_its_rows_and_says_how_many_more_matched(store, veld, monkeypatch):
    from arrangeren_tui.ui.screens import history

    monkeypatch.setattr(history, "ROW_LIMIT", 5)
    newest = write_sessions(store, veld, 12, note="rekenen loopt vast")
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot)
        table = screen.query_one(DataTable)
        assert [str(k.value) for k in table.rows] == newest[:5]
        assert status_line(screen).strip() == "12 gesprekken · de nieuwste 5 staan hier; " \
            "typ om te zoeken"
        await search(app, pilot, "linde")  # every session's school: the list fields
        assert [str(k.value) for k in table.rows] == newest[:5]
        assert status_line(screen).strip() == "… en nog 7 treffers, typ verder om te verfijnen"
        await search(app, pilot, "vast (3)")  # one note: under the cap, every match shown
        assert [str(k.value) for k in table.rows] == ["20250101-0003"]
        assert status_line(screen).strip() == "1 gevonden (ook in notities en afspraken)"
        await search(app, pilot, "rekenen")  # in every note, in no list field
        assert [str(k.value) for k in table.rows] == newest[:5]
        assert status_line(screen).strip() == (
            "5 getoond · … en meer in de notities, typ verder om te verfijnen")
        line = str(screen.query_one("#history-hit").render())
        assert "rekenen" in line  # each full-text row still says where it matched


async def test_history_searches_once_after_a_burst_of_keys(store, veld, monkeypatch):
    from arrangeren_tui.ui.screens import history

    write_sessions(store, veld, 3, note="voetbal op woensdag")
    monkeypatch.setattr(history, "SEARCH_PAUSE", 1.0)  # longer than any gap between keys here
    searched: list[list[str]] = []
    real = history.full_text_hits

    def spy(store, summaries, wanted, stop):  # type: ignore[no-untyped-def]
        searched.append(list(wanted))
        return real(store, summaries, wanted, stop)

    monkeypatch.setattr(history, "full_text_hits", spy)
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot)
        await pilot.press(*"voetbal")
        await pilot.pause()
        assert screen.query_one(DataTable).row_count == 3, "no search before the pause"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "3 gevonden (ook in notities" in status_line(screen)
    assert searched == [["voetbal"]]


async def test_a_new_query_stops_the_stale_search_between_two_files(store, veld, monkeypatch):
    import threading

    from arrangeren_tui.ui.screens import history

    newest = write_sessions(store, veld, 8, note="rekenen loopt vast")
    monkeypatch.setattr(history, "SEARCH_PAUSE", 0.0)
    read: dict[str, list[str]] = {}
    two_read = threading.Event()
    real = history.full_text_hits

    def slow(store, summaries, wanted, stop):  # type: ignore[no-untyped-def]
        seen = read.setdefault(" ".join(wanted), [])
        for summary in summaries:
            if len(seen) == 2 and wanted == ["rekenen"]:
                two_read.set()
                for _ in range(500):  # until a newer query makes this one stale
                    if stop():
                        break
                    threading.Event().wait(0.01)
            if stop():
                return
            seen.append(summary.id)
            yield from real(store, [summary], wanted, stop)

    monkeypatch.setattr(history, "full_text_hits", slow)
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot)
        screen.query_one(Input).value = "rekenen"
        for _ in range(200):
            if two_read.is_set():
                break
            await pilot.pause(0.01)
        assert two_read.is_set()
        await search(app, pilot, "20250101-0007")  # a code: a list field, no file to read
        assert [str(k.value) for k in screen.query_one(DataTable).rows] == ["20250101-0007"]
    assert read["rekenen"] == newest[:2], "the stale search read no further file"


def hold_list_reads(monkeypatch):  # type: ignore[no-untyped-def]
    """The home screen's read of the whole list waits until the returned event is set."""
    import asyncio

    from arrangeren_tui.ui.screens import home

    gate = asyncio.Event()
    original = home.read_sessions

    async def held(store):  # type: ignore[no-untyped-def]
        await gate.wait()
        return await original(store)

    monkeypatch.setattr(home, "read_sessions", held)
    return gate


async def test_home_shows_the_index_head_first_then_the_checked_list(store, veld, monkeypatch):
    """A large store's home shows the index's newest rows at once and reads the whole list
    (every file checked) after that first frame: a file damaged or deleted by another
    program since the index was written shows as it was, then as it is, count and all."""
    import asyncio
    import time

    from arrangeren_tui.ui.screens import home

    monkeypatch.setattr(home, "HEAD_FIRST_FROM", 0)  # a store of 8 counts as large here
    monkeypatch.setattr(home, "ROW_LIMIT", 5)
    monkeypatch.setattr(home.HomeScreen, "_scan_for_damage", lambda self: None)
    newest = write_sessions(store, veld, 8)  # and the index, newest first
    store.path_for(newest[0]).write_text("{kapot", "utf-8")
    store.path_for(newest[1]).unlink()
    gate = hold_list_reads(monkeypatch)

    async def until(condition) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 10
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            await asyncio.sleep(0.02)

    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)):
        table = app.screen.query_one("#sessions", DataTable)
        more = app.screen.query_one("#home-more")

        def keys() -> list[str]:
            return [str(k.value) for k in table.rows]

        await until(lambda: table.row_count == 5)
        assert keys() == newest[:5]  # as the index knows them
        assert str(more.render()).strip().startswith("De nieuwste 5 van 8 gesprekken")
        assert not gate.is_set()
        gate.set()
        await until(lambda: newest[1] not in keys())
        assert keys() == [newest[0], *newest[2:6]]
        assert str(table.get_row_at(0)[4]) == "beschadigd"
        assert str(more.render()).strip().startswith("De nieuwste 5 van 7 gesprekken")


async def test_home_head_draws_one_screenful_then_adds_the_rest_under_it(
        store, veld, monkeypatch):
    """The first frame of a large store's home holds only the rows the terminal can show
    (each costs that frame time); the checked list then adds the rest below them, without
    clearing the table or moving the cursor."""
    import asyncio
    import time

    from textual.widgets import DataTable as Table

    from arrangeren_tui.ui.screens import home

    monkeypatch.setattr(home, "HEAD_FIRST_FROM", 0)
    monkeypatch.setattr(home, "ROW_LIMIT", 30)
    monkeypatch.setattr(home.HomeScreen, "_scan_for_damage", lambda self: None)
    newest = write_sessions(store, veld, 34)
    gate = hold_list_reads(monkeypatch)
    clears: list[int] = []
    real_clear = Table.clear

    def counted_clear(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        clears.append(self.row_count)
        return real_clear(self, *args, **kwargs)

    monkeypatch.setattr(Table, "clear", counted_clear)
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)):
        table = app.screen.query_one("#sessions", DataTable)
        deadline = time.monotonic() + 10
        while table.row_count == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        first = [str(k.value) for k in table.rows]
        if first != newest[:24]:
            gate.set()  # let the app end before the assertion says why
        assert first == newest[:24]  # the terminal's 24 lines
        table.move_cursor(row=2)  # keys wait while the reload holds the screen's queue
        cleared = len(clears)
        gate.set()
        while table.row_count < 30:
            assert time.monotonic() < deadline, "timed out"
            await asyncio.sleep(0.02)
        assert [str(k.value) for k in table.rows] == newest[:30]
        assert len(clears) == cleared  # added under, not rebuilt
        assert table.cursor_row == 2


async def test_home_of_a_small_store_shows_the_checked_list_at_once(store, veld, monkeypatch):
    """Below HEAD_FIRST_FROM sessions the whole list is quick: no head is shown first."""
    from arrangeren_tui.ui.screens import home

    newest = write_sessions(store, veld, 4)
    store.path_for(newest[0]).unlink()
    heads: list[int] = []
    real = SessionStore.newest

    def counted(self, limit, today=""):  # type: ignore[no-untyped-def]
        heads.append(limit)
        return real(self, limit, today)

    monkeypatch.setattr(SessionStore, "newest", counted)
    monkeypatch.setattr(home.HomeScreen, "_scan_for_damage", lambda self: None)
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#sessions", DataTable)
        assert [str(k.value) for k in table.rows] == newest[1:]
        assert heads == [home.ROW_LIMIT]  # asked, and too small to show first
