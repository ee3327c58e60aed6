"""Emergency copies: a session that could not be saved in the store when the program had to stop.

With a full disk (or a store that became read-only) and a hang-up, SIGTERM or ^Q,
the notes held in memory would be lost. Then the session is written to the first
of these places that works: the user's data folder, the home folder, the system's
temporary folder, each in a folder of its own (0700) with a file 0600 named by
the session code, never by a name; for an encrypted store the copy is encrypted with the
store's key. At the next start the program finds the copies
meant for its store and offers to put them back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arrangeren_tui.core.paths import user_data_dir
from arrangeren_tui.core.storage.codec import AGE_HEADER, Codec, codec_for
from arrangeren_tui.core.storage.files import DIR_MODE, atomic_write_bytes
from arrangeren_tui.core.storage.store import summary_from_record

RESCUE_DIRNAME = "noodkopieen"
SUFFIX = ".noodkopie.json"


@dataclass(frozen=True)
class Rescue:
    """One emergency copy on disk."""

    path: Path
    session_id: str
    store: Path
    written: str  # ISO time
    record: dict[str, Any]

    @property
    def pupil(self) -> str:
        return summary_from_record(self.record).pupil


def rescue_dirs() -> list[Path]:
    """Where emergency copies go, in order of preference (and where they are looked for)."""
    folders = []
    try:
        folders.append(user_data_dir() / RESCUE_DIRNAME)
    except Exception:  # noqa: BLE001 - a broken platformdirs must not stop a rescue
        pass
    folders.append(Path.home() / ".arrangeren-noodkopieen")
    uid = getattr(os, "getuid", lambda: 0)()
    folders.append(Path(tempfile.gettempdir()) / f"arrangeren-noodkopieen-{uid}")
    return list(dict.fromkeys(folders))


def write_rescue(store_root: Path, record: dict[str, Any],
                 folders: list[Path] | None = None) -> Path | None:
    """Write ``record`` to the first folder that takes it; its path, or None if none did."""
    try:
        session_id = summary_from_record(record).id
    except (KeyError, TypeError, ValueError):
        session_id = "onbekend"
    now = dt.datetime.now().astimezone()
    payload = json.dumps({"version": 1, "store": str(store_root.resolve()),
                          "written": now.isoformat(timespec="seconds"), "record": record},
                         ensure_ascii=False).encode("utf-8")
    payload = codec_for(store_root).encode(payload)
    for folder in folders if folders is not None else rescue_dirs():
        target = folder / f"{session_id}-{now:%Y%m%d-%H%M%S}{SUFFIX}"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            atomic_write_bytes(target, payload, keep_backup=False)
        except OSError:
            continue
        return target
    return None


def find_rescues(store_root: Path, folders: list[Path] | None = None) -> list[Rescue]:
    """The emergency copies meant for this store, oldest first."""
    wanted = str(store_root.resolve())
    codec = codec_for(store_root)
    found: list[Rescue] = []
    for path in _copies(folders):
        try:
            # Another store's encrypted copy does not decrypt (ValueError) or is
            # locked (OSError): not meant for this store.
            # A plain copy is read even in a finished encrypted store: it was made by
            # a window that had no key, and putting it back encrypts it.
            raw = path.read_bytes()
            data = json.loads(codec.decode(raw) if raw.startswith(AGE_HEADER) else raw)
            record = data["record"]
            if data.get("store") != wanted or not isinstance(record, dict):
                continue
            found.append(Rescue(path, summary_from_record(record).id, Path(data["store"]),
                                str(data.get("written", "")), record))
        except (OSError, ValueError, TypeError, KeyError):
            continue
    return sorted(found, key=lambda r: r.written)


def _copies(folders: list[Path] | None) -> Iterator[Path]:
    """Every emergency copy in the rescue folders (``rescue_dirs`` unless given)."""
    for folder in folders if folders is not None else rescue_dirs():
        try:
            paths = sorted(folder.glob(f"*{SUFFIX}"))
        except OSError:
            continue
        yield from paths


def encrypt_rescues(store_root: Path, codec: Codec,
                    folders: list[Path] | None = None) -> int:
    """Encrypt the plain emergency copies meant for this store (made before it was
    encrypted); how many. Another store's copies, and unreadable ones, are left alone."""
    wanted = str(store_root.resolve())
    done = 0
    for path in _copies(folders):
        try:
            raw = path.read_bytes()
            if raw.startswith(AGE_HEADER) or json.loads(raw).get("store") != wanted:
                continue
            atomic_write_bytes(path, codec.encode(raw), keep_backup=False)
        except (OSError, ValueError, AttributeError):
            continue
        done += 1
    return done


def forget_rescue(rescue: Rescue) -> None:
    """Remove an emergency copy once it is back in the store (or no longer wanted)."""
    rescue.path.unlink(missing_ok=True)
