"""Nothing lost, nothing leaked (core): locks, damaged files, deleting, retention, crash log,
and a storage whose writes fail at every possible moment."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import T0, demo_session

from arrangeren_tui.core.model import Consent, Session, SessionMeta
from arrangeren_tui.core.storage import files as storage
from arrangeren_tui.core.storage.crashlog import LOG_NAME, write_crash_log
from arrangeren_tui.core.storage.files import backup_path
from arrangeren_tui.core.storage.lock import SessionLock, is_locked
from arrangeren_tui.core.storage.retention import (
    DEFAULT_MONTHS,
    RetentionError,
    add_months,
    expired,
    resolve_months,
)
from arrangeren_tui.core.storage.store import (
    DAMAGED_MARK,
    DamagedSessionError,
    NewerFormatError,
    SessionInUseError,
    SessionStore,
    StoreError,
)
from arrangeren_tui.core.storage.writer import SaveWriter

# -- locks ---------------------------------------------------------------------------


def test_second_lock_on_a_session_is_refused_and_names_the_holder(store: SessionStore, demo):
    first = store.lock(demo.id)
    assert first.acquire()
    second = store.lock(demo.id)
    assert not second.acquire()
    holder = second.holder()
    assert holder.pid == os.getpid()
    assert f"proces {os.getpid()}" in holder.describe()
    assert store.in_use(demo.id)
    first.release()
    assert not store.in_use(demo.id)
    assert second.acquire()
    second.release()


def test_lock_of_a_killed_process_does_not_block(store: SessionStore, demo):
    """flock dies with its process: a SIGKILLed holder leaves no stale lock."""
    path = store.lock(demo.id).path
    code = (
        "import sys, os, signal; sys.path.insert(0, sys.argv[1]);"
        "from arrangeren_tui.core.storage.lock import SessionLock; from pathlib import Path;"
        "lock = SessionLock(Path(sys.argv[2])); assert lock.acquire();"
        "print('held', flush=True); os.kill(os.getpid(), signal.SIGKILL)"
    )
    root = str(Path(__file__).resolve().parent.parent)
    result = subprocess.run([sys.executable, "-c", code, root, str(path)], capture_output=True,
                            text=True, timeout=30)
    assert result.stdout.strip() == "held" and result.returncode == -9
    assert path.exists()  # the file stays behind ...
    assert not is_locked(path)  # ... but holds nobody back
    lock = SessionLock(path)
    assert lock.acquire()
    lock.release()


def test_lock_held_by_another_process_is_seen(store: SessionStore, demo):
    path = store.lock(demo.id).path
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]);"
        "from arrangeren_tui.core.storage.lock import SessionLock; from pathlib import Path;"
        "lock = SessionLock(Path(sys.argv[2])); assert lock.acquire();"
        "print('held', flush=True); time.sleep(30)"
    )
    root = str(Path(__file__).resolve().parent.parent)
    child = subprocess.Popen([sys.executable, "-c", code, root, str(path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        lock = store.lock(demo.id)
        assert not lock.acquire()
        assert lock.holder().pid == child.pid
        with pytest.raises(SessionInUseError, match="open in een ander venster"):
            store.delete(demo.id)
        assert store.path_for(demo.id).exists()
    finally:
        child.kill()
        child.wait()
    assert store.lock(demo.id).acquire()


# -- damaged files -------------------------------------------------------------------

DAMAGE = {
    "afgekapt": lambda raw: raw[: len(raw) // 2],
    "rommel-erachter": lambda raw: raw + b"\x00garbage}",
    "leeg": lambda raw: b"",
    "geen-utf8": lambda raw: raw.replace(b'"meta"', b'"m\xff\xfeta"', 1),
    "verkeerd-schema": lambda raw: json.dumps({"session": {"1": {"id": "x"}}}).encode(),
    "lijst": lambda raw: b"[1, 2, 3]",
    "tabel-is-lijst": lambda raw: json.dumps({"session": [], "notes": {}}).encode(),
}


def _two_generations(store: SessionStore, veld) -> Session:  # type: ignore[no-untyped-def]
    session = demo_session(veld)
    store.save(session)  # generation 1 (becomes the backup)
    session.add_note("Tweede generatie", T0 + 60, party="school")
    store.save(session)  # generation 2
    return session


def test_the_damage_scan_reads_only_files_changed_since_the_index(store, veld, monkeypatch):
    """Files this program saved are not read again at every start; a file changed by
    something else after that is."""
    whole = _two_generations(store, veld)
    other = demo_session(veld)
    other.id = "20261124-ab12"
    store.save(other)
    store.list()
    read: list[str] = []
    real_read = SessionStore.read_record

    def counting_read(self: SessionStore, session_id: str) -> dict[str, object]:
        read.append(session_id)
        return real_read(self, session_id)

    monkeypatch.setattr(SessionStore, "read_record", counting_read)
    assert store.recover_damaged() == [] and read == []
    path = store.path_for(other.id)
    path.write_bytes(path.read_bytes()[:40])  # torn by another program, after the index
    assert [r.session_id for r in store.recover_damaged()] == [other.id]
    assert whole.id not in read and other.id in read


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_file_is_set_aside_never_overwritten_and_backup_offered(store, veld, kind):
    session = _two_generations(store, veld)
    path = store.path_for(session.id)
    damaged = DAMAGE[kind](path.read_bytes())
    path.write_bytes(damaged)
    with pytest.raises(DamagedSessionError) as caught:
        store.load(session.id)
    assert caught.value.session_id == session.id

    recoveries = store.recover_damaged()
    assert [r.session_id for r in recoveries] == [session.id]
    recovery = recoveries[0]
    # Moved aside under a clear name, byte for byte, and gone from the list.
    assert recovery.moved_to is not None and DAMAGED_MARK in recovery.moved_to.name
    assert recovery.moved_to.read_bytes() == damaged
    assert not path.exists()
    assert session.id not in [s.id for s in store.list()[0]]
    # The previous generation is offered and can be put back.
    assert recovery.backup is not None
    assert recovery.backup.notes == len(session.notes) - 1
    restored = store.restore_backup(session.id)
    assert [n.text for n in restored.notes] == [n.text for n in session.notes[:-1]]
    assert session.id in [s.id for s in store.list()[0]]
    # The damaged copy is still there, untouched.
    assert recovery.moved_to.read_bytes() == damaged


def test_recovery_leaves_good_sessions_and_files_in_use_alone(store, veld):
    good = demo_session(veld, session_id="20261123-good")
    store.save(good)
    bad = _two_generations(store, veld)
    store.path_for(bad.id).write_bytes(b"{")
    lock = store.lock(bad.id)
    assert lock.acquire()
    assert store.recover_damaged() == []  # in use elsewhere: not moved
    assert store.path_for(bad.id).read_bytes() == b"{"
    lock.release()
    assert [r.session_id for r in store.recover_damaged()] == [bad.id]
    assert store.load(good.id).notes == good.notes


def test_damaged_without_backup_is_still_set_aside(store, veld):
    session = demo_session(veld)
    store.save(session)
    store.path_for(session.id).write_bytes(b"")
    [recovery] = store.recover_damaged()
    assert recovery.backup is None and recovery.moved_to is not None
    with pytest.raises(StoreError, match="geen leesbare vorige versie"):
        store.restore_backup(session.id)


def test_restore_refuses_to_overwrite_an_existing_file(store, veld):
    session = _two_generations(store, veld)
    with pytest.raises(StoreError, match="nog een bestand"):
        store.restore_backup(session.id)
    assert len(store.load(session.id).notes) == len(session.notes)


def test_orphan_backup_is_reported(store, veld):
    session = _two_generations(store, veld)
    store.set_aside(session.id)
    [orphan] = store.orphan_backups()
    assert orphan.session_id == session.id and orphan.pupil == "Tessa de Jong"


# -- deleting -----------------------------------------------------------------------


def test_delete_removes_every_trace(store, veld):
    session = _two_generations(store, veld)
    other = demo_session(veld, session_id="20261123-keep")
    store.save(other)
    store.path_for(session.id).write_bytes(b"{")
    store.set_aside(session.id)  # a damaged copy
    store.restore_backup(session.id)
    store.save(session)
    leftover_tmp = store.root / f".{session.id}.json.999.abcd.tmp"
    leftover_tmp.write_bytes(b"half")
    lock = store.lock(session.id)
    lock.acquire()
    lock.release()
    assert len(store.files_of(session.id)) >= 5

    removed = store.delete(session.id)

    names = " ".join(p.name for p in store.root.iterdir())
    assert session.id not in names
    assert session.id not in store.root.joinpath("index.json").read_text("utf-8")
    assert len(removed) >= 4
    assert [s.id for s in store.list()[0]] == [other.id]
    assert store.load(other.id).notes == other.notes
    with pytest.raises(StoreError, match="bestaat niet"):
        store.delete(session.id)


# -- permissions ----------------------------------------------------------------------


def test_files_and_folder_are_private_whatever_the_umask(tmp_path: Path, veld):
    old = os.umask(0)
    try:
        store = SessionStore(tmp_path / "open")
        session = store.create(SessionMeta(pupil="P.Q.", date="2026-11-23"), veld, T0)
        store.save(session)
        lock = store.lock(session.id)
        lock.acquire()
        lock.release()
        log = write_crash_log(store.root, RuntimeError("x"))
    finally:
        os.umask(old)
    assert store.root.stat().st_mode & 0o777 == 0o700
    files = [p for p in store.root.iterdir()]
    assert log in files and backup_path(store.path_for(session.id)) in files
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600, path.name


# -- retention ------------------------------------------------------------------------


def test_retention_from_evaluation_date_else_meeting_date(store, veld):
    old = demo_session(veld, session_id="20230105-oldd")
    old.meta = SessionMeta(pupil="A", date="2023-01-05")
    store.save(old)
    evaluated = demo_session(veld, session_id="20230106-eval")
    evaluated.meta = SessionMeta(pupil="B", date="2023-01-06")
    evaluated.evaluation_date = "2024-06-01"
    store.save(evaluated)
    summaries, _ = store.list()
    today = dt.date(2026, 1, 1)
    result = expired(summaries, today, DEFAULT_MONTHS)
    assert [(e.summary.id, e.since, e.basis) for e in result] == [
        ("20230105-oldd", dt.date(2025, 1, 5), "gespreksdatum")
    ]
    later = expired(summaries, dt.date(2026, 6, 2), DEFAULT_MONTHS)
    assert [e.summary.id for e in later] == ["20230105-oldd", "20230106-eval"]
    # Listing never deletes.
    assert {s.id for s in store.list()[0]} == {"20230105-oldd", "20230106-eval"}


def test_retention_setting_order_and_errors(tmp_path: Path):
    settings = tmp_path / "instellingen.toml"
    assert resolve_months(None, {}, settings) == 24
    settings.write_text("bewaartermijn_maanden = 36\n")
    assert resolve_months(None, {}, settings) == 36
    assert resolve_months(None, {"ARRANGEREN_BEWAARTERMIJN": "12"}, settings) == 12
    assert resolve_months("6", {"ARRANGEREN_BEWAARTERMIJN": "12"}, settings) == 6
    with pytest.raises(RetentionError, match="heel aantal maanden"):
        resolve_months("twee jaar", {}, None)
    with pytest.raises(RetentionError, match="minstens 1"):
        resolve_months("0", {}, None)
    settings.write_text("bewaartermijn_maanden = [")
    with pytest.raises(RetentionError, match="instellingen"):
        resolve_months(None, {}, settings)


def test_add_months_keeps_the_day_or_takes_the_last():
    assert add_months(dt.date(2024, 2, 29), 24) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 8, 31), 1) == dt.date(2026, 9, 30)
    assert add_months(dt.date(2026, 11, 23), 2) == dt.date(2027, 1, 23)


# -- consent --------------------------------------------------------------------------


def test_consent_survives_a_round_trip(store, veld):
    session = demo_session(veld)
    session.add_consent(Consent("swv", "het verslag", "moeder", "2026-11-23"), T0)
    session.add_consent(Consent("jgz", "het verslag", "vader", "2026-11-23", granted=False), T0)
    store.save(session)
    loaded = store.load(session.id)
    assert loaded.consents == session.consents
    assert loaded.consent_for("jgz").granted is False  # type: ignore[union-attr]
    assert loaded.consent_for("jeugdhulp") is None
    with pytest.raises(KeyError):
        session.add_consent(Consent("onbekend", "x", "y", "2026-11-23"), T0)


# -- crash log ------------------------------------------------------------------------


def test_crash_log_holds_no_note_text(tmp_path: Path):
    secret = "Tessa slaapt slecht sinds de scheiding"

    def deep(note_text: str) -> None:
        raise ValueError(f"kapot bij {note_text}")

    try:
        try:
            deep(secret)
        except ValueError as inner:
            raise OSError(errno.ENOSPC, "No space left on device") from inner
    except OSError as error:
        log = write_crash_log(tmp_path, error, context="BoardScreen")
    assert log == tmp_path / LOG_NAME
    text = log.read_text("utf-8")
    assert secret not in text and "scheiding" not in text
    assert "OSError [errno 28" in text and "builtins.ValueError" in text
    assert "in deep" in text and "context: BoardScreen" in text


# -- a storage whose writes fail at every possible moment ----------------------------


class FaultyOS:
    """``os`` for the storage module, failing (disk full) at the N-th system call."""

    CALLS = {"open", "write", "fsync", "fchmod", "link", "replace", "rename"}

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at
        self.count = 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        real = getattr(os, name)
        if name not in self.CALLS:
            return real

        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.count += 1
            if self.count == self.fail_at:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(*args, **kwargs)

        return call


def _count_calls(store: SessionStore, record: dict, monkeypatch) -> int:  # type: ignore[type-arg]
    counter = FaultyOS(fail_at=0)
    monkeypatch.setattr(storage, "os", counter)
    store.save_record(record)
    monkeypatch.setattr(storage, "os", os)
    return counter.count


def test_write_failing_at_every_call_leaves_old_or_new_never_broken(store, veld, monkeypatch):
    session = demo_session(veld)
    store.save(session)
    old_record = session.to_record()
    session.add_note("Nieuwe notitie", T0 + 120, party="swv")
    new_record = session.to_record()
    total = _count_calls(store, new_record, monkeypatch)
    assert total >= 5
    for fail_at in range(1, total + 1):
        store.save_record(old_record)
        store.save_record(old_record)
        monkeypatch.setattr(storage, "os", FaultyOS(fail_at))
        failed = False
        try:
            store.save_record(new_record)
        except OSError:
            failed = True
        finally:
            monkeypatch.setattr(storage, "os", os)
        on_disk = json.loads(store.path_for(session.id).read_text("utf-8"))
        assert on_disk in (old_record, new_record), f"call {fail_at}: a mixed or broken file"
        if failed and fail_at < total:
            assert on_disk == old_record, f"call {fail_at}"
        assert json.loads(backup_path(store.path_for(session.id)).read_text("utf-8")) in (
            old_record, new_record)
        leftovers = [p.name for p in store.root.glob(".*.tmp")]
        assert leftovers == [], f"call {fail_at}: {leftovers}"
    # A zero-byte file is refused, never read as an empty session.
    store.path_for(session.id).write_bytes(b"")
    with pytest.raises(DamagedSessionError, match="leeg"):
        store.load(session.id)


def test_writer_retries_after_every_kind_of_failure_and_ends_with_the_newest(store, veld,
                                                                              monkeypatch):
    session = demo_session(veld)
    store.save(session)
    total = _count_calls(store, session.to_record(), monkeypatch)
    failures_seen = 0
    for fail_at in range(1, total + 1):
        results: list[bool] = []
        faulty = FaultyOS(fail_at)
        monkeypatch.setattr(storage, "os", faulty)
        writer = SaveWriter(store.save_record, lambda ok, _e, results=results: results.append(ok),
                            retry_seconds=0.01)
        try:
            session.add_note(f"notitie {fail_at}", T0 + fail_at, party="ouders")
            writer.submit(session.to_record())
            assert writer.flush(timeout=10), f"call {fail_at}: never written"
        finally:
            writer.close()
            monkeypatch.setattr(storage, "os", os)
        assert results[-1] is True, f"call {fail_at}: {results}"
        failures_seen += False in results
        loaded = store.load(session.id)
        assert [n.text for n in loaded.notes] == [n.text for n in session.notes]
        assert not list(store.root.glob(".*.tmp"))
    # Writing the new file and the final rename fail loudly; refreshing the backup
    # (link, rename) and the folder fsync are best effort and never stop a save.
    assert failures_seen == total - 4


# -- something that is not a file in place of a session (issue 13, part 3) -------------------

def _not_a_file(path: Path, kind: str) -> None:
    path.unlink()
    if kind == "map":
        path.mkdir()
        (path / "iets.txt").write_text("niet van ons")
    elif kind == "pijp":
        os.mkfifo(path)
    else:
        path.symlink_to(path.with_name("weg.json"))


@pytest.mark.parametrize("kind", ["map", "pijp", "verwijzing-naar-niets"])
def test_not_a_file_is_damage_with_the_backup_offered(store, veld, kind):
    session = _two_generations(store, veld)
    path = store.path_for(session.id)
    _not_a_file(path, kind)
    # Loading says "damaged" at once (a named pipe is never opened: it would wait for ever).
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: _catch(outcome, store.load, session.id),
                              daemon=True)
    reader.start()
    reader.join(5)
    assert not reader.is_alive(), "loading waited on something that is not a file"
    assert isinstance(outcome[0], DamagedSessionError)
    # The list marks it, and recovery sets it aside and offers the backup.
    [summary] = store.list()[0]
    assert summary.id == session.id and summary.damaged == outcome[0].reason
    [recovery] = store.recover_damaged()
    assert recovery.moved_to is not None and DAMAGED_MARK in recovery.moved_to.name
    assert recovery.backup is not None
    restored = store.restore_backup(session.id)
    assert len(restored.notes) == len(session.notes) - 1
    assert [(s.id, s.damaged) for s in store.list()[0]] == [(session.id, "")]
    # Deleting the session takes the set-aside thing along, a folder too.
    store.delete(session.id)
    assert [p.name for p in store.root.iterdir() if session.id in p.name] == []


def _catch(outcome: list[BaseException], call, *args) -> None:  # type: ignore[no-untyped-def]
    try:
        call(*args)
    except BaseException as error:  # noqa: BLE001 - handed to the test
        outcome.append(error)


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_list_marks_a_session_damaged_after_it_was_listed(store, veld, kind):
    session = _two_generations(store, veld)
    good = demo_session(veld, session_id="20261123-good")
    store.save(good)
    assert [s.damaged for s in store.list()[0]] == ["", ""]  # the index is written
    path = store.path_for(session.id)
    path.write_bytes(DAMAGE[kind](path.read_bytes()))
    for lister in (store, SessionStore(store.root)):  # this process, and a new one
        summaries, problems = lister.list()
        marks = {s.id: s.damaged for s in summaries}
        assert marks[good.id] == "" and marks[session.id], kind
        assert next(s for s in summaries if s.id == session.id).pupil == "Tessa de Jong"
        assert len(problems) == 1 and f"arrangeren herstel {session.id}" in problems[0]
    # Once the index is written again for another reason, the mark stays.
    store.save(demo_session(veld, session_id="20261124-next"))
    assert {s.id: bool(s.damaged) for s in store.list()[0]}[session.id]


def test_a_session_from_a_newer_version_is_refused_never_set_aside(store, veld):
    """A file written by a newer program (format 2) is not damaged: refuse it, leave it be."""
    session = _two_generations(store, veld)
    path = store.path_for(session.id)
    record = json.loads(path.read_text("utf-8"))
    record["session"]["1"]["format"] = 2
    path.write_text(json.dumps(record), "utf-8")
    before = path.read_bytes()
    with pytest.raises(NewerFormatError, match="gemaakt met een nieuwere versie") as caught:
        store.load(session.id)
    assert not isinstance(caught.value, DamagedSessionError)
    assert store.recover_damaged() == []  # the home screen's scan leaves it alone
    assert path.read_bytes() == before
    assert not list(store.root.glob(f"{path.name}{DAMAGED_MARK}*"))
    store.forget(session.id)  # as if the index never saw it
    summaries, problems = store.list()
    assert session.id not in [s.id for s in summaries]
    assert any("gemaakt met een nieuwere versie" in p for p in problems)
    assert path.read_bytes() == before
