"""The meeting clock, always driven by explicit ``now`` values."""

from __future__ import annotations

import json
import time

import pytest

from arrangeren_tui.core.clock import (
    Clock,
    Phase,
    SteadyTime,
    format_duration,
    format_remaining,
    format_span,
)

T0 = 1_800_000_000.0  # a fixed wall time
PLANNED = 90 * 60


def test_not_started() -> None:
    clock = Clock(planned_seconds=PLANNED)
    assert not clock.started
    assert not clock.running
    assert clock.elapsed(T0 + 1000) == 0
    assert clock.remaining(T0 + 1000) == PLANNED
    assert clock.phase(T0 + 1000) is Phase.NOT_STARTED


def test_start_counts_from_now() -> None:
    clock = Clock(planned_seconds=PLANNED)
    clock.start(T0)
    assert clock.started and clock.running
    assert clock.elapsed(T0) == 0
    assert clock.elapsed(T0 + 61.5) == 61.5
    assert clock.remaining(T0 + 600) == PLANNED - 600


def test_start_while_running_is_a_no_op() -> None:
    clock = Clock(planned_seconds=PLANNED)
    clock.start(T0)
    clock.start(T0 + 100)
    assert clock.intervals == [[T0, None]]
    assert clock.elapsed(T0 + 200) == 200


def test_pause_freezes_and_resume_continues() -> None:
    clock = Clock(planned_seconds=PLANNED)
    clock.start(T0)
    clock.pause(T0 + 300)
    assert clock.started and not clock.running
    assert clock.elapsed(T0 + 300) == 300
    assert clock.elapsed(T0 + 5000) == 300  # paused: time in between does not count
    clock.start(T0 + 1000)
    assert clock.running
    assert clock.elapsed(T0 + 1060) == 360
    assert clock.remaining(T0 + 1060) == PLANNED - 360
    assert clock.intervals == [[T0, T0 + 300], [T0 + 1000, None]]


def test_pause_when_not_running_changes_nothing() -> None:
    clock = Clock(planned_seconds=PLANNED)
    clock.pause(T0)
    assert clock.intervals == []
    clock.start(T0)
    clock.pause(T0 + 10)
    clock.pause(T0 + 50)
    assert clock.intervals == [[T0, T0 + 10]]


def test_pause_before_start_never_gives_negative_time() -> None:
    clock = Clock(planned_seconds=PLANNED)
    clock.start(T0)
    clock.pause(T0 - 30)  # wall clock stepped back
    assert clock.elapsed(T0 + 100) == 0


def test_toggle() -> None:
    clock = Clock(planned_seconds=PLANNED)
    assert clock.toggle(T0) is True
    assert clock.toggle(T0 + 20) is False
    assert clock.toggle(T0 + 40) is True
    assert clock.elapsed(T0 + 50) == 30


@pytest.mark.parametrize(
    ("elapsed", "phase"),
    [
        (0, Phase.CALM),
        (PLANNED - 15 * 60 - 1, Phase.CALM),
        (PLANNED - 15 * 60, Phase.LAST_15),  # exactly 15:00 left
        (PLANNED - 5 * 60 - 1, Phase.LAST_15),
        (PLANNED - 5 * 60, Phase.LAST_5),  # exactly 5:00 left
        (PLANNED - 1, Phase.LAST_5),
        (PLANNED, Phase.LAST_5),  # 00:00 left is not yet overrun
        (PLANNED + 0.5, Phase.OVERRUN),
        (PLANNED + 3600, Phase.OVERRUN),
    ],
)
def test_phase_thresholds(elapsed: float, phase: Phase) -> None:
    clock = Clock(planned_seconds=PLANNED)
    clock.start(T0)
    assert clock.phase(T0 + elapsed) is phase


def test_phase_uses_running_time_not_wall_time() -> None:
    clock = Clock(planned_seconds=PLANNED)
    clock.start(T0)
    clock.pause(T0 + 60)
    # Two hours later on the wall, but only one minute of meeting.
    assert clock.phase(T0 + 7200) is Phase.CALM


