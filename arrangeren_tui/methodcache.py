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
import sys
from pathlib import Path
from types import CodeType
from typing import Any

from arrangeren_tui.cachefile import CacheTable

__all__ = ["install", "pending", "save", "uninstall"]

# marshal's format belongs to one Python version: the file says which one wrote it.
_table = CacheTable(
    f"arrangeren dataclass methods, Python {sys.version}\n".encode(),
    lambda text, code: isinstance(text, str) and isinstance(code, CodeType))
_known: dict[str, CodeType] = _table.known
_new: dict[str, CodeType] = _table.new


def _exec(source: Any, globals: dict[str, Any] | None = None,  # noqa: A002 - exec's names
          locals: dict[str, Any] | None = None) -> None:  # noqa: A002
    """``exec`` as the dataclasses module calls it, with the text compiled at most once."""
    if isinstance(source, str):
        code = _table.get(source)
        if code is None:
            code = _new[source] = compile(source, "<string>", "exec")
        source = code
    builtins.exec(source, globals, locals)


def install(path: Path) -> None:
    """From now on, dataclasses compile their methods through the table in ``path``."""
    _table.open(path)
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # shadows the builtin there


def uninstall() -> None:
    """Dataclasses compile as Python does; the table is forgotten (nothing is written)."""
    if getattr(dataclasses, "exec", None) is _exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    _table.close()


def pending() -> bool:
    """True if this run compiled methods the file does not have yet."""
    return _table.pending()


def save() -> None:
    """Add what was compiled anew to the file (``cachefile.CacheTable.save``).

    Called on a thread of its own right after the first screen is drawn (a window that is
    closed ends the program without ``atexit``), and at the end.
    """
    _table.save()
