"""The encrypted store (issue 18): the key and passphrase, the conversion in place, and
what an encrypted store must still do (damage, backups, search, exports, rescue copies).

Opening or sealing the key costs about a second (scrypt, on purpose), so each test
does it as few times as it can. All data is fictional.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import T0, demo_session

from arrangeren_tui.core.encryption import encrypt_store
from arrangeren_tui.core.planning.rules import Series
from arrangeren_tui.core.planning.store import PlanningStore
from arrangeren_tui.core.removal import delete_session
from arrangeren_tui.core.storage import crypt
from arrangeren_tui.core.storage.codec import (
    AGE_HEADER,
    DONE_NAME,
    KEY_NAME,
    PASSPHRASE_FD_ENV,
    forget,
    is_encrypted,
)
from arrangeren_tui.core.storage.exportlog import exported_files, record_export
from arrangeren_tui.core.storage.history import full_text_hits
from arrangeren_tui.core.storage.rescue import find_rescues, write_rescue
from arrangeren_tui.core.storage.store import DamagedSessionError, SessionStore, StoreError
from arrangeren_tui.core.veld import Veld

PASSPHRASE = "proef-wachtwoord"
NEW_PASSPHRASE = "ander-proef-wachtwoord"
CANARY = "kanarie-7Q3x-notitie"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _locked_again(store: SessionStore):  # type: ignore[no-untyped-def]
    """Each test starts, and leaves, with no key unlocked for its store."""
    forget(store.root)
    yield
    forget(store.root)


def with_canary(veld: Veld, session_id: str, pupil: str = "Tessa de Jong"):  # type: ignore[no-untyped-def]
    session = demo_session(veld, session_id=session_id)
    session.add_note(f"{CANARY} voor {session_id}", T0, party="ouders")
    return session


def fill(store: SessionStore, veld: Veld, count: int) -> list[str]:
    """``count`` sessions, each saved twice (so each has a ``.bak``), with the canary."""
    ids = []
    for n in range(count):
        session = with_canary(veld, f"20261123-k{n:03d}")
        store.save(session)
        session.add_note("tweede generatie", T0 + 60, party="school")
        store.save(session)
        ids.append(session.id)
    store.list()  # the index
    return ids


def data_files(root: Path) -> list[Path]:
    """Sessions, backups and the index (not the temporary files of a write under way)."""
    return sorted(p for p in root.glob("*.json*") if not p.name.startswith("."))


def all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def run_cli(*args: str, passphrase_lines: list[str] | None = None,
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), **(extra_env or {})}
    given = None
    if passphrase_lines is not None:
        env[PASSPHRASE_FD_ENV] = "0"
        given = "".join(line + "\n" for line in passphrase_lines)
    return subprocess.run([sys.executable, "-m", "arrangeren_tui", *args], env=env,
                          input=given, capture_output=True, text=True, timeout=60)


# -- the key and the passphrase ------------------------------------------------------------


def test_wrong_passphrase_is_refused_in_dutch_and_changes_nothing(store, veld):
    fill(store, veld, 2)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    forget(store.root)
    before = {p: p.read_bytes() for p in all_files(store.root)}
    with pytest.raises(crypt.WrongPassphraseError, match="wachtwoord is onjuist"):
        crypt.unlock(store.root, "helemaal-fout")
    assert store.locked
    done = run_cli("--store", str(store.root), "list", passphrase_lines=["helemaal-fout"])
    assert done.returncode == 1
    assert done.stderr.strip() == ("arrangeren: het wachtwoord is onjuist; er is niets "
                                   "veranderd")
    assert "Tessa" not in done.stdout
    assert {p: p.read_bytes() for p in all_files(store.root)} == before


def test_an_encrypted_file_without_the_key_is_unreadable_never_damaged(store, veld):
    """Read without the passphrase (another program version, a forgotten unlock): the
    session is not set aside and no backup is offered in its place."""
    ids = fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    forget(store.root)
    fresh = SessionStore(store.root)
    with pytest.raises(StoreError) as raised:
        fresh.load(ids[0])
    assert "versleuteld" in str(raised.value)
    assert fresh.recover_damaged() == []
    assert fresh.path_for(ids[0]).exists()


def test_new_passphrase_reads_everything_and_the_old_one_is_refused(store, veld):
    ids = fill(store, veld, 3)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    data_before = {p: p.read_bytes() for p in all_files(store.root) if p.name != KEY_NAME}
    done = run_cli("--store", str(store.root), "wachtwoord",
                   passphrase_lines=[PASSPHRASE, NEW_PASSPHRASE])
    assert done.returncode == 0, done.stderr
    assert "het oude werkt niet meer" in done.stdout
    assert "wachtwoord vergeet, is de gesprekken kwijt" in done.stderr
    # Only the key file was written: no session was rewritten.
    assert {p: p.read_bytes() for p in all_files(store.root) if p.name != KEY_NAME} == \
        data_before
    forget(store.root)
    with pytest.raises(crypt.WrongPassphraseError):
        crypt.unlock(store.root, PASSPHRASE)
    crypt.unlock(store.root, NEW_PASSPHRASE)
    assert [store.load(i).notes[-1].text for i in ids] == ["tweede generatie"] * 3


def test_a_weak_or_mistyped_new_passphrase_makes_no_key(store):
    done = run_cli("--store", str(store.root), "versleutel", passphrase_lines=["kort"])
    assert done.returncode == 1 and "minstens 8 tekens" in done.stderr
    assert not is_encrypted(store.root)


def test_no_passphrase_without_a_terminal_is_a_clear_refusal(store, veld):
    fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    done = subprocess.run([sys.executable, "-m", "arrangeren_tui", "--store", str(store.root),
                           "list"], env={**os.environ, "PYTHONPATH": str(REPO)},
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "de opslag is versleuteld" in done.stderr and PASSPHRASE_FD_ENV in done.stderr


def test_a_plain_store_never_loads_pyrage(store, veld):
    fill(store, veld, 1)
    script = ("import sys; from arrangeren_tui.cli.main import main; "
              f"main(['--store', {str(store.root)!r}, 'list']); "
              "assert 'pyrage' not in sys.modules, 'pyrage loaded'")
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ,
                          "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# -- converting in place ----------------------------------------------------------------------


def test_no_plaintext_anywhere_in_the_store_after_conversion(store, veld, tmp_path):
    ids = fill(store, veld, 3)
    damaged = store.path_for("20261123-kapt")
    damaged.write_bytes(b'{"half": "' + CANARY.encode() + b' Tessa de Jong')
    store.set_aside("20261123-kapt")  # a damaged copy, kept under its own name
    report = tmp_path / "verslag.md"
    report.write_text(f"Verslag Tessa de Jong {CANARY}", "utf-8")
    record_export(store.root, ids[0], report, report.read_bytes())
    PlanningStore(store.root).add_series(Series(
        id="ser1", name="Dinsdag Tessa de Jong", rule="maand", weekday=1, n=1,
        start=dt.date(2027, 1, 1), end=dt.date(2027, 6, 30), time="13:30",
        place=f"kamer {CANARY}"))
    plain = [p for p in all_files(store.root) if CANARY.encode() in p.read_bytes()
             or b"Tessa" in p.read_bytes()]
    assert len(plain) >= 3 * 2 + 3  # sessions and backups, the index, the list, the planning
    done = run_cli("--store", str(store.root), "versleutel", passphrase_lines=[PASSPHRASE])
    assert done.returncode == 0, done.stderr
    assert "wachtwoord vergeet, is de gesprekken kwijt" in done.stderr
    assert "blijven leesbaar" in done.stdout
    memory = crypt.unlock_memory_mib(store.root)
    assert memory is not None and memory >= 16  # rage's work factor: 2^14 at least
    assert f"kort {memory} MiB geheugen" in done.stdout
    for path in all_files(store.root):
        raw = path.read_bytes()
        assert CANARY.encode() not in raw and b"Tessa" not in raw, path
        if path.stat().st_size and path.name != KEY_NAME:
            assert raw.startswith(AGE_HEADER), path
    # and all of it still works with the key
    crypt.unlock(store.root, PASSPHRASE)
    summaries, problems = store.list()
    assert problems == [] and sorted(s.id for s in summaries) == ids
    assert store.load(ids[1]).notes[-1].text == "tweede generatie"
    assert store.backup_info(ids[1]) is not None
    assert [r.path for r in exported_files(store.root, ids[0])] == [report.resolve()]
    assert PlanningStore(store.root).series()[0].name == "Dinsdag Tessa de Jong"
    assert report.read_text("utf-8").startswith("Verslag")  # exports stay readable


class Stop(Exception):
    pass


def test_a_conversion_stopped_after_some_files_leaves_every_session_readable(store, veld):
    ids = fill(store, veld, 6)
    codec = crypt.create_key(store.root, PASSPHRASE)
    written: list[Path] = []

    def stop_after_five(path: Path) -> None:
        written.append(path)
        if len(written) == 5:
            raise Stop

    with pytest.raises(Stop):
        encrypt_store(store, codec, after_file=stop_after_five)
    forms = {p.read_bytes().startswith(AGE_HEADER) for p in data_files(store.root)}
    assert forms == {True, False}  # half and half
    fresh = SessionStore(store.root)
    assert all(fresh.load(i).notes[-1].text == "tweede generatie" for i in ids)
    assert fresh.list()[1] == []
    again = encrypt_store(store, codec)  # the next run finishes it
    assert again.already >= 5 and again.complete  # and the index, if the list rewrote it
    assert all(p.read_bytes().startswith(AGE_HEADER) for p in data_files(store.root))
    assert all(fresh.load(i).notes[-1].text == "tweede generatie" for i in ids)


KILLED_CONVERSION = """
import sys, time
from pathlib import Path
from arrangeren_tui.core.encryption import encrypt_store
from arrangeren_tui.core.storage import crypt
from arrangeren_tui.core.storage.store import SessionStore

