"""The foto: an SVG picture of the whole veld, like the photo of the placemat for the file.

Steps are rows, parties are columns, notes are yellow post-its and laid cards
blue. As on paper, an important note is a big post-it: larger, bold letters on
an orange square the width of the cell; an ordinary one is a smaller square.
Every text is wrapped by its measured width (DejaVu Sans, ``textwidth``) so it
stays inside its box; a word too long for the box is set smaller first, and
only broken when even that does not fit. A pure function of the session; every
typed text is escaped for XML and stripped of characters XML cannot hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from arrangeren_tui.core.export.names import NameRegister
from arrangeren_tui.core.export.textwidth import text_width
from arrangeren_tui.core.export.verslag import month_of, pseudonyms
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.text import safe_text

STEP_WIDTH = 195
CELL_WIDTH = 185
PAD = 6  # inside a post-it or card, each side
MAX_ITEMS = 4
MAX_LINES = 6
SMALLEST = 9  # px: a long word is set down to this size before it is broken
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
INK = "#111"
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text safe inside an SVG <text>: controls visible, XML-invalid characters replaced."""
    # html.escape, not xml.sax.saxutils: the latter imports urllib.request (a network client).
    return escape(_NOT_XML.sub("\ufffd", safe_text(text)), quote=True)


@dataclass(frozen=True)
class Style:
    """How one kind of box sets its text."""

    size: float
    bold: bool
    fill: str
    width: int  # of the box
    stroke: str = "#b0a070"



STYLES = {
    "note": Style(12, False, "#fff59d", CELL_WIDTH - 30),
    "wide": Style(12, False, "#fff59d", CELL_WIDTH - 10),
    "important": Style(14.5, True, "#ffb74d", CELL_WIDTH - 10, "#c77800"),
    "card": Style(12, False, "#bbdefb", CELL_WIDTH - 10, "#6a8db5"),
    "more": Style(12, False, "#eeeeee", CELL_WIDTH - 10, "#999"),
}


def _split_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    """A word wider than ``width``, cut into pieces that each fit."""
    pieces, piece = [], ""
    for char in word:
        if piece and text_width(piece + char, size, bold=bold) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]


def wrap(text: str, width: float, size: float, *, bold: bool = False,
         limit: int = MAX_LINES) -> tuple[float, list[str]]:
    """``text`` in lines no wider than ``width``: (the size used, the lines).

    The size goes down (to SMALLEST) while the longest word does not fit; after
    ``limit`` lines the last one ends in an ellipsis.
    """
    words = safe_text(" ".join(text.split())).split(" ")
    longest = max(words, key=lambda word: text_width(word, size, bold=bold))
    while size > SMALLEST and text_width(longest, size, bold=bold) > width:
        size = max(SMALLEST, size - 0.5)
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold=bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        pieces = (_split_word(word, width, size, bold)
                  if text_width(word, size, bold=bold) > width else [word])
        lines += pieces[:-1]
        line = pieces[-1]
    lines.append(line)
    if len(lines) > limit:
        lines = lines[:limit]
        last = lines[-1]
        while last and text_width(last + " …", size, bold=bold) > width:
            last = last[:-1]
        lines[-1] = f"{last.rstrip()} …"
    return size, lines


@dataclass(frozen=True)
class Item:
    """One post-it or card in a cell, its text already wrapped."""

    kind: str
    size: float
    lines: list[str]

    @property
    def style(self) -> Style:
        return STYLES[self.kind]

    @property
    def line(self) -> float:
        return round(self.size * 1.3, 1)

    @property
    def height(self) -> float:
        return len(self.lines) * self.line + 2 * PAD - 2


def _item(kind: str, text: str) -> Item:
    style = STYLES[kind]
    size, lines = wrap(text, style.width - 2 * PAD, style.size, bold=style.bold)
    if kind == "note" and size < style.size:
        # A word too long for a small post-it: a wide one, before the letters get smaller.
        kind = "wide"
        size, lines = wrap(text, STYLES[kind].width - 2 * PAD, style.size)
    return Item(kind, size, lines)


def _cell_items(session: Session, names: NameRegister, step: str,
                party: str) -> list[Item]:
    """One cell's post-its and cards, at most MAX_ITEMS of them."""
    texts: list[tuple[str, str]] = []
    for note in session.notes_for(step, party):
        texts.append(("important" if note.important else "note", names.apply(note.text)))
    for laid in session.cards_for(step, party):
        who = f" → {laid.wie}" if laid.wie else ""
        when = f" ({laid.wanneer})" if laid.wanneer else ""
        texts.append(("card", names.apply(f"▣ {laid.title}{who}{when}")))
    if len(texts) > MAX_ITEMS:
        extra = len(texts) - MAX_ITEMS + 1
        texts = texts[: MAX_ITEMS - 1] + [("more", f"+ {extra} meer")]
    return [_item(kind, text) for kind, text in texts]


