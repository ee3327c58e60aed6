"""The jaarplanning file: ``jaarplanning/planning.json`` in the store folder, locked and atomic.

A folder of its own, because the session store takes every ``*.json`` in its
root for a session. The file holds session ids, never a pupil's name. Writes
are atomic (the previous version is kept as ``.bak``) and serialised between
processes with a lock; a damaged file is refused, never overwritten, and can be
set aside with :meth:`PlanningStore.repair`.
"""


from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from tinydb import TinyDB

from arrangeren_tui.core.errors import os_reason
from arrangeren_tui.core.planning.rules import (
    DamagedPlanningError,
    PlanningError,
    Series,
    Slot,
    generate_dates,
    slot_order,
)
from arrangeren_tui.core.storage.codec import codec_for, codec_for_writing
from arrangeren_tui.core.storage.files import (
    DIR_MODE,
    AtomicJSONStorage,
    CorruptFileError,
    atomic_write_bytes,
    backup_path,
    fsync_dir,
    read_json_file,
    tighten_dir,
)
from arrangeren_tui.core.storage.lock import waiting_lock
from arrangeren_tui.core.storage.store import DAMAGED_MARK

PLANNING_DIRNAME = "jaarplanning"
PLANNING_NAME = "planning.json"
LOCK_NAME = ".planning.lock"
LOCK_WAIT_SECONDS = 30.0  # a change takes milliseconds; longer means another window hangs
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def planning_path(root: Path) -> Path:
    return Path(root) / PLANNING_DIRNAME / PLANNING_NAME


def _new_token(length: int) -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


@dataclass
class _State:
    series: list[Series] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)

    def slot(self, slot_id: str) -> Slot:
        for slot in self.slots:
            if slot.id == slot_id:
                return slot
        raise PlanningError(f"geen moment met code {slot_id!r} in de jaarplanning")

    def put(self, slot: Slot) -> None:
        self.slots = [slot if s.id == slot.id else s for s in self.slots]

    def ids(self) -> set[str]:
        return {s.id for s in self.slots} | {s.id for s in self.series}


