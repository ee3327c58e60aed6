"""The session store: one TinyDB JSON file per session, plus a small index.

One file per session keeps every save as small as that one session, however
many past sessions the store holds. File names carry the session id, never a
child's name. The index only holds what the home and history lists show and
is rewritten only when one of those fields changes; it can always be rebuilt
from the session files.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import os
import re
import shutil
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from json import JSONDecoder
from json.scanner import make_scanner
from operator import attrgetter, itemgetter
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any, BinaryIO

from arrangeren_tui.core.errors import os_reason
from arrangeren_tui.core.model import FORMAT_VERSION, Session, SessionMeta
from arrangeren_tui.core.model import NewerFormatError as _NewerRecord
from arrangeren_tui.core.paths import name_problem
from arrangeren_tui.core.storage.codec import (
    Codec,
    LockedFileError,
    codec_for,
    codec_for_writing,
    needs_passphrase,
)
from arrangeren_tui.core.storage.files import (
    DIR_MODE,
    AtomicJSONStorage,
    CorruptFileError,
    atomic_write_bytes,
    backup_path,
    fsync_dir,
    read_json_file,
    tighten_dir,
)
from arrangeren_tui.core.storage.lock import SessionLock, holder_path, is_locked, lock_path
from arrangeren_tui.core.veld import Veld

INDEX_NAME = "index.json"
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


DAMAGED_MARK = ".beschadigd-"


class StoreError(Exception):
    """A store problem, worded in Dutch for the user."""


class DamagedSessionError(StoreError):
    """A session file exists but cannot be read as a session (never overwritten)."""

    def __init__(self, session_id: str, reason: str) -> None:
        self.session_id = session_id
        self.reason = reason
        super().__init__(f"het bestand van gesprek {session_id} is beschadigd: {reason}")


class NewerFormatError(StoreError):
    """A session file written by a newer version of the program: refused, left untouched.

    Not a DamagedSessionError, so nothing sets it aside or offers the older backup.
    """

    def __init__(self, session_id: str, version: int) -> None:
        self.session_id = session_id
        self.version = version
        super().__init__(
            f"gesprek {session_id} is gemaakt met een nieuwere versie van arrangeren "
            f"(opslagformaat {version}, hier {FORMAT_VERSION}); het blijft onveranderd: werk "
            "arrangeren bij om het te openen"
        )


class SessionInUseError(StoreError):
    """Another process holds the session's lock."""


@dataclass(frozen=True)
class BackupInfo:
    """The previous generation of a session (``<id>.json.bak``), readable."""

    session_id: str
    path: Path
    saved: dt.datetime
    notes: int
    pupil: str
    date: str

    def describe(self) -> str:
        return (
            f"vorige versie van {self.saved:%d-%m-%Y %H:%M}, {self.notes} notitie"
            f"{'' if self.notes == 1 else 's'}"
        )


