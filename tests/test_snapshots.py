"""SVG snapshots of the screens at 80x24 and 120x40, on a frozen clock.

Update after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at the pictures in ``tests/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY, FakeClock, demo_now, demo_session

from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.widgets import CaptureInput


def build_app(store: SessionStore, veld, open_session: str | None = None) -> ArrangerenApp:
    return ArrangerenApp(store=store, veld=veld, open_session=open_session,
                         now=FakeClock(demo_now()), today=lambda: TODAY)


async def no_blink(pilot) -> None:
    for widget in pilot.app.screen.query(CaptureInput):
        widget.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_home(snap_compare, snapshot_store, veld, size):
    assert snap_compare(build_app(snapshot_store, veld), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_board(snap_compare, snapshot_store, veld, size):
    app = build_app(snapshot_store, veld, open_session="20261123-demo")
    assert snap_compare(app, terminal_size=size, run_before=no_blink)


def test_overview(snap_compare, snapshot_store, veld):
    app = build_app(snapshot_store, veld, open_session="20261123-demo")
    assert snap_compare(app, terminal_size=(80, 24), press=["ctrl+o"], run_before=no_blink)


def test_new_session_form(snap_compare, snapshot_store, veld):
    assert snap_compare(build_app(snapshot_store, veld), terminal_size=(80, 24), press=["n"])


def _deck(veld):  # type: ignore[no-untyped-def]
    from arrangeren_tui.core.decks.load import load_decks
    from arrangeren_tui.core.paths import shipped_decks_dir

    return load_decks([shipped_decks_dir()], veld)[0]


def test_card_picker(snap_compare, snapshot_store, veld):
    app = ArrangerenApp(store=snapshot_store, veld=veld, open_session="20261123-demo",
                        now=FakeClock(demo_now()), today=lambda: TODAY, deck=_deck(veld))

    async def open_picker(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("ctrl+k")
        await pilot.pause()
        await pilot.press(*"routine")
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_picker)


def test_afspraken_step(snap_compare, tmp_path, monkeypatch, veld):
    from conftest import T0

    monkeypatch.chdir(tmp_path)
    store = SessionStore(Path("store"))
    store.ensure()
    session = demo_session(veld)
    first = session.lay_card(T0, card_id="ouders-avondroutine", title="Vaste avondroutine",
                             party="ouders", step="arrangeren", intensity="licht")
    session.update_afspraak(first.id, T0, wie="Sanne de Jong", wanneer="2026-12-15",
                            status="loopt")
    session.lay_card(T0, card_id="swv-observatie", title="Observatie in de klas",
                     party="swv", step="arrangeren", intensity="middel")
    session.set_agreements(T0, casusregie="Iris Bakker", evaluation_date="2027-03-01")
    session.go_to_step("afspraken", T0)
    store.save(session)
    app = ArrangerenApp(store=store, veld=veld, open_session=session.id,
                        now=FakeClock(demo_now()), today=lambda: TODAY, deck=_deck(veld))
    assert snap_compare(app, terminal_size=(80, 24), run_before=no_blink)


def test_board_with_voorbereiding(snap_compare, snapshot_store, veld):
    """A planned meeting, held: the voorbereiding is at hand in the Puzzel step."""
    from conftest import PLANNED_ID, planned_session

    snapshot_store.save(planned_session(veld))
    app = build_app(snapshot_store, veld, open_session=PLANNED_ID)

    async def to_puzzel(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("pagedown")
        pilot.app.clear_notifications()
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=to_puzzel)


def test_voorbereiding_screen(snap_compare, snapshot_store, veld):
    from conftest import PLANNED_ID, planned_session

    snapshot_store.save(planned_session(veld))
    app = build_app(snapshot_store, veld)

    async def prepare(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()  # the home screen is pushed just after the app's mount
        pilot.app.prepare_session(PLANNED_ID)
        await pilot.pause()
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=prepare)
