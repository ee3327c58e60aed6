"""Every use of a private Textual name in this app, in one place (checked on textual 8.2.8).

Private names can change in any Textual release; ``textual`` is pinned in
``pyproject.toml`` and each use below says why no public API does the job. Uses
that can be routed through a function are functions here; overrides of private
methods cannot be moved (Textual finds them by name), so they are listed here with
their place and reason, and their docstrings point back to this module.

Overrides of private methods (by name, in their own modules):

``ui/app.py`` ``ArrangerenApp._handle_exception``
    Textual calls it with any unhandled exception. Its own version prints a traceback
    with local variables (note text among them); ours saves first, logs without note
    text, says what happened in Dutch and exits with EX_SOFTWARE (70).
    There is no public hook for this. It must leave the app in the state Textual's own
    version leaves it in: see ``record_crash`` below.

``ui/app.py`` ``ArrangerenApp._on_resize``
    ``App._on_resize`` remembers every Resize, also one of the size the app already has,
    and its idle handler then sends it to every screen, which lays out and redraws all
    of itself. The driver sends such a Resize right after the start, so a board opened
    at start was drawn twice more (~14 kB). The override drops a Resize of the known
    size (``same_size_resize``) with ``prevent_default`` and leaves every other to
    Textual. (It also replaces the App's ``on_resize``: Textual calls one of
    ``_on_resize`` and ``on_resize`` per class.)

``ui/widgets/typing.py`` ``InOrderKeys._on_key``
    ``Input`` and ``TextArea`` type printable keys in ``_on_key`` but run bound keys
    (Backspace, Enter, Tab, a screen's ^S) later, after the key bubbled up to the App,
    so keys that arrive in one read overtake each other (textual#6605). The mixin
    handles every key there, in order, with ``run_key_bindings`` below. Textual runs
    ``_on_key`` along the MRO, so the widget's own ``_on_key`` still types the keys the
    mixin leaves to it. The capture bar's Enter (``CaptureInput.take_key_here``) goes
    through it too, so notes typed fast stay apart.

``ui/board/widgets.py`` ``CaptureInput._on_paste``
    A multi-line or long paste opens a note dialog instead of being flattened into the
    one-line bar. ``Input._on_paste`` inserts the text itself before ``on_paste`` would
    run, so the override is the only place to intercept it.

Module names replaced:

``textual.screen.key_to_character`` (``named_keys_without_lookup``)
    ``Screen._binding_chain`` asks ``textual.keys.key_to_character`` for every key bound
    above a field that takes keys (the board's Tab, PgUp, PgDn, F1-F6, Enter, ...). For a
    key name of more than one letter it calls ``unicodedata.lookup``, which fails for
    "PAGEUP" or "F1" and finds "TAB" only among the aliases: each such lookup reads most
    of the Unicode name table, ~0.7 MiB of the ``unicodedata`` module's pages that then
    stay resident (peak RSS, issue 17). The replacement answers Textual's own key names
    from a table with the answers ``key_to_character`` gives (``tests/test_keys.py``
    checks every ``Keys`` value against it) and asks it about anything else.

``textual.css.stylesheet.Stylesheet._parse_rules`` (``ui/csscache.py``, when the program
runs: ``ArrangerenApp(css_cache=...)``)
    Textual parses every piece of CSS (each widget class's ``DEFAULT_CSS``, the app's
    files) at every start, 20-35 ms of one. The replacement looks the parsed rules up in
    a file first and calls Textual's own method for what is not there. It reads the
    stylesheet's ``_parse_cache`` (Textual's in-process cache, checked first as Textual
    does) and ``_variables`` (the theme's variables, part of the key). Textual offers no
    hook for parsing; ``tests/test_csscache.py`` checks that the rules and the screen from
    the file are those of a parse.

Widgets of private modules, named only in CSS and queries:

``ui/styles/arrangeren.tcss``: ``ToastRack``, ``ToastHolder`` and ``Toast``
(``textual.widgets._toast``)
    Notices (``notify``) are drawn by Textual's toasts; the stylesheet docks them at the
    bottom, over the key bar, full width, the newest only, at most two lines, so that they
    never cover the notes or the line being typed. Textual exports no public way to place
    them.
    ``tests/test_keys.py`` and ``tests/test_ui_safety.py`` find them with
    ``query("Toast")``. Nothing is imported.

Names of private modules, used only as strings:

``tests/test_layers.py``: ``textual.widgets._data_table`` and ``textual.widgets._text_area``
    are looked up in ``sys.modules`` to check that opening a board does not import them
    (start-up time). Nothing is imported from them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import textual.screen
from textual import events
from textual.app import App
from textual.keys import key_to_character
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.drivers.linux_driver import LinuxDriver

Output = TypeVar("Output")


def record_crash(app: App[int], error: Exception, return_code: int) -> None:
    """Leave the app in the state Textual's own ``App._handle_exception`` leaves it in.

    Sets the return code (``App._return_code``; ``App.exit`` would also end the run
    normally, which a crash must not) and, for the first exception only, stores it
    and sets ``App._exception_event`` so that ``run_test`` and Pilot re-raise it in
    tests, as they do for Textual's own handler.
    """
    app._return_code = return_code
    if app._exception is None:
        app._exception = error
        app._exception_event.set()


def same_size_resize(app: App[int], event: events.Resize) -> bool:
    """True if the App already has this size (``App._size``, None before the first one)."""
    return app._size is not None and app._size == event.size


def running_loop(app: App[int]) -> asyncio.AbstractEventLoop | None:
    """The event loop the app runs on (``App._loop``), or None before or after the run.

    A SIGTERM handler runs outside the loop; it schedules ``App.exit`` with
    ``call_soon_threadsafe`` on this loop. ``asyncio.get_running_loop`` does not work
    in a signal handler and ``App`` keeps no public reference to its loop.
    """
    return app._loop


def replace_driver_output(driver: LinuxDriver, wrap: Callable[[int, str], Output]) -> Output:
    """Make the driver's output thread write to ``wrap(fd, encoding)`` of its file instead.

    ``LinuxDriver`` writes through a ``WriterThread`` to ``LinuxDriver._file``
    (``sys.__stderr__``), read once when application mode starts. A write to a terminal
    that hung up raises EIO there, which ends that thread; the event loop then blocks
    for good in the thread's full queue (``ui.terminal`` explains). No public API
    chooses the file or the thread, so it is replaced before the driver starts (call
    this from the driver's ``__init__``). The replacement needs ``write``, ``flush``
    and ``fileno``, as ``WriterThread`` uses.
    """
    file = driver._file
    fd = file.fileno() if file is not None else 2
    output = wrap(fd, getattr(file, "encoding", None) or "utf-8")
    driver._file = output  # type: ignore[assignment]  # a file-like for WriterThread only
    return output


async def run_key_bindings(app: App[int], key: str, *, priority: bool = False) -> bool:
    """Run what ``key`` is bound to, as the App would (``App._check_bindings``); True if run.

    ``priority``: the App's and the screen's priority bindings (checked from the App
    down); otherwise every other binding, from the focused widget up. A field that
    takes its keys in order (``ui.widgets.typing``) runs them itself, at the moment
    the key's turn comes; Textual has no public way to ask for this.
    """
    return await app._check_bindings(key, priority=priority)


def forward_key(widget: Widget, key: events.Key) -> None:
    """Hand a key to a widget as the App does (``Widget._forward_event``).

    Marks it forwarded, so that if it bubbles back up to the App it is not taken
    for a new key from the terminal; ``post_message`` alone would not mark it.
    """
    widget._forward_event(key)


# What ``textual.keys.key_to_character`` answers for Textual's own multi-letter key names
# (``Keys``), without its ``unicodedata.lookup`` (see the module's docstring).
NAMED_KEY_CHARACTERS: dict[str, str | None] = {
    "escape": "\x1b", "delete": "\x7f", "tab": "\t", "space": " ", "backspace": "\x08",
    **dict.fromkeys(
        ["return", "enter", "left", "right", "up", "down", "home", "end", "insert",
         "pageup", "pagedown", "<any>", "<scroll-up>", "<scroll-down>", "<ignore>",
         "ctrl-at", *(f"f{n}" for n in range(1, 25))]),
}


def _key_to_character(key: str) -> str | None:
    try:
        return NAMED_KEY_CHARACTERS[key]
    except KeyError:
        return key_to_character(key)


def named_keys_without_lookup() -> None:
    """Let ``Screen._binding_chain`` know Textual's key names without reading Unicode's
    name table (``textual.screen.key_to_character``; see the module's docstring)."""
    textual.screen.key_to_character = _key_to_character  # type: ignore[assignment]
