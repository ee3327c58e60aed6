"""Navigation messages: a screen posts one, the App (which owns the screen stack) acts.

Screens never call methods of the App; they post these and the message bubbles up
from the screen to the App. Only ``textual.message`` is imported here, so that any
screen can use them without importing ``ui.app``.

Written out as Textual writes its own messages, not as dataclasses: a dataclass costs
about half a millisecond to create at import (its methods are compiled then), and these
need neither comparison nor a generated repr.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from arrangeren_tui.core.planning.rules import Slot
    from arrangeren_tui.core.storage.store import Recovery
    from arrangeren_tui.ui.board.screen import BoardScreen


class OpenSession(Message):
    """Open this session on the board (read-only if another window has it); a search hit
    opens it on the hit's step and party, the note under the cursor ("" / None: as saved)."""

    def __init__(self, session_id: str, step: str = "", party: str = "",
                 note: int | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.step = step
        self.party = party
        self.note = note


class PrepareSession(Message):
    """Open the voorbereiding of this session."""

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id


class PlanSession(Message):
    """Ask for a new planned meeting and open its voorbereiding."""


class PlanInSlot(Message):
    """Plan a meeting in this free slot of the jaarplanning."""

    def __init__(self, slot: Slot) -> None:
        super().__init__()
        self.slot = slot


class LeaveBoard(Message):
    """Close this board (asking first if its last save failed); the home screen shows."""

    def __init__(self, board: BoardScreen) -> None:
        super().__init__()
        self.board = board


class OfferRecoveries(Message):
    """Damaged session files were set aside: offer their previous versions, one by one."""

    def __init__(self, recoveries: list[Recovery]) -> None:
        super().__init__()
        self.recoveries = recoveries
