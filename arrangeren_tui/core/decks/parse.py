"""Reading one deck file: Markdown text to cards and ``file:line`` problems.

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

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from arrangeren_tui.core.decks.types import (
    DOMAIN_CHOICE,
    DOMAIN_SPLIT,
    INTENSITIES,
    INTENSITY_CHOICE,
    KEY_ALIASES,
    META_KEYS,
    UNREADABLE,
    Card,
    DeckProblem,
    derive_id,
    is_valid_id,
    normalize_title,
)
from arrangeren_tui.core.domains import DOMAINS
from arrangeren_tui.core.errors import os_reason
from arrangeren_tui.core.veld import Veld

if TYPE_CHECKING:  # markdown-it is imported when a deck is parsed, not at start-up
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

def plain_text(token: Token) -> str:
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
def markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def blocks(tokens: list[Token]) -> Iterator[list[Token]]:
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


def token_line(token: Token) -> int:
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


_BLOCK_KINDS = {
    "ordered_list_open": "een genummerde lijst",
    "blockquote_open": "een citaat ('>')",
    "fence": "een codeblok",
    "code_block": "een ingesprongen codeblok (begin regels niet met spaties)",
    "html_block": "HTML",
}


class _DeckParser:
    """One pass over a deck file's top-level blocks: party heading, cards, their blocks."""

    def __init__(self, path: Path, resolve: _Resolver, known: str, own: bool) -> None:
        self.path = path
        self.resolve = resolve
        self.known = known
        self.own = own
        self.problems: list[DeckProblem] = []
        self.cards: list[Card] = []
        self.seen_ids: dict[str, int] = {}
        self.party: str | None = None
        self.heading_seen = False
        self.orphan_reported = False
        self.draft: _Draft | None = None

    def problem(self, line: int, text: str) -> None:
        self.problems.append(DeckProblem(self.path, line, text))

    def run(self, tokens: list[Token]) -> tuple[list[Card], list[DeckProblem]]:
        for block in blocks(tokens):
            if block[0].type == "heading_open":
                self.heading(block)
            elif self.draft is not None:  # else: the introduction, or text before the party
                self.body(self.draft, block)
        self.finish()
        if not self.heading_seen and not self.orphan_reported:
            self.problem(1, "geen kop '# Partij' gevonden (zet bovenaan bijvoorbeeld '# Ouders')")
        self.problems.sort(key=lambda p: p.line or 0)
        return self.cards, self.problems

    def heading(self, block: list[Token]) -> None:
        first = block[0]
        level = int(first.tag[1:])
        name = normalize_title(plain_text(block[1]))
        if level == 1:
            self.finish()
            self.party_heading(name, token_line(first))
        elif level == 2:
            self.finish()
            self.draft = _Draft(title=name, line=token_line(first),
                                party=self.party if self.heading_seen else None,
                                meta_blocks=[], paragraphs=[], problems=[])
        elif self.draft is not None:
            self.draft.problems.append(DeckProblem(
                self.path, token_line(first),
                f"kop '{'#' * level}' wordt niet gebruikt in een kaart; "
                "een nieuwe kaart begint met '## Titel'",
            ))

    def party_heading(self, name: str, line: int) -> None:
        if self.heading_seen:
            self.party = None
            self.problem(line, "een bestand hoort bij één partij: er staat al een kop "
                               "'# Partij' boven; zet deze kaarten in een eigen bestand "
                               "(ze worden overgeslagen)")
            return
        self.heading_seen = True
        if not name:
            self.problem(line, f"kop '#' zonder partijnaam (bekend: {self.known})")
            self.party = None
            return
        self.party = self.resolve(name)
        if self.party is None:
            self.problem(line, f"onbekende partij '{name}' (bekend: {self.known})")

    def body(self, draft: _Draft, block: list[Token]) -> None:
        first = block[0]
        if first.type == "hr" or _is_comment(first):
            return
        if first.type == "bullet_list_open":
            self.meta_list(draft, block)
        elif first.type == "paragraph_open":
            draft.paragraphs.append(normalize_title(plain_text(block[1])))
        else:
            kind = _BLOCK_KINDS.get(first.type, f"'{first.type}'")
            draft.problems.append(DeckProblem(
                self.path, token_line(first),
                f"{kind} kan niet in een kaart; schrijf de beschrijving als gewone tekst",
            ))
        draft.seen_block = True

    def meta_list(self, draft: _Draft, block: list[Token]) -> None:
        line = token_line(block[0])
        if draft.meta_blocks:
            draft.problems.append(DeckProblem(
                self.path, line, "een kaart heeft één lijst met gegevens; "
                                 "schrijf de beschrijving als gewone tekst zonder opsomming",
            ))
            return
        if draft.seen_block:
            draft.problems.append(DeckProblem(
                self.path, line, "de lijst met gegevens hoort direct onder de titel, "
                                 "vóór de beschrijving",
            ))
        draft.meta_blocks.append(block)

    def finish(self) -> None:
        """Close the card being collected: report its problems or keep it."""
        if self.draft is None:
            return
        current, self.draft = self.draft, None
        if not self.heading_seen and not self.orphan_reported:
            self.orphan_reported = True
            self.problem(current.line, "geen kop '# Partij' boven de kaarten "
                                       "(zet bovenaan het bestand bijvoorbeeld '# Ouders')")
        card, explicit = _finish_card(current, self.path, self.own)
        self.problems.extend(current.problems)
        if card is None or current.problems:
            return
        if card.id in self.seen_ids:
            hint = ("" if explicit else
                    " (de id komt van de titel; geef deze kaart een eigen '- id: ...')")
            self.problem(card.line, f"id '{card.id}' komt al voor in "
                                    f"{self.path}:{self.seen_ids[card.id]}{hint}")
            return
        self.seen_ids[card.id] = card.line
        self.cards.append(card)


