"""One process per session: an advisory ``flock`` on a small lock file.

The kernel releases a flock when the process that holds it dies, however it
dies, so a lock left by a crashed or killed instance never blocks anybody.
The file also says who holds the lock (process id, host, since when), for the
message a second instance shows.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from arrangeren_tui.core.storage.files import FILE_MODE


@dataclass(frozen=True)
class LockHolder:
    """Who holds a session, as far as the lock file tells."""

    pid: int | None
    host: str
    since: str

    def describe(self) -> str:
        """Dutch, for the read-only message."""
        parts = []
        if self.pid:
            parts.append(f"proces {self.pid}")
        if self.host:
            parts.append(f"op {self.host}")
        if self.since:
            try:
                parts.append(f"sinds {dt.datetime.fromisoformat(self.since):%H:%M}")
            except ValueError:
                pass
        return " ".join(parts) or "een ander programma"


def lock_path(root: Path, session_id: str) -> Path:
    return root / f".{session_id}.lock"


class SessionLock:
    """A non-blocking exclusive lock on one session; ``acquire`` says if we got it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, *, note_holder: bool = True) -> bool:
        """Take the lock if nobody holds it. Raises OSError if the file cannot be made."""
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        if not note_holder:
            return True
        try:
            os.fchmod(fd, FILE_MODE)
            info = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            }
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
        except OSError:
            pass  # the lock itself is what matters; the note on who holds it is a courtesy
        return True

    def holder(self) -> LockHolder:
        """Who holds the lock according to the file (best effort)."""
        try:
            data = json.loads(self.path.read_text("utf-8") or "{}")
            return LockHolder(
                pid=int(data["pid"]) if data.get("pid") else None,
                host=str(data.get("host", "")),
                since=str(data.get("since", "")),
            )
        except (OSError, ValueError, TypeError):
            return LockHolder(pid=None, host="", since="")

    def release(self, *, remove: bool = False) -> None:
        """Let go; with ``remove`` the lock file is deleted first (while still held)."""
        if self._fd is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def is_locked(path: Path) -> bool:
    """True if another open file description holds the lock right now."""
    if not path.exists():
        return False
    probe = SessionLock(path)
    try:
        if probe.acquire(note_holder=False):
            probe.release()
            return False
    except OSError:
        return False
    return True
