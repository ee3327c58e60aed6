"""Encrypting an existing store in place (``arrangeren versleutel``).

The key file is written first (``crypt.create_key``); from then on every save is
encrypted and both forms read. Then each file that holds data is rewritten in its
encrypted form through a temporary file, fsync and an atomic rename, so a kill at
any moment leaves every file whole, old form or new. Running the conversion again
finishes what is left. Each session is converted while holding its lock (a session
open in another window stays as it is until the next run), the jaarplanning and an
export list under their own locks, the index last (so it stays newer than the
sessions and the list needs no rescan).

The module sits beside ``removal`` at the top of the core, because it knows the
jaarplanning's lock as well as the session store.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from arrangeren_tui.core.planning.store import LOCK_NAME, PLANNING_DIRNAME
from arrangeren_tui.core.storage.codec import AGE_HEADER, DONE_NAME, Codec
from arrangeren_tui.core.storage.exportlog import EXPORTS_DIRNAME
from arrangeren_tui.core.storage.files import atomic_write_bytes, fsync_dir
from arrangeren_tui.core.storage.lock import waiting_lock
from arrangeren_tui.core.storage.rescue import encrypt_rescues
from arrangeren_tui.core.storage.store import DAMAGED_MARK, INDEX_NAME, SessionStore

LOCK_SECONDS = 10.0
# A temporary file of an atomic write: ".<name>.<pid>.<hex>.tmp".
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]+\.tmp$")


@dataclass
class Conversion:
    """What one run of the conversion did."""

    converted: list[Path] = field(default_factory=list)
    already: int = 0  # files that were encrypted before this run
    busy: list[str] = field(default_factory=list)  # sessions open elsewhere, left as they are
    removed_temp: int = 0  # temporary files of killed writes (they may hold plain data)
    rescues: int = 0  # plain emergency copies of this store (outside it) encrypted

    @property
    def complete(self) -> bool:
        return not self.busy


def _session_id(name: str) -> str | None:
    """The session a store file belongs to (``<id>.json``, ``.bak``, a damaged copy)."""
    if name.startswith(".") or name == INDEX_NAME:
        return None
    for ending in (".json", ".json.bak"):
        if name.endswith(ending):
            return name[: -len(ending)]
    if DAMAGED_MARK in name and ".json" + DAMAGED_MARK in name:
        return name.split(".json" + DAMAGED_MARK, 1)[0]
    return None


def _files(folder: Path, wanted: Callable[[str], bool]) -> list[Path]:
    try:
        with os.scandir(folder) as found:
            return sorted(Path(e.path) for e in found
                          if e.is_file(follow_symlinks=False) and wanted(e.name))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _encrypt_file(path: Path, codec: Codec) -> bool:
    """Rewrite one file encrypted; False if it already was."""
    raw = path.read_bytes()
    if raw.startswith(AGE_HEADER):
        return False
    atomic_write_bytes(path, codec.encode(raw), keep_backup=False)
    return True


def _alive(pid: int) -> bool:
    """True unless the process that wrote a temporary file is certainly gone."""
    if pid == os.getpid() or sys.platform == "win32":
        return True  # Windows: os.kill(pid, 0) would end that process, not test it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: leave its file alone
    return True


def _remove_dead_temp_files(folder: Path) -> int:
    removed = 0
    for path in _files(folder, lambda name: _TEMP.match(name) is not None):
        match = _TEMP.match(path.name)
        assert match is not None
        if not _alive(int(match["pid"])):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def encrypt_store(store: SessionStore, codec: Codec,
                  after_file: Callable[[Path], object] = lambda path: None,
                  rescue_folders: list[Path] | None = None) -> Conversion:
    """Encrypt every data file of the store that is still plain (see the module's text),
    and the plain emergency copies made for it outside the store.

    ``after_file`` is called after each file written (a progress line; tests stop there).
    A run that leaves no plain file marks the store done (``DONE_NAME``): from then on the
    program refuses a plain file in it, as one that did not come from this program.
    """
    if not codec.encrypted:
        raise ValueError("encrypt_store needs the store's unlocked key")
    root = store.root
    result = Conversion()

    def convert(path: Path) -> None:
        if _encrypt_file(path, codec):
            result.converted.append(path)
            after_file(path)
        else:
            result.already += 1

    sessions: dict[str, list[Path]] = {}
    for path in _files(root, lambda name: _session_id(name) is not None):
        sessions.setdefault(_session_id(path.name) or "", []).append(path)
    for session_id, paths in sorted(sessions.items()):
        lock = store.lock(session_id)
        if not lock.acquire(note_holder=False):
            result.busy.append(session_id)
            continue
        try:
            for path in paths:
                convert(path)
        finally:
            lock.release(remove=not store.path_for(session_id).exists())
    exports = root / EXPORTS_DIRNAME
    for path in _files(exports, lambda name: name.endswith(".json") and not
                       name.startswith(".")):
        with waiting_lock(exports / f".{path.name[: -len('.json')]}.lock", LOCK_SECONDS):
            convert(path)
    planning = root / PLANNING_DIRNAME
    planned = _files(planning, lambda name: not name.startswith("."))
    held: AbstractContextManager[None] = (
        waiting_lock(planning / LOCK_NAME, LOCK_SECONDS) if planned else nullcontext())
    with held:
        for path in planned:
            convert(path)
    index = root / INDEX_NAME
    if index.is_file():
        convert(index)
    for folder in (root, exports, planning):
        result.removed_temp += _remove_dead_temp_files(folder)
    _finish(root, codec, result, rescue_folders)
    return result


def _finish(root: Path, codec: Codec, result: Conversion,
            rescue_folders: list[Path] | None) -> None:
    """The emergency copies outside the store; then, if nothing was left plain, the mark."""
    result.rescues = encrypt_rescues(root, codec, rescue_folders)
    if result.complete:
        atomic_write_bytes(root / DONE_NAME, b"", keep_backup=False)
        codec.accept_plain = False
    fsync_dir(root)
