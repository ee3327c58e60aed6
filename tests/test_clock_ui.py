"""The board's clock when the computer's wall clock jumps (issue 13, part 2)."""

from __future__ import annotations

import json

from conftest import TODAY, FakeClock, demo_now

from arrangeren_tui.core.clock import Clock, SteadyTime
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.board.widgets import StepBar

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0
JUMPS = (-10 * MINUTE, HOUR, -DAY)


class FakeSteady:
    """A steady clock the test moves by hand (it never jumps)."""

    def __init__(self) -> None:
        self.value = 5000.0

    def __call__(self) -> float:
        return self.value


def shown(board: BoardScreen) -> tuple[str, str]:
    return (str(board.query_one("#cb-clock").render()).strip(),
            board.query_one(StepBar).step_time)


def test_the_app_reads_steady_time_unless_told_otherwise(store: SessionStore,
                                                          veld: Veld) -> None:
    app = ArrangerenApp(store=store, veld=veld)
    assert isinstance(app._now, SteadyTime)


async def test_wall_clock_jumps_never_reach_the_running_or_paused_clock(
        store: SessionStore, veld: Veld, demo) -> None:
    wall, steady = FakeClock(demo_now()), FakeSteady()  # 27 minutes into the meeting
    app = ArrangerenApp(store=store, veld=veld, open_session=demo.id,
                        now=SteadyTime(wall=wall, steady=steady), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        clock = board.session.clock
        assert shown(board) == ("⏱ 63:00", "03:00")
        # Running: each jump, and half a minute of the meeting going on.
        for jump in JUMPS:
            wall.advance(jump)
            steady.value += 30
            await pilot.pause(1.1)
        assert shown(board) == ("⏱ 61:30", "01:30")
        assert clock.elapsed(app.now()) == 28.5 * MINUTE
        # Paused: the jumps again, and nothing counts.
        await pilot.press("ctrl+t")
        for jump in JUMPS:
            wall.advance(jump)
            steady.value += 30
        await pilot.pause(1.1)
        assert shown(board) == ("⏸ 61:30 gepauzeerd", "01:30")
        await pilot.press("ctrl+t")
        steady.value += 60
        await pilot.pause(1.1)
        assert shown(board) == ("⏱ 60:30", "00:30")
        await pilot.press("ctrl+q")
    record = json.loads(store.path_for(demo.id).read_text("utf-8"))
    stored = Clock.from_record(record["session"]["1"]["clock"])
    spans = [end - start for start, end in stored.intervals if end is not None]
    assert min(spans) >= 0
    assert stored.elapsed(stored.last_seen() or 0) == 29.5 * MINUTE
