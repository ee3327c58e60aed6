"""The terminal can go away at any moment: notice it without the event loop.

Over SSH a link can stall (the terminal stops reading, so every write to it blocks)
and then drop. With Textual's own parts alone the output thread then dies on EIO,
the event loop blocks for good in the output queue's ``put``, the input thread spins
on ``read()`` returning 0, and the kernel's SIGHUP may land on any thread while a
Python signal handler only runs once the main thread is free: the program lived on,
holding the session's lock. Two parts here make the end independent of the loop:

- ``TerminalOutput`` is the file Textual's output thread writes to (each write cut down
  by ``ui.compact`` to what changed on the screen). It never raises:
  after a failed write (the terminal is gone) it drops everything, so the output
  queue keeps draining and the event loop is never stuck in ``put`` for good; and it
  reports the loss.
- ``Guardian`` is a daemon thread that waits in ``poll`` for the terminal to hang up
  (POLLHUP/POLLERR on the tty; on a tty that is also what a ``read`` of 0 means) and
  for SIGHUP and SIGTERM, through ``signal.set_wakeup_fd``: CPython's C-level handler
  writes the signal's number there from whichever thread the kernel picked. It then
  calls ``on_end`` on its own thread, which must save and end the process itself.

``guarded_driver`` makes a ``LinuxDriver`` that writes through a ``TerminalOutput``
and stops its input thread when the terminal is gone (no spinning on EOF).
"""

from __future__ import annotations

import os
import select
import signal
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from arrangeren_tui.core.signals import TERMINATING_SIGNALS
from arrangeren_tui.ui.compact import ScreenShadow
from arrangeren_tui.ui.textual_private import replace_driver_output

if TYPE_CHECKING:
    from textual.app import App
    from textual.drivers.linux_driver import LinuxDriver

GONE = 0xFF  # pipe byte: the terminal hung up (signal numbers are all below it)
STOP = 0x00  # pipe byte: stop watching (the app ended normally)
ENDING_SIGNALS = TERMINATING_SIGNALS
# Looked up by name: Windows has no SIGHUP (the guardian does not run there).
HANGUP: int = getattr(signal, "SIGHUP", signal.SIGTERM)
FLUSH_AT = 64 * 1024  # bytes gathered before the output is written even without a flush
HUP_EVENTS = (getattr(select, "POLLHUP", 0) | getattr(select, "POLLERR", 0)
              | getattr(select, "POLLNVAL", 0))

EndCallback = Callable[[int, bool], None]


class TerminalOutput:
    """Where Textual's output thread writes: straight to the terminal's file descriptor.

    ``write`` gathers, ``flush`` writes (the thread flushes whenever its queue runs
    empty). A write that blocks waits for the terminal, as before; one that fails
    means the terminal is gone: from then on everything is dropped and ``on_lost``
    is called once. A non-blocking descriptor (set by another program sharing the
    terminal) is waited on with ``poll`` instead of failing.
    """

    def __init__(self, fd: int, encoding: str, on_lost: Callable[[], None]) -> None:
        self._fd = fd
        self._encoding = encoding or "utf-8"
        self._on_lost = on_lost
        self._parts: list[bytes] = []
        self._size = 0
        self._gone = threading.Event()
        self._shadow = ScreenShadow()  # only what changed on the screen is sent

    def _screen_size(self) -> tuple[int, int] | None:
        """The terminal's size now (a resize may have cleared or reflowed it)."""
        try:
            size = os.get_terminal_size(self._fd)
        except OSError:
            return None
        return (size.columns, size.lines)

    @property
    def gone(self) -> bool:
        return self._gone.is_set()

    def abandon(self) -> None:
        """The terminal is gone: drop whatever comes from now on."""
        self._gone.set()
        self._parts.clear()
        self._size = 0

    def write(self, text: str) -> int:
        if not self._gone.is_set():
            data = self._shadow.process(text, self._screen_size()).encode(self._encoding, "replace")
            self._parts.append(data)
            self._size += len(data)
            if self._size >= FLUSH_AT:
                self.flush()
        return len(text)

    def flush(self) -> None:
        if not self._parts:
            return
        view = memoryview(b"".join(self._parts))
        self._parts.clear()
        self._size = 0
        while view and not self._gone.is_set():
            try:
                written = os.write(self._fd, view)
            except BlockingIOError:
                waiter = select.poll()
                waiter.register(self._fd, select.POLLOUT)
                waiter.poll(500)
                continue
            except OSError:
                self.abandon()
                self._on_lost()
                return
            view = view[written:]

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return True