class PlanningStore:
    """The jaarplanning of one store folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = planning_path(self.root)

    # -- reading and writing ---------------------------------------------------

    def _ensure(self) -> None:
        try:
            for folder in (self.root, self.path.parent):
                folder.mkdir(exist_ok=True, mode=DIR_MODE, parents=True)
                tighten_dir(folder)
        except OSError as error:
            raise PlanningError(
                f"kan de map {self.path.parent} niet aanmaken of gebruiken ({os_reason(error)})"
            ) from None

    def _damaged(self, reason: str) -> DamagedPlanningError:
        return DamagedPlanningError(
            f"de jaarplanning ({self.path}) is beschadigd: {reason}; er is niets veranderd. "
            "Zet het bestand apart (en de vorige versie terug) met: arrangeren plan herstel"
        )

    def _read(self) -> _State:
        try:
            db = TinyDB(self.path, storage=AtomicJSONStorage, codec=codec_for(self.root))
            try:
                series = [Series.from_record(dict(d)) for d in db.table("series").all()]
                slots = [Slot.from_record(dict(d)) for d in db.table("slots").all()]
            finally:
                db.close()
        except CorruptFileError as error:
            raise self._damaged(error.reason) from None
        except OSError as error:
            raise PlanningError(
                f"kan de jaarplanning niet lezen ({os_reason(error)})"
            ) from None
        except (AttributeError, KeyError, TypeError, ValueError):
            raise self._damaged("onverwachte vorm") from None
        return _State(series=series, slots=sorted(slots, key=slot_order))

    def _write(self, state: _State) -> None:
        data = {
            "series": {str(n): s.to_record() for n, s in enumerate(state.series, start=1)},
            "slots": {
                str(n): s.to_record()
                for n, s in enumerate(sorted(state.slots, key=slot_order), start=1)
            },
        }
        try:
            AtomicJSONStorage(self.path, codec=codec_for_writing(self.root)).write(data)
        except OSError as error:
            raise PlanningError(
                f"kan de jaarplanning niet opslaan ({os_reason(error)}); er is niets veranderd"
            ) from None

    @contextmanager
    def _changing(self) -> Iterator[_State]:
        """Read, let the caller change, write: one process at a time, all or nothing."""
        self._ensure()
        with ExitStack() as held:
            try:
                held.enter_context(waiting_lock(self.path.parent / LOCK_NAME, LOCK_WAIT_SECONDS))
            except TimeoutError:
                raise PlanningError(
                    "de jaarplanning wordt in een ander venster bijgewerkt en blijft bezet; "
                    "er is niets veranderd, probeer het zo opnieuw"
                ) from None
            except OSError as error:
                raise PlanningError(
                    f"kan de jaarplanning niet vergrendelen ({os_reason(error)})"
                ) from None
            state = self._read()
            yield state
            self._write(state)

    def series(self) -> list[Series]:
        return self._read().series

    def slots(self) -> list[Slot]:
        """Every slot, by date and time."""
        return self._read().slots

    def slot(self, slot_id: str) -> Slot:
        return self._read().slot(slot_id)

    def resolve_slot(self, text: str) -> str:
        """A full slot id, or a prefix that names exactly one slot."""
        ids = [s.id for s in self.slots()]
        if text in ids:
            return text
        matches = [i for i in ids if i.startswith(text)] if text else []
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise PlanningError(f"geen moment met code {text!r} in de jaarplanning")
        raise PlanningError(f"code {text!r} past bij meer momenten: {', '.join(matches[:5])}")

    # -- changing ----------------------------------------------------------------

    def add_series(self, series: Series) -> list[Slot]:
        """Save the series and its new slots; a date and time already planned at that school
        is not planned twice. Nothing is saved if no new slot results."""
        dates = generate_dates(series)
        if not dates:
            raise PlanningError("deze reeks levert geen enkele datum op; kijk naar van, tot en "
                                "de vakanties", "start")
        with self._changing() as state:
            taken = {(s.date, s.time, s.school.casefold()) for s in state.slots}
            used = state.ids()
            series = replace(series, id=series.id or self._fresh("r-", used))
            used.add(series.id)
            new: list[Slot] = []
            for day in dates:
                if (day.isoformat(), series.time, series.school.casefold()) in taken:
                    continue
                slot_id = self._fresh(f"m{day:%Y%m%d}-", used)
                used.add(slot_id)
                new.append(Slot(id=slot_id, date=day.isoformat(), time=series.time,
                                minutes=series.minutes, place=series.place,
                                school=series.school, series=series.id))
            if not new:
                raise PlanningError("al deze momenten staan al in de jaarplanning", "start")
            state.series.append(series)
            state.slots.extend(new)
        return new

    @staticmethod
    def _fresh(prefix: str, used: set[str]) -> str:
        while True:
            candidate = f"{prefix}{_new_token(3)}"
            if candidate not in used:
                return candidate

    def remove_series(self, series_id: str) -> int:
        """Remove the series and its free slots (assigned ones stay); how many slots went."""
        with self._changing() as state:
            if not any(s.id == series_id for s in state.series):
                raise PlanningError(f"geen reeks met code {series_id!r} in de jaarplanning")
            before = len(state.slots)
            state.slots = [
                replace(s, series="") if s.series == series_id else s
                for s in state.slots if s.series != series_id or not s.free
            ]
            state.series = [s for s in state.series if s.id != series_id]
            return before - len(state.slots)

    def remove_slot(self, slot_id: str) -> Slot:
        """Remove a free slot; an assigned one must be released first."""
        with self._changing() as state:
            slot = state.slot(slot_id)
            if not slot.free:
                raise PlanningError(
                    f"moment {slot_id} is gekoppeld aan gesprek {slot.session}; "
                    "maak het eerst los"
                )
            state.slots = [s for s in state.slots if s.id != slot_id]
            return slot

    def assign(self, slot_id: str, session_id: str) -> Slot:
        """Give the slot to the session: one session per slot, one slot per session."""
        if not session_id:
            raise PlanningError("geen gesprek om te koppelen")
        with self._changing() as state:
            slot = state.slot(slot_id)
            if slot.session == session_id:
                return slot
            if not slot.free:
                raise PlanningError(
                    f"moment {slot_id} is al bezet door gesprek {slot.session}"
                )
            other = next((s for s in state.slots if s.session == session_id), None)
            if other is not None:
                raise PlanningError(
                    f"gesprek {session_id} staat al op moment {other.id} ({other.date}); "
                    "maak dat eerst los"
                )
            slot = replace(slot, session=session_id)
            state.put(slot)
            return slot

    def release(self, slot_id: str) -> Slot:
        """Make the slot free again; the session itself is not touched."""
        with self._changing() as state:
            slot = replace(state.slot(slot_id), session="")
            state.put(slot)
            return slot

    def slot_of(self, session_id: str) -> Slot | None:
        return next((s for s in self.slots() if session_id and s.session == session_id), None)

    def forget_session(self, session_id: str) -> Slot | None:
        """A session was deleted: its slot becomes free. The freed slot, or None."""
        if not self.path.exists():
            return None
        with self._changing() as state:
            slot = next((s for s in state.slots if s.session == session_id), None)
            if slot is None:
                return None
            slot = replace(slot, session="")
            state.put(slot)
            return slot

    # -- a damaged file ----------------------------------------------------------

    def repair(self) -> tuple[Path | None, bool]:
        """Set a damaged planning.json aside and put a readable previous version back.

        Returns where the damaged file went (None if it was not damaged) and whether
        the previous version was restored. A readable file is left alone.
        """
        try:
            self._read()
            return None, False
        except DamagedPlanningError:
            pass
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{PLANNING_NAME}{DAMAGED_MARK}{stamp}")
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{PLANNING_NAME}{DAMAGED_MARK}{stamp}-{counter}")
        try:
            os.rename(self.path, target)
        except OSError as error:
            raise PlanningError(
                f"kan de beschadigde jaarplanning niet apart zetten ({os_reason(error)})"
            ) from None
        fsync_dir(self.path.parent)
        return target, self._restore_backup()

    def _restore_backup(self) -> bool:
        backup = backup_path(self.path)
        try:
            data = read_json_file(backup, codec_for(self.root))
            if not isinstance(data, dict):
                return False
            atomic_write_bytes(self.path, backup.read_bytes(), keep_backup=False)
        except (CorruptFileError, OSError):
            return False
        try:
            self._read()
        except PlanningError:
            self.path.unlink(missing_ok=True)
            return False
        return True


# -- what is planned ------------------------------------------------------------------


