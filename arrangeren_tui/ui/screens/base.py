"""What the App needs to recognise in a screen, without importing the screen's module."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from arrangeren_tui.ui.saving import SessionSaver

if TYPE_CHECKING:
    from arrangeren_tui.core.storage.store import SessionStore, SessionSummary


async def read_sessions(store: SessionStore) -> tuple[list[SessionSummary], list[str]]:
    """The store's list, read in a thread: the event loop keeps drawing and taking keys.

    Awaited inside the screen's own handler, so the screen handles its next message
    (a key, a test's pause) only once the list is there.
    """
    return await asyncio.to_thread(store.list)


class EmergencySave:
    """Mixin for a screen that holds unsaved work (a board, a voorbereiding).

    The App finds these screens with ``isinstance`` (the home screen's module need not
    be loaded for that) and calls ``emergency_save`` on ^Q, a hang-up or a crash. A
    plain class, not an ``abc.ABC``: Textual's message-pump metaclass would clash.
    """

    saver: SessionSaver | None  # None while nothing may be written (read-only)

    @property
    def save_problem(self) -> str:
        """Why the last save failed, in words for the user ("" if it did not)."""
        raise NotImplementedError

    def emergency_save(self, timeout: float = 3.0, *, rescue: bool = False) -> bool:
        """Write what is pending synchronously (it may block: it is the way out) and
        never change a widget; True if it is on disk. ``rescue``: the program stops
        without asking, so a write the store refuses goes to an emergency copy instead."""
        raise NotImplementedError

    def let_go(self) -> None:
        """The program stops with this screen open: release what it holds (its session
        lock), as closing it would. Nothing to release by default."""

    def save_off_loop(self, timeout: float = 3.0, *, rescue: bool = False) -> bool:
        """Write the session from a thread other than the event loop's, which is stuck.

        After a hang-up the loop may be blocked (a stalled terminal), so the guardian
        saves from here: the session as the model holds it, without reading a widget
        (that belongs to the loop). True if it is on disk.
        """
        if self.saver is None:
            return True
        return self.saver.write_settled(timeout=timeout, rescue=rescue)
