"""Issue 14: the first ten minutes of a new facilitator, through Pilot.

The form for a new session, the overview, closing a session and the card picker,
each driven by keys as a person at 80x24 presses them.
"""

from __future__ import annotations

import pytest
from conftest import TODAY, FakeClock, demo_now

from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.exitcodes import EXIT_CRASH
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.screens.home import NewSessionScreen


def make_app(store: SessionStore, veld: Veld, clock: FakeClock,
             open_session: str | None = None) -> ArrangerenApp:
    return ArrangerenApp(store=store, veld=veld, open_session=open_session, now=clock,
                         today=lambda: TODAY)


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if c == " " else c for c in text])


async def tab_to(pilot, widget_id: str, limit: int = 40) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the widget with this id has focus, as a person would."""
    for _ in range(limit):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}")


# -- 1: the "+ Deelnemer" button --------------------------------------------------------


async def test_enter_on_add_participant_button_adds_a_row_and_focuses_its_name(
        store, veld, clock):
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewSessionScreen)
        await type_text(pilot, "Noor Verbeek")
        await tab_to(pilot, "add-participant")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        names = list(form.query(".p-name"))
        assert len(names) == 2
        assert app.focused is names[1]
        await type_text(pilot, "Anna Smit")
        assert names[1].value == "Anna Smit"
        assert form.query_one("#f-leerling").value == "Noor Verbeek"
    assert app.return_code in (None, 0)


async def test_crash_message_claims_no_save_when_nothing_was_saved(store, veld, clock,
                                                                   monkeypatch, capsys):
    """A crash in the form: nothing was open to save, and the form's text is lost."""

    def explode(self) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("kapot")

    monkeypatch.setattr(NewSessionScreen, "action_add_participant", explode)
    app = make_app(store, veld, clock)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("n")
            await pilot.pause()
            await type_text(pilot, "Noor Verbeek")
            await pilot.press("ctrl+n")
            await pilot.pause()
    assert app.return_code == EXIT_CRASH
    shown = " ".join(capsys.readouterr().err.split())  # the crash screen, on stderr
    assert "is opgeslagen" not in shown
    assert "niet bewaard" in shown


async def test_crash_message_on_the_board_says_the_session_was_saved(store, veld, clock, demo,
                                                                     monkeypatch, capsys):
    def explode(self) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("kapot")

    monkeypatch.setattr(BoardScreen, "action_overview", explode)
    clock.value = demo_now()
    app = make_app(store, veld, clock, open_session=demo.id)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("ctrl+o")
            await pilot.pause()
    shown = " ".join(capsys.readouterr().err.split())  # the crash screen, on stderr
    assert "Het gesprek dat open stond, is opgeslagen." in shown
    assert "niet bewaard" not in shown


# -- 2: participant rows come into view, the form grows with the window ---------------------


def in_view(form, widget) -> bool:  # type: ignore[no-untyped-def]
    """True if the widget lies wholly inside the visible part of the scrolling form."""
    scroll = form.query_one("#new-form")
    return scroll.content_region.contains_region(widget.region)


@pytest.mark.parametrize("size", [(80, 24), (80, 40)])
async def test_every_added_participant_row_is_in_view(store, veld, clock, size):
    app = make_app(store, veld, clock)
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        await type_text(pilot, "Noor Verbeek")
        for number in range(2, 8):
            await pilot.press("ctrl+n")
            await pilot.pause()
            name = app.focused
            assert name is list(form.query(".p-name"))[-1]
            assert in_view(form, name), f"row {number} is out of sight"
            assert in_view(form, form.query_one("#add-participant"))
            await type_text(pilot, f"Deelnemer {number}")
        # The buttons and the keys stay on screen below the form.
        assert form.query_one("#new-save").region.bottom <= size[1]


async def test_form_uses_the_height_of_a_tall_window(store, veld, clock):
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        for _ in range(6):
            await pilot.press("ctrl+n")
            await pilot.pause()
        scroll = app.screen.query_one("#new-form")
        assert scroll.size.height > 18
        dialog = app.screen.query_one("#new-dialog")
        assert dialog.region.bottom <= 40


# -- 3: the overview shows laid cards ---------------------------------------------------------


