"""Saving a session from any screen: one writer thread, one way to report how it went.

The board and the voorbereiding both save through a ``SessionSaver``: changes are
handed to a ``SaveWriter`` thread (never written on the event loop), and every screen
that listens hears a ``SaveResult`` and says a failure in the same words. Writing
synchronously (``write_now``) is for leaving: ^S, closing the screen, ^Q, a hang-up
or a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump

from arrangeren_tui.core.errors import os_reason
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.storage.writer import SaveWriter


@dataclass
class SaveResult(Message):
    """The writer thread reports how the last save went."""

    ok: bool
    problem: str


def unsaved_text(problem: str) -> str:
    """The warning a screen shows while its session is not on disk."""
    return (f"⚠ NIET OPGESLAGEN ({problem}). Je notities staan nog in het geheugen; "
            "opslaan wordt steeds opnieuw geprobeerd.")


def describe_failure(error: BaseException | None) -> str:
    """A short Dutch reason for a failed save, e.g. "de schijf is vol"."""
    if isinstance(error, OSError):
        return os_reason(error)
    return type(error).__name__


class SessionSaver:
    """Saves one session through its own writer thread; shared by the screens editing it."""

    def __init__(self, store: SessionStore, session: Session) -> None:
        self.session = session
        self.store = store
        self.rescued: Path | None = None  # where an emergency copy went, if one was needed
        self.problem = ""  # why the last save failed ("" if it did not)
        self._listeners: list[MessagePump] = []
        self.writer = SaveWriter(store.save_record, self._reported)

    def listen(self, pump: MessagePump) -> None:
        """Post every ``SaveResult`` to this screen too."""
        if pump not in self._listeners:
            self._listeners.append(pump)

    def stop_listening(self, pump: MessagePump) -> None:
        if pump in self._listeners:
            self._listeners.remove(pump)

    def _reported(self, ok: bool, error: BaseException | None) -> None:
        """Called on the writer thread (or by ``write_now``); posting a message is thread-safe."""
        self.problem = "" if ok else describe_failure(error)
        for pump in tuple(self._listeners):
            pump.post_message(SaveResult(ok, self.problem))

    @property
    def unsaved(self) -> bool:
        """True while a change waits for the writer or the last write failed."""
        return self.writer.pending or self.writer.failing

    def save(self) -> None:
        """Hand the current state to the writer (a snapshot: the thread never sees the model)."""
        self.writer.submit(self.session.to_record())

    def write_now(self, timeout: float = 5.0) -> bool:
        """Write the current state synchronously (leaving, ^S); True if it is on disk."""
        return self.writer.write_now(self.session.to_record(), timeout=timeout)

    def emergency_write(self, timeout: float = 3.0) -> bool:
        """The program must stop: write now, and if the store will not take it, write an
        emergency copy to a second place (see core.storage.rescue). True if either worked."""
        record = self.session.to_record()
        if self.writer.write_now(record, timeout=timeout):
            return True
        return self._rescue(record)

    def _rescue(self, record: dict[str, Any]) -> bool:
        from arrangeren_tui.core.storage.rescue import write_rescue

        self.rescued = write_rescue(self.store.root, record)
        return self.rescued is not None

    def write_settled(self, timeout: float = 5.0, attempts: int = 5, *,
                      rescue: bool = False) -> bool:
        """Like ``write_now``, from a thread that is not the event loop's; True if on disk.

        Meant for a loop that is stuck, which changes nothing; should it still be
        running, a snapshot taken mid-change could be torn, so one is written only once
        two taken in a row agree. Failing that, the last whole snapshot is written (or,
        with none, the newest the loop handed to the writer).
        """
        record = None
        for _ in range(attempts):
            try:
                first = self.session.to_record()
                second = self.session.to_record()
            except RuntimeError:  # a dict or list changed size while being copied
                continue
            record = second
            if first == second:
                break
        if record is None:
            return self.writer.write_now(timeout=timeout)
        if self.writer.write_now(record, timeout=timeout):
            return True
        return rescue and self._rescue(record)

    def close(self, timeout: float = 5.0) -> bool:
        """Write what is pending and stop the thread; True if nothing was left unsaved."""
        self._listeners.clear()
        return self.writer.close(timeout=timeout)
