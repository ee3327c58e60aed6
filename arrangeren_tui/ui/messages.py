"""Navigation messages: a screen posts one, the App (which owns the screen stack) acts.

Screens never call methods of the App; they post these and the message bubbles up
from the screen to the App. Only ``textual.message`` is imported here, so that any
screen can use them without importing ``ui.app``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from arrangeren_tui.core.planning.rules import Slot
    from arrangeren_tui.core.storage.store import Recovery
    from arrangeren_tui.ui.board.screen import BoardScreen


@dataclass
class OpenSession(Message):
    """Open this session on the board (read-only if another window has it); a search hit
    opens it on the hit's step and party, the note under the cursor ("" / None: as saved)."""

    session_id: str
    step: str = ""
    party: str = ""
    note: int | None = None


@dataclass
class PrepareSession(Message):
    """Open the voorbereiding of this session."""

    session_id: str


class PlanSession(Message):
    """Ask for a new planned meeting and open its voorbereiding."""


@dataclass
class PlanInSlot(Message):
    """Plan a meeting in this free slot of the jaarplanning."""

    slot: Slot


@dataclass
class LeaveBoard(Message):
    """Close this board (asking first if its last save failed); the home screen shows."""

    board: BoardScreen


@dataclass
class OfferRecoveries(Message):
    """Damaged session files were set aside: offer their previous versions, one by one."""

    recoveries: list[Recovery]
