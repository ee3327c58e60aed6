"""Planned sessions and their voorbereiding: the model, the capture prefix for domains, the
verslag section, invitations from templates (golden files) and their calendar files (parsed
back with icalendar)."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from conftest import PLANNED_ID, T0, planned_session
from icalendar import Calendar
from markdown_it import MarkdownIt

from arrangeren_tui.cli.main import main
from arrangeren_tui.core.capture import parse_capture
from arrangeren_tui.core.export.ics import CalendarEvent, calendar_bytes
from arrangeren_tui.core.export.invitations import (
    InvitationError,
    check_templates,
    dutch_duration,
    invitation_event,
    render_invitation,
    roles_for,
)
from arrangeren_tui.core.export.verslag import render_markdown
from arrangeren_tui.core.model import (
    STATUS_OPEN,
    STATUS_PLANNED,
    DomainPrep,
    Preparation,
    Session,
    SessionError,
)
from arrangeren_tui.core.paths import shipped_decks_dir

GOLDEN = Path(__file__).parent / "golden"
SHIPPED = [shipped_decks_dir() / "uitnodigingen"]
PARSER = MarkdownIt("commonmark").enable("table")
STAMP = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.timezone.utc)


# -- model -------------------------------------------------------------------------


def test_a_planned_session_keeps_everything_through_the_store(veld, store):
    session = planned_session(veld)
    assert session.status == STATUS_PLANNED and session.planned
    assert not session.clock.started
    store.save(session)
    loaded = store.load(PLANNED_ID)
    assert loaded.preparation == session.preparation
    assert loaded.meta.time == "13:30" and loaded.meta.invited == ("swv", "jeugdhulp", "jgz")
    summary = next(s for s in store.list()[0] if s.id == PLANNED_ID)
    assert (summary.status, summary.time, summary.place) == ("gepland", "13:30",
                                                             "De Wilg, kamer 2")
    assert loaded.begin(T0) and loaded.status == STATUS_OPEN
    assert not loaded.begin(T0)


def test_preparation_is_checked(veld):
    session = planned_session(veld)
    with pytest.raises(SessionError):
        session.set_preparation(Preparation(domains={"sport": DomainPrep("x")}), T0)
    with pytest.raises(SessionError):
        session.set_preparation(Preparation(invite_consent={"swv": "misschien"}), T0)
    with pytest.raises(KeyError):
        session.set_preparation(Preparation(invite_consent={"politie": "ja"}), T0)
    with pytest.raises(ValueError):
        session.set_plan(T0, time="25:00")
    with pytest.raises(SessionError):
        session.set_plan(T0, pupil="iemand anders")
    assert Preparation().is_empty() and not session.preparation.is_empty()


def test_invite_needs_the_parents_yes_for_external_parties(veld):
    session = planned_session(veld)
    assert session.external_parties() == ["swv", "jeugdhulp", "jgz"]
    assert [session.invite_allowed(p) for p in ("ouders", "school", "swv", "jgz")] == [
        True, True, True, False]


def test_note_domain_round_trip_and_grouping(veld, store):
    session = planned_session(veld)
    session.add_note("Rekenen na de pauze lukt niet", T0, party="school", domain="leren")
    note = session.add_note("Slaapt laat", T0, party="ouders")
    session.update_note(note.id, T0, domain="gezondheid")
    with pytest.raises(SessionError):
        session.add_note("x", T0, domain="sport")
    store.save(session)
    loaded = store.load(PLANNED_ID)
    assert [n.domain for n in loaded.notes] == ["leren", "gezondheid"]
    assert list(loaded.notes_by_domain()) == ["leren", "gezondheid"]


@pytest.mark.parametrize(("line", "domain", "text"), [
    ("#leren tafels lukken niet", "leren", "tafels lukken niet"),
    ("#le tafels", "leren", "tafels"),
    ("#wh vergeet zijn spullen", "werkhouding", "vergeet zijn spullen"),
    ("#gd boos na de pauze", "gedrag", "boos na de pauze"),
    ("#gz slaapt slecht", "gezondheid", "slaapt slecht"),
    ("#gedr slaat", "gedrag", "slaat"),
    ("! @ouders #gz slaapt slecht", "gezondheid", "slaapt slecht"),
    ("#GEZONDHEID moe", "gezondheid", "moe"),
])
def test_domain_prefix(veld, line, domain, text):
    capture = parse_capture(line, veld)
    assert capture.problem is None
    assert (capture.domain, capture.text) == (domain, text)


@pytest.mark.parametrize(("line", "problem"), [
    ("#g iets", "niet eenduidig"),
    ("#sport iets", "geen domein"),
    ("#leren", "leeg"),
])
def test_domain_prefix_problems(veld, line, problem):
    capture = parse_capture(line, veld)
    assert capture.problem and problem in capture.problem
    assert parse_capture("# los hekje", veld).text == "# los hekje"


# -- verslag ---------------------------------------------------------------------------


def _headings(markdown: str) -> list[str]:
    tokens = PARSER.parse(markdown)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]


def test_verslag_has_the_voorbereiding_and_the_domains(veld):
    session = planned_session(veld)
    session.begin(T0)
    session.add_note("Rekenen na de pauze lukt niet", T0, party="school", step="beeld",
                     domain="leren")
    markdown = render_markdown(session, now=T0)
    headings = _headings(markdown)
    start = headings.index("Voorbereiding")
    assert headings[start + 1:start + 6] == [
        "Puzzel van de leraar", "Kindperspectief", "Uitkomst dialooginstrument",
        "Meegebrachte documenten", "Toestemming om uit te nodigen"]
    assert "Per domein" in headings and "Leren" in headings
    assert "| Gedrag | voorspelbaarheid na de pauze | dagplanning op tafel | helpt een beetje |" \
        in markdown
    assert "| JGZ | nee |" in markdown
    assert "- Rekenen na de pauze lukt niet (School, Beeld)" in markdown
    assert "Rekenen na de pauze lukt niet *(leren)*" in markdown


def test_verslag_voorbereiding_escapes_and_pseudonymises(veld):
    session = planned_session(veld)
    hostile = "# kop\n| a | b |\n- lijst <script>x</script>"
    session.set_preparation(Preparation(puzzle=f"Sem Visser: {hostile}", pupil_wants=hostile,
                                        domains={"leren": DomainPrep(hostile, hostile)}), T0)
    markdown = render_markdown(session, now=T0, pseudonymise=True)
    assert "Sem" not in markdown and "Visser" not in markdown and "S.V." in markdown
    headings = _headings(markdown)
    assert "kop" not in headings
    tokens = PARSER.parse(markdown)
    assert not any(t.type == "html_block" or t.type == "html_inline" for t in tokens)


def test_an_empty_voorbereiding_adds_nothing(veld):
    session = planned_session(veld)
    session.set_preparation(Preparation(), T0)
    assert "Voorbereiding" not in _headings(render_markdown(session, now=T0))


# -- invitations -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leraar", "ouders", "swv", "jeugdhulp"])
def test_invitation_golden(veld, role):
    invitation = render_invitation(planned_session(veld), role, SHIPPED)
    golden = GOLDEN / f"uitnodiging-{role}.md"
    if not golden.exists():  # pragma: no cover - written once, to be reviewed
        golden.write_text(invitation.markdown, "utf-8")
    assert invitation.markdown == golden.read_text("utf-8")


def test_invitation_plain_text_golden(veld):
    text = render_invitation(planned_session(veld), "ouders", SHIPPED).text
    golden = GOLDEN / "uitnodiging-ouders.txt"
    if not golden.exists():  # pragma: no cover
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8")
    assert "**" not in text and "## " not in text
    assert text.startswith("Onderwerp: Uitnodiging gesprek over Sem Visser, dinsdag 8 december")


def test_invitation_says_what_matters(veld):
    session = planned_session(veld)
    text = render_invitation(session, "leraar", SHIPPED).text
    for needle in ("dinsdag 8 december 2026", "13:30", "tot 15:00", "De Wilg, kamer 2",
                   "ongeveer anderhalf uur", "puzzel", "kindperspectief", "dialooginstrument",
                   "groeidocument"):
        assert needle in text, needle
    # jgz has no yes from the parents, so it is not named among the invited
    assert "de leraar, de ouders, SWV en jeugdhulp" in text


def test_no_invitation_without_the_parents_yes(veld):
    session = planned_session(veld)
    with pytest.raises(InvitationError, match="gaven geen toestemming om JGZ"):
        render_invitation(session, "jgz", SHIPPED)
    prep = session.preparation
    session.set_preparation(Preparation(invite_consent={**prep.invite_consent, "jgz": "ja"}), T0)
    assert "jeugdgezondheidszorg" in render_invitation(session, "jgz", SHIPPED).text
    with pytest.raises(InvitationError, match="onbekende rol"):
        render_invitation(session, "politie", SHIPPED)
    assert roles_for(session) == ["leraar", "ouders", "swv", "jeugdhulp", "jgz"]


def test_typed_values_never_become_markup(veld):
    session = planned_session(veld)
    session.set_plan(T0, place="<b>kamer</b> | 2 # *vet*")
    markdown = render_invitation(session, "leraar", SHIPPED).markdown
    tokens = PARSER.parse(markdown)
    assert not any(t.type in ("html_inline", "html_block", "table_open") for t in tokens)
    assert "<b>kamer</b> | 2 # *vet*" in render_invitation(session, "leraar", SHIPPED).text


def test_own_templates_win_and_are_checked(veld, tmp_path):
    own = tmp_path / "eigen"
    own.mkdir()
    (own / "ouders.md").write_text("# Gesprek {dag}\n\nBeste ouders, tot {tijd} in {plaats}.\n",
                                   "utf-8")
    (own / "leraar.md").write_text("# Hoi\n\nWe zien je {wanneer}.\n", "utf-8")
    (own / "swv.md").write_text("geen kop\n", "utf-8")
    session = planned_session(veld)
    invitation = render_invitation(session, "ouders", [*SHIPPED, own])
    assert invitation.subject == "Gesprek dinsdag 8 december 2026"
    assert "tot 13:30 in De Wilg, kamer 2" in invitation.text
    with pytest.raises(InvitationError, match=r"leraar.md:3: onbekend veld '\{wanneer\}'"):
        render_invitation(session, "leraar", [*SHIPPED, own])
    problems = [str(p) for p in check_templates([*SHIPPED, own])]
    assert len(problems) == 2
    assert problems[0].endswith("leraar.md:3: onbekend veld '{wanneer}' (kies uit: leerling, "
                                "groep, school, datum, dag, tijd, eindtijd, duur, plaats, "
                                "gespreksleider, genodigden, partij; schrijf {{ voor een "
                                "accolade)")
    assert "swv.md:1: de eerste regel moet" in problems[1]
    assert check_templates(SHIPPED) == []


def test_durations_in_words():
    assert [dutch_duration(m) for m in (90, 60, 120, 45, 75, 150)] == [
        "ongeveer anderhalf uur", "ongeveer een uur", "ongeveer twee uur",
        "ongeveer 45 minuten", "ongeveer 1 uur en 15 minuten", "ongeveer 2 uur en 30 minuten"]


# -- calendar ---------------------------------------------------------------------------


def _events(data: bytes) -> list:  # type: ignore[type-arg]
    return list(Calendar.from_ical(data).events)


def test_invitation_calendar_parses_back(veld):
    session = planned_session(veld)
    event = invitation_event(session, "ouders", SHIPPED)
    (parsed,) = _events(calendar_bytes([event], name="Arrangeergesprek", stamp=STAMP))
    assert parsed.start == dt.datetime(2026, 12, 8, 13, 30, tzinfo=parsed.start.tzinfo)
    assert str(parsed.start.tzinfo) == "Europe/Amsterdam"
    assert parsed.start.utcoffset() == dt.timedelta(hours=1)
    assert parsed.end - parsed.start == dt.timedelta(minutes=90)
    assert parsed.summary == "Arrangeergesprek · Basisschool De Wilg"
    assert parsed.location == "De Wilg, kamer 2"
    assert parsed.uid == f"{PLANNED_ID}@arrangeren"
    for part in ("Sem", "Visser"):
        assert part not in parsed.summary and part not in parsed.description
    assert "S.V." in parsed.description and "13:30" in parsed.description


def test_calendar_names_the_pupil_only_when_asked(veld):
    event = invitation_event(planned_session(veld), "leraar", SHIPPED, with_names=True)
    (parsed,) = _events(calendar_bytes([event], name="x", stamp=STAMP))
    assert parsed.summary == "Arrangeergesprek Sem Visser · Basisschool De Wilg"


def test_calendar_in_summer_time_and_all_day():
    events = [
        CalendarEvent("a@arrangeren", "2027-06-15", "09:00", 60, "Zomer"),
        CalendarEvent("b@arrangeren", "2027-03-28", "", 90, "Hele dag"),
    ]
    summer, whole = _events(calendar_bytes(events, name="x", stamp=STAMP))
    assert summer.start.utcoffset() == dt.timedelta(hours=2)
    assert whole.start == dt.date(2027, 3, 28) and whole.end == dt.date(2027, 3, 29)


# -- command line ------------------------------------------------------------------------


def test_cli_new_planned_and_invitation_files(tmp_path, capsys):
    store = str(tmp_path / "store")
    assert main(["--store", store, "new", "--leerling", "Sem Visser", "--datum", "2026-12-08",
                 "--tijd", "13:30", "--plaats", "De Wilg", "--uitnodigen", "swv,jgz",
                 "--gepland", "--json"]) == 0
    import json

    created = json.loads(capsys.readouterr().out)
    assert created["status"] == "gepland"
    session_id = created["id"]
    out = tmp_path / "uit"
    out.mkdir()
    for fmt in ("md", "tekst", "ics"):
        assert main(["--store", store, "uitnodiging", session_id, "--rol", "ouders",
                     "--formaat", fmt, "-o", str(out)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"uitnodiging-{session_id}-ouders.{s}" for s in ("ics", "md", "txt")]
    for path in out.iterdir():
        assert "Sem" not in path.name
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    (event,) = _events((out / f"uitnodiging-{session_id}-ouders.ics").read_bytes())
    assert event.start.hour == 13 and "Sem" not in event.summary


def test_cli_refuses_an_invitation_without_consent(tmp_path, capsys, veld):
    from arrangeren_tui.core.storage.store import SessionStore

    store = SessionStore(tmp_path / "store")
    store.ensure()
    store.save(planned_session(veld))
    with pytest.raises(SystemExit) as exit_:
        main(["--store", str(store.root), "uitnodiging", PLANNED_ID, "--rol", "jgz"])
    assert exit_.value.code == 1
    assert "gaven geen toestemming om JGZ uit te nodigen" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--store", str(store.root), "new", "--leerling", "X", "--uitnodigen", "ouders"])
    assert "geen externe partij" in capsys.readouterr().err


def test_session_new_planned_flag(veld):
    session = Session.new("x", planned_session(veld).meta, veld, T0, planned=True)
    assert session.status == STATUS_PLANNED


# -- with the jaarplanning ------------------------------------------------------------------


def test_deleting_a_session_frees_its_slot(veld, store):
    from arrangeren_tui.core.planning.rules import Series
    from arrangeren_tui.core.planning.store import PlanningStore

    planning = PlanningStore(store.root)
    slot = planning.add_series(Series(
        id="", name="", rule="maand", weekday=1, n=2, start=dt.date(2026, 12, 1),
        end=dt.date(2026, 12, 31),
        time="13:30", minutes=90, place="kamer 2", school="De Wilg"))[0]
    store.save(planned_session(veld))
    planning.assign(slot.id, PLANNED_ID)
    from arrangeren_tui.core.removal import delete_session

    delete_session(store, PLANNED_ID)
    assert PlanningStore(store.root).slots()[0].session == ""


def test_one_meeting_one_uid_in_invitation_and_year_calendar(veld, store):
    from arrangeren_tui.core.planning.calendar import planning_events

    store.save(planned_session(veld))
    summaries = store.list()[0]
    (year_event,) = planning_events([], summaries)
    invite_event = invitation_event(planned_session(veld), "leraar", SHIPPED)
    assert year_event.uid == invite_event.uid == f"{PLANNED_ID}@arrangeren"
    assert (year_event.date, year_event.time, year_event.minutes) == (
        invite_event.date, invite_event.time, invite_event.minutes)


def test_template_folders_in_order(tmp_path, monkeypatch):
    from arrangeren_tui.core.paths import resolve_template_dirs

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    extra = tmp_path / "swv-kaarten"
    extra.mkdir()
    dirs = resolve_template_dirs([str(extra)], env={})
    assert dirs == [shipped_decks_dir() / "uitnodigingen",
                    tmp_path / "config" / "arrangeren" / "uitnodigingen",
                    extra / "uitnodigingen"]
