"""Calendar files (.ics, RFC 5545) for planned meetings, written with ``icalendar``.

The library is imported only when a calendar is made, so starting the app or the
CLI does not pay for it. Times are wall-clock times in the Netherlands
(``Europe/Amsterdam``, with its VTIMEZONE in the file), which is what agenda
programs there expect. A UID is stable per meeting, so importing a newer file
updates the appointment instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

TIMEZONE = "Europe/Amsterdam"
PRODID = "-//arrangeren//Arrangeergesprekken//NL"


class CalendarError(ValueError):
    """A meeting that cannot go into a calendar (no valid date or time)."""


@dataclass(frozen=True)
class CalendarEvent:
    """One appointment: when, how long, what and where."""

    uid: str
    date: str  # JJJJ-MM-DD
    time: str  # HH:MM; "" for an all-day entry
    minutes: int
    summary: str
    location: str = ""
    description: str = ""


def event_start(event: CalendarEvent) -> dt.datetime | dt.date:
    from zoneinfo import ZoneInfo

    try:
        day = dt.date.fromisoformat(event.date)
    except ValueError:
        raise CalendarError(f"'{event.date}' is geen datum als JJJJ-MM-DD") from None
    if not event.time:
        return day
    try:
        clock = dt.time.fromisoformat(event.time)
    except ValueError:
        raise CalendarError(f"'{event.time}' is geen tijd als UU:MM") from None
    return dt.datetime.combine(day, clock, tzinfo=ZoneInfo(TIMEZONE))


def calendar_bytes(events: Iterable[CalendarEvent], *, name: str, stamp: dt.datetime) -> bytes:
    """An .ics file with these events; ``stamp`` (aware) is the DTSTAMP of each."""
    from icalendar import Calendar, Event

    calendar = Calendar.new(prodid=PRODID, name=name, uid="arrangeren-agenda")
    stamp = stamp.astimezone(dt.timezone.utc)
    for event in events:
        start = event_start(event)
        if isinstance(start, dt.datetime):
            end: dt.datetime | dt.date = start + dt.timedelta(minutes=event.minutes)
        else:
            end = start + dt.timedelta(days=1)
        component = Event.new(
            uid=event.uid, summary=event.summary, start=start, end=end, stamp=stamp,
            location=event.location or None, description=event.description or None,
        )
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
