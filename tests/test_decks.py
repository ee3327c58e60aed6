"""Card decks: the Markdown format, the shipped decks, every reported problem with its exact
``file:line: problem``, the override order across folders, and writing a user's card back."""

from __future__ import annotations

import os
import random
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fictional import generate_cards
from markdown_it import MarkdownIt

from arrangeren_tui.core import paths
from arrangeren_tui.core.decks.load import check_paths, deck_files, load_decks
from arrangeren_tui.core.decks.parse import parse_deck_file, parse_deck_text
from arrangeren_tui.core.decks.types import (
    INTENSITIES,
    Card,
    Deck,
    DeckError,
    DeckProblem,
    derive_id,
    normalize_description,
    normalize_title,
    slug,
)
from arrangeren_tui.core.decks.write import append_card, card_to_markdown, new_card, own_deck_path
from arrangeren_tui.core.domains import DOMAINS
from arrangeren_tui.core.veld import Veld

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "decks"
P = Path("kaarten/ouders.md")

GOOD = """\
# Ouders

Een vrije inleiding. Deze tekst is geen kaart.

## Elke dag samen lezen

- domein: leren
- intensiteit: licht
- id: ouders-voorlezen

Elke dag een kwartier voorlezen,
op een vast moment.

Een tweede alinea.

---

<!-- een opmerking -->

## Afspraken over  schermtijd
- Domein: gezondheid,  Werkhouding
- intensiteit: Middel

Samen *afspraken* maken over `gamen` &amp; tv.
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def card_md(title: str, card_id: str | None = None, domain: str = "leren",
            intensity: str = "licht", text: str = "Beschrijving.") -> str:
    lines = [f"## {title}", "", f"- domein: {domain}", f"- intensiteit: {intensity}"]
    if card_id:
        lines.append(f"- id: {card_id}")
    return "\n".join(lines + ["", text]) + "\n"


# ---------------------------------------------------------------------------
# Parsing a good file


def test_good_file_parses_into_cards(veld: Veld) -> None:
    cards, problems = parse_deck_text(GOOD, P, veld)
    assert problems == []
    assert cards == [
        Card(
            id="ouders-voorlezen",
            party="ouders",
            title="Elke dag samen lezen",
            description=(
                "Elke dag een kwartier voorlezen, op een vast moment.\n\nEen tweede alinea."
            ),
            domains=("leren",),
            intensity="licht",
            source=P,
            line=5,
            own=False,
        ),
        Card(
            id="ouders-afspraken-over-schermtijd",
            party="ouders",
            title="Afspraken over schermtijd",
            description="Samen afspraken maken over gamen & tv.",
            domains=("werkhouding", "gezondheid"),
            intensity="middel",
            source=P,
            line=20,
            own=False,
        ),
    ]


def test_party_heading_matches_key_or_label_case_insensitively(veld: Veld) -> None:
    for heading in ("# jgz", "# JGZ", "# Jgz"):
        cards, problems = parse_deck_text(heading + "\n\n" + card_md("Consult"), P, veld)
        assert problems == []
        assert [c.party for c in cards] == ["jgz"]
        assert cards[0].id == "jgz-consult"


def test_domains_may_be_joined_with_en_and_are_kept_in_canonical_order(veld: Veld) -> None:
    text = "# School\n\n" + card_md("Maatje", domain="gedrag en leren")
    cards, problems = parse_deck_text(text, P, veld)
    assert problems == []
    assert cards[0].domains == ("leren", "gedrag")


def test_byte_order_mark_is_accepted(veld: Veld, tmp_path: Path) -> None:
    path = write(tmp_path, "ouders.md", "\ufeff".encode() + GOOD.encode())
    cards, problems = parse_deck_file(path, veld)
    assert problems == []
    assert len(cards) == 2


def test_own_flag_is_passed_on(veld: Veld) -> None:
    cards, _ = parse_deck_text(GOOD, P, veld, own=True)
    assert all(card.own for card in cards)


def test_slug_and_derived_id() -> None:
    assert slug("Één vaste avondroutine!") == "een-vaste-avondroutine"
    assert derive_id("ouders", "Samen   lezen (thuis)") == "ouders-samen-lezen-thuis"
    # A title without any ASCII letter still gets a stable, valid id.
    assert slug("😀😀") == slug("😀😀")
    assert slug("😀😀").startswith("kaart-")
    assert slug("😀😀") != slug("😀")


def test_problem_prints_as_file_line_problem() -> None:
    assert str(DeckProblem(P, 7, "iets mis")) == "kaarten/ouders.md:7: iets mis"
    assert str(DeckProblem(P, None, "iets mis")) == "kaarten/ouders.md: iets mis"


# ---------------------------------------------------------------------------
# The shipped decks


SHIPPED_PARTIES = ("ouders", "school", "swv", "jeugdhulp", "jgz")


def test_shipped_decks_load_without_problems(veld: Veld) -> None:
    deck, problems = load_decks([SHIPPED], veld)
    assert [str(p) for p in problems] == []
    for key in SHIPPED_PARTIES:
        cards = deck.for_party(key)
        assert len(cards) >= 15, key
    assert len(deck.for_party("leerling")) >= 8
    assert len(deck) == sum(len(deck.for_party(p.key)) for p in veld.parties)


@pytest.mark.parametrize("key", (*SHIPPED_PARTIES, "leerling"))
def test_each_shipped_file_is_one_party_with_complete_cards(veld: Veld, key: str) -> None:
    path = SHIPPED / f"{key}.md"
    cards, problems = parse_deck_file(path, veld)
    assert problems == []
    assert {c.party for c in cards} == {key}
    for card in cards:
        assert card.id.startswith(f"{key}-")
        assert card.domains and set(card.domains) <= set(DOMAINS)
        assert card.intensity in INTENSITIES
        assert card.description and "\n" not in card.description
        assert card.description.count(". ") <= 2, card.id  # one to three short sentences
        assert not card.own
    # Explicit ids everywhere, so a title can be reworded without breaking an id.
    assert path.read_text(encoding="utf-8").count("\n- id: ") == len(cards)


def test_shipped_decks_use_every_domain_and_intensity(veld: Veld) -> None:
    deck, _ = load_decks([SHIPPED], veld)
    assert {d for c in deck for d in c.domains} == set(DOMAINS)
    assert {c.intensity for c in deck} == set(INTENSITIES)


def test_deck_order_follows_the_veld_party_order(veld: Veld) -> None:
    deck, _ = load_decks([SHIPPED], veld)
    order = [p.key for p in veld.parties]
    seen = [order.index(c.party) for c in deck]
    assert seen == sorted(seen)
    assert deck.by_id["ouders-voorlezen"].title == "Elke dag samen lezen"
    assert "ouders-voorlezen" in deck
    assert deck.get("bestaat-niet") is None


# ---------------------------------------------------------------------------
# Every broken case, with its exact message

CHOICE_D = "(kies uit: leren, werkhouding, gedrag, gezondheid)"
CHOICE_I = "(kies uit: licht, middel, zwaar)"
KNOWN = "(bekend: Leerling, Ouders, School, SWV, Jeugdhulp, JGZ)"

BROKEN = {
    "unknown party": (
        "# Buurtteam\n\n" + card_md("Iets"),
        [f"1: onbekende partij 'Buurtteam' {KNOWN}"],
    ),
    "empty party heading": (
        "#\n\n" + card_md("Iets"),
        [f"1: kop '#' zonder partijnaam {KNOWN}"],
    ),
    "missing party heading, no cards": (
        "Alleen wat tekst.\n",
        ["1: geen kop '# Partij' gevonden (zet bovenaan bijvoorbeeld '# Ouders')"],
    ),
    "missing party heading above cards": (
        "Inleiding.\n\n" + card_md("Iets") + "\n" + card_md("Nog iets"),
        [
            "3: geen kop '# Partij' boven de kaarten "
            "(zet bovenaan het bestand bijvoorbeeld '# Ouders')"
        ],
    ),
    "second party heading": (
        "# Ouders\n\n" + card_md("Goed") + "\n# School\n\n" + card_md("Weg"),
        [
            "10: een bestand hoort bij één partij: er staat al een kop '# Partij' boven; "
            "zet deze kaarten in een eigen bestand (ze worden overgeslagen)"
        ],
    ),
    "card without title": (
        "# Ouders\n\n##\n\n- domein: leren\n- intensiteit: licht\n",
        ["3: kaart zonder titel (schrijf de titel achter '## ')"],
    ),
    "unknown domain": (
        "# Ouders\n\n" + card_md("Iets", domain="leren, rekenen"),
        [f"5: onbekend domein 'rekenen' {CHOICE_D}"],
    ),
    "empty domain": (
        "# Ouders\n\n" + card_md("Iets", domain=""),
        [f"5: geen domein ingevuld {CHOICE_D}"],
    ),
    "missing domain": (
        "# Ouders\n\n## Iets\n\n- intensiteit: licht\n\nTekst.\n",
        [f"3: kaart 'Iets' mist '- domein: ...' {CHOICE_D}"],
    ),
    "unknown intensity": (
        "# Ouders\n\n" + card_md("Iets", intensity="heel zwaar"),
        [f"6: onbekende intensiteit 'heel zwaar' {CHOICE_I}"],
    ),
    "missing intensity": (
        "# Ouders\n\n## Iets\n\n- domein: leren\n\nTekst.\n",
        [f"3: kaart 'Iets' mist '- intensiteit: ...' {CHOICE_I}"],
    ),
    "no data list at all": (
        "# Ouders\n\n## Iets\n\nAlleen tekst.\n",
        [
            "3: kaart 'Iets' mist de lijst met gegevens direct onder de titel "
            "('- domein: ...' en '- intensiteit: ...')"
        ],
    ),
    "data list after the description": (
        "# Ouders\n\n## Iets\n\nTekst.\n\n- domein: leren\n- intensiteit: licht\n",
        ["7: de lijst met gegevens hoort direct onder de titel, vóór de beschrijving"],
    ),
    "invalid id": (
        "# Ouders\n\n" + card_md("Iets", card_id="Ouders_Lezen"),
        [
            "7: ongeldige id 'Ouders_Lezen': gebruik alleen kleine letters, cijfers en "
            "streepjes, hoogstens 80 tekens (bijvoorbeeld 'ouders-voorlezen')"
        ],
    ),
    "unknown data key": (
        "# Ouders\n\n## Iets\n\n- domein: leren\n- kleur: rood\n- intensiteit: licht\n",
        ["6: onbekend gegeven 'kleur' (toegestaan: domein, intensiteit, id)"],
    ),
    "data line without colon": (
        "# Ouders\n\n## Iets\n\n- domein leren\n- intensiteit: licht\n",
        [
            "5: 'domein leren' is geen gegeven; schrijf 'naam: waarde', "
            "bijvoorbeeld 'domein: leren'"
        ],
    ),
    "data key twice": (
        "# Ouders\n\n## Iets\n\n- domein: leren\n- intensiteit: licht\n- domein: gedrag\n",
        ["7: 'domein' staat twee keer bij deze kaart (ook op regel 5)"],
    ),
    "no blank line before the description": (
        "# Ouders\n\n## Iets\n\n- domein: leren\n- intensiteit: licht\nTekst plakt eraan.\n",
        [
            "7: zet een lege regel tussen de gegevens en de beschrijving "
            "(een gegeven past op één regel)"
        ],
    ),
    "second list in the description": (
        "# Ouders\n\n" + card_md("Iets") + "\n- punt een\n- punt twee\n",
        [
            "10: een kaart heeft één lijst met gegevens; "
            "schrijf de beschrijving als gewone tekst zonder opsomming"
        ],
    ),
    "numbered list in the description": (
        "# Ouders\n\n" + card_md("Iets") + "\n1. eerst\n2. dan\n",
        [
            "10: een genummerde lijst kan niet in een kaart; "
            "schrijf de beschrijving als gewone tekst"
        ],
    ),
    "quote in the description": (
        "# Ouders\n\n" + card_md("Iets") + "\n> citaat\n",
        ["10: een citaat ('>') kan niet in een kaart; schrijf de beschrijving als gewone tekst"],
    ),
    "third-level heading in a card": (
        "# Ouders\n\n" + card_md("Iets") + "\n### Onderdeel\n",
        [
            "10: kop '###' wordt niet gebruikt in een kaart; "
            "een nieuwe kaart begint met '## Titel'"
        ],
    ),
    "duplicate explicit id": (
        "# Ouders\n\n" + card_md("Een", "ouders-x") + "\n" + card_md("Twee", "ouders-x"),
        ["11: id 'ouders-x' komt al voor in kaarten/ouders.md:3"],
    ),
    "duplicate derived id": (
        "# Ouders\n\n" + card_md("Samen lezen") + "\n" + card_md("Samen  lezen"),
        [
            "10: id 'ouders-samen-lezen' komt al voor in kaarten/ouders.md:3 "
            "(de id komt van de titel; geef deze kaart een eigen '- id: ...')"
        ],
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_case_is_reported_with_file_and_line(veld: Veld, case: str) -> None:
    text, expected = BROKEN[case]
    cards, problems = parse_deck_text(text, P, veld)
    assert [str(p) for p in problems] == [f"{P}:{message}" for message in expected]


def test_the_bad_card_is_skipped_and_the_good_ones_kept(veld: Veld) -> None:
    text = (
        "# Ouders\n\n"
        + card_md("Eerste", "ouders-eerste")
        + "\n"
        + card_md("Kapot", domain="rekenen")
        + "\n"
        + card_md("Derde", "ouders-derde")
    )
    cards, problems = parse_deck_text(text, P, veld)
    assert [c.id for c in cards] == ["ouders-eerste", "ouders-derde"]
    assert [p.line for p in problems] == [13]


def test_one_card_may_have_several_problems(veld: Veld) -> None:
    text = "# Ouders\n\n## Iets\n\n- domein: rekenen\n- intensiteit: veel\n- id: X\n"
    cards, problems = parse_deck_text(text, P, veld)
    assert cards == []
    assert [p.line for p in problems] == [5, 6, 7]


def test_cards_under_an_unknown_party_are_dropped(veld: Veld) -> None:
    cards, problems = parse_deck_text("# Buurtteam\n\n" + card_md("Iets"), P, veld)
    assert cards == []
    assert len(problems) == 1


def test_file_that_is_not_utf8(veld: Veld, tmp_path: Path) -> None:
    path = write(tmp_path, "ouders.md", b"# Ouders\n\n## Caf\xe9\n")
    cards, problems = parse_deck_file(path, veld)
    assert cards == []
    assert [str(p) for p in problems] == [
        f"{path}:3: het bestand is geen geldige UTF-8-tekst (sla het op als UTF-8)"
    ]


def test_unreadable_file(veld: Veld, tmp_path: Path) -> None:
    path = tmp_path / "weg.md"
    cards, problems = parse_deck_file(path, veld)
    assert cards == []
    assert len(problems) == 1
    assert problems[0].line is None
    assert str(problems[0]).startswith(f"{path}: kan het bestand niet lezen (")


# ---------------------------------------------------------------------------
# Folders: order, overrides, duplicates


@pytest.fixture
def two_dirs(tmp_path: Path) -> tuple[Path, Path]:
    base = tmp_path / "basis"
    write(base, "ouders.md", "# Ouders\n\n" + card_md("A", "ouders-a") + card_md("B", "ouders-b")
          + card_md("C", "ouders-c"))
    write(base, "school.md", "# School\n\n" + card_md("S", "school-s"))
    own = tmp_path / "eigen"
    # File names sort before the party's: order must still follow the veld.
    write(own, "aa-school.md", "# School\n\n" + card_md("T", "school-t"))
    write(own, "ouders.md", "# Ouders\n\n" + card_md("B van ons", "ouders-b", "gedrag", "zwaar")
          + card_md("D", "ouders-d"))
    return base, own


def test_later_folder_overrides_same_id_in_place(veld: Veld, two_dirs: tuple[Path, Path]) -> None:
    base, own = two_dirs
    deck, problems = load_decks([base, own], veld, shipped=base)
    assert problems == []
    assert [c.id for c in deck] == [
        "ouders-a", "ouders-b", "ouders-c", "ouders-d", "school-s", "school-t",
    ]
    replaced = deck.by_id["ouders-b"]
    assert (replaced.title, replaced.domains, replaced.intensity) == (
        "B van ons",
        ("gedrag",),
        "zwaar",
    )
    assert replaced.source == own / "ouders.md"
    assert replaced.own is True
    assert deck.by_id["ouders-a"].own is False
    assert [c.id for c in deck.for_party("school")] == ["school-s", "school-t"]
    assert deck.for_party("jgz") == ()
    assert len(deck) == 6


def test_priority_is_the_order_of_the_folders(veld: Veld, two_dirs: tuple[Path, Path]) -> None:
    base, own = two_dirs
    deck, _ = load_decks([own, base], veld, shipped=base)
    assert deck.by_id["ouders-b"].title == "B"


def test_duplicate_id_across_files_of_one_folder(veld: Veld, tmp_path: Path) -> None:
    folder = tmp_path / "kaarten"
    write(folder, "a.md", "# Ouders\n\n" + card_md("Eerste", "ouders-x"))
    later = write(folder, "b.md", "# Ouders\n\nInleiding.\n\n" + card_md("Tweede", "ouders-x"))
    deck, problems = load_decks([folder], veld)
    assert [str(p) for p in problems] == [
        f"{later}:5: id 'ouders-x' komt al voor in {folder / 'a.md'}:3"
    ]
    assert deck.by_id["ouders-x"].title == "Eerste"
    assert check_paths([folder], veld) == problems


def test_readme_other_files_hidden_files_and_subfolders_are_ignored(
    veld: Veld, tmp_path: Path
) -> None:
    folder = tmp_path / "kaarten"
    write(folder, "ouders.md", "# Ouders\n\n" + card_md("Goed"))
    write(folder, "README.md", "Uitleg voor collega's, geen kaarten.\n\n## Geen kaart\n")
    write(folder, "readme.MD", "ook niet")
    write(folder, "veld.toml", "naam = 'x'\n")
    write(folder, "notities.txt", "## Ook geen kaart\n")
    write(folder, ".verborgen.md", "kapot")
    write(folder, "ouders.md.bak", "kapot")
    write(folder / "sub", "school.md", "kapot")
    assert [p.name for p in deck_files(folder)] == ["ouders.md"]
    deck, problems = load_decks([folder], veld)
    assert problems == []
    assert [c.id for c in deck] == ["ouders-goed"]


def test_missing_folder_is_a_problem(veld: Veld, tmp_path: Path) -> None:
    missing = tmp_path / "bestaat-niet"
    deck, problems = load_decks([SHIPPED, missing], veld)
    assert [str(p) for p in problems] == [f"{missing}: deze map met kaarten bestaat niet"]
    assert len(deck) > 0


def test_a_single_file_may_stand_for_a_folder(veld: Veld, tmp_path: Path) -> None:
    path = write(tmp_path, "extra.md", "# JGZ\n\n" + card_md("Consult", "jgz-jeugdarts-consult"))
    deck, problems = load_decks([SHIPPED, path], veld)
    assert problems == []
    assert deck.by_id["jgz-jeugdarts-consult"].title == "Consult"
    assert deck.by_id["jgz-jeugdarts-consult"].own


def test_check_paths_reports_files_and_folders(veld: Veld, tmp_path: Path) -> None:
    bad = write(tmp_path / "a", "ouders.md", "# Ouders\n\n" + card_md("X", intensity="veel"))
    other = write(tmp_path, "veld.toml", "naam = 'x'\n")
    missing = tmp_path / "nergens"
    messages = [str(p) for p in check_paths([bad, tmp_path / "a", other, missing, SHIPPED], veld)]
    assert messages == [
        f"{bad}:6: onbekende intensiteit 'veel' {CHOICE_I}",
        f"{bad}:6: onbekende intensiteit 'veel' {CHOICE_I}",
        f"{other}: geen kaartenbestand (kaarten staan in .md-bestanden)",
        f"{missing}: dit bestand of deze map bestaat niet",
    ]


def test_deck_refuses_duplicate_ids() -> None:
    card = generate_cards(1, _veld())[0]
    with pytest.raises(ValueError):
        Deck([card, card])


def _veld() -> Veld:
    from arrangeren_tui.core.veld import load_veld

    return load_veld(SHIPPED / "veld.toml")


# ---------------------------------------------------------------------------
# Resolving the deck folders


def test_resolve_deck_dirs_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config"
    monkeypatch.setattr(paths, "user_config_dir", lambda: config)
    env = {paths.DECKS_ENV: f"{tmp_path / 'env1'}{os.pathsep}{tmp_path / 'env2'}"}
    # Without an own folder: shipped, env, --decks.
    assert paths.resolve_deck_dirs(str(tmp_path / "cli"), env) == [
        paths.shipped_decks_dir(),
        tmp_path / "env1",
        tmp_path / "env2",
        tmp_path / "cli",
    ]
    (config / "kaarten").mkdir(parents=True)
    assert paths.resolve_deck_dirs(None, {}) == [paths.shipped_decks_dir(), config / "kaarten"]
    assert paths.resolve_deck_dirs([str(tmp_path / "x"), str(tmp_path / "y")], env) == [
        paths.shipped_decks_dir(),
        config / "kaarten",
        tmp_path / "env1",
        tmp_path / "env2",
        tmp_path / "x",
        tmp_path / "y",
    ]
    # The same folder twice keeps only its strongest (last) place.
    same = {paths.DECKS_ENV: str(tmp_path / "x")}
    assert paths.resolve_deck_dirs(str(tmp_path / "x"), same)[-1] == tmp_path / "x"
    assert paths.resolve_deck_dirs(str(tmp_path / "x"), same).count(tmp_path / "x") == 1
    assert paths.user_decks_dir() == config / "kaarten"


def test_resolve_deck_dirs_reads_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.setattr(paths, "user_config_dir", lambda: tmp_path / "geen")
    monkeypatch.setenv(paths.DECKS_ENV, str(tmp_path / "swv"))
    assert paths.resolve_deck_dirs(None) == [paths.shipped_decks_dir(), tmp_path / "swv"]


# ---------------------------------------------------------------------------
# Writing a user's card back

HOSTILE = [
    "# Kop",
    "## Nog een kaart",
    "- domein: leren",
    "- intensiteit: zwaar",
    "id: nep-id",
    "* ster",
    "+ plus",
    "1. genummerd",
    "1) haakje",
    "2024. Een jaartal",
    "> citaat",
    "```python",
    "~~~",
    "    ingesprongen code",
    "---",
    "***",
    "___",
    "===",
    "- [ ] taak",
    "<div>html</div>",
    "<!-- commentaar",
    "-->",
    "<https://voorbeeld.nl>",
    "[link](https://voorbeeld.nl)",
    "[ref]: https://voorbeeld.nl",
    "![plaatje](x.png)",
    "&amp; &lt; &#35;",
    "a\\",
    "\\",
    "\\*geen nadruk\\*",
    "`code`",
    "*nadruk* _ook_ **sterk**",
    "titel #",
    "C# en F# ##",
    ":",
    "|tabel|kop|",
    "tekst  \nharde breuk",
    "regel1\nregel2\n\n\n  alinea2\n- lijst\n# kop",
    "\r\n windows \r\n\r\nregels \r",
    "tab\tje",
    "\x00nul\x07bel\x1b[31mrood",
    "emoji 😀 en ü ß 中文",
    "\u2028lijn\u2029scheiding\u00a0nbsp",
    "\ufeffbom",
    "\n\n# Buurtteam\n\n## Verstopte kaart\n\n- domein: leren\n- intensiteit: zwaar\n",
]


def roundtrip(card: Card, veld: Veld) -> Card:
    text = f"# {veld.party(card.party).label}\n\n" + card_to_markdown(card)
    cards, problems = parse_deck_text(text, P, veld, own=True)
    assert problems == [], text
    assert len(cards) == 1, text
    return cards[0]


def same(a: Card, b: Card) -> bool:
    keys = ("id", "party", "title", "description", "domains", "intensity")
    return all(getattr(a, k) == getattr(b, k) for k in keys)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_title_and_description_round_trip(veld: Veld, text: str) -> None:
    title = text if normalize_title(text) else "Titel " + text
    card = new_card("ouders", title, text, ["gedrag", "leren"], "middel")
    assert card.title == normalize_title(title)
    assert card.description == normalize_description(text)
    back = roundtrip(card, veld)
    assert same(back, card)


def test_random_text_round_trips(veld: Veld) -> None:
    rng = random.Random(20261123)
    alphabet = list("#-*+_`[]()<>!&;\\|~=:.1 \n\t\r aé😀") + ["\u00a0", "\u2028", "\x00", "&amp;"]
    for n in range(400):
        title = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        if not normalize_title(title):
            title += "x"
        card = new_card("school", title, text, ["werkhouding"], "licht", card_id=f"school-r{n}")
        assert same(roundtrip(card, veld), card), (title, text)


def test_normalising_is_idempotent() -> None:
    for text in HOSTILE:
        once = normalize_description(text)
        assert normalize_description(once) == once
        assert normalize_title(normalize_title(text)) == normalize_title(text)
        assert "\n" not in normalize_title(text)


def test_plain_text_is_written_without_escapes() -> None:
    card = new_card("ouders", "Samen lezen", "Elke dag lezen, ook in het weekend.",
                    ["leren"], "licht")
    assert card_to_markdown(card) == (
        "## Samen lezen\n\n"
        "- domein: leren\n"
        "- intensiteit: licht\n"
        "- id: ouders-samen-lezen\n\n"
        "Elke dag lezen, ook in het weekend.\n"
    )


def test_append_card_creates_a_private_file_that_reads_back(veld: Veld, tmp_path: Path) -> None:
    folder = tmp_path / "config" / "kaarten"
    path = own_deck_path("ouders", folder)
    assert path == folder / "eigen-ouders.md"
    first = new_card("ouders", "# Kop\nmet regel", HOSTILE[37], ["leren"], "licht")
    written = append_card(path, first, "Ouders")
    assert path.read_text(encoding="utf-8").startswith("# Ouders\n\n## ")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    assert written.source == path and written.own and written.line == 3
    assert same(written, first)

    taken = {written.id}
    second = new_card("ouders", "# Kop met regel", "- domein: gezondheid", ["gezondheid"],
                      "zwaar", taken=taken)
    assert second.id == "ouders-kop-met-regel-2"
    written2 = append_card(path, second, "Ouders")
    cards, problems = parse_deck_file(path, veld, own=True)
    assert problems == []
    assert cards == [written, written2]
    assert list(folder.iterdir()) == [path]  # no temporary files or backups left behind

    deck, problems = load_decks([SHIPPED, folder], veld)
    assert problems == []
    assert deck.by_id[written2.id] == written2


@pytest.mark.parametrize("text", HOSTILE)
def test_append_card_with_hostile_text(veld: Veld, tmp_path: Path, text: str) -> None:
    path = tmp_path / "eigen-jgz.md"
    title = text if normalize_title(text) else "Titel " + text
    card = new_card("jgz", title, text, ["gezondheid"], "licht")
    written = append_card(path, card, "JGZ")
    again = append_card(path, new_card("jgz", "Daarna", text, ["leren"], "zwaar"), "JGZ")
    cards, problems = parse_deck_file(path, veld, own=True)
    assert problems == []
    assert cards == [written, again]
    assert same(written, card)


def test_append_card_refuses_another_party_or_a_taken_id(veld: Veld, tmp_path: Path) -> None:
    path = tmp_path / "eigen-ouders.md"
    card = new_card("ouders", "Samen koken", "", ["gezondheid"], "licht")
    append_card(path, card, "Ouders")
    before = path.read_bytes()
    with pytest.raises(DeckError, match="al een kaart met id 'ouders-samen-koken'"):
        append_card(path, card, "Ouders")
    with pytest.raises(DeckError, match="hoort bij 'Ouders', niet bij 'School'"):
        append_card(path, new_card("school", "Maatje", "", ["gedrag"], "licht"), "School")
    assert path.read_bytes() == before


def test_append_card_refuses_when_the_file_ends_in_an_open_block(tmp_path: Path) -> None:
    path = write(tmp_path, "eigen-ouders.md", "# Ouders\n\n```\nopen codeblok\n")
    before = path.read_bytes()
    with pytest.raises(DeckError, match="kan niet veilig worden toegevoegd"):
        append_card(path, new_card("ouders", "Iets", "", ["leren"], "licht"), "Ouders")
    assert path.read_bytes() == before


def test_new_card_validates() -> None:
    with pytest.raises(ValueError, match="titel"):
        new_card("ouders", " \n ", "", ["leren"], "licht")
    with pytest.raises(ValueError, match="onbekend domein 'rekenen'"):
        new_card("ouders", "X", "", ["rekenen"], "licht")
    with pytest.raises(ValueError, match="minstens één domein"):
        new_card("ouders", "X", "", [], "licht")
    with pytest.raises(ValueError, match="intensiteit"):
        new_card("ouders", "X", "", ["leren"], "heel")
    with pytest.raises(ValueError, match="ongeldige id"):
        new_card("ouders", "X", "", ["leren"], "licht", card_id="Ouders X")
    card = new_card("ouders", "X", "", [" Gedrag", "leren"], " Zwaar ")
    assert (card.domains, card.intensity, card.own) == (("leren", "gedrag"), "zwaar", True)


# ---------------------------------------------------------------------------
# Synthetic cards at scale


def test_generate_cards_is_deterministic_and_unique(veld: Veld) -> None:
    cards = generate_cards(5000, veld, seed=7)
    assert len(cards) == 5000
    assert len({c.id for c in cards}) == 5000
    assert cards == generate_cards(5000, veld, seed=7)
    assert cards != generate_cards(5000, veld, seed=8)
    assert {c.party for c in cards} == {p.key for p in veld.parties}
    deck = Deck(cards, veld)
    assert len(deck) == 5000
    assert sum(len(deck.for_party(p.key)) for p in veld.parties) == 5000


def test_five_thousand_cards_load_from_files(veld: Veld, tmp_path: Path) -> None:
    cards = generate_cards(5000, veld, seed=1)
    folder = tmp_path / "groot"
    folder.mkdir()
    for party in veld.parties:
        body = "\n".join(card_to_markdown(c) for c in cards if c.party == party.key)
        write(folder, f"{party.key}.md", f"# {party.label}\n\n{body}")
    deck, problems = load_decks([SHIPPED, folder], veld)
    assert problems == []
    shipped, _ = load_decks([SHIPPED], veld)
    assert len(deck) == len(shipped) + 5000
    for card in cards[:: 97]:
        assert same(deck.by_id[card.id], card)


# ---------------------------------------------------------------------------
# Docs and layering


def test_examples_in_the_docs_are_valid_decks(veld: Veld) -> None:
    text = (ROOT / "docs" / "kaarten.md").read_text(encoding="utf-8")
    examples = [
        t.content
        for t in MarkdownIt("commonmark").parse(text)
        if t.type == "fence" and t.info.strip() == "markdown"
    ]
    assert len(examples) == 2
    found = []
    for example in examples:
        cards, problems = parse_deck_text(example, Path("voorbeeld.md"), veld)
        assert problems == []
        found.extend(cards)
    assert [c.id for c in found] == [
        "ouders-voorlezen",
        "ouders-afspraken-over-schermtijd",
        "swv-observatie",
        "swv-rots-en-water-training-op-school",
    ]


def test_decks_module_does_not_import_textual(tmp_path: Path) -> None:
    code = (
        "import arrangeren_tui.core.decks.load, arrangeren_tui.core.decks.write, sys; "
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules), "
        "'textual imported'"
    )
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


# -- the parse cache ----------------------------------------------------------------------


def test_parse_cache_gives_the_same_cards_and_problems(tmp_path, veld):
    from arrangeren_tui.core.decks.load import load_decks

    own = tmp_path / "eigen"
    own.mkdir()
    (own / "ouders.md").write_text(
        "# Ouders\n\n## Samen lezen\n\n- domein: leren\n- intensiteit: licht\n\nElke avond.\n\n"
        "## Kapot\n\n- domein: sport\n- intensiteit: licht\n\nGeen domein.\n", "utf-8")
    cache = tmp_path / "cache" / "kaarten.json"
    dirs = [paths.shipped_decks_dir(), own]
    first = load_decks(dirs, veld, cache=cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    second = load_decks(dirs, veld, cache=cache)
    plain = load_decks(dirs, veld)
    assert first[0].cards == second[0].cards == plain[0].cards
    assert first[1] == second[1] == plain[1] and any("sport" in p.problem for p in second[1])


def test_parse_cache_notices_a_changed_file_and_a_broken_cache(tmp_path, veld):
    from arrangeren_tui.core.decks.load import load_decks

    own = tmp_path / "eigen"
    own.mkdir()
    deck = own / "school.md"
    deck.write_text("# School\n\n## Maatje\n\n- domein: gedrag\n- intensiteit: licht\n\nA.\n",
                    "utf-8")
    cache = tmp_path / "kaarten.json"
    load_decks([own], veld, cache=cache)
    deck.write_text("# School\n\n## Maatje\n\n- domein: gedrag\n- intensiteit: licht\n\nB.\n",
                    "utf-8")  # same size, other bytes
    (card,) = load_decks([own], veld, cache=cache)[0].cards
    assert card.description == "B."
    cache.write_text("{kapot", "utf-8")
    (card,) = load_decks([own], veld, cache=cache)[0].cards
    assert card.description == "B." and cache.read_text("utf-8").startswith('{"version"')


def test_a_cached_start_does_not_import_markdown_it(tmp_path):
    cache = tmp_path / "kaarten.json"
    code = (
        "import sys; from pathlib import Path\n"
        "from arrangeren_tui.core.decks.load import load_decks\n"
        "from arrangeren_tui.core.paths import shipped_decks_dir\n"
        "from arrangeren_tui.core.veld import load_veld\n"
        "veld = load_veld(shipped_decks_dir() / 'veld.toml')\n"
        f"deck, _ = load_decks([shipped_decks_dir()], veld, cache=Path({str(cache)!r}))\n"
        "print(len(deck.cards), 'markdown_it' in sys.modules)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(2)]
    assert runs[0][1] == "True" and runs[1] == [runs[0][0], "False"]
