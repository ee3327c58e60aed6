"""Card decks: suggestions per party, written as plain Markdown files.

A deck file belongs to one party and looks like this::

    # Ouders

    Free introduction; ignored.

    ## Samen lezen

    - domein: leren
    - intensiteit: licht
    - id: ouders-samen-lezen

    Elke dag een kwartier samen lezen. Een tweede alinea mag ook.

The first-level heading names the party (its key or label, case-insensitive).
Each second-level heading is a card. Directly under it comes one bullet list
with the card's data (``domein``, ``intensiteit`` and optionally ``id``), then
plain paragraphs with the description. A horizontal rule (``---``) and HTML
comments are allowed anywhere and ignored.

Files are parsed into markdown-it tokens; nothing here reads Markdown with
regular expressions. Every problem is a :class:`DeckProblem` that prints as
``file:line: problem`` in Dutch. A card with a problem is skipped; the good
cards of the same file are kept.

Several deck folders are loaded in order of increasing priority (shipped, the
user's own folder, ``$ARRANGEREN_DECKS``, ``--decks``). A card whose id already
came from an earlier folder *replaces* that card and takes over its position;
a card with a new id is appended. The deck is then ordered by the party order
of the veld (stable, so within a party the order above is kept). The same id
twice inside one folder is a problem: the later card is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from arrangeren_tui.core.domains import DOMAINS
from arrangeren_tui.core.paths import shipped_decks_dir, user_decks_dir
from arrangeren_tui.core.storage import DIR_MODE, atomic_write_bytes
from arrangeren_tui.core.veld import Veld

if TYPE_CHECKING:  # markdown-it is imported when a deck is parsed, not at start-up
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

INTENSITIES = ("licht", "middel", "zwaar")
META_KEYS = ("domein", "intensiteit", "id")
DECK_SUFFIX = ".md"
IGNORED_NAMES = ("readme.md",)
OWN_DECK_PREFIX = "eigen-"

_KEY_ALIASES = {"domein": "domein", "domeinen": "domein", "intensiteit": "intensiteit", "id": "id"}
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ID_MAX = 80
_UNREADABLE = "?"  # marks a data line without ':' in the values of a card
# Separators between domains in "domein: leren, gedrag" (also "leren en gedrag").
_DOMAIN_SPLIT = re.compile(r"\s*(?:[,;/]|\s+en\s+)\s*")
# Characters escaped everywhere in written text, so they never start inline markup.
_INLINE_SPECIAL = frozenset("\\`*_[]<>&#")
# Characters that start a block when they open a line (lists, quotes, fences, setext).
_LINE_START_SPECIAL = frozenset("-+=~>|")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])")

_DOMAIN_CHOICE = ", ".join(DOMAINS)
_INTENSITY_CHOICE = ", ".join(INTENSITIES)


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
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        result = f"kaart-{digest}"
    return result


def derive_id(party: str, title: str) -> str:
    return f"{party}-{slug(title)}"


def is_valid_id(card_id: str) -> bool:
    return len(card_id) <= _ID_MAX and bool(_ID_RE.match(card_id))


def _escape_inline(text: str) -> str:
    return "".join("\\" + ch if ch in _INLINE_SPECIAL else ch for ch in text)


def _escape_line(text: str) -> str:
    """Escape one line of text so it is read back as plain paragraph text."""
    escaped = _escape_inline(text)
    if escaped[:1] in _LINE_START_SPECIAL:
        escaped = "\\" + escaped
    return _ORDERED_START.sub(r"\1\\\2", escaped)


def _plain(token: Token) -> str:
    """The plain text of an inline token: markup dropped, escapes and entities resolved."""
    parts: list[str] = []

    def walk(children: Sequence[Token]) -> None:
        for child in children:
            if child.type in ("text", "code_inline", "html_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
            elif child.children:
                walk(child.children)

    walk(token.children or [])
    return "".join(parts)


# ---------------------------------------------------------------------------
# Parsing


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def _blocks(tokens: list[Token]) -> Iterator[list[Token]]:
    """Top-level blocks: an open token with everything up to its matching close, or one token."""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.nesting == 1:
            depth = 0
            end = index
            while True:
                depth += tokens[end].nesting
                if depth == 0:
                    break
                end += 1
            yield tokens[index : end + 1]
            index = end + 1
        else:
            yield [token]
            index += 1


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


def _is_comment(token: Token) -> bool:
    return token.type == "html_block" and token.content.lstrip().startswith("<!--")


@dataclass
class _Draft:
    """A card while its blocks are collected."""

    title: str
    line: int
    party: str | None
    meta_blocks: list[list[Token]]
    paragraphs: list[str]
    problems: list[DeckProblem]
    seen_block: bool = False


_Resolver = Callable[[str], "str | None"]


def _veld_resolver(veld: Veld) -> _Resolver:
    def resolve(name: str) -> str | None:
        wanted = name.casefold()
        for party in veld.parties:
            if wanted in (party.key.casefold(), party.label.casefold()):
                return party.key
        return None

    return resolve


def _parse(
    text: str,
    path: Path,
    resolve: _Resolver,
    known: str,
    own: bool,
) -> tuple[list[Card], list[DeckProblem]]:
    text = text.removeprefix("\ufeff")
    tokens = _markdown().parse(text)
    problems: list[DeckProblem] = []
    cards: list[Card] = []
    seen_ids: dict[str, tuple[int, bool]] = {}

    party: str | None = None
    heading_seen = False
    orphan_reported = False
    draft: _Draft | None = None

    def finish() -> None:
        nonlocal draft, orphan_reported
        if draft is None:
            return
        current, draft = draft, None
        if not heading_seen and not orphan_reported:
            orphan_reported = True
            problems.append(
                DeckProblem(
                    path,
                    current.line,
                    "geen kop '# Partij' boven de kaarten "
                    "(zet bovenaan het bestand bijvoorbeeld '# Ouders')",
                )
            )
        card, explicit = _finish_card(current, path, own)
        problems.extend(current.problems)
        if card is None or current.problems:
            return
        if card.id in seen_ids:
            first_line, _ = seen_ids[card.id]
            hint = (
                ""
                if explicit
                else " (de id komt van de titel; geef deze kaart een eigen '- id: ...')"
            )
            problems.append(
                DeckProblem(
                    path, card.line, f"id '{card.id}' komt al voor in {path}:{first_line}{hint}"
                )
            )
            return
        seen_ids[card.id] = (card.line, explicit)
        cards.append(card)

    for block in _blocks(tokens):
        first = block[0]
        if first.type == "heading_open":
            level = int(first.tag[1:])
            name = normalize_title(_plain(block[1]))
            if level == 1:
                finish()
                if heading_seen:
                    party = None
                    problems.append(
                        DeckProblem(
                            path,
                            _line(first),
                            "een bestand hoort bij één partij: er staat al een kop '# Partij' "
                            "boven; zet deze kaarten in een eigen bestand (ze worden overgeslagen)",
                        )
                    )
                    continue
                heading_seen = True
                if not name:
                    problems.append(
                        DeckProblem(
                            path, _line(first), f"kop '#' zonder partijnaam (bekend: {known})"
                        )
                    )
                    party = None
                    continue
                party = resolve(name)
                if party is None:
                    problems.append(
                        DeckProblem(
                            path, _line(first), f"onbekende partij '{name}' (bekend: {known})"
                        )
                    )
                continue
            if level == 2:
                finish()
                draft = _Draft(
                    title=name,
                    line=_line(first),
                    party=party,
                    meta_blocks=[],
                    paragraphs=[],
                    problems=[],
                )
                if not heading_seen:
                    draft.party = None
                continue
            if draft is not None:
                draft.problems.append(
                    DeckProblem(
                        path,
                        _line(first),
                        f"kop '{'#' * level}' wordt niet gebruikt in een kaart; "
                        "een nieuwe kaart begint met '## Titel'",
                    )
                )
            continue
        if draft is None:
            continue  # the introduction, or text before the party heading
        if first.type == "hr" or _is_comment(first):
            continue
        if first.type == "bullet_list_open":
            if draft.meta_blocks:
                draft.problems.append(
                    DeckProblem(
                        path,
                        _line(first),
                        "een kaart heeft één lijst met gegevens; "
                        "schrijf de beschrijving als gewone tekst zonder opsomming",
                    )
                )
            else:
                if draft.seen_block:
                    draft.problems.append(
                        DeckProblem(
                            path,
                            _line(first),
                            "de lijst met gegevens hoort direct onder de titel, "
                            "vóór de beschrijving",
                        )
                    )
                draft.meta_blocks.append(block)
        elif first.type == "paragraph_open":
            draft.paragraphs.append(normalize_title(_plain(block[1])))
        else:
            kinds = {
                "ordered_list_open": "een genummerde lijst",
                "blockquote_open": "een citaat ('>')",
                "fence": "een codeblok",
                "code_block": "een ingesprongen codeblok (begin regels niet met spaties)",
                "html_block": "HTML",
            }
            kind = kinds.get(first.type, f"'{first.type}'")
            draft.problems.append(
                DeckProblem(
                    path,
                    _line(first),
                    f"{kind} kan niet in een kaart; schrijf de beschrijving als gewone tekst",
                )
            )
        draft.seen_block = True
    finish()

    if not heading_seen and not orphan_reported:
        problems.append(
            DeckProblem(
                path, 1, "geen kop '# Partij' gevonden (zet bovenaan bijvoorbeeld '# Ouders')"
            )
        )
    problems.sort(key=lambda p: p.line or 0)
    return cards, problems


def _finish_card(draft: _Draft, path: Path, own: bool) -> tuple[Card | None, bool]:
    """Validate a draft; returns the card (None if unusable) and whether its id was given."""
    problems = draft.problems
    if not draft.title:
        problems.append(
            DeckProblem(path, draft.line, "kaart zonder titel (schrijf de titel achter '## ')")
        )
    label = f"kaart '{draft.title}'" if draft.title else "deze kaart"
    values: dict[str, tuple[str, int]] = {}
    if not draft.meta_blocks:
        problems.append(
            DeckProblem(
                path,
                draft.line,
                f"{label} mist de lijst met gegevens direct onder de titel "
                "('- domein: ...' en '- intensiteit: ...')",
            )
        )
    else:
        _read_meta(draft.meta_blocks[0], path, values, problems)
    # A data line without ':' may be the missing one: do not also report it as missing.
    report_missing = bool(draft.meta_blocks) and _UNREADABLE not in values

    domains: tuple[str, ...] = ()
    if "domein" in values:
        raw, line = values["domein"]
        words = [w.casefold() for w in _DOMAIN_SPLIT.split(raw.strip()) if w.strip()]
        if not words:
            problems.append(
                DeckProblem(path, line, f"geen domein ingevuld (kies uit: {_DOMAIN_CHOICE})")
            )
        for word in words:
            if word not in DOMAINS:
                problems.append(
                    DeckProblem(
                        path, line, f"onbekend domein '{word}' (kies uit: {_DOMAIN_CHOICE})"
                    )
                )
        domains = tuple(d for d in DOMAINS if d in words)
    elif report_missing:
        problems.append(
            DeckProblem(
                path, draft.line, f"{label} mist '- domein: ...' (kies uit: {_DOMAIN_CHOICE})"
            )
        )

    intensity = ""
    if "intensiteit" in values:
        raw, line = values["intensiteit"]
        intensity = raw.strip().casefold()
        if not intensity:
            problems.append(
                DeckProblem(
                    path, line, f"geen intensiteit ingevuld (kies uit: {_INTENSITY_CHOICE})"
                )
            )
        elif intensity not in INTENSITIES:
            problems.append(
                DeckProblem(
                    path,
                    line,
                    f"onbekende intensiteit '{raw.strip()}' (kies uit: {_INTENSITY_CHOICE})",
                )
            )
    elif report_missing:
        problems.append(
            DeckProblem(
                path,
                draft.line,
                f"{label} mist '- intensiteit: ...' (kies uit: {_INTENSITY_CHOICE})",
            )
        )

    explicit = "id" in values
    id_line = draft.line
    card_id = ""
    if explicit:
        raw, id_line = values["id"]
        card_id = raw.strip()
        if not is_valid_id(card_id):
            problems.append(
                DeckProblem(
                    path,
                    id_line,
                    f"ongeldige id '{card_id}': gebruik alleen kleine letters, cijfers en "
                    "streepjes, hoogstens 80 tekens (bijvoorbeeld 'ouders-voorlezen')",
                )
            )
    elif draft.party is not None and draft.title:
        card_id = derive_id(draft.party, draft.title)

    if problems or draft.party is None:
        return None, explicit
    card = Card(
        id=card_id,
        party=draft.party,
        title=draft.title,
        description="\n\n".join(draft.paragraphs),
        domains=domains,
        intensity=intensity,
        source=path,
        line=draft.line,
        own=own,
    )
    return card, explicit


def _read_meta(
    block: list[Token],
    path: Path,
    values: dict[str, tuple[str, int]],
    problems: list[DeckProblem],
) -> None:
    """Read ``- key: value`` items of the data list into ``values`` (key -> (value, line))."""
    items: list[list[Token]] = []
    depth = 0
    for token in block[1:-1]:
        if token.type == "list_item_open" and depth == 0:
            items.append([])
        depth += token.nesting
        items[-1].append(token)
    for item in items:
        line = _line(item[0])
        kinds = [t.type for t in item]
        if kinds != [
            "list_item_open",
            "paragraph_open",
            "inline",
            "paragraph_close",
            "list_item_close",
        ]:
            if kinds == ["list_item_open", "list_item_close"]:
                problem = "leeg gegeven in de lijst (schrijf 'naam: waarde' achter '- ')"
            else:
                problem = "elk gegeven is één regel 'naam: waarde', zonder lijst of blok eronder"
            problems.append(DeckProblem(path, line, problem))
            continue
        text = _plain(item[2])
        if "\n" in text:
            problems.append(
                DeckProblem(
                    path,
                    line + 1,
                    "zet een lege regel tussen de gegevens en de beschrijving "
                    "(een gegeven past op één regel)",
                )
            )
            text = text.split("\n", 1)[0]  # read the first line, so nothing else is reported
        key, colon, value = text.partition(":")
        if not colon:
            values.setdefault(_UNREADABLE, ("", line))
            problems.append(
                DeckProblem(
                    path,
                    line,
                    f"'{text.strip()}' is geen gegeven; schrijf 'naam: waarde', "
                    "bijvoorbeeld 'domein: leren'",
                )
            )
            continue
        name = _KEY_ALIASES.get(key.strip().casefold())
        if name is None:
            problems.append(
                DeckProblem(
                    path,
                    line,
                    f"onbekend gegeven '{key.strip()}' (toegestaan: {', '.join(META_KEYS)})",
                )
            )
            continue
        if name in values:
            problems.append(
                DeckProblem(
                    path,
                    line,
                    f"'{name}' staat twee keer bij deze kaart (ook op regel {values[name][1]})",
                )
            )
            continue
        values[name] = (value, line)


def _known(veld: Veld) -> str:
    return ", ".join(p.label for p in veld.parties)


def parse_deck_text(
    text: str, path: Path, veld: Veld, own: bool = False
) -> tuple[list[Card], list[DeckProblem]]:
    """The good cards of one deck file's text and the problems found, in line order."""
    return _parse(text, path, _veld_resolver(veld), _known(veld), own)


