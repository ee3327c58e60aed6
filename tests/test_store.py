"""The session store on disk: atomic, private, and never silently empty."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import stat
from pathlib import Path

import pytest
import tinydb

from arrangeren_tui.core.model import Session, SessionMeta
from arrangeren_tui.core.storage import files as storage
from arrangeren_tui.core.storage.files import AtomicJSONStorage, CorruptFileError, encode_json
from arrangeren_tui.core.storage.store import (
    INDEX_NAME,
    SessionStore,
    SessionSummary,
    StoreError,
    _newest_first,
)
from arrangeren_tui.core.veld import load_veld

DECK = Path(__file__).resolve().parent.parent / "decks" / "veld.toml"
T0 = 1_800_000_000.0


@pytest.fixture(scope="module")
def veld():
    return load_veld(DECK)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions")


def meta(pupil: str = "Anna Smit", date: str = "2026-11-23", **kw) -> SessionMeta:
    return SessionMeta(pupil=pupil, date=date, **kw)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def stray_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- create and load --------------------------------------------------------------


def test_create_writes_one_file_named_by_id(store: SessionStore, veld) -> None:
    session = store.create(meta("Tessa de Jong", school="De Regenboog"), veld, T0)
    path = store.root / f"{session.id}.json"
    assert path.is_file()
    assert path == store.path_for(session.id)
    assert session.id.startswith("20261123-")
    for part in ("tessa", "jong", "t.d.j"):
        assert part not in session.id.lower()
        assert part not in path.name.lower()
    assert (store.root / INDEX_NAME).is_file()


def test_ids_are_unique(store: SessionStore, veld) -> None:
    ids = {store.create(meta(), veld, T0).id for _ in range(20)}
    assert len(ids) == 20


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_folder_and_files_are_private_even_with_a_loose_umask(
    store: SessionStore, veld, umask: int
) -> None:
    old = os.umask(umask)
    try:
        session = store.create(meta(), veld, T0)
        session.add_note("tweede generatie", T0 + 1)
        store.save(session)
    finally:
        os.umask(old)
    assert mode(store.root) == 0o700
    files = list(store.root.iterdir())
    assert {p.name for p in files} == {
        f"{session.id}.json",
        f"{session.id}.json.bak",
        INDEX_NAME,
    }
    for path in files:
        assert mode(path) == 0o600, path.name


def test_ensure_tightens_a_loose_existing_folder(store: SessionStore) -> None:
    store.root.mkdir(mode=0o755)
    os.chmod(store.root, 0o755)
    store.ensure()
    assert mode(store.root) == 0o700


def test_load_round_trip(store: SessionStore, veld) -> None:
    session = store.create(meta("T.d.J.", group="5"), veld, T0)
    session.add_note("Leest graag", T0 + 10, party="ouders", important=True)
    session.move_step(1, T0 + 60)
    session.set_draft("half", 2)
    store.save(session)
    loaded = SessionStore(store.root).load(session.id)
    assert loaded == session
    assert loaded.notes[0].text == "Leest graag"


def test_file_is_plain_tinydb_json(store: SessionStore, veld, tmp_path: Path) -> None:
    session = store.create(meta(), veld, T0)
    session.add_note("een", T0)
    session.add_note("twee", T0, party="jgz")
    store.save(session)
    copy = tmp_path / "copy.json"
    copy.write_bytes(store.path_for(session.id).read_bytes())
    db = tinydb.TinyDB(copy)
    try:
        assert db.tables() == {"session", "notes", "arrangement"}
        head = db.table("session").get(doc_id=1)
        assert head["id"] == session.id
        assert head["meta"]["pupil"] == "Anna Smit"
        notes = db.table("notes").all()
        assert sorted((n.doc_id, n["text"], n["party"]) for n in notes) == [
            (1, "een", "leerling"),
            (2, "twee", "jgz"),
        ]
    finally:
        db.close()


def test_second_save_keeps_the_previous_generation(store: SessionStore, veld) -> None:
    session = store.create(meta(), veld, T0)
    path = store.path_for(session.id)
    first = path.read_bytes()
    session.add_note("nieuw", T0 + 1)
    store.save(session)
    backup = path.with_name(path.name + ".bak")
    assert backup.read_bytes() == first
    assert path.read_bytes() != first
    assert json.loads(path.read_bytes())["notes"]["1"]["text"] == "nieuw"
    session.add_note("nog een", T0 + 2)
    second = path.read_bytes()
    store.save(session)
    assert backup.read_bytes() == second


# -- damaged files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "het bestand is leeg"),
        (b"  \n", "het bestand is leeg"),
        (b'{"session": {"1": ', "ongeldige JSON op regel 1"),
        (b"\xff\xfe{}", "het bestand is geen geldige UTF-8-tekst"),
        (b"[1, 2]", "het bestand heeft niet de vorm van een database"),
    ],
)
def test_storage_refuses_damaged_files(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(CorruptFileError) as info:
        AtomicJSONStorage(path).read()
    assert info.value.reason.startswith(reason)
    assert path.read_bytes() == content  # never "repaired" into an empty database


def test_storage_reads_a_missing_file_as_none(tmp_path: Path) -> None:
    assert AtomicJSONStorage(tmp_path / "weg.json").read() is None


def test_tinydb_does_not_treat_an_empty_file_as_empty_db(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b"")
    db = tinydb.TinyDB(path, storage=AtomicJSONStorage)
    with pytest.raises(CorruptFileError):
        db.table("session").all()
    db.close()
    assert path.read_bytes() == b""


@pytest.mark.parametrize("content", [b"", b"{ kapot"])
def test_load_of_a_damaged_file_is_a_dutch_store_error(
    store: SessionStore, veld, content: bytes
) -> None:
    session = store.create(meta(), veld, T0)
    store.path_for(session.id).write_bytes(content)
    with pytest.raises(StoreError) as info:
        store.load(session.id)
    message = str(info.value)
    assert message.startswith(f"het bestand van gesprek {session.id} is beschadigd: ")
    assert "Traceback" not in message
    assert store.path_for(session.id).read_bytes() == content


def test_load_of_a_file_without_a_session(store: SessionStore) -> None:
    store.ensure()
    store.path_for("20261123-aaaa").write_text('{"notes": {}}')
    with pytest.raises(StoreError, match="bevat geen gesprek"):
        store.load("20261123-aaaa")


def test_load_of_a_wrong_shape_is_a_store_error(store: SessionStore, veld) -> None:
    session = store.create(meta(), veld, T0)
    record = json.loads(store.path_for(session.id).read_text())
    del record["session"]["1"]["clock"]
    store.path_for(session.id).write_text(json.dumps(record))
    with pytest.raises(StoreError, match="onverwachte vorm"):
        store.load(session.id)


def test_load_of_a_newer_format_is_a_store_error(store: SessionStore, veld) -> None:
    session = store.create(meta(), veld, T0)
    record = json.loads(store.path_for(session.id).read_text())
    record["session"]["1"]["format"] = 99
    store.path_for(session.id).write_text(json.dumps(record))
    with pytest.raises(StoreError, match="nieuwer"):
        store.load(session.id)


WRONG_SHAPES = [
    '{"session": []}',
    '{"session": "x"}',
    '{"session": {"1": 5}}',
    '{"session": {"1": {"format": 1}}, "notes": []}',
    '{"session": {"1": {"format": 1}}, "notes": {"1": 5}}',
    '{"session": {"1": {"format": 1}}, "notes": {"a": {}}}',
    '{"session": {"x": {}}}',
    "{}",
]


@pytest.mark.parametrize("content", WRONG_SHAPES)
def test_valid_json_in_the_wrong_shape_is_a_store_error(store: SessionStore, content: str) -> None:
    store.ensure()
    store.path_for("20261123-vorm").write_text(content)
    with pytest.raises(StoreError) as info:
        store.load("20261123-vorm")
    assert "20261123-vorm" in str(info.value)


@pytest.mark.parametrize("content", WRONG_SHAPES)
def test_list_reports_a_file_in_the_wrong_shape(store: SessionStore, veld, content: str) -> None:
    good = store.create(meta(), veld, T0)
    store.path_for("20261123-vorm").write_text(content)
    summaries, problems = store.list()
    assert [(s.id, bool(s.damaged)) for s in summaries] == [(good.id, False),
                                                           ("20261123-vorm", True)]
    assert len(problems) == 1 and "20261123-vorm" in problems[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("draft", "x"), ("step_seconds", []), ("meta", "x"), ("clock", {"intervals": 3})],
)
def test_load_of_a_damaged_field_is_a_store_error(
    store: SessionStore, veld, field: str, value
) -> None:
    session = store.create(meta(), veld, T0)
    record = json.loads(store.path_for(session.id).read_text())
    record["session"]["1"][field] = value
    store.path_for(session.id).write_text(json.dumps(record))
    with pytest.raises(StoreError, match="onverwachte vorm"):
        store.load(session.id)


def test_load_of_an_unknown_id(store: SessionStore) -> None:
    with pytest.raises(StoreError, match="bestaat niet"):
        store.load("20261123-zzzz")


# -- failing writes ---------------------------------------------------------------


def _save_fails(store: SessionStore, veld, monkeypatch, target: str) -> None:
    session = store.create(meta(), veld, T0)
    path = store.path_for(session.id)
    before = path.read_bytes()
    real = getattr(os, target)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    session.add_note("gaat verloren op schijf", T0 + 1)
    monkeypatch.setattr(os, target, broken)
    with pytest.raises(OSError):
        store.save(session)
    monkeypatch.setattr(os, target, real)
    assert path.read_bytes() == before
    assert store.load(session.id).notes == []
    assert stray_files(store.root) == []
    assert not [p for p in store.root.iterdir() if p.name.startswith(".")]


def test_failing_replace_leaves_the_old_file(store: SessionStore, veld, monkeypatch) -> None:
    _save_fails(store, veld, monkeypatch, "replace")


def test_failing_write_leaves_the_old_file(store: SessionStore, veld, monkeypatch) -> None:
    _save_fails(store, veld, monkeypatch, "write")


def test_failing_fsync_leaves_the_old_file(store: SessionStore, veld, monkeypatch) -> None:
    _save_fails(store, veld, monkeypatch, "fsync")


def test_short_writes_are_completed(tmp_path: Path, monkeypatch) -> None:
    real_write = os.write

    def short(fd, data):
        return real_write(fd, bytes(data[:7]))

    monkeypatch.setattr(os, "write", short)
    payload = encode_json({"t": {"1": {"text": "x" * 500}}})
    storage.atomic_write_bytes(tmp_path / "x.json", payload)
    monkeypatch.undo()
    assert (tmp_path / "x.json").read_bytes() == payload


# -- list and index -------------------------------------------------------------


def test_list_of_a_missing_folder_is_empty_and_creates_nothing(store: SessionStore) -> None:
    assert store.list() == ([], [])
    assert not store.root.exists()


def test_list_newest_first(store: SessionStore, veld) -> None:
    old = store.create(meta("A.A.", date="2026-01-05"), veld, T0)
    new = store.create(meta("B.B.", date="2026-11-23"), veld, T0)
    mid = store.create(meta("C.C.", date="2026-06-01", school="De Linde", group="7"), veld, T0)
    summaries, problems = SessionStore(store.root).list()
    assert problems == []
    assert [s.id for s in summaries] == [new.id, mid.id, old.id]
    third = summaries[1]
    assert (third.pupil, third.date, third.school, third.group, third.status) == (
        "C.C.",
        "2026-06-01",
        "De Linde",
        "7",
        "open",
    )


def test_same_date_sorted_by_creation(store: SessionStore, veld) -> None:
    first = store.create(meta("A.A."), veld, T0)
    second = store.create(meta("B.B."), veld, T0 + 3600)
    summaries, _ = store.list()
    assert [s.id for s in summaries] == [second.id, first.id]


def test_list_rebuilds_a_deleted_index(store: SessionStore, veld) -> None:
    a = store.create(meta("A.A."), veld, T0)
    b = store.create(meta("B.B."), veld, T0 + 1)
    (store.root / INDEX_NAME).unlink()
    summaries, problems = SessionStore(store.root).list()
    assert problems == []
    assert {s.id for s in summaries} == {a.id, b.id}
    index = json.loads((store.root / INDEX_NAME).read_text())
    assert {v["id"] for v in index["sessions"].values()} == {a.id, b.id}


def test_list_rebuilds_a_damaged_index(store: SessionStore, veld) -> None:
    a = store.create(meta("A.A."), veld, T0)
    (store.root / INDEX_NAME).write_text("{ kapot")
    summaries, problems = SessionStore(store.root).list()
    assert [s.id for s in summaries] == [a.id]
    assert problems == []
    json.loads((store.root / INDEX_NAME).read_text())  # valid again


def test_list_drops_entries_whose_file_is_gone(store: SessionStore, veld) -> None:
    a = store.create(meta("A.A."), veld, T0)
    b = store.create(meta("B.B."), veld, T0)
    store.path_for(a.id).unlink()
    summaries, problems = store.list()
    assert [s.id for s in summaries] == [b.id]
    assert problems == []
    index = json.loads((store.root / INDEX_NAME).read_text())
    assert [v["id"] for v in index["sessions"].values()] == [b.id]


def test_list_picks_up_a_file_missing_from_the_index(store: SessionStore, veld) -> None:
    a = store.create(meta("A.A."), veld, T0)
    other = SessionStore(store.root)
    b = Session.new("20261124-bbbb", meta("B.B.", date="2026-11-24"), veld, T0)
    store.path_for(b.id).write_bytes(encode_json(b.to_record()))  # e.g. copied in
    summaries, _ = other.list()
    assert [s.id for s in summaries] == [b.id, a.id]


def _write_many(store: SessionStore, veld, count: int) -> dict[str, str]:
    """``count`` sessions written straight to disk (as copied in), dates spread over years."""
    store.ensure()
    dates = {}
    for number in range(count):
        date = f"{2020 + number % 7}-{1 + number % 12:02d}-{1 + number % 28:02d}"
        session = Session.new(f"20200101-{number:04d}", meta(f"Leerling {number}", date=date,
                                                               school="De Linde"), veld, T0)
        store.path_for(session.id).write_bytes(encode_json(session.to_record()))
        dates[session.id] = date
    return dates


def test_list_of_a_large_store_is_complete_sorted_and_follows_every_change(
        store: SessionStore, veld) -> None:
    dates = _write_many(store, veld, 600)
    summaries, problems = store.list()
    assert problems == []
    assert len(summaries) == 600 and {s.id for s in summaries} == set(dates)
    key = [(s.date, s.created, s.id) for s in summaries]
    assert key == sorted(key, reverse=True)
    summaries.clear()  # the caller's copy: the store's own stays whole
    again, _ = store.list()
    assert len(again) == 600
    assert [s.id for s in SessionStore(store.root).list()[0]] == [s.id for s in again]

    # Another program rewrites one file in place, removes one, adds one.
    changed, gone = again[300].id, again[10].id
    session = store.load(changed)
    session.meta = meta("Nieuwe Naam", date="2031-01-01")
    store.path_for(changed).write_bytes(encode_json(session.to_record()))
    store.path_for(gone).unlink()
    extra = Session.new("20300101-xtra", meta("Erbij", date="2030-06-01"), veld, T0)
    store.path_for(extra.id).write_bytes(encode_json(extra.to_record()))
    for reader in (store, SessionStore(store.root)):
        summaries, problems = reader.list()
        assert problems == []
        assert len(summaries) == 600
        assert [s.id for s in summaries[:2]] == [changed, extra.id]
        assert summaries[0].pupil == "Nieuwe Naam"
        assert gone not in {s.id for s in summaries}


def test_list_reads_an_index_whose_entries_are_in_another_key_order(
        store: SessionStore, veld) -> None:
    a = store.create(meta("A.A.", school="De Linde"), veld, T0)
    index = store.root / INDEX_NAME
    data = json.loads(index.read_text())
    data["sessions"] = {n: dict(reversed(list(entry.items())))  # e.g. written by hand
                        for n, entry in data["sessions"].items()}
    index.write_text(json.dumps(data))
    os.utime(index, ns=(10**18 * 3, 10**18 * 3))  # newer than the session file: trusted
    [summary], problems = SessionStore(store.root).list()
    assert problems == []
    assert (summary.id, summary.pupil, summary.school) == (a.id, "A.A.", "De Linde")


def _trusted_index(store: SessionStore, text: str) -> None:
    """Write ``text`` as the index, newer than every session file (so it is believed)."""
    index = store.root / INDEX_NAME
    index.write_text(text, "utf-8")
    os.utime(index, ns=(10**18 * 3, 10**18 * 3))


@pytest.mark.parametrize("layout", ["as written", "indented", "one per line",
                                    "other members", "spaces everywhere"])
def test_list_reads_the_index_in_any_json_layout(store: SessionStore, veld, monkeypatch,
                                                  layout: str) -> None:
    """The index is parsed entry by entry (not as one document); any layout of the same
    JSON gives the same list, and no session file is read for it."""
    a = store.create(meta("A.A.", school="De Linde"), veld, T0)
    b = store.create(meta("B \"de\" B.", date="2026-11-24", group="8"), veld, T0)
    data = json.loads((store.root / INDEX_NAME).read_text())
    entries = data["sessions"]
    text = {
        "as written": json.dumps(data),
        "indented": json.dumps(data, indent=2),
        "one per line": '{"sessions": {\n' + ",\n".join(
            f'"{n}": {json.dumps(v)}' for n, v in entries.items()) + "\n}}\n",
        "other members": json.dumps({"later": [1, {"x": "}"}], "sessions": entries,
                                     "also": None}),
        "spaces everywhere": " \n{ \"sessions\" :\t{ " + " , ".join(
            f'"{n}" : {json.dumps(v)} ' for n, v in entries.items()) + "} }\r\n",
    }[layout]
    _trusted_index(store, text)
    fresh = SessionStore(store.root)
    monkeypatch.setattr(fresh, "read_record", lambda session_id: pytest.fail(session_id))
    summaries, problems = fresh.list()
    assert problems == []
    assert [(s.id, s.pupil, s.school, s.group) for s in summaries] == [
        (b.id, 'B "de" B.', "", "8"), (a.id, "A.A.", "De Linde", "")]


@pytest.mark.parametrize("text", ['{"sessions": {"1": {"id": "x"', '{"sessions": {}} {}',
                                  '{"sessions": {"1": {"id": "x"} "2": {}}}', "[]",
                                  '{"sessions": {"1": [1, 2]}}', '{"sessions": {"1": {}}}'])
def test_list_rebuilds_an_index_that_is_not_whole(store: SessionStore, veld, text: str
                                                  ) -> None:
    a = store.create(meta("A.A."), veld, T0)
    _trusted_index(store, text)
    summaries, problems = SessionStore(store.root).list()
    assert ([s.id for s in summaries], problems) == ([a.id], [])
    index = json.loads((store.root / INDEX_NAME).read_text())
    assert [v["id"] for v in index["sessions"].values()] == [a.id]


def test_index_entries_keep_every_field(store: SessionStore) -> None:
    """Each field comes back under its own name (the short way reads them by position),
    also from an entry without ``damaged`` (older indexes) or with a number in it."""
    summary = SessionSummary(*[f"{field.name}-{n}" for n, field in
                               enumerate(dataclasses.fields(SessionSummary))])
    store.ensure()
    store._write_index({summary.id: summary})
    assert SessionStore(store.root)._read_index() == {summary.id: summary}
    entry = dataclasses.asdict(summary)
    del entry["damaged"]
    entry["minutes"] = 45
    _trusted_index(store, json.dumps({"sessions": {"1": entry}}))
    assert SessionStore(store.root)._read_index() == {
        summary.id: dataclasses.replace(summary, damaged="", minutes="45")}


def test_list_order_is_date_then_creation_then_id_newest_first() -> None:
    rng = random.Random(5)
    summaries = [SessionSummary(id=f"s{n:03d}", pupil="", date=f"2026-01-0{rng.randint(1, 3)}",
                                school="", group="", status="open",
                                created=f"T{rng.randint(1, 3)}")
                 for n in range(200)]
    rng.shuffle(summaries)
    expected = sorted(summaries, key=lambda s: (s.date, s.created, s.id), reverse=True)
    assert _newest_first(summaries) == expected


def test_list_keeps_its_index_cache_until_another_process_changes_the_index(
        store: SessionStore, veld, monkeypatch) -> None:
    a = store.create(meta("A.A."), veld, T0)
    store.list()
    reads: list[int] = []
    original = store._index_storage

    def counting():  # type: ignore[no-untyped-def]
        storage = original()
        read = storage.read_text  # the index is parsed from its text, entry by entry

        def counted_read(*args):  # type: ignore[no-untyped-def]
            reads.append(1)
            return read(*args)

        storage.read_text = counted_read  # type: ignore[method-assign]
        return storage

    monkeypatch.setattr(store, "_index_storage", counting)
    summaries, _ = store.list()
    assert [s.id for s in summaries] == [a.id] and reads == []  # the cache, not the file
    other = SessionStore(store.root)  # another window renames the pupil
    session = other.load(a.id)
    session.meta = SessionMeta(pupil="B.B.", date=session.meta.date)
    other.save(session)
    summaries, _ = store.list()
    assert [s.pupil for s in summaries] == ["B.B."] and reads == [1]
    other.delete(a.id)
    assert store.list() == ([], [])


def test_saves_without_a_list_keep_no_index_and_miss_no_change_of_another_process(
        tmp_path: Path, veld, monkeypatch) -> None:
    """A board opened straight away keeps only its own index entry, not the whole index."""
    setup = SessionStore(tmp_path / "store")
    a = setup.create(meta("A.A."), veld, T0)
    b = setup.create(meta("B.B."), veld, T0)
    board = SessionStore(setup.root)  # a new process, no list read
    session = board.load(a.id)
    board.save(session)
    assert board._index_cache is None
    lookups: list[str] = []
    wholes: list[int] = []
    entry, whole = board._index_entry, board._load_index
    monkeypatch.setattr(board, "_index_entry", lambda i: lookups.append(i) or entry(i))
    monkeypatch.setattr(board, "_load_index", lambda *h: wholes.append(1) or whole(*h))
    board.save(session)  # unchanged summary, unchanged index: nothing read
    assert lookups == [] and wholes == []
    other = SessionStore(setup.root)  # another window renames b's pupil
    session_b = other.load(b.id)
    session_b.meta = SessionMeta(pupil="C.C.", date=session_b.meta.date)
    other.save(session_b)
    board.save(session)  # the index changed: a's entry is looked up again, still right
    assert lookups == [a.id] and wholes == []
    session.close(T0 + 60)
    board.save(session)  # a's summary changed: the index is read whole and rewritten
    assert board._index_cache is None and wholes == [1]
    index = json.loads((setup.root / INDEX_NAME).read_text())
    assert sorted((v["pupil"], v["status"]) for v in index["sessions"].values()) == [
        ("A.A.", "gesloten"), ("C.C.", "open")]
    board.save(session)
    assert len(lookups) == 2 and wholes == [1]  # nothing read since the rewrite
    summaries, _ = board.list()  # a list: the cache from now on, kept current by saves
    assert {s.pupil for s in summaries} == {"A.A.", "C.C."} and board._index_cache


def test_an_index_entry_is_found_alone_or_by_reading_the_whole_index(
        store: SessionStore, veld) -> None:
    a = store.create(meta('Anna "}{" Smit'), veld, T0)
    b = store.create(meta("B.B."), veld, T0)
    whole = store._load_index()
    assert store._index_entry(a.id) == whole[a.id] and store._index_entry(b.id) == whole[b.id]
    assert store._index_entry("20991231-none") is None
    # Written by another program (indented): not found in the bytes, found by parsing.
    index = store.root / INDEX_NAME
    index.write_text(json.dumps(json.loads(index.read_text()), indent=2))
    assert store._index_entry(a.id) == whole[a.id]
    index.write_text("{")
    assert store._index_entry(a.id) is None


def test_list_reports_a_corrupt_session_file(store: SessionStore, veld) -> None:
    good = store.create(meta("A.A."), veld, T0)
    store.path_for("20261123-kapt").write_bytes(b"")
    summaries, problems = store.list()
    assert [(s.id, bool(s.damaged)) for s in summaries] == [(good.id, False),
                                                           ("20261123-kapt", True)]
    assert len(problems) == 1
    assert "20261123-kapt" in problems[0]
    assert "beschadigd" in problems[0]


def test_list_ignores_backups_temp_files_and_the_index(store: SessionStore, veld) -> None:
    a = store.create(meta(), veld, T0)
    store.save(a)  # makes a .bak
    (store.root / ".half.json").write_text("{")
    assert store.session_ids() == [a.id]
    summaries, problems = store.list()
    assert [s.id for s in summaries] == [a.id]
    assert problems == []


def test_remove_temp_files_takes_this_sessions_half_writes_only(
        store: SessionStore, veld) -> None:
    a = store.create(meta(), veld, T0)
    b = store.create(meta("Bram Smit"), veld, T0)
    ours = [f".{a.id}.json.999.abcd.tmp", f".{a.id}.json.1.x.y.tmp"]
    kept = [f".{b.id}.json.999.abcd.tmp",  # another session's
            f".{a.id}.json.tmp", f".{a.id}.json..tm", f"{a.id}.json.1.tmp",  # not the pattern
            f".{a.id}.json.999.abcd.tmp.bak"]
    for name in ours + kept:
        (store.root / name).write_bytes(b"half")
    assert store.remove_temp_files(a.id) == 2
    assert sorted(p.name for p in store.root.iterdir() if "tm" in p.name) == sorted(kept)
    assert store.remove_temp_files(a.id) == 0
    assert store.load(a.id).meta.pupil == "Anna Smit"


def test_status_change_reaches_the_index(store: SessionStore, veld) -> None:
    session = store.create(meta(), veld, T0)
    session.close(T0 + 60)
    store.save(session)
    index = json.loads((store.root / INDEX_NAME).read_text())
    assert [v["status"] for v in index["sessions"].values()] == ["gesloten"]
    assert SessionStore(store.root).list()[0][0].status == "gesloten"


# -- ids ------------------------------------------------------------------------


def test_resolve_id(store: SessionStore) -> None:
    store.ensure()
    for sid in ("20261123-abcd", "20261123-abxy", "20261124-qrst"):
        store.path_for(sid).write_text("{}")
    assert store.resolve_id("20261123-abcd") == "20261123-abcd"
    assert store.resolve_id("20261123-abc") == "20261123-abcd"
    assert store.resolve_id("20261124") == "20261124-qrst"
    with pytest.raises(StoreError, match="meer gesprekken") as info:
        store.resolve_id("20261123-ab")
    assert "20261123-abcd" in str(info.value) and "20261123-abxy" in str(info.value)
    with pytest.raises(StoreError, match="geen gesprek"):
        store.resolve_id("2025")


def test_resolve_full_id_that_is_also_a_prefix(store: SessionStore) -> None:
    store.ensure()
    store.path_for("abc").write_text("{}")
    store.path_for("abcd").write_text("{}")
    assert store.resolve_id("abc") == "abc"


def test_resolve_id_of_a_full_id_lists_no_folder(store: SessionStore, monkeypatch) -> None:
    store.ensure()
    store.path_for("20261123-abcd").write_text("{}")
    store.path_for("20261123-abcde").write_text("{}")
    (store.root / "index.json").write_text("{}")
    (store.root / ".x.json").write_text("{}")
    listed: list[int] = []
    session_ids = store.session_ids
    monkeypatch.setattr(store, "session_ids", lambda: listed.append(1) or session_ids())
    assert store.resolve_id("20261123-abcd") == "20261123-abcd" and listed == []
    for not_a_session in ("index", ".x", "", "20261123-ABCD", "20261123-abc?"):
        with pytest.raises(StoreError):
            store.resolve_id(not_a_session)
    assert len(listed) == 5


@pytest.mark.parametrize("bad", ["../x", "a/b", "", ".hidden", ".."])
def test_path_for_rejects_unsafe_ids(store: SessionStore, bad: str) -> None:
    with pytest.raises(StoreError, match="ongeldige gesprekscode"):
        store.path_for(bad)


def test_path_for_stays_in_the_folder(store: SessionStore) -> None:
    assert store.path_for("20261123-abcd").parent == store.root


# -- only the session's own file is written when notes change -------------------


def _fingerprint(folder: Path, skip: set[str]) -> dict[str, tuple[int, int, int]]:
    result = {}
    for p in folder.iterdir():
        if p.name in skip:
            continue
        st = p.stat()
        result[p.name] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return result


@pytest.mark.parametrize("others", [0, 199])
def test_note_save_writes_only_that_session(
    store: SessionStore, veld, others: int
) -> None:
    template = Session.new("x", meta("Anna Smit"), veld, T0)
    store.ensure()
    for n in range(others):
        record = template.to_record()
        record["session"]["1"]["id"] = f"20261001-{n:04d}"
        storage.atomic_write_bytes(store.path_for(f"20261001-{n:04d}"), encode_json(record))
    session = store.create(meta("T.d.J."), veld, T0)
    summaries, problems = store.list()
    assert len(summaries) == others + 1 and problems == []

    own = {f"{session.id}.json", f"{session.id}.json.bak"}
    before = _fingerprint(store.root, own)
    index_before = (store.root / INDEX_NAME).read_bytes()
    assert len(before) == others + 1  # the other sessions plus the index

    for i in range(3):
        session.add_note(f"notitie {i}", T0 + i)
        store.save(session)
    session.update_note(1, T0 + 10, text="aangepast", party="ouders")
    session.move_step(1, T0 + 20)
    session.set_draft("half", 4)
    store.save(session)

    assert _fingerprint(store.root, own) == before
    assert (store.root / INDEX_NAME).read_bytes() == index_before
    assert store.load(session.id).notes[0].text == "aangepast"
    assert stray_files(store.root) == []


@pytest.mark.parametrize("data", [
    {}, [1, "é"], "x", {"a": {}},
    {"sessions": {str(n): {"id": f"s{n}", "pupil": "Zoë \\ \"x\" •"} for n in range(1, 124)}},
    {"t": {n: {"x": n, 2.5: None} for n in range(51)}, 5: {True: [1, {"a": 1}]}, "é": {}},
])
def test_encode_json_writes_a_large_table_in_parts_with_the_same_bytes(data) -> None:
    assert encode_json(data) == json.dumps(data, ensure_ascii=False).encode("utf-8")


def test_a_plain_store_writes_a_session_in_pieces_never_the_whole_text(
        store: SessionStore, veld, monkeypatch) -> None:
    """The writer thread never holds the whole text of a large session (issue 17's peak
    RSS): the file is written one batch of notes at a time, and reads back the same."""
    session = store.create(meta(), veld, T0)
    for n in range(300):
        session.add_note(f"notitie {n} " + "x" * 150, T0 + n, party="ouders")
    writes: list[int] = []
    real_write = os.write

    def counting(fd: int, data) -> int:  # type: ignore[no-untyped-def]
        writes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", counting)
    store.save(session)
    monkeypatch.undo()
    whole = store.path_for(session.id).read_bytes()
    assert whole == encode_json(session.to_record())
    assert len(writes) > 6 and max(writes) < len(whole) / 4
    assert len(store.load(session.id).notes) == 300


# -- the index newest first (issue 17: the home list's first rows from its head) ----------


def _dated_sessions(store: SessionStore, veld) -> list[str]:  # type: ignore[no-untyped-def]
    """Five sessions whose ids are not in date order; their ids newest first."""
    store.ensure()
    dates = {"20250101-aaaa": "2026-03-01", "20250101-bbbb": "2024-05-05",
             "20250101-cccc": "2026-03-01", "20250101-dddd": "2025-12-31",
             "20250101-eeee": "2023-01-01"}
    for session_id, date in dates.items():
        store.save(Session.new(session_id, SessionMeta(pupil=f"L {session_id}", date=date),
                               veld, T0))
    return ["20250101-cccc", "20250101-aaaa", "20250101-dddd", "20250101-bbbb",
            "20250101-eeee"]


def _index_ids(store: SessionStore) -> list[str]:
    data = json.loads((store.root / INDEX_NAME).read_text("utf-8"))
    return [entry["id"] for entry in data["sessions"].values()]


def test_the_index_is_written_newest_first_as_the_list_shows(store, veld):
    newest = _dated_sessions(store, veld)
    assert [s.id for s in store.list()[0]] == newest
    assert _index_ids(store) == newest
    head, total = store.newest(2) or ([], 0)
    assert [s.id for s in head] == newest[:2] and total == 5
    assert head == store.list()[0][:2]


def test_an_index_in_any_other_order_lists_right_and_is_written_newest_first_once(
        store, veld):
    """An older version kept the index in id order; this one reads any order, gives no
    head from it (it would not be the newest), and writes it newest first once."""
    newest = _dated_sessions(store, veld)
    data = json.loads((store.root / INDEX_NAME).read_text("utf-8"))
    entries = list(data["sessions"].values())
    for order in (sorted(entries, key=lambda e: e["id"]),  # as older versions wrote it
                  [entries[n] for n in (3, 0, 4, 1, 2)]):  # no order at all
        (store.root / INDEX_NAME).write_text(json.dumps(
            {"sessions": {str(n): e for n, e in enumerate(order, start=1)}}), "utf-8")
        assert store.newest(100) is None
        fresh = SessionStore(store.root)
        summaries, problems = fresh.list()
        assert [s.id for s in summaries] == newest and problems == []
        assert _index_ids(store) == newest
        assert [s.id for s in (store.newest(100) or ([], 0))[0]] == newest


def test_a_head_that_cannot_be_trusted_gives_none(store, veld):
    assert store.newest(100) is None  # no index
    _dated_sessions(store, veld)
    (store.root / INDEX_NAME).write_text("{niet", "utf-8")
    assert store.newest(100) is None
    (store.root / INDEX_NAME).write_text('{"sessions": {}}', "utf-8")
    assert store.newest(100) is None


def test_a_warm_list_reads_again_only_damaged_new_and_changed_files(store, veld):
    """The folder pass that decides what to read (written out, without a call per file)."""
    newest = _dated_sessions(store, veld)
    store.list()
    calls: list[str] = []
    real = store.read_record

    def counting(session_id: str):  # type: ignore[no-untyped-def]
        calls.append(session_id)
        return real(session_id)

    store.read_record = counting  # type: ignore[method-assign]
    assert [s.id for s in store.list()[0]] == newest and calls == []
    store.path_for(newest[1]).write_text("{kapot", "utf-8")
    summaries, problems = store.list()
    assert calls == [newest[1]] and len(problems) == 1
    assert [s.id for s in summaries if s.damaged] == [newest[1]]
    calls.clear()
    store.list()
    assert calls == [newest[1]]  # damaged: read every time until repaired
    calls.clear()
    store.path_for(newest[4]).unlink()
    assert [s.id for s in store.list()[0]] == newest[:4] and calls == [newest[1]]


@pytest.mark.parametrize("chunk", [5, 7, 64, 65_536])
def test_the_head_is_read_in_pieces_and_every_entry_counted(store, veld, monkeypatch, chunk):
    """``newest`` never reads a plain index whole (one large read left ~5 MB behind at
    10,000 sessions); entries that begin across two pieces are counted once."""
    from arrangeren_tui.core.storage import store as store_module

    newest = _dated_sessions(store, veld)
    monkeypatch.setattr(store_module, "_HEAD_CHUNK", chunk)
    for limit in (1, 2, 4, 5, 100):
        head, total = store.newest(limit) or ([], 0)
        assert [s.id for s in head] == newest[:limit] and total == 5


def test_the_head_holds_every_session_from_today_on(store, veld):
    """The home screen puts the planned meetings to come first: the head it shows first
    must hold every session dated from today on, however many that are."""
    newest = _dated_sessions(store, veld)
    head, total = store.newest(1, "2025-06-01") or ([], 0)
    assert [s.id for s in head] == newest[:4] and total == 5  # down to one before today
    head, total = store.newest(1, "2027-01-01") or ([], 0)
    assert [s.id for s in head] == newest[:1]
    head, total = store.newest(2, "2000-01-01") or ([], 0)
    assert [s.id for s in head] == newest and total == 5


def _many_summaries(count: int) -> dict[str, SessionSummary]:
    return {f"s{n:05d}": SessionSummary(
        id=f"s{n:05d}", pupil=f"Leerling {n}", date=f"2026-{1 + n % 12:02d}-01", school="",
        group="", status="open",
        created=f"2026-01-01T00:00:{n % 60:02d}+00:00") for n in range(count)}


@pytest.mark.parametrize("count", [3, 250, 2_000])
def test_newest_counts_the_index_from_its_end(store: SessionStore, monkeypatch,
                                              count: int) -> None:
    """``newest`` (the home list's first rows) reads the index's head and its last entry's
    number for the count, not the entries between (2.8 MB at 10,000 sessions)."""
    from arrangeren_tui.core.storage import store as store_module

    store.ensure()
    summaries = _many_summaries(count)
    expected = _newest_first(summaries.values())
    store._write_index(summaries)
    monkeypatch.setattr(store_module, "_HEAD_CHUNK", 4_096)  # head and rest apart at 250
    monkeypatch.setattr(store_module, "_count_on",
                        lambda *args: pytest.fail("counted entry by entry"))
    head, total = SessionStore(store.root).newest(100) or ([], 0)
    assert total == count
    assert head == expected[:100]


@pytest.mark.parametrize("layout", ["keyed by id", "numbered otherwise", "text after"])
def test_newest_counts_an_index_written_otherwise_entry_by_entry(
        store: SessionStore, monkeypatch, layout: str) -> None:
    """An index this program did not write (by hand, another tool) still gets its count
    right: what its end does not say is counted through."""
    from arrangeren_tui.core.storage import store as store_module

    store.ensure()
    store._write_index(_many_summaries(250))
    data = json.loads((store.root / INDEX_NAME).read_text())
    entries = list(data["sessions"].values())
    text = {
        "keyed by id": json.dumps({"sessions": {v["id"]: v for v in entries}}),
        "numbered otherwise": json.dumps(
            {"sessions": {str(n * 7): v for n, v in enumerate(entries, start=1)}}),
        "text after": json.dumps({"sessions": data["sessions"], "later": None}),
    }[layout]
    _trusted_index(store, text)
    monkeypatch.setattr(store_module, "_HEAD_CHUNK", 4_096)
    head, total = SessionStore(store.root).newest(100) or ([], 0)
    assert [s.id for s in head] == [v["id"] for v in entries[:100]]
    assert total == 250
