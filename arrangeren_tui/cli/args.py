"""What every sub-command shares: a parser that speaks Dutch, one-line failures,
and the argument types built on the core's one date and one time parser."""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

from arrangeren_tui.core.fields import FieldError, iso_date, parse_time
from arrangeren_tui.exitcodes import EXIT_ERROR, EXIT_USAGE

# argparse asks gettext for its own translation of every phrase it uses, and gettext
# searches the locale folders anew each time (no translation is found: Python ships none):
# ~40 searches, 4 ms or more of every start. This parser puts its own Dutch in place of
# argparse's English, and the patterns below match that English, so argparse keeps it.
setattr(argparse, "_", str)  # noqa: B010 - argparse's module-level gettext alias

# Patterns, not compiled: ``re`` compiles (and keeps) them on a parse error only, instead of
# at every start (~1 ms).
_ARGPARSE_DUTCH = [
    (r"the following arguments are required: (.*)", r"verplicht maar ontbreekt: \1"),
    (r"unrecognized arguments: (.*)", r"onbekend: \1"),
    (r"argument (\S+): expected one argument", r"bij \1 hoort een waarde"),
    (  # a bad value of an option (--format pdf): not a command
        r"argument (-\S+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)",
        r"ongeldige waarde voor \1: '\2' (kies uit: \3)",
    ),
    (
        r"argument (\S+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)",
        r"onbekend commando '\2' (kies uit: \3)",
    ),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"ongeldige waarde voor \1: \3"),
    (r"argument (\S+): (.*)", r"\1: \2"),
]


class DutchFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups,
                          prefix="gebruik: " if prefix is None else prefix)


class DutchParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Dutch and fails with one line."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", DutchFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "commando's"
        self._optionals.title = "opties"
        self.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")

    def error(self, message: str) -> NoReturn:
        for pattern, dutch in _ARGPARSE_DUTCH:
            if re.search(pattern, message):
                message = re.sub(pattern, dutch, message)
                if "(kies uit: " in message:  # Python 3.11 quotes every choice
                    head, _, choices = message.partition("(kies uit: ")
                    message = head + "(kies uit: " + choices.replace("'", "")
                break
        fail(f"{message} (zie 'arrangeren --help')", EXIT_USAGE)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    sys.stderr.write(f"arrangeren: {message}\n")
    raise SystemExit(code)


def time_arg(text: str) -> str:
    """``--tijd`` as 'HH:MM' (``core.fields.parse_time``); '' stays ''."""
    if not text:
        return ""  # argparse passes a string default through the type too
    try:
        return parse_time(text)
    except FieldError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def date_arg(text: str) -> str:
    """A date option as 'JJJJ-MM-DD' (``core.fields.iso_date``)."""
    try:
        return iso_date(text)
    except FieldError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
