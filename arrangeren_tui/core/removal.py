"""Deleting a session completely: its files in the store and its moment in the jaarplanning.

The session store knows nothing of the jaarplanning (it sits below it), so a
delete that should also free the session's slot goes through here.
"""

from __future__ import annotations

from pathlib import Path

from arrangeren_tui.core.planning.store import PlanningStore
from arrangeren_tui.core.storage.store import SessionStore, StoreError


def delete_session(store: SessionStore, session_id: str) -> list[Path]:
    """Remove every file of the session, then free its jaarplanning slot.

    A planning file that cannot be changed now (damaged, read-only) does not
    stop the delete: its slot then shows the session as gone ("onbekend").
    """
    removed = store.delete(session_id)
    try:
        PlanningStore(store.root).forget_session(session_id)
    except (StoreError, OSError):
        pass
    return removed
