"""Meeting clock arithmetic, with the time always passed in.

The clock is a list of running intervals. An interval that is still open
keeps counting while the app is closed: after a quit, a crash or a reboot the
clock shows the time the meeting in the room has really taken.

Wall time can jump (an NTP correction, a laptop that wakes with a wrong clock,
a manual change). Two things keep such a jump out of the meeting time:

- within one run the app reads ``SteadyTime``: the wall clock once, at start,
  plus a steady clock, so its time never goes back and never leaps;
- across runs the clock remembers ``seen``, the last moment it was looked at.
  The time between ``seen`` and now (the app was closed, or the computer slept)
  is counted, but a negative gap never and a gap longer than the meeting could
  still have run (the planned time left plus ``GAP_MARGIN``) only up to that limit.
  ``observe`` then cuts the open interval there, so the rest of the run counts
  from now, and hands back a ``ClockGap`` the screen can show.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

GAP_MARGIN = 30 * 60  # uitloop a gap in the clock may still count beyond the planned end
NOTABLE_BACKWARDS = 60.0  # a step back of the wall clock smaller than this is not worth a word


def _steady_clock() -> Callable[[], float]:
    """A clock that never jumps and, where the system has one, keeps counting in sleep.

    Linux's ``CLOCK_BOOTTIME`` counts suspended time too (``time.monotonic`` does not
    there): a laptop closed during the meeting wakes with the meeting time gone on.
    """
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return lambda: time.clock_gettime(boottime)
    return time.monotonic


class SteadyTime:
    """Wall time for one run of the app that never goes back and never leaps.

    The wall clock is read once, when this is made; after that the time moves with a
    steady clock. A wall clock set back or forward during the run changes nothing here
    (timestamps stay on the time line the run began with).
    """

    def __init__(self, wall: Callable[[], float] = time.time,
                 steady: Callable[[], float] | None = None) -> None:
        self._steady = steady or _steady_clock()
        self._wall_at_start = wall()
        self._steady_at_start = self._steady()
        self._last = self._wall_at_start

    def __call__(self) -> float:
        now = self._wall_at_start + (self._steady() - self._steady_at_start)
        self._last = max(self._last, now)  # a steady clock never goes back; make sure
        return self._last


def format_span(seconds: float) -> str:
    """A length of time in words: ``12 min``, ``1 u 05 min``, ``24 u 00 min``."""
    minutes = int(abs(seconds)) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} u {minutes:02d} min" if hours else f"{minutes} min"


@dataclass(frozen=True)
class ClockGap:
    """A gap in the running clock that was not counted as it stood.

    ``seen`` is the last moment the clock was looked at before, ``now`` the moment
    after the gap, ``counted`` the seconds of the gap that count as meeting time.
    """

    seen: float
    now: float
    counted: float

    @property
    def jump(self) -> float:
        return self.now - self.seen

    @property
    def notable(self) -> bool:
        """Worth telling the user: time was left out that the wall clock says passed,
        or the wall clock went back by more than a moment."""
        return self.jump > self.counted or self.jump < -NOTABLE_BACKWARDS

    def describe(self) -> str:
        """One Dutch line for the user."""
        if self.jump < 0:
            return (f"De computerklok staat {format_span(self.jump)} terug; de gesprekstijd "
                    "telt gewoon door, zonder die sprong.")
        return (f"De klok sprong {format_span(self.jump)} vooruit (programma dicht, computer "
                f"in slaap of klok verzet); daarvan telt {format_span(self.counted)} mee, "
                "tot het geplande eind plus een half uur uitloop.")


class Phase(Enum):
    """How much of the planned time is left, for colouring the clock."""

    NOT_STARTED = "niet-gestart"
    CALM = "rustig"
    LAST_15 = "laatste-15"
    LAST_5 = "laatste-5"
    OVERRUN = "uitloop"


@dataclass
class Clock:
    """Planned duration, running intervals ``[start, end or None]`` and when last seen.

    ``seen`` is None in a file from before it existed: the latest time in the
    intervals stands in for it.
    """

    planned_seconds: int
    intervals: list[list[float | None]] = field(default_factory=list)
    seen: float | None = None

    @property
    def started(self) -> bool:
        return bool(self.intervals)

    @property
    def running(self) -> bool:
        return bool(self.intervals) and self.intervals[-1][1] is None

    def last_seen(self) -> float | None:
        """The last moment the clock was looked at (or the latest time in its intervals)."""
        if self.seen is not None:
            return self.seen
        times = [t for interval in self.intervals for t in interval if t is not None]
        return max(times) if times else None

    def _open_interval(self, now: float) -> tuple[float, float, float]:
        """For a running clock: (the open interval's time up to ``seen``, where the gap
        after it starts, the seconds of the gap up to ``now`` that count)."""
        start = self.intervals[-1][0]
        assert start is not None
        anchor = max(start, self.last_seen() or start)
        closed = self._closed_elapsed()
        known = anchor - start
        gap = now - anchor
        limit = max(0.0, self.planned_seconds - closed - known) + GAP_MARGIN
        return known, anchor, min(max(0.0, gap), limit)

    def _closed_elapsed(self) -> float:
        total = 0.0
        for start, end in self.intervals:
            if end is not None:
                assert start is not None
                total += max(0.0, end - start)
        return total

    def observe(self, now: float) -> ClockGap | None:
        """Look at the clock at ``now``; a gap that does not count in full is cut out.

        Returns the gap if the open interval had to be cut (the wall clock went back,
        or further forward than the meeting could have run), else None.
        """
        gap = None
        if self.running:
            _known, anchor, counted = self._open_interval(now)
            if counted != now - anchor:
                self.intervals[-1][1] = anchor + counted
                self.intervals.append([now, None])
                gap = ClockGap(seen=anchor, now=now, counted=counted)
        if self.intervals:
            self.seen = now
        return gap

    def start(self, now: float) -> None:
        """Start or resume; a no-op while running."""
        self.observe(now)
        if not self.running:
            self.intervals.append([now, None])
            self.seen = now

    def pause(self, now: float) -> None:
        self.observe(now)
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
        """Meeting seconds at ``now``: what ``observe(now)`` would leave (nothing changes)."""
        total = self._closed_elapsed()
        if self.running:
            known, _anchor, counted = self._open_interval(now)
            total += known + counted
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
        record: dict[str, Any] = {"planned_seconds": self.planned_seconds,
                                  "intervals": [list(i) for i in self.intervals]}
        if self.seen is not None:
            record["seen"] = self.seen
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Clock:
        intervals = [[float(a), None if b is None else float(b)] for a, b in record["intervals"]]
        seen = record.get("seen")
        return cls(planned_seconds=int(record["planned_seconds"]), intervals=intervals,
                   seen=None if seen is None else float(seen))


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
