"""The session model, on a frozen clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arrangeren_tui.core.model import (
    FORMAT_VERSION,
    STATUS_CLOSED,
    STATUS_OPEN,
    Draft,
    Participant,
    Session,
    SessionError,
    SessionMeta,
)
from arrangeren_tui.core.veld import load_veld

DECK = Path(__file__).resolve().parent.parent / "decks" / "veld.toml"
T0 = 1_800_000_000.0


@pytest.fixture(scope="module")
def veld():
    return load_veld(DECK)


@pytest.fixture
def session(veld) -> Session:
    meta = SessionMeta(
        pupil="T.d.J.",
        date="2026-11-23",
        group="5",
        school="De Regenboog",
        facilitator="Anna Smit",
        place="Utrecht",
        participants=(
            Participant(name="Anna Smit", role="gespreksleider", party="swv"),
            Participant(name="Piet Jansen", role="leraar", party="school"),
        ),
        planned_minutes=90,
    )
    return Session.new("20261123-abcd", meta, veld, T0)


def roundtrip(session: Session) -> Session:
    return Session.from_record(json.loads(json.dumps(session.to_record())))


# -- new ------------------------------------------------------------------------


def test_new_session_starts_at_first_step_and_party(session: Session) -> None:
    assert session.current_step == "opening"
    assert session.selected_party == "leerling"
    assert session.step.name == "Opening"
    assert session.party.label == "Leerling"
    assert session.status == STATUS_OPEN
    assert session.notes == []
    assert session.clock.planned_seconds == 90 * 60
    assert not session.clock.started
    assert session.created == session.updated
    assert session.created.startswith("20")  # ISO 8601
    assert session.next_note_id == 1


def test_planned_minutes_sets_the_clock(veld) -> None:
    meta = SessionMeta(pupil="A.S.", date="2026-11-23", planned_minutes=45)
    s = Session.new("x", meta, veld, T0)
    assert s.clock.planned_seconds == 45 * 60


# -- notes ----------------------------------------------------------------------


def test_add_note_defaults_to_selected_party_and_current_step(session: Session) -> None:
    note = session.add_note("Gaat graag naar school", T0 + 5)
    assert note.id == 1
    assert (note.step, note.party, note.text, note.important) == (
        "opening",
        "leerling",
        "Gaat graag naar school",
        False,
    )
    assert note.created == note.updated != ""
    assert session.notes == [note]
    assert session.next_note_id == 2


def test_add_note_to_other_party_and_step(session: Session) -> None:
    note = session.add_note("Zorgen over slapen", T0, party="ouders", step="beeld", important=True)
    assert (note.step, note.party, note.important) == ("beeld", "ouders", True)
    assert session.current_step == "opening"  # adding elsewhere does not move the veld
    assert session.selected_party == "leerling"


def test_add_note_with_unknown_party_or_step_fails_and_adds_nothing(session: Session) -> None:
    with pytest.raises(KeyError):
        session.add_note("x", T0, party="buren")
    with pytest.raises(KeyError):
        session.add_note("x", T0, step="stap9")
    assert session.notes == []
    assert session.next_note_id == 1
    assert not session.clock.started


def test_ids_increase_and_are_never_reused(session: Session) -> None:
    a = session.add_note("a", T0)
    b = session.add_note("b", T0)
    session.delete_note(b.id, T0)
    c = session.add_note("c", T0)
    assert (a.id, b.id, c.id) == (1, 2, 3)


def test_first_note_starts_the_clock(session: Session) -> None:
    assert not session.clock.started
    session.add_note("eerste", T0 + 100)
    assert session.clock.running
    assert session.clock.elapsed(T0 + 160) == 60
    session.add_note("tweede", T0 + 200)  # a later note does not restart it
    assert session.clock.intervals == [[T0 + 100, None]]


def test_note_does_not_restart_a_paused_clock(session: Session) -> None:
    session.clock.start(T0)
    session.clock.pause(T0 + 60)
    session.add_note("tijdens de pauze", T0 + 120)
    assert not session.clock.running
    assert session.clock.elapsed(T0 + 500) == 60


def test_update_note_text_and_important(session: Session) -> None:
    note = session.add_note("oud", T0)
    updated = session.update_note(note.id, T0 + 60, text="nieuw", important=True)
    assert updated.id == note.id
    assert (updated.text, updated.important) == ("nieuw", True)
    assert updated.created == note.created
    assert updated.updated != note.updated
    assert session.note(note.id) == updated
    assert session.notes == [updated]


def test_update_note_moves_to_other_party_and_step(session: Session) -> None:
    a = session.add_note("a", T0)
    b = session.add_note("b", T0)
    moved = session.update_note(a.id, T0, party="jgz", step="afspraken")
    assert (moved.party, moved.step, moved.text) == ("jgz", "afspraken", "a")
    assert session.notes_for("opening", "leerling") == [b]
    assert session.notes_for("afspraken", "jgz") == [moved]
    assert [n.id for n in session.notes] == [a.id, b.id]  # order kept


def test_update_note_without_changes_returns_it_unchanged(session: Session) -> None:
    note = session.add_note("a", T0)
    before = session.updated
    same = session.update_note(note.id, T0 + 3600)
    assert same == note
    assert session.updated == before


def test_update_note_to_unknown_party_changes_nothing(session: Session) -> None:
    note = session.add_note("a", T0)
    with pytest.raises(KeyError):
        session.update_note(note.id, T0, text="b", party="buren")
    assert session.note(note.id).text == "a"


def test_unknown_note_id(session: Session) -> None:
    with pytest.raises(SessionError):
        session.note(99)
    with pytest.raises(SessionError):
        session.update_note(99, T0, text="x")
    with pytest.raises(SessionError):
        session.delete_note(99, T0)


def test_delete_and_restore_keep_id_and_position(session: Session) -> None:
    notes = [session.add_note(t, T0) for t in "abc"]
    deleted = session.delete_note(notes[1].id, T0 + 1)
    assert deleted.position == 1
    assert [n.text for n in session.notes] == ["a", "c"]
    restored = session.restore_note(deleted, T0 + 2)
    assert restored.id == notes[1].id
    assert [n.text for n in session.notes] == ["a", "b", "c"]
    assert [n.id for n in session.notes] == [1, 2, 3]


def test_restore_after_more_deletes_clamps_position(session: Session) -> None:
    notes = [session.add_note(t, T0) for t in "abc"]
    last = session.delete_note(notes[2].id, T0)
    session.delete_note(notes[0].id, T0)
    session.restore_note(last, T0)
    assert [n.text for n in session.notes] == ["b", "c"]


def test_restore_twice_is_refused(session: Session) -> None:
    note = session.add_note("a", T0)
    deleted = session.delete_note(note.id, T0)
    session.restore_note(deleted, T0)
    with pytest.raises(SessionError):
        session.restore_note(deleted, T0)
    assert len(session.notes) == 1


def test_notes_for_filters_by_step_and_party(session: Session) -> None:
    a = session.add_note("a", T0)
    b = session.add_note("b", T0, party="ouders")
    c = session.add_note("c", T0, step="beeld")
    d = session.add_note("d", T0)
    assert session.notes_for("opening", "leerling") == [a, d]
    assert session.notes_for("opening", "ouders") == [b]
    assert session.notes_for("beeld", "leerling") == [c]
    assert session.notes_for("beeld", "jgz") == []


# -- steps and parties ----------------------------------------------------------


def test_move_step_at_both_ends(session: Session, veld) -> None:
    assert session.move_step(-1, T0) is False
    assert session.current_step == "opening"
    for expected in [s.key for s in veld.steps][1:]:
        assert session.move_step(1, T0) is True
        assert session.current_step == expected
    assert session.move_step(1, T0) is False
    assert session.current_step == "afsluiting"
    assert session.move_step(-2, T0) is True
    assert session.current_step == "arrangeren"


def test_go_to_unknown_step(session: Session) -> None:
    with pytest.raises(SessionError):
        session.go_to_step("stap9", T0)
    assert session.current_step == "opening"


def test_cycle_party_wraps(session: Session) -> None:
    assert session.cycle_party(-1).key == "jgz"
    assert session.selected_party == "jgz"
    assert session.cycle_party(1).key == "leerling"
    assert session.cycle_party(2).key == "school"
    assert session.cycle_party(6).key == "school"


def test_select_party(session: Session) -> None:
    session.select_party("swv")
    assert session.party.label == "SWV"
    with pytest.raises(SessionError):
        session.select_party("buren")
    assert session.selected_party == "swv"


def test_step_time_accounting_across_step_changes(session: Session) -> None:
    session.clock.start(T0)
    assert session.step_used(T0 + 180) == 180
    assert session.step_left(T0 + 180) == 5 * 60 - 180
    session.move_step(1, T0 + 180)  # 3 minutes in "opening"
    assert session.step_used(T0 + 180) == 0
    assert session.step_used(T0 + 300) == 120  # 2 minutes in "puzzel"
    assert session.step_left(T0 + 300) == 10 * 60 - 120
    assert session.step_used(T0 + 300, "opening") == 180  # frozen while away
    session.move_step(-1, T0 + 300)
    assert session.step_used(T0 + 300) == 180  # continues from 3 minutes
    assert session.step_used(T0 + 360) == 240
    assert session.step_used(T0 + 360, "puzzel") == 120
    assert session.step_left(T0 + 420) == 0
    assert session.step_left(T0 + 480) == -60  # over its time


def test_step_time_does_not_count_while_paused(session: Session) -> None:
    session.clock.start(T0)
    session.clock.pause(T0 + 60)
    assert session.step_used(T0 + 1000) == 60
    session.move_step(1, T0 + 1000)
    session.clock.start(T0 + 2000)
    assert session.step_used(T0 + 2030) == 30
    assert session.step_used(T0 + 2030, "opening") == 60


def test_step_time_before_the_clock_starts_is_zero(session: Session) -> None:
    session.move_step(1, T0 + 500)
    assert session.step_used(T0 + 900) == 0
    assert session.step_left(T0 + 900) == 10 * 60


# -- draft and close ------------------------------------------------------------


def test_draft(session: Session) -> None:
    session.set_draft("@ouders half getyp", 7)
    assert session.draft == Draft(text="@ouders half getyp", cursor=7)
    again = roundtrip(session)
    assert again.draft == Draft(text="@ouders half getyp", cursor=7)


def test_close_pauses_and_freezes_step_time(session: Session) -> None:
    session.add_note("a", T0)
    session.move_step(1, T0 + 100)
    session.close(T0 + 400)
    assert session.status == STATUS_CLOSED
    assert not session.clock.running
    assert session.clock.elapsed(T0 + 9999) == 400
    assert session.step_used(T0 + 9999) == 300
    assert session.step_used(T0 + 9999, "opening") == 100
    session.reopen(T0 + 10000)
    assert session.status == STATUS_OPEN
    assert session.step_used(T0 + 10000) == 300


def test_close_twice_changes_no_step_time(session: Session) -> None:
    session.add_note("a", T0)
    session.close(T0 + 100)
    session.close(T0 + 900)
    assert session.step_used(T0 + 1000) == 100
    assert session.clock.elapsed(T0 + 1000) == 100


# -- records --------------------------------------------------------------------


def test_record_round_trip_keeps_everything(session: Session) -> None:
    session.add_note("a", T0)
    session.add_note("b — é 🙂", T0 + 10, party="jgz", step="beeld", important=True)
    gone = session.add_note("c", T0 + 20)
    session.delete_note(gone.id, T0 + 21)
    session.move_step(2, T0 + 200)
    session.cycle_party(3)
    session.set_draft("!@swv concept", 3)
    session.clock.pause(T0 + 250)
    session.clock.start(T0 + 300)
    record = session.to_record()
    assert record["session"]["1"]["format"] == FORMAT_VERSION
    assert set(record["notes"]) == {"1", "2"}
    again = roundtrip(session)
    assert again == session
    assert again.to_record() == record
    assert again.next_note_id == 4
    assert again.step_used(T0 + 400) == session.step_used(T0 + 400)
    assert again.clock.running


def test_round_trip_of_a_closed_session(session: Session) -> None:
    session.add_note("a", T0)
    session.close(T0 + 60)
    again = roundtrip(session)
    assert again == session
    assert again.status == STATUS_CLOSED


def test_from_record_refuses_a_newer_format(session: Session) -> None:
    record = session.to_record()
    record["session"]["1"]["format"] = FORMAT_VERSION + 1
    with pytest.raises(ValueError, match="nieuwer"):
        Session.from_record(record)


def test_from_record_fills_next_note_id_from_the_notes(session: Session) -> None:
    for t in "abc":
        session.add_note(t, T0)
    record = json.loads(json.dumps(session.to_record()))
    record["session"]["1"]["next_note_id"] = 1  # stale or damaged counter
    again = Session.from_record(record)
    assert again.next_note_id == 4
    assert again.add_note("d", T0).id == 4
    del record["session"]["1"]["next_note_id"]
    assert Session.from_record(record).next_note_id == 4


def test_from_record_keeps_a_higher_next_note_id(session: Session) -> None:
    session.add_note("a", T0)
    last = session.add_note("b", T0)
    session.delete_note(last.id, T0)
    again = roundtrip(session)
    assert again.add_note("c", T0).id == 3  # id 2 was used before, never again


def test_from_record_sorts_notes_by_id(session: Session) -> None:
    for t in "abcdefghijk":  # 11 notes: "10" < "2" as text
        session.add_note(t, T0)
    record = json.loads(json.dumps(session.to_record()))
    record["notes"] = dict(reversed(list(record["notes"].items())))
    again = Session.from_record(record)
    assert [n.id for n in again.notes] == list(range(1, 12))


def test_from_record_with_unknown_current_step_fails(session: Session) -> None:
    record = session.to_record()
    record["session"]["1"]["current_step"] = "weg"
    with pytest.raises(KeyError):
        Session.from_record(record)
