"""Cards on the veld: the picker, the blanco kaart, afspraken and the completeness check."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import T0, TODAY, FakeClock, demo_now, demo_session
from fictional import generate_cards
from textual.widgets import Checkbox, Input, Select

from arrangeren_tui.cli.main import main
from arrangeren_tui.core.decks.load import load_decks
from arrangeren_tui.core.decks.parse import parse_deck_file
from arrangeren_tui.core.decks.types import Deck, DeckProblem
from arrangeren_tui.core.model import STATUS_CLOSED, Session
from arrangeren_tui.core.paths import shipped_decks_dir
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.afspraken import AfsprakenPanel, AfsprakenTable
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.board.widgets import CaptureInput, PartyPane
from arrangeren_tui.ui.dialogs.cardsearch import CardIndex, Filters
from arrangeren_tui.ui.dialogs.common import ConfirmDialog
from arrangeren_tui.ui.dialogs.picker import (
    AfspraakDialog,
    BlankCardDialog,
    CardPicker,
    RegieDialog,
)


@pytest.fixture
def deck(veld: Veld) -> Deck:
    deck, problems = load_decks([shipped_decks_dir()], veld)
    assert problems == []
    return deck


def make_app(store: SessionStore, veld: Veld, deck: Deck, open_session: str | None = None,
             own: Path | None = None, problems: list[DeckProblem] | None = None
             ) -> ArrangerenApp:
    return ArrangerenApp(store=store, veld=veld, open_session=open_session,
                         now=FakeClock(demo_now()), today=lambda: TODAY, deck=deck,
                         deck_problems=problems, own_decks=own)


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if c == " " else c for c in text])


# -- searching ---------------------------------------------------------------------------


def test_search_finds_by_title_description_party_and_domain(deck: Deck, veld: Veld):
    index = CardIndex(list(deck), veld)
    assert index.search("avondroutine")[0].id == "ouders-avondroutine"
    slaap = index.search("slaap")
    assert slaap and all("slaap" in (c.title + c.description).lower() for c in slaap)
    # Fuzzy, like the command palette: letters in order.
    assert any(c.id == "ouders-avondroutine" for c in index.search("avndrtne"))
    # Filters narrow before searching.
    only = index.search("", Filters(party="jgz", intensity="licht"))
    assert only and all(c.party == "jgz" and c.intensity == "licht" for c in only)
    gedrag = index.search("", Filters(domain="gedrag"))
    assert gedrag and all("gedrag" in c.domains for c in gedrag)
    assert index.search("qqqxxx") == []
    # Party names and domains are searchable words too.
    assert all(c.party == "jgz" or "jgz" in c.description.lower()
               for c in index.search("jgz slaap"))


def test_search_stays_correct_with_5000_extra_cards(deck: Deck, veld: Veld):
    index = CardIndex(list(deck) + generate_cards(5000, veld), veld)
    assert len(index) == len(deck) + 5000
    assert index.search("avondroutine")[0].id == "ouders-avondroutine"
    assert len(index.search("o")) == 200  # capped: the list stays light


# -- the picker through Pilot ------------------------------------------------------------------


async def test_picker_from_the_capture_bar_search_filter_and_lay(store, veld, demo, deck):
    app = make_app(store, veld, deck, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        draft = board.query_one(CaptureInput).value
        await pilot.press("ctrl+k")  # while typing
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CardPicker)
        # The board's selected party (Ouders in the demo) is the first filter.
        assert picker.filters().party == "ouders"
        assert all(c.party == "ouders" for c in picker.results)
        await type_text(pilot, "schermtijd")
        await pilot.pause()
        assert picker.results[0].id == "ouders-schermtijd"
        assert "Schermtijd" in str(picker.query_one("#picker-preview").render()) or \
            "schermtijd" in str(picker.query_one("#picker-preview").render()).lower()
        # Another party's card: widen the filter to all parties and search again.
        picker.query_one("#picker-party", Select).value = ""
        picker.query_one("#picker-search", Input).value = "jeugdarts"
        await pilot.pause()
        assert picker.results and picker.results[0].party == "jgz"
        picker.query_one("#picker-search", Input).value = "schermtijd"
        picker.query_one("#picker-domain", Select).value = "gezondheid"
        await pilot.pause()
        assert [c.id for c in picker.results] == ["ouders-schermtijd"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        laid = board.session.arrangement[-1]
        assert (laid.card_id, laid.party, laid.step) == ("ouders-schermtijd", "ouders", "beeld")
        assert laid.wat == laid.title
        # The draft was not touched, and the card shows in the Ouders square.
        assert board.query_one(CaptureInput).value == draft
        pane = board.query_one("#pane-ouders", PartyPane)
        assert "▣" in str(pane.get_option_at_index(0).prompt)
        await pilot.press("ctrl+q")
    again = store.load(demo.id)
    assert [c.card_id for c in again.arrangement] == ["ouders-schermtijd"]


async def test_picker_arrows_move_and_escape_cancels(store, veld, demo, deck):
    app = make_app(store, veld, deck, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+k")
        await pilot.pause()
        picker = app.screen
        first, second = picker.results[0], picker.results[1]
        assert picker.highlighted_card() == first
        await pilot.press("down")
        assert picker.highlighted_card() == second
        await pilot.press("up", "up")
        assert picker.highlighted_card() == first
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and app.screen.session.arrangement == []


async def test_blanco_kaart_laid_and_kept_in_own_deck(store, veld, demo, deck, tmp_path):
    own = tmp_path / "kaarten"
    app = make_app(store, veld, deck, open_session=demo.id, own=own)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+k")
        await pilot.pause()
        await type_text(pilot, "Opa haalt op")
        await pilot.press("ctrl+n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, BlankCardDialog)
        assert dialog.query_one("#blank-title", Input).value == "Opa haalt op"
        await pilot.press("ctrl+s")  # no domain yet: refused with a message
        await pilot.pause()
        assert app.screen is dialog and dialog.query_one("#blank-error").display
        dialog.query_one("#blank-description", Input).value = "Op dinsdag en # donderdag"
        dialog.query_one("#blank-gezondheid", Checkbox).value = True
        dialog.query_one("#blank-intensity", Select).value = "middel"
        dialog.query_one("#blank-keep", Checkbox).value = True  # off unless chosen
        await pilot.press("ctrl+s")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        laid = board.session.arrangement[-1]
        assert laid.blank and laid.title == "Opa haalt op" and laid.party == "ouders"
        assert laid.card_id == "ouders-opa-haalt-op"
        # Kept: the own deck file parses back to the same card, and the picker finds it.
        cards, problems = parse_deck_file(own / "eigen-ouders.md", veld, own=True)
        assert problems == [] and cards[0].title == "Opa haalt op"
        assert cards[0].description == "Op dinsdag en # donderdag"
        assert cards[0].domains == ("gezondheid",) and cards[0].intensity == "middel"
        assert app.card_index().search("opa haalt")[0].id == "ouders-opa-haalt-op"


async def test_blanco_kaart_is_not_kept_unless_chosen(store, veld, demo, deck, tmp_path):
    """A card written about one pupil must not outlive that session's retention and deletion."""
    own = tmp_path / "kaarten"
    app = make_app(store, veld, deck, open_session=demo.id, own=own)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+k")
        await pilot.pause()
        await type_text(pilot, "Bas slaapt bij oma")
        await pilot.press("ctrl+n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, BlankCardDialog)
        assert dialog.query_one("#blank-keep", Checkbox).value is False
        dialog.query_one("#blank-gedrag", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.session.arrangement[-1].title == "Bas slaapt bij oma"
        assert not own.exists() or not list(own.glob("*.md"))
        assert all(c.title != "Bas slaapt bij oma"
                   for c in app.card_index().search("slaapt bij oma"))


# -- afspraken ------------------------------------------------------------------------------


def _with_cards(veld: Veld) -> Session:
    session = demo_session(veld)
    session.lay_card(T0, card_id="ouders-avondroutine", title="Vaste avondroutine",
                     party="ouders", step="arrangeren", intensity="licht")
    session.lay_card(T0, card_id="swv-observatie", title="Observatie in de klas",
                     party="swv", step="arrangeren", intensity="middel")
    session.go_to_step("afspraken", T0)
    return session


async def test_afspraken_step_table_edited_by_keyboard(store, veld, deck):
    session = _with_cards(veld)
    store.save(session)
    app = make_app(store, veld, deck, open_session=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        panel = board.query_one(AfsprakenPanel)
        assert panel.display and not board.query_one("#panes").display
        table = board.query_one(AfsprakenTable)
        assert table.row_count == 2
        await pilot.press("up")  # into the table
        assert app.focused is table
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AfspraakDialog)
        await type_text(pilot, "Sanne")
        await pilot.press("right")  # accept the suggestion from the participants
        assert dialog.query_one("#afspraak-wie", Input).value == "Sanne de Jong"
        dialog.query_one("#afspraak-wanneer", Input).value = "15-12-2026"
        dialog.query_one("#afspraak-status", Select).value = "loopt"
        await pilot.press("ctrl+s")
        await pilot.pause()
        first = board.session.arrangement[0]
        assert (first.wie, first.wanneer, first.status) == ("Sanne de Jong", "2026-12-15",
                                                            "loopt")
        assert app.focused is table
        # Casusregie and evaluation.
        await pilot.press("c")
        await pilot.pause()
        regie = app.screen
        assert isinstance(regie, RegieDialog)
        regie.query_one("#regie-wie", Input).value = "Iris Bakker"
        regie.query_one("#regie-datum", Input).value = "bad"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is regie  # a bad date is refused at the field
        regie.query_one("#regie-datum", Input).value = "2027-03-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert board.session.casusregie == "Iris Bakker"
        assert board.session.evaluation_date == "2027-03-01"
        # Remove the second card, then undo.
        await pilot.press("down", "delete")
        await pilot.pause()
        assert [c.title for c in board.session.arrangement] == ["Vaste avondroutine"]
        await pilot.press("escape", "ctrl+z")
        await pilot.pause()
        assert len(board.session.arrangement) == 2
        await pilot.press("ctrl+q")
    saved = store.load(session.id)
    assert saved.casusregie == "Iris Bakker" and saved.arrangement[0].wie == "Sanne de Jong"
    assert saved.evaluation_date == "2027-03-01"


def test_completeness_names_what_is_missing(veld):
    session = _with_cards(veld)
    assert session.missing() == [
        "nog geen afspraak voor School, Jeugdhulp, JGZ",
        "‘Vaste avondroutine’ mist wie en wanneer",
        "‘Observatie in de klas’ mist wie en wanneer",
        "niemand heeft de casusregie",
        "geen evaluatiedatum",
    ]
    for laid in list(session.arrangement):
        session.update_afspraak(laid.id, T0, wie="Iris", wanneer="2026-12-01")
    for party in ("school", "jeugdhulp", "jgz"):
        new = session.lay_card(T0, card_id="x", title=f"kaart {party}", party=party)
        session.update_afspraak(new.id, T0, wie="Anna", wanneer="2026-12-01")
    session.set_agreements(T0, casusregie="Iris", evaluation_date="2027-03-01")
    assert session.missing() == []
    with pytest.raises(ValueError):
        session.update_afspraak(new.id, T0, wanneer="morgen")


async def test_close_warns_about_what_is_missing_but_allows_it(store, veld, deck):
    session = _with_cards(veld)
    store.save(session)
    app = make_app(store, veld, deck, open_session=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        assert "⚑ 5 open" in str(board.query_one("#cb-check").render())
        await pilot.press("f8")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "geen evaluatiedatum" in dialog.question and "Jeugdhulp" in dialog.question
        await pilot.press("j")
        await pilot.pause()
        assert board.session.status == STATUS_CLOSED
        await pilot.press("f9")
        assert board.session.status != STATUS_CLOSED
        await pilot.press("ctrl+q")


async def test_bad_deck_cards_give_one_notice_at_start(store, veld, deck, tmp_path):
    bad = tmp_path / "swv.md"
    bad.write_text("# SWV\n\n## \n- domein: leren\n- intensiteit: licht\n", "utf-8")
    extra, problems = load_decks([shipped_decks_dir(), tmp_path], veld)
    assert len(problems) == 1
    app = make_app(store, veld, extra, problems=problems)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert len(notices) == 1 and "decks check" in notices[0]
        assert f"{len(deck)} kaarten zijn geladen" in notices[0]


# -- `arrangeren decks check` ------------------------------------------------------------------


def test_decks_check_cli(capsys, tmp_path):
    assert main(["decks", "check"]) == 0
    assert "Geen problemen" in capsys.readouterr().out
    bad = tmp_path / "ouders.md"
    bad.write_text("# Ouders\n\n## Goed\n- domein: leren\n- intensiteit: licht\n\n"
                   "## Fout\n- domein: eten\n- intensiteit: licht\n", "utf-8")
    assert main(["decks", "check", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{bad}:8: onbekend domein 'eten' (kies uit: leren, werkhouding, gedrag, gezondheid)"
    ]
    assert "1 probleem" in err


async def test_closed_session_opens_for_review_and_changes_nothing(store, veld, deck):
    session = _with_cards(veld)
    session.close(T0 + 3600)
    store.save(session)
    before = store.path_for(session.id).read_bytes()
    app = make_app(store, veld, deck, open_session=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        assert board.review and board.writer is None
        assert "AFGESLOTEN" in str(board.query_one("#readonly-banner").render())
        await pilot.press("x", "enter", "pageup", "tab", "ctrl+k", "ctrl+t", "f7")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("ctrl+q")
    assert store.path_for(session.id).read_bytes() == before
    # Editing needs the explicit action: F9 reopens, then typing works and is saved.
    app = make_app(store, veld, deck, open_session=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        board = app.screen
        assert not board.review and board.session.status != STATUS_CLOSED
        await type_text(pilot, "na heropenen")
        await pilot.press("enter", "ctrl+q")
    reopened = store.load(session.id)
    assert reopened.notes[-1].text == "na heropenen" and reopened.status != STATUS_CLOSED


async def test_decks_from_folders_are_read_after_the_first_screen(store, veld, deck, tmp_path):
    bad = tmp_path / "swv.md"
    bad.write_text("# SWV\n\n## \n- domein: leren\n- intensiteit: licht\n", "utf-8")
    app = ArrangerenApp(store=store, veld=veld, now=FakeClock(demo_now()), today=lambda: TODAY,
                        deck_dirs=[shipped_decks_dir(), tmp_path])
    assert app._deck is None  # not parsed before the app starts
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.8)
        await app.workers.wait_for_complete()
        await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert len(notices) == 1 and "decks check" in notices[0]
        assert len(app.deck) == len(deck)


def test_deck_is_read_at_once_when_needed_before_the_background_load(store, veld, deck):
    app = ArrangerenApp(store=store, veld=veld, deck_dirs=[shipped_decks_dir()])
    assert len(app.card_index()) == len(deck)


async def test_afspraak_under_the_cursor_shows_in_full_at_80x24(store, veld, deck):
    """Issue 14.13: the columns clip Wie and Wat to 8-11 characters; the row under the
    cursor is shown whole below the table, so it can be read back to the table."""
    session = _with_cards(veld)
    first, second = session.arrangement
    session.update_afspraak(first.id, T0, wie="Sanne de Jong-Bakker (moeder)",
                            wat="Elke avond om half acht naar bed, zonder scherm in de kamer",
                            wanneer="2026-12-15")
    session.update_afspraak(second.id, T0, wie="Pieter Kok", wat="Twee ochtenden observeren")
    store.save(session)
    app = make_app(store, veld, deck, open_session=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        await pilot.pause()
        detail = str(board.query_one("#afspraken-detail").render())
        assert "Sanne de Jong-Bakker (moeder)" in detail
        assert "Elke avond om half acht naar bed, zonder scherm in de kamer" in detail
        assert "dinsdag 15 december 2026" in detail
        await pilot.press("up", "down")  # into the table, to the second row
        await pilot.pause()
        detail = str(board.query_one("#afspraken-detail").render())
        assert "Pieter Kok" in detail and "Twee ochtenden observeren" in detail
        assert "Wanneer: ?" in detail
        region = board.query_one("#afspraken-detail").region
        assert region.height >= 3 and region.bottom <= 24


async def test_picker_says_other_parties_have_hits_and_keeps_alle_partijen(store, veld, demo,
                                                                          deck):
    """Issue 14.11: with the filter on the selected party, a search with no hit there says
    how many other parties have (^W shows them); "alle partijen" stays for the next ^K."""
    app = make_app(store, veld, deck, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+k")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CardPicker) and picker.filters().party == "ouders"
        await type_text(pilot, "jeugdarts")
        await pilot.pause()
        assert picker.results == []
        preview = str(picker.query_one("#picker-preview").render())
        assert "Geen kaart bij Ouders, wel" in preview and "JGZ" in preview
        assert "^W: alle partijen" in preview
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert picker.filters().party is None
        assert picker.results and picker.results[0].party == "jgz"
        assert picker.query_one("#picker-search", Input).value == "jeugdarts"  # kept
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+k")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, CardPicker) and again is not picker
        assert again.filters().party is None, "alle partijen is remembered"
        await pilot.press("ctrl+w")  # back to the selected party, and remembered too
        await pilot.pause()
        assert again.filters().party == "ouders"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert app.screen.filters().party == "ouders"
        await type_text(pilot, "qqxqq")  # no card anywhere: the old sentence
        await pilot.pause()
        assert "Geen kaart gevonden" in str(app.screen.query_one("#picker-preview").render())
