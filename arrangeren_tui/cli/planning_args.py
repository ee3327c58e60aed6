"""``arrangeren plan``: the jaarplanning on the command line.

``add_parser(commands)`` adds the ``plan`` subcommand to the main parser's
subcommands; ``run(args, store)`` carries it out. Errors are one Dutch line on
stderr and a non-zero exit code. Textual is never imported here, and the
planning core only when a ``plan`` command runs (``cli.planning``).

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

from arrangeren_tui.core.fields import FieldError, parse_date, parse_time

# The weekdays a series can fall on (core.planning.WEEKDAYS[:5]; a test keeps them equal).
WORKDAYS = ("ma", "di", "wo", "do", "vr")


def _date_arg(text: str) -> dt.date:
    try:
        return parse_date(text)
    except FieldError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _time_arg(text: str) -> str:
    try:
        return parse_time(text)
    except FieldError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _holiday_arg(text: str) -> tuple[dt.date, dt.date]:
    from arrangeren_tui.core.planning.rules import PlanningError, parse_holiday

    try:
        return parse_holiday(text)
    except PlanningError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive_arg(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is geen heel getal") from None


HELP = "jaarplanning: vaste momenten en geplande gesprekken"


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Add ``plan`` (with ``reeks``, ``wis``, ``koppel``, ``los``, ``herstel``) to ``commands``."""
    plan: argparse.ArgumentParser = commands.add_parser(
        "plan", help=HELP,
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
    # SUPPRESS: unset here, it must not overwrite `plan --json reeks ...` with its default.
    series.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="uitvoer als JSON")
