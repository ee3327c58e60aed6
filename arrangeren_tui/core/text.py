"""Showing typed text safely: no control character ever reaches the terminal.

The stored text stays exactly as typed; only what is displayed is changed.
"""

from __future__ import annotations

import re
import unicodedata

_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟, e.g. ESC shows as ␛
    if code == 0x7F:
        return "␡"
    if 0x80 <= code <= 0x9F or code in _BIDI:
        return "\ufffd"
    return char


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """Text with every control character replaced by a visible stand-in."""
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(lambda m: _visible(m.group()), line)
                         for line in text.split("\n"))
    return _UNSAFE.sub(lambda m: _visible(m.group()), text)


DISPLAY_LIMIT = 600


def clip(text: str, limit: int = DISPLAY_LIMIT) -> str:
    """At most ``limit`` characters for display, saying how many more there are."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]} … (+{len(text) - limit} tekens)"


def one_line(text: str, limit: int | None = None) -> str:
    """A single display line: newlines as ' ⏎ ', controls visible, cut at ``limit``."""
    text = clip(text, max(DISPLAY_LIMIT, limit or 0))
    flat = safe_text(" ⏎ ".join(part.strip() for part in text.strip().split("\n")))
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "…"
    return flat


def initials(name: str) -> str:
    """'Tessa de Jong' -> 'T.d.J.'; used for short display and pseudonyms."""
    parts = [p for p in re.split(r"\s+", name.strip()) if p]
    letters = [unicodedata.normalize("NFC", p)[0] for p in parts]
    return "".join(f"{letter}." for letter in letters)