root = Path(sys.argv[1])
codec = crypt.create_key(root, sys.argv[2])
print("key", flush=True)
encrypt_store(SessionStore(root), codec, after_file=lambda path: time.sleep(0.02))
print("done", flush=True)
"""


def test_a_conversion_killed_by_sigkill_leaves_every_session_readable(store, veld):
    ids = fill(store, veld, 30)
    child = subprocess.Popen([sys.executable, "-c", KILLED_CONVERSION, str(store.root),
                              PASSPHRASE], env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "key"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = sum(p.read_bytes().startswith(AGE_HEADER) for p in data_files(store.root))
        if done >= 10:
            break
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    assert child.wait(10) == -signal.SIGKILL
    encrypted = sum(p.read_bytes().startswith(AGE_HEADER) for p in data_files(store.root))
    assert 10 <= encrypted < 61, encrypted  # killed half-way
    crypt.unlock(store.root, PASSPHRASE)
    assert all(store.load(i).notes[-1].text == "tweede generatie" for i in ids)
    assert all(store.backup_info(i) is not None for i in ids)
    done_run = run_cli("--store", str(store.root), "versleutel", passphrase_lines=[PASSPHRASE])
    assert done_run.returncode == 0, done_run.stderr
    for path in all_files(store.root):
        assert CANARY.encode() not in path.read_bytes(), path
    assert all(store.load(i).notes[-1].text == "tweede generatie" for i in ids)


def test_a_session_open_elsewhere_is_left_until_the_next_run(store, veld):
    ids = fill(store, veld, 2)
    codec = crypt.create_key(store.root, PASSPHRASE)
    held = SessionStore(store.root).lock(ids[0])
    assert held.acquire()
    try:
        result = encrypt_store(store, codec)
    finally:
        held.release()
    assert result.busy == [ids[0]]
    assert not store.path_for(ids[0]).read_bytes().startswith(AGE_HEADER)
    assert encrypt_store(store, codec).complete
    assert store.path_for(ids[0]).read_bytes().startswith(AGE_HEADER)


def test_a_new_store_is_encrypted_from_the_start(tmp_path, veld):
    root = tmp_path / "nieuw"
    done = run_cli("--store", str(root), "versleutel", passphrase_lines=[PASSPHRASE])
    assert done.returncode == 0, done.stderr
    made = run_cli("--store", str(root), "new", "--leerling", "Bo Voorbeeld", "--json",
                   passphrase_lines=[PASSPHRASE])
    assert made.returncode == 0, made.stderr
    assert all(b"Voorbeeld" not in p.read_bytes() for p in all_files(root))
    assert (root / KEY_NAME).stat().st_mode & 0o777 == 0o600


# -- an encrypted store at work -------------------------------------------------------------


def test_one_flipped_byte_is_damage_and_the_backup_is_offered(store, veld):
    ids = fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    path = store.path_for(ids[0])
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    summaries, problems = store.list()
    assert summaries[0].damaged == "het kan niet ontsleuteld worden (veranderd of beschadigd)"
    assert problems and "arrangeren herstel" in problems[0]
    [recovery] = store.recover_damaged()
    assert recovery.backup is not None and recovery.backup.notes == len(
        demo_session(veld).notes) + 1
    restored = store.restore_backup(ids[0])
    assert restored.notes[-1].text.startswith(CANARY)
    assert store.path_for(ids[0]).read_bytes().startswith(AGE_HEADER)


def test_full_text_search_finds_notes_in_encrypted_sessions(store, veld):
    ids = fill(store, veld, 3)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    summaries, _ = store.list()
    hits = list(full_text_hits(store, summaries, [f"voor {ids[1]}"]))
    assert [s.id for s, _hit in hits] == [ids[1]]


def test_deleting_an_encrypted_session_removes_its_exports(store, veld, tmp_path):
    ids = fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    report = tmp_path / "verslag.md"
    report.write_bytes(b"Verslag")
    record_export(store.root, ids[0], report, b"Verslag")
    removal = delete_session(store, ids[0])
    assert removal.exports.removed == [report.resolve()] and not report.exists()
    assert not any(ids[0] in p.name for p in all_files(store.root))


def test_rescue_copies_of_an_encrypted_store_are_encrypted(store, veld, tmp_path):
    crypt.create_key(store.root, PASSPHRASE)
    session = with_canary(veld, "20261123-nood")
    folder = tmp_path / "noodkopieen"
    path = write_rescue(store.root, session.to_record(), [folder])
    assert path is not None and CANARY.encode() not in path.read_bytes()
    [found] = find_rescues(store.root, [folder])
    assert found.session_id == "20261123-nood"
    forget(store.root)
    assert find_rescues(store.root, [folder]) == []  # locked: not readable, not offered


# -- the passphrase screen --------------------------------------------------------------------


async def wait_until(pilot, condition, seconds: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Pause the pilot until ``condition()`` (opening the key takes about a second)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


async def test_the_app_asks_the_passphrase_before_any_data_and_refuses_a_wrong_one(
        store, veld, clock):
    from textual.widgets import DataTable, Static

    from arrangeren_tui.ui.app import ArrangerenApp
    from arrangeren_tui.ui.screens.home import HomeScreen
    from arrangeren_tui.ui.screens.passphrase import PassphraseScreen

    ids = fill(store, veld, 2)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    forget(store.root)
    app = ArrangerenApp(store=store, veld=veld, now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PassphraseScreen))
        screen = app.screen
        assert "Versleutelde opslag" in str(screen.query_one(".dialog-title").render())
        assert not [s for s in app.screen_stack if isinstance(s, HomeScreen)]
        await pilot.press(*"helemaal-fout", "enter")
        status = screen.query_one("#passphrase-status", Static)
        await wait_until(pilot, lambda: "onjuist" in str(status.render()))
        assert str(status.render()) == ("Het wachtwoord is onjuist; er is niets veranderd. "
                                        "Probeer het opnieuw.")
        assert app.screen is screen and store.locked
        await pilot.press(*PASSPHRASE, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        table = app.screen.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == 2)
        assert not store.locked
        assert sorted(str(table.get_row_at(r)[-1]) for r in range(2)) == ids


def test_nothing_is_written_plain_into_a_locked_store(store, veld):
    ids = fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    forget(store.root)
    before = {p: p.read_bytes() for p in all_files(store.root)}
    session = with_canary(veld, "20261123-lekt")
    with pytest.raises(PermissionError, match="versleuteld"):
        store.save(session)
    with pytest.raises(OSError):
        record_export(store.root, ids[0], store.root / "x.md", b"x")
    after = {p: p.read_bytes() for p in all_files(store.root)}
    assert {p: raw for p, raw in after.items() if p not in before} == {
        store.root / "exports" / f".{ids[0]}.lock": b""}  # only the export list's empty lock
    assert {p: after[p] for p in before} == before


def test_the_first_conversion_waits_until_no_window_has_a_session_open(store, veld):
    ids = fill(store, veld, 1)
    held = SessionStore(store.root).lock(ids[0])
    assert held.acquire()
    try:
        done = run_cli("--store", str(store.root), "versleutel", passphrase_lines=[PASSPHRASE])
    finally:
        held.release()
    assert done.returncode == 1
    assert f"gesprek {ids[0]} staat open in een ander venster" in done.stderr
    assert not is_encrypted(store.root)


def test_a_vervolggesprek_of_an_encrypted_session_is_encrypted_too(store, veld):
    ids = fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    follow = store.create_follow_up(ids[0], veld, T0 + 86_400, "2027-01-12", planned=True)
    raw = store.path_for(follow.id).read_bytes()
    assert raw.startswith(AGE_HEADER) and b"Tessa" not in raw
    assert store.load(follow.id).previous == ids[0]
    assert store.load(follow.id).meta.pupil == "Tessa de Jong"


def test_plain_temporary_files_of_killed_writes_are_removed(store, veld):
    """A save killed half-way leaves ``.<name>.<pid>.<hex>.tmp`` with plain data in it."""
    ids = fill(store, veld, 1)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(gone.stdout)
    left = store.root / f".{ids[0]}.json.{dead_pid}.0badc0de.tmp"
    left.write_text(f"{{\"half\": \"{CANARY}", "utf-8")
    mine = store.root / f".index.json.{os.getpid()}.0badc0de.tmp"  # a write under way
    mine.write_bytes(b"")
    result = encrypt_store(store, crypt.create_key(store.root, PASSPHRASE))
    assert result.removed_temp == 1 and not left.exists() and mine.exists()


# -- review: what the conversion leaves plain, and plain files after it ----------------------


def test_plain_rescue_copies_from_before_the_conversion_are_encrypted_by_it(
        store, veld, tmp_path):
    """An emergency copy made while the store was plain sits outside the store, in the
    user's data folder; the conversion must not leave it readable there."""
    folder = tmp_path / "noodkopieen"
    other = tmp_path / "andere-opslag"
    mine = write_rescue(store.root, with_canary(veld, "20261123-nood").to_record(), [folder])
    theirs = write_rescue(other, with_canary(veld, "20261123-ande").to_record(), [folder])
    assert mine is not None and theirs is not None
    result = encrypt_store(store, crypt.create_key(store.root, PASSPHRASE),
                           rescue_folders=[folder])
    assert result.rescues == 1
    assert mine.read_bytes().startswith(AGE_HEADER) and CANARY.encode() not in mine.read_bytes()
    assert CANARY.encode() in theirs.read_bytes()  # another store's copy: not ours to touch
    [found] = find_rescues(store.root, [folder])
    assert found.session_id == "20261123-nood" and found.record == with_canary(
        veld, "20261123-nood").to_record()