@dataclass(frozen=True)
class Recovery:
    """A damaged session file, set aside, and the backup that can replace it."""

    session_id: str
    reason: str
    moved_to: Path | None
    backup: BackupInfo | None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One line in the home and history lists.

    Slotted: a store of 10,000 sessions keeps 10,000 of these in memory (the index
    cache, the home and history lists share them), so each costs no ``__dict__``.
    The index file holds these fields under these names (``_summary_from_index``
    builds a summary from them in this order).
    """

    id: str
    pupil: str
    date: str
    school: str
    group: str
    status: str
    created: str
    evaluation: str = ""
    agreements: str = "0"  # how many afspraken (a string, like every index field)
    time: str = ""  # HH:MM of a planned meeting
    place: str = ""
    minutes: str = "90"  # planned duration
    damaged: str = ""  # why the file cannot be read as a session ("" if it can)
    previous: str = ""  # the session this vervolggesprek follows up ("" for a first one)

    @classmethod
    def of(cls, session: Session) -> SessionSummary:
        return summary_from_record(session.to_record())

    @classmethod
    def unknown(cls, session_id: str) -> SessionSummary:
        """A line for a session whose file says nothing: its date is in its code."""
        stamp = session_id.split("-", 1)[0]
        date = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if len(stamp) == 8 else ""
        return cls(id=session_id, pupil="", date=date, school="", group="", status="",
                   created="")


def summary_from_record(record: dict[str, Any]) -> SessionSummary:
    head = record["session"]["1"]
    meta = head["meta"]
    return SessionSummary(
        id=str(head["id"]),
        pupil=str(meta["pupil"]),
        date=str(meta["date"]),
        school=str(meta.get("school", "")),
        group=str(meta.get("group", "")),
        status=str(head.get("status", "open")),
        created=str(head.get("created", "")),
        evaluation=str(head.get("evaluation_date", "")),
        agreements=str(len(record.get("arrangement", {}))),
        time=str(meta.get("time", "")),
        place=str(meta.get("place", "")),
        minutes=str(meta.get("planned_minutes", 90)),
        previous=str(head.get("previous", "")),
    )


# Inode, modification time (ns) and size of the index file.
IndexSignature = tuple[int, int, int]
# Inode, modification and change time (ns) and size of a session file.
FileSignature = tuple[int, int, int, int]


_INDEX_FIELDS = tuple(field.name for field in fields(SessionSummary))
_index_values = itemgetter(*_INDEX_FIELDS)


def _summary_from_index(value: dict[str, Any]) -> SessionSummary:
    """One index entry as a summary.

    A store of 10,000 sessions reads 10,000 of these at start, so an entry as this
    program writes it (every field, every value a string) takes a short way: its values
    in one C call, the summary from them by position. Values that repeat across
    sessions (a school, a status, a date) are interned: one string object each instead
    of one per session. Anything else (``damaged`` was added later and may be missing,
    a value written by hand as a number) takes the long way.
    """
    try:
        v = _index_values(value)
        "".join(v)  # TypeError unless every value is a string
    except (KeyError, TypeError):
        return _summary_from_loose_entry(value)
    shared = sys.intern
    return SessionSummary(
        v[0], v[1], shared(v[2]), shared(v[3]), shared(v[4]), shared(v[5]), v[6],
        shared(v[7]), shared(v[8]), shared(v[9]), shared(v[10]), shared(v[11]),
        shared(v[12]), v[13],
    )


def _summary_from_loose_entry(value: dict[str, Any]) -> SessionSummary:
    shared = sys.intern
    return SessionSummary(
        id=str(value["id"]), pupil=str(value["pupil"]), date=shared(str(value["date"])),
        school=shared(str(value["school"])), group=shared(str(value["group"])),
        status=shared(str(value["status"])), created=str(value["created"]),
        evaluation=shared(str(value["evaluation"])),
        agreements=shared(str(value["agreements"])), time=shared(str(value["time"])),
        place=shared(str(value["place"])), minutes=shared(str(value["minutes"])),
        damaged=shared(str(value.get("damaged", ""))), previous=str(value["previous"]),
    )


# json's own (C) scanner: one JSON value at an offset of a text, as (value, end).
_scan_json = make_scanner(JSONDecoder())  # type: ignore[arg-type]  # (typeshed: a decoder)
_space = re.compile(r"[ \t\n\r]*").match  # JSON's white space
# Between two entries of the index as written: a comma and the next entry's key.
_next_entry = re.compile(r'[ \t\n\r]*,[ \t\n\r]*"[^"\\]*"[ \t\n\r]*:[ \t\n\r]*').match


def _skip_space(text: str, pos: int) -> int:
    """Past the white space at ``pos`` (none is a match too)."""
    return _space(text, pos).end()  # type: ignore[union-attr]


def _json_value(text: str, pos: int) -> tuple[Any, int]:
    try:
        return _scan_json(text, pos)
    except StopIteration:  # json's scanner says "no value here" this way
        raise ValueError(f"geen JSON-waarde op positie {pos}") from None


def _member_key(text: str, pos: int) -> tuple[str, int]:
    """An object's key at ``pos``; returns it and where its value begins."""
    if not text.startswith('"', pos):
        raise ValueError(f"geen sleutel op positie {pos}")
    key, pos = _json_value(text, pos)
    pos = _skip_space(text, pos)
    if not text.startswith(":", pos):
        raise ValueError(f"geen dubbele punt op positie {pos}")
    return key, _skip_space(text, pos + 1)


def _after_member(text: str, pos: int) -> tuple[int, bool]:
    """After an object's member: where the next one begins and True, or past the
    closing brace and False."""
    pos = _skip_space(text, pos)
    if text.startswith(",", pos):
        return _skip_space(text, pos + 1), True
    if text.startswith("}", pos):
        return pos + 1, False
    raise ValueError(f"geen komma of accolade op positie {pos}")


def _object_start(text: str, pos: int) -> tuple[int, bool]:
    """At an object's opening brace: where its first member begins and True, or past
    the closing brace of an empty object and False."""
    if not text.startswith("{", pos):
        raise ValueError(f"geen object op positie {pos}")
    pos = _skip_space(text, pos + 1)
    if text.startswith("}", pos):
        return pos + 1, False
    return pos, True


def _index_entries(text: str) -> Iterator[Any]:
    """The values of the index's ``sessions`` object, one at a time, as parsed.

    ``json.loads`` would build the whole document before any of it became a summary: at
    10,000 sessions (2.8 MB of JSON) a dict and 14 strings per session plus the outer
    object's 10,000 pairs, a peak of several MB. The pieces freed afterwards lie between
    the summaries that live on, and the allocator cannot give that memory back: the
    program stayed several MB larger than the summaries themselves. Here json's own
    scanner parses one entry at a time, and the caller turns it into a summary before
    the next is parsed, so the same few blocks are used over and over. Any layout of
    the JSON is read (spaces and line breaks anywhere); ``ValueError`` if the text is
    not one JSON object, and other members than ``sessions`` are passed over.
    """
    scan, next_entry = _scan_json, _next_entry
    pos, more = _object_start(text, _skip_space(text, 0))
    while more:
        key, pos = _member_key(text, pos)
        if key == "sessions" and text.startswith("{", pos):
            pos, entries = _object_start(text, pos)
            while entries:
                _key, pos = _member_key(text, pos)
                while True:  # entries as written follow one another: the short way
                    try:
                        value, pos = scan(text, pos)
                    except StopIteration:  # json's scanner says "no value here" this way
                        raise ValueError(f"geen JSON-waarde op positie {pos}") from None
                    yield value
                    following = next_entry(text, pos)
                    if following is None:
                        break
                    pos = following.end()
                pos, entries = _after_member(text, pos)
        else:
            _value, pos = _json_value(text, pos)
        pos, more = _after_member(text, pos)
    if _skip_space(text, pos) != len(text):
        raise ValueError(f"meer dan één JSON-waarde (positie {pos})")


