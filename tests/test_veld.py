"""The veld definition: the shipped file loads, and every broken file is
reported with the exact file, line and problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arrangeren_tui.core.veld import (
    ROLES,
    Party,
    Step,
    Veld,
    VeldError,
    load_veld,
    parse_veld,
)

DECK = Path(__file__).resolve().parent.parent / "decks" / "veld.toml"

PARTIES = """\
naam = "Test"

[[partij]]
sleutel = "leerling"
label = "Leerling"

[[partij]]
sleutel = "ouders"
label = "Ouders"
"""
PARTY_LINES = PARTIES.count("\n")  # the first line after this block is PARTY_LINES + 1


def stap(sleutel: str = "opening", minuten: str = "5", extra: str = "") -> str:
    return (
        "\n[[stap]]\n"
        f'sleutel = "{sleutel}"\n'
        'naam = "Opening"\n'
        'kort = "Open"\n'
        'vraag = "Welkom?"\n'
        f"minuten = {minuten}\n"
        f"{extra}"
    )


def write(tmp_path: Path, text: str | bytes, name: str = "veld.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the ``occurrence``-th line that equals ``needle``."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == needle:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found")


def load_error(tmp_path: Path, text: str | bytes) -> tuple[VeldError, Path]:
    path = write(tmp_path, text)
    with pytest.raises(VeldError) as info:
        load_veld(path)
    return info.value, path


# -- the shipped veld ---------------------------------------------------------


def test_shipped_veld_has_eight_steps_of_ninety_minutes() -> None:
    veld = load_veld(DECK)
    assert len(veld.steps) == 8
    assert veld.total_minutes == 90
    assert sum(s.minutes for s in veld.steps) == 90
    assert [s.key for s in veld.steps][0] == "opening"
    assert [s.key for s in veld.steps][-1] == "afsluiting"
    assert all(isinstance(s, Step) and s.name and s.short and s.prompt for s in veld.steps)
    assert veld.name.startswith("Arrangeerveld")


def test_shipped_veld_has_the_six_parties_in_order() -> None:
    veld = load_veld(DECK)
    assert [p.key for p in veld.parties] == [
        "leerling",
        "ouders",
        "school",
        "swv",
        "jeugdhulp",
        "jgz",
    ]
    assert veld.party("jgz").label == "JGZ"
    assert veld.party_index("swv") == 3
    assert veld.step_index("arrangeren") == 5
    assert veld.step("arrangeren").minutes == 20


def test_unknown_step_and_party_raise_keyerror() -> None:
    veld = load_veld(DECK)
    with pytest.raises(KeyError):
        veld.step("bestaat-niet")
    with pytest.raises(KeyError):
        veld.party("bestaat-niet")


def test_minimal_valid_file_loads_and_strips_text(tmp_path: Path) -> None:
    text = PARTIES + stap().replace('naam = "Opening"', 'naam = "  Opening  "')
    veld = load_veld(write(tmp_path, text))
    assert veld.name == "Test"
    assert veld.steps == (Step("opening", "Opening", "Open", "Welkom?", 5),)
    assert veld.parties == (Party("leerling", "Leerling"), Party("ouders", "Ouders"))


def test_name_defaults_when_missing(tmp_path: Path) -> None:
    text = PARTIES.replace('naam = "Test"\n', "") + stap()
    assert load_veld(write(tmp_path, text)).name == "Arrangeerveld"


# -- broken files ---------------------------------------------------------------


def test_missing_field_reports_the_stap_header_line(tmp_path: Path) -> None:
    text = PARTIES + stap("opening") + stap("puzzel").replace("minuten = 5\n", "")
    error, path = load_error(tmp_path, text)
    assert error.path == path
    assert error.line == line_of(text, "[[stap]]", 2)
    assert error.problem == "stap 2 mist het veld 'minuten'"
    assert str(error).startswith(f"{path}:{error.line}: ")


def test_minuten_not_a_number_reports_the_key_line(tmp_path: Path) -> None:
    text = PARTIES + stap("opening") + stap("puzzel", minuten='"tien"')
    error, path = load_error(tmp_path, text)
    assert error.line == line_of(text, 'minuten = "tien"')
    assert error.problem == "'minuten' moet een heel getal zijn (nu: 'tien')"
    assert str(error) == f"{path}:{error.line}: {error.problem}"


def test_minuten_boolean_is_not_a_number(tmp_path: Path) -> None:
    text = PARTIES + stap(minuten="true")
    error, _ = load_error(tmp_path, text)
    assert error.line == line_of(text, "minuten = true")
    assert error.problem == "'minuten' moet een heel getal zijn (nu: True)"


@pytest.mark.parametrize("value", ["0", "-3"])
def test_minuten_zero_or_negative(tmp_path: Path, value: str) -> None:
    text = PARTIES + stap(minuten=value)
    error, path = load_error(tmp_path, text)
    assert error.line == line_of(text, f"minuten = {value}")
    assert error.problem == f"'minuten' moet groter dan 0 zijn (nu: {value})"
    assert str(error).startswith(f"{path}:{error.line}:")


def test_duplicate_step_key_reports_the_second_sleutel(tmp_path: Path) -> None:
    text = PARTIES + stap("opening") + stap("puzzel") + stap("opening")
    error, _ = load_error(tmp_path, text)
    assert error.line == line_of(text, 'sleutel = "opening"', 2)
    assert error.problem == "sleutel 'opening' komt dubbel voor (ook bij stap 1)"


def test_duplicate_party_key_reports_the_second_sleutel(tmp_path: Path) -> None:
    text = PARTIES + '\n[[partij]]\nsleutel = "ouders"\nlabel = "Ouders 2"\n' + stap()
    error, _ = load_error(tmp_path, text)
    assert error.line == line_of(text, 'sleutel = "ouders"', 2)
    assert error.problem == "sleutel 'ouders' komt dubbel voor (ook bij partij 2)"


def test_unknown_field_in_stap_reports_its_line(tmp_path: Path) -> None:
    text = PARTIES + stap("opening") + stap("puzzel", extra='kleur = "rood"\n')
    error, _ = load_error(tmp_path, text)
    assert error.line == line_of(text, 'kleur = "rood"')
    assert error.problem.startswith("onbekend veld 'kleur' bij stap 2")
    assert "minuten" in error.problem  # the allowed fields are listed


def test_unknown_top_level_field_reports_its_line(tmp_path: Path) -> None:
    text = 'titel = "x"\n' + PARTIES + stap()
    error, _ = load_error(tmp_path, text)
    assert error.line == 1
    assert error.problem.startswith("onbekend veld 'titel'")


def test_empty_text_field_is_refused(tmp_path: Path) -> None:
    text = PARTIES + stap().replace('kort = "Open"', 'kort = "   "')
    error, _ = load_error(tmp_path, text)
    assert error.line == line_of(text, 'kort = "   "')
    assert error.problem == "'kort' moet een niet-lege tekst zijn"


def test_bad_key_characters_are_refused(tmp_path: Path) -> None:
    text = PARTIES + stap("Opening Stap")
    error, _ = load_error(tmp_path, text)
    assert error.line == line_of(text, 'sleutel = "Opening Stap"')
    assert "mag alleen kleine letters" in error.problem


def test_toml_syntax_error_reports_the_line(tmp_path: Path) -> None:
    text = PARTIES + stap(minuten="tien")  # an unquoted word is not a TOML value
    error, path = load_error(tmp_path, text)
    assert error.line == line_of(text, "minuten = tien")
    assert error.problem.startswith("ongeldige waarde")
    assert "(at line" not in error.problem  # the line is in error.line, not repeated
    assert str(error).startswith(f"{path}:{error.line}: ")


def test_toml_duplicate_key_is_a_syntax_error_with_line(tmp_path: Path) -> None:
    text = PARTIES + stap(extra="minuten = 6\n")
    error, _ = load_error(tmp_path, text)
    assert error.line == line_of(text, "minuten = 6")
    assert error.problem.startswith("deze sleutel staat er twee keer")


def test_invalid_utf8_reports_the_line(tmp_path: Path) -> None:
    text = PARTIES + stap()
    raw = text.encode("utf-8").replace(b'"Welkom?"', b'"Welkom \xff?"')
    error, path = load_error(tmp_path, raw)
    assert error.line == line_of(text, 'vraag = "Welkom?"')
    assert error.problem == "het bestand is geen geldige UTF-8-tekst"
    assert str(error).startswith(f"{path}:{error.line}:")


def test_no_stap_at_all(tmp_path: Path) -> None:
    error, path = load_error(tmp_path, PARTIES)
    assert error.line is None
    assert error.problem == "geen enkele [[stap]] gevonden"
    assert str(error) == f"{path}: geen enkele [[stap]] gevonden"


def test_no_partij_at_all(tmp_path: Path) -> None:
    error, _ = load_error(tmp_path, 'naam = "x"\n' + stap())
    assert error.problem == "geen enkele [[partij]] gevonden"


def test_missing_file_is_a_veld_error(tmp_path: Path) -> None:
    path = tmp_path / "weg.toml"
    with pytest.raises(VeldError) as info:
        load_veld(path)
    assert info.value.line is None
    assert info.value.problem.startswith("kan het bestand niet lezen")


def test_parse_veld_never_returns_half_a_veld(tmp_path: Path) -> None:
    text = PARTIES + stap("opening") + stap("puzzel", minuten="0")
    with pytest.raises(VeldError):
        parse_veld(text, tmp_path / "x.toml")


# -- matching and records -------------------------------------------------------


def test_match_party_exact_match_wins() -> None:
    veld = load_veld(DECK)
    assert [p.key for p in veld.match_party("jgz")] == ["jgz"]
    assert [p.key for p in veld.match_party("JGZ")] == ["jgz"]


def test_match_party_prefix_can_be_ambiguous() -> None:
    veld = load_veld(DECK)
    assert [p.key for p in veld.match_party("j")] == ["jeugdhulp", "jgz"]
    assert [p.key for p in veld.match_party("s")] == ["school", "swv"]


def test_match_party_unique_prefix_and_none() -> None:
    veld = load_veld(DECK)
    assert [p.key for p in veld.match_party("o")] == ["ouders"]
    assert [p.key for p in veld.match_party("Jeu")] == ["jeugdhulp"]
    assert veld.match_party("xyz") == []


def test_match_party_on_label_as_well_as_key(tmp_path: Path) -> None:
    text = PARTIES.replace('label = "Ouders"', 'label = "Verzorgers"') + stap()
    veld = load_veld(write(tmp_path, text))
    assert [p.key for p in veld.match_party("verz")] == ["ouders"]
    assert [p.key for p in veld.match_party("oud")] == ["ouders"]


def test_record_round_trip() -> None:
    veld = load_veld(DECK)
    record = veld.to_record()
    again = Veld.from_record(record)
    assert again == veld
    assert again.to_record() == record
    assert record["steps"][0]["minutes"] == 5
    assert record["parties"][5] == {"key": "jgz", "label": "JGZ"}


# -- roles ------------------------------------------------------------------------


def test_shipped_veld_declares_the_four_roles() -> None:
    veld = load_veld(DECK)
    assert veld.arrange_step == "arrangeren"
    assert veld.agree_step == "afspraken"
    assert veld.puzzle_step == "puzzel"
    assert veld.prep_steps == ("puzzel", "beeld")
    assert veld.role_step("beeld") == "beeld"
    assert [s.key for s in veld.steps if s.role] == ["puzzel", "beeld", "arrangeren", "afspraken"]
    text = DECK.read_text(encoding="utf-8")
    assert all(f'rol = "{role}"' in text for role in ROLES)


def test_a_veld_without_any_rol_gets_the_roles_by_step_key(tmp_path: Path) -> None:
    text = PARTIES + stap("opening") + stap("puzzel") + stap("arrangeren") + stap("afspraken")
    veld = load_veld(write(tmp_path, text))
    assert (veld.arrange_step, veld.agree_step, veld.puzzle_step) == (
        "arrangeren", "afspraken", "puzzel")
    assert veld.prep_steps == ("puzzel",)
    assert veld.role_step("beeld") is None
    assert veld.step("opening").role == ""


def test_a_veld_without_those_keys_has_no_roles_and_still_loads(tmp_path: Path) -> None:
    veld = load_veld(write(tmp_path, PARTIES + stap("opening") + stap("gesprek")))
    assert veld.arrange_step is None and veld.agree_step is None
    assert veld.puzzle_step is None and veld.prep_steps == ()


OWN_KEYS = ("start", "vraag", "kind", "behoefte", "steun", "aanbod", "plan", "slot")
OWN_ROLES = {"vraag": "puzzel", "kind": "beeld", "aanbod": "arrangeren", "plan": "afspraken"}


def own_steps(roles: dict[str, str] = OWN_ROLES) -> str:
    return "".join(
        stap(key, extra=f'rol = "{roles[key]}"\n' if key in roles else "") for key in OWN_KEYS
    )


def test_roles_on_steps_with_other_keys(tmp_path: Path) -> None:
    veld = load_veld(write(tmp_path, PARTIES + own_steps()))
    assert [s.key for s in veld.steps] == list(OWN_KEYS)
    assert (veld.arrange_step, veld.agree_step, veld.puzzle_step) == ("aanbod", "plan", "vraag")
    assert veld.prep_steps == ("vraag", "kind")
    assert veld.step("plan").role == "afspraken" and veld.step("slot").role == ""


def test_once_roles_are_named_no_step_gets_one_by_its_key(tmp_path: Path) -> None:
    text = PARTIES + own_steps({"aanbod": "arrangeren", "plan": "afspraken"}) + stap("puzzel")
    veld = load_veld(write(tmp_path, text))
    assert veld.puzzle_step is None and veld.prep_steps == ()
    assert veld.step("puzzel").role == ""


def test_unknown_role_reports_the_rol_line(tmp_path: Path) -> None:
    text = PARTIES + stap("opening") + stap("gesprek", extra='rol = "kaarten"\n')
    error, path = load_error(tmp_path, text)
    assert error.line == line_of(text, 'rol = "kaarten"')
    assert error.problem == (
        "onbekende rol 'kaarten' bij stap 2 (toegestaan: arrangeren, afspraken, puzzel, beeld)"
    )
    assert str(error) == f"{path}:{error.line}: {error.problem}"


def test_role_used_twice_reports_the_second_rol_line(tmp_path: Path) -> None:
    text = PARTIES + own_steps({"vraag": "puzzel", "kind": "puzzel", "aanbod": "arrangeren",
                                "plan": "afspraken"})
    error, path = load_error(tmp_path, text)
    assert error.line == line_of(text, 'rol = "puzzel"', 2)
    assert error.problem == "rol 'puzzel' komt dubbel voor (ook bij stap 2)"
    assert str(error).startswith(f"{path}:{error.line}: ")


@pytest.mark.parametrize("missing", ["arrangeren", "afspraken"])
def test_missing_required_role_reports_the_first_rol_line(tmp_path: Path, missing: str) -> None:
    roles = {key: role for key, role in OWN_ROLES.items() if role != missing}
    text = PARTIES + own_steps(roles)
    error, path = load_error(tmp_path, text)
    assert error.line == line_of(text, 'rol = "puzzel"')  # the first step that names a role
    assert error.problem == (
        f"er staan rollen bij de stappen, maar geen stap heeft de rol '{missing}' "
        f'(zet rol = "{missing}" bij die stap)'
    )
    assert str(error).startswith(f"{path}:{error.line}: ")


@pytest.mark.parametrize("value", ['""', "3"])
def test_rol_must_be_a_text(tmp_path: Path, value: str) -> None:
    text = PARTIES + stap("opening", extra=f"rol = {value}\n")
    error, _ = load_error(tmp_path, text)
    assert error.line == line_of(text, f"rol = {value}")
    assert error.problem == "'rol' moet een niet-lege tekst zijn"


def test_unknown_field_lists_rol_as_allowed(tmp_path: Path) -> None:
    text = PARTIES + stap("opening", extra='rollen = "x"\n')
    error, _ = load_error(tmp_path, text)
    assert error.problem.endswith("(toegestaan: sleutel, naam, kort, vraag, minuten, rol)")


def test_roles_survive_the_record(tmp_path: Path) -> None:
    veld = load_veld(write(tmp_path, PARTIES + own_steps()))
    record = veld.to_record()
    assert record["steps"][1]["role"] == "puzzel" and "role" not in record["steps"][0]
    again = Veld.from_record(record)
    assert again == veld and again.agree_step == "plan"


def test_a_record_from_before_roles_gets_them_by_key() -> None:
    record = load_veld(DECK).to_record()
    for step in record["steps"]:
        step.pop("role", None)
    old = Veld.from_record(record)
    assert old == load_veld(DECK)
    assert (old.arrange_step, old.agree_step, old.prep_steps) == (
        "arrangeren", "afspraken", ("puzzel", "beeld"))


def test_an_old_session_file_without_roles_loads_with_them(tmp_path: Path) -> None:
    from conftest import demo_session

    from arrangeren_tui.core.model import Session

    record = json.loads(json.dumps(demo_session(load_veld(DECK)).to_record()))
    for step in record["session"]["1"]["veld"]["steps"]:
        step.pop("role", None)
    session = Session.from_record(record)
    assert session.veld.agree_step == "afspraken" and session.veld.arrange_step == "arrangeren"
    assert session.veld.puzzle_step == "puzzel"
    saved = session.to_record()["session"]["1"]["veld"]["steps"]
    assert [s.get("role", "") for s in saved][1:3] == ["puzzel", "beeld"]


def test_more_parties_than_fit_at_80x24_are_refused(tmp_path: Path) -> None:
    many = "".join(f'\n[[partij]]\nsleutel = "p{n}"\nlabel = "Partij {n}"\n' for n in range(18))
    text = PARTIES + many + stap(minuten="20")
    error, _ = load_error(tmp_path, text)
    assert "20 partijen; hoogstens 9" in error.problem
    assert error.line == line_of(text, 'sleutel = "p7"') - 1  # the tenth [[partij]]