def test_a_plain_file_in_a_finished_encrypted_store_is_refused_until_versleutel(store, veld):
    """Once the conversion is done, a plain session file did not come from this program
    (dropped in, or an old copy put back): it is refused as damaged, never read as a
    session and never left unnoticed; 'versleutel' encrypts it if it is the user's."""
    ids = fill(store, veld, 1)
    codec = crypt.create_key(store.root, PASSPHRASE)
    assert encrypt_store(store, codec).complete
    planted = with_canary(veld, "20261123-lekt")
    store.path_for(planted.id).write_bytes(json.dumps(planted.to_record()).encode("utf-8"))
    with pytest.raises(DamagedSessionError, match="niet versleuteld"):
        store.load(planted.id)
    summaries, problems = store.list()
    assert {s.id: bool(s.damaged) for s in summaries} == {ids[0]: False, planted.id: True}
    assert problems
    assert [s.id for s, _hit in full_text_hits(store, summaries, ["kanarie"])] == ids
    # a new start reads the marker: still refused
    forget(store.root)
    crypt.unlock(store.root, PASSPHRASE)
    with pytest.raises(DamagedSessionError):
        SessionStore(store.root).load(planted.id)
    again = encrypt_store(store, store.codec)
    assert again.converted == [store.path_for(planted.id)]
    assert store.load(planted.id).meta.pupil == planted.meta.pupil


