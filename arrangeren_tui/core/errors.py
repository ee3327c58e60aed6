"""One Dutch phrase per problem the system or a file format reports.

The operating system words its errors in English ("No space left on device"),
and so does Python's TOML reader. Every message a user sees (the command line,
the screens, the save banner) takes its reason from here, so each problem has
one Dutch wording wherever it shows.
"""

from __future__ import annotations

import errno
import re

_OS_PHRASES: dict[int, str] = {
    errno.ENOSPC: "de schijf is vol",
    errno.EACCES: "geen toestemming",
    errno.EPERM: "geen toestemming",
    errno.EROFS: "de schijf is alleen-lezen",
    errno.EISDIR: "dat is een map, geen bestand",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.ENOENT: "bestaat niet",
    errno.EEXIST: "bestaat al",
    errno.ENOTEMPTY: "de map is niet leeg",
    errno.ENAMETOOLONG: "de naam is te lang",
    errno.EIO: "lees- of schrijffout van de schijf",
    errno.EBUSY: "in gebruik",
    errno.EMFILE: "te veel open bestanden",
    errno.ENFILE: "te veel open bestanden",
    errno.ELOOP: "te veel verwijzingen (symlinks) na elkaar",
    errno.EXDEV: "op een andere schijf",
    errno.EINVAL: "ongeldige naam of waarde",
    errno.ETIMEDOUT: "de schijf (netwerk) antwoordt niet",
}
for _name, _phrase in (("EDQUOT", "de schijfruimte (quotum) is op"),
                       ("ESTALE", "de netwerkschijf is niet meer bereikbaar")):
    if hasattr(errno, _name):  # not on every system (Windows)
        _OS_PHRASES[getattr(errno, _name)] = _phrase


def os_reason(error: OSError) -> str:
    """The Dutch phrase for an OS error, e.g. "de schijf is vol" (never the English text)."""
    phrase = _OS_PHRASES.get(error.errno) if error.errno is not None else None
    if phrase:
        return phrase
    code = errno.errorcode.get(error.errno) if error.errno is not None else None
    return f"fout van het systeem ({code})" if code else "fout van het systeem"


def os_problem(error: OSError) -> str:
    """One line for an OS error: '<file>: <reason>', or the reason alone."""
    reason = os_reason(error)
    return f"{error.filename}: {reason}" if error.filename else reason


_TOML_LOCATION = re.compile(r"\s*\(at (?:line \d+, column \d+|end of document)\)")
_TOML_PHRASES = {
    "Invalid value": "ongeldige waarde (tekst hoort tussen aanhalingstekens)",
    "Cannot overwrite a value": "deze sleutel staat er twee keer",
    "Cannot declare": "deze tabel staat er twee keer",
    "Expected '=' after a key in a key/value pair": "na de naam hoort een '='",
    "Unclosed array": "lijst niet afgesloten met ']'",
    "Unclosed inline table": "tabel niet afgesloten met '}'",
    "Unterminated string": "tekst niet afgesloten met een aanhalingsteken",
    "Illegal character": "ongeldig teken (een tekst moet op dezelfde regel sluiten)",
    "Invalid statement": "deze regel is geen geldige TOML",
    "Invalid initial character for a key part": "ongeldige naam voor een sleutel",
}


def toml_reason(message: str) -> str:
    """A Dutch wording of a ``tomllib`` error message, without its English text.

    The line is not repeated here: the caller says where (``toml_line``).
    """
    text = _TOML_LOCATION.sub("", message).strip()
    for english, dutch in _TOML_PHRASES.items():
        if text.startswith(english):
            return dutch
    return "ongeldige TOML"


def toml_line(message: str) -> int | None:
    """The line number in a ``tomllib`` error message, if it gives one."""
    match = re.search(r"\(at line (\d+), column \d+\)", message)
    return int(match.group(1)) if match else None