def test_open_interval_keeps_counting_across_a_restart() -> None:
    clock = Clock(planned_seconds=PLANNED)
    clock.start(T0)
    clock.pause(T0 + 600)
    clock.start(T0 + 700)
    record = json.loads(json.dumps(clock.to_record()))  # as it would sit on disk
    # The app was closed; it opens again 20 minutes later.
    again = Clock.from_record(record)
    assert again == clock
    assert again.running
    assert again.elapsed(T0 + 700 + 1200) == 600 + 1200
    assert again.remaining(T0 + 1900) == PLANNED - 1800


def test_closed_intervals_survive_a_restart_unchanged() -> None:
    clock = Clock(planned_seconds=45 * 60)
    clock.start(T0)
    clock.pause(T0 + 120)
    again = Clock.from_record(json.loads(json.dumps(clock.to_record())))
    assert again.planned_seconds == 45 * 60
    assert not again.running
    assert again.elapsed(T0 + 99999) == 120


def test_format_remaining() -> None:
    assert format_remaining(90 * 60) == "90:00"
    assert format_remaining(65) == "01:05"
    assert format_remaining(-65) == "+01:05"
    assert format_remaining(-3600) == "+60:00"


def test_format_remaining_rounds_up_and_hits_zero_exactly() -> None:
    assert format_remaining(59.01) == "01:00"
    assert format_remaining(0.2) == "00:01"
    assert format_remaining(0.0) == "00:00"
    assert format_remaining(PLANNED - 0.3) == "90:00"


def test_format_remaining_from_a_running_clock() -> None:
    clock = Clock(planned_seconds=PLANNED)
    clock.start(T0)
    assert format_remaining(clock.remaining(T0)) == "90:00"
    assert format_remaining(clock.remaining(T0 + 0.5)) == "90:00"
    assert format_remaining(clock.remaining(T0 + 1)) == "89:59"
    assert format_remaining(clock.remaining(T0 + PLANNED)) == "00:00"
    assert format_remaining(clock.remaining(T0 + PLANNED + 65)) == "+01:05"


def test_format_duration() -> None:
    assert format_duration(0) == "00:00"
    assert format_duration(59.9) == "00:59"  # floored
    assert format_duration(60) == "01:00"
    assert format_duration(90 * 60) == "90:00"
    assert format_duration(125 * 60 + 7) == "125:07"
    assert format_duration(-10) == "00:00"


# -- wall clock jumps (issue 13, part 2) ------------------------------------------------

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0


def reopened(clock: Clock) -> Clock:
    """The clock as the next run of the app reads it from disk."""
    return Clock.from_record(json.loads(json.dumps(clock.to_record())))


def running_for(seconds: float) -> Clock:
    """A clock that ran ``seconds`` from T0 and was last looked at then."""
    clock = Clock(planned_seconds=PLANNED)
    clock.start(T0)
    clock.observe(T0 + seconds)
    return clock


def test_a_wall_clock_set_back_never_reduces_elapsed_time() -> None:
    clock = running_for(20 * MINUTE)
    shown = [clock.elapsed(T0 + 20 * MINUTE)]
    # The wall clock goes back 10 minutes and then runs on, seen every 30 seconds.
    for step in range(1, 30):
        now = T0 + 10 * MINUTE + step * 30
        shown.append(clock.elapsed(now))
        clock.observe(now)
    assert shown == sorted(shown)
    assert shown[-1] == 20 * MINUTE + 28 * 30  # counted from the first look after the jump


@pytest.mark.parametrize("jump", [-10 * MINUTE, -DAY])
def test_a_restart_after_the_wall_clock_went_back_keeps_the_time_counted(jump: float) -> None:
    clock = reopened(running_for(20 * MINUTE))
    now = T0 + 20 * MINUTE + jump
    assert clock.elapsed(now) == 20 * MINUTE
    gap = clock.observe(now)
    assert gap is not None and gap.notable and gap.counted == 0
    assert "terug" in gap.describe()
    assert clock.elapsed(now + 90) == 20 * MINUTE + 90  # and it counts on from here
    assert clock.running