def test_a_store_whose_key_is_gone_is_never_written_plain_nor_given_a_new_key(store, veld):
    """sleutel.age deleted, or not restored with the rest: the store must not pass for a
    plain one (new sessions written in plain text) and 'versleutel' must not make a second
    key (every existing file would then be unreadable and set aside as damaged)."""
    ids = fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    forget(store.root)
    (store.root / KEY_NAME).unlink()
    for marked in (True, False):  # the conversion's mark, or only the encrypted index
        if not marked:
            (store.root / DONE_NAME).unlink()
        fresh = SessionStore(store.root)
        assert fresh.locked
        with pytest.raises(PermissionError, match="versleuteld"):
            fresh.save(with_canary(veld, "20261123-lekt"))
        assert not fresh.path_for("20261123-lekt").exists()
        with pytest.raises(crypt.CryptError, match=r"sleutel.age\) ontbreekt"):
            crypt.create_key(store.root, PASSPHRASE)
        done = run_cli("--store", str(store.root), "versleutel",
                       passphrase_lines=[NEW_PASSPHRASE])
        assert done.returncode == 1 and "ontbreekt" in done.stderr, done.stderr
        done = run_cli("--store", str(store.root), "list", passphrase_lines=[PASSPHRASE])
        assert done.returncode == 1 and "zet sleutel.age terug" in done.stderr, done.stderr
        assert not (store.root / KEY_NAME).exists()
    assert store.path_for(ids[0]).read_bytes().startswith(AGE_HEADER)


