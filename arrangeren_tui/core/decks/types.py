"""Cards and decks: the types, and the text rules for ids and titles.

The file format is described in ``parse``.
"""


from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from arrangeren_tui.core.domains import DOMAINS
from arrangeren_tui.core.veld import Veld

if TYPE_CHECKING:  # markdown-it is imported when a deck is parsed, not at start-up
    pass

INTENSITIES = ("licht", "middel", "zwaar")
META_KEYS = ("domein", "intensiteit", "id")
DECK_SUFFIX = ".md"
IGNORED_NAMES = ("readme.md",)
OWN_DECK_PREFIX = "eigen-"

KEY_ALIASES = {"domein": "domein", "domeinen": "domein", "intensiteit": "intensiteit", "id": "id"}
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_MAX = 80
UNREADABLE = "?"  # marks a data line without ':' in the values of a card
# Separators between domains in "domein: leren, gedrag" (also "leren en gedrag").
DOMAIN_SPLIT = re.compile(r"\s*(?:[,;/]|\s+en\s+)\s*")
# Characters escaped everywhere in written text, so they never start inline markup.
_INLINE_SPECIAL = frozenset("\\`*_[]<>&#")
# Characters that start a block when they open a line (lists, quotes, fences, setext).
_LINE_START_SPECIAL = frozenset("-+=~>|")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])")

DOMAIN_CHOICE = ", ".join(DOMAINS)
INTENSITY_CHOICE = ", ".join(INTENSITIES)


@dataclass(frozen=True)
class Card:
    """One suggestion a party can offer."""

    id: str
    party: str
    title: str
    description: str
    domains: tuple[str, ...]
    intensity: str
    source: Path
    line: int
    own: bool = False


@dataclass(frozen=True)
class DeckProblem:
    """A problem in a deck file, located by file and line (line None: the whole file)."""

    path: Path
    line: int | None
    problem: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.problem}"
        return f"{self.path}:{self.line}: {self.problem}"


class DeckError(Exception):
    """A card cannot be written to a deck file; the message is Dutch."""


class Deck:
    """The cards of all deck folders, ordered by the veld's party order, then file order."""

    def __init__(self, cards: Iterable[Card], veld: Veld | None = None) -> None:
        order = {p.key: i for i, p in enumerate(veld.parties)} if veld else {}
        listed = list(cards)
        listed.sort(key=lambda c: order.get(c.party, len(order)))
        by_id: dict[str, Card] = {}
        for card in listed:
            if card.id in by_id:
                raise ValueError(f"dubbele kaart-id {card.id!r}")
            by_id[card.id] = card
        self.cards: tuple[Card, ...] = tuple(listed)
        self.by_id: Mapping[str, Card] = MappingProxyType(by_id)
        grouped: dict[str, list[Card]] = {}
        for card in listed:
            grouped.setdefault(card.party, []).append(card)
        self._by_party = {key: tuple(group) for key, group in grouped.items()}

    def for_party(self, key: str) -> tuple[Card, ...]:
        return self._by_party.get(key, ())

    def get(self, card_id: str) -> Card | None:
        return self.by_id.get(card_id)

    def __len__(self) -> int:
        return len(self.cards)

    def __iter__(self) -> Iterator[Card]:
        return iter(self.cards)

    def __contains__(self, card_id: object) -> bool:
        return card_id in self.by_id

    def __repr__(self) -> str:
        return f"Deck({len(self.cards)} kaarten)"


# ---------------------------------------------------------------------------
# Text helpers


def _clean(text: str) -> str:
    """Drop control characters and lone surrogates; whitespace is kept for the caller."""
    return "".join(
        ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs")
    )


def normalize_title(text: str) -> str:
    """A title on one line: control characters dropped, every run of whitespace one space."""
    return " ".join(_clean(text).split())


def normalize_description(text: str) -> str:
    """Paragraphs separated by one blank line, each paragraph on one line with single spaces."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in _clean(text).splitlines():
        words = line.split()
        if words:
            current.extend(words)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def slug(text: str) -> str:
    """Lowercase ASCII letters and digits joined by hyphens; stable for the same text."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    result = result[:60].rstrip("-")
    if not result:
        import hashlib  # only here: its OpenSSL binding is ~0.6 MiB of memory

        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        result = f"kaart-{digest}"
    return result


def derive_id(party: str, title: str) -> str:
    return f"{party}-{slug(title)}"


def is_valid_id(card_id: str) -> bool:
    return len(card_id) <= ID_MAX and bool(_ID_RE.match(card_id))


def escape_inline(text: str) -> str:
    return "".join("\\" + ch if ch in _INLINE_SPECIAL else ch for ch in text)


def escape_line(text: str) -> str:
    """Escape one line of text so it is read back as plain paragraph text."""
    escaped = escape_inline(text)
    if escaped[:1] in _LINE_START_SPECIAL:
        escaped = "\\" + escaped
    return _ORDERED_START.sub(r"\1\\\2", escaped)


