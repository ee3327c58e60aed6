"""The jaarplanning's rules: series and slots, the dates a series gives, school years, holidays."""


from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol, TypeVar

from arrangeren_tui.core import fields
from arrangeren_tui.core.fields import FieldError
from arrangeren_tui.core.storage.store import StoreError

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
MAX_WEEKS = 52
MAX_SPAN_DAYS = 2 * 366  # a series covers at most two school years
MAX_TEXT = 120
SCHOOL_YEAR_START_MONTH = 8  # 1 August
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
    """``core.fields.parse_time`` ('9:30', '13.30' as 'HH:MM'); PlanningError otherwise."""
    try:
        return fields.parse_time(text)
    except FieldError as error:
        raise PlanningError(str(error), "time") from None


def parse_date(text: str, field: str = "") -> dt.date:
    """``core.fields.parse_date`` ('2026-10-19', also '2026-9-1'); PlanningError otherwise."""
    try:
        return fields.parse_date(text)
    except FieldError as error:
        raise PlanningError(str(error), field) from None


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
    try:
        fields.check_minutes(series.minutes)
    except FieldError as error:
        raise PlanningError(str(error), "minutes") from None
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


def slot_order(slot: Slot) -> tuple[str, str, str]:
    return slot.date, slot.time, slot.id


# -- the store ----------------------------------------------------------------------------


