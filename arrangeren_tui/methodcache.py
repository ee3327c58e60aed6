"""Dataclass methods compiled once, not at every start.

Python writes the methods of each dataclass (``__init__``, ``__eq__``, ``__repr__``, and
``__setattr__``, ``__delattr__`` and ``__hash__`` for a frozen one) as source text and
compiles that text when the class is created: about a quarter of a millisecond per method.
Opening a board creates some 70 dataclasses, Textual's and ours, about 300 methods: tens of
milliseconds of compiling at every start, of the same text each time.

``install`` makes the ``dataclasses`` module run compiled code it looks up by that text,
from a file in the user's cache folder; ``save`` (when the program ends) adds what was
compiled anew. It changes nothing else: the code is what Python compiles from the same
text, and runs with the same names, so the class is the same. The text is the key: a class
that changed simply compiles again. A file written by another Python version, a damaged one
or none at all is passed over, and everything compiles as without it.

The file holds compiled program code and nothing else (no session data ever reaches a
dataclass's generated text, only field names): the same kind of content as Python's own
``__pycache__``, readable by the user alone.
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import os
import sys
from contextlib import suppress
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
    try:
        table = marshal.loads(data[len(_HEADER):])
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


def save() -> None:
    """Add what was compiled anew to the file (temp file and rename; never fails loudly:
    without the file the next start only compiles again)."""
    if not _new or _path is None:
        return
    table = {**_known, **_new}
    payload = _HEADER + marshal.dumps(table)
    if len(payload) > MAX_BYTES:
        payload = _HEADER + marshal.dumps(dict(_new))
    tmp = _path.with_name(f".{_path.name}.{os.getpid()}.tmp")
    try:
        _path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                     0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, _path)
    except OSError:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        return
    _known.update(_new)
    _new.clear()
