"""The meeting clock, always driven by explicit ``now`` values."""

from __future__ import annotations

import json

import pytest

from arrangeren_tui.core.clock import Clock, Phase, format_duration, format_remaining

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
