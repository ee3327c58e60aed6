"""Loading the deck folders in order of priority, merged into one deck, with a parse cache.

Several deck folders are loaded in order of increasing priority (shipped, the
user's own folder, ``$ARRANGEREN_DECKS``, ``--decks``). A card whose id already
came from an earlier folder *replaces* that card and takes over its position;
a card with a new id is appended. The deck is then ordered by the party order
of the veld (stable, so within a party the order above is kept). The same id
twice inside one folder is a problem: the later card is skipped.
"""


from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arrangeren_tui.core.decks.parse import parse_deck_file
from arrangeren_tui.core.decks.types import DECK_SUFFIX, IGNORED_NAMES, Card, Deck, DeckProblem
from arrangeren_tui.core.paths import shipped_decks_dir
from arrangeren_tui.core.storage.files import DIR_MODE, atomic_write_bytes
from arrangeren_tui.core.veld import Veld

try:
    # CPython's own BLAKE2 (built in). ``hashlib`` would load its OpenSSL binding for it,
    # ~0.6 MiB of resident memory in a program that needs no other hash at start.
    from _blake2 import blake2b
except ImportError:  # another Python
    from hashlib import blake2b

if TYPE_CHECKING:  # markdown-it is imported when a deck is parsed, not at start-up
    pass

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

    VERSION = 2  # 2: keys are BLAKE2b digests (were SHA-256)

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
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
        digest = blake2b(raw, digest_size=32)
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
    def _cards(entry: dict[str, Any], path: Path) -> list[Card]:
        return [Card(id=str(c[0]), party=str(c[1]), title=str(c[2]), description=str(c[3]),
                     domains=tuple(str(d) for d in c[4]), intensity=str(c[5]), source=path,
                     line=int(c[6]), own=bool(c[7]))
                for c in entry["cards"]]

    @staticmethod
    def _problems(entry: dict[str, Any], path: Path) -> list[DeckProblem]:
        return [DeckProblem(path, None if p[0] is None else int(p[0]), str(p[1]))
                for p in entry["problems"]]

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


