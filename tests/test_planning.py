"""The jaarplanning: series of slots, its store, the .ics, ``arrangeren plan`` and the screen."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from conftest import TODAY, FakeClock

from arrangeren_tui.cli import args as cli_args
from arrangeren_tui.cli import main as cli
from arrangeren_tui.cli import planning as planning_cli
from arrangeren_tui.cli import planning_args
from arrangeren_tui.core.export.ics import calendar_bytes
from arrangeren_tui.core.model import SessionMeta
from arrangeren_tui.core.planning.calendar import plan_rows, planning_events
from arrangeren_tui.core.planning.rules import (
    FREE,
    LAST,
    RULE_MONTH,
    RULE_WEEKS,
    DamagedPlanningError,
    PlanningError,
    Series,
    Slot,
    by_month,
    generate_dates,
    nth_weekday,
    parse_holiday,
    parse_holidays,
    parse_time,
    school_year,
)
from arrangeren_tui.core.planning.store import PLANNING_DIRNAME, PLANNING_NAME, PlanningStore
from arrangeren_tui.core.storage.store import SessionStore, SessionSummary
from arrangeren_tui.core.veld import Veld

D = dt.date
TUE, THU = 1, 3
PUPIL = "Tessa de Jong"  # fictional


def series(**changes) -> Series:
    base = dict(id="", name="Dinsdagmiddag", rule=RULE_MONTH, weekday=TUE, n=3,
                start=D(2026, 8, 1), end=D(2027, 7, 31), time="13:30", minutes=90,
                place="De Linde, kamer 2", school="De Linde")
    base.update(changes)
    return Series(**base)


# -- generating dates ---------------------------------------------------------------


def test_third_tuesday_of_every_month_for_a_school_year():
    dates = generate_dates(series())
    assert len(dates) == 12
    assert dates[0] == D(2026, 8, 18) and dates[-1] == D(2027, 7, 20)
    assert all(d.weekday() == TUE and 15 <= d.day <= 21 for d in dates)


def test_first_and_fourth_weekday_and_no_fifth():
    assert generate_dates(series(n=1, end=D(2026, 9, 30))) == [D(2026, 8, 4), D(2026, 9, 1)]
    assert generate_dates(series(n=4, end=D(2026, 9, 30))) == [D(2026, 8, 25), D(2026, 9, 22)]
    assert nth_weekday(2026, 9, TUE, 5) == D(2026, 9, 29)
    assert nth_weekday(2026, 8, THU, 5) is None  # August 2026 has four Thursdays
    with pytest.raises(PlanningError) as error:
        generate_dates(series(n=5))
    assert error.value.field == "n"


def test_last_weekday_of_the_month_including_29_february():
    dates = generate_dates(series(n=LAST, start=D(2027, 8, 1), end=D(2028, 7, 31)))
    assert D(2028, 2, 29) in dates  # a leap day that is the last Tuesday
    assert all(d.weekday() == TUE and (d + dt.timedelta(days=7)).month != d.month
               for d in dates)
    assert len(dates) == 12


def test_every_n_weeks_from_the_first_weekday_on_or_after_the_start():
    dates = generate_dates(series(rule=RULE_WEEKS, weekday=THU, n=3, start=D(2026, 8, 1),
                                  end=D(2026, 10, 31)))
    assert dates == [D(2026, 8, 6), D(2026, 8, 27), D(2026, 9, 17), D(2026, 10, 8),
                     D(2026, 10, 29)]
    # A start on the weekday itself is the first date.
    assert generate_dates(series(rule=RULE_WEEKS, weekday=THU, n=1, start=D(2026, 8, 6),
                                 end=D(2026, 8, 13))) == [D(2026, 8, 6), D(2026, 8, 13)]


def test_every_n_weeks_across_the_dst_changes_and_a_leap_day():
    dates = generate_dates(series(rule=RULE_WEEKS, weekday=TUE, n=1, start=D(2028, 2, 20),
                                  end=D(2028, 4, 5)))
    assert D(2028, 2, 29) in dates and D(2028, 3, 28) in dates  # DST starts 26 March 2028
    assert all((b - a).days == 7 for a, b in zip(dates, dates[1:], strict=False))
    autumn = generate_dates(series(rule=RULE_WEEKS, weekday=TUE, n=1, start=D(2026, 10, 20),
                                   end=D(2026, 11, 3)))
    assert autumn == [D(2026, 10, 20), D(2026, 10, 27), D(2026, 11, 3)]  # DST ends 25 Oct


def test_holidays_are_skipped_and_the_rhythm_stays():
    holidays = (parse_holiday("2026-10-19 tot 2026-10-23"),
                parse_holiday("2026-12-19 tot 2027-01-03"))
    dates = generate_dates(series(skip=holidays))
    assert D(2026, 10, 20) not in dates and len(dates) == 11
    weekly = generate_dates(series(rule=RULE_WEEKS, n=2, start=D(2026, 10, 6),
                                   end=D(2026, 11, 3), skip=holidays[:1]))
    assert weekly == [D(2026, 10, 6), D(2026, 11, 3)]  # 20 October falls out, not shifted
    extra = generate_dates(series(), skip=[(D(2026, 11, 17), D(2026, 11, 17))])
    assert D(2026, 11, 17) not in extra


def test_parsing_holidays_and_times():
    assert parse_holiday("2026-10-19:2026-10-23") == (D(2026, 10, 19), D(2026, 10, 23))
    assert parse_holiday("2026-10-19 t/m 2026-10-23") == (D(2026, 10, 19), D(2026, 10, 23))
    assert parse_holiday("2026-11-11") == (D(2026, 11, 11), D(2026, 11, 11))
    assert parse_holidays(["", "2026-11-11", "  "]) == ((D(2026, 11, 11), D(2026, 11, 11)),)
    for bad in ("2026-10-23 tot 2026-10-19", "herfstvakantie", "2026-02-30"):
        with pytest.raises(PlanningError):
            parse_holiday(bad)
    with pytest.raises(PlanningError, match="regel 2"):
        parse_holidays(["2026-11-11", "morgen"])
    assert parse_time("9.05") == "09:05" and parse_time("13:30") == "13:30"
    for bad in ("24:00", "1330", "13:60", ""):
        with pytest.raises(PlanningError):
            parse_time(bad)


def test_series_that_cannot_be_planned_name_the_field():
    cases = {
        "end": series(start=D(2027, 1, 1), end=D(2026, 1, 1)),
        "n": series(rule=RULE_WEEKS, n=0),
        "time": series(time="half twee"),
        "minutes": series(minutes=5),
        "rule": series(rule="jaarlijks"),
    }
    for field, bad in cases.items():
        with pytest.raises(PlanningError) as error:
            generate_dates(bad)
        assert error.value.field == field
    with pytest.raises(PlanningError, match="twee jaar"):
        generate_dates(series(end=D(2030, 1, 1)))


def test_school_year_boundaries_and_months():
    assert school_year(D(2026, 8, 1)) == (D(2026, 8, 1), D(2027, 7, 31))
    assert school_year(D(2027, 7, 31)) == (D(2026, 8, 1), D(2027, 7, 31))
    assert school_year(D(2026, 7, 31)) == (D(2025, 8, 1), D(2026, 7, 31))
    slots = [Slot("a", "2026-07-31", "13:30"), Slot("b", "2026-08-01", "09:00"),
             Slot("c", "2027-02-16", "13:30"), Slot("d", "2027-07-31", "13:30"),
             Slot("e", "2027-08-01", "13:30"), Slot("f", "2027-02-02", "09:00")]
    months = by_month(slots, D(2026, 8, 1))
    assert [(y, m) for y, m, _ in months][:2] == [(2026, 8), (2026, 9)]
    assert [(y, m) for y, m, _ in months][-1] == (2027, 7) and len(months) == 12
    found = {(y, m): [s.id for s in s_] for y, m, s_ in months if s_}
    assert found == {(2026, 8): ["b"], (2027, 2): ["f", "c"], (2027, 7): ["d"]}
    assert by_month(slots, D(2027, 3, 1)) == months  # any day of the year will do


# -- the store -------------------------------------------------------------------------


@pytest.fixture
def planning(store: SessionStore) -> PlanningStore:
    return PlanningStore(store.root)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_series_is_persisted_privately(planning: PlanningStore, store: SessionStore):
    new = planning.add_series(series())
    assert len(new) == 12 and all(s.free and s.series for s in new)
    again = PlanningStore(store.root)
    assert again.slots() == sorted(new, key=lambda s: (s.date, s.time))
    assert [s.name for s in again.series()] == ["Dinsdagmiddag"]
    assert again.series()[0].skip == ()
    path = store.root / PLANNING_DIRNAME / PLANNING_NAME
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    # The session store does not mistake the planning for a session.
    summaries, problems = store.list()
    assert summaries == [] and problems == []
    assert store.recover_damaged() == [] and path.exists()


def test_the_same_moment_is_not_planned_twice(planning: PlanningStore):
    planning.add_series(series(end=D(2026, 12, 31)))
    with pytest.raises(PlanningError, match="al in de jaarplanning"):
        planning.add_series(series(end=D(2026, 12, 31)))
    more = planning.add_series(series(end=D(2027, 2, 28)))
    assert [s.date for s in more] == ["2027-01-19", "2027-02-16"]
    other_school = planning.add_series(series(end=D(2026, 12, 31), school="De Esdoorn"))
    assert len(other_school) == 5


def test_a_series_without_dates_saves_nothing(planning: PlanningStore):
    with pytest.raises(PlanningError, match="geen enkele datum"):
        planning.add_series(series(start=D(2026, 8, 1), end=D(2026, 8, 3)))
    assert not planning.path.exists()


def test_assign_and_release_rules(planning: PlanningStore):
    first, second, *_ = planning.add_series(series())
    assert planning.assign(first.id, "20260818-aaaa").session == "20260818-aaaa"
    assert planning.assign(first.id, "20260818-aaaa").session == "20260818-aaaa"  # no-op
    with pytest.raises(PlanningError, match="al bezet"):
        planning.assign(first.id, "20260915-bbbb")
    with pytest.raises(PlanningError, match="staat al op moment"):
        planning.assign(second.id, "20260818-aaaa")
    assert planning.slot_of("20260818-aaaa").id == first.id
    with pytest.raises(PlanningError, match="maak het eerst los"):
        planning.remove_slot(first.id)
    assert planning.release(first.id).free
    assert planning.slot_of("20260818-aaaa") is None
    planning.assign(second.id, "20260818-aaaa")
    assert planning.forget_session("20260818-aaaa").id == second.id
    assert planning.slot(second.id).free
    assert planning.forget_session("20260818-aaaa") is None
    with pytest.raises(PlanningError, match="geen moment"):
        planning.assign("m-bestaat-niet", "x")


def test_remove_slot_and_series_keep_assigned_slots(planning: PlanningStore):
    slots = planning.add_series(series())
    planning.remove_slot(slots[0].id)
    planning.assign(slots[1].id, "20260915-bbbb")
    series_id = planning.series()[0].id
    assert planning.remove_series(series_id) == 10
    left = planning.slots()
    assert [(s.id, s.session, s.series) for s in left] == [(slots[1].id, "20260915-bbbb", "")]
    assert planning.series() == []


def test_resolve_slot_by_a_unique_prefix(planning: PlanningStore):
    slots = planning.add_series(series(end=D(2026, 9, 30)))
    assert planning.resolve_slot(slots[0].id[:9]) == slots[0].id
    with pytest.raises(PlanningError, match="meer momenten"):
        planning.resolve_slot("m2026")
    with pytest.raises(PlanningError, match="geen moment"):
        planning.resolve_slot("m1999")


def test_a_damaged_planning_is_refused_never_overwritten(planning: PlanningStore):
    planning.add_series(series(end=D(2026, 9, 30)))
    planning.add_series(series(end=D(2026, 12, 31)))
    planning.path.write_text('{"series": {"1": ', "utf-8")
    damaged = planning.path.read_bytes()
    with pytest.raises(DamagedPlanningError) as error:
        planning.slots()
    message = str(error.value)
    assert "beschadigd" in message and "arrangeren plan herstel" in message
    with pytest.raises(DamagedPlanningError):
        planning.add_series(series(start=D(2027, 1, 1)))
    with pytest.raises(DamagedPlanningError):
        planning.forget_session("x")
    assert planning.path.read_bytes() == damaged
    moved, restored = planning.repair()
    assert moved is not None and moved.read_bytes() == damaged
    assert ".beschadigd-" in moved.name
    assert restored and len(planning.slots()) == 2  # the version before the second series
    assert planning.repair() == (None, False)


def test_a_planning_of_the_wrong_shape_is_damaged(planning: PlanningStore):
    planning.add_series(series(end=D(2026, 9, 30)))
    planning.path.write_text('{"slots": {"1": {"id": "x"}}}', "utf-8")
    with pytest.raises(DamagedPlanningError, match="onverwachte vorm"):
        planning.slots()


# -- rows and the calendar -------------------------------------------------------------


def summary(session_id: str, date: str, *, status: str = "gepland", time: str = "",
            pupil: str = PUPIL, school: str = "De Linde", place: str = "") -> SessionSummary:
    return SessionSummary(id=session_id, pupil=pupil, date=date, school=school, group="5",
                          status=status, created="", time=time, place=place)


@pytest.fixture
def year() -> tuple[list[Slot], list[SessionSummary]]:
    slots = [
        Slot("m20261020-aaa", "2026-10-20", "13:30", 90, "kamer 2", "De Linde", "r-1", ""),
        Slot("m20261117-bbb", "2026-11-17", "13:30", 90, "kamer 2", "De Linde", "r-1",
             "20261117-tess"),
        Slot("m20270330-ccc", "2027-03-30", "13:30", 60, "", "", "r-1", ""),
    ]
    summaries = [
        summary("20261117-tess", "2026-11-17", time="13:30"),
        summary("20261203-noor", "2026-12-03", time="09:00", pupil="Noor Visser",
                place="De Esdoorn"),
        summary("20261001-held", "2026-10-01", status="gesloten", pupil="Sem Bos"),
        summary("20261210-open", "2026-12-10", status="open", pupil="Daan Mulder"),
        summary("20261215-nodate", "", pupil="Lotte Jansen"),
    ]
    return slots, summaries


def test_plan_rows_from_today_sorted_with_status(year):
    slots, summaries = year
    rows = plan_rows(slots, summaries, D(2026, 11, 1))
    assert [(r.date, r.status, r.slot, r.session, r.pupil) for r in rows] == [
        ("2026-11-17", "gepland", "m20261117-bbb", "20261117-tess", PUPIL),
        ("2026-12-03", "gepland", "", "20261203-noor", "Noor Visser"),
        ("2027-03-30", FREE, "m20270330-ccc", "", ""),
    ]
    everything = plan_rows(slots, summaries, D(2026, 11, 1), include_past=True)
    assert [r.date for r in everything] == ["2026-10-20", "2026-11-17", "2026-12-03",
                                            "2027-03-30"]
    assert plan_rows(slots, summaries, D(2026, 11, 1), until=D(2026, 11, 30))[-1].date == \
        "2026-11-17"


def test_a_slot_of_a_session_that_is_gone_is_shown_as_onbekend(year):
    slots, _ = year
    rows = plan_rows(slots, [], D(2026, 11, 1))
    assert rows[0].status == "onbekend" and rows[0].pupil == ""


def parse_ics(payload: bytes):
    from icalendar import Calendar

    calendar = Calendar.from_ical(payload)
    return calendar, {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_ics_parsed_back_has_dates_times_durations_and_no_names(year):
    slots, summaries = year
    events = planning_events(slots, summaries)
    stamp = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.timezone.utc)
    payload = calendar_bytes(events, name="Jaarplanning", stamp=stamp)
    calendar, by_uid = parse_ics(payload)
    assert set(by_uid) == {"slot-m20261020-aaa@arrangeren", "20261117-tess@arrangeren",
                           "slot-m20270330-ccc@arrangeren", "20261203-noor@arrangeren"}
    free = by_uid["slot-m20261020-aaa@arrangeren"]
    start = free.decoded("DTSTART")
    assert start.isoformat() == "2026-10-20T13:30:00+02:00"  # summer time
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert free.decoded("DTEND") - start == dt.timedelta(minutes=90)
    assert str(free["SUMMARY"]) == "Arrangeergesprek (vrij) · De Linde"
    assert str(free["LOCATION"]) == "kamer 2"
    taken = by_uid["20261117-tess@arrangeren"]
    assert taken.decoded("DTSTART").isoformat() == "2026-11-17T13:30:00+01:00"  # winter time
    assert str(taken["SUMMARY"]) == "Arrangeergesprek · De Linde"
    spring = by_uid["slot-m20270330-ccc@arrangeren"]
    assert spring.decoded("DTSTART").isoformat() == "2027-03-30T13:30:00+02:00"
    assert spring.decoded("DTEND") - spring.decoded("DTSTART") == dt.timedelta(minutes=60)
    assert str(spring["SUMMARY"]) == "Arrangeergesprek (vrij)"
    planned = by_uid["20261203-noor@arrangeren"]
    assert planned.decoded("DTSTART").isoformat() == "2026-12-03T09:00:00+01:00"
    assert str(planned["LOCATION"]) == "De Esdoorn"
    text = payload.decode("utf-8")
    for name in ("Tessa", "Noor", "Visser", "Sem", "Daan", "Lotte"):
        assert name not in text
    assert calendar.walk("VTIMEZONE")  # the zone travels with the file


def test_ics_with_names_only_when_asked(year):
    slots, summaries = year
    events = planning_events(slots, summaries, with_names=True)
    payload = calendar_bytes(events, name="Jaarplanning",
                             stamp=dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc))
    _, by_uid = parse_ics(payload)
    assert str(by_uid["20261117-tess@arrangeren"]["SUMMARY"]) == \
        f"Arrangeergesprek · De Linde · {PUPIL}"
    assert "Noor Visser" in str(by_uid["20261203-noor@arrangeren"]["DESCRIPTION"])
    assert "Sem Bos" not in payload.decode("utf-8")  # held sessions are not planned dates


def test_planning_events_between_dates_and_all_day_when_no_time(year):
    slots, summaries = year
    summaries.append(summary("20270115-allday", "2027-01-15", time=""))
    events = planning_events(slots, summaries, between=(D(2027, 1, 1), D(2027, 1, 31)))
    assert [(e.uid, e.time) for e in events] == [("20270115-allday@arrangeren", "")]
    payload = calendar_bytes(events, name="x",
                             stamp=dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc))
    _, by_uid = parse_ics(payload)
    assert by_uid["20270115-allday@arrangeren"].decoded("DTSTART") == D(2027, 1, 15)


# -- the command line ----------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    main = cli_args.DutchParser(prog="arrangeren")
    commands = main.add_subparsers(dest="command", metavar="COMMANDO",
                                   parser_class=cli_args.DutchParser)
    planning_args.add_parser(commands)
    return main


def plan(capsys, store: SessionStore, *argv: str) -> tuple[int, str, str]:
    args = parser().parse_args(["plan", *argv])
    code = planning_cli.run(args, store)
    out, err = capsys.readouterr()
    return code, out, err


SERIES_ARGS = ("reeks", "--van", "2026-08-01", "--tot", "2027-07-31", "--dag", "di", "--week",
               "3", "--tijd", "13:30", "--school", "De Linde", "--plaats", "kamer 2",
               "--vakantie", "2026-10-17:2026-10-25")


@pytest.fixture(autouse=True)
def today_is_fixed(monkeypatch):
    monkeypatch.setattr(planning_cli, "today", lambda: TODAY)


def test_cli_series_then_list_and_json(capsys, store: SessionStore):
    code, out, err = plan(capsys, store, *SERIES_ARGS)
    assert code == 0, err
    assert out.startswith("11 momenten gepland: elke 3e dinsdag van de maand om 13:30")
    assert "2026-10-20" not in out and "2026-11-17" in out
    code, out, _ = plan(capsys, store)
    lines = out.splitlines()
    assert lines[0].startswith("Datum") and lines[1].startswith("2026-12-15")  # from today
    assert all(" vrij " in line for line in lines[1:])
    code, out, _ = plan(capsys, store, "--ook-verleden")
    assert out.splitlines()[1].startswith("2026-08-18")
    code, out, _ = plan(capsys, store, "--json")
    rows = json.loads(out)
    assert set(rows[0]) == {"datum", "tijd", "duur", "plaats", "school", "moment", "gesprek",
                            "status", "leerling", "reeks"}
    assert rows[0]["datum"] == "2026-12-15" and rows[0]["status"] == "vrij"
    assert rows[0]["duur"] == 90 and rows[0]["plaats"] == "kamer 2"


@pytest.mark.parametrize("where", ["before", "after"])
def test_cli_series_json_works_on_either_side_of_reeks(capsys, store: SessionStore, where):
    argv = ["--json", *SERIES_ARGS] if where == "before" else [*SERIES_ARGS, "--json"]
    code, out, err = plan(capsys, store, *argv)
    assert code == 0, err
    made = json.loads(out)
    assert len(made) == 11


def test_cli_series_errors_are_dutch_and_save_nothing(capsys, store: SessionStore):
    code, _, err = plan(capsys, store, "reeks", "--van", "2026-08-01", "--tot", "2027-07-31",
                        "--dag", "di", "--week", "5", "--tijd", "13:30")
    assert code == 2 and "1 tot en met 4" in err
    code, _, err = plan(capsys, store, "reeks", "--van", "2026-08-01", "--tot", "2027-07-31",
                        "--dag", "di", "--week", "3", "--elke", "2", "--tijd", "13:30")
    assert code == 2 and "precies één" in err
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(["plan", "reeks", "--van", "1-8-2026"])
    assert exit_.value.code == 2
    assert "JJJJ-MM-DD" in capsys.readouterr().err
    assert not PlanningStore(store.root).path.exists()


def test_cli_assign_sets_the_session_and_refuses_a_locked_one(capsys, store: SessionStore,
                                                              veld: Veld):
    plan(capsys, store, *SERIES_ARGS)
    slot = PlanningStore(store.root).slots()[5]  # 2027-02-16
    session = store.create(SessionMeta(pupil=PUPIL, date="2027-02-01", school="De Linde"),
                           veld, 0.0, planned=True)
    lock = store.lock(session.id)
    assert lock.acquire()
    try:
        code, _, err = plan(capsys, store, "koppel", slot.id, session.id)
        assert code == 1 and "open in een ander venster" in err
        assert PlanningStore(store.root).slot(slot.id).free
    finally:
        lock.release()
    code, out, err = plan(capsys, store, "koppel", slot.id[:9], session.id[:10])
    assert code == 0, err
    loaded = store.load(session.id)
    assert (loaded.meta.date, loaded.meta.time, loaded.meta.place) == \
        ("2027-02-16", "13:30", "kamer 2")
    assert PlanningStore(store.root).slot_of(session.id).id == slot.id
    code, out, _ = plan(capsys, store, "--json")
    row = next(r for r in json.loads(out) if r["moment"] == slot.id)
    assert (row["gesprek"], row["status"], row["leerling"]) == (session.id, "gepland", PUPIL)
    code, _, err = plan(capsys, store, "wis", slot.id)
    assert code == 1 and "maak het eerst los" in err
    code, out, _ = plan(capsys, store, "los", slot.id)
    assert code == 0 and "weer vrij" in out
    code, out, _ = plan(capsys, store, "wis", slot.id)
    assert code == 0 and "verwijderd" in out
    assert all(s.id != slot.id for s in PlanningStore(store.root).slots())


def test_cli_refuses_a_closed_session_and_lists_series_as_json(capsys, store: SessionStore,
                                                                veld: Veld):
    code, out, _ = plan(capsys, store, "reeks", "--van", "2027-01-01", "--tot", "2027-03-31",
                        "--dag", "vr", "--laatste", "--tijd", "9:00", "--duur", "60", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["datum"], r["tijd"], r["duur"], r["status"]) for r in rows] == [
        ("2027-01-29", "09:00", 60, "vrij"), ("2027-02-26", "09:00", 60, "vrij"),
        ("2027-03-26", "09:00", 60, "vrij"),
    ]
    session = store.create(SessionMeta(pupil=PUPIL, date="2026-11-20"), veld, 0.0)
    session.close(0.0)
    store.save(session)
    code, _, err = plan(capsys, store, "koppel", rows[0]["moment"], session.id)
    assert code == 1 and "afgesloten" in err
    assert PlanningStore(store.root).slot(rows[0]["moment"]).free
    assert store.load(session.id).meta.date == "2026-11-20"


def test_cli_ics_without_names_unless_asked(capsys, store: SessionStore, veld: Veld,
                                            tmp_path: Path):
    plan(capsys, store, *SERIES_ARGS)
    slot = PlanningStore(store.root).slots()[5]
    session = store.create(SessionMeta(pupil=PUPIL, date="2027-02-01", school="De Linde"),
                           veld, 0.0, planned=True)
    plan(capsys, store, "koppel", slot.id, session.id)
    target = tmp_path / "agenda.ics"
    code, out, err = plan(capsys, store, "--ics", str(target))
    assert code == 0, err
    assert "zonder namen" in out
    assert mode(target) == 0o600
    _, by_uid = parse_ics(target.read_bytes())
    assert len(by_uid) == 8  # 2026-12-15 .. 2027-07-20
    assert "Tessa" not in target.read_text("utf-8")
    assert str(by_uid[f"{session.id}@arrangeren"]["SUMMARY"]) == "Arrangeergesprek · De Linde"
    code, out, err = plan(capsys, store, "--ics", str(target), "--met-naam", "--ook-verleden")
    assert code == 0, err
    _, by_uid = parse_ics(target.read_bytes())
    assert len(by_uid) == 11
    assert str(by_uid[f"{session.id}@arrangeren"]["SUMMARY"]).endswith(PUPIL)


def test_cli_damaged_planning_and_herstel(capsys, store: SessionStore):
    plan(capsys, store, *SERIES_ARGS)
    path = PlanningStore(store.root).path
    path.write_bytes(b"\x00\x01")
    code, _, err = plan(capsys, store)
    assert code == 1 and "beschadigd" in err and "arrangeren plan herstel" in err
    assert err.count("\n") == 1
    code, out, _ = plan(capsys, store, "herstel")
    assert code == 0 and "apart gezet" in out and "geen leesbare vorige versie" in out
    code, out, _ = plan(capsys, store)
    assert code == 0 and out.startswith("Niets gepland vanaf 2026-11-23")


def test_wired_into_the_main_cli(capsys, store: SessionStore):
    names = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    main_names = cli.build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    if "plan" not in main_names:
        pytest.skip("arrangeren plan is not wired into cli.py yet")
    assert "plan" in names
    code = cli.main(["--store", str(store.root), "plan", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out) == []


# -- the screen ------------------------------------------------------------------------------


def make_app(store: SessionStore, veld: Veld, export_dir: Path):
    from arrangeren_tui.ui.app import ArrangerenApp

    return ArrangerenApp(store=store, veld=veld, now=FakeClock(), today=lambda: TODAY,
                         export_dir=export_dir)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if c == " " else c for c in text])


def visible_rows(screen) -> list[tuple[str, ...]]:
    from textual.widgets import DataTable

    table = screen.query_one("#plan-slots", DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_screen_series_by_month_delete_and_ics(store: SessionStore, veld: Veld,
                                                     tmp_path: Path):
    from textual.widgets import OptionList

    from arrangeren_tui.ui.dialogs.common import ConfirmDialog
    from arrangeren_tui.ui.screens.planning import PlanningScreen, SeriesForm

    session = store.create(SessionMeta(pupil=PUPIL, date="2027-01-05", time="10:00",
                                       school="De Esdoorn"), veld, 0.0, planned=True)
    app = make_app(store, veld, tmp_path / "verslagen")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = PlanningScreen(app.context)
        app.push_screen(screen)
        await pilot.pause()
        assert "Jaarplanning 2026-2027" in str(screen.query_one("#plan-title").render())
        assert screen.month == 3  # November
        assert visible_rows(screen) == []

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SeriesForm)
        await type_text(pilot, "Dinsdagmiddag")
        await pilot.press("tab")
        await type_text(pilot, "De Linde")
        await pilot.press("tab")
        await type_text(pilot, "kamer 2")
        await pilot.press("tab", "enter", "down", "enter")  # weekdag: dinsdag
        await pilot.press("tab", "tab")  # regel stays "n-de weekdag van de maand"
        await type_text(pilot, "4")
        await pilot.press("ctrl+s")  # no time yet: an error at the field, nothing saved
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SeriesForm)
        error = form.query_one("#err-tijd")
        assert error.display and "begintijd" in str(error.render())
        assert app.focused.id == "f-tijd"
        assert not PlanningStore(store.root).path.exists()
        await type_text(pilot, "13:30")
        form.query_one("#f-vakanties").text = "2026-12-19 tot 2027-01-03\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen

        slots = PlanningStore(store.root).slots()
        assert [s.date for s in slots] == ["2026-11-24", "2027-01-26", "2027-02-23",
                                           "2027-03-23", "2027-04-27", "2027-05-25",
                                           "2027-06-22", "2027-07-27"]
        assert {s.place for s in slots} == {"kamer 2"}
        months = screen.query_one("#plan-months", OptionList)
        labels = [str(months.get_option_at_index(i).prompt) for i in range(12)]
        assert labels[3] == "nov 2026   1 · 1 vrij"
        assert labels[4].endswith("–")  # December: holiday
        assert labels[5] == "jan 2027   2 · 1 vrij"  # the planned session and a slot
        assert visible_rows(screen) == [("24-11", "di", "13:30", "De Linde", "vrij", "vrij")]

        await pilot.press("right", "right")  # January 2027
        assert visible_rows(screen) == [
            ("05-01", "di", "10:00", "De Esdoorn", "gepland", "Tessa de Jo…"),
            ("26-01", "di", "13:30", "De Linde", "vrij", "vrij"),
        ]
        await pilot.press("delete")  # the planned session has no slot: nothing to remove
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        await pilot.press("down", "delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("j")
        await pilot.pause()
        assert [r[0] for r in visible_rows(screen)] == ["05-01"]
        assert len(PlanningStore(store.root).slots()) == 7

        await pilot.press("i")
        await pilot.pause()
        target = tmp_path / "verslagen" / "jaarplanning-2026-2027.ics"
        assert mode(target) == 0o600
        text = target.read_text("utf-8")
        assert "Tessa" not in text
        _, by_uid = parse_ics(target.read_bytes())
        assert len(by_uid) == 8 and f"{session.id}@arrangeren" in by_uid

        await pilot.press("right_square_bracket")  # next school year: empty
        assert "2027-2028" in str(screen.query_one("#plan-title").render())
        assert visible_rows(screen) == []
        await pilot.press("pageup", "escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_screen_enter_on_a_free_slot_asks_the_app(store: SessionStore, veld: Veld,
                                                        tmp_path: Path):
    from arrangeren_tui.ui.screens.planning import PlanningScreen

    planning = PlanningStore(store.root)
    slot = planning.add_series(series(start=D(2026, 11, 1), end=D(2026, 11, 30)))[0]
    app = make_app(store, veld, tmp_path)
    asked: list[Slot] = []
    app.plan_in_slot = asked.append  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PlanningScreen(app.context))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert asked == [slot]
        screen = app.screen
        await pilot.click("#plan-months", offset=(3, 5))  # January, with the mouse
        await pilot.pause()
        assert screen.month == 5 and "jan" in str(screen.query_one("#plan-detail").render())


async def test_screen_shows_a_damaged_planning_and_keeps_it(store: SessionStore, veld: Veld,
                                                            tmp_path: Path):
    from arrangeren_tui.ui.screens.planning import PlanningScreen

    planning = PlanningStore(store.root)
    planning.add_series(series(end=D(2026, 9, 30)))
    planning.path.write_text("{", "utf-8")
    app = make_app(store, veld, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = PlanningScreen(app.context)
        app.push_screen(screen)
        await pilot.pause()
        assert "beschadigd" in str(screen.query_one("#plan-detail").render())
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
    assert planning.path.read_text("utf-8") == "{"


def test_the_parser_knows_the_workdays_without_loading_the_planning_core():
    from arrangeren_tui.core.planning.rules import WEEKDAYS

    assert planning_args.WORKDAYS == WEEKDAYS[:5]