async def test_the_passphrase_field_is_masked_emptied_at_once_and_never_hangs(
        store, veld, clock, monkeypatch):
    """The typed passphrase leaves the field as soon as Enter is pressed (also when it is
    right: the screen is not kept empty-handed until garbage collection), and a key file
    that cannot be read gives a Dutch reason instead of 'Bezig…' for ever."""
    from textual.widgets import Input, Static

    from arrangeren_tui.ui.app import ArrangerenApp
    from arrangeren_tui.ui.screens.home import HomeScreen
    from arrangeren_tui.ui.screens.passphrase import PassphraseScreen

    fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    forget(store.root)
    real_unlock = crypt.unlock

    def unreadable(root: Path, passphrase: str) -> crypt.AgeCodec:
        raise PermissionError(13, "Permission denied", str(root / KEY_NAME))

    monkeypatch.setattr(crypt, "unlock", unreadable)
    app = ArrangerenApp(store=store, veld=veld, now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PassphraseScreen))
        screen = app.screen
        field = screen.query_one("#passphrase-input", Input)
        assert field.password
        await pilot.press(*PASSPHRASE, "enter")
        status = screen.query_one("#passphrase-status", Static)
        await wait_until(pilot, lambda: "niet lezen" in str(status.render()))
        assert str(status.render()).startswith("Kan de sleutel van de opslag niet lezen (")
        assert field.value == "" and store.locked and app.screen is screen
        monkeypatch.setattr(crypt, "unlock", real_unlock)
        await pilot.press(*PASSPHRASE, "enter")
        assert field.value == ""  # before the key is even open
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert field.value == ""


