"""The second pass of pseudonymising: names that are in no register, found by deduce.

deduce (rule-based de-identification of Dutch text, LGPL-3.0, on PyPI) finds person
names, places and institutions with lookup lists of Dutch names and places. Those lists
cost: loading them takes seconds and about 1 GiB of memory (BENCHMARKS.md). So deduce
never runs inside the program itself: ``find_in_subprocess`` starts this module as its
own process, hands it the texts as JSON and reads back what it found; the memory is
returned when that process ends and the TUI stays responsive meanwhile. deduce is
imported only there, only when a pseudonymised export is made.

The texts come after the register pass (``names.py``), with the places of their
stand-ins, so a stand-in is never reported. What is found is only reported: the user
decides to replace it (``Finding.person``) or to leave it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arrangeren_tui.core.export.names import Person, fold

Span = tuple[int, int]
Text = tuple[str, tuple[Span, ...]]

# deduce's tags that identify somebody, and how they are called here.
KINDS = {
    "persoon": "naam", "patient": "naam", "locatie": "plaats", "instelling": "instelling",
    "ziekenhuis": "instelling", "zorginstelling": "instelling", "straat": "plaats",
    "adres": "plaats", "postcode": "plaats", "telefoonnummer": "telefoonnummer",
    "emailadres": "e-mailadres", "bsn": "bsn", "url": "website",
}
STAND_INS = {"naam": "[naam]", "plaats": "[plaats]", "instelling": "[instelling]"}
SEPARATOR = "\n\n"
TIMEOUT = 600.0  # the first run after an install builds deduce's lookup tables: minutes


class NameCheckError(RuntimeError):
    """The second pass could not run; the message is Dutch."""


@dataclass(frozen=True)
class Finding:
    """Something that looks like a name (or place, institution) and is not replaced."""

    text: str
    kind: str  # naam, plaats, instelling, ...

    def person(self) -> Person:
        """The register entry that replaces it: a person by parts, anything else as a whole."""
        stand_in = STAND_INS.get(self.kind, f"[{self.kind}]")
        return Person(self.text, stand_in, literal=self.kind != "naam")

    def describe(self) -> str:
        return self.text if self.kind == "naam" else f"{self.text} ({self.kind})"


def describe(findings: list[Finding]) -> str:
    """'Sem, Karim, Utrecht (plaats)': for "Mogelijk nog namen: …"."""
    return ", ".join(f.describe() for f in findings)


def _overlaps(start: int, end: int, spans: tuple[Span, ...]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _outside(text: str, start: int, end: int, spans: tuple[Span, ...]) -> str:
    """The part of ``text[start:end]`` that is no stand-in."""
    kept = [c if not _overlaps(start + i, start + i + 1, spans) else " "
            for i, c in enumerate(text[start:end])]
    return " ".join("".join(kept).split())


def _cache_path() -> Path | None:
    """Where deduce keeps its built tables: its own folder if writable, else the user's cache."""
    import deduce

    package = Path(deduce.__file__).parent / "data" / "lookup"
    if (package / "cache" / "lookup_structs.pickle").exists() or os.access(package, os.W_OK):
        return None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("arrangeren", appauthor=False)) / "deduce"


def find(texts: list[Text]) -> list[Finding]:
    """Run deduce over ``texts`` (in this process); what it finds outside the stand-ins."""
    try:
        from deduce import Deduce
    except ImportError as error:
        raise NameCheckError(f"de tweede namencontrole (deduce) is niet geïnstalleerd: "
                             f"{error}") from error
    cache = _cache_path()
    deducer = Deduce(cache_path=cache) if cache else Deduce()
    document = SEPARATOR.join(text for text, _spans in texts)
    offsets: list[int] = []
    position = 0
    for text, _spans in texts:
        offsets.append(position)
        position += len(text) + len(SEPARATOR)
    annotations = deducer.deidentify(document).annotations
    found: dict[str, Finding] = {}
    for annotation in sorted(annotations, key=lambda a: a.start_char):
        kind = KINDS.get(str(annotation.tag).split("_")[0])
        if kind is None:
            continue
        index = max(i for i, offset in enumerate(offsets) if offset <= annotation.start_char)
        text, spans = texts[index]
        start = annotation.start_char - offsets[index]
        end = min(annotation.end_char - offsets[index], len(text))
        value = " ".join(text[start:end].split())
        if _overlaps(start, end, spans):
            value = _outside(text, start, end, spans)
            if not re.search(r"[^\W\d_]{2}", value):
                continue
        key = fold(value)
        if value and key not in found:
            found[key] = Finding(value, kind)
    return list(found.values())


def find_in_subprocess(texts: list[Text], *, timeout: float = TIMEOUT,
                       on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
                       ) -> list[Finding]:
    """``find`` in a process of its own, so its memory is given back; NameCheckError if it fails.

    ``on_start`` gets the process, so that a screen that is closed can end it (a check
    takes seconds; nobody should wait for one that is no longer wanted).
    """
    if not texts:
        return []
    payload = json.dumps([[text, [list(s) for s in spans]] for text, spans in texts])
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "arrangeren_tui.core.export.namecheck"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        if on_start is not None:
            on_start(process)
        try:
            out, err = process.communicate(payload.encode("utf-8"), timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NameCheckError(f"de tweede namencontrole liep niet: {error}") from error
    if process.returncode != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise NameCheckError(lines[-1] if lines else
                             f"de tweede namencontrole stopte met code {process.returncode}")
    try:  # the answer is the last line: anything deduce printed itself comes before it
        lines = out.decode("utf-8", "replace").strip().splitlines()
        rows: list[Any] = json.loads(lines[-1] if lines else "")
        return [Finding(str(text), str(kind)) for text, kind in rows]
    except (ValueError, TypeError) as error:
        raise NameCheckError("de tweede namencontrole gaf geen leesbaar antwoord") from error


def main() -> int:
    """Texts as JSON on stdin, findings as JSON on stdout; a Dutch line on stderr if it fails."""
    rows = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    texts = [(str(text), tuple((int(s), int(e)) for s, e in spans)) for text, spans in rows]
    try:
        # deduce may print (building its lookup tables the first time): not on our answer.
        with contextlib.redirect_stdout(sys.stderr):
            findings = find(texts)
    except NameCheckError as error:
        sys.stderr.write(f"{error}\n")
        return 1
    sys.stdout.write("\n" + json.dumps([[f.text, f.kind] for f in findings]) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
