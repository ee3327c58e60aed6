"""The jaarplanning: series of meeting slots for a school year, and sessions assigned to them.

A *reeks* (series) is a rule such as "the third Tuesday of every month" or
"every three weeks on Thursday", between two dates, with school holidays left
out. It produces *slots* (momenten): a date, a time and a length, free until a
session is assigned to one. One session per slot and one slot per session.

Everything lives in one TinyDB file, ``jaarplanning/planning.json`` inside the
store folder: a folder of its own, because the session store takes every
``*.json`` in its root for a session. The file holds session ids, never a
pupil's name. Writes are atomic (the previous version is kept as ``.bak``) and
serialised between processes with a ``flock``; a damaged file is refused, never
overwritten, and can be set aside with :meth:`PlanningStore.repair`.

Pure Python: no Textual here.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import fcntl
import os
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from tinydb import TinyDB

from arrangeren_tui.core.calendar import CalendarEvent
from arrangeren_tui.core.model import STATUS_PLANNED, clock_time
from arrangeren_tui.core.storage import (
    DIR_MODE,
    FILE_MODE,
    AtomicJSONStorage,
    CorruptFileError,
    atomic_write_bytes,
    backup_path,
    fsync_dir,
    read_json_file,
)
from arrangeren_tui.core.store import DAMAGED_MARK, SessionSummary, StoreError

PLANNING_DIRNAME = "jaarplanning"
PLANNING_NAME = "planning.json"
LOCK_NAME = ".planning.lock"

RULE_MONTH = "maand"  # the n-th weekday of every month (n = 1..4, or -1 for the last)
RULE_WEEKS = "weken"  # every n weeks, from the first such weekday on or after the start
RULES = (RULE_MONTH, RULE_WEEKS)
LAST = -1

WEEKDAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
WEEKDAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december")

FREE = "vrij"
UNKNOWN = "onbekend"  # a slot holding a session the store does not list (deleted elsewhere)
SUMMARY = "Arrangeergesprek"
DEFAULT_MINUTES = 90
MIN_MINUTES, MAX_MINUTES = 10, 600
MAX_WEEKS = 52
MAX_SPAN_DAYS = 2 * 366  # a series covers at most two school years
MAX_TEXT = 120
SCHOOL_YEAR_START_MONTH = 8  # 1 August
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_DATE = r"(\d{4}-\d{1,2}-\d{1,2})"
_RANGE_RE = re.compile(
    rf"\s*{_DATE}(?:\s*(?:tot(?:\s+en\s+met)?|t/m|:|–|\s-)\s*{_DATE})?\s*", re.IGNORECASE
)


class PlanningError(StoreError):
    """A planning problem in Dutch; ``field`` names the form field it belongs to, if any."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class DamagedPlanningError(PlanningError):
    """``planning.json`` exists but cannot be read; it is never overwritten."""


# -- series and slots -----------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A rule that produces slots: which weekday, how often, from when to when, at what time."""

    id: str
    name: str
    rule: str
    weekday: int  # 0 = maandag .. 6 = zondag
    n: int  # maand: 1..4 or -1 (last); weken: every n weeks
    start: dt.date
    end: dt.date
    time: str  # HH:MM
    minutes: int = DEFAULT_MINUTES
    place: str = ""
    school: str = ""
    skip: tuple[tuple[dt.date, dt.date], ...] = ()  # holidays, inclusive ranges

    def describe(self) -> str:
        """Dutch, e.g. 'elke 3e dinsdag van de maand om 13:30'."""
        day = WEEKDAY_NAMES[self.weekday]
        if self.rule == RULE_MONTH:
            which = "laatste" if self.n == LAST else f"{self.n}e"
            return f"elke {which} {day} van de maand om {self.time}"
        every = "elke week" if self.n == 1 else f"om de {self.n} weken"
        return f"{every} op {day} om {self.time}"

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["start"] = self.start.isoformat()
        record["end"] = self.end.isoformat()
        record["skip"] = [[a.isoformat(), b.isoformat()] for a, b in self.skip]
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Series:
        return cls(
            id=str(record["id"]),
            name=str(record.get("name", "")),
            rule=str(record["rule"]),
            weekday=int(record["weekday"]),
            n=int(record["n"]),
            start=dt.date.fromisoformat(record["start"]),
            end=dt.date.fromisoformat(record["end"]),
            time=str(record["time"]),
            minutes=int(record.get("minutes", DEFAULT_MINUTES)),
            place=str(record.get("place", "")),
            school=str(record.get("school", "")),
            skip=tuple(
                (dt.date.fromisoformat(a), dt.date.fromisoformat(b))
                for a, b in record.get("skip", [])
            ),
        )


