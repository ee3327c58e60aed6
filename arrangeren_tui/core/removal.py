"""Deleting a session completely: its files in the store, the exports written for it, and
its moment in the jaarplanning.

The session store knows nothing of the jaarplanning (it sits below it), so a
delete that should also free the session's slot goes through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from arrangeren_tui.core.planning.store import PlanningStore
from arrangeren_tui.core.storage.exportlog import ExportCleanup, remove_exports
from arrangeren_tui.core.storage.rescue import find_rescues, forget_rescue
from arrangeren_tui.core.storage.store import SessionStore, StoreError


@dataclass
class Removal:
    """What deleting a session removed, and which of its exports stay (with why)."""

    files: list[Path]  # the session, its backup, damaged copies, lock, temp files, rescues
    exports: ExportCleanup = field(default_factory=ExportCleanup)

    def summary(self) -> str:
        """Dutch, after "verwijderd": how many files, which exports went and which stay."""
        text = f"({len(self.files)} bestanden)"
        if self.exports.removed:
            count = len(self.exports.removed)
            what = "verslag of uitnodiging" if count == 1 else "verslagen en uitnodigingen"
            text += f", met {count} {what} die het programma ervan schreef"
        if self.exports.kept:
            count = len(self.exports.kept)
            text += (f"; {count} {'export blijft' if count == 1 else 'exports blijven'} staan: "
                     + "; ".join(f"{path} ({why})" for path, why in self.exports.kept))
        return text


def delete_session(store: SessionStore, session_id: str,
                   rescue_folders: list[Path] | None = None) -> Removal:
    """Remove every file of the session, its emergency copies (outside the store) and
    every unchanged export, then free its slot.

    A planning file that cannot be changed now (damaged, read-only) does not
    stop the delete: its slot then shows the session as gone ("onbekend").
    An emergency copy left behind would hold the whole session, and the next start
    would offer to put the deleted session back.
    """
    removed = store.delete(session_id)
    for rescue in find_rescues(store.root, rescue_folders):
        if rescue.session_id == session_id:
            try:
                forget_rescue(rescue)
            except OSError:
                continue
            removed.append(rescue.path)
    exports = remove_exports(store.root, session_id)
    try:
        PlanningStore(store.root).forget_session(session_id)
    except (StoreError, OSError):
        pass
    return Removal(removed, exports)
