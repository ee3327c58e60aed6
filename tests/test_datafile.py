"""The data file (JSON): a golden file, every export valid against its JSON Schema in
docs/ (hostile text, a planned session with its voorbereiding, a vervolggesprek),
the pseudonymised variant without a name, and the export command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import T0, demo_now, planned_session
from jsonschema import Draft202012Validator
from test_verslag import HOSTILE, full_session

from arrangeren_tui.cli.main import main
from arrangeren_tui.core.export.datafile import SCHEMA_ID, SCHEMA_VERSION, render_json
from arrangeren_tui.core.export.formats import FORMATS, render_export
from arrangeren_tui.core.model import Consent, Session

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((ROOT / "docs" / "arrangeergesprek.schema.json").read_text("utf-8"))
GOLDEN = Path(__file__).parent / "golden" / "gegevens-demo.json"
NAMES = ["Tessa", "Sanne", "Iris Bakker", "de Jong", "Fatima", "Amrani", "Pieter", "Anna Smit",
         "Joost", "Vermeer"]


def same_offset(text: str) -> str:
    """Timestamps carry the machine's UTC offset (the wall time is the same): one for all."""
    return re.sub(r"(T\d\d:\d\d:\d\d)(?:[+-]\d\d:\d\d|Z)", r"\1+00:00", text)


def validate(text: str) -> dict:  # type: ignore[type-arg]
    document = json.loads(text)
    Draft202012Validator.check_schema(SCHEMA)
    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(document), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return document


def hostile_session(veld) -> Session:  # type: ignore[no-untyped-def]
    session = full_session(veld)
    for hostile in HOSTILE:
        session.add_note(hostile, T0, party="jgz", step="beeld", important=True)
    session.add_note("nul\x00byte en \ud800 half, 😀", T0, party="swv", domain="gedrag")
    session.update_afspraak(session.arrangement[0].id, T0, wat=HOSTILE[5], wie=HOSTILE[0])
    session.add_consent(Consent("jeugdhulp", HOSTILE[3], HOSTILE[6], "2026-11-23"), T0)
    return session


def test_golden_file(veld):
    text = render_json(full_session(veld), now=demo_now())
    if not GOLDEN.exists():  # pragma: no cover - writes the file once, to be reviewed
        GOLDEN.write_text(same_offset(text), "utf-8")
    assert same_offset(text) == GOLDEN.read_text("utf-8")
    document = validate(text)
    assert document["$schema"] == SCHEMA_ID == SCHEMA["$id"]
    assert document["schema_version"] == SCHEMA_VERSION == SCHEMA["properties"][
        "schema_version"]["const"]


@pytest.mark.parametrize("pseudonymise", [False, True])
@pytest.mark.parametrize("kind", ["demo", "hostile", "planned", "follow-up"])
def test_every_export_is_valid_against_the_schema(veld, kind, pseudonymise):
    if kind == "planned":
        session = planned_session(veld)
    elif kind == "follow-up":
        previous = full_session(veld)
        session = Session.follow_up("20270301-vvlg", previous, veld, T0, "2027-03-01")
        session.evaluate(0, T0, outcome="deels", note="loopt nog")
    elif kind == "hostile":
        session = hostile_session(veld)
    else:
        session = full_session(veld)
    data = render_export(session, "json", now=demo_now(), pseudonymise=pseudonymise)
    document = validate(data.decode("utf-8"))
    assert document["pseudonymised"] is pseudonymise
    assert len(document["notes"]) == len(session.notes)
    assert len(document["arrangement"]) == len(session.arrangement)
    if kind == "hostile" and not pseudonymise:
        texts = [note["text"] for note in document["notes"]]
        assert all(hostile in texts for hostile in HOSTILE)  # kept exactly, as data


def test_pseudonymised_file_leaves_no_name_behind(veld):
    session = full_session(veld)
    session.add_note("Sanne belt Anna Smit; Pieter en Fatima sluiten aan bij Tessa",
                     T0, party="ouders")
    text = render_json(session, now=demo_now(), pseudonymise=True)
    for name in NAMES:
        assert name not in text, name
    document = validate(text)
    assert document["meta"]["pupil"] == "T.d.J."
    assert {p["name"].lower() for p in document["participants"]} >= {"de moeder", "de leraar"}


def test_export_command_writes_the_data_file(tmp_path, veld, capsys):
    from arrangeren_tui.core.storage.exportlog import exported_files
    from arrangeren_tui.core.storage.store import SessionStore

    assert "json" in FORMATS and "pdf" in FORMATS
    store = SessionStore(tmp_path / "store")
    store.ensure()
    store.save(full_session(veld))
    assert main(["--store", str(store.root), "export", "20261123", "--format", "json"]) == 0
    validate(capsys.readouterr().out)
    assert main(["--store", str(store.root), "export", "20261123", "--format", "json",
                 "--pseudoniem", "-o", str(tmp_path)]) == 0
    written = tmp_path / "gegevens-20261123-demo-pseudoniem.json"
    assert "Tessa" not in written.read_text("utf-8")
    validate(written.read_text("utf-8"))
    assert [r.path for r in exported_files(store.root, "20261123-demo")] == [written]