def _text(x: float, y: float, line: str, size: float, *, bold: bool = False,
          fill: str = INK) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" fill="{fill}"{weight}>'
            f"{xml_text(line)}</text>")


def _block(x: float, y: float, width: float, text: str, size: float, *, bold: bool = False,
           fill: str = INK, limit: int = 2) -> tuple[list[str], float]:
    """A wrapped text at (x, y = first baseline): its elements and the height it took."""
    used, lines = wrap(text, width, size, bold=bold, limit=limit)
    step = round(used * 1.3, 1)
    return ([_text(x, y + index * step, line, used, bold=bold, fill=fill)
             for index, line in enumerate(lines)], len(lines) * step)


def _draw_items(x: float, y: float, items: list[Item]) -> list[str]:
    out: list[str] = []
    for item in items:
        style = item.style
        out.append(f'<rect x="{x + 5}" y="{y:g}" width="{style.width}" '
                   f'height="{item.height:g}" rx="3" fill="{style.fill}" '
                   f'stroke="{style.stroke}"/>')
        baseline = y + PAD - 2 + item.size
        for number, line in enumerate(item.lines):
            out.append(_text(x + 5 + PAD, baseline + number * item.line, line, item.size,
                             bold=style.bold))
        y += item.height + 4
    return out


def render_svg(session: Session, *, pseudonymise: bool = False,
               names: NameRegister | None = None, full_header: bool = False) -> str:
    """The veld as one self-contained SVG document."""
    names = pseudonyms(session, pseudonymise, names)
    veld = session.veld
    parties = veld.parties
    rows = [[_cell_items(session, names, step.key, party.key) for party in parties]
            for step in veld.steps]
    step_names = [f"{number}. {step.name}" for number, step in enumerate(veld.steps, start=1)]
    step_heights = [_block(0, 0, STEP_WIDTH - 12, name, 12, bold=True, limit=3)[1]
                    for name in step_names]
    heights = [max([step_height + 30] + [sum(item.height + 4 for item in items) + 8
                                         for items in row])
               for row, step_height in zip(rows, step_heights, strict=True)]
    width = STEP_WIDTH + CELL_WIDTH * len(parties) + 20
    full = full_header or not pseudonymise
    when = session.meta.date if full else month_of(session.meta.date)
    title = names.apply(f"Arrangeerveld · {session.meta.pupil} · {when}")
    regie = names.apply(session.casusregie) or "—"
    head, head_height = _block(10, 30, width - 20, title, 20, bold=True, limit=2)
    sub, sub_height = _block(10, 30 + head_height, width - 20,
                             f"Casusregie: {regie} · evaluatie: "
                             f"{session.evaluation_date or '—'}", 12, fill="#444")
    top = 30 + head_height + sub_height
    labels = [_block(10 + STEP_WIDTH + index * CELL_WIDTH + 6, top + 14, CELL_WIDTH - 12,
                     party.label, 12, bold=True) for index, party in enumerate(parties)]
    label_height = max(height for _lines, height in labels)
    y = top + label_height + 8
    height = y + sum(heights) + 20
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:g}" '
        f'viewBox="0 0 {width} {height:g}" font-family="{FONT}" font-size="12">',
        f"<title>{xml_text(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height:g}" fill="#f4f1e8"/>',
        *head, *sub,
    ]
    for lines, _height in labels:
        out += lines
    for number, (row, row_height) in enumerate(zip(rows, heights, strict=True)):
        step = veld.steps[number]
        out.append(f'<rect x="10" y="{y:g}" width="{width - 20}" height="{row_height:g}" '
                   'fill="none" stroke="#999"/>')
        lines, step_height = _block(16, y + 18, STEP_WIDTH - 12, step_names[number], 12,
                                    bold=True, limit=3)
        out += lines
        out.append(_text(16, y + 18 + step_height, f"{step.minutes} min", 12, fill="#555"))
        for index, items in enumerate(row):
            x = 10 + STEP_WIDTH + index * CELL_WIDTH
            out.append(f'<line x1="{x}" y1="{y:g}" x2="{x}" y2="{y + row_height:g}" '
                       'stroke="#999"/>')
            out += _draw_items(x, y + 6, items)
        y += row_height
    out.append("</svg>")
    return "\n".join(out) + "\n"

