"""Which files the program wrote for a session outside the store, so deleting it can find them.

A verslag, foto, invitation or agenda written to ``~/arrangeren-verslagen`` or with
``-o`` holds the pupil's name. Every such write is noted here: its path, its size
and a SHA-256 of its bytes, in ``exports/<code>.json`` inside the store (never a
name in the file name; the store's own permissions protect it, and in an encrypted store
the list is encrypted like every session). Deleting the
session removes each listed file that is still there and unchanged; a file that
was moved, changed or cannot be removed is named, never silently left.

The year calendar (``jaarplanning.ics``) holds many sessions and is not listed here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from arrangeren_tui.core.storage.codec import codec_for, codec_for_writing
from arrangeren_tui.core.storage.files import DIR_MODE, atomic_write_bytes, fsync_dir
from arrangeren_tui.core.storage.lock import waiting_lock

EXPORTS_DIRNAME = "exports"
LOCK_SECONDS = 5.0


@dataclass(frozen=True)
class ExportRecord:
    """One file written for a session."""

    path: Path
    sha256: str
    size: int
    written: str  # ISO time


@dataclass
class ExportCleanup:
    """What deleting a session did with the files written for it."""

    removed: list[Path] = field(default_factory=list)
    kept: list[tuple[Path, str]] = field(default_factory=list)  # (file, Dutch reason)


def log_path(root: Path, session_id: str) -> Path:
    return root / EXPORTS_DIRNAME / f"{session_id}.json"


def _lock_path(root: Path, session_id: str) -> Path:
    return root / EXPORTS_DIRNAME / f".{session_id}.lock"


def _digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _read(root: Path, path: Path) -> list[ExportRecord]:
    try:
        data = json.loads(codec_for(root).decode(path.read_bytes()))
        return [ExportRecord(Path(str(e["path"])), str(e["sha256"]), int(e["size"]),
                             str(e["written"])) for e in data["files"]]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, TypeError, KeyError):
        return []  # a damaged list is written anew; the files it named are then unknown


def _write(root: Path, path: Path, records: list[ExportRecord]) -> None:
    payload = json.dumps({"version": 1, "files": [
        {"path": str(r.path), "sha256": r.sha256, "size": r.size, "written": r.written}
        for r in records]}, ensure_ascii=False, indent=1).encode("utf-8")
    atomic_write_bytes(path, codec_for_writing(root).encode(payload), keep_backup=False)


def record_export(root: Path, session_id: str, target: Path, payload: bytes) -> None:
    """Note that ``payload`` was written to ``target`` for this session (OSError if it can't)."""
    folder = root / EXPORTS_DIRNAME
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    path = log_path(root, session_id)
    target = target.expanduser().resolve()
    with waiting_lock(_lock_path(root, session_id), LOCK_SECONDS):
        records = [r for r in _read(root, path) if r.path != target]
        records.append(ExportRecord(
            target, _digest(payload), len(payload),
            dt.datetime.now().astimezone().isoformat(timespec="seconds")))
        _write(root, path, records)


def exported_files(root: Path, session_id: str) -> list[ExportRecord]:
    """Every file noted for this session, oldest first."""
    return _read(root, log_path(root, session_id))


def _remove_one(record: ExportRecord) -> str:
    """"" if the file is gone now, else why it stays (Dutch)."""
    try:
        data = record.path.read_bytes()
    except FileNotFoundError:
        return "niet meer gevonden (verplaatst, hernoemd of al weg)"
    except IsADirectoryError:
        return "er staat nu een map met die naam"
    except OSError as error:
        return f"niet te lezen ({error.strerror})"
    if _digest(data) != record.sha256:
        return "gewijzigd na het schrijven; het blijft staan"
    try:
        record.path.unlink()
    except OSError as error:
        return f"kan niet verwijderd worden ({error.strerror})"
    return ""


def remove_exports(root: Path, session_id: str) -> ExportCleanup:
    """Remove every noted file that is still there and unchanged, then the list itself."""
    cleanup = ExportCleanup()
    path = log_path(root, session_id)
    if not path.exists():
        return cleanup
    for record in _read(root, path):
        reason = _remove_one(record)
        if reason:
            cleanup.kept.append((record.path, reason))
        else:
            cleanup.removed.append(record.path)
    for leftover in (path, _lock_path(root, session_id)):
        try:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass
    fsync_dir(path.parent)
    return cleanup
