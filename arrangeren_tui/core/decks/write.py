"""Writing a blanco card into the user's own deck file (``eigen-<partij>.md``), safely."""


from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from arrangeren_tui.core.decks.parse import (
    blocks,
    markdown,
    parse_tokens,
    plain_text,
    read_text,
    token_line,
)
from arrangeren_tui.core.decks.types import (
    DOMAIN_CHOICE,
    ID_MAX,
    INTENSITIES,
    INTENSITY_CHOICE,
    OWN_DECK_PREFIX,
    Card,
    DeckError,
    derive_id,
    escape_inline,
    escape_line,
    is_valid_id,
    normalize_description,
    normalize_title,
)
from arrangeren_tui.core.domains import DOMAINS
from arrangeren_tui.core.paths import user_decks_dir
from arrangeren_tui.core.storage.files import DIR_MODE, atomic_write_bytes

if TYPE_CHECKING:  # markdown-it is imported when a deck is parsed, not at start-up
    from markdown_it.token import Token

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
        raise ValueError(f"onbekend domein '{unknown[0]}' (kies uit: {DOMAIN_CHOICE})")
    if not wanted:
        raise ValueError(f"kies minstens één domein ({DOMAIN_CHOICE})")
    level = intensity.strip().casefold()
    if level not in INTENSITIES:
        raise ValueError(f"onbekende intensiteit '{intensity}' (kies uit: {INTENSITY_CHOICE})")
    taken_ids = set(taken)
    if card_id is None:
        base = derive_id(party, clean_title)[:ID_MAX].rstrip("-")
        card_id, number = base, 1
        while card_id in taken_ids:
            number += 1
            card_id = f"{base[: ID_MAX - len(str(number)) - 1].rstrip('-')}-{number}"
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
        raise DeckError(f"kies minstens één domein uit: {DOMAIN_CHOICE}")
    if card.intensity not in INTENSITIES:
        raise DeckError(f"kies een intensiteit uit: {INTENSITY_CHOICE}")
    if not is_valid_id(card.id):
        raise DeckError(f"ongeldige id '{card.id}'")
    domains = ", ".join(d for d in DOMAINS if d in card.domains)
    lines = [
        f"## {escape_inline(title)}",
        "",
        f"- domein: {domains}",
        f"- intensiteit: {card.intensity}",
        f"- id: {card.id}",
    ]
    description = normalize_description(card.description)
    for paragraph in description.split("\n\n") if description else []:
        lines += ["", escape_line(paragraph)]
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
    for block in blocks(tokens):
        if block[0].type == "heading_open" and block[0].tag == "h1":
            return normalize_title(plain_text(block[1])), token_line(block[0])
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
        text, problem = read_text(path)
        if text is None:
            raise DeckError(str(problem))
        existing = text.removeprefix("\ufeff")
    names = {party_label.casefold(), card.party.casefold()}

    def resolve(name: str) -> str | None:
        return card.party if name.casefold() in names else None

    if existing.strip():
        heading = _first_heading(markdown().parse(existing))
        if heading is None:
            raise DeckError(f"{path}: het bestand heeft geen kop '# {party_label}'")
        if heading[0].casefold() not in names:
            raise DeckError(
                f"{path}:{heading[1]}: dit bestand hoort bij '{heading[0]}', "
                f"niet bij '{party_label}'"
            )
        before, _ = parse_tokens(existing, path, resolve, party_label, own=True)
        if any(c.id == card.id for c in before):
            raise DeckError(f"{path}: er staat al een kaart met id '{card.id}'")
        new_text = existing.rstrip() + "\n\n" + section
    else:
        before = []
        new_text = f"# {escape_inline(normalize_title(party_label))}\n\n{section}"

    after, _ = parse_tokens(new_text, path, resolve, party_label, own=True)
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

