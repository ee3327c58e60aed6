"""The foto (SVG): every text inside its post-it or card, measured with the real font
metrics; important notes bigger; the width table agrees with the shipped fonts."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from conftest import T0
from test_verslag import HOSTILE, full_session

from arrangeren_tui.core.export import textwidth
from arrangeren_tui.core.export.foto import render_svg
from arrangeren_tui.core.paths import shipped_fonts_dir

NS = "{http://www.w3.org/2000/svg}"
LONG_WORD = "Kinderdagcentrumbehandelingsindicatieaanvraagformulierenstapel"


class Metrics:
    """Advance widths straight from the TTF files (fontTools comes with fpdf2)."""

    def __init__(self) -> None:
        from fontTools.ttLib import TTFont

        self.fonts = {}
        for bold, name in ((False, "DejaVuSans.ttf"), (True, "DejaVuSans-Bold.ttf")):
            font = TTFont(shipped_fonts_dir() / name, lazy=True)
            cmap, hmtx = font.getBestCmap(), font["hmtx"].metrics
            units = font["head"].unitsPerEm
            self.fonts[bold] = {code: hmtx[glyph][0] / units for code, glyph in cmap.items()}

    def width(self, text: str, size: float, bold: bool) -> float:
        # A glyph the font lacks is drawn from another font: count it as 1.25 em as well.
        return sum(self.fonts[bold].get(ord(c), 1.25) for c in text) * size


@pytest.fixture(scope="module")
def metrics() -> Metrics:
    return Metrics()


def crowded(veld):  # type: ignore[no-untyped-def]
    session = full_session(veld)
    session.add_note("Ondersteuningsbehoeften van de leraar: tijd voor overleg met de "
                     "orthopedagoog en concrete tips voor de instructie", T0, party="school",
                     step="ondersteuning")
    session.add_note(LONG_WORD, T0, party="swv", step="ondersteuning", important=True)
    session.add_note("Rust en voorspelbaarheid in de ochtend " * 6, T0, party="leerling",
                     step="behoeften", important=True)
    laid = session.lay_card(T0, card_id="swv-ab", party="swv", step="arrangeren",
                            title="Ambulante begeleiding van de leerkracht door het SWV",
                            intensity="middel")
    session.update_afspraak(laid.id, T0, wie="Pieter Kok", wanneer="2026-12-01")
    for hostile in HOSTILE[:3]:
        session.add_note(hostile, T0, party="jgz", step="behoeften")
    session.add_note("WWWWWWWWWW😀😀😀中文中文 " * 3, T0, party="jeugdhulp", step="behoeften")
    return session


def boxes_and_texts(svg: str):  # type: ignore[no-untyped-def]
    root = ET.fromstring(svg.encode("utf-8"))
    rects = [r for r in root.iter(f"{NS}rect") if r.get("rx")]  # post-its and cards
    texts = list(root.iter(f"{NS}text"))
    return root, rects, texts


def test_every_text_stays_inside_its_post_it_or_card(veld, metrics):
    svg = render_svg(crowded(veld))
    _root, rects, texts = boxes_and_texts(svg)
    assert len(rects) >= 10
    inside = 0
    for rect in rects:
        x, y = float(rect.get("x", 0)), float(rect.get("y", 0))
        width, height = float(rect.get("width", 0)), float(rect.get("height", 0))
        for text in texts:
            tx, ty = float(text.get("x", 0)), float(text.get("y", 0))
            if not (x <= tx <= x + width and y <= ty <= y + height):
                continue
            inside += 1
            size = float(text.get("font-size", 12))
            bold = text.get("font-weight") == "bold"
            drawn = metrics.width(text.text or "", size, bold)
            assert tx + drawn <= x + width, (text.text, tx + drawn, x + width)
            assert ty - size * 0.8 >= y and ty + size * 0.25 <= y + height, text.text
    assert inside >= 20


def test_step_names_and_cells_keep_words_whole(veld, metrics):
    svg = render_svg(crowded(veld))
    _root, _rects, texts = boxes_and_texts(svg)
    lines = [t.text or "" for t in texts]
    assert any("Ondersteuningsbehoeften" in line for line in lines)  # never "…beho / eften"
    assert any(line.startswith("Ambulante begeleiding") or "Ambulante begeleiding" in line
               for line in lines)
    assert not any(line.endswith("Ondersteuningsbeho") for line in lines)
    # A word longer than any box is the one thing that is broken, inside the box.
    pieces = [line for line in lines if len(line) > 4 and line in LONG_WORD]
    assert "".join(pieces) == LONG_WORD


def test_important_notes_are_bigger_post_its_with_bigger_letters(veld):
    svg = render_svg(crowded(veld))
    root = ET.fromstring(svg.encode("utf-8"))
    widths: dict[str, list[float]] = {}
    for rect in root.iter(f"{NS}rect"):
        if rect.get("rx"):
            widths.setdefault(rect.get("fill", ""), []).append(float(rect.get("width", 0)))
    # The orange (important) square is wider than an ordinary yellow post-it.
    assert min(widths["#ffb74d"]) > min(widths["#fff59d"])
    sizes = {t.text: float(t.get("font-size", 0)) for t in root.iter(f"{NS}text")}
    important = sizes["Ouders geven toestemming"] if "Ouders geven toestemming" in sizes else \
        next(size for text, size in sizes.items() if text and text.startswith("Ouders geven"))
    ordinary = next(size for text, size in sizes.items() if text and text.startswith("Thuis"))
    assert important > ordinary
    assert all(t.get("fill") for t in root.iter(f"{NS}text"))  # no renderer-default ink


def test_the_width_table_agrees_with_the_fonts():
    """If the fonts change, the table printed here replaces the one in textwidth.py."""
    from fontTools.ttLib import TTFont

    for bold, name in ((False, "DejaVuSans.ttf"), (True, "DejaVuSans-Bold.ttf")):
        font = TTFont(shipped_fonts_dir() / name, lazy=True)
        cmap, hmtx = font.getBestCmap(), font["hmtx"].metrics
        units = font["head"].unitsPerEm
        table = textwidth._BOLD if bold else textwidth._REGULAR
        for char, width in table.items():
            real = math.ceil(hmtx[cmap[ord(char)]][0] * 100 / units)
            assert width == real, (name, char, width, real)
        for code in range(0x20, 0x250):
            if code in cmap:
                assert chr(code) in table, (name, hex(code))
