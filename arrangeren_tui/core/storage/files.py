"""A crash-safe JSON storage for TinyDB.

TinyDB's own JSONStorage rewrites the file in place; killed halfway, the file
is lost, and an empty file reads as an empty database. This storage writes a
temporary file in the same folder, fsyncs it, keeps the previous generation as
``.bak``, renames the new file over the old one and fsyncs the folder. A file
on disk is therefore always a complete old or new state. An existing file
that is empty or not valid JSON is refused, never read as "no data".

The same code runs on Linux, macOS and Windows. What only POSIX has is used
where it exists: owner-only permissions (on Windows a file gets the access list
of its folder, and the user's profile folder is private already), the folder
fsync (Windows cannot open a folder with ``os.open``; NTFS journals the rename).
On a file system without hard links (FAT, exFAT, some SMB shares) the previous
generation is copied instead of linked.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from arrangeren_tui.core.storage.codec import PLAIN, Codec, UndecryptableError

FILE_MODE = 0o600
DIR_MODE = 0o700
# Without it Windows opens a descriptor in text mode and writes every "\n" as "\r\n".
O_BINARY = getattr(os, "O_BINARY", 0)

# os.link failing with one of these means "no hard links on this file system", not "no room".
_NO_LINKS = frozenset(
    getattr(errno, name) for name in
    ("EPERM", "EACCES", "ENOTSUP", "EOPNOTSUPP", "EXDEV", "ENOSYS", "EMLINK", "EINVAL")
    if hasattr(errno, name)
)
# chmod failing with one of these means "this file system has no modes" (FAT, exFAT, SMB).
_NO_MODES = frozenset({errno.EPERM, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})
# Windows: ERROR_INVALID_FUNCTION, ERROR_NOT_SAME_DEVICE, ERROR_NOT_SUPPORTED.
_NO_LINKS_WINERROR = frozenset({1, 17, 50})
# Folders (by device) where os.link failed that way: the next saves copy at once.
_linkless_devices: set[int] = set()
# Windows refuses to replace a file that another program (a virus scanner, a backup tool,
# a reader of the history) has open; that lasts milliseconds, so the rename is retried.
_REPLACE_TRIES = 20
_REPLACE_PAUSE = 0.05


class CorruptFileError(Exception):
    """An existing data file could not be read as JSON."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def restrict(fd: int) -> None:
    """Make an open file readable by its owner alone, where the system and the file system
    have file modes (FAT and exFAT have none: chmod fails there, and nothing is lost).

    Windows has no ``os.fchmod`` (before Python 3.13): there the file inherits the access
    list of its folder, which for the user's profile folder admits only the user, the
    system and administrators.
    """
    fchmod = getattr(os, "fchmod", None)
    if fchmod is None or sys.platform == "win32":
        return
    try:
        fchmod(fd, FILE_MODE)
    except OSError as error:
        if error.errno not in _NO_MODES:
            raise


def restrict_path(path: Path) -> None:
    """:func:`restrict` for a file that someone else opened (the lock file)."""
    if sys.platform == "win32":
        return
    try:
        os.chmod(path, FILE_MODE)
    except OSError as error:
        if error.errno not in _NO_MODES:
            raise


def tighten_dir(folder: Path) -> None:
    """Make a folder 0700 if it is looser; a file system without modes (FAT) is left as it is."""
    if sys.platform == "win32" or not folder.stat().st_mode & 0o077:
        return
    try:
        os.chmod(folder, DIR_MODE)
    except OSError as error:
        if error.errno not in _NO_MODES:
            raise


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable; a no-op where folders cannot be opened (Windows)."""
    o_directory = getattr(os, "O_DIRECTORY", None)
    if o_directory is None:
        return
    try:
        fd = os.open(folder, os.O_RDONLY | o_directory)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_text_file(path: Path, codec: Codec = PLAIN) -> str | None:
    """The file's text (decrypted by ``codec``), None if the file does not exist;
    CorruptFileError if it is empty, does not decrypt or is not UTF-8.

    The bytes read are let go before the text is returned, so a caller that parses a
    large file (the store's index) holds one copy of it, not two.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        raw = codec.decode(raw)
    except UndecryptableError as error:
        raise CorruptFileError(path, str(error)) from None
    if not raw.strip():
        raise CorruptFileError(path, "het bestand is leeg")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CorruptFileError(path, "het bestand is geen geldige UTF-8-tekst") from None


def read_json_file(path: Path, codec: Codec = PLAIN,
                   pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None
                   ) -> Any | None:
    """The parsed content, None if the file does not exist; CorruptFileError if unreadable
    (an encrypted file that does not decrypt included).

    ``pairs_hook``: ``json``'s ``object_pairs_hook``.
    """
    text = read_text_file(path, codec)
    if text is None:
        return None
    try:
        return json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as error:
        raise CorruptFileError(
            path, f"ongeldige JSON op regel {error.lineno}, kolom {error.colno}"
        ) from None


def atomic_write_bytes(path: Path, payload: bytes | Iterable[bytes], *,
                       keep_backup: bool = True) -> None:
    """Replace ``path`` by ``payload`` atomically, readable by the owner alone.

    ``payload`` may come in pieces (``json_pieces``), written one after the other."""
    folder = path.parent
    tmp = folder / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_BINARY, FILE_MODE)
    try:
        try:
            restrict(fd)
            for piece in (payload,) if isinstance(payload, bytes) else payload:
                _write_all(fd, piece)
            os.fsync(fd)
        finally:
            os.close(fd)
        if keep_backup and path.exists():
            keep_previous(path)
        replace_file(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(folder)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def replace_file(source: Path, target: Path) -> None:
    """``os.replace``, retried for a moment on Windows while another program has ``target`` open."""
    for attempt in range(_REPLACE_TRIES):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == _REPLACE_TRIES - 1:
                raise
            time.sleep(_REPLACE_PAUSE)


def _links_unsupported(error: OSError) -> bool:
    return (error.errno in _NO_LINKS
            or getattr(error, "winerror", None) in _NO_LINKS_WINERROR)


def keep_previous(path: Path) -> None:
    """Make ``path.bak`` the current ``path``, best effort; ``path.bak`` is never half written.

    A hard link under a temporary name, renamed over the old ``.bak``, costs no copying.
    Where the file system has no hard links (os.link fails with EPERM, ENOTSUP, EXDEV, ...),
    the file is copied to a temporary name, fsynced and renamed instead: just as atomic,
    since ``.bak`` only ever changes by a rename of a complete file.
    """
    folder = path.parent
    backup = backup_path(path)
    temp = folder / f".{backup.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        if _device(folder) not in _linkless_devices:
            try:
                os.link(path, temp)
            except OSError as error:
                if not _links_unsupported(error):
                    raise
                _linkless_devices.add(_device(folder))
            else:
                replace_file(temp, backup)
                return
        _copy_durably(path, temp)
        replace_file(temp, backup)
    except OSError:
        pass  # the new version is what matters; the previous one is a courtesy
    finally:
        # rename() between two links of one file does nothing and leaves both
        # names (POSIX); that happens when the last write failed after the
        # backup step. Remove the temporary name in every case.
        temp.unlink(missing_ok=True)


def _device(folder: Path) -> int:
    try:
        return folder.stat().st_dev
    except OSError:
        return -1


def _copy_durably(source: Path, target: Path) -> None:
    payload = source.read_bytes()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_BINARY, FILE_MODE)
    try:
        restrict(fd)
        _write_all(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)