class Guardian:
    """A daemon thread that calls ``on_end(signum, terminal_gone)`` once, on itself.

    ``terminal_gone`` is True when the terminal hung up (``signum`` is then SIGHUP),
    False for a SIGHUP or SIGTERM sent to a program whose terminal is still there.
    ``start`` and ``stop`` must be called on the main thread (the wake-up descriptor);
    ``notify`` and ``terminal_lost`` work from any thread and from a signal handler.
    """

    @staticmethod
    def supported() -> bool:
        """The guardian needs ``poll`` and a pipe as wake-up descriptor: POSIX only."""
        return os.name == "posix" and hasattr(select, "poll")

    def __init__(self, on_end: EndCallback, fds: Sequence[int] = (0, 1, 2)) -> None:
        self._on_end = on_end
        self._ttys = [fd for fd in dict.fromkeys(fds) if os.isatty(fd)]
        self._read_end, self._write_end = os.pipe()
        os.set_blocking(self._read_end, False)
        os.set_blocking(self._write_end, False)
        self._previous_wakeup = -1
        self._closed = False
        self._when_gone: list[Callable[[], None]] = []
        self._ended = threading.Event()
        self._thread = threading.Thread(target=self._run, name="arrangeren-guardian",
                                        daemon=True)

    @property
    def watching(self) -> list[int]:
        """The terminal descriptors watched for a hang-up."""
        return list(self._ttys)

    def when_terminal_gone(self, *callbacks: Callable[[], None]) -> None:
        """Run these first (on the guardian's thread) when the terminal hangs up."""
        self._when_gone.extend(callbacks)

    def start(self) -> None:
        self._previous_wakeup = signal.set_wakeup_fd(self._write_end, warn_on_full_buffer=False)
        self._thread.start()

    def stop(self) -> None:
        """The app ended by itself: stop watching, give the wake-up descriptor back."""
        signal.set_wakeup_fd(self._previous_wakeup)
        self._send(STOP)
        self._thread.join(1.0)
        if not self._thread.is_alive():
            ends, self._closed = (self._read_end, self._write_end), True
            for fd in ends:
                os.close(fd)

    def notify(self, signum: int) -> None:
        """A signal arrived (the wake-up descriptor says so too; twice does no harm)."""
        self._send(signum)

    def terminal_lost(self) -> None:
        """A write to the terminal failed: it is gone."""
        self._send(GONE)

    def _send(self, byte: int) -> None:
        if self._closed:
            return  # its number may belong to another file by now
        try:
            os.write(self._write_end, bytes([byte]))
        except OSError:
            pass  # full (then it wakes up anyway) or closed (then nobody listens)

    def _run(self) -> None:
        poller = select.poll()
        for fd in self._ttys:
            poller.register(fd, 0)  # 0: only a hang-up or an error is reported
        poller.register(self._read_end, select.POLLIN)
        while True:
            try:
                events = poller.poll()
            except InterruptedError:
                continue
            for fd, mask in events:
                if fd != self._read_end:
                    if mask & HUP_EVENTS:
                        for tty in self._ttys:
                            poller.unregister(tty)  # a hung-up tty reports it forever
                        self._ttys.clear()
                        self._end(HANGUP, terminal_gone=True)
                elif not self._read_pipe():
                    return

    def _read_pipe(self) -> bool:
        """Act on what arrived through the pipe; False once told to stop."""
        try:
            data = os.read(self._read_end, 256)
        except BlockingIOError:
            return True
        if STOP in data:
            return False
        if GONE in data:
            self._end(HANGUP, terminal_gone=True)
        for signum in ENDING_SIGNALS:
            if signum in data:
                self._end(signum, terminal_gone=False)
        return True

    def _hung_up(self) -> bool:
        """True if a watched terminal has hung up (the kernel does that before its SIGHUP)."""
        if not self._ttys:
            return False
        probe = select.poll()
        for fd in self._ttys:
            probe.register(fd, 0)
        return any(mask & HUP_EVENTS for _fd, mask in probe.poll(0))

    def _end(self, signum: int, *, terminal_gone: bool) -> None:
        if signum == HANGUP and not terminal_gone:
            terminal_gone = self._hung_up()
        if terminal_gone:
            for callback in self._when_gone:
                try:
                    callback()
                except Exception:  # noqa: BLE001 - ending anyway; the save must still run
                    pass
        if self._ended.is_set():
            return
        self._ended.set()
        self._on_end(signum, terminal_gone)


def guarded_driver(guardian: Guardian) -> type[LinuxDriver]:
    """A ``LinuxDriver`` whose output never blocks for good and whose input stops at EOF."""

    from textual.drivers.linux_driver import LinuxDriver  # POSIX only: imported here

    class GuardedDriver(LinuxDriver):
        def __init__(self, app: App[Any], *, debug: bool = False, mouse: bool = True,
                     size: tuple[int, int] | None = None) -> None:
            super().__init__(app, debug=debug, mouse=mouse, size=size)

            def wrap(fd: int, encoding: str) -> TerminalOutput:
                return TerminalOutput(fd, encoding, guardian.terminal_lost)

            output = replace_driver_output(self, wrap)
            # The input thread loops until this event is set; on a hung-up terminal each
            # read returns 0 at once, so without it the thread would spin.
            guardian.when_terminal_gone(output.abandon, self.exit_event.set)

    return GuardedDriver