@dataclass(frozen=True)
class Slot:
    """One meeting moment; ``session`` is the id of the session assigned to it, or ''."""

    id: str
    date: str  # JJJJ-MM-DD
    time: str  # HH:MM
    minutes: int = DEFAULT_MINUTES
    place: str = ""
    school: str = ""
    series: str = ""
    session: str = ""

    @property
    def free(self) -> bool:
        return not self.session

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Slot:
        dt.date.fromisoformat(str(record["date"]))
        return cls(
            id=str(record["id"]),
            date=str(record["date"]),
            time=str(record.get("time", "")),
            minutes=int(record.get("minutes", DEFAULT_MINUTES)),
            place=str(record.get("place", "")),
            school=str(record.get("school", "")),
            series=str(record.get("series", "")),
            session=str(record.get("session", "")),
        )


# -- parsing and checking -----------------------------------------------------------


def parse_time(text: str) -> str:
    """'9:30', '09:30' or '13.30' as 'HH:MM'; PlanningError otherwise."""
    try:
        return clock_time(text)
    except ValueError as error:
        raise PlanningError(str(error), "time") from None


def parse_date(text: str, field: str = "") -> dt.date:
    """'2026-10-19' (also '2026-9-1') as a date; PlanningError otherwise."""
    match = re.fullmatch(_DATE, text.strip())
    try:
        if not match:
            raise ValueError(text)
        year, month, day = (int(part) for part in match.group(1).split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise PlanningError(
            f"'{text.strip()}' is geen datum als JJJJ-MM-DD, bv. 2026-10-19", field
        ) from None


def parse_weekday(text: str) -> int:
    """'di', 'dinsdag' (any case) as 1."""
    word = text.strip().casefold()
    for number, (short, name) in enumerate(zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)):
        if word in (short, name):
            return number
    raise PlanningError(f"'{text.strip()}' is geen weekdag (ma, di, wo, do, vr)", "weekday")


def parse_holiday(text: str) -> tuple[dt.date, dt.date]:
    """'2026-10-19 tot 2026-10-23', '2026-10-19:2026-10-23' or one date, as a range."""
    match = _RANGE_RE.fullmatch(text)
    if not match:
        raise PlanningError(
            f"'{text.strip()}': schrijf een vakantie als JJJJ-MM-DD tot JJJJ-MM-DD", "skip"
        )
    first = parse_date(match.group(1), "skip")
    last = parse_date(match.group(2), "skip") if match.group(2) else first
    if last < first:
        raise PlanningError(f"'{text.strip()}': het einde ligt voor het begin", "skip")
    return first, last


def parse_holidays(lines: Iterable[str]) -> tuple[tuple[dt.date, dt.date], ...]:
    """Every non-empty line a holiday; the first bad line raises, naming it."""
    ranges = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            ranges.append(parse_holiday(line))
        except PlanningError as error:
            raise PlanningError(f"regel {number}: {error}", "skip") from None
    return tuple(ranges)