def parse_tokens(
    text: str,
    path: Path,
    resolve: _Resolver,
    known: str,
    own: bool,
) -> tuple[list[Card], list[DeckProblem]]:
    """Cards and problems of one deck file's text."""
    tokens = markdown().parse(text.removeprefix("\ufeff"))
    return _DeckParser(path, resolve, known, own).run(tokens)


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
    missing_line = draft.line if draft.meta_blocks and UNREADABLE not in values else None
    domains = _domains(values.get("domein"), path, label, missing_line, problems)
    intensity = _intensity(values.get("intensiteit"), path, label, missing_line, problems)
    explicit = "id" in values
    card_id = _card_id(values.get("id"), draft, path, problems)
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


def _domains(value: tuple[str, int] | None, path: Path, label: str, missing_line: int | None,
             problems: list[DeckProblem]) -> tuple[str, ...]:
    if value is None:
        if missing_line is not None:
            problems.append(DeckProblem(
                path, missing_line, f"{label} mist '- domein: ...' (kies uit: {DOMAIN_CHOICE})"))
        return ()
    raw, line = value
    words = [w.casefold() for w in DOMAIN_SPLIT.split(raw.strip()) if w.strip()]
    if not words:
        problems.append(
            DeckProblem(path, line, f"geen domein ingevuld (kies uit: {DOMAIN_CHOICE})")
        )
    for word in words:
        if word not in DOMAINS:
            problems.append(DeckProblem(
                path, line, f"onbekend domein '{word}' (kies uit: {DOMAIN_CHOICE})"))
    return tuple(d for d in DOMAINS if d in words)


def _intensity(value: tuple[str, int] | None, path: Path, label: str, missing_line: int | None,
               problems: list[DeckProblem]) -> str:
    if value is None:
        if missing_line is not None:
            problems.append(DeckProblem(
                path, missing_line,
                f"{label} mist '- intensiteit: ...' (kies uit: {INTENSITY_CHOICE})"))
        return ""
    raw, line = value
    intensity = raw.strip().casefold()
    if not intensity:
        problems.append(DeckProblem(
            path, line, f"geen intensiteit ingevuld (kies uit: {INTENSITY_CHOICE})"))
    elif intensity not in INTENSITIES:
        problems.append(DeckProblem(
            path, line, f"onbekende intensiteit '{raw.strip()}' (kies uit: {INTENSITY_CHOICE})"))
    return intensity


def _card_id(value: tuple[str, int] | None, draft: _Draft, path: Path,
             problems: list[DeckProblem]) -> str:
    if value is None:
        if draft.party is None or not draft.title:
            return ""
        return derive_id(draft.party, draft.title)
    card_id = value[0].strip()
    if not is_valid_id(card_id):
        problems.append(DeckProblem(
            path, value[1],
            f"ongeldige id '{card_id}': gebruik alleen kleine letters, cijfers en "
            "streepjes, hoogstens 80 tekens (bijvoorbeeld 'ouders-voorlezen')",
        ))
    return card_id


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
        line = token_line(item[0])
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
        text = plain_text(item[2])
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
            values.setdefault(UNREADABLE, ("", line))
            problems.append(
                DeckProblem(
                    path,
                    line,
                    f"'{text.strip()}' is geen gegeven; schrijf 'naam: waarde', "
                    "bijvoorbeeld 'domein: leren'",
                )
            )
            continue
        name = KEY_ALIASES.get(key.strip().casefold())
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
    return parse_tokens(text, path, _veld_resolver(veld), _known(veld), own)


def read_text(path: Path) -> tuple[str | None, DeckProblem | None]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = os_reason(error)
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
    text, problem = read_text(path)
    if text is None:
        return [], [problem] if problem else []
    return parse_deck_text(text, path, veld, own)


# ---------------------------------------------------------------------------
# Folders


