"""The coalescing save thread."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from arrangeren_tui.core.storage.files import atomic_write_bytes, encode_json
from arrangeren_tui.core.storage.writer import SaveWriter

WAIT = 5.0  # upper bound for anything that should happen "soon"


class FileSaver:
    """A save function writing to a real file, recording every call."""

    def __init__(self, path: Path, fail_first: int = 0) -> None:
        self.path = path
        self.fail_first = fail_first
        self.calls: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, record: dict) -> None:
        with self.lock:
            self.calls.append(record["n"])
            if len(self.calls) <= self.fail_first:
                raise OSError(28, "No space left on device")
        atomic_write_bytes(self.path, encode_json(record), keep_backup=False)

    def on_disk(self) -> int:
        return json.loads(self.path.read_text())["n"]


class Results:
    def __init__(self) -> None:
        self.items: list[tuple[bool, BaseException | None]] = []
        self.changed = threading.Condition()

    def __call__(self, ok: bool, error: BaseException | None) -> None:
        with self.changed:
            self.items.append((ok, error))
            self.changed.notify_all()

    def wait_for(self, predicate) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self.items), timeout=WAIT)


@pytest.fixture
def writers():
    made: list[SaveWriter] = []
    yield made
    for writer in made:
        writer.close(timeout=1)


def test_coalesces_and_ends_with_the_newest(tmp_path: Path, writers) -> None:
    saver = FileSaver(tmp_path / "s.json")
    writer = SaveWriter(saver)
    writers.append(writer)
    for n in range(1, 201):
        writer.submit({"n": n})
    assert writer.flush(timeout=WAIT) is True
    assert saver.on_disk() == 200
    assert saver.calls[-1] == 200
    assert 1 <= len(saver.calls) <= 200
    assert saver.calls == sorted(saver.calls)  # never an older state after a newer one
    assert not writer.pending
    assert not writer.failing


def test_flush_with_nothing_submitted(tmp_path: Path, writers) -> None:
    writer = SaveWriter(FileSaver(tmp_path / "s.json"))
    writers.append(writer)
    assert writer.flush(timeout=0.5) is True


def test_records_are_coalesced_while_a_save_is_under_way(tmp_path: Path, writers) -> None:
    started = threading.Event()
    release = threading.Event()
    calls: list[int] = []

    def slow(record: dict) -> None:
        calls.append(record["n"])
        if record["n"] == 1:
            started.set()
            assert release.wait(WAIT)

    writer = SaveWriter(slow)
    writers.append(writer)
    writer.submit({"n": 1})
    assert started.wait(WAIT)
    for n in range(2, 11):
        writer.submit({"n": n})
    release.set()
    assert writer.flush(timeout=WAIT)
    assert calls == [1, 10]  # 2..9 were overtaken and never written


def test_failing_saves_are_retried_and_reported(tmp_path: Path, writers) -> None:
    saver = FileSaver(tmp_path / "s.json", fail_first=2)
    results = Results()
    writer = SaveWriter(saver, results, retry_seconds=0.01)
    writers.append(writer)
    writer.submit({"n": 1})
    writer.submit({"n": 2})
    writer.submit({"n": 3})
    assert writer.flush(timeout=WAIT) is True
    assert results.wait_for(lambda items: any(ok for ok, _ in items))
    oks = [ok for ok, _ in results.items]
    assert oks[:2] == [False, False]
    assert all(oks[2:]) and len(oks) >= 3
    assert isinstance(results.items[0][1], OSError)
    assert results.items[-1][1] is None
    assert saver.on_disk() == 3
    assert saver.calls[-1] == 3
    assert not writer.failing


def test_newest_record_wins_after_failures(tmp_path: Path, writers) -> None:
    saver = FileSaver(tmp_path / "s.json", fail_first=2)
    results = Results()
    writer = SaveWriter(saver, results, retry_seconds=0.01)
    writers.append(writer)
    writer.submit({"n": 1})
    assert results.wait_for(lambda items: len(items) >= 1)
    writer.submit({"n": 2})  # typed while the disk was failing
    assert writer.flush(timeout=WAIT)
    assert saver.on_disk() == 2
    assert [ok for ok, _ in results.items][:2] == [False, False]
    assert results.items[-1][0] is True


def test_write_now_is_ordered_after_a_write_under_way(tmp_path: Path, writers) -> None:
    path = tmp_path / "s.json"
    started = threading.Event()
    release = threading.Event()
    calls: list[int] = []

    def slow(record: dict) -> None:
        calls.append(record["n"])
        if record["n"] == 1:
            started.set()
            assert release.wait(WAIT)
        atomic_write_bytes(path, encode_json(record), keep_backup=False)

    writer = SaveWriter(slow)
    writers.append(writer)
    writer.submit({"n": 1})
    assert started.wait(WAIT)
    timer = threading.Timer(0.05, release.set)
    timer.start()
    try:
        assert writer.write_now({"n": 2}, timeout=WAIT) is True
    finally:
        timer.join()
    assert release.is_set()  # write_now really waited for the slow save
    assert writer.flush(timeout=WAIT)
    assert calls == [1, 2]
    assert json.loads(path.read_text())["n"] == 2
    assert not writer.pending


def test_write_now_times_out_rather_than_hang(writers) -> None:
    started = threading.Event()
    release = threading.Event()

    def slow(record: dict) -> None:
        started.set()
        release.wait(WAIT)

    writer = SaveWriter(slow)
    writers.append(writer)
    writer.submit({"n": 1})
    assert started.wait(WAIT)
    try:
        assert writer.write_now({"n": 2}, timeout=0.05) is False
        assert writer.pending
    finally:
        release.set()
    assert writer.flush(timeout=WAIT)


def test_write_now_without_record_writes_what_is_pending(tmp_path: Path, writers) -> None:
    path = tmp_path / "s.json"
    started = threading.Event()
    release = threading.Event()
    calls: list[int] = []

    def slow(record: dict) -> None:
        calls.append(record["n"])
        if record["n"] == 1:
            started.set()
            assert release.wait(WAIT)
        atomic_write_bytes(path, encode_json(record), keep_backup=False)

    writer = SaveWriter(slow)
    writers.append(writer)
    writer.submit({"n": 1})
    assert started.wait(WAIT)
    writer.submit({"n": 2})
    timer = threading.Timer(0.05, release.set)
    timer.start()
    try:
        assert writer.write_now(timeout=WAIT) is True
    finally:
        timer.join()
    assert json.loads(path.read_text())["n"] == 2
    assert not writer.pending
    assert writer.write_now() is True  # nothing pending: nothing to do
    assert calls == [1, 2]


def test_close_leaves_nothing_pending(tmp_path: Path) -> None:
    saver = FileSaver(tmp_path / "s.json")
    writer = SaveWriter(saver)
    for n in range(1, 51):
        writer.submit({"n": n})
    assert writer.close() is True
    assert not writer.pending
    assert saver.on_disk() == 50
    assert not writer._thread.is_alive()  # noqa: SLF001
    writer.submit({"n": 51})  # after close: ignored, never raises
    assert not writer.pending
    assert saver.on_disk() == 50


def test_failing_save_never_raises_out_of_submit(tmp_path: Path) -> None:
    results = Results()

    def broken(record: dict) -> None:
        raise OSError(13, "Permission denied")

    writer = SaveWriter(broken, results, retry_seconds=0.01)
    for n in range(100):
        writer.submit({"n": n})
    assert results.wait_for(lambda items: len(items) >= 3)
    assert writer.failing
    assert writer.pending  # the state is kept in memory
    assert writer.flush(timeout=0.05) is False
    assert all(ok is False for ok, _ in results.items)
    assert writer.close(timeout=1) is False  # something is left unsaved, and it says so
    assert not writer._thread.is_alive()  # noqa: SLF001


def test_a_broken_callback_does_not_stop_saving(tmp_path: Path, writers) -> None:
    saver = FileSaver(tmp_path / "s.json")

    def callback(ok: bool, error: BaseException | None) -> None:
        raise RuntimeError("kapotte callback")

    writer = SaveWriter(saver, callback)
    writers.append(writer)
    writer.submit({"n": 1})
    assert writer.flush(timeout=WAIT)
    writer.submit({"n": 2})
    assert writer.flush(timeout=WAIT)
    assert saver.on_disk() == 2