def check_series(series: Series) -> None:
    """Raise PlanningError (with the field) if the series cannot be planned."""
    if series.rule not in RULES:
        raise PlanningError(f"onbekende regel '{series.rule}' (maand of weken)", "rule")
    if not 0 <= series.weekday <= 6:
        raise PlanningError("de weekdag is 0 (maandag) tot en met 6 (zondag)", "weekday")
    if series.rule == RULE_MONTH and series.n not in (1, 2, 3, 4, LAST):
        raise PlanningError("welke weekdag van de maand: 1 tot en met 4, of de laatste", "n")
    if series.rule == RULE_WEEKS and not 1 <= series.n <= MAX_WEEKS:
        raise PlanningError(f"om de hoeveel weken: 1 tot en met {MAX_WEEKS}", "n")
    if series.end < series.start:
        raise PlanningError("de einddatum ligt voor de begindatum", "end")
    if (series.end - series.start).days > MAX_SPAN_DAYS:
        raise PlanningError("een reeks loopt hoogstens twee jaar; maak er twee", "end")
    parse_time(series.time)
    if not MIN_MINUTES <= series.minutes <= MAX_MINUTES:
        raise PlanningError(f"de duur is {MIN_MINUTES} tot {MAX_MINUTES} minuten", "minutes")
    for name in ("name", "place", "school"):
        if len(getattr(series, name)) > MAX_TEXT:
            raise PlanningError(f"hoogstens {MAX_TEXT} tekens", name)
    for first, last in series.skip:
        if last < first:
            raise PlanningError("een vakantie eindigt voor ze begint", "skip")


# -- generating dates ------------------------------------------------------------------


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date | None:
    """The n-th (1..5) or last (-1) weekday of a month; None if the month has no n-th."""
    days = _calendar.monthrange(year, month)[1]
    if n == LAST:
        last = dt.date(year, month, days)
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    return day if day.month == month else None


