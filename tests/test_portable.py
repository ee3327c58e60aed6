"""Windows and macOS as far as this Linux machine can show them.

- the store, lock, saves, exports and CLI with the POSIX-only API removed (no fcntl, no
  os.fchmod, no os.O_DIRECTORY, no SIGHUP), in a subprocess (tests/no_posix);
- every file name the app writes in that walk is one Windows accepts;
- the previous version (.bak) is kept on a file system without hard links, atomically;
- the signals the app saves on are the ones this system has.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import T0, demo_session
from portable_scenario import run as run_scenario

from arrangeren_tui.core.paths import name_problem
from arrangeren_tui.core.signals import TERMINAL_GONE_SIGNALS, TERMINATING_SIGNALS
from arrangeren_tui.core.storage import files as storage
from arrangeren_tui.core.storage.files import backup_path
from arrangeren_tui.core.storage.store import SessionStore, StoreError

ROOT = Path(__file__).resolve().parent.parent
NO_POSIX = Path(__file__).resolve().parent / "no_posix"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ARRANGEREN_STORE", raising=False)
    monkeypatch.delenv("ARRANGEREN_VELD", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setattr(storage, "_linkless_devices", set())


# -- file names -----------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "20261123-k7qm.json", ".20261123-k7qm.json.1234.ab12cd34.tmp", "fouten.log",
    "planning.json.beschadigd-20261123-140502-2", "verslag-20261123-k7qm-pseudoniem.md",
    "eigen-con.md", "console.txt", "com10", "lpt",
])
def test_names_windows_accepts(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize("name", [
    "x.json.beschadigd-2026-11-23T14:05:02", "a/b", "a\\b", 'a"b', "a|b", "a?b", "a*b",
    "a<b>", "tab\there", "punt.", "spatie ", "CON", "con.txt", "NUL.json", "com1", "LPT9.md",
    "aux .md", "", "x" * 256,
])
def test_names_windows_refuses(name: str) -> None:
    assert name_problem(name) is not None


@pytest.mark.parametrize("code", ["C:x", "a\\b", "nul", "x?"])
def test_a_session_code_must_make_a_windows_file_name(store: SessionStore, code: str) -> None:
    with pytest.raises(StoreError, match="ongeldige gesprekscode"):
        store.path_for(code)


def _record_written_names(monkeypatch, under: Path) -> set[Path]:
    """Every path under ``under`` that is created, renamed to, linked to or opened for writing."""
    written: set[Path] = set()

    def note(path: object) -> None:
        if isinstance(path, (str, os.PathLike)):
            full = Path(os.fsdecode(os.fspath(path))).absolute()
            if full.is_relative_to(under):
                written.add(full)

    def wrap(name: str, which: tuple[int, ...], writing=lambda *a, **k: True) -> None:
        real = getattr(os if name != "io.open" else io, name.removeprefix("io."))

        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            if writing(*args, **kwargs):
                for index in which:
                    if index < len(args):
                        note(args[index])
            return real(*args, **kwargs)

        monkeypatch.setattr(io if name == "io.open" else os, name.removeprefix("io."), call)

    wrap("open", (0,), lambda path, flags, *a, **k: bool(flags & (os.O_WRONLY | os.O_RDWR)))
    wrap("replace", (1,))
    wrap("rename", (1,))
    wrap("link", (1,))
    wrap("mkdir", (0,))
    wrap("io.open", (0,), lambda path, mode="r", *a, **k: any(c in mode for c in "wax+"))
    return written


def test_every_file_name_the_app_writes_is_valid_on_windows(tmp_path: Path, monkeypatch):
    """Sessions, temp files, .bak, damaged copies, locks, exports, crash log, planning."""
    root = tmp_path / "walk"
    written = _record_written_names(monkeypatch, root)
    run_scenario(root)
    monkeypatch.undo()
    written |= set(root.rglob("*"))
    names = {part for path in written for part in path.relative_to(root).parts}
    problems = {name: name_problem(name) for name in names if name_problem(name)}
    assert problems == {}
    # The walk really wrote each kind of file it claims to check.
    for kind in (".tmp", ".json.bak", ".beschadigd-", ".lock", ".lock.holder", "fouten.log",
                 "verslag-", "foto-", "uitnodiging-", ".ics", "planning.json.bak"):
        assert any(kind in name for name in names), kind


# -- as on Windows: without the POSIX-only API ------------------------------------------


def _no_posix_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(NO_POSIX), str(ROOT)])
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    env.pop("ARRANGEREN_STORE", None)
    return env


def test_the_emulation_removes_the_posix_api(tmp_path: Path) -> None:
    probe = (
        "import os, signal\n"
        "try:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n"
        "import filelock\n"
        "print(fcntl is None, hasattr(os, 'fchmod'), hasattr(os, 'O_DIRECTORY'),"
        " hasattr(signal, 'SIGHUP'), filelock.FileLock.__name__)"
    )
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", probe], capture_output=True,
                            text=True, env=_no_posix_env(tmp_path), timeout=60)
    assert result.stdout.split() == ["True", "False", "False", "False", "SoftFileLock"], (
        result.stderr)


def test_store_lock_saves_exports_and_cli_run_without_the_posix_api(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "portable_scenario.py"), str(tmp_path / "walk")],
        capture_output=True, text=True, env=_no_posix_env(tmp_path), timeout=180,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr == ""  # no traceback, no warning on the terminal
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["backup"] and seen["lock"] and seen["planning"] and seen["herstel"]
    assert seen["delete"] and len(seen["exports"]) == 13
    assert seen["signals"] == ["SIGTERM"] and seen["terminal_gone"] == []


# -- a previous version without hard links ----------------------------------------------


class LinklessOS:
    """``os`` for the storage module on FAT: os.link fails with EPERM; calls are counted."""

    CALLS = {"open", "write", "fsync", "fchmod", "link", "replace", "rename"}

    def __init__(self, fail_at: int = 0, link_errno: int = errno.EPERM) -> None:
        self.fail_at = fail_at
        self.link_errno = link_errno
        self.count = 0
        self.links = 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        real = getattr(os, name)
        if name not in self.CALLS:
            return real

        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.count += 1
            if self.count == self.fail_at:
                raise OSError(errno.ENOSPC, "No space left on device")
            if name == "link":
                self.links += 1
                raise OSError(self.link_errno, os.strerror(self.link_errno))
            return real(*args, **kwargs)

        return call


@pytest.mark.parametrize("link_errno", [errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV,
                                        errno.ENOSYS])
def test_previous_version_is_copied_where_hard_links_fail(store, veld, monkeypatch,
                                                           link_errno: int) -> None:
    session = demo_session(veld)
    store.save(session)
    fake = LinklessOS(link_errno=link_errno)
    monkeypatch.setattr(storage, "os", fake)
    path = store.path_for(session.id)
    versions = [path.read_bytes()]
    for n in range(3):
        session.add_note(f"notitie {n}", T0 + n)
        store.save(session)
        assert backup_path(path).read_bytes() == versions[-1]
        versions.append(path.read_bytes())
    assert fake.links == 1  # found out once; later saves copy at once
    assert not list(store.root.glob(".*.tmp"))
    assert backup_path(path).stat().st_mode & 0o777 == 0o600


def test_a_full_disk_is_not_taken_for_a_file_system_without_links(store, veld, monkeypatch):
    session = demo_session(veld)
    store.save(session)
    path = store.path_for(session.id)
    store.save(session)
    before = backup_path(path).read_bytes()
    monkeypatch.setattr(storage, "os", LinklessOS(link_errno=errno.ENOSPC))
    session.add_note("nieuw", T0 + 5)
    store.save(session)  # the backup step is best effort: the save itself succeeds
    assert backup_path(path).read_bytes() == before
    assert storage._linkless_devices == set()
    assert "nieuw" in path.read_text("utf-8")


def test_copying_the_previous_version_fails_at_every_call_and_leaves_old_or_new(
        store, veld, monkeypatch):
    session = demo_session(veld)
    store.save(session)
    older = session.to_record()
    session.add_note("tweede", T0 + 60)
    old = session.to_record()
    session.add_note("derde", T0 + 120)
    new = session.to_record()
    counter = LinklessOS()
    store.save_record(old)
    monkeypatch.setattr(storage, "os", counter)
    store.save_record(new)
    total = counter.count
    assert total >= 8  # temp file, fchmod, write, fsync, link, copy (4), renames, folder
    for fail_at in range(1, total + 1):
        monkeypatch.setattr(storage, "os", os)
        store.save_record(older)
        store.save_record(old)
        storage._linkless_devices.clear()
        monkeypatch.setattr(storage, "os", LinklessOS(fail_at))
        try:
            store.save_record(new)
        except OSError:
            pass
        finally:
            monkeypatch.setattr(storage, "os", os)
        path = store.path_for(session.id)
        assert json.loads(path.read_text("utf-8")) in (old, new), f"call {fail_at}"
        assert json.loads(backup_path(path).read_text("utf-8")) in (older, old), f"call {fail_at}"
        assert not list(store.root.glob(".*.tmp")), f"call {fail_at}"


# -- signals ------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_signals_on_posix_are_hangup_and_terminate() -> None:
    assert set(TERMINATING_SIGNALS) == {signal.SIGHUP, signal.SIGTERM}
    assert TERMINAL_GONE_SIGNALS == (signal.SIGHUP,)
