"""SVG snapshots of the screens at 80x24 and 120x40, on a frozen clock.

Update after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at the pictures in ``tests/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY, FakeClock, demo_now, demo_session

from arrangeren_tui.core.store import SessionStore
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.widgets import CaptureInput


@pytest.fixture
def snapshot_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, veld) -> SessionStore:
    # A relative store path keeps the home screen's "Opslag:" line the same on every machine.
    monkeypatch.chdir(tmp_path)
    store = SessionStore(Path("store"))
    store.ensure()
    store.save(demo_session(veld))
    return store


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
