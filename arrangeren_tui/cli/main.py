"""The ``arrangeren`` command line.

``arrangeren`` alone opens the home screen; ``new``, ``open``, ``list``,
``delete``, ``herstel``, ``bewaartermijn``, ``export``, ``uitnodiging`` and
``plan`` work on the store. Errors are one Dutch line on stderr and a non-zero exit, never a
traceback. Textual is imported only when a screen is needed, so the other
commands start fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from arrangeren_tui import __version__
from arrangeren_tui.cli import planning_args
from arrangeren_tui.cli.args import DutchParser, date_arg, fail, time_arg
from arrangeren_tui.core import fields
from arrangeren_tui.core.errors import os_problem
from arrangeren_tui.core.model import Session, SessionMeta
from arrangeren_tui.core.paths import (
    STORE_ENV,
    css_cache_path,
    deck_cache_path,
    resolve_deck_dirs,
    resolve_store_dir,
    resolve_template_dirs,
    resolve_veld_path,
    user_config_dir,
)
from arrangeren_tui.core.storage.codec import PASSPHRASE_FD_ENV, is_encrypted
from arrangeren_tui.core.storage.crashlog import write_crash_log
from arrangeren_tui.core.storage.files import write_file_or_into
from arrangeren_tui.core.storage.retention import (
    SETTINGS_FILENAME,
    RetentionError,
    expired,
    resolve_months,
)
from arrangeren_tui.core.storage.store import (
    DamagedSessionError,
    FileSignature,
    SessionStore,
    StoreError,
)
from arrangeren_tui.core.text import one_line
from arrangeren_tui.core.veld import Veld, VeldError, load_veld
from arrangeren_tui.exitcodes import EXIT_CRASH, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE

# How much of a school or group name ``list`` shows (the pupil: fields.MAX_PUPIL_LENGTH).
LIST_WIDTH = 40

if TYPE_CHECKING:
    from arrangeren_tui.core.export.names import Person

# The shortest meeting ``arrangeren new --duur`` takes. The form and the planning take
# core.fields.MIN_MINUTES (10); the command line has always taken 1, and tests/test_cli.py
# (test_bad_duur) asserts that in its message. Kept until that is decided.


def build_parser(argv: Sequence[str] | None = None) -> DutchParser:
    """The command line's parser.

    With ``argv``, only a command named in it gets its options and sub-commands; the
    others are listed by name and help alone (``--help`` reads the same): building all of
    them cost 5-9 ms of every start, the board's included.
    """
    wanted = None if argv is None else set(argv)
    parser = DutchParser(
        prog="arrangeren",
        description="Het arrangeerveld in de terminal. Zonder commando opent het startscherm.",
    )
    parser.add_argument("--store", metavar="MAP", help="map met gesprekken (anders: zie README)")
    parser.add_argument("--veld", metavar="BESTAND", help="eigen arrangeerveld (veld.toml)")
    parser.add_argument(
        "--decks", metavar="MAP", action="append",
        help="eigen map met kaarten (mag vaker; gaat voor de meegeleverde kaarten)",
    )
    parser.add_argument(
        "--bewaartermijn", metavar="MAANDEN",
        help="bewaartermijn na de evaluatiedatum (standaard 24 maanden)",
    )
    parser.add_argument(
        "--version", action="version", version=f"arrangeren {__version__}", help="toon de versie"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDO", parser_class=DutchParser)

    for name, text, options in COMMAND_LINE:
        sub = commands.add_parser(name, help=text)
        if options is not None and (wanted is None or name in wanted):
            options(sub)
    if wanted is None or "plan" in wanted:
        planning_args.add_parser(commands)
    else:
        commands.add_parser("plan", help=planning_args.HELP)
    return parser


def _new_options(new: DutchParser) -> None:
    new.add_argument("--leerling", metavar="NAAM",
                     help="naam of initialen; '-' leest de naam uit standaardinvoer, en zonder "
                          "deze optie vraagt het programma erom (dan komt de naam niet in je "
                          "shell-geschiedenis of in de lijst met processen)")
    new.add_argument("--school", default="", metavar="SCHOOL")
    new.add_argument("--groep", default="", metavar="GROEP")
    new.add_argument("--datum", type=date_arg, metavar="JJJJ-MM-DD", help="standaard: vandaag")
    new.add_argument("--gespreksleider", default="", metavar="NAAM")
    new.add_argument(
        "--duur", type=int, default=None, metavar="MIN", help="geplande duur (standaard: veld)"
    )
    new.add_argument("--gepland", action="store_true",
                     help="plan het gesprek: voorbereiden en uitnodigen, later houden")
    new.add_argument("--tijd", type=time_arg, default="", metavar="UU:MM", help="begintijd")
    new.add_argument("--plaats", default="", metavar="PLAATS")
    new.add_argument("--uitnodigen", default="", metavar="PARTIJEN",
                     help="externe partijen, met komma's (bv. swv,jgz)")
    new.add_argument("--json", action="store_true", help="uitvoer als JSON")


def _open_options(open_: DutchParser) -> None:
    open_.add_argument("id", metavar="CODE", help="gesprekscode (of een uniek begin ervan)")


def _list_options(list_: DutchParser) -> None:
    list_.add_argument("--leerling", metavar="TEKST", help="alleen leerlingen met deze tekst")
    list_.add_argument("--school", metavar="TEKST", help="alleen scholen met deze tekst")
    list_.add_argument("--sinds", type=date_arg, metavar="JJJJ-MM-DD",
                       help="alleen gesprekken op of na deze datum")
    list_.add_argument("--json", action="store_true", help="uitvoer als JSON")


def _delete_options(delete: DutchParser) -> None:
    delete.add_argument("id", metavar="CODE", help="gesprekscode (of een uniek begin ervan)")
    delete.add_argument("--ja", action="store_true", help="niet vragen (voor scripts)")


def _takeover_options(takeover: DutchParser) -> None:
    takeover.add_argument("id", metavar="CODE", help="gesprekscode (of een uniek begin ervan)")
    takeover.add_argument("--ja", action="store_true", help="niet vragen (voor scripts)")


def _restore_options(restore: DutchParser) -> None:
    restore.add_argument("id", metavar="CODE", help="gesprekscode")


def _export_options(export: DutchParser) -> None:
    from arrangeren_tui.core.export.formats import FORMATS

    export.add_argument("id", metavar="CODE", help="gesprekscode (of een uniek begin ervan)")
    export.add_argument("--format", choices=list(FORMATS), default="md",
                        help="md: Markdown (standaard), html: om af te drukken, pdf: PDF/A "
                             "voor het leerlingdossier (met de foto), svg: foto van het veld, "
                             "json: gegevensbestand (docs/arrangeergesprek.schema.json)")
    export.add_argument("-o", "--output", metavar="PAD", help="bestand (anders: het scherm)")
    export.add_argument("--pseudoniem", action="store_true",
                        help="leerling als initialen, ieder ander als zijn rol; kop zonder "
                             "school, plaats en precieze datum")
    found = export.add_mutually_exclusive_group()
    found.add_argument("--vervang-gevonden", action="store_true",
                       help="met --pseudoniem: vervang ook alle namen die de tweede controle "
                            "vindt en die in geen namenlijst staan")
    found.add_argument("--laat-staan", action="store_true",
                       help="met --pseudoniem: laat die namen staan (zonder te vragen)")
    export.add_argument("--volledige-kop", action="store_true",
                        help="met --pseudoniem: school, plaats en datum toch in de kop")


def _invitation_options(invite: DutchParser) -> None:
    invite.add_argument("id", metavar="CODE", help="gesprekscode (of een uniek begin ervan)")
    invite.add_argument("--rol", required=True, metavar="ROL",
                        help="leraar, ouders of een externe partij (bv. swv)")
    invite.add_argument("--formaat", choices=["md", "tekst", "ics"], default="md",
                        help="md: Markdown (standaard), tekst: om in een mail te plakken, "
                             "ics: agenda-afspraak")
    invite.add_argument("-o", "--output", metavar="PAD", help="bestand of map (anders: scherm)")
    invite.add_argument("--met-naam", action="store_true",
                        help="naam van de leerling in de agenda-afspraak (standaard: initialen)")


def _decks_options(decks: DutchParser) -> None:
    deck_commands = decks.add_subparsers(dest="deck_command", metavar="COMMANDO",
                                         parser_class=DutchParser, required=True)
    check = deck_commands.add_parser(
        "check", help="controleer kaartbestanden en toon elk probleem als bestand:regel"
    )
    check.add_argument("paths", nargs="*", metavar="PAD",
                       help="bestanden of mappen (standaard: alle kaartmappen)")


def _retention_options(retention: DutchParser) -> None:
    retention.add_argument("--json", action="store_true", help="uitvoer als JSON")


# Every command but ``plan`` (cli.planning_args): its name, its help, what adds its options.
COMMAND_LINE: list[tuple[str, str, Callable[[DutchParser], None] | None]] = [
    ("new", "maak een nieuw gesprek en toon de code", _new_options),
    ("open", "open een gesprek direct op het arrangeerveld", _open_options),
    ("list", "toon alle gesprekken, nieuwste eerst", _list_options),
    ("delete", "verwijder een gesprek helemaal", _delete_options),
    ("overnemen", "beëindig een vastgelopen venster dat een gesprek open houdt (het slaat "
     "eerst op)", _takeover_options),
    ("herstel", "zet de vorige versie terug van een beschadigd gesprek", _restore_options),
    ("export", "schrijf het verslag van een gesprek", _export_options),
    ("uitnodiging", "schrijf de uitnodiging voor één rol", _invitation_options),
    ("decks", "werk met de kaartenstapels", _decks_options),
    ("bewaartermijn", "toon gesprekken die over de bewaartermijn zijn", _retention_options),
    ("versleutel", "versleutel de opslag met een wachtwoord (of maak een versleuteling af die "
     "werd onderbroken); een nieuwe, lege opslag wordt zo meteen versleuteld", None),
    ("wachtwoord", "verander het wachtwoord van een versleutelde opslag", None),
]


def _load_veld(args: argparse.Namespace) -> Veld:
    path = resolve_veld_path(args.veld)
    try:
        return load_veld(path)
    except VeldError as error:
        fail(f"het arrangeerveld kan niet geladen worden: {error}")


def _store(args: argparse.Namespace, *, unlock: bool = True) -> SessionStore:
    """The store; an encrypted one unlocked (the passphrase asked once, hidden)."""
    store = SessionStore(resolve_store_dir(args.store))
    if unlock and is_encrypted(store.root):
        from arrangeren_tui.cli.encryption import unlock_store  # loads pyrage

        unlock_store(store)
    return store


def _pupil_name(given: str | None) -> str:
    """The pupil's name: from ``--leerling``, from standard input (``-``), or asked for.

    Asking keeps the name out of the shell history and out of ``ps``; so does ``-``.
    """
    if given == "-":
        return sys.stdin.readline().strip()
    if given is not None:
        return given
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        fail("verplicht maar ontbreekt: --leerling (of '--leerling -' om de naam uit "
             "standaardinvoer te lezen)", EXIT_USAGE)
    sys.stderr.write("Naam of initialen van de leerling: ")
    sys.stderr.flush()
    try:
        return sys.stdin.readline().strip()
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        raise


def _listed_store(args: argparse.Namespace) -> SessionStore:
    """The store of a command that shows a list: a store folder named with ``--store`` or
    ARRANGEREN_STORE must exist, so a mistyped path never reads as "no sessions"; only the
    default folder may be missing (nothing saved yet). A file in its place is an error."""
    store = _store(args)
    root = store.root
    if root.exists() and not root.is_dir():
        fail(f"{root} is een bestand, geen map met gesprekken; controleer --store")
    if not root.exists() and (args.store or os.environ.get(STORE_ENV)):
        named = "--store" if args.store else f"de omgevingsvariabele {STORE_ENV}"
        fail(f"de map {root} bestaat niet; controleer {named}")
    return store


def cmd_new(args: argparse.Namespace) -> int:
    args.leerling = _pupil_name(args.leerling)
    try:
        fields.check_pupil(args.leerling)  # before the veld: a usage error comes first
    except fields.FieldError as error:
        _new_usage_error(error)
    if args.tijd and not args.gepland:
        # A session made without --gepland begins now; a start time would be dropped.
        fail("--tijd hoort bij een gepland gesprek: voeg --gepland toe (zonder --gepland "
             "begint het gesprek nu)", EXIT_USAGE)
    veld = _load_veld(args)
    checked, problems = fields.validate_session(
        args.leerling, args.datum or dt.date.today().isoformat(), args.tijd,
        args.duur if args.duur is not None else veld.total_minutes,
    )
    if checked is None:
        if args.duur is None and next(iter(problems)) == fields.MINUTES:
            # The length came from the veld, not from the command line: say so.
            fail(f"het arrangeerveld ({resolve_veld_path(args.veld)}) duurt {veld.total_minutes} "
                 f"minuten; geef de duur met --duur ({fields.MIN_MINUTES} tot "
                 f"{fields.MAX_MINUTES} minuten)", EXIT_USAGE)
        _new_usage_error(next(iter(problems.values())))
    meta = SessionMeta(
        pupil=checked.pupil,
        date=checked.date,
        school=args.school.strip(),
        group=args.groep.strip(),
        facilitator=args.gespreksleider.strip(),
        planned_minutes=checked.minutes,
        time=checked.time,
        place=args.plaats.strip(),
        invited=_invited(args.uitnodigen, veld),
    )
    session = _store(args).create(meta, veld, time.time(), planned=args.gepland)
    if args.json:
        print(json.dumps({"id": session.id, "leerling": meta.pupil, "datum": meta.date,
                          "status": session.status}))
    else:
        print(session.id)
    return 0


def _new_usage_error(error: fields.FieldError) -> NoReturn:
    """One Dutch line for a field of ``new`` that core.fields refuses, and exit 2."""
    option = {fields.PUPIL: "--leerling", fields.DATE: "--datum", fields.TIME: "--tijd",
              fields.MINUTES: "--duur"}.get(error.field, "")
    if (error.field, error.reason) == (fields.PUPIL, fields.MISSING):
        fail("--leerling mag niet leeg zijn", EXIT_USAGE)
    if (error.field, error.reason) == (fields.PUPIL, fields.TOO_LONG):
        fail(f"--leerling mag hoogstens {fields.MAX_PUPIL_LENGTH} tekens lang zijn", EXIT_USAGE)
    if (error.field, error.reason) == (fields.MINUTES, fields.RANGE):
        fail(f"--duur moet tussen {fields.MIN_MINUTES} en {fields.MAX_MINUTES} minuten liggen",
             EXIT_USAGE)
    fail(f"{option}: {error}", EXIT_USAGE)


def _invited(text: str, veld: Veld) -> tuple[str, ...]:
    from arrangeren_tui.core.model import HOME_PARTIES

    external = [p.key for p in veld.parties if p.key not in HOME_PARTIES]
    chosen: list[str] = []
    for word in (w.strip() for w in text.split(",")):
        if not word:
            continue
        matches = [p.key for p in veld.match_party(word) if p.key in external]
        if len(matches) != 1:
            fail(f"--uitnodigen: '{word}' is geen externe partij (kies uit: "
                 f"{', '.join(external)})", EXIT_USAGE)
        chosen.append(matches[0])
    return tuple(dict.fromkeys(chosen))


def _write_export(store: SessionStore, session_id: str, output: Path, name: str,
                  data: bytes) -> Path:
    """Write an export of a session and note it, so that deleting the session removes it."""
    from arrangeren_tui.core.storage.exportlog import record_export

    target = write_file_or_into(output, name, data)
    try:
        record_export(store.root, session_id, target, data)
    except (OSError, TimeoutError) as error:
        sys.stderr.write(f"arrangeren: let op: {target} staat niet in de lijst die bij het "
                         f"verwijderen van het gesprek wordt opgeruimd ({error}); "
                         "verwijder het dan zelf\n")
    return target


def cmd_invitation(args: argparse.Namespace) -> int:
    from arrangeren_tui.core.export.ics import CalendarError, calendar_bytes
    from arrangeren_tui.core.export.invitations import (
        InvitationError,
        invitation_event,
        invitation_filename,
        render_invitation,
    )

    store = _store(args)
    session = store.load(store.resolve_id(args.id))
    dirs = resolve_template_dirs(args.decks)
    try:
        if args.formaat == "ics":
            event = invitation_event(session, args.rol, dirs, with_names=args.met_naam)
            data = calendar_bytes([event], name="Arrangeergesprek",
                                  stamp=dt.datetime.now(dt.timezone.utc))
        else:
            invitation = render_invitation(session, args.rol, dirs)
            text = invitation.markdown if args.formaat == "md" else invitation.text
            data = text.encode("utf-8")
    except (InvitationError, CalendarError) as error:
        fail(str(error))
    if not args.output:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    target = _write_export(store, session.id, Path(args.output),
                           invitation_filename(session.id, args.rol, args.formaat), data)
    print(f"Uitnodiging geschreven: {target}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    summaries, problems = _listed_store(args).list()
    for problem in problems:
        sys.stderr.write(f"arrangeren: let op: {problem}\n")
    if args.leerling:
        summaries = [s for s in summaries if args.leerling.casefold() in s.pupil.casefold()]
    if args.school:
        summaries = [s for s in summaries if args.school.casefold() in s.school.casefold()]
    if args.sinds:
        summaries = [s for s in summaries if s.date >= args.sinds]
    if args.json:
        rows = [
            {
                "id": s.id,
                "leerling": s.pupil,
                "datum": s.date,
                "school": s.school,
                "groep": s.group,
                "status": s.status,
                "evaluatiedatum": s.evaluation,
                "beschadigd": s.damaged,
            }
            for s in summaries
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not summaries:
        print("Nog geen gesprekken.")
        return 0
    for s in summaries:
        # Names as stand-ins for control characters, and cut: a line per session.
        school, group = one_line(s.school, LIST_WIDTH), one_line(s.group, LIST_WIDTH)
        extra = " · ".join(x for x in (school, f"groep {group}" if group else "") if x)
        status = "BESCHADIGD" if s.damaged else s.status
        line = (f"{s.id}  {s.date}  {status:<8}  {one_line(s.pupil, fields.MAX_PUPIL_LENGTH)}"
                + (f"  ({extra})" if extra else ""))
        if s.damaged:
            line += f"  ⚠ {one_line(s.damaged, 200)}; herstel: arrangeren herstel {s.id}"
        print(line)
    return 0


def _retention_months(args: argparse.Namespace) -> int:
    try:
        return resolve_months(args.bewaartermijn, settings=user_config_dir() / SETTINGS_FILENAME)
    except RetentionError as error:
        fail(str(error), EXIT_USAGE)


def _resolve_any(store: SessionStore, text: str) -> str:
    """A session id, also for a session of which only files other than its data are left."""
    try:
        return store.resolve_id(text)
    except StoreError:
        try:
            if store.files_of(text):
                return text
        except StoreError:
            pass
        raise


def cmd_delete(args: argparse.Namespace) -> int:
    store = _store(args)
    session_id = _resolve_any(store, args.id)
    if not args.ja:
        try:
            summary = next((s for s in store.list()[0] if s.id == session_id), None)
        except StoreError:
            summary = None
        what = (f"{one_line(summary.pupil, fields.MAX_PUPIL_LENGTH)}, {summary.date}"
                if summary else "onleesbaar of onvolledig")
        if not sys.stdin.isatty():
            fail(f"verwijderen vraagt om bevestiging; gebruik --ja om {session_id} "
                 "zonder vragen te verwijderen", EXIT_USAGE)
        sys.stderr.write(
            f"Gesprek {session_id} ({what}) definitief verwijderen, met vorige versies? "
            "Typ 'ja': "
        )
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() != "ja":
            sys.stderr.write("Niets verwijderd.\n")
            return EXIT_ERROR
    from arrangeren_tui.core.removal import delete_session

    removed = delete_session(store, session_id)
    print(f"Gesprek {session_id} verwijderd {removed.summary()}.")
    return 0


def cmd_take_over(args: argparse.Namespace) -> int:
    """End the window of this user that holds a session, so it can be opened here."""
    from arrangeren_tui.core.storage.takeover import take_over, why_not

    store = _store(args, unlock=False)  # only locks and a process: no data, no passphrase
    session_id = _resolve_any(store, args.id)
    lock = store.lock(session_id)
    if not store.in_use(session_id):
        print(f"Gesprek {session_id} is nergens open; je kunt het gewoon openen.")
        return 0
    holder = lock.holder()
    reason = why_not(holder)
    if reason:
        fail(f"gesprek {session_id} kan hier niet overgenomen worden: {reason}")
    if not args.ja:
        if not sys.stdin.isatty():
            fail(f"overnemen vraagt om bevestiging; gebruik --ja om {session_id} "
                 "zonder vragen over te nemen", EXIT_USAGE)
        sys.stderr.write(
            f"Gesprek {session_id} is open in {holder.describe()}. Dat venster beëindigen? "
            "Het slaat eerst op wat het heeft. Typ 'ja': "
        )
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() != "ja":
            sys.stderr.write("Niets gedaan.\n")
            return EXIT_ERROR
    result = take_over(lock)
    if not result.taken:
        fail(f"gesprek {session_id}: {result.how}")
    print(f"Gesprek {session_id} is vrij: {result.how}. Open het met: arrangeren open {session_id}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    store = _store(args)
    session_id = _resolve_any(store, args.id)
    if store.path_for(session_id).exists():
        try:
            store.load(session_id)
        except DamagedSessionError as error:
            moved = store.set_aside(session_id)
            sys.stderr.write(f"arrangeren: {error}; apart gezet als {moved.name}\n")
        else:
            print(f"Gesprek {session_id} is niet beschadigd; er is niets veranderd.")
            return 0
    info = store.backup_info(session_id)
    if info is None:
        fail(f"gesprek {session_id} heeft geen leesbare vorige versie")
    store.restore_backup(session_id)
    print(f"Gesprek {session_id} teruggezet: {info.describe()}.")
    return 0


def _second_pass(session: Session, args: argparse.Namespace, now: float) -> tuple[Person, ...]:
    """Names the register missed (deduce): shown, then replaced or left as the user says."""
    from arrangeren_tui.core.export.formats import unreplaced_names
    from arrangeren_tui.core.export.namecheck import NameCheckError, describe

    try:
        findings = unreplaced_names(session, now=now)
    except NameCheckError as error:
        sys.stderr.write(f"arrangeren: let op, alleen de namenlijst is gebruikt: {error}\n")
        return ()
    if not findings:
        return ()
    sys.stderr.write(f"Mogelijk nog namen: {describe(findings)}\n")
    replace = args.vervang_gevonden
    if not (replace or args.laat_staan):
        if not sys.stdin.isatty():
            fail("kies --vervang-gevonden of --laat-staan; er is niets geschreven", EXIT_USAGE)
        sys.stderr.write("Vervangen (v) of laten staan (l)? ")
        sys.stderr.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("v", "l"):
            fail("niets geschreven")
        replace = answer == "v"
    return tuple(f.person() for f in findings) if replace else ()


def cmd_export(args: argparse.Namespace) -> int:
    from arrangeren_tui.core.export.formats import BINARY, export_filename, render_export

    if not args.pseudoniem and (args.vervang_gevonden or args.laat_staan or args.volledige_kop):
        fail("--vervang-gevonden, --laat-staan en --volledige-kop gaan alleen met --pseudoniem",
             EXIT_USAGE)
    store = _store(args)
    session = store.load(store.resolve_id(args.id))
    if not args.output and args.format in BINARY and sys.stdout.isatty():
        fail(f"--format {args.format} is geen tekst voor het scherm: geef -o PAD", EXIT_USAGE)
    now = time.time()
    extra = _second_pass(session, args, now) if args.pseudoniem else ()
    data = render_export(session, args.format, now=now, pseudonymise=args.pseudoniem,
                         extra=extra, full_header=args.volledige_kop)
    if not args.output:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    name = export_filename(session.id, args.format, pseudonymise=args.pseudoniem)
    target = _write_export(store, session.id, Path(args.output), name, data)
    print(f"Verslag geschreven: {target}")
    return 0


def cmd_decks(args: argparse.Namespace) -> int:
    veld = _load_veld(args)
    if args.paths:
        from arrangeren_tui.core.decks.load import check_paths

        problems: list[object] = list(check_paths([Path(p).expanduser() for p in args.paths],
                                                  veld))
        checked = ", ".join(args.paths)
        count = None
    else:
        dirs = resolve_deck_dirs(args.decks)
        from arrangeren_tui.core.decks.load import load_decks

        deck, deck_problems = load_decks(dirs, veld)
        problems = list(deck_problems)
        checked = ", ".join(str(d) for d in dirs)
        count = len(deck)
    if not args.paths:
        from arrangeren_tui.core.export.invitations import check_templates

        problems = [*problems, *check_templates(resolve_template_dirs(args.decks))]
    for problem in problems:
        print(problem)
    if problems:
        count = len(problems)
        sys.stderr.write(f"arrangeren: {count} {'probleem' if count == 1 else 'problemen'} "
                         "gevonden\n")
        return EXIT_ERROR
    loaded = f" ({count} kaarten)" if count is not None else ""
    print(f"Geen problemen in {checked}{loaded}.")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    months = _retention_months(args)
    summaries, problems = _listed_store(args).list()
    for problem in problems:
        sys.stderr.write(f"arrangeren: let op: {problem}\n")
    items = expired(summaries, dt.date.today(), months)
    if args.json:
        print(json.dumps(
            [
                {"id": e.summary.id, "leerling": e.summary.pupil, "datum": e.summary.date,
                 "evaluatiedatum": e.summary.evaluation, "verlopen_sinds": e.since.isoformat(),
                 "vanaf": e.basis}
                for e in items
            ],
            ensure_ascii=False, indent=1,
        ))
        return 0
    if not items:
        print(f"Geen gesprekken over de bewaartermijn ({months} maanden).")
        return 0
    print(f"Over de bewaartermijn ({months} maanden na de evaluatie); niets is gewist:")
    for e in items:
        print(f"{e.summary.id}  {e.summary.date}  verlopen sinds {e.since}  "
              f"{one_line(e.summary.pupil, fields.MAX_PUPIL_LENGTH)}")
    return 0


def run_app(args: argparse.Namespace, session_id: str | None) -> int:
    # No garbage collection until the first screen is drawn (the app turns it back on):
    # its passes over Textual's many new objects cost ~50 ms of a ~0.4 s start.
    gc.disable()
    try:
        return _run_app(args, session_id)
    finally:
        gc.enable()


def _require_terminal() -> None:
    """The screens need a terminal on stdin, stdout and stderr; refuse in one line otherwise.

    Without one the board would be drawn, note text and all, into whatever captures
    the output, and an input at its end (``</dev/null``, a closed pipe) cannot type.
    """
    redirected = [name for fd, name in ((0, "invoer"), (1, "uitvoer"), (2, "foutmeldingen"))
                  if not os.isatty(fd)]
    if redirected:
        which = " en ".join([", ".join(redirected[:-1]), redirected[-1]] if redirected[:-1]
                            else redirected)
        fail(f"geen terminal ({which} omgeleid): het scherm werkt alleen "
             "in een terminal; tekst krijg je met 'arrangeren export CODE'", EXIT_USAGE)


def _run_app(args: argparse.Namespace, session_id: str | None) -> int:
    veld = _load_veld(args)
    months = _retention_months(args)
    store = _store(args, unlock=False)  # the screen asks the passphrase of an encrypted store
    if store.locked and os.environ.get(PASSPHRASE_FD_ENV):
        from arrangeren_tui.cli.encryption import unlock_store

        unlock_store(store)
    store.ensure()
    if session_id is not None:
        session_id = store.resolve_id(session_id)
    loaded: tuple[Session, FileSignature] | None = None
    if session_id is not None and not store.locked:  # a locked one: the App checks it
        try:
            # Fail here, in plain text, before the screen takes over; the App takes this
            # copy if the file is still the same once it holds the session's lock.
            signature = store.file_signature(session_id)
            session = store.load(session_id)
            if signature is not None:
                loaded = session, signature
        except DamagedSessionError as error:
            hint = (f"zet de vorige versie terug met: arrangeren herstel {session_id}"
                    if store.backup_info(session_id) else "er is geen vorige versie")
            fail(f"{error}; {hint}")
    _require_terminal()
    from arrangeren_tui.ui.app import ArrangerenApp

    app = ArrangerenApp(store=store, veld=veld, open_session=session_id, loaded=loaded,
                        retention_months=months, deck_dirs=resolve_deck_dirs(args.decks),
                        template_dirs=resolve_template_dirs(args.decks),
                        deck_cache=deck_cache_path(), css_cache=css_cache_path())
    return app.run_guarded()


COMMANDS = {
    "new": cmd_new,
    "list": cmd_list,
    "delete": cmd_delete,
    "herstel": cmd_restore,
    "overnemen": cmd_take_over,
    "bewaartermijn": cmd_retention,
    "decks": cmd_decks,
    "export": cmd_export,
    "uitnodiging": cmd_invitation,
}


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    args = build_parser(argv).parse_args(argv)
    if args.command == "plan" or args.command in COMMANDS:
        gc.enable()  # off while the modules loaded (``arrangeren_tui.__main__.run``)
    try:
        if args.command == "plan":
            from arrangeren_tui.cli import planning  # the planning core loads only now

            listing = getattr(args, "plan_command", None) is None
            return planning.run(args, _listed_store(args) if listing else _store(args))
        if args.command in ("versleutel", "wachtwoord"):
            from arrangeren_tui.cli import encryption

            command = (encryption.cmd_encrypt if args.command == "versleutel"
                       else encryption.cmd_passphrase)
            return command(args, _store(args, unlock=False))
        if args.command in COMMANDS:
            return COMMANDS[args.command](args)
        return run_app(args, args.id if args.command == "open" else None)
    except StoreError as error:
        fail(str(error))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except OSError as error:
        fail(os_problem(error))
    except Exception as error:  # noqa: BLE001 - never a traceback with data on the terminal
        log = write_crash_log(resolve_store_dir(args.store), error, context=str(args.command))
        where = f"; details (zonder notities) in {log}" if log else ""
        fail(f"onverwachte fout ({type(error).__name__}){where}", EXIT_CRASH)
