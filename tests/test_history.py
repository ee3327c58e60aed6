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
        assert first[0] == "2026-11-23" and first[4] == "1"
        await pilot.press(*"linde")  # a list field: Tessa's and Lina's school
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
