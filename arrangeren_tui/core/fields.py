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


def parse_date(text: str, *, day_first: bool = False, today: dt.date | None = None) -> dt.date:
    """A date from 'JJJJ-MM-DD' (also '2026-9-1' and the other ISO 8601 forms, such as
    '20261123'); with ``day_first`` also 'DD-MM-JJJJ' and 'DD/MM/JJJJ'. Spaces around are
    ignored. FieldError otherwise.

    ``day_first`` is for the board's dialogs (afspraak, evaluatie), which have always taken
    Dutch day-first dates; the command line and the planning do not, so there
    '23-11-2026' stays an error rather than a guess.

    With ``today`` (every form a person fills in on screen) the date may also be said
    the way it is said at the table, relative to ``today``: 'morgen', 'over 8 weken',
    'volgende week dinsdag', 'dinsdag', '14-1', '14 januari' (see ``_spoken_date``);
    day-first forms are then taken too. The form shows the resolved date before saving.
    """
    stripped = text.strip()
    day: dt.date | None = None
    if today is not None:
        day_first = True
        day = _spoken_date(stripped, today)
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
    if today is not None:
        raise FieldError(f"'{stripped}' is geen datum; schrijf bv. 14-1-2027, 14-1, "
                         "morgen of over 8 weken", DATE, FORMAT)
    forms = "JJJJ-MM-DD of DD-MM-JJJJ" if day_first else "JJJJ-MM-DD"
    raise FieldError(f"'{stripped}' is geen datum als {forms}, bv. 2026-10-19", DATE, FORMAT)


def iso_date(text: str, *, day_first: bool = False, today: dt.date | None = None) -> str:
    """``parse_date`` as 'JJJJ-MM-DD'."""
    return parse_date(text, day_first=day_first, today=today).isoformat()


WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
_NUMBER_WORDS = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
                 "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12}
_DAY_WORDS = {"eergisteren": -2, "gisteren": -1, "vandaag": 0, "morgen": 1, "overmorgen": 2}
# The words of a relative date: patterns that ``re`` compiles (and keeps) when a date is
# first said in words, not at every start.
_OVER_RE = r"over (\w+) (dag|dagen|week|weken|maand|maanden)"
_WEEKDAY_RE = r"(volgende week |deze week |aanstaande |a\.s\. |volgende )?(\w+)"
_DAY_MONTH_RE = r"(\d{1,2})[-/](\d{1,2})"  # '14-1', '14/1'
_DAY_NAME_RE = r"(\d{1,2}) ([a-z]+)\.?(?: (\d{4}))?"  # '14 januari', '14 jan 2027'


def _weekday(word: str) -> int | None:
    """0 for 'maandag' (also 'ma', 'maan'...), None if no weekday starts so (2+ letters)."""
    if len(word) < 2:
        return None
    hits = [number for number, name in enumerate(WEEKDAYS) if name.startswith(word)]
    return hits[0] if len(hits) == 1 else None


