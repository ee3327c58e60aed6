"""The Markdown verslag: structure under hostile text (parsed back with markdown-it-py),
a golden file, pseudonymisation that leaves no name behind, and the export command."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import T0, demo_now, demo_session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from arrangeren_tui.cli.main import main
from arrangeren_tui.core.export.verslag import render_markdown
from arrangeren_tui.core.model import Consent, Session
from arrangeren_tui.core.paths import shipped_decks_dir
from arrangeren_tui.core.text import safe_text
from arrangeren_tui.core.veld import load_veld

GOLDEN = Path(__file__).parent / "golden" / "verslag-demo.md"
PARSER = MarkdownIt("commonmark").enable("table")
VELD = load_veld(shipped_decks_dir() / "veld.toml")

HOSTILE = [
    "# geen kop",
    "## ook geen kop\n### en deze niet",
    "a | b | c",
    "*vet* en _schuin_ en **sterk**",
    "`code` en ```blok```",
    "<script>alert('x')</script>",
    "<b>vet</b> &amp; &lt;",
    "1. geen lijst",
    "- geen lijst\n- echt niet",
    "+ plus\n* ster",
    "> geen citaat",
    "tekst\n===",
    "tekst\n---",
    "    vier spaties code",
    "[link](http://example.org) ![plaatje](x.png)",
    "regel een\n\nregel drie na een lege",
    "\x1b[2J\x1b]0;titel\x07 controle",
    "\u202eomgekeerd\u202c en \u200b",
    "backslash aan het eind \\",
    "\\# al ontsnapt",
    "|---|---|",
]


def full_session(veld) -> Session:  # type: ignore[no-untyped-def]
    session = demo_session(veld)
    session.add_consent(Consent("swv", "het verslag van dit gesprek", "moeder", "2026-11-23"),
                        T0)
    session.add_consent(Consent("jgz", "het verslag", "vader", "2026-11-23", granted=False), T0)
    laid = session.lay_card(T0, card_id="ouders-avondroutine", title="Vaste avondroutine",
                            party="ouders", step="arrangeren", intensity="licht")
    session.update_afspraak(laid.id, T0, wie="Sanne de Jong", wanneer="2026-12-15")
    session.set_agreements(T0, casusregie="Iris Bakker", evaluation_date="2027-03-01")
    return session


def structure(markdown: str) -> tuple[list[str], list[int], int]:
    """Headings (level + text), the rows of every table, and how many list items."""
    tokens = PARSER.parse(markdown)
    headings, tables, items = [], [], 0
    rows = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append(f"{token.tag} {tokens[index + 1].content}")
        elif token.type == "table_open":
            rows = 0
        elif token.type == "tr_open":
            rows += 1
        elif token.type == "table_close":
            tables.append(rows)
        elif token.type == "list_item_open":
            items += 1
        assert not token.type.startswith("html"), token
        for child in token.children or []:
            assert not child.type.startswith("html"), child
            assert child.type not in ("link_open", "image", "code_inline"), child
    return headings, tables, items


def item_texts(markdown: str) -> list[str]:
    """The plain text of every list item (hard breaks as newlines)."""
    tokens = PARSER.parse(markdown)
    texts = []
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            inline = tokens[index + 2]
            parts = []
            for child in inline.children or []:
                if child.type == "text":
                    parts.append(child.content)
                elif child.type in ("hardbreak", "softbreak"):
                    parts.append("\n")
            texts.append("".join(parts))
    return texts


def test_structure_follows_the_session(veld):
    session = full_session(veld)
    markdown = render_markdown(session, now=demo_now())
    headings, tables, items = structure(markdown)
    assert headings[0] == "h1 Verslag arrangeergesprek"
    steps = [f"h2 {i}. {s.name}" for i, s in enumerate(veld.steps, start=1)]
    assert [h for h in headings if h[3:4].isdigit()] == steps
    assert "h2 Toestemming" in headings and "h2 Arrangement en afspraken" in headings
    # meta (header + 9 rows), participants (1 + 6), arrangement (1 + 1), consent (1 + 2)
    assert tables == [10, 7, 2, 3]
    note_items = len(session.notes)
    assert items == note_items + 2 + len(session.missing())
    assert "| SWV | ja | het verslag van dit gesprek | moeder | 2026-11-23 |" in markdown
    assert "| JGZ | nee |" in markdown


def test_golden_file(veld):
    markdown = render_markdown(full_session(veld), now=demo_now())
    if not GOLDEN.exists():  # pragma: no cover - writes the file once, to be reviewed
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(markdown, "utf-8")
    assert markdown == GOLDEN.read_text("utf-8")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_never_changes_the_structure(veld, hostile):
    base = full_session(veld)
    clean = structure(render_markdown(base, now=demo_now()))
    session = full_session(veld)
    session.add_note(hostile, T0, party="school", step="opening")
    laid = session.arrangement[0]
    session.update_afspraak(laid.id, T0, wie=hostile, wat=hostile)
    session.add_consent(Consent("jeugdhulp", hostile, hostile, "2026-11-23"), T0)
    markdown = render_markdown(session, now=demo_now())
    headings, tables, items = structure(markdown)
    assert headings == clean[0]
    assert tables == [10, 7, 2, 4]
    assert items == clean[2] + 1
    expected = "\n".join(safe_text(line).strip() for line in hostile.strip("\n").split("\n")
                         if line.strip())
    assert expected in item_texts(markdown)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=80).filter(lambda t: t.strip()))
def test_any_text_keeps_the_structure(text):
    session = full_session(VELD)
    session.add_note(text, T0, party="swv", step="beeld")
    session.update_afspraak(session.arrangement[0].id, T0, wat=text)
    headings, tables, items = structure(render_markdown(session, now=demo_now()))
    assert len([h for h in headings if h.startswith("h1")]) == 1
    assert tables == [10, 7, 2, 3]
    assert items == len(session.notes) + 2 + len(session.missing())


def test_pseudonymised_leaves_no_name_behind(veld):
    session = full_session(veld)
    session.add_note("Sanne belt Anna Smit; Pieter en Fatima sluiten aan bij Tessa",
                     T0, party="ouders")
    markdown = render_markdown(session, now=demo_now(), pseudonymise=True)
    names = [session.meta.pupil, session.meta.facilitator]
    names += [p.name for p in session.meta.participants]
    parts = {part for name in names for part in name.replace("(", " ").split()
             if len(part) >= 3 and part[0].isupper() and part != "IB'er)"}
    for word in [*names, *parts]:
        assert word not in markdown, word
    assert "T.d.J." in markdown and "De moeder belt de leraar" in markdown
    # The header leaves out school, place (two rows) and the exact date.
    assert structure(markdown)[1] == [8, 7, 2, 3]
    assert "| Datum | november 2026 |" in markdown and "De Linde" not in markdown


def test_export_command_to_a_folder(capsys, tmp_path, veld, monkeypatch):
    from arrangeren_tui.core.export import namecheck
    from arrangeren_tui.core.storage.store import SessionStore

    monkeypatch.setattr(namecheck, "find_in_subprocess", lambda texts, **kw: [])

    store = SessionStore(tmp_path / "store")
    store.ensure()
    store.save(full_session(veld))
    out_dir = tmp_path / "uit"
    out_dir.mkdir()
    assert main(["--store", str(store.root), "export", "20261123-demo", "--pseudoniem",
                 "-o", str(out_dir)]) == 0
    written = out_dir / "verslag-20261123-demo-pseudoniem.md"
    assert written.is_file() and written.stat().st_mode & 0o777 == 0o600
    text = written.read_text("utf-8")
    assert "Tessa" not in text and "## Toestemming" in text
    assert main(["--store", str(store.root), "export", "20261123"]) == 0
    assert "# Verslag arrangeergesprek" in capsys.readouterr().out


@pytest.mark.parametrize("hostile", HOSTILE)
def test_html_has_no_raw_html_from_typed_text(veld, hostile):
    from html.parser import HTMLParser

    from arrangeren_tui.core.export.verslag import render_html

    session = full_session(veld)
    session.add_note(hostile + " <img src=x onerror=alert(1)>", T0, party="school")
    page = render_html(session, now=demo_now())

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: set[str] = set()

        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            self.tags.add(tag)
            assert not any(name.startswith("on") for name, _ in attrs), (tag, attrs)

    parser = Tags()
    parser.feed(page)
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "ul",
               "li", "strong", "table", "thead", "tbody", "tr", "th", "td", "br"}
    assert parser.tags <= allowed, parser.tags - allowed
    assert "<script" not in page and "<img" not in page
    assert "&lt;img src=x" in page  # shown as text, faithfully


def test_export_html_command(tmp_path, veld, capsys):
    from arrangeren_tui.core.storage.store import SessionStore

    store = SessionStore(tmp_path / "store")
    store.ensure()
    store.save(full_session(veld))
    assert main(["--store", str(store.root), "export", "20261123-demo", "--format", "html",
                 "-o", str(tmp_path)]) == 0
    page = (tmp_path / "verslag-20261123-demo.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "@media print" in page
    assert "<h2>Toestemming</h2>" in page


# -- the foto (SVG) --------------------------------------------------------------------------


@pytest.mark.parametrize("pseudonymise", [False, True])
def test_foto_is_valid_svg_with_every_note_and_card(veld, pseudonymise):
    import xml.etree.ElementTree as ET

    from arrangeren_tui.core.export.foto import render_svg

    session = full_session(veld)
    for hostile in HOSTILE:
        session.add_note(hostile, T0, party="jeugdhulp", step="behoeften")
    session.add_note("nul\x00byte en \ud800 half", T0, party="swv", step="behoeften")
    svg = render_svg(session, pseudonymise=pseudonymise)
    root = ET.fromstring(svg.encode("utf-8"))  # parses: valid XML whatever was typed
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert not root.findall(f".//{ns}script") and not root.findall(f".//{ns}foreignObject")
    texts = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
    for step in veld.steps:
        assert step.name.split()[0][:15] in texts
    assert "Observatie in de klas kan" in texts and "Vaste avondroutine" in texts
    assert "+ " in texts and "meer" in texts  # a full square says how many are not shown
    if pseudonymise:
        for name in ["Tessa", "Sanne", "Iris Bakker", "de Jong"]:
            assert name not in svg, name
    else:
        assert "Tessa de Jong" in texts


async def test_verslag_from_the_app_preview_and_write(tmp_path, veld, monkeypatch):
    from conftest import TODAY, FakeClock
    from textual.widgets import Markdown

    from arrangeren_tui.core.export import namecheck

    # The second name check (deduce, seconds in its own process) is tested in test_names.py.
    monkeypatch.setattr(namecheck, "find_in_subprocess", lambda texts, **kw: [])

    from arrangeren_tui.core.storage.store import SessionStore
    from arrangeren_tui.ui.app import ArrangerenApp
    from arrangeren_tui.ui.screens.export import ExportScreen

    store = SessionStore(tmp_path / "store")
    store.ensure()
    session = full_session(veld)
    store.save(session)
    out = tmp_path / "verslagen"
    app = ArrangerenApp(store=store, veld=veld, open_session=session.id,
                        now=FakeClock(demo_now()), today=lambda: TODAY, export_dir=out)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        preview = screen.query_one(Markdown)
        assert "Tessa de Jong" in preview.source and "## Toestemming" in preview.source
        await pilot.press("m", "h", "f", "j")
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Tessa" not in preview.source and "T.d.J." in preview.source
        await pilot.press("m", "p")  # the PDF is made in a thread, then written
        await screen.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert screen is not app.screen
    names = sorted(p.name for p in out.iterdir())
    assert names == ["foto-20261123-demo.svg", "gegevens-20261123-demo.json",
                     "verslag-20261123-demo-pseudoniem.md", "verslag-20261123-demo-pseudoniem.pdf",
                     "verslag-20261123-demo.html", "verslag-20261123-demo.md"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in out.iterdir())
    assert "Tessa" not in (out / "verslag-20261123-demo-pseudoniem.md").read_text("utf-8")
    assert (out / "verslag-20261123-demo-pseudoniem.pdf").read_bytes().startswith(b"%PDF-")
    # Every file is noted, so deleting the session removes it.
    from arrangeren_tui.core.storage.exportlog import exported_files

    noted = {r.path.name for r in exported_files(store.root, session.id)}
    assert noted == set(names)
