"""The one date parser, the one time parser and the session-field rules (core.fields)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from arrangeren_tui.core.fields import (
    DATE,
    FORMAT,
    MAX_MINUTES,
    MAX_PUPIL_LENGTH,
    MIN_MINUTES,
    MINUTES,
    MISSING,
    PUPIL,
    RANGE,
    TIME,
    TOO_LONG,
    FieldError,
    SessionFields,
    check_minutes,
    check_pupil,
    date_hint,
    iso_date,
    parse_date,
    parse_minutes,
    parse_time,
    party_for_role,
    spoken_date,
    validate_session,
)


def test_field_error_is_a_value_error() -> None:
    assert issubclass(FieldError, ValueError)


@pytest.mark.parametrize(("text", "expected"), [
    ("9:30", "09:30"), ("09:30", "09:30"), ("13.30", "13:30"), (" 0:00 ", "00:00"),
    ("23:59", "23:59"),
])
def test_parse_time(text: str, expected: str) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "13:60", "1330", "", "half twee", "13:3", "113:30"])
def test_parse_time_refuses(text: str) -> None:
    with pytest.raises(FieldError) as error:
        parse_time(text)
    assert str(error.value) == f"'{text.strip()}' is geen tijd als UU:MM, bv. 13:30"
    assert (error.value.field, error.value.reason) == (TIME, FORMAT)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-23", dt.date(2026, 11, 23)),
    ("2026-9-1", dt.date(2026, 9, 1)),  # the planning has always taken this
    (" 2026-11-23 ", dt.date(2026, 11, 23)),
    ("20261123", dt.date(2026, 11, 23)),  # the other ISO forms date.fromisoformat takes
    ("2026-W48-1", dt.date(2026, 11, 23)),
])
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected
    assert parse_date(text, day_first=True) == expected
    assert iso_date(text) == expected.isoformat()


@pytest.mark.parametrize(("text", "expected"), [
    ("23-11-2026", "2026-11-23"), ("1-9-2026", "2026-09-01"), ("01/09/2026", "2026-09-01"),
])
def test_day_first_only_when_asked(text: str, expected: str) -> None:
    assert iso_date(text, day_first=True) == expected
    with pytest.raises(FieldError) as error:
        parse_date(text)
    assert str(error.value) == f"'{text}' is geen datum als JJJJ-MM-DD, bv. 2026-10-19"


@pytest.mark.parametrize("text", ["", "morgen", "2026-13-01", "2026-02-30", "23-11-26",
                                  "1-9/2026", "2026/11/23", "2026-11-23T10:00"])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(FieldError) as error:
        parse_date(text, day_first=True)
    assert str(error.value) == (
        f"'{text}' is geen datum als JJJJ-MM-DD of DD-MM-JJJJ, bv. 2026-10-19"
    )
    assert (error.value.field, error.value.reason) == (DATE, FORMAT)


def test_minutes() -> None:
    assert (MIN_MINUTES, MAX_MINUTES) == (10, 600)
    assert check_minutes(10) == 10 and check_minutes(600) == 600
    assert parse_minutes(" 90 ") == 90
    for bad in (9, 601, 0, -5):
        with pytest.raises(FieldError, match="de duur is 10 tot 600 minuten") as error:
            check_minutes(bad)
        assert (error.value.field, error.value.reason) == (MINUTES, RANGE)
    with pytest.raises(FieldError, match="heel aantal minuten") as error:
        parse_minutes("lang")
    assert error.value.reason == FORMAT
    assert check_minutes(1, minimum=1) == 1


def test_pupil() -> None:
    assert check_pupil("  Anna Smit ") == "Anna Smit"
    assert check_pupil("x" * MAX_PUPIL_LENGTH) == "x" * 60
    with pytest.raises(FieldError) as error:
        check_pupil("   ")
    assert (error.value.field, error.value.reason) == (PUPIL, MISSING)
    with pytest.raises(FieldError, match="hoogstens 60 tekens") as error:
        check_pupil("x" * 61)
    assert error.value.reason == TOO_LONG


def test_validate_session_normalises() -> None:
    fields, errors = validate_session(" T.d.J. ", "2026-9-1", "9.30", "45")
    assert errors == {}
    assert fields == SessionFields(pupil="T.d.J.", date="2026-09-01", time="09:30", minutes=45)
    fields, errors = validate_session("T.d.J.", "2026-11-23", " ", 90)
    assert fields is not None and fields.time == "" and errors == {}


def test_validate_session_reports_every_field_in_order() -> None:
    fields, errors = validate_session("", "23-11-2026", "25:00", "5")
    assert fields is None
    assert list(errors) == [PUPIL, DATE, TIME, MINUTES]
    assert all(error.field == name for name, error in errors.items())
    assert errors[MINUTES].reason == RANGE


def test_validate_session_planned_needs_a_time() -> None:
    fields, errors = validate_session("T.d.J.", "2026-11-23", "", 90, require_time=True)
    assert fields is None and list(errors) == [TIME] and errors[TIME].reason == MISSING
    assert "begintijd" in str(errors[TIME])


def test_validate_session_minutes_not_a_number() -> None:
    _, errors = validate_session("T.d.J.", "2026-11-23", "", "lang")
    assert errors[MINUTES].reason == FORMAT


def test_fields_do_not_import_textual() -> None:
    code = ("import sys, arrangeren_tui.core.fields; "
            "assert 'textual' not in sys.modules and 'rich' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# A Thursday: 'volgende week dinsdag' is 2026-11-24, 'dinsdag' 2026-11-24 too (the first one
# after today), 'deze week dinsdag' 2026-11-17.
TODAY = dt.date(2026, 11, 19)


@pytest.mark.parametrize(("text", "expected"), [
    ("morgen", "2026-11-20"), ("vandaag", "2026-11-19"), ("overmorgen", "2026-11-21"),
    (" Morgen ", "2026-11-20"), ("gisteren", "2026-11-18"),
    ("over 8 weken", "2027-01-14"), ("over een week", "2026-11-26"),
    ("over 3 dagen", "2026-11-22"), ("over twee maanden", "2027-01-19"),
    ("volgende week dinsdag", "2026-11-24"), ("volgende week vrijdag", "2026-11-27"),
    ("volgende week donderdag", "2026-11-26"), ("deze week dinsdag", "2026-11-17"),
    ("dinsdag", "2026-11-24"), ("donderdag", "2026-11-26"), ("vr", "2026-11-20"),
    ("aanstaande maandag", "2026-11-23"), ("volgende dinsdag", "2026-11-24"),
    ("14-1", "2027-01-14"),  # typed in November: next January, not last
    ("3-11", "2026-11-03"), ("14/1", "2027-01-14"),
    ("14 januari", "2027-01-14"), ("14 jan 2026", "2026-01-14"), ("1 dec", "2026-12-01"),
    ("14-1-2027", "2027-01-14"), ("2027-01-14", "2027-01-14"),
])
def test_spoken_dates_with_today(text: str, expected: str) -> None:
    assert iso_date(text, today=TODAY) == expected


def test_over_months_keeps_to_the_month() -> None:
    assert iso_date("over 1 maand", today=dt.date(2027, 1, 31)) == "2027-02-28"


@pytest.mark.parametrize("text", ["morgenochtend", "over veel weken", "31-2", "14 brumaire",
                                  "volgende week", "d", "over 8 jaren", "32-1"])
def test_spoken_dates_refused(text: str) -> None:
    with pytest.raises(FieldError) as error:
        parse_date(text, today=TODAY)
    assert "morgen of over 8 weken" in str(error.value)
    assert (error.value.field, error.value.reason) == (DATE, FORMAT)


def test_spoken_dates_only_with_today() -> None:
    with pytest.raises(FieldError):
        parse_date("morgen")
    with pytest.raises(FieldError):
        parse_date("14-1", day_first=True)


def test_date_hint() -> None:
    assert date_hint("over 8 weken", TODAY) == "= donderdag 14 januari 2027"
    assert date_hint("", TODAY) == ""
    assert date_hint("blauw", TODAY).startswith("? geen datum")
    assert spoken_date(dt.date(2026, 11, 24)) == "dinsdag 24 november 2026"


def test_validate_session_takes_spoken_dates_with_today() -> None:
    fields, errors = validate_session("T.d.J.", "volgende week dinsdag", "", 90, today=TODAY)
    assert errors == {} and fields is not None and fields.date == "2026-11-24"
    _, errors = validate_session("T.d.J.", "morgen", "", 90)
    assert list(errors) == [DATE]


@pytest.mark.parametrize(("role", "party"), [
    ("moeder", "ouders"), ("Vader", "ouders"), ("pleegmoeder", "ouders"), ("oma", "ouders"),
    ("leraar", "school"), ("leerkracht groep 5", "school"), ("IB'er", "school"),
    ("IB’er", "school"), ("intern begeleider", "school"), ("juf", "school"),
    ("jeugdverpleegkundige", "jgz"), ("jeugdarts GGD", "jgz"),
    ("orthopedagoog", "swv"), ("ambulant begeleider", "swv"),
    ("schoolmaatschappelijk werker", "jeugdhulp"), ("gezinscoach wijkteam", "jeugdhulp"),
    ("leerling", "leerling"), ("", ""), ("buurvrouw", ""), ("ouderling", ""),
])
def test_party_for_role(role: str, party: str) -> None:
    assert party_for_role(role) == party


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01",
                                  "01-01-0001"])
def test_a_date_outside_2000_to_2099_is_refused(text: str) -> None:
    """Year 1 or 9999 is a typing error for a school meeting, never a date to keep."""
    with pytest.raises(FieldError) as error:
        parse_date(text, day_first=True)
    assert (error.value.field, error.value.reason) == (DATE, RANGE)
    assert "2000 tot en met 2099" in str(error.value)
    assert parse_date("2000-01-01") == dt.date(2000, 1, 1)
    assert parse_date("2099-12-31") == dt.date(2099, 12, 31)