def _month(word: str) -> int | None:
    """1 for 'januari' or 'jan'; None if no month starts so (3+ letters)."""
    if len(word) < 3:
        return None
    hits = [number for number, name in enumerate(MONTHS, start=1) if name.startswith(word)]
    return hits[0] if len(hits) == 1 else None


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` ``months`` later; the 31st becomes the month's last day where it has none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


def _nearest(today: dt.date, month: int, day: int) -> dt.date | None:
    """The day-month without a year nearest to ``today``: '14-1' typed in November is
    next January, '3-11' typed on 20 November is this month; None if no such day."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs((d - today).days), default=None)


def _spoken_date(text: str, today: dt.date) -> dt.date | None:
    """A date said the Dutch way, relative to ``today``; None if ``text`` is no such thing.

    'vandaag', 'morgen', 'overmorgen', 'gisteren'; 'over 3 dagen', 'over 8 weken',
    'over twee maanden'; 'dinsdag', 'aanstaande dinsdag', 'volgende dinsdag' (the first
    one after today); 'volgende week dinsdag' (the Tuesday of next week), 'deze week
    vrijdag'; '14-1' and '14 januari' (the one nearest to today), '14 jan 2027'.
    """
    said = " ".join(text.lower().split())
    if said in _DAY_WORDS:
        return today + dt.timedelta(days=_DAY_WORDS[said])
    for reader in (_over, _day_month, _weekday_said):
        found = reader(said, today)
        if found is not None:
            return found
    return None


def _over(said: str, today: dt.date) -> dt.date | None:
    """'over 8 weken', 'over twee maanden', 'over 3 dagen'."""
    match = re.fullmatch(_OVER_RE, said)
    if not match:
        return None
    amount = (int(match.group(1)) if match.group(1).isdigit()
              else _NUMBER_WORDS.get(match.group(1)))
    if amount is None:
        return None
    unit = match.group(2)
    if unit.startswith("maand"):
        return _add_months(today, amount)
    return today + dt.timedelta(days=amount * (7 if unit.startswith("we") else 1))


def _day_month(said: str, today: dt.date) -> dt.date | None:
    """'14-1', '14/1', '14 januari' (nearest to today), '14 jan 2027'."""
    match = re.fullmatch(_DAY_MONTH_RE, said)
    if match:
        return _nearest(today, int(match.group(2)), int(match.group(1)))
    match = re.fullmatch(_DAY_NAME_RE, said)
    month = _month(match.group(2)) if match else None
    if match is None or month is None:
        return None
    if not match.group(3):
        return _nearest(today, month, int(match.group(1)))
    try:
        return dt.date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


def _weekday_said(said: str, today: dt.date) -> dt.date | None:
    """'dinsdag', 'volgende week dinsdag', 'deze week vrijdag'."""
    match = re.fullmatch(_WEEKDAY_RE, said)
    weekday = _weekday(match.group(2)) if match else None
    if match is None or weekday is None:
        return None
    which = (match.group(1) or "").strip()
    monday = today - dt.timedelta(days=today.weekday())
    if which == "volgende week":
        return monday + dt.timedelta(days=7 + weekday)
    if which == "deze week":
        return monday + dt.timedelta(days=weekday)
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def spoken_date(day: dt.date) -> str:
    """'dinsdag 13 januari 2027': a date as it is read back to the table."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def date_hint(text: str, today: dt.date) -> str:
    """What a form shows beside a date field while it is typed: the resolved date
    ('= dinsdag 13 januari 2027'), '' for an empty field, or the problem."""
    if not text.strip():
        return ""
    try:
        return f"= {spoken_date(parse_date(text, today=today))}"
    except FieldError:
        return "? geen datum (bv. 14-1, morgen, over 8 weken)"


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
    require_time: bool = False, today: dt.date | None = None,
) -> tuple[SessionFields | None, dict[str, FieldError]]:
    """Check the fields asked when a session is created or planned, all at once.

    ``time`` may be empty unless ``require_time`` (a planned session has a start time);
    ``minutes`` is an int or the text typed. Returns the normalised fields and no errors,
    or None and every problem by field (PUPIL, DATE, TIME, MINUTES), in that order.
    With ``today`` (the on-screen form) the date may be said as at the table ('morgen',
    'over 8 weken', '14-1'; ``parse_date``); without it (the command line) it may not.
    """
    errors: dict[str, FieldError] = {}
    checked_pupil = checked_date = checked_time = ""
    checked_minutes = 0
    try:
        checked_pupil = check_pupil(pupil)
    except FieldError as error:
        errors[PUPIL] = error
    try:
        checked_date = iso_date(date, today=today)
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


# The party a participant's role belongs to, for the roles said at the table (DOMAIN.md);
# the new-session form fills the party in from the role, and it stays editable.
_ROLE_PARTIES = {
    "ouders": ("moeder", "vader", "ouder", "pleegmoeder", "pleegvader", "pleegouder",
               "stiefmoeder", "stiefvader", "verzorger", "opa", "oma", "voogd", "mama", "papa"),
    "leerling": ("leerling", "kind", "zoon", "dochter"),
    "school": ("leraar", "lerares", "leerkracht", "juf", "meester", "mentor", "ib'er", "ib-er",
               "ib", "intern begeleider", "directeur", "schoolleider", "teamleider",
               "zorgcoördinator", "zorgcoordinator", "onderwijsassistent", "remedial teacher",
               "rt'er", "groepsleerkracht", "locatieleider"),
    "swv": ("orthopedagoog", "ambulant begeleider", "ambulante begeleider", "consulent",
            "onderwijsconsulent", "onderwijsadviseur", "samenwerkingsverband", "swv",
            "gedragsspecialist", "trajectbegeleider", "schoolpsycholoog", "psycholoog"),
    "jeugdhulp": ("schoolmaatschappelijk werker", "schoolmaatschappelijk werk",
                  "maatschappelijk werker", "smw", "smw'er", "wijkteam", "gezinscoach",
                  "jeugdhulp", "jeugdhulpverlener", "jeugdconsulent", "opvoedondersteuner",
                  "opvoedondersteuning", "jeugdzorg", "jeugd-ggz", "gezinsbegeleider"),
    "jgz": ("jeugdarts", "jeugdverpleegkundige", "verpleegkundige", "jgz", "ggd",
            "consultatiebureau", "doktersassistent"),
}
_ROLE_WORDS = sorted(((word, party) for party, words in _ROLE_PARTIES.items()
                      for word in words), key=lambda item: -len(item[0]))


def party_for_role(role: str) -> str:
    """The party key ('ouders', 'school', 'swv', 'jeugdhulp', 'jgz', 'leerling') a role such
    as 'moeder', 'IB'er' or 'jeugdverpleegkundige van de GGD' belongs to; '' if unknown.

    The longest known role found as a whole word (or word start: 'leraar groep 5') wins, so
    'schoolmaatschappelijk werker' is jeugdhulp, not school."""
    said = " ".join(role.casefold().replace("’", "'").replace("`", "'").split())
    if not said:
        return ""
    for word, party in _ROLE_WORDS:
        if re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", said):
            return party
    return ""
