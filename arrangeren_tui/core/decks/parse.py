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


def parse_tokens(
    text: str,
    path: Path,
    resolve: _Resolver,
    known: str,
    own: bool,
) -> tuple[list[Card], list[DeckProblem]]:
    text = text.removeprefix("\ufeff")
    tokens = markdown().parse(text)
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

    for block in blocks(tokens):
        first = block[0]
        if first.type == "heading_open":
            level = int(first.tag[1:])
            name = normalize_title(plain_text(block[1]))
            if level == 1:
                finish()
                if heading_seen:
                    party = None
                    problems.append(
                        DeckProblem(
                            path,
                            token_line(first),
                            "een bestand hoort bij één partij: er staat al een kop '# Partij' "
                            "boven; zet deze kaarten in een eigen bestand (ze worden overgeslagen)",
                        )
                    )
                    continue
                heading_seen = True
                if not name:
                    problems.append(
                        DeckProblem(
                            path, token_line(first), f"kop '#' zonder partijnaam (bekend: {known})"
                        )
                    )
                    party = None
                    continue
                party = resolve(name)
                if party is None:
                    problems.append(
                        DeckProblem(
                            path, token_line(first), f"onbekende partij '{name}' (bekend: {known})"
                        )
                    )
                continue
            if level == 2:
                finish()
                draft = _Draft(
                    title=name,
                    line=token_line(first),
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
                        token_line(first),
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
                        token_line(first),
                        "een kaart heeft één lijst met gegevens; "
                        "schrijf de beschrijving als gewone tekst zonder opsomming",
                    )
                )
            else:
                if draft.seen_block:
                    draft.problems.append(
                        DeckProblem(
                            path,
                            token_line(first),
                            "de lijst met gegevens hoort direct onder de titel, "
                            "vóór de beschrijving",
                        )
                    )
                draft.meta_blocks.append(block)
        elif first.type == "paragraph_open":
            draft.paragraphs.append(normalize_title(plain_text(block[1])))
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
                    token_line(first),
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
    report_missing = bool(draft.meta_blocks) and UNREADABLE not in values

    domains: tuple[str, ...] = ()
    if "domein" in values:
        raw, line = values["domein"]
        words = [w.casefold() for w in DOMAIN_SPLIT.split(raw.strip()) if w.strip()]
        if not words:
            problems.append(
                DeckProblem(path, line, f"geen domein ingevuld (kies uit: {DOMAIN_CHOICE})")
            )
        for word in words:
            if word not in DOMAINS:
                problems.append(
                    DeckProblem(
                        path, line, f"onbekend domein '{word}' (kies uit: {DOMAIN_CHOICE})"
                    )
                )
        domains = tuple(d for d in DOMAINS if d in words)
    elif report_missing:
        problems.append(
            DeckProblem(
                path, draft.line, f"{label} mist '- domein: ...' (kies uit: {DOMAIN_CHOICE})"
            )
        )

    intensity = ""
    if "intensiteit" in values:
        raw, line = values["intensiteit"]
        intensity = raw.strip().casefold()
        if not intensity:
            problems.append(
                DeckProblem(
                    path, line, f"geen intensiteit ingevuld (kies uit: {INTENSITY_CHOICE})"
                )
            )
        elif intensity not in INTENSITIES:
            problems.append(
                DeckProblem(
                    path,
                    line,
                    f"onbekende intensiteit '{raw.strip()}' (kies uit: {INTENSITY_CHOICE})",
                )
            )
    elif report_missing:
        problems.append(
            DeckProblem(
                path,
                draft.line,
                f"{label} mist '- intensiteit: ...' (kies uit: {INTENSITY_CHOICE})",
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
    text, problem = read_text(path)
    if text is None:
        return [], [problem] if problem else []
    return parse_deck_text(text, path, veld, own)


# ---------------------------------------------------------------------------
# Folders


