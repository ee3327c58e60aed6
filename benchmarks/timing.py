"""Timing actions against each other in one run, shared by ``run.py`` and the groups."""

from __future__ import annotations

import time
from collections.abc import Callable


def alternate_timings(actions: dict[str, Callable[[], object]], repeat: int,
                      ) -> dict[str, list[float]]:
    """Time each action ``repeat`` times, in turn (A B A B ...), with perf_counter."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - start)
    return times