def test_a_bad_passphrase_descriptor_is_a_usage_error_never_a_crash(store):
    done = run_cli("--store", str(store.root), "versleutel",
                   extra_env={PASSPHRASE_FD_ENV: "geen-nummer"})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"arrangeren: {PASSPHRASE_FD_ENV} moet een bestandsnummer zijn; er is niets veranderd")
    assert not is_encrypted(store.root) and not (store.root / "fouten.log").exists()


def test_a_wrong_current_passphrase_leaves_the_key_file_as_it_was(store, veld):
    fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    before = (store.root / KEY_NAME).read_bytes()
    done = run_cli("--store", str(store.root), "wachtwoord",
                   passphrase_lines=["helemaal-fout", NEW_PASSPHRASE])
    assert done.returncode == 1 and "onjuist" in done.stderr
    assert (store.root / KEY_NAME).read_bytes() == before
    assert [p.name for p in store.root.iterdir() if p.name.startswith(f".{KEY_NAME}")] == []


def test_a_session_file_swapped_with_another_is_damage_not_the_other_session(store, veld):
    """age binds no file to its name: the id inside the record is checked against it."""
    ids = fill(store, veld, 2)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    first, second = (store.path_for(i) for i in ids)
    raw_first, raw_second = first.read_bytes(), second.read_bytes()
    first.write_bytes(raw_second)
    second.write_bytes(raw_first)
    for session_id, other in zip(ids, reversed(ids), strict=True):
        with pytest.raises(DamagedSessionError, match=f"het bevat gesprek {other}"):
            store.load(session_id)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_deleting_a_session_removes_its_emergency_copies(store, veld, tmp_path, encrypted):
    """A session is deleted completely: an emergency copy (outside the store) would keep
    all of it, and the next start would offer to put the deleted session back."""
    ids = fill(store, veld, 2)
    if encrypted:
        crypt.create_key(store.root, PASSPHRASE)
        encrypt_store(store, store.codec)
    folder = tmp_path / "noodkopieen"
    gone = write_rescue(store.root, store.load(ids[0]).to_record(), [folder])
    kept = write_rescue(store.root, store.load(ids[1]).to_record(), [folder])
    removal = delete_session(store, ids[0], rescue_folders=[folder])
    assert gone is not None and not gone.exists() and gone in removal.files
    assert kept is not None and kept.exists()
    assert [r.session_id for r in find_rescues(store.root, [folder])] == [ids[1]]


