"""The parts that notice a terminal going away (``ui.terminal``), without the app.

The whole program against a stalled and dropped terminal is in ``test_crash.py``.
"""

from __future__ import annotations

import os
import pty
import signal
import sys
import threading
import time

import pytest

from arrangeren_tui.ui.terminal import Guardian, TerminalOutput

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="ptys and signals: Linux only")


class Ends:
    """Collects the guardian's ``on_end`` calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, bool, str]] = []
        self.event = threading.Event()

    def __call__(self, signum: int, terminal_gone: bool) -> None:
        self.calls.append((signum, terminal_gone, threading.current_thread().name))
        self.event.set()


def drain(fd: int, until: float) -> bytes:
    data = b""
    while time.monotonic() < until:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def test_output_writes_on_flush_and_keeps_quiet_once_the_terminal_is_gone() -> None:
    master, slave = pty.openpty()
    lost: list[bool] = []
    output = TerminalOutput(slave, "utf-8", lambda: lost.append(True))
    try:
        output.write("één ")
        output.write("twee")
        os.set_blocking(master, False)
        assert drain(master, time.monotonic() + 0.1) == b""  # gathered until the flush
        output.flush()
        assert drain(master, time.monotonic() + 0.3) == "één twee".encode()
        os.close(master)  # the link drops: the next write fails with EIO
        master = -1
        output.write("x" * 100)
        output.flush()
        assert output.gone and lost == [True]
        assert output.write("nog meer") == len("nog meer")  # dropped, no error
        output.flush()
        assert lost == [True]  # reported once
    finally:
        os.close(slave)
        if master >= 0:
            os.close(master)


def test_output_blocked_by_a_stalled_terminal_fails_free_when_it_drops() -> None:
    """The writer waits while the terminal is not read; the hang-up ends the wait."""
    master, slave = pty.openpty()
    lost = threading.Event()
    output = TerminalOutput(slave, "utf-8", lost.set)
    done = threading.Event()

    def write_a_lot() -> None:
        for _ in range(200):
            output.write("y" * 4096)
            output.flush()
        done.set()

    writer = threading.Thread(target=write_a_lot, daemon=True)
    writer.start()
    try:
        assert not done.wait(0.5), "a stalled terminal took 800 KiB?"
        os.close(master)
        assert done.wait(2.0) and lost.is_set()
    finally:
        os.close(slave)


def test_output_on_a_non_blocking_descriptor_waits_instead_of_failing() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    output = TerminalOutput(write_end, "utf-8", lambda: None)
    size = 1024 * 1024  # far more than a pipe holds
    received: list[bytes] = []

    def read_slowly() -> None:
        time.sleep(0.2)
        received.append(drain(read_end, time.monotonic() + 5))

    reader = threading.Thread(target=read_slowly, daemon=True)
    reader.start()
    output.write("z" * size)
    output.flush()
    os.close(write_end)
    reader.join(6)
    os.close(read_end)
    assert not output.gone
    assert len(received[0]) == size


def test_guardian_notices_a_terminal_that_hangs_up() -> None:
    master, slave = pty.openpty()
    ends = Ends()
    gone: list[str] = []
    guardian = Guardian(ends, fds=(slave,))
    guardian.when_terminal_gone(lambda: gone.append("output"), lambda: gone.append("input"))
    assert guardian.watching == [slave]
    guardian.start()
    try:
        time.sleep(0.1)
        assert not ends.event.is_set()
        os.close(master)
        assert ends.event.wait(2.0)
        assert ends.calls == [(signal.SIGHUP, True, "arrangeren-guardian")]
        assert gone == ["output", "input"]
    finally:
        guardian.stop()
        os.close(slave)


def test_guardian_hears_a_signal_that_lands_on_another_thread() -> None:
    """SIGTERM sent to a thread that is not the main thread (whose Python handler would
    wait for a free main thread): the wake-up descriptor still tells the guardian."""
    ends = Ends()
    guardian = Guardian(ends, fds=())
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    stop = threading.Event()
    bystander = threading.Thread(target=stop.wait, daemon=True)
    bystander.start()
    guardian.start()
    try:
        assert bystander.ident is not None
        signal.pthread_kill(bystander.ident, signal.SIGTERM)
        assert ends.event.wait(2.0)
        assert ends.calls == [(signal.SIGTERM, False, "arrangeren-guardian")]
    finally:
        guardian.stop()
        signal.signal(signal.SIGTERM, previous)
        stop.set()


def test_guardian_ends_once_and_stops_cleanly() -> None:
    before = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(before)
    ends = Ends()
    guardian = Guardian(ends, fds=())
    guardian.start()
    guardian.notify(signal.SIGHUP)
    guardian.notify(signal.SIGTERM)
    assert ends.event.wait(2.0)
    time.sleep(0.1)
    guardian.stop()
    assert ends.calls == [(signal.SIGHUP, False, "arrangeren-guardian")]
    assert signal.set_wakeup_fd(before) == before  # given back as it was


def test_guardian_stopped_without_an_end_calls_nothing() -> None:
    ends = Ends()
    guardian = Guardian(ends, fds=())
    guardian.start()
    started = time.monotonic()
    guardian.stop()
    assert time.monotonic() - started < 1.0
    assert ends.calls == []
