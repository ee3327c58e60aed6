"""A veld with its own step keys: the board finds the arrange, afspraken and voorbereiding
steps by their `rol`, not by the shipped keys (Pilot at 80x24)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PLANNED_ID, TODAY, FakeClock, planned_session
from textual.widgets import Input, Select

from arrangeren_tui.core.decks.load import load_decks
from arrangeren_tui.core.paths import shipped_decks_dir
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld, parse_veld
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.afspraken import AfsprakenPanel, AfsprakenTable
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.board.widgets import PartyPane, PreparationPanel
from arrangeren_tui.ui.dialogs.picker import CardPicker

# The shipped veld with every step key replaced; its `rol` lines stay.
OWN_KEYS = {
    "opening": "start", "puzzel": "vraag", "beeld": "kind", "behoeften": "behoefte",
    "ondersteuning": "steun", "arrangeren": "aanbod", "afspraken": "plan", "afsluiting": "slot",
}


@pytest.fixture
def own_veld() -> Veld:
    path = shipped_decks_dir() / "veld.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in OWN_KEYS.items():
        assert f'sleutel = "{old}"' in text
        text = text.replace(f'sleutel = "{old}"', f'sleutel = "{new}"')
    veld = parse_veld(text, Path("eigen-veld.toml"))
    assert [s.key for s in veld.steps] == list(OWN_KEYS.values())
    return veld


def make_app(store: SessionStore, veld: Veld) -> ArrangerenApp:
    deck, problems = load_decks([shipped_decks_dir()], veld)
    assert problems == []
    return ArrangerenApp(store=store, veld=veld, open_session=PLANNED_ID,
                         now=FakeClock(), today=lambda: TODAY, deck=deck)


async def test_roles_drive_the_board_with_other_step_keys(store: SessionStore, own_veld: Veld):
    store.save(planned_session(own_veld))
    app = make_app(store, own_veld)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        check = board.query_one("#cb-check")
        assert board.session.current_step == "start"
        # Nothing to show in this step: the panel is not even mounted yet.
        assert not board.query(PreparationPanel) and not check.display
        # vraag plays the puzzel role: the teacher's puzzel and the pupil's view
        await pilot.press("pagedown")
        await pilot.pause()
        panel = board.query_one(PreparationPanel)
        assert board.session.current_step == "vraag"
        shown = str(board.query_one("#prep-text").render())
        assert panel.display and "Sem werkt goed in de ochtend" in shown
        assert "Kind wil: Dat het na de pauze" in shown
        # kind plays the beeld role: the domains and the documents
        await pilot.press("pagedown")
        await pilot.pause()
        shown = str(board.query_one("#prep-text").render())
        assert panel.display and "Leren: korte instructie" in shown
        assert "Mee: groeidocument" in shown
        # behoefte and steun have no role: no voorbereiding, no completeness check yet
        for key in ("behoefte", "steun"):
            await pilot.press("pagedown")
            await pilot.pause()
            assert board.session.current_step == key
            assert not panel.display and not check.display
        # aanbod plays arrangeren: a card is laid there and the check shows from here on
        await pilot.press("pagedown")
        await pilot.pause()
        assert board.session.current_step == "aanbod"
        assert check.display
        await pilot.press("ctrl+k")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CardPicker)
        picker.query_one("#picker-party", Select).value = ""
        picker.query_one("#picker-search", Input).value = "avondroutine"
        await pilot.pause()
        assert picker.results[0].id == "ouders-avondroutine"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is board
        laid = board.session.arrangement[-1]
        assert (laid.card_id, laid.party, laid.step) == ("ouders-avondroutine", "ouders",
                                                         "aanbod")
        pane = board.query_one("#pane-ouders", PartyPane)
        assert "▣" in str(pane.get_option_at_index(0).prompt)
        # plan plays afspraken: the table replaces the party panes
        await pilot.press("pagedown")
        await pilot.pause()
        assert board.session.current_step == "plan"
        afspraken = board.query_one(AfsprakenPanel)
        assert afspraken.display and not board.query_one("#panes").display
        assert board.query_one(AfsprakenTable).row_count == 1
        # slot: the panes are back
        await pilot.press("pagedown")
        await pilot.pause()
        assert board.session.current_step == "slot"
        assert not afspraken.display and board.query_one("#panes").display
        assert check.display
        await pilot.press("ctrl+q")
    saved = store.load(PLANNED_ID)
    assert saved.veld.agree_step == "plan" and saved.veld.prep_steps == ("vraag", "kind")
    assert [c.step for c in saved.arrangement] == ["aanbod"]
