"""Searching the card decks as you type: filters first, then words, then fuzzy.

Every query word found in a card's text (title, description, party, domains,
intensity) is a hit; a query that is no substring anywhere falls back to
Textual's fuzzy matcher (the command palette's) over the short fields only,
because fuzzy matching a long description costs too much per keystroke.
A set-of-letters check skips most cards before any fuzzy work. Built once
per deck, it keeps a query over 5,000 cards within a frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.fuzzy import FuzzySearch

from arrangeren_tui.core.decks.types import Card
from arrangeren_tui.core.veld import Veld

MAX_RESULTS = 200


@dataclass(frozen=True)
class _Entry:
    card: Card
    order: int
    short: str  # title, party, domains, intensity (lower case)
    full: str  # short + description
    letters: frozenset[str]
    title: str


@dataclass(frozen=True)
class Filters:
    """Narrow the deck; None means any."""

    party: str | None = None
    domain: str | None = None
    intensity: str | None = None

    def admits(self, card: Card) -> bool:
        return (
            (self.party is None or card.party == self.party)
            and (self.domain is None or self.domain in card.domains)
            and (self.intensity is None or card.intensity == self.intensity)
        )


class CardIndex:
    """The searchable form of a list of cards."""

    def __init__(self, cards: Sequence[Card], veld: Veld) -> None:
        labels = {p.key: p.label for p in veld.parties}
        self._entries: list[_Entry] = []
        for order, card in enumerate(cards):
            short = " ".join(
                [card.title, labels.get(card.party, card.party), *card.domains, card.intensity]
            ).lower()
            full = f"{short} {card.description.lower()}"
            self._entries.append(
                _Entry(card, order, short, full, frozenset(short), card.title.lower())
            )
        self._fuzzy = FuzzySearch(cache_size=1024)
        self._last: tuple[str, Filters, int] | None = None
        self._last_result: list[Card] = []

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str, filters: Filters = Filters(), limit: int = MAX_RESULTS
               ) -> list[Card]:
        """The best cards for ``query`` under ``filters``, best first (deck order on ties)."""
        key = (query, filters, limit)
        if key == self._last:
            return self._last_result
        entries = [e for e in self._entries if filters.admits(e.card)]
        text = " ".join(query.lower().split())
        if not text:
            result = [e.card for e in entries[:limit]]
        else:
            result = self._rank(text, entries, limit)
        self._last, self._last_result = key, result
        return result

    def _rank(self, text: str, entries: list[_Entry], limit: int) -> list[Card]:
        words = text.split()
        scored: list[tuple[float, int, Card]] = []
        for entry in entries:
            if all(word in entry.full for word in words):
                score = 100.0
                if text in entry.title:
                    score += 100.0 + (50.0 if entry.title.startswith(text) else 0.0)
                elif all(word in entry.short for word in words):
                    score += 50.0
                scored.append((score, entry.order, entry.card))
        if not scored:
            # Fuzzy: letters in order (a cheap test), then Textual's score for the
            # first few hundred candidates only; its scoring explores every way the
            # letters can match, which is too slow to run over thousands of cards.
            letters = set(text.replace(" ", ""))
            squeezed = text.replace(" ", "")
            budget = 2 * limit
            for entry in entries:
                if not letters <= entry.letters or not _in_order(squeezed, entry.short):
                    continue
                score, _offsets = self._fuzzy.match(text, entry.short)
                if score > 0:
                    scored.append((score, entry.order, entry.card))
                    budget -= 1
                    if not budget:
                        break
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [card for _score, _order, card in scored[:limit]]


def _in_order(letters: str, text: str) -> bool:
    """True if ``letters`` occur in ``text`` in this order (not necessarily adjacent)."""
    position = 0
    for letter in letters:
        position = text.find(letter, position) + 1
        if not position:
            return False
    return True