async def test_overview_shows_laid_cards(store, veld, clock, demo):
    arrange = veld.arrange_step
    assert arrange is not None
    demo.go_to_step(arrange, demo_now())
    demo.select_party("swv")
    demo.lay_card(demo_now(), card_id="swv-observatie", title="Observatie in de klas",
                  party="swv", intensity="licht")
    store.save(demo)
    clock.value = demo_now()
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        overview = app.screen
        detail = str(overview.query_one("#overview-detail").render())
        assert "SWV · Arrangeren" in detail
        assert "Observatie in de klas" in detail
        assert "nog niets" not in detail
        table = overview.query_one("#overview")
        cell = table.get_cell(arrange, "swv")
        assert "Observatie in de klas"[:8] in str(cell)
        title = str(overview.query_one("#overview-title").render())
        assert "1 kaart" in title


# -- 4: right after F8 the board shows that the session is closed -----------------------------


async def test_f8_shows_the_closed_state_at_once_and_f9_lifts_it(store, veld, clock, demo):
    from arrangeren_tui.core.model import STATUS_CLOSED
    from arrangeren_tui.ui.board.widgets import CaptureInput

    clock.value = demo_now()
    app = make_app(store, veld, clock, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        writer = board.writer
        notes = len(board.session.notes)
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert board.session.status == STATUS_CLOSED
        banner = board.query_one("#readonly-banner")
        assert banner.display and "AFGESLOTEN" in str(banner.render())
        capture = board.query_one(CaptureInput)
        assert capture.disabled and "F9" in capture.placeholder
        assert store.load(demo.id).status == STATUS_CLOSED  # the close itself is saved
        await type_text(pilot, "nog iets")
        await pilot.press("enter")
        await pilot.pause()
        assert len(board.session.notes) == notes
        # F9 reopens on the same writer thread; typing works again.
        await pilot.press("f9")
        await pilot.pause()
        assert not banner.display and not capture.disabled
        assert board.writer is writer
        assert board.session.status != STATUS_CLOSED
        capture.value = ""
        await type_text(pilot, "na heropenen")
        await pilot.press("enter")
        await pilot.pause()
        assert board.session.notes[-1].text == "na heropenen"
        await pilot.press("ctrl+q")
    assert store.load(demo.id).notes[-1].text == "na heropenen"


# -- 5: Enter on a filter of the card picker lays the card --------------------------------------


@pytest.mark.parametrize("filter_id", ["picker-party", "picker-intensity"])
async def test_enter_on_a_picker_filter_lays_the_card(store, veld, clock, demo, filter_id):
    from arrangeren_tui.core.decks.load import load_decks
    from arrangeren_tui.core.paths import shipped_decks_dir
    from arrangeren_tui.ui.dialogs.picker import CardPicker

    deck, _problems = load_decks([shipped_decks_dir()], veld)
    clock.value = demo_now()
    app = ArrangerenApp(store=store, veld=veld, open_session=demo.id, now=clock,
                        today=lambda: TODAY, deck=deck)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        await pilot.press("ctrl+k")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CardPicker)
        await tab_to(pilot, filter_id)
        card = picker.highlighted_card()
        assert card is not None
        party = picker.target_party(card)
        help_line = str(picker.query_one("#picker-help").render())
        assert f"Enter: leggen bij {veld.party(party).label}" in help_line
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is board
        laid = board.session.arrangement[-1]
        assert (laid.title, laid.party) == (card.title, party)


async def test_the_filter_list_still_opens_with_space_and_chooses_with_enter(store, veld, clock,
                                                                            demo):
    from arrangeren_tui.core.decks.load import load_decks
    from arrangeren_tui.core.paths import shipped_decks_dir
    from arrangeren_tui.ui.dialogs.picker import CardPicker

    deck, _problems = load_decks([shipped_decks_dir()], veld)
    clock.value = demo_now()
    app = ArrangerenApp(store=store, veld=veld, open_session=demo.id, now=clock,
                        today=lambda: TODAY, deck=deck)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+k")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CardPicker)
        await tab_to(pilot, "picker-party")
        party = picker.query_one("#picker-party")
        await pilot.press("space")
        await pilot.pause()
        assert party.expanded
        await pilot.press("down", "enter")  # the next party in the list
        await pilot.pause()
        assert app.screen is picker and not party.expanded
        assert party.value == "school"  # from Ouders, the party the board had chosen
        assert app.focused is party
