"""Issue 14.10: in the new-session form a participant's role picks the party by itself
('moeder' → Ouders, 'IB'er' → School), and the party stays editable."""

from __future__ import annotations

from conftest import TODAY, FakeClock
from textual.widgets import Input, Select

from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.screens.home import NewSessionScreen, ParticipantRow


def make_app(store: SessionStore, veld: Veld, clock: FakeClock) -> ArrangerenApp:
    return ArrangerenApp(store=store, veld=veld, now=clock, today=lambda: TODAY)


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if c == " " else c for c in text])


async def test_role_picks_the_party_and_a_hand_choice_stays(store, veld, clock):
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewSessionScreen)
        form.query_one("#f-leerling", Input).value = "T.d.J."
        row = form.query_one(ParticipantRow)
        row.query_one(".p-name", Input).focus()
        await type_text(pilot, "Sanne de Jong")
        await pilot.press("tab")
        await type_text(pilot, "moeder")  # typed, key by key, as at the table
        await pilot.pause()
        party = row.query_one(".p-party", Select)
        assert party.value == "ouders"
        role = row.query_one(".p-role", Input)
        role.value = "jeugdverpleegkundige"  # a changed role: the guess follows
        await pilot.pause()
        assert party.value == "jgz"
        role.value = "buurvrouw"  # unknown: the guess is taken back
        await pilot.pause()
        assert party.value is Select.NULL
        party.value = "school"  # chosen by hand: the role no longer moves it
        role.value = "IB'er en moeder"
        await pilot.pause()
        assert party.value == "school"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        (participant,) = app.screen.session.meta.participants
        assert (participant.name, participant.role, participant.party) == (
            "Sanne de Jong", "IB'er en moeder", "school")
