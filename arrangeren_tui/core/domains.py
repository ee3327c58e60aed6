"""The four domains of the Dialooginstrument HGW, shared by cards, notes and the voorbereiding.

A note or a card can touch a domain; the capture bar takes ``#leren`` (or any
unique start, or the two-letter short form ``#le #wh #gd #gz``) to tag a note.
"""

from __future__ import annotations

DOMAINS = ("leren", "werkhouding", "gedrag", "gezondheid")
DOMAIN_SHORT = {"leren": "le", "werkhouding": "wh", "gedrag": "gd", "gezondheid": "gz"}
DOMAIN_LABELS = {"leren": "Leren", "werkhouding": "Werkhouding", "gedrag": "Gedrag",
                 "gezondheid": "Gezondheid"}


def match_domain(word: str) -> list[str]:
    """Domains meant by ``word``: exact, short form, or unique start (case-insensitive)."""
    wanted = word.strip().casefold()
    if not wanted:
        return []
    exact = [d for d in DOMAINS if wanted in (d, DOMAIN_SHORT[d])]
    if exact:
        return exact
    return [d for d in DOMAINS if d.startswith(wanted)]


def next_domain(current: str) -> str:
    """The domain after ``current`` in the cycle none → leren → … → gezondheid → none."""
    cycle = ("", *DOMAINS)
    index = cycle.index(current) if current in cycle else 0
    return cycle[(index + 1) % len(cycle)]