def _read_text(path: Path) -> tuple[str | None, DeckProblem | None]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        return None, DeckProblem(path, None, f"kan het bestand niet lezen ({reason})")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, DeckProblem(
            path, line, "het bestand is geen geldige UTF-8-tekst (sla het op als UTF-8)"
        )


def parse_deck_file(
    path: Path, veld: Veld, own: bool = False
) -> tuple[list[Card], list[DeckProblem]]:
    """The good cards of one deck file and the problems found."""
    text, problem = _read_text(path)
    if text is None:
        return [], [problem] if problem else []
    return parse_deck_text(text, path, veld, own)


# ---------------------------------------------------------------------------
# Folders


def is_deck_file(path: Path) -> bool:
    name = path.name
    return (
        name.casefold().endswith(DECK_SUFFIX)
        and name.casefold() not in IGNORED_NAMES
        and not name.startswith(".")
    )


def deck_files(folder: Path) -> list[Path]:
    """The deck files of a folder (not its subfolders), by name; README.md is skipped."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    files = [p for p in entries if is_deck_file(p) and p.is_file()]
    return sorted(files, key=lambda p: (p.name.casefold(), p.name))


Parse = Callable[[Path, Veld, bool], tuple[list[Card], list[DeckProblem]]]


def _load_path(
    path: Path, veld: Veld, own: bool, parse: Parse = parse_deck_file
) -> tuple[list[Card], list[DeckProblem]]:
    """The cards of one deck folder (or one deck file); a duplicate id in it is a problem."""
    if path.is_file():
        return parse(path, veld, own)
    if not path.is_dir():
        return [], [DeckProblem(path, None, "deze map met kaarten bestaat niet")]
    cards: list[Card] = []
    problems: list[DeckProblem] = []
    seen: dict[str, Card] = {}
    for file in deck_files(path):
        file_cards, file_problems = parse(file, veld, own)
        problems.extend(file_problems)
        for card in file_cards:
            earlier = seen.get(card.id)
            if earlier is not None:
                problems.append(
                    DeckProblem(
                        file,
                        card.line,
                        f"id '{card.id}' komt al voor in {earlier.source}:{earlier.line}",
                    )
                )
                continue
            seen[card.id] = card
            cards.append(card)
    return cards, problems


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def load_decks(
    dirs: Sequence[Path], veld: Veld, *, shipped: Path | None = None,
    cache: Path | None = None,
) -> tuple[Deck, list[DeckProblem]]:
    """All cards of ``dirs`` (increasing priority) and every problem found.

    A card from a later folder with an id seen before replaces the earlier card
    in its position; new ids are appended; the deck is then ordered by party.
    Cards from any folder other than ``shipped`` (default: the shipped decks)
    are marked ``own``. A path may also be a single deck file. With ``cache``
    (a JSON file), files whose bytes were parsed before are not parsed again.
    """
    shipped = shipped_decks_dir() if shipped is None else shipped
    parsed = ParseCache(cache) if cache is not None else None
    parse: Parse = parsed.parse if parsed is not None else parse_deck_file
    merged: dict[str, Card] = {}
    problems: list[DeckProblem] = []
    for folder in dirs:
        cards, found = _load_path(folder, veld, not _same(folder, shipped), parse)
        problems.extend(found)
        for card in cards:
            merged[card.id] = card  # an existing key keeps its position
    if parsed is not None:
        parsed.save()
    return Deck(merged.values(), veld), problems


class ParseCache:
    """Parsed deck files by the hash of their bytes, kept as JSON between starts.

    Parsing the decks needs markdown-it (import and parse: ~50 ms and ~2 MiB on
    every start); the cache gives the same cards and problems from a small JSON
    file, and only a changed file (other bytes, another veld, moved) is parsed
    again. A cache that cannot be read is ignored and written anew; it holds
    only the text of the cards, never anything about a session.
    """

    VERSION = 1

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, object]] = {}
        self.used: set[str] = set()
        self.changed = False
        try:
            data = json.loads(path.read_bytes())
            if isinstance(data, dict) and data.get("version") == self.VERSION:
                self.entries = dict(data.get("files", {}))
        except (OSError, ValueError, TypeError):
            self.entries = {}

    @staticmethod
    def key(raw: bytes, path: Path, veld: Veld, own: bool) -> str:
        parties = "|".join(f"{p.key}={p.label}" for p in veld.parties)
        digest = hashlib.sha256(raw)
        digest.update(f"\0{path}\0{parties}\0{own}".encode())
        return digest.hexdigest()

    def parse(self, path: Path, veld: Veld, own: bool) -> tuple[list[Card], list[DeckProblem]]:
        try:
            raw = path.read_bytes()
        except OSError:
            return parse_deck_file(path, veld, own)  # the problem is reported as usual
        key = self.key(raw, path, veld, own)
        self.used.add(key)
        entry = self.entries.get(key)
        if entry is not None:
            try:
                return self._cards(entry, path), self._problems(entry, path)
            except (KeyError, TypeError, ValueError):
                pass
        cards, problems = parse_deck_file(path, veld, own)
        self.entries[key] = {
            "cards": [[c.id, c.party, c.title, c.description, list(c.domains), c.intensity,
                       c.line, c.own] for c in cards],
            "problems": [[p.line, p.problem] for p in problems],
        }
        self.changed = True
        return cards, problems

    @staticmethod
    def _cards(entry: dict[str, object], path: Path) -> list[Card]:
        return [Card(id=str(c[0]), party=str(c[1]), title=str(c[2]), description=str(c[3]),
                     domains=tuple(str(d) for d in c[4]), intensity=str(c[5]), source=path,
                     line=int(c[6]), own=bool(c[7]))
                for c in entry["cards"]]  # type: ignore[union-attr]

    @staticmethod
    def _problems(entry: dict[str, object], path: Path) -> list[DeckProblem]:
        return [DeckProblem(path, None if p[0] is None else int(p[0]), str(p[1]))
                for p in entry["problems"]]  # type: ignore[union-attr]

    def save(self) -> None:
        """Write the entries used this time (old ones drop out); never fails loudly."""
        if not self.changed and set(self.entries) == self.used:
            return
        files = {k: v for k, v in self.entries.items() if k in self.used}
        payload = json.dumps({"version": self.VERSION, "files": files},
                             ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            atomic_write_bytes(self.path, payload, keep_backup=False)
        except OSError:
            pass  # a cache that cannot be written only costs the next start a parse


def check_paths(paths: Sequence[Path], veld: Veld) -> list[DeckProblem]:
    """Every problem in the given deck files and folders (each folder checked on its own)."""
    problems: list[DeckProblem] = []
    for path in paths:
        if path.is_file() and not path.name.casefold().endswith(DECK_SUFFIX):
            problems.append(
                DeckProblem(path, None, "geen kaartenbestand (kaarten staan in .md-bestanden)")
            )
            continue
        if not path.exists():
            problems.append(DeckProblem(path, None, "dit bestand of deze map bestaat niet"))
            continue
        problems.extend(_load_path(path, veld, own=True)[1])
    return problems


# ---------------------------------------------------------------------------
# Writing a card the user made


def new_card(
    party: str,
    title: str,
    description: str,
    domains: Iterable[str],
    intensity: str,
    *,
    card_id: str | None = None,
    taken: Iterable[str] = (),
    source: Path | None = None,
) -> Card:
    """A blank card filled in by the user, normalised; ValueError (Dutch) if it is not valid.

    Without ``card_id`` the id comes from party and title, with ``-2``, ``-3`` ...
    added when it is in ``taken``.
    """
    clean_title = normalize_title(title)
    if not clean_title:
        raise ValueError("een kaart heeft een titel nodig")
    wanted = {d.strip().casefold() for d in domains}
    unknown = sorted(wanted - set(DOMAINS))
    if unknown:
        raise ValueError(f"onbekend domein '{unknown[0]}' (kies uit: {_DOMAIN_CHOICE})")
    if not wanted:
        raise ValueError(f"kies minstens één domein ({_DOMAIN_CHOICE})")
    level = intensity.strip().casefold()
    if level not in INTENSITIES:
        raise ValueError(f"onbekende intensiteit '{intensity}' (kies uit: {_INTENSITY_CHOICE})")
    taken_ids = set(taken)
    if card_id is None:
        base = derive_id(party, clean_title)[:_ID_MAX].rstrip("-")
        card_id, number = base, 1
        while card_id in taken_ids:
            number += 1
            card_id = f"{base[: _ID_MAX - len(str(number)) - 1].rstrip('-')}-{number}"
    elif not is_valid_id(card_id):
        raise ValueError(f"ongeldige id '{card_id}': gebruik kleine letters, cijfers en streepjes")
    elif card_id in taken_ids:
        raise ValueError(f"id '{card_id}' bestaat al")
    return Card(
        id=card_id,
        party=party,
        title=clean_title,
        description=normalize_description(description),
        domains=tuple(d for d in DOMAINS if d in wanted),
        intensity=level,
        source=source if source is not None else Path(),
        line=0,
        own=True,
    )


def card_to_markdown(card: Card) -> str:
    """The card as a deck section; reading it back gives the same (normalised) card."""
    title = normalize_title(card.title)
    if not title:
        raise DeckError("een kaart heeft een titel nodig")
    if not card.domains or any(d not in DOMAINS for d in card.domains):
        raise DeckError(f"kies minstens één domein uit: {_DOMAIN_CHOICE}")
    if card.intensity not in INTENSITIES:
        raise DeckError(f"kies een intensiteit uit: {_INTENSITY_CHOICE}")
    if not is_valid_id(card.id):
        raise DeckError(f"ongeldige id '{card.id}'")
    domains = ", ".join(d for d in DOMAINS if d in card.domains)
    lines = [
        f"## {_escape_inline(title)}",
        "",
        f"- domein: {domains}",
        f"- intensiteit: {card.intensity}",
        f"- id: {card.id}",
    ]
    description = normalize_description(card.description)
    for paragraph in description.split("\n\n") if description else []:
        lines += ["", _escape_line(paragraph)]
    return "\n".join(lines) + "\n"


def own_deck_path(party: str, folder: Path | None = None) -> Path:
    """The file where the user's own blank cards for ``party`` are kept."""
    return (user_decks_dir() if folder is None else folder) / f"{OWN_DECK_PREFIX}{party}.md"


