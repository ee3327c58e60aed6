"""The board repaints only what changed and nothing while it is covered (issue 17).

Each check counts the repaints Textual is asked for (``refresh``) on the widgets that
must stay untouched; the bytes these save are measured by ``benchmarks/bench_link.py``.
"""

from __future__ import annotations

from collections import Counter

from conftest import TODAY, FakeClock, demo_now

from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.overview import OverviewScreen
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.board.widgets import CaptureInput, ClockBar, PartyPane, StepBar
from arrangeren_tui.ui.widgets.typing import TextInput


def make_app(store: SessionStore, veld: Veld, clock: FakeClock, demo) -> ArrangerenApp:  # type: ignore[no-untyped-def]
    return ArrangerenApp(store=store, veld=veld, open_session=demo.id, now=clock,
                         today=lambda: TODAY)


def count_refreshes(widgets, counts: Counter) -> None:  # type: ignore[no-untyped-def]
    """Count each widget's ``refresh`` calls in ``counts`` (by id), then do them."""
    for widget in widgets:
        original = widget.refresh

        def counted(*args, _original=original, _id=widget.id, **kwargs):  # type: ignore[no-untyped-def]
            counts[_id] += 1
            return _original(*args, **kwargs)

        widget.refresh = counted


def clock_label_text(board: BoardScreen) -> str:
    return str(board.query_one("#cb-clock").render()).strip()


async def test_the_clock_is_not_drawn_under_a_covering_screen_and_is_at_once_after(
        store, veld, demo) -> None:
    clock = FakeClock(demo_now())
    app = make_app(store, veld, clock, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        counts: Counter[str] = Counter()
        count_refreshes([board.query_one("#cb-clock"), board.query_one("#step-time")], counts)
        shown = clock_label_text(board)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        clock.advance(65)
        await pilot.pause(2.3)  # two ticks of the board's clock
        assert counts == Counter(), counts  # nothing drawn under the overview
        assert clock_label_text(board) == shown
        assert board.session.clock.elapsed(clock()) >= 65  # the meeting's time ran on
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is board
        assert clock_label_text(board) != shown  # the time now, without waiting a tick
        assert counts["cb-clock"] >= 1


async def test_a_tick_repaints_the_clock_and_the_step_time_only(store, veld, demo) -> None:
    clock = FakeClock(demo_now())
    app = make_app(store, veld, clock, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        counts: Counter[str] = Counter()
        count_refreshes([board.query_one(ClockBar), board.query_one(StepBar),
                         *board.query(PartyPane), board.query_one("#cb-title"),
                         board.query_one("#cb-clock"), board.query_one("#step-time")], counts)
        before = board.query_one(StepBar).step_time
        clock.advance(1)
        await pilot.pause(1.2)
        assert board.query_one(StepBar).step_time != before
        assert counts["cb-clock"] >= 1 and counts["step-time"] >= 1
        untouched = {key: n for key, n in counts.items() if key not in ("cb-clock", "step-time")}
        assert untouched == {}, untouched  # the bars and the panes were not repainted


async def test_tab_repaints_only_the_two_panes_whose_selection_changed(store, veld, demo) -> None:
    app = make_app(store, veld, FakeClock(demo_now()), demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        before = board.session.selected_party
        counts: Counter[str] = Counter()
        panes = list(board.query(PartyPane))
        count_refreshes(panes, counts)
        titles = {pane.id: pane.border_title for pane in panes}
        await pilot.press("tab")
        await pilot.pause()
        after = board.session.selected_party
        assert after != before
        assert {pane.id: pane.border_title for pane in panes} == titles
        assert set(counts) <= {f"pane-{before}", f"pane-{after}"}, counts


def test_fields_have_a_steady_cursor() -> None:
    # A blinking cursor repaints its line twice a second, also while nobody types.
    assert not CaptureInput().cursor_blink
    assert not TextInput().cursor_blink
