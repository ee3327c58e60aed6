"""Run the real ``arrangeren`` program in a pseudo-terminal and read its screen.

The crash tests (``tests/test_crash.py``) need the program as a person runs it:
its own process, a terminal, real signals. ``PtyApp`` starts
``python -m arrangeren_tui ...`` with the slave side of a fresh pty as its
stdin/stdout/stderr *and* controlling terminal (so closing the master side
hangs it up, as an SSH drop does), feeds everything it writes into a ``pyte``
screen from a background thread, and lets a test type keys, resize, signal and
wait.

The child always starts with a short prelude (``python -c PRELUDE``) that makes
the pty its controlling terminal and then runs the package's ``__main__``
exactly as ``python -m arrangeren_tui`` would. With ``deny_network=MARKER`` the
prelude first installs an audit hook (``sys.addaudithook``) that writes every
network event to ``MARKER`` and raises, so any attempt to use the network is
both stopped and visible afterwards.

Clean-up is the caller's job but cannot be forgotten: ``PtyApp`` is a context
manager, the test fixture kills whatever it started, every instance stays in
``LIVE`` until it is reaped and an ``atexit`` hook kills what is left there.
Should the test process itself be killed, its end of the pty closes and the
kernel hangs the program up (SIGHUP), so nothing is left running then either.
"""

from __future__ import annotations

import atexit
import errno
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pyte

KEYS = {
    "enter": b"\r",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "backspace": b"\x7f",
    "escape": b"\x1b",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "ctrl+a": b"\x01",
    "ctrl+e": b"\x05",
    "ctrl+k": b"\x0b",
    "ctrl+q": b"\x11",
    "ctrl+s": b"\x13",
    "ctrl+t": b"\x14",
    "ctrl+u": b"\x15",
}

# Audit events that mean "this process tries to reach a network".
NETWORK_EVENTS = (
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
    "socket.bind",
    "socket.sendto",
    "socket.sendmsg",
    "http.client.connect",
    "urllib.Request",
)

# Runs in the child before the program. argv[1] is a marker file or "", argv[2]
# the module to run as ``__main__``, the rest its command line. A socket of
# family AF_UNIX is local (asyncio's own self-pipe is a socketpair): it is
# written down but not refused.
PRELUDE = r"""
import fcntl, os, sys, termios
try:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
except OSError:
    pass
_marker = sys.argv[1]
if _marker:
    _events = frozenset(%(events)r)
    def _deny_network(event, args, _open=open):
        if event not in _events:
            return
        family = None
        if args and hasattr(args[0], "family"):
            family = int(args[0].family)
        local = family == 1  # AF_UNIX
        with _open(_marker, "a", encoding="utf-8") as out:
            out.write(("local " if local else "NETWORK ") + event + " " + repr(args)[:200] + "\n")
        if not local:
            raise RuntimeError("network use is not allowed: " + event)
    sys.addaudithook(_deny_network)
_module = sys.argv[2]
sys.argv = [_module] + sys.argv[3:]
import runpy
runpy.run_module(_module, run_name="__main__", alter_sys=True)
""" % {"events": NETWORK_EVENTS}

LIVE: set[PtyApp] = set()  # started and not yet reaped; held strongly on purpose


def _kill_all_live() -> None:
    for app in list(LIVE):
        app.terminate_hard()


atexit.register(_kill_all_live)


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the program: a plain xterm of the pty's size.

    COLUMNS and LINES are removed on purpose: Textual asks
    ``shutil.get_terminal_size()``, which prefers those variables over the
    terminal, so with them set a resize (SIGWINCH) would never be seen.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLUMNS", "LINES", "TERM_PROGRAM", "COLORTERM", "NO_COLOR")
        and not k.startswith("TEXTUAL")
        and not k.startswith("PYTEST")
    }
    env["TERM"] = "xterm-256color"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONFAULTHANDLER"] = "1"
    if extra:
        env.update(extra)
    return env