def _make_private_dirs(folder: Path) -> None:
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(path, DIR_MODE)


def _first_heading(tokens: list[Token]) -> tuple[str, int] | None:
    for block in _blocks(tokens):
        if block[0].type == "heading_open" and block[0].tag == "h1":
            return normalize_title(_plain(block[1])), _line(block[0])
    return None


def append_card(path: Path, card: Card, party_label: str) -> Card:
    """Add ``card`` to the user's deck file at ``path`` and return it as it reads back.

    A new file starts with ``# {party_label}``. The file is written atomically,
    mode 0600, in a folder created with mode 0700. Before writing, the new text
    is parsed and must give back exactly this card; otherwise DeckError.
    """
    section = card_to_markdown(card)
    existing = ""
    if path.exists():
        text, problem = _read_text(path)
        if text is None:
            raise DeckError(str(problem))
        existing = text.removeprefix("\ufeff")
    names = {party_label.casefold(), card.party.casefold()}

    def resolve(name: str) -> str | None:
        return card.party if name.casefold() in names else None

    if existing.strip():
        heading = _first_heading(_markdown().parse(existing))
        if heading is None:
            raise DeckError(f"{path}: het bestand heeft geen kop '# {party_label}'")
        if heading[0].casefold() not in names:
            raise DeckError(
                f"{path}:{heading[1]}: dit bestand hoort bij '{heading[0]}', "
                f"niet bij '{party_label}'"
            )
        before, _ = _parse(existing, path, resolve, party_label, own=True)
        if any(c.id == card.id for c in before):
            raise DeckError(f"{path}: er staat al een kaart met id '{card.id}'")
        new_text = existing.rstrip() + "\n\n" + section
    else:
        before = []
        new_text = f"# {_escape_inline(normalize_title(party_label))}\n\n{section}"

    after, _ = _parse(new_text, path, resolve, party_label, own=True)
    written = [c for c in after if c.id == card.id]
    expected = replace(
        card,
        title=normalize_title(card.title),
        description=normalize_description(card.description),
        domains=tuple(d for d in DOMAINS if d in card.domains),
        source=path,
        own=True,
    )
    if (
        len(written) != 1
        or len(after) != len(before) + 1
        or replace(written[0], line=0) != replace(expected, line=0)
    ):
        raise DeckError(
            f"{path}: de kaart kan niet veilig worden toegevoegd "
            "(controleer het einde van het bestand)"
        )
    _make_private_dirs(path.parent)
    atomic_write_bytes(path, new_text.encode("utf-8"), keep_backup=False)
    return written[0]


