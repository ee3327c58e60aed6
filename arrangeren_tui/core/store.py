"""The session store: one TinyDB JSON file per session, plus a small index.

One file per session keeps every save as small as that one session, however
many past sessions the store holds. File names carry the session id, never a
child's name. The index only holds what the home and history lists show and
is rewritten only when one of those fields changes; it can always be rebuilt
from the session files.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from arrangeren_tui.core.model import Session, SessionMeta
from arrangeren_tui.core.storage import (
    DIR_MODE,
    AtomicJSONStorage,
    CorruptFileError,
)
from arrangeren_tui.core.veld import Veld

INDEX_NAME = "index.json"
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class StoreError(Exception):
    """A store problem, worded in Dutch for the user."""


@dataclass(frozen=True)
class SessionSummary:
    """One line in the home and history lists."""

    id: str
    pupil: str
    date: str
    school: str
    group: str
    status: str
    created: str

    @classmethod
    def of(cls, session: Session) -> SessionSummary:
        return cls(
            id=session.id,
            pupil=session.meta.pupil,
            date=session.meta.date,
            school=session.meta.school,
            group=session.meta.group,
            status=session.status,
            created=session.created,
        )


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
    )


class SessionStore:
    """Sessions in a folder that only the user can read."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._index_lock = threading.Lock()
        self._index_cache: dict[str, SessionSummary] | None = None

    # -- folder --------------------------------------------------------------

    def ensure(self) -> None:
        """Create the folder (0700) if needed; tighten it if it is looser."""
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            if self.root.stat().st_mode & 0o077:
                os.chmod(self.root, DIR_MODE)
        except OSError as error:
            raise StoreError(
                f"kan de map {self.root} niet aanmaken of gebruiken ({error.strerror})"
            ) from None

    def path_for(self, session_id: str) -> Path:
        if not session_id or "/" in session_id or session_id.startswith("."):
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
        stamp = date.replace("-", "") if date else dt.date.today().strftime("%Y%m%d")
        while True:
            token = "".join(secrets.choice(_ID_ALPHABET) for _ in range(4))
            candidate = f"{stamp}-{token}"
            if not self.path_for(candidate).exists():
                return candidate

    def create(self, meta: SessionMeta, veld: Veld, now: float) -> Session:
        self.ensure()
        session = Session.new(self.new_id(meta.date), meta, veld, now)
        self.save_record(session.to_record())
        return session

    def read_record(self, session_id: str) -> dict[str, Any]:
        path = self.path_for(session_id)
        if not path.exists():
            raise StoreError(f"gesprek {session_id} bestaat niet in {self.root}")
        try:
            db = TinyDB(path, storage=AtomicJSONStorage)
            try:
                head = db.table("session").get(doc_id=1)
                notes = {str(doc.doc_id): dict(doc) for doc in db.table("notes").all()}
            finally:
                db.close()
        except CorruptFileError as error:
            raise StoreError(
                f"het bestand van gesprek {session_id} is beschadigd: {error.reason}"
            ) from None
        except OSError as error:
            raise StoreError(
                f"kan gesprek {session_id} niet lezen ({error.strerror})"
            ) from None
        except (AttributeError, TypeError, ValueError) as error:
            # Valid JSON in the wrong shape (e.g. a table that is a list).
            raise StoreError(
                f"het bestand van gesprek {session_id} heeft een onverwachte vorm ({error})"
            ) from None
        if not isinstance(head, dict):
            raise StoreError(f"het bestand van gesprek {session_id} bevat geen gesprek")
        return {"session": {"1": dict(head)}, "notes": notes}

    def load(self, session_id: str) -> Session:
        record = self.read_record(session_id)
        try:
            return Session.from_record(record)
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise StoreError(
                f"het bestand van gesprek {session_id} heeft een onverwachte vorm ({error})"
            ) from None

    def save_record(self, record: dict[str, Any]) -> None:
        """Write one session atomically; refresh the index if its summary changed."""
        summary = summary_from_record(record)
        AtomicJSONStorage(self.path_for(summary.id)).write(record)
        self._update_index(summary)

    def save(self, session: Session) -> None:
        self.save_record(session.to_record())

    def resolve_id(self, text: str) -> str:
        """A full id, or a prefix that names exactly one session."""
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
        return AtomicJSONStorage(self.root / INDEX_NAME, keep_backup=False)

    def _read_index(self) -> dict[str, SessionSummary]:
        if self._index_cache is not None:
            return self._index_cache
        try:
            data = self._index_storage().read() or {}
            table = data.get("sessions", {})
            entries = {
                value["id"]: SessionSummary(**{k: str(value[k]) for k in SessionSummary.__annotations__})
                for value in table.values()
            }
        except (CorruptFileError, KeyError, TypeError, AttributeError, OSError):
            entries = {}
        self._index_cache = entries
        return entries

    def _write_index(self, entries: dict[str, SessionSummary]) -> None:
        ordered = sorted(entries.values(), key=lambda s: s.id)
        data = {"sessions": {str(n): asdict(s) for n, s in enumerate(ordered, start=1)}}
        self._index_storage().write(data)
        self._index_cache = dict(entries)

    def _update_index(self, summary: SessionSummary) -> None:
        with self._index_lock:
            entries = dict(self._read_index())
            if entries.get(summary.id) == summary:
                return
            entries[summary.id] = summary
            self._write_index(entries)

    def forget(self, session_id: str) -> None:
        with self._index_lock:
            entries = dict(self._read_index())
            if entries.pop(session_id, None) is not None:
                self._write_index(entries)

    def list(self) -> tuple[list[SessionSummary], list[str]]:
        """Every session, newest first, and the Dutch problems met on the way.

        The index is reconciled with the files: a file missing from the index is
        read once and added; an index entry without a file is dropped.
        """
        problems: list[str] = []
        with self._index_lock:
            self._index_cache = None
            entries = dict(self._read_index())
            on_disk = set(self.session_ids())
            changed = False
            for stale in set(entries) - on_disk:
                del entries[stale]
                changed = True
            for missing in sorted(on_disk - set(entries)):
                try:
                    entries[missing] = summary_from_record(self.read_record(missing))
                    changed = True
                except (StoreError, KeyError, TypeError, ValueError) as error:
                    problems.append(str(error))
            if changed and self.root.is_dir():
                try:
                    self._write_index(entries)
                except OSError as error:
                    problems.append(f"kan de index niet bijwerken ({error.strerror})")
        ordered = sorted(entries.values(), key=lambda s: (s.date, s.created, s.id), reverse=True)
        return ordered, problems

