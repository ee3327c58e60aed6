"""One process per session: an operating-system lock on a small lock file, through filelock.

filelock takes ``flock`` on Linux and macOS and ``LockFileEx`` on Windows. The
operating system drops either lock when the process that holds it ends, however
it ends (closed window, kill -9, power cut of the process), so a lock left by a
crashed or killed instance never blocks anybody. Where neither exists (a Python
without ``fcntl`` on a POSIX system) filelock falls back to a marker file that
it breaks once the process named in it is gone.

Who holds the lock (process id, host, since when), for the message a second
instance shows, is written to a note next to the lock file
(``.<code>.lock.holder``): on Windows the locked byte of the lock file cannot be
read by another process, and filelock removes the lock file there on release.

Where ``fcntl.flock`` exists (Linux, macOS) a session's lock is taken with it directly
(``_Flock``): the very same lock filelock would take there, so both see each other, but
without importing filelock (~20 ms, on the way to the first frame of ``arrangeren open``).
filelock is imported only where that is not possible (Windows, a file system without
``flock``) and for the waiting lock of the jaarplanning.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import socket
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from arrangeren_tui.core.storage.files import FILE_MODE, O_BINARY, restrict, restrict_path

if TYPE_CHECKING:
    from filelock import BaseFileLock

HOLDER_SUFFIX = ".holder"


@dataclass(frozen=True)
class LockHolder:
    """Who holds a session, as far as the holder note tells."""

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


def holder_path(path: Path) -> Path:
    """The note that says who holds the lock at ``path``."""
    return path.with_name(path.name + HOLDER_SUFFIX)


def _filelock() -> ModuleType:
    """The filelock module, imported on first use."""
    with warnings.catch_warnings():
        # Without fcntl filelock warns once that it uses its marker-file lock; that is
        # expected there and must not reach the terminal.
        warnings.simplefilter("ignore")
        import filelock
    return filelock


def _file_lock(path: Path) -> BaseFileLock:
    """A filelock lock on ``path``, shared by every thread (the save thread releases it too)."""
    # No ``mode``: filelock applies it with os.fchmod, which Windows lacks and which fails
    # with ENOSYS on a FAT stick; the lock file is made owner-only after it is taken.
    lock: BaseFileLock = _filelock().FileLock(path, thread_local=False)
    return lock


_BUSY = frozenset({errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK})
_NO_FLOCK = frozenset({errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOLCK})


class _Flock:
    """An exclusive ``flock`` on ``path``, taken without waiting, as filelock's UnixFileLock
    takes it (the file stays in place on release)."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def try_take(cls, path: Path) -> _Flock | bool | None:
        """The lock; False if another holds it; None if this file system has no flock."""
        assert fcntl is not None
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | O_BINARY
        for _ in range(5):  # the holder may remove the file between our open and our flock
            fd = os.open(path, flags, FILE_MODE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                os.close(fd)
                if error.errno in _BUSY:
                    return False
                if error.errno in _NO_FLOCK:
                    return None
                raise
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if same:
                return cls(path, fd)
            os.close(fd)  # a lock on a file no longer at ``path`` holds nothing: again
        return False

    def release(self, force: bool = True) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            assert fcntl is not None
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


class SessionLock:
    """A non-blocking exclusive lock on one session; ``acquire`` says if we got it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.note_path = holder_path(path)
        self._lock: BaseFileLock | _Flock | None = None

    @property
    def held(self) -> bool:
        return self._lock is not None

    def acquire(self, *, note_holder: bool = True) -> bool:
        """Take the lock if nobody holds it. Raises OSError if the file cannot be made."""
        if self._lock is not None:
            return True
        taken = _Flock.try_take(self.path) if fcntl is not None else None
        if taken is False:
            return False
        if isinstance(taken, _Flock):
            self._lock = taken
        else:
            lock = _file_lock(self.path)
            try:
                lock.acquire(timeout=0)
            except _filelock().Timeout:
                return False
            self._lock = lock
        try:
            restrict_path(self.path)
        except OSError:
            pass  # the lock holds all the same; the file is empty
        if note_holder:
            self._write_note()
        return True

    def _write_note(self) -> None:
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        try:
            fd = os.open(self.note_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | O_BINARY,
                         FILE_MODE)
            try:
                restrict(fd)
                os.write(fd, json.dumps(info).encode("utf-8"))
            finally:
                os.close(fd)
        except OSError:
            pass  # the lock itself is what matters; the note on who holds it is a courtesy

    def holder(self) -> LockHolder:
        """Who holds the lock according to the note (best effort)."""
        try:
            data = json.loads(self.note_path.read_text("utf-8") or "{}")
            return LockHolder(
                pid=int(data["pid"]) if data.get("pid") else None,
                host=str(data.get("host", "")),
                since=str(data.get("since", "")),
            )
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return LockHolder(pid=None, host="", since="")

    def release(self, *, remove: bool = False) -> None:
        """Let go and remove the holder note; with ``remove`` the lock file goes too.

        The lock file is removed while still held where the system allows it (POSIX), so
        that nobody can take a lock on a file that is about to disappear.
        """
        lock = self._lock
        if lock is None:
            return
        with suppress(OSError):
            self.note_path.unlink(missing_ok=True)
        if remove:
            with suppress(OSError):
                self.path.unlink(missing_ok=True)
        try:
            lock.release(force=True)
        finally:
            self._lock = None
            if remove:
                with suppress(OSError):
                    self.path.unlink(missing_ok=True)

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def is_locked(path: Path) -> bool:
    """True if another lock (in this process or another) holds ``path`` right now."""
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


@contextmanager
def waiting_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the lock at ``path`` for the block, waiting up to ``timeout`` seconds for it.

    Raises TimeoutError if another process keeps it that long, OSError if the lock file
    cannot be made.
    """
    lock = _file_lock(path)
    try:
        lock.acquire(timeout=timeout)
    except _filelock().Timeout:
        raise TimeoutError(f"{path} is in gebruik") from None
    try:
        yield
    finally:
        lock.release(force=True)
