"""The veld definition: the dialogue steps and the parties, loaded from TOML.

The file is data a samenwerkingsverband edits by hand, so every problem is
reported as ``file:line: problem`` in Dutch, and a broken file never yields a
half-loaded veld.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VELD_FILENAME = "veld.toml"

_STEP_FIELDS = {"sleutel": str, "naam": str, "kort": str, "vraag": str, "minuten": int}
_PARTY_FIELDS = {"sleutel": str, "label": str}
_TOP_FIELDS = {"naam", "stap", "partij"}
_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class Step:
    """One dialogue step of the arrangeerveld."""

    key: str
    name: str
    short: str
    prompt: str
    minutes: int


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
        return {
            "name": self.name,
            "steps": [
                {
                    "key": s.key,
                    "name": s.name,
                    "short": s.short,
                    "prompt": s.prompt,
                    "minutes": s.minutes,
                }
                for s in self.steps
            ],
            "parties": [{"key": p.key, "label": p.label} for p in self.parties],
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Veld:
        return cls(
            name=str(record["name"]),
            steps=tuple(
                Step(
                    key=str(s["key"]),
                    name=str(s["name"]),
                    short=str(s["short"]),
                    prompt=str(s["prompt"]),
                    minutes=int(s["minutes"]),
                )
                for s in record["steps"]
            ),
            parties=tuple(Party(key=str(p["key"]), label=str(p["label"])) for p in record["parties"]),
        )


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


_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def _translate_toml_error(message: str) -> str:
    """A Dutch wording of tomllib's most common complaints."""
    text = _TOML_LINE.sub("", message).strip()
    known = {
        "Invalid value": "ongeldige waarde (tekst hoort tussen aanhalingstekens)",
        "Cannot overwrite a value": "deze sleutel staat er twee keer",
        "Expected '=' after a key in a key/value pair": "na de naam hoort een '='",
        "Unclosed array": "lijst niet afgesloten met ']'",
        "Unterminated string": "tekst niet afgesloten met een aanhalingsteken",
        "Illegal character": "ongeldig teken",
        "Invalid statement": "deze regel is geen geldige TOML",
    }
    for english, dutch in known.items():
        if text.startswith(english):
            return f"{dutch} ({text})"
    return f"ongeldige TOML: {text}"


def _check_fields(
    item: Any,
    fields: dict[str, type],
    table: str,
    index: int,
    lines: _Lines,
    path: Path,
) -> None:
    label = {"stap": "stap", "partij": "partij"}[table]
    if not isinstance(item, dict):
        raise VeldError(path, lines.table(table, index), f"{label} {index + 1} is geen tabel")
    for key in item:
        if key not in fields:
            raise VeldError(
                path,
                lines.key(table, index, key),
                f"onbekend veld '{key}' bij {label} {index + 1} "
                f"(toegestaan: {', '.join(fields)})",
            )
    for key, kind in fields.items():
        if key not in item:
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


def parse_veld(text: str, path: Path) -> Veld:
    """Parse and validate veld TOML text; raise ``VeldError`` on the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_LINE.search(str(error))
        line = int(match.group(1)) if match else None
        raise VeldError(path, line, _translate_toml_error(str(error))) from None
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
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            _check_fields(item, fields, table, index, lines, path)
            key = item["sleutel"]
            if key in seen:
                raise VeldError(
                    path,
                    lines.key(table, index, "sleutel"),
                    f"sleutel '{key}' komt dubbel voor (ook bij {table} {seen[key] + 1})",
                )
            seen[key] = index
        tables[table] = items
    return Veld(
        name=name,
        steps=tuple(
            Step(
                key=s["sleutel"],
                name=s["naam"].strip(),
                short=s["kort"].strip(),
                prompt=s["vraag"].strip(),
                minutes=s["minuten"],
            )
            for s in tables["stap"]
        ),
        parties=tuple(Party(key=p["sleutel"], label=p["label"].strip()) for p in tables["partij"]),
    )


def load_veld(path: Path) -> Veld:
    """Read and validate a veld file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise VeldError(path, None, f"kan het bestand niet lezen ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise VeldError(path, line, "het bestand is geen geldige UTF-8-tekst") from None
    return parse_veld(text, path)
