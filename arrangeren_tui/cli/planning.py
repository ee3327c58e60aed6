"""The work behind ``arrangeren plan`` (see ``cli.planning_args`` for the parser and the JSON keys).

Kept apart from the parser so that building the CLI's parser, at every start,
does not import the planning core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from arrangeren_tui.core.errors import os_problem, os_reason
from arrangeren_tui.core.model import STATUS_CLOSED
from arrangeren_tui.core.planning.calendar import PlanRow, calendar_name, plan_rows, planning_events
from arrangeren_tui.core.planning.rules import (
    LAST,
    RULE_MONTH,
    RULE_WEEKS,
    WEEKDAYS,
    PlanningError,
    Series,
    Slot,
)
from arrangeren_tui.core.planning.store import PlanningStore
from arrangeren_tui.core.storage.store import (
    SessionInUseError,
    SessionStore,
    SessionSummary,
    StoreError,
)
from arrangeren_tui.core.text import one_line
from arrangeren_tui.exitcodes import EXIT_ERROR, EXIT_USAGE


def today() -> dt.date:
    """Today; a function so tests can fix it."""
    return dt.date.today()


def run(args: argparse.Namespace, store: SessionStore) -> int:
    """Carry out ``arrangeren plan ...``; a Dutch line on stderr and non-zero on failure."""
    planning = PlanningStore(store.root)
    command = getattr(args, "plan_command", None)
    handlers = {
        None: _cmd_list, "reeks": _cmd_series, "wis": _cmd_remove, "koppel": _cmd_assign,
        "los": _cmd_release, "herstel": _cmd_repair,
    }
    try:
        return handlers[command](args, store, planning)
    except PlanningError as error:
        return _error(str(error), EXIT_USAGE if error.field else EXIT_ERROR)
    except StoreError as error:
        return _error(str(error))
    except OSError as error:
        return _error(os_problem(error))


def _error(message: str, code: int = EXIT_ERROR) -> int:
    sys.stderr.write(f"arrangeren: {message}\n")
    return code


def row_json(row: PlanRow) -> dict[str, object]:
    """One row of ``plan --json``; see the module docstring for the keys."""
    return {
        "datum": row.date, "tijd": row.time, "duur": row.minutes, "plaats": row.place,
        "school": row.school, "moment": row.slot, "gesprek": row.session,
        "status": row.status, "leerling": row.pupil, "reeks": row.series,
    }


def _summaries(store: SessionStore) -> list[SessionSummary]:
    summaries, problems = store.list()
    for problem in problems:
        sys.stderr.write(f"arrangeren: let op: {problem}\n")
    return summaries


def _cmd_list(args: argparse.Namespace, store: SessionStore, planning: PlanningStore) -> int:
    slots = planning.slots()
    summaries = _summaries(store)
    day = today()
    if args.ics:
        return _write_ics(args, slots, summaries, day)
    rows = plan_rows(slots, summaries, day, include_past=args.ook_verleden)
    if args.json:
        print(json.dumps([row_json(r) for r in rows], ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("Niets gepland" + ("." if args.ook_verleden else f" vanaf {day.isoformat()}."))
        return 0
    print(_table(rows))
    return 0


def _table(rows: list[PlanRow]) -> str:
    lines = [f"{'Datum':<10}  {'Dag':<3}  {'Tijd':<5}  {'Status':<8}  {'Moment':<14}  "
             f"{'Gesprek':<14}  School · leerling"]
    for r in rows:
        day = WEEKDAYS[dt.date.fromisoformat(r.date).weekday()]
        who = " · ".join(x for x in (one_line(r.school, 40), one_line(r.pupil, 60)) if x)
        lines.append(f"{r.date:<10}  {day:<3}  {r.time or '-':<5}  {r.status:<8}  "
                     f"{r.slot or '-':<14}  {r.session or '-':<14}  {who}".rstrip())
    return "\n".join(lines)


def _write_ics(args: argparse.Namespace, slots: list[Slot], summaries: list[SessionSummary],
               today: dt.date) -> int:
    from arrangeren_tui.core.export.ics import CalendarError, calendar_bytes
    from arrangeren_tui.core.storage.files import write_file_or_into

    between = None if args.ook_verleden else (today, dt.date.max)
    events = planning_events(slots, summaries, with_names=args.met_naam, between=between)
    stamp = dt.datetime.fromtimestamp(time.time()).astimezone()
    try:
        payload = calendar_bytes(events, name=calendar_name(), stamp=stamp)
    except CalendarError as error:
        return _error(f"de agenda kan niet gemaakt worden: {error}")
    target = write_file_or_into(Path(args.ics), "jaarplanning.ics", payload)
    print(f"Agenda geschreven: {target} ({len(events)} afspraken"
          f"{', met namen' if args.met_naam else ', zonder namen'}).")
    return 0


def _series_from_args(args: argparse.Namespace) -> Series:
    chosen = [a for a, on in (("--week", args.week is not None), ("--laatste", args.laatste),
                              ("--elke", args.elke is not None)) if on]
    if len(chosen) != 1:
        raise PlanningError(
            "kies precies één van --week N, --laatste of --elke N"
            + (f" (nu: {' en '.join(chosen)})" if chosen else ""), "rule"
        )
    if args.laatste:
        rule, n = RULE_MONTH, LAST
    elif args.week is not None:
        rule, n = RULE_MONTH, args.week
    else:
        rule, n = RULE_WEEKS, args.elke
    return Series(
        id="", name=args.naam.strip(), rule=rule, weekday=WEEKDAYS.index(args.dag), n=n,
        start=args.van, end=args.tot, time=args.tijd, minutes=args.duur,
        place=args.plaats.strip(), school=args.school.strip(), skip=tuple(args.vakantie),
    )


def _cmd_series(args: argparse.Namespace, store: SessionStore, planning: PlanningStore) -> int:
    series = _series_from_args(args)
    slots = planning.add_series(series)
    if args.json:
        rows = plan_rows(slots, [], dt.date.min, include_past=True)
        print(json.dumps([row_json(r) for r in rows], ensure_ascii=False, indent=1))
        return 0
    print(f"{len(slots)} momenten gepland: {series.describe()}, "
          f"{series.start.isoformat()} tot en met {series.end.isoformat()}.")
    for slot in slots:
        day = WEEKDAYS[slot.day.weekday()]
        where = " · ".join(x for x in (one_line(slot.school, 40), one_line(slot.place, 40)) if x)
        print(f"{slot.id:<14}  {slot.date}  {day}  {slot.time}  {slot.minutes} min"
              + (f"  {where}" if where else ""))
    return 0


def _cmd_remove(args: argparse.Namespace, store: SessionStore, planning: PlanningStore) -> int:
    slot = planning.remove_slot(planning.resolve_slot(args.slot))
    print(f"Moment {slot.id} ({slot.date} {slot.time}) is verwijderd.")
    return 0


def _cmd_release(args: argparse.Namespace, store: SessionStore, planning: PlanningStore) -> int:
    slot_id = planning.resolve_slot(args.slot)
    before = planning.slot(slot_id)
    planning.release(slot_id)
    if before.free:
        print(f"Moment {slot_id} was al vrij.")
    else:
        print(f"Moment {slot_id} is weer vrij; gesprek {before.session} blijft bestaan "
              f"(datum {before.date}).")
    return 0


def _cmd_assign(args: argparse.Namespace, store: SessionStore, planning: PlanningStore) -> int:
    slot_id = planning.resolve_slot(args.slot)
    session_id = store.resolve_id(args.id)
    lock = store.lock(session_id)
    try:
        got = lock.acquire(note_holder=False)
    except OSError as error:
        raise StoreError(f"kan gesprek {session_id} niet vergrendelen ({os_reason(error)})"
                         ) from None
    if not got:
        raise SessionInUseError(
            f"gesprek {session_id} is open in een ander venster ({lock.holder().describe()}); "
            "sluit het daar eerst"
        )
    try:
        slot = _assign_locked(store, planning, slot_id, session_id)
    finally:
        lock.release()
    print(f"Gesprek {session_id} staat op moment {slot.id}: {slot.date} om {slot.time}"
          + (f", {slot.place}" if slot.place else "") + ".")
    return 0


def _assign_locked(store: SessionStore, planning: PlanningStore, slot_id: str,
                   session_id: str) -> Slot:
    """While holding the session's lock: take the slot, then move the session to it."""
    session = store.load(session_id)
    if session.status == STATUS_CLOSED:
        raise PlanningError(f"gesprek {session_id} is afgesloten; heropen het eerst")
    slot = planning.assign(slot_id, session_id)
    try:
        changes: dict[str, object] = {"date": slot.date, "time": slot.time}
        if slot.place:
            changes["place"] = slot.place
        session.set_plan(time.time(), **changes)
        store.save(session)
    except BaseException:
        planning.release(slot_id)
        raise
    return slot


def _cmd_repair(args: argparse.Namespace, store: SessionStore, planning: PlanningStore) -> int:
    moved, restored = planning.repair()
    if moved is None:
        print("De jaarplanning is niet beschadigd; er is niets veranderd.")
        return 0
    print(f"Beschadigde jaarplanning apart gezet als {moved.name}.")
    if restored:
        print("De vorige versie is teruggezet.")
    else:
        print("Er was geen leesbare vorige versie; de jaarplanning begint leeg.")
    return 0