def test_a_copy_saved_elsewhere_into_the_store_folder_itself_is_encrypted(
        store, veld, tmp_path):
    """^Q with a failing save offers 'elders bewaren'; typed the store's own folder, the copy
    must not land there as a plain file among the encrypted ones."""
    from arrangeren_tui.ui.app import write_copy

    ids = fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    record = store.load(ids[0]).to_record()
    inside = write_copy(record, store.root)
    assert inside == store.path_for(ids[0]) and inside.read_bytes().startswith(AGE_HEADER)
    assert store.load(ids[0]).notes[-1].text == "tweede generatie"
    outside = write_copy(record, tmp_path)
    assert CANARY.encode() in outside.read_bytes()  # elsewhere: readable, as the README says


def test_a_passphrase_change_stopped_at_the_rename_leaves_the_old_key_whole(
        store, veld, monkeypatch):
    """Killed or failing mid-'wachtwoord': sleutel.age is the old one (rename is atomic), no
    temporary key file is left, and the written key is owner-only and never plain."""
    from arrangeren_tui.core.storage import files

    fill(store, veld, 1)
    crypt.create_key(store.root, PASSPHRASE)
    before = (store.root / KEY_NAME).read_bytes()
    written: list[bytes] = []

    def fail_at_rename(source: Path, target: Path) -> None:
        written.append(source.read_bytes())
        assert source.stat().st_mode & 0o777 == 0o600
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "replace_file", fail_at_rename)
    with pytest.raises(OSError):
        crypt.change_passphrase(store.root, PASSPHRASE, NEW_PASSPHRASE)
    monkeypatch.undo()
    assert (store.root / KEY_NAME).read_bytes() == before
    assert [p.name for p in store.root.iterdir() if p.name.endswith(".tmp")] == []
    assert written and written[0].startswith(AGE_HEADER) and b"AGE-SECRET-KEY" not in written[0]
    forget(store.root)
    crypt.unlock(store.root, PASSPHRASE)
    crypt.change_passphrase(store.root, PASSPHRASE, NEW_PASSPHRASE)
    assert (store.root / KEY_NAME).stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("damage", ["cut off", "payload byte", "mac byte", "mac not base64",
                                    "overwritten", "empty"])