# ---------------------------------------------------------------------------
# Synthetic cards for scale tests

_VERBS = (
    "Wekelijks overleg over",
    "Samen oefenen met",
    "Extra aandacht voor",
    "Vast moment voor",
    "Korte check op",
    "Begeleiding bij",
    "Afspraken rond",
    "Kleine stappen in",
)
_TOPICS = (
    "lezen",
    "rekenen",
    "plannen",
    "vriendschappen",
    "slapen",
    "ontbijt",
    "huiswerk",
    "de overgang naar de pauze",
    "samenwerken",
    "boosheid",
    "concentratie",
    "bewegen",
)


def generate_cards(n: int, veld: Veld, seed: int = 0) -> list[Card]:
    """``n`` fictional cards spread over the veld's parties; the same seed gives the same cards."""
    rng = random.Random(seed)
    parties = [p.key for p in veld.parties]
    cards: list[Card] = []
    for index in range(n):
        party = parties[index % len(parties)]
        topic = rng.choice(_TOPICS)
        title = f"{rng.choice(_VERBS)} {topic} ({index + 1})"
        chosen = set(rng.sample(DOMAINS, rng.randint(1, 2)))
        cards.append(
            Card(
                id=f"{party}-synthetisch-{index + 1:05d}",
                party=party,
                title=title,
                description=(
                    f"Fictieve kaart {index + 1} voor een schaaltest: {topic} "
                    f"staat {rng.randint(1, 5)} keer per week centraal."
                ),
                domains=tuple(d for d in DOMAINS if d in chosen),
                intensity=rng.choice(INTENSITIES),
                source=Path("synthetisch.md"),
                line=index + 1,
                own=False,
            )
        )
    return cards
