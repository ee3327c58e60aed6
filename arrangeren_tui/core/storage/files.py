"""A crash-safe JSON storage for TinyDB.

TinyDB's own JSONStorage rewrites the file in place; killed halfway, the file
is lost, and an empty file reads as an empty database. This storage writes a
temporary file in the same folder, fsyncs it, keeps the previous generation as
``.bak``, renames the new file over the old one and fsyncs the folder. A file
on disk is therefore always a complete old or new state. An existing file
that is empty or not valid JSON is refused, never read as "no data".
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

FILE_MODE = 0o600
DIR_MODE = 0o700


class CorruptFileError(Exception):
    """An existing data file could not be read as JSON."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_json_file(path: Path) -> Any | None:
    """The parsed content, None if the file does not exist; CorruptFileError if unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if not raw.strip():
        raise CorruptFileError(path, "het bestand is leeg")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CorruptFileError(path, "het bestand is geen geldige UTF-8-tekst") from None
    except json.JSONDecodeError as error:
        raise CorruptFileError(
            path, f"ongeldige JSON op regel {error.lineno}, kolom {error.colno}"
        ) from None


def atomic_write_bytes(path: Path, payload: bytes, *, keep_backup: bool = True) -> None:
    """Replace ``path`` by ``payload`` atomically, readable by the owner alone."""
    folder = path.parent
    tmp = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        try:
            os.fchmod(fd, FILE_MODE)
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if keep_backup and path.exists():
            backup = backup_path(path)
            link_tmp = folder / f".{backup.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
            try:
                os.link(path, link_tmp)
                os.replace(link_tmp, backup)
            except OSError:
                pass
            finally:
                # rename() between two links of one file does nothing and leaves both
                # names (POSIX); that happens when the last write failed after the
                # backup step. Remove the temporary name in every case.
                link_tmp.unlink(missing_ok=True)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(folder)



def write_file_or_into(target: Path, name: str, payload: bytes) -> Path:
    """Write ``payload`` to ``target``, or to ``target/name`` if it is a folder; the file.

    For exports (verslag, invitation, agenda): atomic, owner-only, no backup.
    """
    target = target.expanduser()
    if target.is_dir():
        target = target / name
    atomic_write_bytes(target, payload, keep_backup=False)
    return target

def encode_json(data: Any) -> bytes:
    """Compact JSON: with ``indent`` Python's json falls back to its pure-Python encoder,
    which made a save of a 1,000-note session cost 4 ms instead of 1."""
    return json.dumps(data, ensure_ascii=False, sort_keys=False).encode("utf-8")


class AtomicJSONStorage(Storage):
    """TinyDB storage: atomic replace on write, refuses damaged files on read."""

    def __init__(self, path: str | os.PathLike[str], keep_backup: bool = True) -> None:
        self.path = Path(path)
        self.keep_backup = keep_backup

    def read(self) -> dict[str, dict[str, Any]] | None:
        data = read_json_file(self.path)
        if data is None:
            return None
        if not isinstance(data, dict):
            raise CorruptFileError(self.path, "het bestand heeft niet de vorm van een database")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write_bytes(self.path, encode_json(data), keep_backup=self.keep_backup)

    def close(self) -> None:
        pass