_HEAD_CHUNK = 65_536  # bytes read at a time by _index_head


def _index_head(path: Path, codec: Codec, limit: int) -> tuple[str | None, int]:
    """A plain index's text up to its ``limit + 1``-th entry (at most), and how many
    entries it holds (None and 0 if there is no index).

    Read in small pieces, never whole: glibc raises its threshold for giving large
    blocks their own mapping to the size of one freed such block, so one 2.8 MB read
    made the next read of the index (``list``, moments later, in a thread) land in the
    heap, where it stayed: +5 MB of resident memory at 10,000 sessions. Past the head
    only the file's end is read: this program numbers the entries 1, 2, 3, ... as it
    writes them, so the last one's number is the count (``_last_number``). An index
    whose head is not so numbered, or that does not end so, is counted through.
    """
    mark = _ENTRY_MARK.encode()
    head = bytearray()
    try:
        with open(path, "rb") as file:
            while chunk := file.read(_HEAD_CHUNK):
                if not head:
                    codec.decode(chunk)  # LockedFileError for an encrypted file
                head += chunk
                at = -1
                for _ in range(limit + 1):
                    at = head.find(mark, at + 1)
                    if at < 0:
                        break
                else:  # the head is complete; the rest is only counted
                    read = len(head)
                    numbered = _LAST_ENTRY.findall(head, 0, at + len(mark))
                    total = (_last_number(file, read) if numbered == [
                        b"%d" % n for n in range(1, limit + 2)] else None)
                    if total is None:
                        file.seek(read)
                        total = _count_on(file, head, mark)
                    return bytes(head[:at]).decode("utf-8"), total
    except FileNotFoundError:
        return None, 0
    return bytes(head).decode("utf-8"), head.count(mark)


_LAST_ENTRY = re.compile(rb'"([1-9][0-9]{0,8})": \{"id": ')


def _last_number(file: BinaryIO, read: int) -> int | None:
    """The number of the index's last entry, from the file's end, if the file ends with
    an entry as this program writes it (``"10000": {"id": ...}}}``); else None. Not
    before ``read``: the caller has that part and counts it if this says None."""
    size = file.seek(0, os.SEEK_END)
    start = max(read, size - _ENTRY_BYTES)
    file.seek(start)
    tail = file.read()
    if not tail.rstrip().endswith(b"}}}"):
        return None
    numbers = _LAST_ENTRY.findall(tail)
    return int(numbers[-1]) if numbers else None


def _count_on(file: BinaryIO, head: bytes | bytearray, mark: bytes) -> int:
    """The entries in ``head`` and in the rest of ``file`` (read on from where ``head``
    ends, in small pieces)."""
    total = head.count(mark)
    tail = bytes(head[1 - len(mark):])
    while chunk := file.read(_HEAD_CHUNK):
        piece = tail + chunk
        total += piece.count(mark)
        tail = piece[1 - len(mark):]
    return total


_by_id, _by_created, _by_date = attrgetter("id"), attrgetter("created"), attrgetter("date")


def _newest_first(summaries: Iterable[SessionSummary]) -> builtins.list[SessionSummary]:
    """Newest first: by date, then creation time, then id, each descending.

    An index this program wrote is in this order already; one pass checks that and the
    sorts are skipped. Otherwise three stable sorts on one field each give the order of
    one sort on (date, created, id) without a key tuple per session (10,000 of them,
    made and dropped on every sort).
    """
    ordered = builtins.list(summaries)
    if _in_order(ordered):
        return ordered
    ordered.sort(key=_by_id, reverse=True)
    ordered.sort(key=_by_created, reverse=True)
    ordered.sort(key=_by_date, reverse=True)
    return ordered


def _in_order(summaries: Sequence[SessionSummary]) -> bool:
    """True if ``summaries`` are newest first (as ``_newest_first`` orders them), and no
    id comes twice next to each other."""
    later = None
    for summary in summaries:
        if later is not None:
            if summary.date != later.date:
                if summary.date > later.date:
                    return False
            elif summary.created != later.created:
                if summary.created > later.created:
                    return False
            elif summary.id >= later.id:
                return False
        later = summary
    return True


# An index entry parsed alone (``SessionStore._index_entry``): its pairs, at most this long.
_ENTRY_DECODER = json.JSONDecoder(object_pairs_hook=lambda pairs: pairs)
_ENTRY_BYTES = 16_384
# How each entry of the index begins as written (json.dumps of a summary's fields).
_ENTRY_MARK = '{"id": '