def test_a_damaged_key_file_says_damaged_not_a_wrong_passphrase(store, veld, damage):
    """A damaged ``sleutel.age`` is not reported as a wrong passphrase (which would send
    the facilitator looking for another one): it says to put the key file back."""
    crypt.create_key(store.root, PASSPHRASE)
    key = store.root / KEY_NAME
    sealed = key.read_bytes()
    forget(store.root)
    mac = sealed.index(b"\n--- ") + 6
    broken = {
        "cut off": sealed[:len(sealed) - 20],
        "payload byte": sealed[:-3] + bytes([sealed[-3] ^ 1]) + sealed[-2:],
        "mac byte": sealed[:mac] + bytes([sealed[mac] ^ 1]) + sealed[mac + 1:],
        # A flipped bit can also leave a character base64 has not ('+' becomes '*'): rage
        # then cannot read the header at all (one CI run in about thirty drew such a MAC).
        "mac not base64": sealed[:mac] + b"*" + sealed[mac + 1:],
        "overwritten": b"\0" * len(sealed),
        "empty": b"",
    }[damage]
    key.write_bytes(broken)
    with pytest.raises(crypt.CryptError, match="is beschadigd: zet sleutel.age terug") as caught:
        crypt.unlock(store.root, PASSPHRASE)
    assert not isinstance(caught.value, crypt.WrongPassphraseError)
    assert key.read_bytes() == broken  # nothing changed
    with pytest.raises(crypt.WrongPassphraseError):  # and a healthy key still says "wrong"
        key.write_bytes(sealed)
        crypt.unlock(store.root, "helemaal-fout")


def test_the_home_lists_first_rows_from_an_encrypted_index_too(store, veld):
    """``newest`` (the index's head, before the whole list) reads through the codec."""
    fill(store, veld, 3)
    crypt.create_key(store.root, PASSPHRASE)
    encrypt_store(store, store.codec)
    summaries, _ = store.list()
    assert (store.root / "index.json").read_bytes().startswith(AGE_HEADER)
    head, total = SessionStore(store.root).newest(2) or ([], 0)
    assert head == summaries[:2] and total == 3
    forget(store.root)
    assert SessionStore(store.root).newest(2) is None  # locked: no head, and no error
