"""Reading the capture bar: routing with @party, marking with !."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrangeren_tui.core.capture import Capture, parse_capture
from arrangeren_tui.core.veld import load_veld

DECK = Path(__file__).resolve().parent.parent / "decks" / "veld.toml"


@pytest.fixture(scope="module")
def veld():
    return load_veld(DECK)


def test_plain_text(veld) -> None:
    assert parse_capture("  Gaat graag naar gym  ", veld) == Capture(text="Gaat graag naar gym")


def test_full_party_key(veld) -> None:
    c = parse_capture("@ouders Zorgen over huiswerk", veld)
    assert c == Capture(text="Zorgen over huiswerk", party="ouders")


def test_unique_prefix(veld) -> None:
    c = parse_capture("@o Zorgen over huiswerk", veld)
    assert (c.party, c.text, c.problem) == ("ouders", "Zorgen over huiswerk", None)


def test_party_is_case_insensitive_and_exact_beats_prefix(veld) -> None:
    assert parse_capture("@JGZ groeicurve", veld).party == "jgz"
    assert parse_capture("@Jeu wachtlijst", veld).party == "jeugdhulp"


def test_important(veld) -> None:
    c = parse_capture("!belangrijk", veld)
    assert c == Capture(text="belangrijk", important=True)
    assert parse_capture("! ook belangrijk", veld).text == "ook belangrijk"


@pytest.mark.parametrize("line", ["!@swv x", "@swv !x", "! @swv x", "@swv ! x"])
def test_important_and_party_in_either_order(veld, line: str) -> None:
    assert parse_capture(line, veld) == Capture(text="x", party="swv", important=True)


def test_only_the_first_party_routes(veld) -> None:
    c = parse_capture("@o @s samen", veld)
    assert (c.party, c.text) == ("ouders", "@s samen")


def test_at_sign_later_in_text_is_just_text(veld) -> None:
    c = parse_capture("mail naar info@school.nl", veld)
    assert (c.party, c.text) == (None, "mail naar info@school.nl")


def test_ambiguous_prefix(veld) -> None:
    c = parse_capture("@j x", veld)
    assert c.problem is not None
    assert "Jeugdhulp" in c.problem and "JGZ" in c.problem
    assert c.party is None
    assert c.text == "@j x"  # the line is kept, so nothing typed is lost


def test_unknown_party(veld) -> None:
    c = parse_capture("@xyz iets", veld)
    assert c.problem is not None
    assert "@xyz" in c.problem
    assert "geen partij" in c.problem
    assert "ouders" in c.problem  # the choices are listed
    assert c.text == "@xyz iets"


@pytest.mark.parametrize("line", ["@ouders", "@ouders   ", "!", "!@swv", "@swv !", "   "])
def test_empty_text_is_a_problem(veld, line: str) -> None:
    c = parse_capture(line, veld)
    assert c.problem == "de notitie is leeg"
    assert c.text == ""


def test_empty_text_keeps_the_routing(veld) -> None:
    c = parse_capture("!@swv", veld)
    assert (c.party, c.important) == ("swv", True)


@pytest.mark.parametrize(("line", "again"), [
    ("Observatie in de klas", True),
    ("  Observatie in de klas ", True),
    ("@swv !Observatie in de klas", True),
    ("Observatie in de klas, en ook", False),
    ("Observatie", False),
    ("", False),
    ("@nergens Observatie in de klas", False),  # not laid as it stands: a problem
])
def test_lays_again(veld, line: str, again: bool) -> None:
    from arrangeren_tui.core.capture import lays_again

    assert lays_again(line, "Observatie in de klas", veld) is again
