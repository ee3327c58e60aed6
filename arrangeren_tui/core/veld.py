"""The veld definition: the dialogue steps and the parties, loaded from TOML.

The file is data a samenwerkingsverband edits by hand, so every problem is
reported as ``file:line: problem`` in Dutch, and a broken file never yields a
half-loaded veld.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from arrangeren_tui.core.errors import os_reason, toml_line, toml_reason
from arrangeren_tui.core.fields import MAX_MINUTES

_STEP_FIELDS: dict[str, type] = {
    "sleutel": str, "naam": str, "kort": str, "vraag": str, "minuten": int,
}
_STEP_OPTIONAL: dict[str, type] = {"rol": str}
_PARTY_FIELDS: dict[str, type] = {"sleutel": str, "label": str}
_TOP_FIELDS = {"naam", "stap", "partij"}
_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
# Three rows of three party panes still show their notes at 80x24; more do not.
MAX_PARTIES = 9

# The roles a step can play. Each name is also the step key a veld without any
# ``rol`` falls back to, so veld files from before roles keep working.
ROLE_ARRANGE = "arrangeren"  # cards are laid here; the completeness check starts here
ROLE_AGREE = "afspraken"  # the afspraken table replaces the party panes
ROLE_PUZZLE = "puzzel"  # the short voorbereiding shows the teacher's puzzel
ROLE_PICTURE = "beeld"  # the short voorbereiding shows the domains and documents
ROLES = (ROLE_ARRANGE, ROLE_AGREE, ROLE_PUZZLE, ROLE_PICTURE)
REQUIRED_ROLES = (ROLE_ARRANGE, ROLE_AGREE)  # only once a veld names roles itself
PREP_ROLES = (ROLE_PUZZLE, ROLE_PICTURE)


@dataclass(frozen=True)
class Step:
    """One dialogue step of the arrangeerveld."""

    key: str
    name: str
    short: str
    prompt: str
    minutes: int
    role: str = ""  # one of ROLES, or "" for a step without a role


@dataclass(frozen=True)
class Party:
    """One party at the table."""

    key: str
    label: str


@dataclass(frozen=True)
class Veld:
    """The arrangeerveld: ordered steps and parties."""

    name: str
    steps: tuple[Step, ...]
    parties: tuple[Party, ...]

    @property
    def total_minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def role_step(self, role: str) -> str | None:
        """The key of the step that plays ``role``, or None if no step does."""
        for step in self.steps:
            if step.role == role:
                return step.key
        return None

    @property
    def arrange_step(self) -> str | None:
        """Where the arrangement is built; from here on the completeness check shows."""
        return self.role_step(ROLE_ARRANGE)

    @property
    def agree_step(self) -> str | None:
        """The step whose board is the afspraken table."""
        return self.role_step(ROLE_AGREE)

    @property
    def puzzle_step(self) -> str | None:
        """The voorbereiding step that shows the teacher's puzzel."""
        return self.role_step(ROLE_PUZZLE)

    @property
    def prep_steps(self) -> tuple[str, ...]:
        """The steps that show the short voorbereiding, in veld order."""
        return tuple(step.key for step in self.steps if step.role in PREP_ROLES)

    def party(self, key: str) -> Party:
        for party in self.parties:
            if party.key == key:
                return party
        raise KeyError(key)

    def step_index(self, key: str) -> int:
        return [s.key for s in self.steps].index(key)

    def party_index(self, key: str) -> int:
        return [p.key for p in self.parties].index(key)

    def match_party(self, prefix: str) -> list[Party]:
        """Parties whose key or label starts with ``prefix`` (case-insensitive).

        An exact match wins over prefix matches, so ``@jgz`` is never ambiguous.
        """
        wanted = prefix.casefold()
        exact = [p for p in self.parties if wanted in (p.key.casefold(), p.label.casefold())]
        if exact:
            return exact
        return [
            p
            for p in self.parties
            if p.key.casefold().startswith(wanted) or p.label.casefold().startswith(wanted)
        ]

    def to_record(self) -> dict[str, Any]:
        steps: list[dict[str, Any]] = []
        for s in self.steps:
            step: dict[str, Any] = {
                "key": s.key,
                "name": s.name,
                "short": s.short,
                "prompt": s.prompt,
                "minutes": s.minutes,
            }
            if s.role:
                step["role"] = s.role
            steps.append(step)
        return {
            "name": self.name,
            "steps": steps,
            "parties": [{"key": p.key, "label": p.label} for p in self.parties],
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Veld:
        """Rebuild a stored veld; one saved before roles gets them by step key.

        Lenient on purpose: a session must stay readable, so a missing role
        only means that step's board is not shown (as before roles existed).
        """
        steps = tuple(
            Step(
                key=str(s["key"]),
                name=str(s["name"]),
                short=str(s["short"]),
                prompt=str(s["prompt"]),
                minutes=int(s["minutes"]),
                role=str(s.get("role", "")),
            )
            for s in record["steps"]
        )
        return cls(
            name=str(record["name"]),
            steps=default_roles(steps),
            parties=tuple(
                Party(key=str(p["key"]), label=str(p["label"])) for p in record["parties"]
            ),
        )


def default_roles(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """Steps of a veld that names no role at all get each role by key (``arrangeren``...).

    A veld that names any role is taken as it is: no step gets a role by its key.
    """
    if any(step.role for step in steps):
        return steps
    return tuple(replace(step, role=step.key) if step.key in ROLES else step for step in steps)


class VeldError(Exception):
    """A problem in a veld file, located by file and line."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


class _Lines:
    """Finds the line of the n-th ``[[table]]`` and of a key inside it."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def table(self, name: str, index: int) -> int | None:
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        seen = -1
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                seen += 1
                if seen == index:
                    return number
        return None

    def key(self, name: str, index: int, key: str) -> int | None:
        start = self.table(name, index)
        if start is None:
            return None
        key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if re.match(r"^\s*\[", line):
                break
            if key_re.match(line):
                return number
        return start

    def top_key(self, key: str) -> int | None:
        key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, line in enumerate(self.lines, start=1):
            if re.match(r"^\s*\[", line):
                return None
            if key_re.match(line):
                return number
        return None


def _check_fields(
    item: Any,
    fields: dict[str, type],
    table: str,
    index: int,
    lines: _Lines,
    path: Path,
    optional: dict[str, type] | None = None,
) -> None:
    label = {"stap": "stap", "partij": "partij"}[table]
    optional = optional or {}
    if not isinstance(item, dict):
        raise VeldError(path, lines.table(table, index), f"{label} {index + 1} is geen tabel")
    for key in item:
        if key not in fields and key not in optional:
            raise VeldError(
                path,
                lines.key(table, index, key),
                f"onbekend veld '{key}' bij {label} {index + 1} "
                f"(toegestaan: {', '.join([*fields, *optional])})",
            )
    for key, kind in [*fields.items(), *optional.items()]:
        if key not in item:
            if key in optional:
                continue
            raise VeldError(
                path, lines.table(table, index), f"{label} {index + 1} mist het veld '{key}'"
            )
        value = item[key]
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise VeldError(
                    path,
                    lines.key(table, index, key),
                    f"'{key}' moet een heel getal zijn (nu: {value!r})",
                )
            if value <= 0:
                raise VeldError(
                    path,
                    lines.key(table, index, key),
                    f"'{key}' moet groter dan 0 zijn (nu: {value})",
                )
        elif not isinstance(value, str) or not value.strip():
            raise VeldError(
                path, lines.key(table, index, key), f"'{key}' moet een niet-lege tekst zijn"
            )
    if not _KEY_RE.match(item["sleutel"]):
        raise VeldError(
            path,
            lines.key(table, index, "sleutel"),
            f"sleutel '{item['sleutel']}' mag alleen kleine letters, cijfers, - en _ bevatten",
        )


def _check_roles(steps: list[Any], lines: _Lines, path: Path) -> None:
    """Each role at most once and known; once any step names a role, the required ones too."""
    seen: dict[str, int] = {}
    for index, item in enumerate(steps):
        role = item.get("rol")
        if role is None:
            continue
        where = lines.key("stap", index, "rol")
        if role not in ROLES:
            raise VeldError(
                path,
                where,
                f"onbekende rol '{role}' bij stap {index + 1} (toegestaan: {', '.join(ROLES)})",
            )
        if role in seen:
            raise VeldError(
                path, where, f"rol '{role}' komt dubbel voor (ook bij stap {seen[role] + 1})"
            )
        seen[role] = index
    if not seen:
        return  # no roles at all: every role goes to the step with that key, if any
    first = min(seen.values())
    for role in REQUIRED_ROLES:
        if role not in seen:
            raise VeldError(
                path,
                lines.key("stap", first, "rol"),
                f"er staan rollen bij de stappen, maar geen stap heeft de rol '{role}' "
                f"(zet rol = \"{role}\" bij die stap)",
            )


def _check_size(tables: dict[str, list[Any]], lines: _Lines, path: Path) -> None:
    """A veld the board can show at 80x24, and no step or meeting longer than a session
    may last (core.fields.MAX_MINUTES)."""
    parties = tables["partij"]
    if len(parties) > MAX_PARTIES:
        raise VeldError(
            path, lines.table("partij", MAX_PARTIES),
            f"{len(parties)} partijen; hoogstens {MAX_PARTIES} passen op het veld "
            "(drie rijen van drie vakken in een venster van 80x24)",
        )
    steps = tables["stap"]
    for index, item in enumerate(steps):
        if item["minuten"] > MAX_MINUTES:
            raise VeldError(
                path, lines.key("stap", index, "minuten"),
                f"'minuten' van stap {index + 1} is {item['minuten']}; hoogstens {MAX_MINUTES}",
            )
    total = sum(item["minuten"] for item in steps)
    if total > MAX_MINUTES:
        raise VeldError(
            path, lines.key("stap", 0, "minuten"),
            f"de stappen duren samen {total} minuten; hoogstens {MAX_MINUTES}",
        )


def parse_veld(text: str, path: Path) -> Veld:
    """Parse and validate veld TOML text; raise ``VeldError`` on the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise VeldError(path, toml_line(str(error)), toml_reason(str(error))) from None
    lines = _Lines(text)
    for key in data:
        if key not in _TOP_FIELDS:
            raise VeldError(
                path,
                lines.top_key(key) or lines.table(key, 0),
                f"onbekend veld '{key}' (toegestaan: naam, [[partij]], [[stap]])",
            )
    name = data.get("naam", "Arrangeerveld")
    if not isinstance(name, str):
        raise VeldError(path, lines.top_key("naam"), "'naam' moet een tekst zijn")
    tables: dict[str, list[Any]] = {}
    for table in ("partij", "stap"):
        items = data.get(table)
        if not items:
            raise VeldError(path, None, f"geen enkele [[{table}]] gevonden")
        if not isinstance(items, list):
            raise VeldError(path, lines.top_key(table), f"'{table}' moet [[{table}]]-blokken zijn")
        fields = _STEP_FIELDS if table == "stap" else _PARTY_FIELDS
        optional: dict[str, type] = _STEP_OPTIONAL if table == "stap" else {}
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            _check_fields(item, fields, table, index, lines, path, optional)
            key = item["sleutel"]
            if key in seen:
                raise VeldError(
                    path,
                    lines.key(table, index, "sleutel"),
                    f"sleutel '{key}' komt dubbel voor (ook bij {table} {seen[key] + 1})",
                )
            seen[key] = index
        tables[table] = items
    _check_roles(tables["stap"], lines, path)
    _check_size(tables, lines, path)
    return Veld(
        name=name,
        steps=default_roles(tuple(
            Step(
                key=s["sleutel"],
                name=s["naam"].strip(),
                short=s["kort"].strip(),
                prompt=s["vraag"].strip(),
                minutes=s["minuten"],
                role=s.get("rol", ""),
            )
            for s in tables["stap"]
        )),
        parties=tuple(Party(key=p["sleutel"], label=p["label"].strip()) for p in tables["partij"]),
    )


def load_veld(path: Path) -> Veld:
    """Read and validate a veld file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise VeldError(path, None, f"kan het bestand niet lezen ({os_reason(error)})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise VeldError(path, line, "het bestand is geen geldige UTF-8-tekst") from None
    return parse_veld(text, path)
