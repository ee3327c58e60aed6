"""The one place for the rules of the fields a person types: dates, times, a
meeting's length and the session fields checked when a session is created or planned.

Pure Python. The form, the voorbereiding, the dialogs, the command line, the
planning and the model all parse and check through here; each front end words
the problem in its own place (a form sentence, a CLI option line), but the rule
is this one. Every problem is a ``FieldError``: a ``ValueError`` with a Dutch
message, the field it belongs to and why.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MAX_PUPIL_LENGTH = 60
MIN_MINUTES, MAX_MINUTES = 10, 600
# Every date typed is about a school meeting, its agreements or its planning: a year
# outside these is a typing error (0001, 9999), never a date to keep.
MIN_YEAR, MAX_YEAR = 2000, 2099

# Field names (keys of the errors of ``validate_session``).
PUPIL, DATE, TIME, MINUTES = "pupil", "date", "time", "minutes"
# Why a field is wrong.
MISSING = "missing"  # empty, but required
TOO_LONG = "too_long"
FORMAT = "format"  # not a date, time or whole number
RANGE = "range"  # a number outside the allowed range

_CLOCK_RE = re.compile(r"(\d{1,2})[:.](\d{2})")
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")  # also '2026-9-1'
_DAY_FIRST_RE = re.compile(r"(\d{1,2})([-/])(\d{1,2})\2(\d{4})")  # '1-9-2026', '01/09/2026'


class FieldError(ValueError):
    """A typed value that does not fit, in Dutch; ``field`` and ``reason`` say which and why."""

    def __init__(self, message: str, field: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.reason = reason


def parse_time(text: str) -> str:
    """'9:30', '09:30' or '13.30' (spaces around are ignored) as 'HH:MM'; FieldError otherwise."""
    match = _CLOCK_RE.fullmatch(text.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise FieldError(f"'{text.strip()}' is geen tijd als UU:MM, bv. 13:30", TIME, FORMAT)


def parse_date(text: str, *, day_first: bool = False) -> dt.date:
    """A date from 'JJJJ-MM-DD' (also '2026-9-1' and the other ISO 8601 forms, such as
    '20261123'); with ``day_first`` also 'DD-MM-JJJJ' and 'DD/MM/JJJJ'. Spaces around are
    ignored. FieldError otherwise.

    ``day_first`` is for the board's dialogs (afspraak, evaluatie), which have always taken
    Dutch day-first dates; the session form, the command line and the planning do not, so
    there '23-11-2026' stays an error rather than a guess.
    """
    stripped = text.strip()
    day: dt.date | None = None
    try:
        match = _ISO_RE.fullmatch(stripped)
        if match:
            day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        elif day_first and (match := _DAY_FIRST_RE.fullmatch(stripped)):
            day = dt.date(int(match.group(4)), int(match.group(3)), int(match.group(1)))
        else:
            day = dt.date.fromisoformat(stripped)
    except ValueError:
        pass
    if day is not None:
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise FieldError(f"'{stripped}' ligt niet in de jaren {MIN_YEAR} tot en met "
                             f"{MAX_YEAR}", DATE, RANGE)
        return day
    forms = "JJJJ-MM-DD of DD-MM-JJJJ" if day_first else "JJJJ-MM-DD"
    raise FieldError(f"'{stripped}' is geen datum als {forms}, bv. 2026-10-19", DATE, FORMAT)


def iso_date(text: str, *, day_first: bool = False) -> str:
    """``parse_date`` as 'JJJJ-MM-DD'."""
    return parse_date(text, day_first=day_first).isoformat()


def check_minutes(minutes: int, minimum: int = MIN_MINUTES) -> int:
    """A meeting's length in minutes, if it is ``minimum`` (MIN_MINUTES) to MAX_MINUTES;
    FieldError otherwise."""
    if not minimum <= minutes <= MAX_MINUTES:
        raise FieldError(f"de duur is {minimum} tot {MAX_MINUTES} minuten", MINUTES, RANGE)
    return minutes


def parse_minutes(text: str, minimum: int = MIN_MINUTES) -> int:
    """A meeting's length typed as a whole number of minutes, in range; FieldError otherwise."""
    try:
        minutes = int(text.strip())
    except ValueError:
        raise FieldError("de duur is een heel aantal minuten, bv. 90", MINUTES, FORMAT) from None
    return check_minutes(minutes, minimum)


def check_pupil(text: str) -> str:
    """The pupil's name or initials, trimmed: required, at most MAX_PUPIL_LENGTH characters."""
    pupil = text.strip()
    if not pupil:
        raise FieldError("de naam of de initialen van de leerling ontbreken", PUPIL, MISSING)
    if len(pupil) > MAX_PUPIL_LENGTH:
        raise FieldError(f"de naam van de leerling is hoogstens {MAX_PUPIL_LENGTH} tekens",
                         PUPIL, TOO_LONG)
    return pupil


@dataclass(frozen=True)
class SessionFields:
    """The checked, normalised fields of a new or planned session."""

    pupil: str
    date: str  # JJJJ-MM-DD
    time: str  # UU:MM, or "" for none
    minutes: int


def validate_session(
    pupil: str, date: str, time: str, minutes: int | str, *,
    require_time: bool = False,
) -> tuple[SessionFields | None, dict[str, FieldError]]:
    """Check the fields asked when a session is created or planned, all at once.

    ``time`` may be empty unless ``require_time`` (a planned session has a start time);
    ``minutes`` is an int or the text typed. Returns the normalised fields and no errors,
    or None and every problem by field (PUPIL, DATE, TIME, MINUTES), in that order.
    """
    errors: dict[str, FieldError] = {}
    checked_pupil = checked_date = checked_time = ""
    checked_minutes = 0
    try:
        checked_pupil = check_pupil(pupil)
    except FieldError as error:
        errors[PUPIL] = error
    try:
        checked_date = iso_date(date)
    except FieldError as error:
        errors[DATE] = error
    if time.strip():
        try:
            checked_time = parse_time(time)
        except FieldError as error:
            errors[TIME] = error
    elif require_time:
        errors[TIME] = FieldError("bij een gepland gesprek hoort een begintijd, bv. 13:30",
                                  TIME, MISSING)
    try:
        checked_minutes = (parse_minutes(minutes) if isinstance(minutes, str)
                           else check_minutes(minutes))
    except FieldError as error:
        errors[MINUTES] = error
    if errors:
        return None, errors
    return SessionFields(checked_pupil, checked_date, checked_time, checked_minutes), {}
