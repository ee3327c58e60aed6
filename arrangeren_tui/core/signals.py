"""Which signals end the program on this system, and which of them mean the terminal is gone.

POSIX: SIGHUP (the terminal or the SSH link closed) and SIGTERM (asked to stop).
Windows: SIGBREAK, which is what Python receives when the console window is closed
(CTRL_CLOSE_EVENT) or Ctrl+Break is pressed, and SIGTERM where something raises it.
Each is looked up by name, so a system without it is simply left out.
"""

from __future__ import annotations

import signal

_TERMINAL_GONE_NAMES = ("SIGHUP", "SIGBREAK")
_TERMINATING_NAMES = (*_TERMINAL_GONE_NAMES, "SIGTERM")


def _present(names: tuple[str, ...]) -> tuple[signal.Signals, ...]:
    return tuple(getattr(signal, name) for name in names if hasattr(signal, name))


# Every signal after which the app saves what is pending and leaves.
TERMINATING_SIGNALS: tuple[signal.Signals, ...] = _present(_TERMINATING_NAMES)
# Of those, the ones after which there is no terminal left to restore.
TERMINAL_GONE_SIGNALS: tuple[signal.Signals, ...] = _present(_TERMINAL_GONE_NAMES)