def _remove(path: Path) -> None:
    """Remove a file or a link; a folder that stood in place of a session file goes whole."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


class SessionStore:
    """Sessions in a folder that only the user can read."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._index_lock = threading.Lock()
        self._index_cache: dict[str, SessionSummary] | None = None
        # The index file as it was when cached: another process may rewrite it.
        self._index_seen: IndexSignature | None = None
        # The cached index newest first, as ``list`` returns it (None: sort again).
        self._ordered: builtins.list[SessionSummary] | None = None
        # The ids of the cached index's damaged entries (their files are read every list).
        self._damaged: frozenset[str] = frozenset()
        # The index file as cached was not newest first (an older version wrote it): the
        # next ``list`` writes it so, once, for ``newest``.
        self._unordered = False
        # Without the cache (no list read in this process, as on a board opened straight
        # away): each saved session's summary as the index holds it, with the index file
        # it was seen in. A save whose summary is unchanged, with the index unchanged
        # since, then reads nothing.
        self._entries_seen: dict[str, tuple[SessionSummary, IndexSignature | None]] = {}

    @property
    def codec(self) -> Codec:
        """How this store's files are written: plain, or encrypted once its key is unlocked
        (``crypt.unlock``; every store object of the folder then shares it)."""
        return codec_for(self.root)

    @property
    def locked(self) -> bool:
        """Encrypted, and the passphrase not yet given in this process."""
        return needs_passphrase(self.root)

    # -- folder --------------------------------------------------------------

    def ensure(self) -> None:
        """Create the folder (0700) if needed; tighten it if it is looser."""
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"kan de map {self.root} niet gebruiken: het is een bestand")
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            tighten_dir(self.root)
        except OSError as error:
            raise StoreError(
                f"kan de map {self.root} niet aanmaken of gebruiken ({os_reason(error)})"
            ) from None

    def path_for(self, session_id: str) -> Path:
        if not session_id or session_id.startswith(".") or name_problem(f"{session_id}.json"):
            raise StoreError(f"ongeldige gesprekscode: {session_id!r}")
        return self.root / f"{session_id}.json"

    def session_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            p.name[: -len(".json")]
            for p in self.root.glob("*.json")
            if p.name != INDEX_NAME and not p.name.startswith(".")
        )

    # -- create, load, save --------------------------------------------------

    def new_id(self, date: str) -> str:
        import secrets  # only here: with random and hashlib ~4 ms of every start

        stamp = date.replace("-", "") if date else dt.date.today().strftime("%Y%m%d")
        while True:
            token = "".join(secrets.choice(_ID_ALPHABET) for _ in range(4))
            candidate = f"{stamp}-{token}"
            if not self.path_for(candidate).exists():
                return candidate

    def create(self, meta: SessionMeta, veld: Veld, now: float, *, planned: bool = False
               ) -> Session:
        """A new session (``planned``: gepland, to be prepared and held later)."""
        self.ensure()
        session = Session.new(self.new_id(meta.date), meta, veld, now, planned=planned)
        self.save_record(session.to_record())
        return session

    def create_follow_up(self, previous_id: str, veld: Veld, now: float, date: str, *,
                         planned: bool = False) -> Session:
        """A vervolggesprek: a new session carrying the people and afspraken of a past one
        (``planned``: gepland, for a later day)."""
        previous = self.load(previous_id)
        self.ensure()
        session = Session.follow_up(self.new_id(date), previous, veld, now, date,
                                    planned=planned)
        self.save_record(session.to_record())
        return session

    def read_record(self, session_id: str) -> dict[str, Any]:
        path = self.path_for(session_id)
        try:
            mode = path.stat().st_mode  # through a link, to what it points at
        except FileNotFoundError:
            if path.is_symlink():
                raise DamagedSessionError(session_id, "het verwijst naar niets") from None
            raise StoreError(f"gesprek {session_id} bestaat niet in {self.root}") from None
        except OSError as error:
            raise StoreError(
                f"kan gesprek {session_id} niet lezen ({error.strerror})"
            ) from None
        if not S_ISREG(mode):
            # Never opened: a map fails, a named pipe would wait for ever.
            raise DamagedSessionError(
                session_id, "het is een map, geen bestand" if S_ISDIR(mode)
                else "het is geen gewoon bestand")
        try:
            # What TinyDB's ``table("session").get(doc_id=1)`` and ``table(...).all()``
            # return, from one read of the file (TinyDB reads and parses it per table).
            tables = AtomicJSONStorage(path, codec=self.codec).read() or {}
            head = tables.get("session", {}).get("1")
            head = None if head is None else dict(head)
            notes = {str(int(key)): dict(doc) for key, doc in tables.get("notes", {}).items()}
            arrangement = {
                str(int(key)): dict(doc) for key, doc in tables.get("arrangement", {}).items()
            }
        except CorruptFileError as error:
            raise DamagedSessionError(session_id, error.reason) from None
        except LockedFileError:
            raise StoreError(
                f"gesprek {session_id} is versleuteld en het wachtwoord van de opslag is niet "
                "gegeven"
            ) from None
        except OSError as error:
            raise StoreError(
                f"kan gesprek {session_id} niet lezen ({os_reason(error)})"
            ) from None
        except (AttributeError, TypeError, ValueError):
            # Valid JSON in the wrong shape (e.g. a table that is a list); Python's own
            # words for it ("string indices must be integers") are no use to anyone.
            raise DamagedSessionError(session_id, "onverwachte vorm") from None
        if not isinstance(head, dict):
            raise DamagedSessionError(session_id, "het bevat geen gesprek")
        version = head.get("format")
        if isinstance(version, int) and version > FORMAT_VERSION:
            raise NewerFormatError(session_id, version)
        return {"session": {"1": dict(head)}, "notes": notes, "arrangement": arrangement}

    def load(self, session_id: str) -> Session:
        return self._session_from(session_id, self.read_record(session_id))

    def file_signature(self, session_id: str) -> FileSignature | None:
        """A session file's inode, times and size (None if it cannot be looked at).

        Every save replaces the file (a new inode, new times), so a session loaded after
        taking the signature is the one on disk as long as the signature is unchanged.
        """
        try:
            info = self.path_for(session_id).stat()
        except OSError:
            return None
        return info.st_ino, info.st_mtime_ns, info.st_ctime_ns, info.st_size

    @staticmethod
    def _session_from(session_id: str, record: dict[str, Any]) -> Session:
        try:
            session = Session.from_record(record)
        except _NewerRecord as error:
            raise NewerFormatError(session_id, error.version) from None
        except (KeyError, ValueError, TypeError, AttributeError):
            raise DamagedSessionError(session_id, "onverwachte vorm") from None
        if session.id != session_id:
            raise DamagedSessionError(session_id, f"het bevat gesprek {session.id}")
        return session

    def save_record(self, record: dict[str, Any]) -> None:
        """Write one session atomically; refresh the index if its summary changed."""
        summary = summary_from_record(record)
        AtomicJSONStorage(self.path_for(summary.id), codec=codec_for_writing(self.root)
                          ).write(record)
        self._update_index(summary)

    def save(self, session: Session) -> None:
        self.save_record(session.to_record())

    def resolve_id(self, text: str) -> str:
        """A full id, or a prefix that names exactly one session."""
        name = f"{text}.json"
        if (text and text == text.lower() and name != INDEX_NAME and not text.startswith(".")
                and os.path.basename(name) == name and "*" not in name and "?" not in name
                and "[" not in name and os.path.lexists(self.root / name)):
            return text  # a full id (``arrangeren open CODE``): no listing of the folder
        ids = self.session_ids()
        if text in ids:
            return text
        matches = [i for i in ids if i.startswith(text)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise StoreError(f"geen gesprek met code {text!r} in {self.root}")
        raise StoreError(f"code {text!r} past bij meer gesprekken: {', '.join(matches[:5])}")

    # -- index ---------------------------------------------------------------

    def _index_storage(self) -> AtomicJSONStorage:
        return AtomicJSONStorage(self.root / INDEX_NAME, keep_backup=False, codec=self.codec)

    def _index_writer(self) -> AtomicJSONStorage:
        return AtomicJSONStorage(self.root / INDEX_NAME, keep_backup=False,
                                 codec=codec_for_writing(self.root))

    def _index_signature(self) -> IndexSignature | None:
        """Inode, modification time and size of the index file (None if it is not there).

        Every write replaces the file (a new inode), so an index rewritten by another
        process is told apart from the one cached here without reading it.
        """
        try:
            stat = (self.root / INDEX_NAME).stat()
        except OSError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def _load_index(self, only: str | None = None) -> dict[str, SessionSummary]:
        """The index file's entries (none if it is missing or unreadable: ``list``
        rebuilds it from the session files); ``only``: that session's entry alone, the
        others parsed one at a time and passed over."""
        entries: dict[str, SessionSummary] = {}
        try:
            text = self._index_storage().read_text()
            for value in _index_entries(text) if text is not None else ():
                if only is not None and (not isinstance(value, dict)
                                         or value.get("id") != only):
                    continue
                summary = _summary_from_index(value)
                entries[summary.id] = summary
        except (CorruptFileError, ValueError, KeyError, TypeError, AttributeError, OSError):
            entries = {}
        return entries

    def _read_index(self) -> dict[str, SessionSummary]:
        """The index, from the cache while the file is the one it was read from."""
        seen = self._index_signature()
        if self._index_cache is not None and seen == self._index_seen:
            return self._index_cache
        entries = self._load_index()
        values = builtins.list(entries.values())
        in_order = _in_order(values)
        self._cache(entries, seen, values if in_order else None)
        self._unordered = not in_order
        return entries

    def _cache(self, entries: dict[str, SessionSummary], seen: IndexSignature | None,
               ordered: builtins.list[SessionSummary] | None) -> None:
        """Keep ``entries`` as the index file ``seen`` holds them (``ordered``: newest first,
        if known)."""
        self._index_cache = entries
        self._index_seen = seen
        self._ordered = ordered
        self._damaged = frozenset(key for key, summary in entries.items() if summary.damaged)

    def newest(self, limit: int, today: str = ""
               ) -> tuple[builtins.list[SessionSummary], int] | None:
        """The index file's first ``limit`` sessions and how many it holds, without parsing
        the rest or looking at a session file: what the home screen shows before ``list``
        has reconciled the index with the folder (at 10,000 sessions ~5 ms against
        ~250 ms). ``today`` (ISO): more than ``limit`` if need be, so that every session
        dated from then on is among them (the home screen puts the planned ones first).

        This program writes the index newest first, so its head is the newest sessions
        as the index knows them. None if the head is not newest first (an index written
        by an older version, which kept it in id order, or by hand) or cannot be read:
        then only ``list`` can tell. The count is of the entries as written (``{"id":
        ...``); a quote inside a value is escaped, so no value can look like one.
        """
        while True:
            found = self._head(limit)
            if found is None:
                return None
            head, total = found
            if len(head) >= total or not today or head[-1].date < today:
                return found
            limit *= 4

    def _head(self, limit: int) -> tuple[builtins.list[SessionSummary], int] | None:
        head: builtins.list[SessionSummary] = []
        try:
            if self.codec.encrypted:  # decrypted whole (age has no reading from the middle)
                text = self._index_storage().read_text()
                total = text.count(_ENTRY_MARK) if text is not None else 0
            else:
                text, total = _index_head(self.root / INDEX_NAME, self.codec, limit)
            if text is None:
                return None
            for value in _index_entries(text):
                head.append(_summary_from_index(value))
                if len(head) >= limit:
                    break
        except (CorruptFileError, ValueError, KeyError, TypeError, AttributeError, OSError):
            return None
        if not head or total < len(head) or not _in_order(head):
            return None
        return head, total

    def _index_entry(self, session_id: str) -> SessionSummary | None:
        """One session's index entry, read without building (or keeping) the others.

        The entry is looked for in the file's bytes as this program writes it (``{"id":
        "<id>", ...}``; a quote inside a string is escaped, so no text can look like it)
        and only it is parsed. Not found or not readable so: the whole file is parsed, as
        before, building this entry alone.
        """
        try:
            raw = self.codec.decode((self.root / INDEX_NAME).read_bytes())
        except (OSError, ValueError):
            return None
        needle = _ENTRY_MARK.encode() + json.dumps(session_id, ensure_ascii=False).encode("utf-8")
        at = raw.rfind(needle + b", ")  # the last one, as a parse of the whole file keeps
        if at >= 0:
            try:
                pairs, _ = _ENTRY_DECODER.raw_decode(
                    raw[at:at + _ENTRY_BYTES].decode("utf-8", "ignore"))
                return _summary_from_index(dict(pairs))
            except (ValueError, KeyError, TypeError):
                pass  # longer than _ENTRY_BYTES, or not an entry after all
        del raw

        return self._load_index(only=session_id).get(session_id)

    def _write_index(self, entries: dict[str, SessionSummary], *, keep: bool = True
                     ) -> dict[str, SessionSummary]:
        """Write the index, newest first (``newest`` reads its head alone; the layout is
        the same as ever, so any version reads it); ``keep``: as the cache (a list is
        shown and reads it again). Returns the entries newest first."""
        ordered = _newest_first(entries.values())
        data = {"sessions": {str(n): asdict(s) for n, s in enumerate(ordered, start=1)}}
        self._index_writer().write(data)
        written = {s.id: s for s in ordered}
        if keep:
            self._cache(written, self._index_signature(), ordered)
            self._unordered = False
        return written

    def _update_index(self, summary: SessionSummary) -> None:
        """Put ``summary`` in the index if it is not there as it is.

        With the cache (a list was read in this process) the cache is kept current.
        Without it (a board opened straight away) nothing of the index is kept but this
        entry: the whole index (1,000 summaries, ~1 MiB) is read only to rewrite it.
        """
        with self._index_lock:
            if self._index_cache is not None:
                entries = self._read_index()
                if entries.get(summary.id) != summary:
                    entries = dict(entries)
                    entries[summary.id] = summary
                    self._write_index(entries)
                return
            seen = self._index_signature()
            if self._entries_seen.get(summary.id) == (summary, seen):
                return
            if seen is None or self._index_entry(summary.id) != summary:
                entries = self._load_index()
                entries[summary.id] = summary
                self._write_index(entries, keep=False)
                del entries
                seen = self._index_signature()
            self._entries_seen[summary.id] = (summary, seen)

    def forget(self, session_id: str) -> None:
        with self._index_lock:
            self._entries_seen.pop(session_id, None)
            keep = self._index_cache is not None
            entries = dict(self._read_index()) if keep else self._load_index()
            if entries.pop(session_id, None) is not None:
                self._write_index(entries, keep=keep)

    def list(self) -> tuple[builtins.list[SessionSummary], builtins.list[str]]:
        """Every session, newest first, and the Dutch problems met on the way.

        The index is reconciled with the files: a file missing from the index, or
        changed since the index was written (by anything but this program's saves,
        which keep the index right), is read and checked; an index entry without a
        file is dropped. A file that is not a readable session stays in the list,
        marked ``damaged``, and is checked again each time until it is repaired or
        set aside. The index itself is read again only if its file changed since it
        was cached.
        """
        problems: builtins.list[str] = []
        with self._index_lock:
            cached = self._read_index()
            written = self._index_seen[1] if self._index_seen is not None else None
            to_check, stale = self._reconcile(cached, written, self._damaged)
            # The index is copied only if something in it changes.
            entries = cached
            changed = False
            if stale or to_check:
                entries = dict(cached)
                for session_id in stale:
                    del entries[session_id]
                    changed = True
            for session_id in to_check:
                known = entries.get(session_id)
                try:
                    record = self.read_record(session_id)
                    self._session_from(session_id, record)  # what opening it would meet
                    summary = summary_from_record(record)
                except DamagedSessionError as error:
                    problems.append(
                        f"{error}; zet de vorige versie terug met: arrangeren herstel "
                        f"{session_id}"
                    )
                    summary = replace(known or SessionSummary.unknown(session_id),
                                      damaged=error.reason)
                except (StoreError, KeyError, TypeError, ValueError) as error:
                    problems.append(str(error))
                    continue
                # Rewritten also when only checked: the file is then older than the index.
                changed = changed or summary != known or not summary.damaged
                entries[session_id] = summary
            # An index an older version wrote (in id order) is written newest first once;
            # nothing is lost if that fails, so only a change's failure is told.
            if (changed or (self._unordered and entries)) and self.root.is_dir():
                self._unordered = False
                try:
                    entries = self._write_index(entries)
                except OSError as error:
                    if changed:
                        problems.append(f"kan de index niet bijwerken ({os_reason(error)})")
            if entries is self._index_cache and self._ordered is not None:
                return builtins.list(self._ordered), problems
            ordered = _newest_first(entries.values())
            if entries is self._index_cache:
                self._ordered = ordered
                return builtins.list(ordered), problems
        return ordered, problems

    def _reconcile(self, cached: dict[str, SessionSummary], written: int | None,
                   damaged: frozenset[str] = frozenset()
                   ) -> tuple[builtins.list[str], builtins.list[str]]:
        """The session files to read (new, changed or ``damaged``), in order, and the
        index entries whose file is gone.

        One pass over the folder; each file is looked at and let go (10,000 directory
        entries with their stat results held at once were ~5 MB, made in a thread while
        the screen is drawn). Only if an entry has no file is the folder listed again,
        to see which. No summary is touched per file (``damaged`` is a set): at 10,000
        files its own work per file is what the list costs beyond the folder scan, and a
        summary looked at per file, among 10,000 spread through memory, cost more per
        file the more there were.
        """
        to_check: builtins.list[str] = []
        check = to_check.append
        indexed = 0  # files that have an entry in the index
        for session_id, entry in self._session_files():
            if session_id not in cached:
                check(session_id)
                continue
            indexed += 1
            if written is None or session_id in damaged:
                check(session_id)
                continue
            # Unchanged since the index was written? The change time counts too: nothing
            # sets it back, so a file copied in with old times, or rewritten in place by
            # another program, is still seen as changed.
            try:
                if not entry.is_file():
                    check(session_id)
                    continue
                info = entry.stat()
            except OSError:
                check(session_id)
                continue
            if info.st_mtime_ns >= written or info.st_ctime_ns >= written:
                check(session_id)  # (a tie: the same clock tick)
        to_check.sort()
        if indexed == len(cached):
            return to_check, []
        on_disk = {session_id for session_id, _entry in self._session_files()}
        return to_check, [session_id for session_id in cached if session_id not in on_disk]

    def _session_files(self) -> Iterator[tuple[str, os.DirEntry[str]]]:
        """The folder's entries that stand where a session file goes, with their session
        ids, one at a time."""
        try:
            found = os.scandir(self.root)
        except (FileNotFoundError, NotADirectoryError):
            return
        with found:
            for entry in found:
                name = entry.name
                if name.endswith(".json") and name != INDEX_NAME and not name.startswith("."):
                    yield name[: -len(".json")], entry


    # -- locks -------------------------------------------------------------------

    def lock(self, session_id: str) -> SessionLock:
        """The (not yet acquired) lock of one session."""
        return SessionLock(lock_path(self.root, session_id))

    def in_use(self, session_id: str) -> bool:
        """True if some process holds the session open right now."""
        return is_locked(lock_path(self.root, session_id))

    # -- damaged files -------------------------------------------------------------

    def backup_info(self, session_id: str) -> BackupInfo | None:
        """The previous generation, if it exists and is a readable session."""
        path = backup_path(self.path_for(session_id))
        try:
            record = read_json_file(path, self.codec)
            if not isinstance(record, dict):
                return None
            session = self._session_from(session_id, record)
            saved = dt.datetime.fromtimestamp(path.stat().st_mtime)
        except (CorruptFileError, StoreError, OSError):
            return None
        return BackupInfo(
            session_id=session_id, path=path, saved=saved, notes=len(session.notes),
            pupil=session.meta.pupil, date=session.meta.date,
        )

    def set_aside(self, session_id: str) -> Path:
        """Move a damaged session file out of the way under a clear name; never overwrite."""
        path = self.path_for(session_id)
        if self.in_use(session_id):
            raise SessionInUseError(
                f"gesprek {session_id} is open in een ander venster; het blijft staan"
            )
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = path.with_name(f"{path.name}{DAMAGED_MARK}{stamp}")
        counter = 1
        while target.exists():
            counter += 1
            target = path.with_name(f"{path.name}{DAMAGED_MARK}{stamp}-{counter}")
        try:
            os.rename(path, target)
        except OSError as error:
            raise StoreError(
                f"kan het beschadigde bestand van gesprek {session_id} niet apart zetten "
                f"({os_reason(error)})"
            ) from None
        fsync_dir(self.root)
        self.forget(session_id)
        return target

    def recover_damaged(self, between: Callable[[], object] = lambda: None
                        ) -> builtins.list[Recovery]:
        """Set aside every damaged session file (unless in use); say which have a backup.

        Only the files ``list()`` finds damaged are read again: it reads every file that
        is new or changed since the index was written, as opening it would, and a file
        this program saved was whole when it was written. At 10,000 sessions reading them
        all took seconds of work at every start (and of decryption in an encrypted store).
        ``between`` is called before each file (a caller in a thread sleeps there briefly).
        """
        found: builtins.list[Recovery] = []
        summaries, _problems = self.list()
        for session_id in [summary.id for summary in summaries if summary.damaged]:
            between()
            try:
                self.load(session_id)
                continue
            except DamagedSessionError as error:
                reason = error.reason
            except StoreError:
                continue  # unreadable for another reason (permissions): leave it alone
            try:
                moved = self.set_aside(session_id)
            except StoreError:
                continue
            found.append(Recovery(session_id, reason, moved, self.backup_info(session_id)))
        return found

    def orphan_backups(self) -> builtins.list[BackupInfo]:
        """Readable backups whose session file is gone (a restore that was declined)."""
        if not self.root.is_dir():
            return []
        result = []
        for bak in sorted(self.root.glob("*.json.bak")):
            session_id = bak.name[: -len(".json.bak")]
            if self.path_for(session_id).exists():
                continue
            info = self.backup_info(session_id)
            if info is not None:
                result.append(info)
        return result

    def restore_backup(self, session_id: str) -> Session:
        """Put the previous generation back as the session file (which must be gone)."""
        path = self.path_for(session_id)
        if path.exists():
            raise StoreError(
                f"gesprek {session_id} heeft nog een bestand; zet het eerst apart"
            )
        info = self.backup_info(session_id)
        if info is None:
            raise StoreError(f"gesprek {session_id} heeft geen leesbare vorige versie")
        try:
            atomic_write_bytes(path, info.path.read_bytes(), keep_backup=False)
        except OSError as error:
            raise StoreError(
                f"kan de vorige versie van gesprek {session_id} niet terugzetten "
                f"({os_reason(error)})"
            ) from None
        session = self.load(session_id)
        self._update_index(SessionSummary.of(session))
        return session

    def remove_temp_files(self, session_id: str) -> int:
        """Remove half-written temporary files of a session; call only while holding its lock.

        A process killed during a save leaves them; they hold session data, so
        they must not linger. Returns how many were removed.
        """
        removed = 0
        for path in self._temp_files(session_id):
            try:
                path.unlink()
                removed += 1
            except OSError:
                pass
        return removed

    def _temp_files(self, session_id: str) -> builtins.list[Path]:
        """The session's half-written files, ``.<code>.json.<anything>.tmp``, found with one
        plain pass over the folder: ``remove_temp_files`` runs before every board is drawn,
        and ``Path.glob``, which matched each name against a pattern, took 1-8 ms in a
        store of 1,000 sessions (this pass ~1 ms)."""
        prefix = f".{self.path_for(session_id).name}."
        try:
            with os.scandir(self.root) as entries:
                return [Path(entry.path) for entry in entries
                        if entry.name.startswith(prefix) and entry.name.endswith(".tmp")
                        and len(entry.name) >= len(prefix) + len(".tmp")]
        except OSError:
            return []

    # -- deleting ----------------------------------------------------------------

    def files_of(self, session_id: str) -> builtins.list[Path]:
        """Every file this session left in the store: data, backup, damaged copies, temp files."""
        path = self.path_for(session_id)
        name = path.name
        lock = lock_path(self.root, session_id)
        candidates = [path, backup_path(path), lock, holder_path(lock)]
        candidates += self.root.glob(f"{name}{DAMAGED_MARK}*")
        candidates += self._temp_files(session_id)
        return sorted({p for p in candidates if p.exists() or p.is_symlink()})

    def delete(self, session_id: str) -> builtins.list[Path]:
        """Remove a session completely; refuses while another process has it open."""
        lock = self.lock(session_id)
        if not [f for f in self.files_of(session_id) if f != lock.path]:
            raise StoreError(f"gesprek {session_id} bestaat niet in {self.root}")
        try:
            if not lock.acquire(note_holder=False):
                raise SessionInUseError(
                    f"gesprek {session_id} is open in een ander venster "
                    f"({lock.holder().describe()}); sluit het daar eerst"
                )
        except OSError as error:
            raise StoreError(
                f"kan gesprek {session_id} niet verwijderen ({os_reason(error)})"
            ) from None
        removed: builtins.list[Path] = []
        try:
            for path in self.files_of(session_id):
                if path == lock.path:
                    continue
                try:
                    _remove(path)
                    removed.append(path)
                except FileNotFoundError:
                    pass
                except OSError as error:
                    raise StoreError(
                        f"kan {path.name} niet verwijderen ({os_reason(error)})"
                    ) from None
            self.forget(session_id)
        finally:
            lock.release(remove=True)
            fsync_dir(self.root)
        return removed
