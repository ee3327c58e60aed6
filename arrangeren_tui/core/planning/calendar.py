"""The jaarplanning as rows (slots and planned sessions, by date) and as calendar events."""


from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from arrangeren_tui.core.export.ics import CalendarEvent
from arrangeren_tui.core.model import STATUS_PLANNED
from arrangeren_tui.core.planning.rules import (
    DEFAULT_MINUTES,
    FREE,
    SUMMARY,
    UNKNOWN,
    Slot,
    school_year_label,
)
from arrangeren_tui.core.storage.store import SessionSummary


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
