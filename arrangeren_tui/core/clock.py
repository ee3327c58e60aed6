"""Meeting clock arithmetic on wall time, with the time always passed in.

The clock is a list of running intervals. An interval that is still open
keeps counting while the app is closed: after a quit, a crash or a reboot the
clock shows the time the meeting in the room has really taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Phase(Enum):
    """How much of the planned time is left, for colouring the clock."""

    NOT_STARTED = "niet-gestart"
    CALM = "rustig"
    LAST_15 = "laatste-15"
    LAST_5 = "laatste-5"
    OVERRUN = "uitloop"


@dataclass
class Clock:
    """Planned duration plus running intervals ``[start, end or None]``."""

    planned_seconds: int
    intervals: list[list[float | None]] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return bool(self.intervals)

    @property
    def running(self) -> bool:
        return bool(self.intervals) and self.intervals[-1][1] is None

    def start(self, now: float) -> None:
        """Start or resume; a no-op while running."""
        if not self.running:
            self.intervals.append([now, None])

    def pause(self, now: float) -> None:
        if self.running:
            self.intervals[-1][1] = max(now, float(self.intervals[-1][0] or now))

    def toggle(self, now: float) -> bool:
        """Start, pause or resume; returns whether the clock now runs."""
        if self.running:
            self.pause(now)
        else:
            self.start(now)
        return self.running

    def elapsed(self, now: float) -> float:
        total = 0.0
        for start, end in self.intervals:
            assert start is not None
            stop = now if end is None else end
            total += max(0.0, stop - start)
        return total

    def remaining(self, now: float) -> float:
        """Seconds left of the planned time; negative when overrun."""
        return self.planned_seconds - self.elapsed(now)

    def phase(self, now: float) -> Phase:
        if not self.started:
            return Phase.NOT_STARTED
        left = self.remaining(now)
        if left < 0:
            return Phase.OVERRUN
        if left <= 5 * 60:
            return Phase.LAST_5
        if left <= 15 * 60:
            return Phase.LAST_15
        return Phase.CALM

    def to_record(self) -> dict[str, Any]:
        return {"planned_seconds": self.planned_seconds,
                "intervals": [list(i) for i in self.intervals]}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Clock:
        intervals = [[float(a), None if b is None else float(b)] for a, b in record["intervals"]]
        return cls(planned_seconds=int(record["planned_seconds"]), intervals=intervals)


def format_duration(seconds: float) -> str:
    """``mm:ss`` for a non-negative span, floored to the second (``90:00`` for a meeting)."""
    minutes, secs = divmod(int(max(0.0, seconds)), 60)
    return f"{minutes:02d}:{secs:02d}"


def format_remaining(seconds: float) -> str:
    """Time left as ``mm:ss``, or an overrun as ``+mm:ss``."""
    if seconds < 0:
        return "+" + format_duration(-seconds)
    # Round up, so the display reaches 00:00 exactly when time is up.
    return format_duration(float(int(seconds) + (1 if seconds % 1 else 0)))
