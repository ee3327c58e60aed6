"""Fields one types in that take every key in the order it came, however fast keys come.

Over SSH several keys often arrive in one read. Textual 8.2.8 then lets them overtake
each other (textual#6605): a printable key is typed by the focused field at once, but a
bound key (Backspace, Tab, Enter, ^S) runs later, after it has bubbled up to the App,
and a screen's priority keys (^S in the form, Tab on the board) run before the field has
typed what came before them. "hallo wereld", three Backspaces and "XYZ" came out as
"hallo wereld"; "Noor Verbeek", Tab, "5" as "Noor Verbeek5".

``InOrderKeys`` handles each key completely before the next one, in the field: the
screen's and App's priority keys, then the field's own typing, then every other binding
from the field up (its own editing keys, the screen's Tab, Esc). A key that arrives
after an earlier key moved the focus (Tab, Enter to the next field) is passed on to the
field that has the focus now. After a key that ran an action the field waits until the
screen has handled it (Enter's ``Submitted`` too: the field's messages to its screen go
there at once, not behind the keys still queued in the field), so that keys behind it
land where the screen put the focus: the next field, a dialog just opened, the board
after a dialog closed.

The App hands keys from the terminal to a ``KeyRouter`` (``ArrangerenApp.on_event``)
whenever such a field has the focus, or keys are still waiting: it gives the focused
widget one key at a time and the next only once the last has taken effect, so no key
waits in the queue of a widget that an earlier key may close (Enter in the card picker
took the keys behind it down with the picker) or move the focus away from (keys that
came in a second read went straight to a dialog while older keys still waited on the
board). Private Textual names: see ``ui.textual_private``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.message import Message
from textual.message_pump import MessagePump
from textual.reactive import Reactive, reactive
from textual.widget import Widget
from textual.widgets import Input

from arrangeren_tui.ui.textual_private import forward_key, run_key_bindings

if TYPE_CHECKING:
    from textual.app import App

    _Field = Widget  # what the mixin is mixed into, for the type checker
else:
    _Field = object  # a plain mixin: a Widget here would hide Input's component styles

STEADY_CURSOR = False  # the cursor_blink of every field one types in (see TextInput)
SETTLE_TIMEOUT = 15.0  # seconds: only a safety net. A screen that takes its time (a first
# ^K reads the decks; a cold start on an old laptop) is waited for, since the keys behind
# the one that opened it belong to it; a screen closed by the key is not waited for at all.
SETTLE_ROUNDS = 4  # a key that opens a screen that at once opens another still settles


async def _drained(pump: MessagePump, deadline: float) -> bool:
    """Wait until ``pump`` has handled what was sent to it so far; False if it closed
    (or the safety net ran out) first. A callback queued behind those messages runs
    once they are done; a widget that is removed drops it, so that is watched too."""
    done = asyncio.Event()
    if not pump.call_later(done.set):
        return False
    loop = asyncio.get_running_loop()
    while not done.is_set():
        if (isinstance(pump, Widget) and not pump.is_attached) or loop.time() > deadline:
            return False
        try:
            await asyncio.wait_for(done.wait(), 0.05)
        except TimeoutError:
            continue
    return True


async def settle(app: App[int], *, first: Widget | None = None,
                 own: Widget | None = None) -> None:
    """Wait until the last key has taken effect: ``first`` (the widget it was handed to)
    has handled it, then its screen, the App, and any screen the key opened or
    uncovered, until the screen on top holds still.

    A dialog focuses its field in its ``on_mount`` through the App's queue, so the App is
    waited for again after a new screen. ``own`` is the field that waits, if the wait is
    inside its handler: once the key has closed that field's screen nothing more is
    waited for (the App is taking the field away, and waits for it).
    """
    own_screen = own.screen if own is not None else None
    # Where the key acted, taken before it can take the widget away.
    screen = first.screen if first is not None else own_screen or app.screen
    deadline = asyncio.get_running_loop().time() + SETTLE_TIMEOUT
    if isinstance(first, InOrderKeys):
        await _drained(first, deadline)  # it runs the key's bindings itself
    elif first is not None:
        # The key bubbles up to the App, which runs the binding (a Button's Enter); what
        # that posts (Button.Pressed) bubbles up again to the screen: two passes up.
        path = [node for node in first.ancestors_with_self if isinstance(node, Widget)]
        for _ in range(2):
            for pump in (*path, app):
                await _drained(pump, deadline)
    for _ in range(SETTLE_ROUNDS):
        if screen in app.screen_stack:
            await _drained(screen, deadline)
        if own_screen is not None and own_screen not in app.screen_stack:
            return
        await _drained(app, deadline)
        if app.screen is screen:
            return
        screen = app.screen  # pushed or uncovered by the key: let it take the focus


def wants_keys_in_order(widget: Widget | None) -> bool:
    """True if this focused widget takes its keys itself, priority keys included."""
    return isinstance(widget, InOrderKeys) and not widget.disabled


async def deliver(app: App[int], key: events.Key, *, own: Widget | None = None) -> None:
    """Hand one key to the widget that has the focus now, as the App would, and wait
    until it has taken effect (``own``: see ``settle``)."""
    target = app.focused
    if wants_keys_in_order(target):
        assert target is not None
        forward_key(target, key)
        await settle(app, first=target, own=own)
        return
    if await run_key_bindings(app, key.key, priority=True):
        await settle(app, own=own)
        return
    receiver = target if target is not None else app.screen
    forward_key(receiver, key)
    await settle(app, first=receiver, own=own)


class KeyRouter:
    """Keys from the terminal, one at a time, each to the widget focused when its turn
    comes (see the module's docstring)."""

    def __init__(self, app: App[int], on_error: Callable[[Exception], None]) -> None:
        self.app = app
        self.on_error = on_error  # the App's crash path: a key may raise
        self.waiting: deque[events.Key] = deque()
        self.busy = False
        self._task: asyncio.Task[None] | None = None

    def take(self, key: events.Key) -> bool:
        """True if the router takes this key; False leaves it to Textual."""
        if key.is_forwarded:
            return False
        if not self.busy and not wants_keys_in_order(self.app.focused):
            return False
        self.waiting.append(key)
        if not self.busy:
            self.busy = True
            self._task = asyncio.create_task(self._run())
        return True

    async def _run(self) -> None:
        try:
            while self.waiting:
                await deliver(self.app, self.waiting.popleft())
        except Exception as error:  # noqa: BLE001 - handed to the App's crash path
            self.waiting.clear()
            self.on_error(error)
        finally:
            self.busy = False


class InOrderKeys(_Field):
    """Mixin for a field one types in: each key takes effect before the next (see module)."""

    # The field's messages to its screen (Changed, Submitted). Posted to the field itself
    # they would wait behind the keys still queued there, and the screen would act on
    # an Enter before it saw the text typed before it; so they go to the screen at once.
    # Every handler of them in this app is on a screen (none on a container between).
    UPWARD: ClassVar[tuple[type[Message], ...]] = ()

    def post_message(self, message: Message) -> bool:
        if isinstance(message, self.UPWARD) and self.is_attached:
            return self.screen.post_message(message)
        return super().post_message(message)

    async def _on_key(self, event: events.Key) -> None:
        # A private Textual handler: see ui.textual_private. Textual runs ``_on_key``
        # along the MRO; stopping the default here keeps the field's own from typing.
        if await self._take_key(event):
            event.stop()
            event.prevent_default()

    async def _take_key(self, event: events.Key) -> bool:
        """Handle one key; False leaves it to the widget's own ``_on_key`` to type it."""
        app = self.app
        if app.focused is not self:
            # It came in the same read as a key that moved the focus on: it belongs there.
            await deliver(app, events.Key(event.key, event.character), own=self)
            return True
        if await run_key_bindings(app, event.key, priority=True):
            await settle(app, own=self)
            return True
        if await self.take_key_here(event):
            return True
        if self.types(event):
            return False
        if await run_key_bindings(app, event.key):
            await settle(app, own=self)  # Tab, Esc, a screen's key: let it take effect
            return True
        return False

    async def take_key_here(self, event: events.Key) -> bool:
        """A key this kind of field handles itself before any binding; True if it did."""
        return False

    def types(self, event: events.Key) -> bool:
        """True if the widget's own ``_on_key`` types this key."""
        return event.is_printable


class TextInput(InOrderKeys, Input):
    """A one-line field that takes fast keys in order; otherwise Textual's ``Input``."""

    UPWARD = (Input.Changed, Input.Submitted)

    # A steady cursor: a blinking one repaints the whole line twice a second (~130-270 B
    # each over SSH, ~16 kB a minute while nobody types) and wakes the program to do it.
    cursor_blink: Reactive[bool] = reactive(STEADY_CURSOR, init=False)
