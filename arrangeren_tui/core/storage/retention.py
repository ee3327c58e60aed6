"""The bewaartermijn: how long a session may be kept, and which ones are past it.

The term runs from the evaluation date (or, without one, the meeting date);
the default is two years. The program only lists sessions past their term for
review; deleting stays a human decision.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from arrangeren_tui.core.errors import os_reason, toml_line, toml_reason
from arrangeren_tui.core.storage.store import SessionSummary

DEFAULT_MONTHS = 24
MAX_MONTHS = 1200  # a hundred years: more is a typing error (and overflows the calendar)
RETENTION_ENV = "ARRANGEREN_BEWAARTERMIJN"
SETTINGS_FILENAME = "instellingen.toml"
SETTINGS_KEY = "bewaartermijn_maanden"


class RetentionError(ValueError):
    """A bad retention setting, worded in Dutch."""


def _months(value: object, where: str) -> int:
    try:
        months = int(str(value).strip())
    except ValueError:
        raise RetentionError(
            f"{where}: de bewaartermijn moet een heel aantal maanden zijn, niet {value!r}"
        ) from None
    if months < 1:
        raise RetentionError(f"{where}: de bewaartermijn moet minstens 1 maand zijn")
    if months > MAX_MONTHS:
        raise RetentionError(
            f"{where}: de bewaartermijn is hoogstens {MAX_MONTHS} maanden ({MAX_MONTHS // 12} jaar)"
        )
    return months


def resolve_months(
    cli_value: str | None,
    env: Mapping[str, str] | None = None,
    settings: Path | None = None,
) -> int:
    """First that applies: ``--bewaartermijn``, ``$ARRANGEREN_BEWAARTERMIJN``, the settings file."""
    environ: Mapping[str, str] = os.environ if env is None else env
    if cli_value is not None:
        return _months(cli_value, "--bewaartermijn")
    if environ.get(RETENTION_ENV):
        return _months(environ[RETENTION_ENV], RETENTION_ENV)
    if settings is not None and settings.is_file():
        try:
            data = tomllib.loads(settings.read_text("utf-8"))
        except OSError as error:
            raise RetentionError(
                f"{settings}: kan de instellingen niet lezen ({os_reason(error)})") from None
        except UnicodeDecodeError:
            raise RetentionError(f"{settings}: kan de instellingen niet lezen (geen geldige "
                                 "UTF-8-tekst)") from None
        except tomllib.TOMLDecodeError as error:
            line = toml_line(str(error))
            where = f"{settings}:{line}" if line else str(settings)
            raise RetentionError(
                f"{where}: kan de instellingen niet lezen ({toml_reason(str(error))})") from None
        if SETTINGS_KEY in data:
            return _months(data[SETTINGS_KEY], f"{settings}: {SETTINGS_KEY}")
    return DEFAULT_MONTHS


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day if it has fewer days)."""
    import calendar  # only here: it loads locale, which a board opened at start does not need

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Expired:
    """A session past its bewaartermijn (slotted: the home screen may hold thousands)."""

    summary: SessionSummary
    since: dt.date
    basis: str  # "evaluatiedatum" or "gespreksdatum"


def retention_end(summary: SessionSummary, months: int) -> tuple[dt.date, str] | None:
    """When the term ends and from which date it ran; None without a usable date."""
    for value, basis in ((summary.evaluation, "evaluatiedatum"), (summary.date, "gespreksdatum")):
        end = _term_end(value, months)
        if end is not None:
            return end, basis
    return None


@functools.lru_cache(maxsize=8192)
def _term_end(value: str, months: int) -> dt.date | None:
    """``months`` after the ISO date ``value``; None if it is not one. Cached: 10,000
    sessions share a few thousand dates, and the home screen asks at every reload."""
    if not value:
        return None
    try:
        return add_months(dt.date.fromisoformat(value), months)
    except ValueError:
        return None


def expired(summaries: list[SessionSummary], today: dt.date, months: int) -> list[Expired]:
    """Sessions whose term ended before ``today``, longest overdue first."""
    result = []
    for summary in summaries:
        end = retention_end(summary, months)
        if end is not None and end[0] < today:
            result.append(Expired(summary, end[0], end[1]))
    return sorted(result, key=lambda e: e.since)
