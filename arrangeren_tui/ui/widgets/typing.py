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

The App sends keys for such a field to it first (``ArrangerenApp.on_event``), priority
keys included; this module decides what happens to them. Private Textual names: see
``ui.textual_private``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.message import Message
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


async def settle(widget: Widget) -> None:
    """Wait until the screen, the App and then the screen on top have handled what was
    sent to them so far (a dialog opened by the key has mounted and taken the focus).

    A callback queued behind those messages runs once they are done; the time-out keeps
    a screen that is closing (and handles nothing more) from holding the keys.
    """
    app = widget.app
    screen = widget.screen
    for pump in (screen, app, None):
        if pump is None:
            if app.screen is screen:
                return
            pump = app.screen  # pushed or uncovered by the key
        elif pump is screen and screen not in app.screen_stack:
            continue  # closed by the key: it handles nothing more, nothing to wait for
        done = asyncio.Event()
        if not pump.call_later(done.set):
            continue
        try:
            await asyncio.wait_for(done.wait(), SETTLE_TIMEOUT)
        except TimeoutError:
            return


def wants_keys_in_order(widget: Widget | None) -> bool:
    """True if this focused widget takes its keys itself, priority keys included."""
    return isinstance(widget, InOrderKeys) and not widget.disabled


async def pass_on(app: App[int], key: events.Key) -> None:
    """A key for whichever widget has the focus now, as the App would deliver it."""
    target = app.focused
    if wants_keys_in_order(target):
        assert target is not None
        forward_key(target, key)
        return
    if await run_key_bindings(app, key.key, priority=True):
        return
    forward_key(target if target is not None else app.screen, key)


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
            await pass_on(app, events.Key(event.key, event.character))
            return True
        if await run_key_bindings(app, event.key, priority=True):
            await settle(self)
            return True
        if await self.take_key_here(event):
            return True
        if self.types(event):
            return False
        if await run_key_bindings(app, event.key):
            await settle(self)  # Tab, Esc, a screen's key: let it take effect first
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