def _months(start: dt.date, end: dt.date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _candidates(series: Series) -> Iterator[dt.date]:
    if series.rule == RULE_MONTH:
        for year, month in _months(series.start, series.end):
            day = nth_weekday(year, month, series.weekday, series.n)
            if day is not None:
                yield day
        return
    day = series.start + dt.timedelta(days=(series.weekday - series.start.weekday()) % 7)
    while day <= series.end:
        yield day
        day += dt.timedelta(weeks=series.n)


def skipped(day: dt.date, skip: Sequence[tuple[dt.date, dt.date]]) -> bool:
    return any(first <= day <= last for first, last in skip)


def generate_dates(series: Series,
                   skip: Sequence[tuple[dt.date, dt.date]] = ()) -> list[dt.date]:
    """Every date of the series between start and end, without holidays (its own and ``skip``)."""
    check_series(series)
    holidays = tuple(series.skip) + tuple(skip)
    return [
        day for day in _candidates(series)
        if series.start <= day <= series.end and not skipped(day, holidays)
    ]


# -- the school year ----------------------------------------------------------------------


def school_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The school year of ``day``: 1 August to 31 July."""
    year = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
    return dt.date(year, SCHOOL_YEAR_START_MONTH, 1), dt.date(year + 1, 7, 31)


def school_year_label(year_start: dt.date) -> str:
    """'2026-2027' for the school year starting in 2026."""
    return f"{year_start.year}-{year_start.year + 1}"


class Dated(Protocol):
    """Anything with a date (JJJJ-MM-DD) and a time (HH:MM): a Slot or a PlanRow."""

    @property
    def date(self) -> str: ...

    @property
    def time(self) -> str: ...


DatedT = TypeVar("DatedT", bound=Dated)


def by_month(items: Iterable[DatedT], year_start: dt.date) -> list[tuple[int, int, list[DatedT]]]:
    """The twelve months of the school year of ``year_start``, each with its slots (or rows)."""
    start, end = school_year(year_start)
    months = list(_months(start, end))
    grouped: dict[tuple[int, int], list[DatedT]] = {key: [] for key in months}
    for item in sorted(items, key=lambda i: (i.date, i.time)):
        year, month = int(item.date[:4]), int(item.date[5:7])
        if (year, month) in grouped:
            grouped[(year, month)].append(item)
    return [(year, month, grouped[(year, month)]) for year, month in months]


def _slot_order(slot: Slot) -> tuple[str, str, str]:
    return slot.date, slot.time, slot.id


# -- the store ----------------------------------------------------------------------------


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
                if folder.stat().st_mode & 0o077:
                    os.chmod(folder, DIR_MODE)
        except OSError as error:
            raise PlanningError(
                f"kan de map {self.path.parent} niet aanmaken of gebruiken ({error.strerror})"
            ) from None

    def _damaged(self, reason: str) -> DamagedPlanningError:
        return DamagedPlanningError(
            f"de jaarplanning ({self.path}) is beschadigd: {reason}; er is niets veranderd. "
            "Zet het bestand apart (en de vorige versie terug) met: arrangeren plan herstel"
        )

    def _read(self) -> _State:
        try:
            db = TinyDB(self.path, storage=AtomicJSONStorage)
            try:
                series = [Series.from_record(dict(d)) for d in db.table("series").all()]
                slots = [Slot.from_record(dict(d)) for d in db.table("slots").all()]
            finally:
                db.close()
        except CorruptFileError as error:
            raise self._damaged(error.reason) from None
        except OSError as error:
            raise PlanningError(
                f"kan de jaarplanning niet lezen ({error.strerror})"
            ) from None
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise self._damaged(f"onverwachte vorm ({error})") from None
        return _State(series=series, slots=sorted(slots, key=_slot_order))

    def _write(self, state: _State) -> None:
        data = {
            "series": {str(n): s.to_record() for n, s in enumerate(state.series, start=1)},
            "slots": {
                str(n): s.to_record()
                for n, s in enumerate(sorted(state.slots, key=_slot_order), start=1)
            },
        }
        try:
            AtomicJSONStorage(self.path).write(data)
        except OSError as error:
            raise PlanningError(
                f"kan de jaarplanning niet opslaan ({error.strerror}); er is niets veranderd"
            ) from None

    @contextmanager
    def _changing(self) -> Iterator[_State]:
        """Read, let the caller change, write: one process at a time, all or nothing."""
        self._ensure()
        try:
            fd = os.open(self.path.parent / LOCK_NAME, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as error:
            raise PlanningError(
                f"kan de jaarplanning niet vergrendelen ({error.strerror})"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            state = self._read()
            yield state
            self._write(state)
        finally:
            os.close(fd)  # closing releases the flock

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
                f"kan de beschadigde jaarplanning niet apart zetten ({error.strerror})"
            ) from None
        fsync_dir(self.path.parent)
        return target, self._restore_backup()

    def _restore_backup(self) -> bool:
        backup = backup_path(self.path)
        try:
            data = read_json_file(backup)
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


@dataclass(frozen=True)
class PlanRow:
    """One line of ``arrangeren plan``: a slot or a planned session without one."""

    date: str
    time: str
    minutes: int
    place: str
    school: str
    slot: str  # slot id, '' for a planned session without a slot
    session: str  # session id, '' for a free slot
    status: str  # vrij, gepland, open, gesloten (onbekend: the session is not in the store)
    pupil: str  # for the screen and the CLI only, never for a calendar title by default
    series: str = ""


def _summaries_by_id(summaries: Iterable[SessionSummary]) -> dict[str, SessionSummary]:
    return {s.id: s for s in summaries}


def _unslotted_planned(slots: Sequence[Slot],
                       summaries: dict[str, SessionSummary]) -> list[SessionSummary]:
    assigned = {s.session for s in slots if s.session}
    return [
        s for s in summaries.values()
        if s.status == STATUS_PLANNED and s.date and s.id not in assigned
    ]


def _row_of_slot(slot: Slot, summary: SessionSummary | None) -> PlanRow:
    if slot.free:
        status, pupil = FREE, ""
    elif summary is None:
        status, pupil = UNKNOWN, ""
    else:
        status, pupil = summary.status, summary.pupil
    return PlanRow(
        date=slot.date, time=slot.time, minutes=slot.minutes,
        place=slot.place or (summary.place if summary else ""),
        school=slot.school or (summary.school if summary else ""),
        slot=slot.id, session=slot.session, status=status, pupil=pupil, series=slot.series,
    )


def _row_of_session(summary: SessionSummary) -> PlanRow:
    return PlanRow(
        date=summary.date, time=summary.time, minutes=_minutes(summary), place=summary.place,
        school=summary.school, slot="", session=summary.id, status=summary.status,
        pupil=summary.pupil,
    )


def plan_rows(slots: Sequence[Slot], summaries: Iterable[SessionSummary], today: dt.date, *,
              include_past: bool = False, until: dt.date | None = None) -> list[PlanRow]:
    """Every slot and every planned session without a slot, from ``today`` on (or all),
    up to and including ``until`` if given, by date and time."""
    by_id = _summaries_by_id(summaries)
    rows = [_row_of_slot(slot, by_id.get(slot.session)) for slot in slots]
    rows += [_row_of_session(s) for s in _unslotted_planned(slots, by_id)]
    first = "" if include_past else today.isoformat()
    last = until.isoformat() if until else "9999-12-31"
    rows = [r for r in rows if first <= r.date <= last]
    return sorted(rows, key=lambda r: (r.date, r.time, r.slot or r.session))


# -- the calendar ----------------------------------------------------------------------


def _event_summary(row: PlanRow, with_names: bool) -> str:
    title = f"{SUMMARY} ({FREE})" if row.status == FREE else SUMMARY
    parts = [title]
    if row.school:
        parts.append(row.school)
    if with_names and row.pupil:
        parts.append(row.pupil)
    return " · ".join(parts)


def _event_description(row: PlanRow, with_names: bool) -> str:
    if row.status == FREE:
        return "Vrij moment voor een arrangeergesprek in de jaarplanning."
    lines = [f"Arrangeergesprek, code {row.session}."]
    if with_names and row.pupil:
        lines.append(f"Leerling: {row.pupil}")
    return "\n".join(lines)


def _event_of(row: PlanRow, with_names: bool) -> CalendarEvent:
    return CalendarEvent(
        # A meeting has one UID however it is exported (here or as an invitation), so an
        # agenda that imports both updates one appointment instead of showing two.
        uid=f"{row.session}@arrangeren" if row.session else f"slot-{row.slot}@arrangeren",
        date=row.date, time=row.time, minutes=row.minutes,
        summary=_event_summary(row, with_names), location=row.place,
        description=_event_description(row, with_names),
    )


def _minutes(summary: SessionSummary) -> int:
    try:
        return int(summary.minutes) or DEFAULT_MINUTES
    except ValueError:
        return DEFAULT_MINUTES


def planning_events(slots: Sequence[Slot], summaries: Iterable[SessionSummary], *,
                    with_names: bool = False,
                    between: tuple[dt.date, dt.date] | None = None) -> list[CalendarEvent]:
    """One event per slot, plus every planned session (gepland, with a date) without a slot.

    The pupil's name is in no title or description unless ``with_names``.
    ``between`` keeps only the events in that (inclusive) date range.
    """
    first, last = between or (dt.date.min, dt.date.max)
    rows = plan_rows(slots, summaries, first, until=last)
    return [_event_of(row, with_names) for row in rows]


def calendar_name(year_start: dt.date | None = None) -> str:
    if year_start is None:
        return "Arrangeergesprekken"
    return f"Jaarplanning arrangeergesprekken {school_year_label(year_start)}"


def ics_filename(year_start: dt.date) -> str:
    """The file name of a year's calendar; never a pupil's name."""
    return f"jaarplanning-{school_year_label(year_start)}.ics"
