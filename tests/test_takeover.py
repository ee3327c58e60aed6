"""Taking a session over from a stuck or forgotten window (issue: no way back is blocked).

A holder is a real second process that takes the session's lock: one that saves and
stops when asked (SIGTERM), one that ignores it (stuck), and the real program in a
pseudo-terminal.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, FakeClock, demo_now
from ptyapp import child_env

from arrangeren_tui.core.storage.lock import LockHolder, holder_path
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.storage.takeover import take_over, why_not
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.dialogs.common import ConfirmDialog

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

HOLDER = """
import signal, sys, time
from pathlib import Path
from arrangeren_tui.core.storage.lock import SessionLock
lock = SessionLock(Path(sys.argv[1]))
assert lock.acquire()
if sys.argv[2] == "stuck":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
else:
    def stop(*_args):
        lock.release()
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
time.sleep(60)
"""


def start_holder(lock_file: Path, mode: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock_file), mode],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return child_env({"XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
                      "XDG_DATA_HOME": str(tmp_path / "xdg-data")})


@pytest.fixture
def holders() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_a_holder_that_listens_saves_and_stops(store: SessionStore, demo, holders) -> None:
    lock = store.lock(demo.id)
    holders.append(start_holder(lock.path, "listens"))
    assert store.in_use(demo.id)
    result = take_over(lock)
    assert result.taken, result.how
    assert "opgeslagen en is gestopt" in result.how
    assert not store.in_use(demo.id)
    assert holders[0].wait(timeout=5) == 0


def test_a_stuck_holder_is_ended(store: SessionStore, demo, holders) -> None:
    lock = store.lock(demo.id)
    holders.append(start_holder(lock.path, "stuck"))
    started = time.monotonic()
    result = take_over(lock, ask_seconds=0.5)
    assert result.taken, result.how
    assert "reageerde niet" in result.how
    assert time.monotonic() - started < 5
    assert holders[0].wait(timeout=5) == -signal.SIGKILL
    assert not store.in_use(demo.id)


def test_never_ends_what_is_not_ours(tmp_path: Path, store: SessionStore, demo) -> None:
    assert "andere computer" in why_not(LockHolder(pid=os.getpid() + 1, host="elders-01",
                                                   since=""))
    assert "onbekend" in why_not(LockHolder(pid=None, host="", since=""))
    assert "dit venster" in why_not(LockHolder(pid=os.getpid(), host=socket.gethostname(),
                                               since=""))
    # A process id in the note that now belongs to another program (reused after a crash).
    other = subprocess.Popen(["sleep", "30"])
    try:
        reason = why_not(LockHolder(pid=other.pid, host=socket.gethostname(), since=""))
        assert "niet dit programma" in reason
    finally:
        other.kill()
        other.wait()


def test_the_cli_takes_over_and_asks_first(store: SessionStore, demo, holders, env) -> None:
    lock = store.lock(demo.id)
    holders.append(start_holder(lock.path, "listens"))
    base = [sys.executable, "-m", "arrangeren_tui", "--store", str(store.root), "overnemen"]
    asked = subprocess.run([*base, demo.id], capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=30)
    assert asked.returncode == 2
    assert "bevestiging" in asked.stderr and "--ja" in asked.stderr
    assert store.in_use(demo.id)  # nothing was done without a yes
    done = subprocess.run([*base, demo.id, "--ja"], capture_output=True, text=True, env=env,
                          timeout=30)
    assert done.returncode == 0, done.stderr
    assert f"arrangeren open {demo.id}" in done.stdout
    assert not store.in_use(demo.id)
    again = subprocess.run([*base, demo.id, "--ja"], capture_output=True, text=True, env=env,
                           timeout=30)
    assert again.returncode == 0 and "nergens open" in again.stdout


def test_the_cli_refuses_another_computers_window(store: SessionStore, demo, holders,
                                                  env) -> None:
    lock = store.lock(demo.id)
    holders.append(start_holder(lock.path, "listens"))
    note = holder_path(lock.path)
    data = json.loads(note.read_text())
    note.write_text(json.dumps({**data, "host": "laptop-elders"}))
    done = subprocess.run([sys.executable, "-m", "arrangeren_tui", "--store", str(store.root),
                           "overnemen", demo.id, "--ja"], capture_output=True, text=True,
                          env=env, timeout=30)
    assert done.returncode == 1
    assert "andere computer (laptop-elders)" in done.stderr
    assert store.in_use(demo.id)


async def test_the_board_offers_to_take_over(store: SessionStore, veld, demo, holders) -> None:
    lock = store.lock(demo.id)
    holders.append(start_holder(lock.path, "listens"))
    app = ArrangerenApp(store=store, veld=veld, open_session=demo.id,
                        now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Overnemen" in app.screen.yes
        await pilot.press("j")
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, BoardScreen) and not app.screen.read_only:
                break
        board = app.screen
        assert isinstance(board, BoardScreen) and not board.read_only
        assert board.session_lock is not None and board.session_lock.held
        assert [s for s in app.screen_stack if isinstance(s, BoardScreen)] == [board]
        await pilot.press("ctrl+q")
    assert not store.in_use(demo.id)


async def test_no_offer_for_another_users_or_computers_window(store: SessionStore, veld, demo,
                                                              holders) -> None:
    lock = store.lock(demo.id)
    holders.append(start_holder(lock.path, "listens"))
    note = holder_path(lock.path)
    note.write_text(json.dumps({**json.loads(note.read_text()), "host": "laptop-elders"}))
    app = ArrangerenApp(store=store, veld=veld, open_session=demo.id,
                        now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and app.screen.read_only
        await pilot.press("ctrl+q")
    assert store.in_use(demo.id)


def test_the_real_program_saves_its_draft_and_gives_the_session_up(store: SessionStore, demo,
                                                                   env, tmp_path) -> None:
    """A board left open in another terminal: taking over stops it, nothing it held is lost."""
    from ptyapp import PtyApp

    app = PtyApp(["--store", str(store.root), "open", demo.id], env=env, cwd=tmp_path)
    try:
        app.expect_text("Stap ▶", 20.0)
        app.type("nog niet neergelegd", 0.01)
        assert app.wait_for_text("nog niet neergelegd", 5.0)
        result = take_over(store.lock(demo.id))
        assert result.taken, result.how
        assert app.wait(timeout=10) is not None
        assert store.load(demo.id).draft.text.endswith("nog niet neergelegd")
    finally:
        app.terminate_hard()