def write_file_or_into(target: Path, name: str, payload: bytes) -> Path:
    """Write ``payload`` to ``target``, or to ``target/name`` if it is a folder; the file.

    For exports (verslag, invitation, agenda): atomic, owner-only, no backup.
    """
    target = target.expanduser()
    if target.is_dir():
        target = target / name
    try:
        atomic_write_bytes(target, payload, keep_backup=False)
    except OSError as error:
        # Name the file asked for, not the temporary file written beside it.
        raise OSError(error.errno, error.strerror, str(target)) from None
    return target

def encode_json(data: Any) -> bytes:
    """Compact JSON (``json_pieces`` joined): with ``indent`` Python's json falls back to
    its pure-Python encoder, which made a save of a 1,000-note session cost 4 ms instead
    of 1."""
    return b"".join(json_pieces(data))


def json_pieces(data: Any) -> Iterator[bytes]:
    """The bytes of ``encode_json(data)`` in pieces, to be written one after the other.

    A large table (a session's notes, the index's sessions) comes ``_BATCH`` entries at a
    time, the same bytes as ``json.dumps`` of the whole: that holds every small piece of
    the text until it joins them, ~6 times the text's size (0.4 MiB for a 300-note
    session, 2.3 MiB for an index of 1,000), and the peak stayed in the program's
    resident memory after its first save. Written piece by piece (``atomic_write_bytes``
    with a plain codec) no copy of the whole text is ever made: the writer thread's
    memory stays at the size of one piece (issue 17's peak RSS).
    """
    if not isinstance(data, dict) or not data:
        yield _dumps(data)
        return
    separator = b"{"
    for key, value in data.items():
        if isinstance(value, dict) and len(value) > _BATCH:
            items = list(value.items())
            yield separator + _dumps({key: {}})[1:-3] + b"{"  # '"key": {'
            for at in range(0, len(items), _BATCH):
                yield (b", " if at else b"") + _dumps(dict(items[at:at + _BATCH]))[1:-1]
            yield b"}"
        else:
            yield separator + _dumps({key: value})[1:-1]
        separator = b", "
    yield b"}"


_BATCH = 50


def _dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=False).encode("utf-8")


class AtomicJSONStorage:
    """TinyDB storage: atomic replace on write, refuses damaged files on read.

    TinyDB only calls ``read``, ``write`` and ``close``; the class does not derive from
    ``tinydb.storages.Storage``, so that reading and writing a session never imports
    TinyDB (~3 ms at every start; only the planning store still opens a ``TinyDB``).
    """

    def __init__(self, path: str | os.PathLike[str], keep_backup: bool = True,
                 codec: Codec = PLAIN) -> None:
        self.path = Path(path)
        self.keep_backup = keep_backup
        self.codec = codec

    def read(self, pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None
             ) -> dict[str, dict[str, Any]] | None:
        data = read_json_file(self.path, self.codec, pairs_hook)
        if data is None:
            return None
        if not isinstance(data, dict):
            raise CorruptFileError(self.path, "het bestand heeft niet de vorm van een database")
        return data

    def read_text(self) -> str | None:
        """The file's text, unparsed (``read_text_file``): for a caller that parses a large
        file piece by piece."""
        return read_text_file(self.path, self.codec)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        pieces = json_pieces(data)
        payload = pieces if self.codec is PLAIN else self.codec.encode(b"".join(pieces))
        atomic_write_bytes(self.path, payload, keep_backup=self.keep_backup)

    def close(self) -> None:
        pass