def set_winsize(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class PtyApp:
    """One run of the program in its own pty, process group and session."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        cols: int = 80,
        rows: int = 24,
        cwd: str | Path | None = None,
        env: dict[str, str] | None = None,
        deny_network: str | Path | None = None,
        module: str = "arrangeren_tui",
    ) -> None:
        self.args = list(args)
        self.cols, self.rows = cols, rows
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self._cond = threading.Condition()
        self._output = bytearray()  # everything the program wrote, for diagnosis
        self._eof = False
        self._stop_reading = False
        self._stalled = threading.Event()  # set: the reader leaves the master side alone
        self.master_fd: int | None = None
        self.started_at = 0.0
        self.first_output_at: float | None = None
        self.last_output_at = 0.0  # when the newest output arrived (benchmarks time on it)
        marker = str(deny_network) if deny_network else ""
        command = [sys.executable, "-c", PRELUDE, marker, module, *self.args]
        master, slave = os.openpty()
        try:
            set_winsize(slave, cols, rows)
            self.started_at = time.monotonic()
            self.proc = subprocess.Popen(
                command,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                cwd=cwd,
                env=env if env is not None else child_env(),
                start_new_session=True,
                close_fds=True,
            )
        except BaseException:
            os.close(master)
            os.close(slave)
            raise
        os.close(slave)  # the child holds it now; its death gives us EIO
        self.master_fd = master
        self.pid = self.proc.pid
        LIVE.add(self)
        self._reader = threading.Thread(target=self._read_loop, name=f"pty-{self.pid}", daemon=True)
        self._reader.start()

    # -- context manager -------------------------------------------------------

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.terminate_hard()

    # -- output ------------------------------------------------------------------

    def _read_loop(self) -> None:
        fd = self.master_fd
        assert fd is not None
        while not self._stop_reading:
            if self._stalled.is_set():
                time.sleep(0.05)  # a stalled link: nothing is read, the kernel buffer fills
                continue
            try:
                ready, _, _ = select.select([fd], [], [], 0.05)
            except (OSError, ValueError):
                break
            if not ready:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError as error:
                if error.errno in (errno.EIO, errno.EBADF):
                    break
                raise
            if not data:
                break
            with self._cond:
                self.last_output_at = time.monotonic()
                if self.first_output_at is None:
                    self.first_output_at = self.last_output_at
                self._output += data
                try:
                    self.stream.feed(data)
                except Exception:  # noqa: BLE001 - a pyte hiccup must not stop reading
                    pass
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    @property
    def output(self) -> bytes:
        with self._cond:
            return bytes(self._output)

    @property
    def output_length(self) -> int:
        """How many bytes the program has written so far (cheap: no copy)."""
        with self._cond:
            return len(self._output)

    def display(self) -> list[str]:
        with self._cond:
            return list(self.screen.display)

    def text(self) -> str:
        return "\n".join(self.display())

    def has_text(self, text: str) -> bool:
        return text in self.text()

    def wait_for(self, predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
        """Wait until ``predicate(screen_text)`` holds; False on time-out or when output ends."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if predicate("\n".join(self.screen.display)):
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    return False
                self._cond.wait(min(left, 0.1))

    def wait_until(self, predicate, timeout: float) -> float | None:  # type: ignore[no-untyped-def]
        """Like ``wait_for``, but returns when the output that made it hold arrived (or None).

        The time is taken by the reader thread as it reads, so the waiting
        thread's own wake-up delay is not in it (the benchmarks time on this).
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if predicate("\n".join(self.screen.display)):
                    return self.last_output_at
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    return None
                self._cond.wait(min(left, 0.1))

    def wait_for_text(self, text: str, timeout: float = 10.0) -> bool:
        return self.wait_for(lambda screen: text in screen, timeout)

    def expect_text(self, text: str, timeout: float = 10.0) -> None:
        """Like ``wait_for_text`` but fails with the screen in the message."""
        if not self.wait_for_text(text, timeout):
            raise AssertionError(
                f"{text!r} not on screen after {timeout}s (alive={self.alive}):\n" + self.text()
            )

    # -- a stalled link ------------------------------------------------------------

    def stall(self) -> None:
        """Stop reading the terminal, as a link that stalls does: once the kernel's buffer
        is full, the program's writes block. Typing, resizing and ``close_pty`` still work."""
        self._stalled.set()

    def resume(self) -> None:
        self._stalled.clear()

    # -- input -------------------------------------------------------------------

    def write(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.master_fd is None:
            raise OSError(errno.EBADF, "pty is closed")
        view = memoryview(data)
        while view:
            written = os.write(self.master_fd, view)
            view = view[written:]

    def type(self, text: str, delay: float = 0.0) -> None:
        """Type ``text``; with a delay, one character at a time."""
        if delay <= 0:
            self.write(text)
            return
        for char in text:
            self.write(char)
            time.sleep(delay)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.write(KEYS[key])

    def resize(self, cols: int, rows: int) -> None:
        """Change the window size as a terminal does: TIOCSWINSZ, then SIGWINCH."""
        with self._cond:
            self.cols, self.rows = cols, rows
            self.screen.resize(rows, cols)
        if self.master_fd is not None:
            set_winsize(self.master_fd, cols, rows)
        self.kill(signal.SIGWINCH)

    # -- process -----------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the program's process group (no error if it is gone)."""
        if self.proc.poll() is not None:
            return  # reaped: its id may already belong to someone else
        try:
            os.killpg(self.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def wait(self, timeout: float | None = None) -> int | None:
        """The exit code (negative: killed by that signal); None on time-out."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close_pty(self) -> None:
        """Close our side of the terminal, as a dropped SSH connection does."""
        self._stop_reading = True
        if self._reader.is_alive() and threading.current_thread() is not self._reader:
            self._reader.join(1.0)
        fd, self.master_fd = self.master_fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def terminate_hard(self) -> None:
        """Kill the whole process group, reap it, close the pty. Safe to repeat."""
        if self.proc.returncode is None:
            self.kill(signal.SIGKILL)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        if self.master_fd is not None:
            # Let the reader see EIO (all slave ends are closed) before closing.
            self._reader.join(1.0)
            self.close_pty()
        LIVE.discard(self)

    def __repr__(self) -> str:
        return f"PtyApp(pid={getattr(self, 'pid', None)}, args={self.args!r})"
