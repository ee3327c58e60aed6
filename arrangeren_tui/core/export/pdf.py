"""The verslag as one PDF/A-2b file for the leerlingdossier.

A4 portrait, the foto of the veld as a vector picture on its own landscape page,
DejaVu Sans embedded (PDF/A allows no font outside the file), page numbers,
title, date and language (nl) in the document's metadata.

Built from the same Markdown as the HTML verslag and the same SVG as the foto,
both pseudonymised there, so no export can say more than another. fpdf2 is
imported only here, when a PDF is made (docs/architectuur.md, lazy imports).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from arrangeren_tui.core.export.foto import render_svg
from arrangeren_tui.core.export.names import NameRegister
from arrangeren_tui.core.export.verslag import render_markdown
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.paths import shipped_fonts_dir

if TYPE_CHECKING:
    from fpdf import FPDF
    from markdown_it.token import Token

FONT = "DejaVu Sans"
COMPLIANCE = "PDF/A-2B"
MARGIN = 15.0  # mm, every side of an A4 page
BODY = 10.0  # pt
TABLE = 8.5  # pt
LINE = 1.45  # line height as a factor of the font size
PT = 25.4 / 72  # mm per point
GREY = (90, 90, 90)
HEADER_FILL = (235, 235, 235)
# Columns whose cells are a date or a name: never wrapped (while one still fits in the page).
WHOLE = {"Wanneer", "Datum", "Naam", "Wie", "Gegeven door", "Partij", "Mag ontvangen",
         "Intensiteit", "Status", "Uitkomst", "Gegeven"}
# A column never takes more than this share of the width just to avoid wrapping.
MAX_SHARE = 0.42


_PIECES = re.compile(r"\S+|\s+")
BLACK = (0, 0, 0)


@dataclass(frozen=True)
class Run:
    """A piece of inline text with its emphasis; ``text == "\\n"`` is a line break."""

    text: str
    bold: bool = False
    quiet: bool = False  # Markdown emphasis, shown grey (no italic font is embedded)


def render_pdf(session: Session, *, now: float, pseudonymise: bool = False,
               names: NameRegister | None = None, full_header: bool = False) -> bytes:
    """The verslag and the foto of one session as PDF/A-2b bytes (pseudonymised, with
    ``names`` and ``full_header``, exactly as the Markdown and the foto are)."""
    from markdown_it import MarkdownIt

    markdown = render_markdown(session, now=now, pseudonymise=pseudonymise, names=names,
                               full_header=full_header)
    svg = render_svg(session, pseudonymise=pseudonymise, names=names, full_header=full_header)
    pdf = _new_document(session, now=now, pseudonymise=pseudonymise)
    writer = _Writer(pdf)
    pdf.add_page()
    writer.blocks(MarkdownIt("js-default").parse(markdown))
    pdf.add_page(orientation="L")
    writer.heading(2, "Foto van het arrangeerveld")
    # fpdf2 draws no <title> (and logs that): the page heading says what the picture is.
    picture = writer.covered(re.sub(r"<title>.*?</title>", "", svg, count=1)).encode("utf-8")
    top = pdf.get_y()
    pdf.image(io.BytesIO(picture), x=MARGIN, y=top, w=pdf.epw,
              h=pdf.h - MARGIN - 8 - top, keep_aspect_ratio=True)
    return bytes(pdf.output())


def _new_document(session: Session, *, now: float, pseudonymise: bool) -> FPDF:
    """An A4 PDF/A-2b document with DejaVu Sans, metadata and a page-numbered footer."""
    from fpdf import FPDF, FPDF_VERSION

    code = session.id

    class Verslag(FPDF):
        def footer(self) -> None:
            self.set_y(-MARGIN + 4)
            self.set_font(FONT, "", 8)
            self.set_text_color(*GREY)
            self.cell(self.epw / 2, 5, f"Verslag arrangeergesprek · {code}")
            self.cell(self.epw / 2, 5, f"pagina {self.page_no()} van {{nb}}", align="R")

    pdf = Verslag(orientation="P", unit="mm", format="A4", enforce_compliance=COMPLIANCE)
    fonts = shipped_fonts_dir()
    pdf.add_font(FONT, "", fonts / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", fonts / "DejaVuSans-Bold.ttf")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 0  # table cells have their own padding, measured into the column widths
    pdf.set_auto_page_break(True, margin=MARGIN + 2)
    pdf.alias_nb_pages()
    title = "Verslag arrangeergesprek"
    if not pseudonymise:
        title += f" {session.meta.date}"
    made = dt.datetime.fromtimestamp(now).astimezone()
    pdf.set_title(title)
    pdf.set_lang("nl-NL")
    pdf.set_creator("arrangeren")
    pdf.set_producer(f"fpdf2 {FPDF_VERSION}")
    pdf.set_creation_date(made)
    pdf.set_xmp_metadata(_xmp(title, made, f"fpdf2 {FPDF_VERSION}"))
    return pdf


def _xmp(title: str, made: dt.datetime, producer: str) -> str:
    """The XMP packet: PDF/A-2b identification, title, language and dates."""
    stamp = made.isoformat(timespec="seconds")
    return "\n".join([
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
        '  <rdf:Description rdf:about=""',
        '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
        "   <pdfaid:part>2</pdfaid:part>",
        "   <pdfaid:conformance>B</pdfaid:conformance>",
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
        "</rdf:Alt></dc:title>",
        "   <dc:language><rdf:Bag><rdf:li>nl-NL</rdf:li></rdf:Bag></dc:language>",
        "   <dc:format>application/pdf</dc:format>",
        f"   <xmp:CreateDate>{stamp}</xmp:CreateDate>",
        f"   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>",
        f"   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>",
        "   <xmp:CreatorTool>arrangeren</xmp:CreatorTool>",
        f"   <pdf:Producer>{escape(producer)}</pdf:Producer>",
        "  </rdf:Description>",
        " </rdf:RDF>",
        "</x:xmpmeta>",
    ])


def _runs(inline: Token) -> list[Run]:
    """The inline children of a Markdown block as runs of plain text."""
    runs: list[Run] = []
    bold = quiet = False
    for child in inline.children or []:
        kind = child.type
        if kind in ("strong_open", "strong_close"):
            bold = kind == "strong_open"
        elif kind in ("em_open", "em_close"):
            quiet = kind == "em_open"
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run("\n"))
        elif child.content:
            runs.append(Run(child.content, bold, quiet))
    return runs


@dataclass(frozen=True)
class Segment:
    """A piece of one laid-out line in one style."""

    text: str
    bold: bool = False
    quiet: bool = False


def _strip_end(line: list[Segment]) -> None:
    if line and line[-1].text.endswith(" "):
        last = line[-1]
        line[-1] = Segment(last.text.rstrip(" "), last.bold, last.quiet)


def _plain(inline: Token) -> str:
    return "".join(run.text for run in _runs(inline)).replace("\n", " ")


class _Writer:
    """Lays the blocks of the Markdown verslag out on A4 pages."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        regular = pdf.fonts[FONT.lower()]
        bold = pdf.fonts[FONT.lower() + "B"]
        # ASCII (every printable one is in DejaVu Sans) passes, so SVG markup stays intact.
        self.glyphs = set(range(128)) | (set(getattr(regular, "cmap", {}))
                                         & set(getattr(bold, "cmap", {})))
        self.context = ""
        self.rows: list[list[str]] = []
        self._widths: dict[tuple[str, bool, float], float] = {}

    def covered(self, text: str) -> str:
        """``text`` with every character the font lacks shown as U+FFFD.

        PDF/A forbids showing the font's empty .notdef glyph, and a reader
        should see that something was there.
        """
        if all(ord(char) in self.glyphs for char in text):
            return text
        return "".join(char if ord(char) in self.glyphs else "\ufffd" for char in text)

    # -- walking the Markdown -------------------------------------------------------------

    def blocks(self, tokens: list[Token]) -> None:
        for token in tokens:
            kind = token.type
            if kind == "inline":
                self._inline(token)
            elif kind.endswith("_open"):
                self._open(token)
            elif kind.endswith("_close"):
                self._close(token)

    def _open(self, token: Token) -> None:
        kind = token.type
        if kind == "heading_open":
            self.context = token.tag
        elif kind == "list_item_open":
            self.context = "item"
        elif kind == "paragraph_open" and not self.context:
            self.context = "paragraph"
        elif kind == "table_open":
            self.rows = []
        elif kind == "tr_open":
            self.rows.append([])
        elif kind in ("th_open", "td_open"):
            self.context = "cell"

    def _close(self, token: Token) -> None:
        kind = token.type
        if kind == "table_close":
            self.table(self.rows)
            self.pdf.ln(2)
        elif kind in ("heading_close", "list_item_close", "th_close", "td_close") or (
                kind == "paragraph_close" and self.context == "paragraph"):
            self.context = ""
        elif kind == "bullet_list_close":
            self.pdf.ln(1.5)

    def _inline(self, token: Token) -> None:
        if self.context.startswith("h"):
            self.heading(int(self.context[1:]), _plain(token))
        elif self.context == "cell":
            self.rows[-1].append(_plain(token))
        elif self.context == "item":
            self.bullet(_runs(token))
        else:
            self.paragraph(_runs(token))

    # -- blocks ---------------------------------------------------------------------------

    def heading(self, level: int, text: str) -> None:
        pdf = self.pdf
        size = {1: 17.0, 2: 13.0}.get(level, 11.0)
        height = size * PT * 1.35
        before = {1: 0.0, 2: 5.0}.get(level, 3.0)
        # A heading never ends a page: it needs its own line and two more below it.
        if pdf.will_page_break(before + height + 3 * BODY * PT * LINE):
            pdf.add_page()
        elif pdf.get_y() > pdf.t_margin + 1:
            pdf.ln(before)
        pdf.set_font(FONT, "B", size)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(0, height, self.covered(text), align="L", new_x="LMARGIN",
                       new_y="NEXT")
        if level <= 2:
            pdf.set_draw_color(80, 80, 80)
            pdf.set_line_width(0.5 if level == 1 else 0.25)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(2)

    def paragraph(self, runs: list[Run], indent: float = 0.0) -> None:
        pdf = self.pdf
        height = BODY * PT * LINE
        left = pdf.l_margin + indent
        for line in self.layout(runs, pdf.w - pdf.r_margin - left, BODY):
            if pdf.will_page_break(height):
                pdf.add_page()
            top = pdf.get_y()
            self.draw_line(line, left, top, BODY, height)
            pdf.set_y(top + height)

    def bullet(self, runs: list[Run]) -> None:
        pdf = self.pdf
        height = BODY * PT * LINE
        if pdf.will_page_break(height):
            pdf.add_page()
        self.draw_line([Segment("•")], pdf.l_margin + 1.5, pdf.get_y(), BODY, height)
        self.paragraph(runs, indent=5.0)
        pdf.ln(0.6)

    # -- lines ----------------------------------------------------------------------------
    # Own line breaking on words whose widths are cached: fpdf2's write() and
    # multi_cell() measure every character anew, five times slower on 500 notes.

    def width(self, text: str, bold: bool, size: float) -> float:
        key = (text, bold, size)
        known = self._widths.get(key)
        if known is None:
            self.pdf.set_font(FONT, "B" if bold else "", size)
            known = self._widths[key] = self.pdf.get_string_width(text)
        return known

    def layout(self, runs: list[Run], width: float, size: float) -> list[list[Segment]]:
        """Runs broken into lines no wider than ``width``: at spaces, and inside a word only
        when the word alone is wider than the line."""
        lines: list[list[Segment]] = [[]]
        used = 0.0
        for run in runs:
            if run.text == "\n":
                lines.append([])
                used = 0.0
                continue
            for piece in _PIECES.findall(self.covered(run.text)):
                if piece.isspace():
                    if lines[-1]:
                        used += self._add(lines[-1], " ", run, size)
                    continue
                for part in self._fitting(piece, run.bold, size, width):
                    if lines[-1] and used + self.width(part, run.bold, size) > width:
                        _strip_end(lines[-1])
                        lines.append([])
                        used = 0.0
                    used += self._add(lines[-1], part, run, size)
        _strip_end(lines[-1])
        return lines

    def _add(self, line: list[Segment], text: str, run: Run, size: float) -> float:
        if line and (line[-1].bold, line[-1].quiet) == (run.bold, run.quiet):
            line[-1] = Segment(line[-1].text + text, run.bold, run.quiet)
        else:
            line.append(Segment(text, run.bold, run.quiet))
        return self.width(text, run.bold, size)

    def _fitting(self, word: str, bold: bool, size: float, width: float) -> list[str]:
        """``word`` whole, or in pieces when it is wider than a line."""
        if self.width(word, bold, size) <= width:
            return [word]
        pieces, piece = [], ""
        for char in word:
            if piece and self.width(piece + char, bold, size) > width:
                pieces.append(piece)
                piece = ""
            piece += char
        return [*pieces, piece]

    def draw_line(self, line: list[Segment], x: float, top: float, size: float,
                  height: float) -> None:
        pdf = self.pdf
        baseline = top + height / 2 + 0.3 * size * PT
        for segment in line:
            pdf.set_font(FONT, "B" if segment.bold else "", size)
            pdf.set_text_color(*(GREY if segment.quiet else BLACK))
            pdf.text(x, baseline, segment.text)
            x += self.width(segment.text, segment.bold, size)
        pdf.set_text_color(*BLACK)

    def table(self, rows: list[list[str]]) -> None:
        """A table over the page width: rows never split, heading repeated, dates whole."""
        if not rows:
            return
        pdf = self.pdf
        rows = [[self.covered(cell) for cell in row] for row in rows]
        widths = self._column_widths(rows)
        page = pdf.h - pdf.t_margin - pdf.b_margin
        self._row(rows[0], widths, header=True)
        for row in rows[1:]:
            height = self._row_height(row, widths)
            if height > page / 2:
                self._row_as_text(rows[0], row)  # no row may be split over two pages
                continue
            if pdf.will_page_break(height):
                pdf.add_page()
                self._row(rows[0], widths, header=True)
            self._row(row, widths, header=False)

    # -- tables ---------------------------------------------------------------------------

    def _row_as_text(self, header: list[str], row: list[str]) -> None:
        """A row too long for a table (half a page or more): its cells one below the other."""
        self.pdf.ln(1)
        for name, cell in zip(header, row, strict=False):
            self.paragraph([Run(f"{name}: ", bold=True), Run(cell)], indent=2.0)
        self.pdf.ln(1)

    PAD = 1.2  # mm inside a cell, each side

    def _column_widths(self, rows: list[list[str]]) -> list[float]:
        """Auto layout, as a browser does it: each column at least its widest unbreakable
        piece (a date or a name counts whole), the rest shared by how much text it holds."""
        pdf = self.pdf
        total = pdf.epw
        columns = max(len(row) for row in rows)
        least, most = [0.0] * columns, [0.0] * columns
        for index in range(columns):
            cells = [row[index] for row in rows if index < len(row)]
            whole = index < len(rows[0]) and rows[0][index] in WHOLE
            for number, cell in enumerate(cells):
                pdf.set_font(FONT, "B" if number == 0 else "", TABLE)
                full = pdf.get_string_width(cell) + 2 * self.PAD + 0.5
                words = [full] if whole else [pdf.get_string_width(word) + 2 * self.PAD + 0.5
                                              for word in cell.split()]
                least[index] = max(least[index], min(max(words, default=0.0),
                                                     total * MAX_SHARE))
                most[index] = max(most[index], min(full, total))
        if sum(least) >= total:
            return [total * width / sum(least) for width in least]
        spare = total - sum(least)
        wants = [max(0.0, m - low) for m, low in zip(most, least, strict=True)]
        if sum(wants) <= spare:
            # Everything fits on one line: give the rest to the columns with text.
            extra = spare - sum(wants)
            weight = sum(most) or 1.0
            return [m + extra * m / weight for m in most]
        return [low + spare * want / sum(wants) for low, want in zip(least, wants,
                                                                     strict=True)]

    def _cell(self, text: str, width: float, header: bool) -> list[list[Segment]]:
        return self.layout([Run(text, bold=header)], width - 2 * self.PAD, TABLE)

    def _row_height(self, row: list[str], widths: list[float], header: bool = False) -> float:
        tallest = max(len(self._cell(cell, width, header))
                      for cell, width in zip(row, widths, strict=False))
        return tallest * TABLE * PT * LINE + 2 * self.PAD

    def _row(self, row: list[str], widths: list[float], *, header: bool) -> None:
        pdf = self.pdf
        height = self._row_height(row, widths, header)
        line = TABLE * PT * LINE
        top, x = pdf.get_y(), pdf.l_margin
        pdf.set_draw_color(150, 150, 150)
        pdf.set_line_width(0.2)
        pdf.set_fill_color(*HEADER_FILL)
        for cell, width in zip(row, widths, strict=False):
            pdf.rect(x, top, width, height, style="DF" if header else "D")
            for number, segments in enumerate(self._cell(cell, width, header)):
                self.draw_line(segments, x + self.PAD, top + self.PAD + number * line, TABLE,
                               line)
            x += width
        pdf.set_xy(pdf.l_margin, top + height)
