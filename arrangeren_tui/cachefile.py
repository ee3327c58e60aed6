"""A table of things made once per machine and read back at every start, in one file.

The start caches (``methodcache``: compiled dataclass methods; ``ui.csscache``: Textual's
parsed CSS) each keep one such table. The file is a header naming what wrote it (its
format and the versions its content depends on), a checksum, and the table in ``marshal``
format. A file with another header, a wrong checksum or anything but the expected keys
and values is passed over: the caller then makes everything again, as without a file.
What is made anew is added to the file later (``save``), written through a temp file and
a rename, readable by the user alone; a write that fails is left for the next run.
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_BYTES = 4 * 1024 * 1024  # a file grown past this (many versions) starts over


class CacheTable:
    """``known`` (read from the file) and ``new`` (made in this run, not yet saved)."""

    def __init__(self, header: bytes, valid: Callable[[Any, Any], bool]) -> None:
        self.header = header
        self.valid = valid  # is this key and value of the expected kinds?
        self.known: dict[Any, Any] = {}
        self.new: dict[Any, Any] = {}
        self.path: Path | None = None

    def open(self, path: Path) -> None:
        """Read the table in ``path`` (nothing if it is missing or not as written)."""
        self.path = path
        self.known.update(self._read(path))

    def close(self) -> None:
        """Forget the table and the file (nothing is written)."""
        self.known.clear()
        self.new.clear()
        self.path = None

    def get(self, key: Any) -> Any:
        found = self.known.get(key)
        return self.new.get(key) if found is None else found

    def pending(self) -> bool:
        """True if this run made entries the file does not have yet."""
        return bool(self.new) and self.path is not None

    def _read(self, path: Path) -> dict[Any, Any]:
        try:
            data = path.read_bytes()
        except OSError:
            return {}
        if not data.startswith(self.header):
            return {}
        start = len(self.header)
        checksum, payload = data[start:start + 4], data[start + 4:]
        # A flipped bit in compiled code could crash the interpreter rather than raise: a
        # file that is not exactly what was written is not unmarshalled at all.
        if checksum != zlib.crc32(payload).to_bytes(4, "big"):
            return {}
        try:
            table = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return {}
        if not isinstance(table, dict):
            return {}
        return {key: value for key, value in table.items() if self.valid(key, value)}

    def save(self) -> None:
        """Add what was made anew to the file (never fails loudly: without the file the
        next start only makes it again). Entries added meanwhile on another thread stay
        in ``new`` for the next call."""
        path = self.path
        if path is None:
            return
        fresh = dict(self.new)  # a copy made in one step, whatever other threads add
        if not fresh:
            return
        data = marshal.dumps({**self.known, **fresh})
        if len(data) > MAX_BYTES:
            data = marshal.dumps(fresh)
        payload = self.header + zlib.crc32(data).to_bytes(4, "big") + data
        from arrangeren_tui.core.storage.files import atomic_write_bytes

        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            atomic_write_bytes(path, payload, keep_backup=False)
        except OSError:
            return
        self.known.update(fresh)
        for key in fresh:
            self.new.pop(key, None)
