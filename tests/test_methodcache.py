"""Dataclass methods compiled once (``arrangeren_tui.methodcache``): the same classes, from
a file that only ever holds compiled code, and nothing lost when that file is bad."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from arrangeren_tui import cachefile, methodcache


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "cache" / "methoden.bin"
    yield path
    methodcache.uninstall()


def make_classes() -> tuple[type, type]:
    """Two dataclasses as the program has them: a frozen one and one with a factory."""

    @dataclasses.dataclass(frozen=True)
    class Meta:
        pupil: str
        group: str = "gr. 5"

    @dataclasses.dataclass
    class Board:
        meta: Meta
        notes: list[str] = dataclasses.field(default_factory=list)
        step: int = 1

    return Meta, Board


def check_behaviour(meta_class: type, board_class: type) -> None:
    meta = meta_class("Fictief Kind")
    assert meta.group == "gr. 5"
    assert meta == meta_class("Fictief Kind", "gr. 5") and hash(meta) == hash(
        meta_class("Fictief Kind"))
    assert repr(meta).endswith("Meta(pupil='Fictief Kind', group='gr. 5')")
    with pytest.raises(dataclasses.FrozenInstanceError):
        meta.pupil = "ander"
    one, two = board_class(meta), board_class(meta)
    one.notes.append("a")
    assert two.notes == [] and one != two  # each its own list
    assert dataclasses.replace(one, step=3).step == 3


def count_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled: list[str] = []

    def counting(source: str, filename: str, mode: str) -> object:
        compiled.append(source)
        return compile(source, filename, mode)

    monkeypatch.setattr(methodcache, "compile", counting, raising=False)
    return compiled


def test_the_methods_compile_once_and_then_come_from_the_file(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = count_compiles(monkeypatch)
    methodcache.install(cache)
    check_behaviour(*make_classes())
    first = len(compiled)
    assert first >= 8  # init, repr, eq, hash, setattr, delattr; init, repr, eq
    methodcache.save()
    assert cache.is_file()
    if os.name == "posix":
        assert cache.stat().st_mode & 0o777 == 0o600
        assert cache.parent.stat().st_mode & 0o777 == 0o700

    methodcache.uninstall()  # as a new start: the table only from the file
    methodcache.install(cache)
    check_behaviour(*make_classes())
    assert len(compiled) == first  # nothing compiled again
    size = cache.stat().st_size
    methodcache.save()  # nothing new: not written
    assert cache.stat().st_size == size


def test_without_the_cache_dataclasses_compile_as_python_does(cache: Path) -> None:
    methodcache.install(cache)
    methodcache.uninstall()
    assert "exec" not in vars(dataclasses)
    check_behaviour(*make_classes())
    methodcache.save()
    assert not cache.exists()


@pytest.mark.parametrize("content", [
    b"",
    b"rubbish \x00\xff" * 50,
    "arrangeren dataclass methods, Python 2.7.18\n".encode() + b"\xe3\x00",  # another Python
    None,  # a valid file, cut short
    "flip",  # a valid file with one byte changed inside the compiled code
])
def test_a_damaged_or_foreign_file_is_passed_over_and_replaced(
        cache: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | str | None) -> None:
    if content is None or content == "flip":
        methodcache.install(cache)
        make_classes()
        methodcache.save()
        methodcache.uninstall()
        data = bytearray(cache.read_bytes())
        if content is None:
            content = bytes(data[:-40])
        else:
            data[len(data) * 2 // 3] ^= 0x5A
            content = bytes(data)
    assert isinstance(content, bytes)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(content)
    compiled = count_compiles(monkeypatch)
    methodcache.install(cache)
    check_behaviour(*make_classes())
    assert compiled  # compiled as without a file
    methodcache.save()
    methodcache.uninstall()
    compiled.clear()
    methodcache.install(cache)  # and the file written in its place is good
    check_behaviour(*make_classes())
    assert compiled == []


def test_the_file_holds_code_and_names_never_values(cache: Path) -> None:
    methodcache.install(cache)

    @dataclasses.dataclass
    class Pupil:
        name: str = "Fictieve Naam Uniek"

    assert Pupil().name == "Fictieve Naam Uniek"
    methodcache.save()
    data = cache.read_bytes()
    assert b"Fictieve Naam Uniek" not in data
    assert b"name" in data  # field names are in the method text


def test_a_folder_that_cannot_be_written_is_no_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    methodcache.install(blocker / "methoden.bin")
    try:
        make_classes()
        methodcache.save()  # nothing raised, nothing written
        assert blocker.read_text() == "not a folder"
    finally:
        methodcache.uninstall()


def test_a_grown_file_starts_over(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cachefile, "MAX_BYTES", 1)
    methodcache.install(cache)
    make_classes()
    methodcache.save()
    first = set(methodcache._known)
    methodcache.uninstall()
    methodcache.install(cache)

    @dataclasses.dataclass
    class Other:
        value: int = 0

    methodcache.save()
    methodcache.uninstall()
    methodcache.install(cache)
    kept = set(methodcache._known)
    assert kept and not (kept & first)  # only what the last run compiled


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="platformdirs follows XDG_CACHE_HOME on Linux only")
def test_the_program_installs_it_before_its_own_modules_load(tmp_path: Path) -> None:
    import subprocess

    code = ("import sys, dataclasses; sys.argv = ['arrangeren', '--version'];"
            "from arrangeren_tui.__main__ import run;"
            "import arrangeren_tui.methodcache as m;"
            "code = 0\n"
            "try:\n run()\n"
            "except SystemExit as e:\n code = e.code\n"
            "print(dataclasses.exec is m._exec, len(m._new) + len(m._known) > 0)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=60, check=False)
    assert out.stdout.split()[-2:] == ["True", "True"], out.stderr
    assert (tmp_path / "arrangeren").is_dir()  # written when the program ended
    assert [p.name for p in (tmp_path / "arrangeren").iterdir()] == [
        f"methoden-{sys.implementation.cache_tag}.bin"]


def test_saved_while_the_first_screen_shows_even_if_the_window_is_then_closed(
        tmp_path: Path) -> None:
    """A facilitator often ends the program by closing the terminal: no ``atexit`` then.
    The file is written right after the first screen, and the next start finds all. So
    is the parsed CSS (``ui.csscache``)."""
    import signal
    import time

    from ptyapp import PtyApp, child_env

    env = child_env({"XDG_CONFIG_HOME": str(tmp_path / "config"),
                     "XDG_DATA_HOME": str(tmp_path / "data"),
                     "XDG_CACHE_HOME": str(tmp_path / "cache")})
    cache = tmp_path / "cache" / "arrangeren" / f"methoden-{sys.implementation.cache_tag}.bin"
    css = cache.with_name(f"opmaak-{sys.implementation.cache_tag}.bin")
    written = []
    for _start in range(2):
        app = PtyApp(["--store", str(tmp_path / "store")], env=env, cwd=tmp_path)
        try:
            app.expect_text("gesprek", 20.0)
            deadline = time.monotonic() + 10
            while not (cache.exists() and css.exists()) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)
            app.kill(signal.SIGKILL)  # as a closed window, without atexit
        finally:
            app.terminate_hard()
        assert cache.is_file() and css.is_file()
        written.append((cache.stat().st_mtime_ns, css.stat().st_mtime_ns))
    assert written[0] == written[1]  # the second start compiled and parsed nothing new
    assert not [p.name for p in cache.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_class_made_during_a_save_waits_for_the_next_one(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    methodcache.install(cache)
    make_classes()
    assert methodcache.pending()
    dumps = cachefile.marshal.dumps

    def meanwhile(value: Any) -> bytes:  # another thread creates a class mid-save
        methodcache._new["def __create_fn__():\n pass"] = compile("pass", "<string>", "exec")
        return dumps(value)

    monkeypatch.setattr(cachefile.marshal, "dumps", meanwhile)
    methodcache.save()
    monkeypatch.undo()
    assert cache.is_file()
    assert list(methodcache._new) == ["def __create_fn__():\n pass"]  # not lost, not saved
    assert methodcache.pending()
    methodcache.save()
    assert not methodcache.pending()
