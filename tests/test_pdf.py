"""The PDF/A verslag, checked from outside: qpdf opens it without errors, poppler
extracts the text (compared with the session), lists the fonts (all embedded) and
the XMP (PDF/A-2b identification, title, language); A4 pages, the foto on a
landscape page, page numbers, hostile text, the pseudonymised variant, the command.

Needs `qpdf` and `poppler-utils` (`apt-get install -y qpdf poppler-utils`; .ci/run
installs them); without them these tests skip and say so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import T0, demo_now
from test_verslag import HOSTILE, full_session

from arrangeren_tui.cli.main import main
from arrangeren_tui.core.export.pdf import render_pdf
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.text import safe_text

TOOLS = ("qpdf", "pdftotext", "pdffonts", "pdfinfo")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"needs {', '.join(MISSING)}: apt-get install -y qpdf poppler-utils")
LONG_WAT = ("Ambulante begeleiding van de leerkracht door het SWV, elke twee weken een uur "
            "in de klas, met een nagesprek over instructie en klassenmanagement")


def run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def font_characters() -> set[int]:
    from fontTools.ttLib import TTFont

    from arrangeren_tui.core.paths import shipped_fonts_dir

    fonts = [TTFont(shipped_fonts_dir() / name, lazy=True).getBestCmap()
             for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")]
    return set(fonts[0]) & set(fonts[1])


def flat(text: str) -> str:
    return " ".join(text.split())


def busy_session(veld) -> Session:  # type: ignore[no-untyped-def]
    """The demo with a full afspraken table and hostile text in notes and cells."""
    session = full_session(veld)
    for index, party in enumerate(("swv", "jeugdhulp", "jgz", "school")):
        laid = session.lay_card(T0, card_id=f"k{index}", title=f"Kaart {index} {LONG_WAT[:30]}",
                                party=party, step="arrangeren", intensity="middel")
        session.update_afspraak(laid.id, T0, wie="Fatima El Amrani", wat=LONG_WAT,
                                wanneer=f"2027-0{index + 1}-15")
    for hostile in HOSTILE:
        session.add_note(hostile, T0, party="jeugdhulp", step="behoeften")
    session.add_note("Heel lang: " + "woord " * 400, T0, party="ouders", step="beeld")
    return session


@pytest.fixture
def written(tmp_path, veld):  # type: ignore[no-untyped-def]
    session = busy_session(veld)
    path = tmp_path / "verslag.pdf"
    path.write_bytes(render_pdf(session, now=demo_now()))
    return session, path


def test_qpdf_finds_no_errors(written):
    _session, path = written
    done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr  # 3 would be warnings
    assert "No syntax or stream encoding errors" in done.stdout


def test_every_font_is_embedded(written):
    _session, path = written
    rows = run("pdffonts", str(path)).splitlines()[2:]
    assert len(rows) >= 2  # regular and bold
    for row in rows:
        name, kind, emb = row.split()[0], " ".join(row.split()[1:3]), row.split()[-5]
        assert emb == "yes", row
        assert "DejaVuSans" in name and kind == "CID TrueType", row


def test_xmp_says_pdf_a_2b_with_title_date_and_language(written):
    session, path = written
    xmp = run("pdfinfo", "-meta", str(path))
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert f"Verslag arrangeergesprek {session.meta.date}" in xmp
    assert "<rdf:li>nl-NL</rdf:li>" in xmp
    assert re.search(r"<xmp:CreateDate>\d{4}-\d\d-\d\dT", xmp)
    data = path.read_bytes()
    assert b"/OutputIntents" in data and b"/GTS_PDFA1" in data  # the sRGB output intent
    assert b"/Lang (nl-NL)" in data
    assert b"/Encrypt" not in data


def test_a4_pages_and_the_foto_on_a_landscape_page(written):
    _session, path = written
    info = run("pdfinfo", "-f", "1", "-l", "99", str(path))
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert len(sizes) >= 3
    for width, height in sizes[:-1]:
        assert (round(float(width)), round(float(height))) == (595, 842)
    assert tuple(round(float(v)) for v in sizes[-1]) == (842, 595)
    last = run("pdftotext", "-f", str(len(sizes)), "-l", str(len(sizes)), str(path), "-")
    assert "Foto van het arrangeerveld" in last
    assert "Arrangeerveld · Tessa de Jong" in last  # the SVG's text, as text (vector)
    for number in range(1, len(sizes) + 1):
        page = run("pdftotext", "-f", str(number), "-l", str(number), str(path), "-")
        assert f"pagina {number} van {len(sizes)}" in page


def test_extracted_text_holds_every_note_and_afspraak(written):
    session, path = written
    text = flat(run("pdftotext", "-raw", str(path), "-"))
    glyphs = font_characters()
    for note in session.notes:
        # Characters DejaVu Sans lacks are shown as U+FFFD; the rest is there, in order.
        lines = " ".join(safe_text(line) for line in note.text.split("\n"))
        expected = "".join(c if ord(c) in glyphs else "\ufffd" for c in lines)
        assert flat(expected) in text, note.text
    for laid in session.arrangement:
        assert flat(laid.wat) in text
    for heading in ("Deelnemers", "Arrangement en afspraken", "Toestemming"):
        assert heading in text


def test_dates_and_names_in_tables_are_never_broken(written):
    session, path = written
    lines = run("pdftotext", "-raw", str(path), "-").splitlines()
    for laid in session.arrangement:
        assert any(laid.wanneer in line for line in lines), laid.wanneer
    assert any("Fatima El Amrani" in line for line in lines)
    assert sum("2026-11-23" in line for line in lines) >= 3  # meta, both consents


def test_hostile_text_and_a_huge_cell_do_not_break_the_file(tmp_path, veld):
    session = busy_session(veld)
    laid = session.arrangement[-1]
    session.update_afspraak(laid.id, T0, wat="😀中文 " + "lang " * 4000,
                            wie="\x1b]0;x\x07 <b>")
    session.add_note("nul\x00byte en \ud800 half, 😀 en 中文", T0, party="swv")
    path = tmp_path / "boos.pdf"
    path.write_bytes(render_pdf(session, now=demo_now()))
    assert run("qpdf", "--check", str(path))
    text = run("pdftotext", "-raw", str(path), "-")
    assert "nul\ufffdbyte en" in text and "Wie:" in text  # the huge row, as text


def test_pseudonymised_pdf_leaves_no_name_behind(tmp_path, veld):
    session = busy_session(veld)
    path = tmp_path / "p.pdf"
    path.write_bytes(render_pdf(session, now=demo_now(), pseudonymise=True))
    text = run("pdftotext", str(path), "-") + run("pdfinfo", "-meta", str(path))
    for name in ["Tessa", "Sanne", "Iris Bakker", "de Jong", "Fatima", "Amrani", "Pieter"]:
        assert name not in text, name
    assert "T.d.J." in text and "de moeder" in text


def test_export_command_writes_and_notes_the_pdf(tmp_path, veld, capsys):
    from arrangeren_tui.core.storage.exportlog import exported_files
    from arrangeren_tui.core.storage.store import SessionStore

    store = SessionStore(tmp_path / "store")
    store.ensure()
    store.save(full_session(veld))
    out = tmp_path / "uit"
    out.mkdir()
    assert main(["--store", str(store.root), "export", "20261123-demo", "--format", "pdf",
                 "--pseudoniem", "-o", str(out)]) == 0
    written = out / "verslag-20261123-demo-pseudoniem.pdf"
    assert written.read_bytes().startswith(b"%PDF-1.7")
    assert written.stat().st_mode & 0o777 == 0o600
    assert [Path(r.path).name for r in exported_files(store.root, "20261123-demo")] == [
        written.name]
    assert "Verslag geschreven" in capsys.readouterr().out


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install -y chromium)")
def test_html_prints_on_a4_with_dates_whole_and_page_numbers(tmp_path, veld):
    from arrangeren_tui.core.export.verslag import render_html

    session = busy_session(veld)
    page = tmp_path / "verslag.html"
    page.write_text(render_html(session, now=demo_now()), "utf-8")
    printed = tmp_path / "afdruk.pdf"
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={printed}", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert printed.is_file()
    info = run("pdfinfo", str(printed))
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()  # type: ignore[union-attr]
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4, not Letter
    lines = run("pdftotext", "-raw", str(printed), "-").splitlines()
    for laid in session.arrangement:
        assert any(laid.wanneer in line for line in lines), laid.wanneer
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert f"pagina {pages} van {pages}" in " ".join(lines)
