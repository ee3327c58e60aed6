"""Pseudonymising: the name register (core/export/names.py) on its own, a corpus of notes with
names typed every which way in every export format, the second pass (deduce, in its own
process) and how the CLI and the export screen ask about what it finds.

All names are fictional.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import T0, TODAY, FakeClock

from arrangeren_tui.cli.main import main
from arrangeren_tui.core.export import namecheck
from arrangeren_tui.core.export.formats import FORMATS, pseudonymised_texts, render_export
from arrangeren_tui.core.export.namecheck import Finding
from arrangeren_tui.core.export.names import (
    NameRegister,
    Person,
    fold,
    other_person,
    parse_name,
    register_for,
    split_other_people,
)
from arrangeren_tui.core.model import (
    Consent,
    DomainPrep,
    Evaluation,
    Participant,
    Preparation,
    Session,
    SessionMeta,
)
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.exitcodes import EXIT_USAGE

NOW = T0 + 30 * 60

PUPIL = "Noor van den Berg"
PARTICIPANTS = (
    Participant("Aïcha El Idrissi", "moeder", "ouders"),
    Participant("Jan-Willem de Vries", "leraar", "school"),
    Participant("Mr. P. (Piet) Janssen", "orthopedagoog", "swv"),
    Participant("Femke Roos", "gezinscoach", "jeugdhulp"),
    Participant("Joëlle Maas", "jeugdarts", "jgz"),
)
FACILITATOR = "Iris Bakker (IB'er)"
OTHERS = ("Daan (broer)", "Sem (klasgenoot)", "Karim El Idrissi (vader)")

# Forty-odd sentences as they get typed at the table: lower case, capitals, possessives,
# diminutives, no diacritics, initials, nicknames, titles, tussenvoegsels, other people.
CORPUS = [
    "daan was boos toen hij thuiskwam",
    "DAAN WIL NIET MEER NAAR DE OPVANG",
    "Noors moeder belt elke vrijdag met school",
    "noortje tekent graag paarden",
    "Aicha vertelt dat het thuis onrustig is",
    "JW neemt contact op met de orthopedagoog",
    "Mr. P. (Piet) Janssen opent de observatie",
    "Piet vat samen wat er is afgesproken",
    "mevrouw El Idrissi wil meer overleg",
    "de broer Sem speelt vaak met Noor",
    "vader (Karim) komt de volgende keer mee",
    "Noor vd Berg zit vooraan in de klas",
    "Jan-Willem heeft een dagschema gemaakt",
    "jan-willem en Femke plannen een huisbezoek",
    "Femkes verslag komt volgende week",
    "Joelle kijkt naar het slapen",
    "JOËLLE MAAS BELT DE HUISARTS",
    "juf Iris zit het gesprek voor",
    "mevr. Bakker stuurt het verslag rond",
    "Noor's zus helpt met lezen",
    "Daantje is jaloers op de aandacht",
    "Semmetje zit naast noor in de klas",
    "Karims werk maakt de avonden lastig",
    "N. v.d. Berg heeft moeite met de tafels",
    "J.W. de Vries doet de observatie",
    "meneer Janssen geeft tips voor thuis",
    "P. Janssen heeft de toets afgenomen",
    "de familie El Idrissi wil hulp",
    "el idrissi heeft de formulieren ingevuld",
    "Noor v.d. B. wil niet meer lezen",
    "NOOR ZEGT DAT ZE HET NIET SNAPT",
    "Aïcha's werkrooster verandert",
    "Jan Willem de Vries overlegt met de IB'er",
    "Femke Roos komt op woensdag",
    "maas adviseert een gehoortest",
    "Dr. Maas verwijst naar de huisarts",
    "De Vries heeft een beloningskaart gemaakt",
    "Noortje en Daan spelen samen",
    "Semmie wil naast Noor zitten",
    "de moeder van Daan (Aïcha) is er ook",
    "JWdV en NvdB lezen samen",
    "Jan-Willems klas doet mee",
    "karim el idrissi werkt in ploegen",
    "Willem vindt dat het beter gaat",
]


def corpus_session(veld: Veld) -> Session:
    """Every text field of a session holds a sentence of the corpus."""
    meta = SessionMeta(
        pupil=PUPIL, date="2026-11-23", time="13:30", group="5", school="Basisschool De Wilg",
        facilitator=FACILITATOR, place="De Wilg, kamer 2", participants=PARTICIPANTS,
        other_people=OTHERS,
    )
    session = Session.new("20261123-namn", meta, veld, T0)
    session.clock.start(T0)
    sentences = iter(CORPUS)
    steps = [s.key for s in veld.steps]
    parties = [p.key for p in veld.parties]
    for index in range(30):
        session.add_note(next(sentences), T0, step=steps[index % len(steps)],
                         party=parties[index % len(parties)], important=index % 7 == 0)
    laid = session.lay_card(T0, card_id="", title=next(sentences), party="ouders",
                            step="arrangeren", blank=True)
    session.update_afspraak(laid.id, T0, wie=next(sentences), wat=next(sentences),
                            wanneer="2026-12-15")
    session.set_agreements(T0, casusregie=next(sentences), evaluation_date="2027-03-01")
    session.add_consent(Consent("swv", next(sentences), next(sentences), "2026-11-20"), T0)
    session.evaluations = [Evaluation("school", next(sentences), wie=next(sentences),
                                      outcome="deels", note=next(sentences))]
    rest = list(sentences)
    session.set_preparation(Preparation(
        puzzle=rest[0], pupil_wants=rest[1], pupil_ideas=rest[2 % len(rest)],
        domains={"leren": DomainPrep(needs="Piet en Noor", tried="Daantje", effect="JW")},
        other_documents="brief van Joëlle Maas",
    ), T0)
    return session


def forbidden_parts() -> set[str]:
    """Every name part that must not be in an export, folded."""
    names = [PUPIL, FACILITATOR, *(p.name for p in PARTICIPANTS), *OTHERS]
    parts: set[str] = set()
    for name in names:
        parsed = parse_name(re.sub(r"\((?:broer|klasgenoot|vader|IB'er)\)", "", name))
        for word in (*parsed.given, *parsed.nicknames, *parsed.surname):
            for piece in re.split(r"[-\s]+", word):
                if len(piece) >= 3:
                    parts.add(fold(piece))
    return parts


ENDINGS = {"", "s", "'s", "je", "tje", "etje", "metje", "mie", "ie", "y", "tjes"}


def exported(session: Session, fmt: str, **options: Any) -> str:
    """An export as the text a reader sees: a PDF read back with pdftotext (poppler)."""
    data = render_export(session, fmt, now=NOW, **options)
    if fmt != "pdf":
        return data.decode("utf-8")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (Debian poppler-utils) is needed to read a PDF back")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def names_left(text: str) -> list[str]:
    """Registered names (in any case, with an ending) and initials still in ``text``."""
    plain = fold(html.unescape(text).replace("\\", ""))
    left = []
    for token in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", plain):
        for part in forbidden_parts():
            if token.startswith(part) and token[len(part):] in ENDINGS:
                left.append(token)
    for initials in ("JW", "J.W.", "JWdV", "NvdB", "P. J", "J.d.V", "A.E.I", "F.R."):
        if re.search(rf"(?<![\w.]){re.escape(initials)}(?![a-z])", text):
            left.append(initials)
    return left


# -- the register on its own -------------------------------------------------------------


REGISTER = NameRegister((
    Person(PUPIL, "N.v.d.B."),
    Person("Aïcha El Idrissi", "de moeder"),
    Person("Jan-Willem de Vries", "de leraar"),
    Person("Mr. P. (Piet) Janssen", "de orthopedagoog"),
    Person("Femke Roos", "de gezinscoach"),
    Person(FACILITATOR, "de gespreksleider"),
    other_person("Daan (broer)"),
    other_person("Lotte"),
))


@pytest.mark.parametrize(("typed", "expected"), [
    ("daan was boos", "De broer was boos"),
    ("DAAN WIL NIET", "De broer WIL NIET"),
    ("Noors moeder belt", "N.v.d.B.’s moeder belt"),
    ("toen noortje lachte", "toen N.v.d.B. lachte"),
    ("Aicha komt", "De moeder komt"),
    ("JW belt", "De leraar belt"),
    ("Mr. P. (Piet) Janssen opent.", "De orthopedagoog opent."),
    ("Dan: Piet vat samen", "Dan: de orthopedagoog vat samen"),
    ("mevrouw El Idrissi zegt", "De moeder zegt"),
    ("met Noor vd Berg", "met N.v.d.B."),
    ("met Noor v.d. B. erbij", "met N.v.d.B. erbij"),
    ("Jan-Willem belt", "De leraar belt"),
    ("met Jan-Willem de Vries", "met de leraar"),
    ("met J.W. de Vries", "met de leraar"),
    ("Lotte komt", "[naam] komt"),
    ("het boek van Janssen", "het boek van de orthopedagoog"),
    ("de IB'er belt Iris", "de IB'er belt de gespreksleider"),
    ("een roos voor Roos", "een roos voor de gezinscoach"),  # a common word needs its capital
    ("de bakker en Bakker", "de bakker en de gespreksleider"),
    ("as en AS", "as en AS"),  # no initials of a two-part name in lower case, none unknown
])
def test_the_register_finds_a_name_however_it_was_typed(typed, expected):
    assert REGISTER.apply(typed) == expected


@pytest.mark.parametrize("typed", [
    "mevrouw El Idrissi", "Jan-Willem", "jan willem", "Noor vd Berg", "Noor v.d. B.",
    "Mr. P. (Piet) Janssen", "J.W. de Vries", "N. van den Berg",
])
def test_a_replacement_never_leaves_half_a_name(typed):
    out = REGISTER.apply(f"zegt {typed} vandaag")
    assert re.fullmatch(r"zegt (de \w+|N\.v\.d\.B\.) vandaag", out), out


def test_stand_in_places_are_reported():
    replaced = REGISTER.replace("daan en Noor")
    assert [replaced.text[s:e] for s, e in replaced.spans] == ["De broer", "N.v.d.B."]


def test_parse_name_takes_titles_initials_nicknames_and_tussenvoegsels_apart():
    parsed = parse_name("Mr. P. (Piet) Janssen")
    assert parsed.nicknames == ("Piet",) and parsed.surname == ("Janssen",)
    assert parsed.given == () and parsed.given_initials == ("P",)
    parsed = parse_name("Aïcha El Idrissi")
    assert (parsed.given, parsed.particles, parsed.surname) == (("Aïcha",), ("El",), ("Idrissi",))
    assert parse_name("Iris Bakker (IB'er)").nicknames == ()


def test_other_people_list():
    assert split_other_people("Sem (broer, 8), Lotte (zus); Karim\n Sem (broer, 8)") == (
        "Sem (broer, 8)", "Lotte (zus)", "Karim")
    assert other_person("Sem (broer)") == Person("Sem", "de broer")
    assert other_person("Karim") == Person("Karim", "[naam]")


def test_other_people_load_from_an_old_file_and_round_trip(veld):
    session = corpus_session(veld)
    record = session.to_record()
    assert record["session"]["1"]["meta"]["other_people"] == list(OTHERS)
    del record["session"]["1"]["meta"]["other_people"]  # a file from before the field
    assert Session.from_record(record).meta.other_people == ()
    session.set_other_people(["  Sem  (broer) ", "", "Sem (broer)"], T0)
    assert Session.from_record(session.to_record()).meta.other_people == ("Sem (broer)",)


def test_the_register_is_fast(veld):
    import time

    session = corpus_session(veld)
    register = register_for(session)
    text = " ".join(CORPUS)
    start = time.perf_counter()
    for _ in range(50):
        register.apply(text)
    per_note = (time.perf_counter() - start) / (50 * len(CORPUS))
    assert per_note < 0.002, per_note  # a 500-note session in well under a second


# -- the corpus in every export format -----------------------------------------------------


def test_the_corpus_fills_every_field(veld):
    session = corpus_session(veld)
    assert len(CORPUS) >= 40
    texts = [t for t, _ in pseudonymised_texts(session, now=NOW)]
    assert len(texts) >= 40


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_registered_name_in_any_form_in_any_export(veld, fmt):
    session = corpus_session(veld)
    plain = exported(session, fmt, pseudonymise=True)
    assert names_left(plain) == []
    for half in ("El de", "El De", "vd N", "vd D", "leraar-de", "v.d. de", "(de broer)s"):
        assert half not in plain, half
    # The header: no school, no place, no exact date or time.
    for identifying in ("Wilg", "2026-11-23", "23 november", "13:30"):
        assert identifying not in plain, identifying
    # The month stays: in words for a reader, as data in the data file.
    assert ('"date": "2026-11"' if fmt == "json" else "november 2026") in plain
    # And the same export with names still has them (the check can fail).
    assert names_left(exported(session, fmt, pseudonymise=False))


def test_a_full_header_only_when_asked(veld):
    session = corpus_session(veld)
    plain = exported(session, "md", pseudonymise=True, full_header=True)
    assert "Basisschool De Wilg" in plain and "2026-11-23" in plain and "13:30" in plain
    assert names_left(plain) == []


def test_what_the_second_pass_finds_is_replaced_on_request(veld):
    session = corpus_session(veld)
    session.add_note("Lotte en oom Ruben kwamen uit Zwolle", T0, party="ouders")
    left = exported(session, "html", pseudonymise=True)
    assert "Lotte" in left and "Ruben" in left
    extra = (Finding("Lotte", "naam").person(), Finding("oom Ruben", "naam").person(),
             Finding("Zwolle", "plaats").person())
    for fmt in FORMATS:
        plain = exported(session, fmt, pseudonymise=True, extra=extra)
        assert "Lotte" not in plain and "Ruben" not in plain and "Zwolle" not in plain
        assert "[plaats]" in plain.replace("\\", "") or fmt == "svg"


# -- the second pass with deduce ------------------------------------------------------------


def test_deduce_finds_the_names_no_register_holds(veld):
    """The real thing: deduce in its own process (seconds: it loads its lookup tables)."""
    pytest.importorskip("deduce")
    session = corpus_session(veld)
    session.add_note("Lotte en haar broer Ruben Smeets kwamen mee uit Zwolle", T0,
                     party="ouders")
    findings = namecheck.find_in_subprocess(pseudonymised_texts(session, now=NOW))
    found = {fold(f.text) for f in findings}
    assert {"lotte", "ruben smeets"} <= found, findings
    assert not any("v.d.b" in f or "gespreksleider" in f for f in found), findings
    extra = tuple(f.person() for f in findings)
    plain = exported(session, "md", pseudonymise=True, extra=extra)
    assert "Lotte" not in plain and "Smeets" not in plain and names_left(plain) == []


def test_rendering_never_imports_deduce(veld):
    import subprocess

    code = ("import sys; sys.path.insert(0, 'tests'); import test_names as t;"
            "from arrangeren_tui.core.paths import shipped_decks_dir;"
            "from arrangeren_tui.core.veld import load_veld;"
            "s = t.corpus_session(load_veld(shipped_decks_dir() / 'veld.toml'));"
            "[t.render_export(s, f, now=t.NOW, pseudonymise=True) for f in t.FORMATS"
            " if f != 'pdf'];"
            "t.pseudonymised_texts(s, now=t.NOW);"
            "print('deduce' in sys.modules, 'numpy' in sys.modules);"
            # fpdf2's fontTools takes numpy when it is there (deduce brought it): the PDF
            # may load numpy, never deduce.
            "t.render_export(s, 'pdf', now=t.NOW, pseudonymise=True);"
            "print('deduce' in sys.modules)")
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=root, timeout=120)
    assert result.stdout.split() == ["False", "False", "False"], result.stderr[-2000:]


# -- asking: the command line and the export screen ----------------------------------------------


FOUND = [Finding("Lotte", "naam"), Finding("Zwolle", "plaats")]


@pytest.fixture
def stored(tmp_path, veld, monkeypatch):
    store = SessionStore(tmp_path / "store")
    store.ensure()
    session = corpus_session(veld)
    session.add_note("Lotte kwam uit Zwolle", T0, party="ouders")
    store.save(session)
    monkeypatch.setattr(namecheck, "find_in_subprocess", lambda texts, **kw: list(FOUND))
    return store, session


def test_cli_does_not_write_until_told_what_to_do_with_found_names(stored, tmp_path, capsys):
    store, session = stored
    out = tmp_path / "uit"
    out.mkdir()
    with pytest.raises(SystemExit) as stop:
        main(["--store", str(store.root), "export", session.id, "--pseudoniem", "-o", str(out)])
    assert stop.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "Mogelijk nog namen: Lotte, Zwolle (plaats)" in err and "--vervang-gevonden" in err
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(("flag", "kept"), [("--vervang-gevonden", False), ("--laat-staan", True)])
def test_cli_replaces_or_leaves_found_names(stored, tmp_path, flag, kept):
    store, session = stored
    assert main(["--store", str(store.root), "export", session.id, "--pseudoniem", flag,
                 "--format", "html", "-o", str(tmp_path)]) == 0
    page = (tmp_path / f"verslag-{session.id}-pseudoniem.html").read_text("utf-8")
    assert ("Lotte" in page) is kept and ("Zwolle" in page) is kept
    assert names_left(page) == []


def test_cli_flags_need_pseudoniem(stored, capsys):
    store, session = stored
    with pytest.raises(SystemExit) as stop:
        main(["--store", str(store.root), "export", session.id, "--vervang-gevonden"])
    assert stop.value.code == EXIT_USAGE


async def test_export_screen_asks_before_writing_pseudonymised(stored, tmp_path, veld):
    from textual.widgets import Markdown, Static

    from arrangeren_tui.ui.app import ArrangerenApp
    from arrangeren_tui.ui.screens.export import ExportScreen

    store, session = stored
    out = tmp_path / "verslagen"
    app = ArrangerenApp(store=store, veld=veld, open_session=session.id,
                        now=FakeClock(NOW), today=lambda: TODAY, export_dir=out)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        await pilot.press("n")  # the pseudonym (p writes the PDF)
        await app.workers.wait_for_complete()
        await pilot.pause()
        title = str(screen.query_one("#export-title", Static).render())
        assert "Mogelijk nog namen: Lotte, Zwolle (plaats)" in title
        await pilot.press("m")  # not yet: first the choice
        await pilot.pause()
        assert not out.exists() or list(out.iterdir()) == []
        await pilot.press("v")
        await pilot.pause()
        preview = screen.query_one(Markdown).source
        assert "Lotte" not in preview and "[plaats]" in preview.replace("\\", "")
        await pilot.press("m", "f")
        await pilot.pause()
    written = {p.name: p.read_text("utf-8") for p in out.iterdir()}
    assert set(written) == {f"verslag-{session.id}-pseudoniem.md",
                            f"foto-{session.id}-pseudoniem.svg"}
    for text in written.values():
        assert "Lotte" not in text and names_left(text) == []


async def test_names_dialog_on_the_board_edits_the_other_people(tmp_path, veld):
    from arrangeren_tui.ui.app import ArrangerenApp
    from arrangeren_tui.ui.dialogs.names import NamesDialog

    store = SessionStore(tmp_path / "store")
    store.ensure()
    session = corpus_session(veld)
    store.save(session)
    app = ArrangerenApp(store=store, veld=veld, open_session=session.id,
                        now=FakeClock(NOW), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")  # the command palette: Namen has no key of its own
        await pilot.pause()
        await pilot.press(*"Namen")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NamesDialog)
        field = app.screen.query_one("#names-other")
        field.value = "Lotte (zus), Sem (klasgenoot)"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NamesDialog)
        await pilot.press("ctrl+g")  # leave the board: it saves
        await pilot.pause()
    assert store.load(session.id).meta.other_people == ("Lotte (zus)", "Sem (klasgenoot)")


async def test_leaving_the_export_screen_ends_a_running_check(stored, tmp_path, veld,
                                                             monkeypatch):
    import subprocess
    import time

    from arrangeren_tui.ui.app import ArrangerenApp

    store, session = stored
    started: list[subprocess.Popen[bytes]] = []

    def slow_check(texts, *, on_start=None, **kw):  # type: ignore[no-untyped-def]
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        started.append(process)
        if on_start is not None:
            on_start(process)
        process.wait()
        raise namecheck.NameCheckError("gestopt")

    monkeypatch.setattr(namecheck, "find_in_subprocess", slow_check)
    app = ArrangerenApp(store=store, veld=veld, open_session=session.id,
                        now=FakeClock(NOW), today=lambda: TODAY, export_dir=tmp_path / "uit")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("n")  # the pseudonym (p writes the PDF)
        for _ in range(50):
            if started:
                break
            await pilot.pause(0.05)
        begin = time.monotonic()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert time.monotonic() - begin < 10
    assert started and started[0].poll() is not None
