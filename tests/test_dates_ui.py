"""Dates said as at the table ('morgen', 'over 8 weken', '14-1') in every form that asks
for one, with the resolved date shown beside the field before it is saved (issue 14.14).

TODAY is Monday 2026-11-23."""

from __future__ import annotations

from conftest import PLANNED_ID, TODAY, FakeClock, demo_now, demo_session, planned_session
from textual.widgets import Input

from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.dialogs.consent import ConsentDialog
from arrangeren_tui.ui.dialogs.picker import AfspraakDialog, RegieDialog
from arrangeren_tui.ui.screens.home import NewSessionScreen
from arrangeren_tui.ui.screens.preparation import PreparationScreen
from arrangeren_tui.ui.widgets.datehint import DateHint


def make_app(store: SessionStore, veld: Veld, clock: FakeClock, **kwargs) -> ArrangerenApp:
    return ArrangerenApp(store=store, veld=veld, now=clock, today=lambda: TODAY, **kwargs)


def hint(screen, hint_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(f"#{hint_id}", DateHint).render())


async def test_new_session_takes_a_spoken_date_and_shows_it(store, veld, clock):
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewSessionScreen)
        assert hint(form, "f-datum-hint") == "= maandag 23 november 2026"
        form.query_one("#f-leerling", Input).value = "T.d.J."
        form.query_one("#f-datum", Input).value = "volgende week dinsdag"
        await pilot.pause()
        assert hint(form, "f-datum-hint") == "= dinsdag 1 december 2026"
        form.query_one("#f-datum", Input).value = "31-2"
        await pilot.pause()
        assert hint(form, "f-datum-hint").startswith("? geen datum")
        form.query_one("#f-datum", Input).value = "morgen"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.session.meta.date == "2026-11-24"


async def test_preparation_takes_a_spoken_date(store, veld, clock):
    store.save(planned_session(veld))
    app = make_app(store, veld, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.prepare_session(PLANNED_ID)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PreparationScreen)
        screen.query_one("#p-date", Input).value = "14-1"
        await pilot.pause()
        assert hint(screen, "p-date-hint") == "= donderdag 14 januari 2027"
        await pilot.press("escape")
        await pilot.pause()
    assert store.load(PLANNED_ID).meta.date == "2027-01-14"


async def test_board_dialogs_take_spoken_dates(store, veld):
    session = demo_session(veld)
    session.lay_card(demo_now(), card_id="ouders-avondroutine", title="Vaste avondroutine",
                     party="ouders", step="arrangeren", intensity="licht")
    session.go_to_step("afspraken", demo_now())
    store.save(session)
    app = make_app(store, veld, FakeClock(demo_now()), open_session=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        await pilot.press("up", "enter")  # the afspraak in the table
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AfspraakDialog)
        dialog.query_one("#afspraak-wanneer", Input).value = "over 8 weken"
        await pilot.pause()
        assert hint(dialog, "afspraak-wanneer-hint") == "= maandag 18 januari 2027"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert board.session.arrangement[0].wanneer == "2027-01-18"
        await pilot.press("c")
        await pilot.pause()
        regie = app.screen
        assert isinstance(regie, RegieDialog)
        regie.query_one("#regie-datum", Input).value = "14 januari"
        await pilot.pause()
        assert hint(regie, "regie-datum-hint") == "= donderdag 14 januari 2027"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert board.session.evaluation_date == "2027-01-14"
        await pilot.press("f7")
        await pilot.pause()
        consent = app.screen
        assert isinstance(consent, ConsentDialog)
        assert hint(consent, "consent-date-hint") == "= maandag 23 november 2026"
        consent.query_one("#consent-party").value = "jgz"
        consent.query_one("#consent-date", Input).value = "gisteren"
        await pilot.pause()
        assert hint(consent, "consent-date-hint") == "= zondag 22 november 2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert board.session.consent_for("jgz").date == "2026-11-22"
