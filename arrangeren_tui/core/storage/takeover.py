"""Taking over a session from a stuck or forgotten instance of this program.

A window that hangs (a dropped SSH link, a frozen terminal) or was simply left
open keeps the session's lock, and every other window can then only read. When
the holder is a process of the same user on this computer, it may be ended: it
is asked to stop first (SIGTERM: the program saves what it holds and releases the
lock), and only if it does not within a few seconds is it killed. The session
file on disk is what counts afterwards; it is never written from here.

Only the caller decides (the user is asked first); nothing here runs on its own.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from arrangeren_tui.core.storage.lock import LockHolder, SessionLock, is_locked

ASK_SECONDS = 5.0  # how long the holder gets to save and stop after it is asked
KILL_SECONDS = 3.0  # how long the system gets to drop the lock after a kill
POLL_SECONDS = 0.05
PROGRAM_MARK = "arrangeren"  # in the holder's command line, where the system shows it


@dataclass(frozen=True)
class Takeover:
    """What ending the holder came to."""

    taken: bool  # the lock is free now
    how: str  # Dutch, for a notice or the CLI


def _same_user(pid: int) -> bool | None:
    """True/False where the system says whose process it is; None where it cannot tell."""
    proc = Path("/proc") / str(pid)
    if proc.is_dir():
        try:
            return proc.stat().st_uid == os.getuid()
        except (OSError, AttributeError):
            return None
    return None


def _looks_like_us(pid: int) -> bool:
    """False only when the system shows the process and it is not this program.

    Guards against a process id that was reused by something else after a crash.
    """
    cmdline = Path("/proc") / str(pid) / "cmdline"
    try:
        text = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return True  # no /proc (macOS, Windows): the lock being held is the evidence
    return PROGRAM_MARK in text


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, but belongs to someone else
    except OSError:
        return False
    return True


def why_not(holder: LockHolder) -> str:
    """Why this holder may not be ended from here ("" if it may), in Dutch."""
    if not holder.pid:
        return "onbekend welk programma het gesprek open heeft"
    if holder.host and holder.host != socket.gethostname():
        return f"het is open op een andere computer ({holder.host})"
    if holder.pid == os.getpid():
        return "het is in dit venster al open"
    if not _alive(holder.pid):
        return ""  # gone already: the lock frees itself
    if _same_user(holder.pid) is False:
        return "het is open bij een andere gebruiker"
    if not _looks_like_us(holder.pid):
        return f"proces {holder.pid} is niet dit programma"
    try:
        os.kill(holder.pid, 0)
    except PermissionError:
        return "het is open bij een andere gebruiker"
    except OSError:
        pass
    return ""


def _wait_free(path: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not is_locked(path):
            return True
        time.sleep(POLL_SECONDS)
    return not is_locked(path)


def take_over(lock: SessionLock, *, ask_seconds: float = ASK_SECONDS,
              kill_seconds: float = KILL_SECONDS) -> Takeover:
    """End the process that holds ``lock`` (asked first, killed if it must) and wait for the
    lock to come free. The caller then takes the lock and reads the session anew."""
    holder = lock.holder()
    reason = why_not(holder)
    if reason:
        return Takeover(False, f"niet overgenomen: {reason}")
    assert holder.pid is not None  # why_not checked it
    if _wait_free(lock.path, 0):
        return Takeover(True, "het andere venster was al gesloten")
    terminate = getattr(signal, "SIGTERM", None)
    try:
        os.kill(holder.pid, terminate if terminate is not None else 15)
    except ProcessLookupError:
        pass
    except OSError as error:
        return Takeover(False, f"niet overgenomen: proces {holder.pid} reageert niet "
                               f"op stoppen ({error.strerror})")
    if _wait_free(lock.path, ask_seconds):
        return Takeover(True, f"proces {holder.pid} heeft opgeslagen en is gestopt")
    kill = getattr(signal, "SIGKILL", None)
    if kill is None or sys.platform == "win32":  # SIGTERM already ends a process on Windows
        return Takeover(False, f"niet overgenomen: proces {holder.pid} stopt niet")
    try:
        os.kill(holder.pid, kill)
    except ProcessLookupError:
        pass
    except OSError as error:
        return Takeover(False, f"niet overgenomen: proces {holder.pid} kan niet gestopt "
                               f"worden ({error.strerror})")
    if _wait_free(lock.path, kill_seconds):
        return Takeover(True, f"proces {holder.pid} reageerde niet en is beëindigd; wat het "
                              "nog niet had opgeslagen, is verloren")
    return Takeover(False, f"niet overgenomen: het slot van proces {holder.pid} blijft bezet")
