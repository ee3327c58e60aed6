"""The session as a versioned data file (JSON) for the samenwerkingsverband's own analysis.

One document per session, described by ``docs/arrangeergesprek.schema.json``:
who sat at the table, every note per step and party, the arrangement with its
afspraken (intensity included, so a shift from heavy to light help can be
counted across sessions), consent, the evaluation of earlier afspraken and the
minutes each step took. Not the store's own format (which may change with the
program): ``schema_version`` changes only when this document does, and a reader
checks it. The pseudonymised variant goes through the same pseudonymisation as
the verslag, on every text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from arrangeren_tui.core.export.names import NameRegister
from arrangeren_tui.core.export.verslag import pseudonyms
from arrangeren_tui.core.model import LaidCard, Note, Session

Text = Callable[[str], str]

SCHEMA = "arrangeergesprek"
SCHEMA_VERSION = 1
SCHEMA_ID = "urn:arrangeren:schema:arrangeergesprek:1"
# A lone surrogate cannot be written as UTF-8: it becomes U+FFFD. Everything else,
# control characters included, stays exactly as typed (JSON escapes it).
_SURROGATE = re.compile("[\ud800-\udfff]")


def session_data(session: Session, *, now: float, pseudonymise: bool = False,
                 names: NameRegister | None = None,
                 full_header: bool = False) -> dict[str, Any]:
    """The data file's document as plain Python data (``render_json`` writes it).

    Pseudonymised (without ``full_header``) it generalises what identifies, as the
    verslag's header does: no school, no place, no time, and of every date and time
    stamp only the month.
    """
    names = pseudonyms(session, pseudonymise, names)
    general = pseudonymise and not full_header
    when = _month if general else _same

    def text(value: str) -> str:
        return _SURROGATE.sub("\ufffd", names.apply(value))

    meta = session.meta
    actual = session.clock.elapsed(now) if session.clock.started else None
    return {
        "$schema": SCHEMA_ID,
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generator": "arrangeren",
        "pseudonymised": pseudonymise,
        "session": {
            "id": session.id,
            "status": session.status,
            "created": when(session.created),
            "updated": when(session.updated),
            "previous": session.previous or None,
        },
        "meta": {
            "pupil": text(meta.pupil),
            "date": when(meta.date),
            "time": None if general else meta.time or None,
            "place": "" if general else text(meta.place),
            "school": "" if general else text(meta.school),
            "group": text(meta.group),
            "facilitator": text(meta.facilitator),
            "planned_minutes": meta.planned_minutes,
            "actual_minutes": None if actual is None else round(actual / 60),
        },
        "participants": [{"name": text(p.name), "role": text(p.role), "party": p.party}
                         for p in meta.participants],
        "veld": {
            "name": session.veld.name,
            "steps": [{"key": s.key, "name": s.name, "minutes": s.minutes,
                       "role": s.role or None} for s in session.veld.steps],
            "parties": [{"key": p.key, "label": p.label} for p in session.veld.parties],
        },
        "step_seconds": {s.key: round(session.step_used(now, s.key))
                         for s in session.veld.steps},
        "notes": [_note(note, text, when) for note in session.notes],
        "arrangement": [_laid(laid, text, when) for laid in session.arrangement],
        "casusregie": text(session.casusregie) or None,
        "evaluation_date": session.evaluation_date or None,
        "consents": [{"party": c.party, "granted": c.granted, "scope": text(c.scope),
                      "given_by": text(c.given_by), "date": c.date or None}
                     for c in session.consents],
        "evaluations": [{"party": e.party, "wat": text(e.wat), "wie": text(e.wie),
                         "wanneer": text(e.wanneer), "outcome": e.outcome or None,
                         "note": text(e.note)} for e in session.evaluations],
        "preparation": _preparation(session, text),
    }


def render_json(session: Session, *, now: float, pseudonymise: bool = False,
                names: NameRegister | None = None, full_header: bool = False) -> str:
    """The data file: UTF-8 JSON, keys in a fixed order, one line per value."""
    data = session_data(session, now=now, pseudonymise=pseudonymise, names=names,
                        full_header=full_header)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _same(stamp: str) -> str:
    return stamp


def _month(stamp: str) -> str:
    """'2026-11-23T14:00:00+01:00' or '2026-11-23' -> '2026-11' (a pseudonymised file)."""
    return stamp[:7]


def _note(note: Note, text: Text, when: Text) -> dict[str, Any]:
    return {"id": note.id, "step": note.step, "party": note.party, "text": text(note.text),
            "important": note.important, "domain": note.domain or None,
            "created": when(note.created), "updated": when(note.updated)}


def _laid(laid: LaidCard, text: Text, when: Text) -> dict[str, Any]:
    return {"id": laid.id, "card_id": laid.card_id or None, "party": laid.party,
            "step": laid.step, "title": text(laid.title), "description": text(laid.description),
            "intensity": laid.intensity or None, "domains": list(laid.domains),
            "blank": laid.blank, "wie": text(laid.wie), "wat": text(laid.wat),
            "wanneer": text(laid.wanneer), "status": laid.status,
            "created": when(laid.created)}


def _preparation(session: Session, text: Text) -> dict[str, Any]:
    prep = session.preparation
    return {
        "puzzle": text(prep.puzzle),
        "pupil_wants": text(prep.pupil_wants),
        "pupil_ideas": text(prep.pupil_ideas),
        "domains": {key: {"needs": text(d.needs), "tried": text(d.tried),
                          "effect": text(d.effect)}
                    for key, d in prep.domains.items() if not d.is_empty()},
        "documents": list(prep.documents),
        "other_documents": text(prep.other_documents),
        "invite_consent": dict(prep.invite_consent),
    }
