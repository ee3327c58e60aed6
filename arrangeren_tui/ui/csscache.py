"""Textual's CSS parsed once per machine, not at every start.

Textual parses every piece of CSS it meets (the app's files, each widget class's
``DEFAULT_CSS``) at every start: 20-35 ms of a start here, of the same text each time.
``install`` makes Textual's stylesheets look up the parsed rules of a piece of CSS by
that text (with everything else the parse depends on: where it was read from, whether it
is a default, its scope and the theme's variables) in a file in the user's cache folder,
before they parse it; ``save`` adds what was parsed anew (the App calls it right after
the first screen is drawn, and at the end). Rules with errors are not kept, so a broken
piece of CSS is reported as without the cache.

The rules are kept as ``pickle`` data in a ``cachefile.CacheTable`` whose header names
the Python version and the installed Textual (its package file's path, size and time).
The file holds the program's own style rules and nothing else (no session data reaches
a stylesheet), in the user's cache folder, readable by the user alone; it is trusted as
Python's own ``__pycache__`` is.
"""

from __future__ import annotations

import atexit
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import textual
from textual.css.stylesheet import Stylesheet

from arrangeren_tui.cachefile import CacheTable


def _textual_build() -> str:
    """Which Textual is installed: its package file as installed (an upgrade or another
    environment writes it anew). ``textual.__version__`` would read the package metadata,
    ~10 ms of a start."""
    try:
        found = os.stat(textual.__file__)
    except (OSError, TypeError):
        return "?"
    return f"{textual.__file__} {found.st_size} {found.st_mtime_ns}"


_table = CacheTable(
    f"arrangeren css rules, textual {_textual_build()}, Python {sys.version}\n".encode(),
    lambda key, kept: (isinstance(key, str) and isinstance(kept, tuple) and len(kept) == 2
                       and isinstance(kept[0], str) and isinstance(kept[1], bytes)))
_TEXTUAL_PARSE_RULES = Stylesheet._parse_rules
_textual_parse = _TEXTUAL_PARSE_RULES  # what a miss calls (tests count the calls)
_variables_seen: list[Any] = [None, ""]  # the last variables dict and its text
_exit_registered = False


def _variables_text(variables: dict[str, str]) -> str:
    """The theme's variables as text (the same dict object at every parse of one
    stylesheet: written out once)."""
    if _variables_seen[0] is not variables:
        _variables_seen[:] = [variables, repr(sorted(variables.items()))]
    text: str = _variables_seen[1]
    return text


def _parse_rules(self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
                 tie_breaker: int = 0, scope: str = "") -> Any:
    """``Stylesheet._parse_rules``, with the rules of a piece of CSS parsed at most once
    per machine (see ``textual_private``).

    The table's key is the CSS and where it was read from, as text; with the rules it
    keeps the variables they were parsed with (one set per file in practice: a file
    written under another theme is parsed again and kept with the new set).
    """
    source = (css, read_from, is_default_rules, tie_breaker, scope)  # Textual's own key
    in_process = self._parse_cache.get(source)
    if in_process is not None:
        return in_process
    key = repr(source)
    variables = _variables_text(self._variables)
    kept = _table.get(key)
    if kept is not None and kept[0] == variables:
        try:
            rules = pickle.loads(kept[1])
        except Exception:  # noqa: BLE001 - a cache: anything wrong with it means "parse"
            rules = None
        if isinstance(rules, list):
            self._parse_cache[source] = rules
            return rules
    rules = _textual_parse(self, css, read_from, is_default_rules, tie_breaker, scope)
    if not any(rule.errors for rule in rules):
        try:
            _table.new[key] = (variables, pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # noqa: BLE001, S110 - not kept; parsed again next time
            pass
    return rules


def install(path: Path) -> None:
    """From now on, Textual's stylesheets parse through the table in ``path`` (saved at
    exit too, for the CSS of screens opened after the first)."""
    global _exit_registered
    _table.open(path)
    Stylesheet._parse_rules = _parse_rules  # type: ignore[method-assign]
    if not _exit_registered:
        atexit.register(save)
        _exit_registered = True


def uninstall() -> None:
    """Stylesheets parse as Textual does; the table is forgotten (nothing is written)."""
    Stylesheet._parse_rules = _TEXTUAL_PARSE_RULES  # type: ignore[method-assign]
    _table.close()


def pending() -> bool:
    """True if this run parsed CSS the file does not have yet."""
    return _table.pending()


def save() -> None:
    """Add what was parsed anew to the file (``cachefile.CacheTable.save``)."""
    _table.save()
