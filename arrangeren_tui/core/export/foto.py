"""The foto: an SVG picture of the whole veld, like the photo of the placemat for the file.

Steps are rows, parties are columns, notes are yellow post-its (important ones
bigger, in orange) and laid cards blue. A pure function of the session; every
typed text is escaped for XML and stripped of characters XML cannot hold.
"""

from __future__ import annotations

import re
import textwrap
from html import escape

from arrangeren_tui.core.export.names import NameRegister
from arrangeren_tui.core.export.verslag import month_of, pseudonyms
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.text import safe_text

STEP_WIDTH = 170
CELL_WIDTH = 210
LINE = 15
WRAP = 30
MAX_ITEMS = 4
LINES_PER_ITEM = 3
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text safe inside an SVG <text>: controls visible, XML-invalid characters replaced."""
    # html.escape, not xml.sax.saxutils: the latter imports urllib.request (a network client).
    return escape(_NOT_XML.sub("\ufffd", safe_text(text)), quote=True)


def _lines(text: str, limit: int = LINES_PER_ITEM, width: int = WRAP) -> list[str]:
    flat = " ".join(text.split())
    lines = textwrap.wrap(flat, width, break_long_words=True) or [""]
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines


def _cell_items(session: Session, names: NameRegister, step: str,
                party: str) -> list[tuple[str, list[str]]]:
    """One cell's post-its and cards as (kind, wrapped lines), at most MAX_ITEMS of them."""
    items: list[tuple[str, list[str]]] = []
    for note in session.notes_for(step, party):
        kind = "important" if note.important else "note"
        width = WRAP - 5 if note.important else WRAP  # bold letters are wider
        items.append((kind, _lines(names.apply(note.text), width=width)))
    for laid in session.cards_for(step, party):
        who = f" → {laid.wie}" if laid.wie else ""
        when = f" ({laid.wanneer})" if laid.wanneer else ""
        items.append(("card", _lines(names.apply(f"▣ {laid.title}{who}{when}"))))
    if len(items) > MAX_ITEMS:
        extra = len(items) - MAX_ITEMS + 1
        items = items[: MAX_ITEMS - 1] + [("more", [f"+ {extra} meer"])]
    return items


def render_svg(session: Session, *, pseudonymise: bool = False,
               names: NameRegister | None = None, full_header: bool = False) -> str:
    """The veld as one self-contained SVG document (pseudonymised as the verslag is)."""
    names = pseudonyms(session, pseudonymise, names)
    veld = session.veld
    parties = veld.parties
    # Lay out every cell first: its items as (kind, lines).
    rows = [[_cell_items(session, names, step.key, party.key) for party in parties]
            for step in veld.steps]

    def cell_height(items: list[tuple[str, list[str]]]) -> int:
        return sum(len(lines) * LINE + 10 for _kind, lines in items) + 10

    heights = [max([60] + [cell_height(items) for items in row]) for row in rows]
    width = STEP_WIDTH + CELL_WIDTH * len(parties) + 20
    top = 70
    height = top + 30 + sum(heights) + 20
    full = full_header or not pseudonymise
    when = session.meta.date if full else month_of(session.meta.date)
    title = names.apply(f"Arrangeerveld · {session.meta.pupil} · {when}")
    regie = names.apply(session.casusregie) or "—"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" '
        'font-size="12">',
        f"<title>{xml_text(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f4f1e8"/>',
        f'<text x="10" y="30" font-size="20" font-weight="bold">{xml_text(title)}</text>',
        f'<text x="10" y="52" fill="#555">Casusregie: {xml_text(regie)} · '
        f"evaluatie: {xml_text(session.evaluation_date or '—')}</text>",
    ]
    for index, party in enumerate(parties):
        x = 10 + STEP_WIDTH + index * CELL_WIDTH
        out.append(f'<text x="{x + 6}" y="{top + 18}" font-weight="bold">'
                   f"{xml_text(party.label)}</text>")
    y = top + 30
    layout = zip(veld.steps, rows, heights, strict=True)
    for number, (step, row, row_height) in enumerate(layout, start=1):
        out.append(f'<rect x="10" y="{y}" width="{width - 20}" height="{row_height}" '
                   'fill="none" stroke="#999"/>')
        name_lines = _lines(f"{number}. {step.name}", limit=2, width=21)
        for line_number, line in enumerate(name_lines):
            out.append(f'<text x="16" y="{y + 18 + line_number * LINE}" font-weight="bold">'
                       f"{xml_text(line)}</text>")
        out.append(f'<text x="16" y="{y + 18 + len(name_lines) * LINE}" fill="#555">'
                   f"{step.minutes} min</text>")
        for index, items in enumerate(row):
            x = 10 + STEP_WIDTH + index * CELL_WIDTH
            out.append(f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + row_height}" '
                       'stroke="#999"/>')
            item_y = y + 6
            for kind, lines in items:
                fill = {"note": "#fff59d", "important": "#ffb74d", "card": "#bbdefb",
                        "more": "#eeeeee"}[kind]
                box = len(lines) * LINE + 6
                out.append(f'<rect x="{x + 5}" y="{item_y}" width="{CELL_WIDTH - 10}" '
                           f'height="{box}" rx="3" fill="{fill}" stroke="#b0a070"/>')
                weight = ' font-weight="bold"' if kind == "important" else ""
                for line_number, line in enumerate(lines):
                    out.append(f'<text x="{x + 10}" y="{item_y + 15 + line_number * LINE}"'
                               f"{weight}>{xml_text(line)}</text>")
                item_y += box + 4
        y += row_height
    out.append("</svg>")
    return "\n".join(out) + "\n"