def test_a_restart_counts_the_time_the_app_was_closed() -> None:
    clock = reopened(running_for(20 * MINUTE))
    now = T0 + 20 * MINUTE + HOUR  # closed for an hour: the meeting went on
    assert clock.observe(now) is None
    assert clock.elapsed(now) == 80 * MINUTE


def test_a_gap_longer_than_the_meeting_could_run_is_capped_and_said() -> None:
    clock = reopened(running_for(20 * MINUTE))
    now = T0 + 20 * MINUTE + DAY
    limit = PLANNED - 20 * MINUTE + 30 * MINUTE  # the planned time left plus the margin
    assert clock.elapsed(now) == 20 * MINUTE + limit
    gap = clock.observe(now)
    assert gap is not None and gap.notable
    assert gap.counted == limit
    assert gap.describe() == (
        "De klok sprong 24 u 00 min vooruit (programma dicht, computer in slaap of klok "
        "verzet); daarvan telt 1 u 40 min mee, tot het geplande eind plus een half uur uitloop.")
    # From here on the clock counts from now, not from before the gap.
    assert clock.elapsed(now + 60) == 20 * MINUTE + limit + 60
    assert reopened(clock).elapsed(now + 60) == 20 * MINUTE + limit + 60


@pytest.mark.parametrize("jump", [-10 * MINUTE, HOUR, -DAY, DAY])
def test_a_paused_clock_ignores_any_jump(jump: float) -> None:
    clock = running_for(20 * MINUTE)
    clock.pause(T0 + 20 * MINUTE)
    again = reopened(clock)
    now = T0 + 20 * MINUTE + jump
    assert again.observe(now) is None
    assert again.elapsed(now) == 20 * MINUTE
    again.start(now)
    assert again.elapsed(now + 60) == 20 * MINUTE + 60


@pytest.mark.parametrize(("jump", "stored"), [(-10 * MINUTE, 20 * MINUTE),
                                              (-DAY, 20 * MINUTE),
                                              (DAY, PLANNED + 30 * MINUTE)])
def test_a_pause_during_a_jump_stores_no_negative_or_inflated_time(
        jump: float, stored: float) -> None:
    clock = running_for(20 * MINUTE)
    clock.pause(T0 + 20 * MINUTE + jump)
    assert not clock.running
    durations = [end - start for start, end in clock.intervals
                 if start is not None and end is not None]
    assert min(durations) >= 0
    assert reopened(clock).elapsed(T0 + 2 * DAY) == stored


def test_a_file_from_before_seen_counts_from_its_latest_time() -> None:
    record = {"planned_seconds": PLANNED, "intervals": [[T0, T0 + 600], [T0 + 700, None]]}
    clock = Clock.from_record(record)
    assert clock.seen is None and clock.last_seen() == T0 + 700
    assert clock.elapsed(T0 + 1900) == 1800
    assert clock.to_record() == record  # written back as it was until it is looked at


class FakeSteady:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


def test_steady_time_follows_the_steady_clock_not_the_wall() -> None:
    wall = [T0]
    steady = FakeSteady()
    now = SteadyTime(wall=lambda: wall[0], steady=steady)
    assert now() == T0
    for jump in (-10 * MINUTE, HOUR, -DAY):
        wall[0] += jump
        steady.value += 30
    assert now() == T0 + 90


def test_steady_time_never_goes_back() -> None:
    steady = FakeSteady()
    now = SteadyTime(wall=lambda: T0, steady=steady)
    steady.value += 5
    assert now() == T0 + 5
    steady.value -= 3  # a broken steady clock
    assert now() == T0 + 5


def test_steady_time_uses_a_clock_that_counts_sleep_where_there_is_one() -> None:
    now = SteadyTime()
    first = now()
    assert abs(first - time.time()) < 5
    assert now() >= first


def test_format_span() -> None:
    assert format_span(59) == "0 min"
    assert format_span(12 * 60 + 5) == "12 min"
    assert format_span(-(65 * 60)) == "1 u 05 min"
    assert format_span(DAY) == "24 u 00 min"
