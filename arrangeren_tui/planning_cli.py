"""``arrangeren plan``: the jaarplanning on the command line.

``add_parser(commands)`` adds the ``plan`` subcommand to the main parser's
subcommands; ``run(args, store)`` carries it out. Errors are one Dutch line on
stderr and a non-zero exit code. Textual is never imported here.

``arrangeren plan --json`` prints a list of objects with these keys (all
strings, except ``duur``, an integer in minutes):

``datum`` (JJJJ-MM-DD), ``tijd`` (UU:MM, or "" for a planned session without a
time), ``duur``, ``plaats``, ``school``, ``moment`` (the slot code, "" for a
planned session without a slot), ``gesprek`` (the session code, "" for a free
slot), ``status`` (vrij, gepland, open, gesloten; onbekend for a slot whose
session is no longer in the store), ``leerling`` ("" for a free slot) and
``reeks`` (the code of the series the slot came from, or "").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from arrangeren_tui.core.model import STATUS_CLOSED
from arrangeren_tui.core.planning import (
    LAST,
    RULE_MONTH,
    RULE_WEEKS,
    WEEKDAYS,
    PlanningError,
    PlanningStore,
    PlanRow,
    Series,
    Slot,
    calendar_name,
    parse_date,
    parse_holiday,
    parse_time,
    plan_rows,
    planning_events,
)
from arrangeren_tui.core.store import (
    SessionInUseError,
    SessionStore,
    SessionSummary,
    StoreError,
)

EXIT_ERROR = 1
EXIT_USAGE = 2
WORKDAYS = WEEKDAYS[:5]


def _date_arg(text: str) -> dt.date:
    try:
        return parse_date(text)
    except PlanningError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _time_arg(text: str) -> str:
    try:
        return parse_time(text)
    except PlanningError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _holiday_arg(text: str) -> tuple[dt.date, dt.date]:
    try:
        return parse_holiday(text)
    except PlanningError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive_arg(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is geen heel getal") from None


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Add ``plan`` (with ``reeks``, ``wis``, ``koppel``, ``los``, ``herstel``) to ``commands``."""
    plan: argparse.ArgumentParser = commands.add_parser(
        "plan", help="jaarplanning: vaste momenten en geplande gesprekken",
        description="Zonder commando: toon wat gepland is, vanaf vandaag.",
    )
    plan.add_argument("--json", action="store_true", help="uitvoer als JSON")
    plan.add_argument("--ook-verleden", action="store_true", dest="ook_verleden",
                      help="ook momenten en gesprekken van voor vandaag")
    plan.add_argument("--ics", metavar="PAD",
                      help="schrijf alles als één agenda (.ics) in plaats van een lijst")
    plan.add_argument("--met-naam", action="store_true", dest="met_naam",
                      help="naam van de leerling in de agenda (standaard niet)")
    sub = plan.add_subparsers(dest="plan_command", metavar="COMMANDO", parser_class=type(plan))
    _add_series_parser(sub)
    remove = sub.add_parser("wis", help="verwijder een vrij moment")
    remove.add_argument("slot", metavar="MOMENT", help="code van het moment (of een uniek begin)")
    assign = sub.add_parser("koppel", help="zet een gesprek op een moment (datum, tijd, plaats)")
    assign.add_argument("slot", metavar="MOMENT", help="code van het moment (of een uniek begin)")
    assign.add_argument("id", metavar="CODE", help="gesprekscode (of een uniek begin)")
    release = sub.add_parser("los", help="maak een moment weer vrij (het gesprek blijft)")
    release.add_argument("slot", metavar="MOMENT", help="code van het moment (of een uniek begin)")
    sub.add_parser("herstel", help="zet een beschadigde jaarplanning apart, vorige versie terug")
    return plan


def _add_series_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    series = sub.add_parser("reeks", help="plan een reeks momenten, bv. elke 3e dinsdag")
    series.add_argument("--van", type=_date_arg, required=True, metavar="JJJJ-MM-DD")
    series.add_argument("--tot", type=_date_arg, required=True, metavar="JJJJ-MM-DD")
    series.add_argument("--dag", required=True, choices=WORKDAYS, help="weekdag")
    # One of --week, --laatste, --elke; checked in _series_from_args, with a Dutch message.
    series.add_argument("--week", type=_positive_arg, metavar="N",
                        help="de N-de weekdag van elke maand (1-4)")
    series.add_argument("--laatste", action="store_true",
                        help="de laatste weekdag van de maand")
    series.add_argument("--elke", type=_positive_arg, metavar="N", help="om de N weken")
    series.add_argument("--tijd", type=_time_arg, required=True, metavar="UU:MM")
    series.add_argument("--duur", type=_positive_arg, default=90, metavar="MIN",
                        help="duur in minuten (standaard 90)")
    series.add_argument("--plaats", default="", metavar="PLAATS")
    series.add_argument("--school", default="", metavar="SCHOOL")
    series.add_argument("--naam", default="", metavar="NAAM", help="naam van de reeks")
    series.add_argument("--vakantie", type=_holiday_arg, action="append", default=[],
                        metavar="VAN:TOT", help="sla deze dagen over (mag vaker)")
    series.add_argument("--json", action="store_true", help="uitvoer als JSON")


# -- running ------------------------------------------------------------------------


def today() -> dt.date:
    """Today; a function so tests can fix it."""
    return dt.date.today()


def _error(message: str, code: int = EXIT_ERROR) -> int:
    sys.stderr.write(f"arrangeren: {message}\n")
    return code


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
        where = f" ({error.filename})" if error.filename else ""
        return _error(f"{error.strerror or error}{where}")


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
        who = " · ".join(x for x in (r.school, r.pupil) if x)
        lines.append(f"{r.date:<10}  {day:<3}  {r.time or '-':<5}  {r.status:<8}  "
                     f"{r.slot or '-':<14}  {r.session or '-':<14}  {who}".rstrip())
    return "\n".join(lines)


def _write_ics(args: argparse.Namespace, slots: list[Slot], summaries: list[SessionSummary],
               today: dt.date) -> int:
    from arrangeren_tui.core.calendar import CalendarError, calendar_bytes
    from arrangeren_tui.core.storage import atomic_write_bytes

    between = None if args.ook_verleden else (today, dt.date.max)
    events = planning_events(slots, summaries, with_names=args.met_naam, between=between)
    stamp = dt.datetime.fromtimestamp(time.time()).astimezone()
    try:
        payload = calendar_bytes(events, name=calendar_name(), stamp=stamp)
    except CalendarError as error:
        return _error(f"de agenda kan niet gemaakt worden: {error}")
    target = Path(args.ics).expanduser()
    if target.is_dir():
        target = target / "jaarplanning.ics"
    atomic_write_bytes(target, payload, keep_backup=False)
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
        where = " · ".join(x for x in (slot.school, slot.place) if x)
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
        raise StoreError(f"kan gesprek {session_id} niet vergrendelen ({error.strerror})"
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
