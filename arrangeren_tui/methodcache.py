"""Dataclass methods compiled once, not at every start.

Python writes the methods of each dataclass (``__init__``, ``__eq__``, ``__repr__``, and
``__setattr__``, ``__delattr__`` and ``__hash__`` for a frozen one) as source text and
compiles that text when the class is created: about a quarter of a millisecond per method.
Opening a board creates some 70 dataclasses, Textual's and ours, about 300 methods: tens of
milliseconds of compiling at every start, of the same text each time.

``install`` makes the ``dataclasses`` module run compiled code it looks up by that text,
from a file in the user's cache folder; ``save`` adds what was compiled anew (the App calls
it right after the first screen is drawn, ``run()`` when the program ends). It changes
nothing else: the code is what Python compiles from the same text, and runs with the same
names, so the class is the same. The text is the key: a class that changed simply compiles
again. A file written by another Python version, a damaged one (a checksum covers it) or
none at all is passed over, and everything compiles as without it.

The file holds compiled program code and nothing else (no session data ever reaches a
dataclass's generated text, only field names): the same kind of content as Python's own
``__pycache__``, readable by the user alone.
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import sys
import zlib
from pathlib import Path
from types import CodeType
from typing import Any

# marshal's format belongs to one Python version: the file says which one wrote it.
_HEADER = f"arrangeren dataclass methods, Python {sys.version}\n".encode()
MAX_BYTES = 4 * 1024 * 1024  # a file grown past this (many versions of the classes) starts over

_known: dict[str, CodeType] = {}
_new: dict[str, CodeType] = {}
_path: Path | None = None


def _exec(source: Any, globals: dict[str, Any] | None = None,  # noqa: A002 - exec's names
          locals: dict[str, Any] | None = None) -> None:  # noqa: A002
    """``exec`` as the dataclasses module calls it, with the text compiled at most once."""
    if isinstance(source, str):
        code = _known.get(source) or _new.get(source)
        if code is None:
            code = _new[source] = compile(source, "<string>", "exec")
        source = code
    builtins.exec(source, globals, locals)


def _read(path: Path) -> dict[str, CodeType]:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if not data.startswith(_HEADER):
        return {}
    checksum, payload = data[len(_HEADER):len(_HEADER) + 4], data[len(_HEADER) + 4:]
    # A flipped bit in compiled code could crash the interpreter rather than raise: a file
    # that is not exactly what was written is not unmarshalled at all.
    if checksum != zlib.crc32(payload).to_bytes(4, "big"):
        return {}
    try:
        table = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(table, dict):
        return {}
    return {text: code for text, code in table.items()
            if isinstance(text, str) and isinstance(code, CodeType)}


def install(path: Path) -> None:
    """From now on, dataclasses compile their methods through the table in ``path``."""
    global _path
    _path = path
    _known.update(_read(path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # shadows the builtin there


def uninstall() -> None:
    """Dataclasses compile as Python does; the table is forgotten (nothing is written)."""
    global _path
    if getattr(dataclasses, "exec", None) is _exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    _known.clear()
    _new.clear()
    _path = None


def pending() -> bool:
    """True if this run compiled methods the file does not have yet."""
    return bool(_new) and _path is not None


def save() -> None:
    """Add what was compiled anew to the file (temp file and rename; never fails loudly:
    without the file the next start only compiles again).

    Called on a thread of its own right after the first screen is drawn (a window that is
    closed ends the program without ``atexit``), and at the end. Classes made meanwhile on
    another thread stay in ``_new`` for the next call.
    """
    path = _path
    if path is None:
        return
    fresh = dict(_new)  # a copy made in one step, whatever other threads add
    if not fresh:
        return
    data = marshal.dumps({**_known, **fresh})
    if len(data) > MAX_BYTES:
        data = marshal.dumps(fresh)
    payload = _HEADER + zlib.crc32(data).to_bytes(4, "big") + data
    from arrangeren_tui.core.storage.files import atomic_write_bytes

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_bytes(path, payload, keep_backup=False)
    except OSError:
        return
    _known.update(fresh)
    for text in fresh:
        _new.pop(text, None)
