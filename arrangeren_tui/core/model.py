"""The session model: one Arrangeergesprek with its notes, step, clock and draft.

Pure Python and plain data. Every method that depends on time takes ``now``
(epoch seconds), so tests and snapshots run on a frozen clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from arrangeren_tui.core.clock import Clock
from arrangeren_tui.core.domains import DOMAINS
from arrangeren_tui.core.fields import iso_date, parse_time
from arrangeren_tui.core.veld import Party, Step, Veld

FORMAT_VERSION = 1


class NewerFormatError(ValueError):
    """A record in a format newer than FORMAT_VERSION: written by a newer program, not damaged."""

    def __init__(self, version: int) -> None:
        self.version = version
        super().__init__(f"formaat {version} is nieuwer dan dit programma ({FORMAT_VERSION})")
STATUS_OPEN = "open"
STATUS_CLOSED = "gesloten"
STATUS_PLANNED = "gepland"
# Parties that sit at every table; the others are invited only with the parents' consent.
HOME_PARTIES = ("leerling", "ouders", "school")


def iso(now: float) -> str:
    """Local wall time as ISO 8601 with offset, to the second."""
    return dt.datetime.fromtimestamp(now).astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Participant:
    """Somebody at the table."""

    name: str
    role: str
    party: str


@dataclass(frozen=True)
class SessionMeta:
    """What the home form asks: who, where, when, how long."""

    pupil: str
    date: str
    group: str = ""
    school: str = ""
    facilitator: str = ""
    place: str = ""
    participants: tuple[Participant, ...] = ()
    planned_minutes: int = 90
    time: str = ""  # HH:MM, for a planned meeting
    invited: tuple[str, ...] = ()  # party keys invited to a planned meeting
    # Other people who come up (siblings, other children): "Sem (broer)" or "Sem".
    other_people: tuple[str, ...] = ()

    def to_record(self) -> dict[str, Any]:
        return {
            "pupil": self.pupil,
            "date": self.date,
            "group": self.group,
            "school": self.school,
            "facilitator": self.facilitator,
            "place": self.place,
            "participants": [
                {"name": p.name, "role": p.role, "party": p.party} for p in self.participants
            ],
            "planned_minutes": self.planned_minutes,
            "time": self.time,
            "invited": list(self.invited),
            "other_people": list(self.other_people),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SessionMeta:
        return cls(
            pupil=str(record["pupil"]),
            date=str(record["date"]),
            group=str(record.get("group", "")),
            school=str(record.get("school", "")),
            facilitator=str(record.get("facilitator", "")),
            place=str(record.get("place", "")),
            participants=tuple(
                Participant(name=str(p["name"]), role=str(p["role"]), party=str(p["party"]))
                for p in record.get("participants", [])
            ),
            planned_minutes=int(record.get("planned_minutes", 90)),
            time=str(record.get("time", "")),
            invited=tuple(str(p) for p in record.get("invited", [])),
            other_people=tuple(str(p) for p in record.get("other_people", [])),
        )


@dataclass
class Note:
    """A sticky note on the veld: one party, one step."""

    id: int
    step: str
    party: str
    text: str
    important: bool = False
    created: str = ""
    updated: str = ""
    domain: str = ""  # one of DOMAINS, or ""

    def to_record(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "party": self.party,
            "text": self.text,
            "important": self.important,
            "created": self.created,
            "updated": self.updated,
            "domain": self.domain,
        }

    @classmethod
    def from_record(cls, note_id: int, record: dict[str, Any]) -> Note:
        return cls(
            id=note_id,
            step=str(record["step"]),
            party=str(record["party"]),
            text=str(record["text"]),
            important=bool(record.get("important", False)),
            created=str(record.get("created", "")),
            updated=str(record.get("updated", "")),
            domain=str(record.get("domain", "")),
        )


DOCUMENTS = ("groeidocument", "groepsoverzicht", "handelingsplannen", "onderzoeksverslagen")
DOCUMENT_LABELS = {
    "groeidocument": "Groeidocument",
    "groepsoverzicht": "Groepsoverzicht",
    "handelingsplannen": "Handelingsplannen",
    "onderzoeksverslagen": "Onderzoeksverslagen",
}
INVITE_ANSWERS = ("ja", "nee")


@dataclass(frozen=True)
class DomainPrep:
    """The earlier Dialooginstrument outcome for one domain."""

    needs: str = ""  # what the pupil needs
    tried: str = ""  # what was tried
    effect: str = ""  # with what effect

    def is_empty(self) -> bool:
        return not (self.needs.strip() or self.tried.strip() or self.effect.strip())


@dataclass(frozen=True)
class Preparation:
    """The voorbereiding of a meeting, gathered before it is held.

    ``pupil_wants`` and ``pupil_ideas`` are the kindperspectief, in the pupil's
    own words; ``invite_consent`` maps an external party to "ja" or "nee": did
    the parents agree that it is invited.
    """

    puzzle: str = ""
    pupil_wants: str = ""
    pupil_ideas: str = ""
    domains: dict[str, DomainPrep] = field(default_factory=dict)
    documents: tuple[str, ...] = ()
    other_documents: str = ""
    invite_consent: dict[str, str] = field(default_factory=dict)

    def domain(self, key: str) -> DomainPrep:
        return self.domains.get(key, DomainPrep())

    def is_empty(self) -> bool:
        return not (
            self.puzzle.strip() or self.pupil_wants.strip() or self.pupil_ideas.strip()
            or any(not d.is_empty() for d in self.domains.values())
            or self.documents or self.other_documents.strip() or self.invite_consent
        )

    def to_record(self) -> dict[str, Any]:
        return {
            "puzzle": self.puzzle,
            "pupil_wants": self.pupil_wants,
            "pupil_ideas": self.pupil_ideas,
            "domains": {
                key: {"needs": d.needs, "tried": d.tried, "effect": d.effect}
                for key, d in self.domains.items() if not d.is_empty()
            },
            "documents": list(self.documents),
            "other_documents": self.other_documents,
            "invite_consent": dict(self.invite_consent),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any] | None) -> Preparation:
        record = record or {}
        return cls(
            puzzle=str(record.get("puzzle", "")),
            pupil_wants=str(record.get("pupil_wants", "")),
            pupil_ideas=str(record.get("pupil_ideas", "")),
            domains={
                str(key): DomainPrep(needs=str(value.get("needs", "")),
                                     tried=str(value.get("tried", "")),
                                     effect=str(value.get("effect", "")))
                for key, value in (record.get("domains") or {}).items()
            },
            documents=tuple(str(d) for d in record.get("documents", [])),
            other_documents=str(record.get("other_documents", "")),
            invite_consent={str(k): str(v)
                            for k, v in (record.get("invite_consent") or {}).items()},
        )


@dataclass(frozen=True)
class Consent:
    """The parents' consent (or refusal) for sharing something with one party.

    ``scope`` says what may be shared (e.g. "het verslag van dit gesprek"),
    ``given_by`` who decided (e.g. "moeder"), ``date`` when (ISO date).
    """

    party: str
    scope: str
    given_by: str
    date: str
    granted: bool = True

    def to_record(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "scope": self.scope,
            "given_by": self.given_by,
            "date": self.date,
            "granted": self.granted,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Consent:
        return cls(
            party=str(record["party"]),
            scope=str(record.get("scope", "")),
            given_by=str(record.get("given_by", "")),
            date=str(record.get("date", "")),
            granted=bool(record.get("granted", True)),
        )


AFSPRAAK_STATUSES = ("open", "loopt", "gedaan", "vervallen")


@dataclass
class LaidCard:
    """A card laid on the veld: part of the arrangement, with its afspraak.

    The card's text is copied in, so the session reads the same after a deck
    changes. ``wat`` starts as the card's title; ``wie`` names a participant.
    """

    id: int
    card_id: str
    party: str
    step: str
    title: str
    description: str = ""
    intensity: str = ""
    domains: tuple[str, ...] = ()
    blank: bool = False
    wie: str = ""
    wat: str = ""
    wanneer: str = ""
    status: str = "open"
    created: str = ""

    def to_record(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "party": self.party,
            "step": self.step,
            "title": self.title,
            "description": self.description,
            "intensity": self.intensity,
            "domains": list(self.domains),
            "blank": self.blank,
            "wie": self.wie,
            "wat": self.wat,
            "wanneer": self.wanneer,
            "status": self.status,
            "created": self.created,
        }

    @classmethod
    def from_record(cls, laid_id: int, record: dict[str, Any]) -> LaidCard:
        return cls(
            id=laid_id,
            card_id=str(record.get("card_id", "")),
            party=str(record["party"]),
            step=str(record["step"]),
            title=str(record["title"]),
            description=str(record.get("description", "")),
            intensity=str(record.get("intensity", "")),
            domains=tuple(str(d) for d in record.get("domains", [])),
            blank=bool(record.get("blank", False)),
            wie=str(record.get("wie", "")),
            wat=str(record.get("wat", "")),
            wanneer=str(record.get("wanneer", "")),
            status=str(record.get("status", "open")),
            created=str(record.get("created", "")),
        )


EVALUATION_OUTCOMES = ("gedaan", "deels", "niet")


@dataclass(frozen=True)
class Evaluation:
    """An afspraak from the previous session, evaluated in a vervolggesprek."""

    party: str
    wat: str
    wie: str = ""
    wanneer: str = ""
    outcome: str = ""  # "" (not yet), gedaan, deels, niet
    note: str = ""

    def to_record(self) -> dict[str, Any]:
        return {"party": self.party, "wat": self.wat, "wie": self.wie,
                "wanneer": self.wanneer, "outcome": self.outcome, "note": self.note}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Evaluation:
        return cls(party=str(record["party"]), wat=str(record.get("wat", "")),
                   wie=str(record.get("wie", "")), wanneer=str(record.get("wanneer", "")),
                   outcome=str(record.get("outcome", "")), note=str(record.get("note", "")))


@dataclass
class Draft:
    """The half-typed text in the capture bar, kept across restarts."""

    text: str = ""
    cursor: int = 0


@dataclass
class DeletedNote:
    """What ``Session.delete_note`` hands back, so the delete can be undone."""

    note: Note
    position: int


class SessionError(ValueError):
    """An operation that does not fit the session (unknown step, party or note)."""


@dataclass
class Session:
    """One Arrangeergesprek."""

    id: str
    meta: SessionMeta
    veld: Veld
    clock: Clock
    created: str
    notes: list[Note] = field(default_factory=list)
    current_step: str = ""
    selected_party: str = ""
    status: str = STATUS_OPEN
    step_seconds: dict[str, float] = field(default_factory=dict)
    step_entered_elapsed: float = 0.0
    draft: Draft = field(default_factory=Draft)
    next_note_id: int = 1
    updated: str = ""
    consents: list[Consent] = field(default_factory=list)
    evaluation_date: str = ""
    arrangement: list[LaidCard] = field(default_factory=list)
    next_card_id: int = 1
    casusregie: str = ""
    previous: str = ""  # the session this one follows up (vervolggesprek)
    evaluations: list[Evaluation] = field(default_factory=list)
    preparation: Preparation = field(default_factory=Preparation)

    @classmethod
    def new(cls, session_id: str, meta: SessionMeta, veld: Veld, now: float,
            *, planned: bool = False) -> Session:
        """A new session; ``planned`` makes it gepland: prepared now, held later."""
        stamp = iso(now)
        return cls(
            status=STATUS_PLANNED if planned else STATUS_OPEN,
            id=session_id,
            meta=meta,
            veld=veld,
            clock=Clock(planned_seconds=meta.planned_minutes * 60),
            created=stamp,
            updated=stamp,
            current_step=veld.steps[0].key,
            selected_party=veld.parties[0].key,
        )

    # -- steps and parties -------------------------------------------------

    @property
    def step(self) -> Step:
        return self.veld.step(self.current_step)

    @property
    def party(self) -> Party:
        return self.veld.party(self.selected_party)

    def step_used(self, now: float, key: str | None = None) -> float:
        """Clock seconds spent in a step so far (the current one still counting)."""
        key = key or self.current_step
        used = self.step_seconds.get(key, 0.0)
        if key == self.current_step:
            used += max(0.0, self.clock.elapsed(now) - self.step_entered_elapsed)
        return used

    def step_left(self, now: float) -> float:
        """Seconds left in the current step; negative when it runs over."""
        return self.step.minutes * 60 - self.step_used(now)

    def go_to_step(self, key: str, now: float) -> None:
        if key not in {s.key for s in self.veld.steps}:
            raise SessionError(f"onbekende stap: {key}")
        if key == self.current_step:
            return
        elapsed = self.clock.elapsed(now)
        self.step_seconds[self.current_step] = self.step_used(now)
        self.current_step = key
        self.step_entered_elapsed = elapsed

    def move_step(self, delta: int, now: float) -> bool:
        """Go ``delta`` steps forward or back; False at either end."""
        index = self.veld.step_index(self.current_step) + delta
        if not 0 <= index < len(self.veld.steps):
            return False
        self.go_to_step(self.veld.steps[index].key, now)
        return True

    def select_party(self, key: str) -> None:
        if key not in {p.key for p in self.veld.parties}:
            raise SessionError(f"onbekende partij: {key}")
        self.selected_party = key

    def cycle_party(self, delta: int) -> Party:
        index = (self.veld.party_index(self.selected_party) + delta) % len(self.veld.parties)
        self.selected_party = self.veld.parties[index].key
        return self.party

    # -- notes ---------------------------------------------------------------

    def notes_for(self, step: str, party: str) -> list[Note]:
        return [n for n in self.notes if n.step == step and n.party == party]

    def note(self, note_id: int) -> Note:
        for note in self.notes:
            if note.id == note_id:
                return note
        raise SessionError(f"onbekende notitie: {note_id}")

    def add_note(
        self,
        text: str,
        now: float,
        *,
        party: str | None = None,
        step: str | None = None,
        important: bool = False,
        domain: str = "",
    ) -> Note:
        """Add a note (to the selected party in the current step unless told otherwise).

        The clock starts with the first note if nobody started it: in the room,
        the meeting has begun when the first thing is written down.
        """
        party = party or self.selected_party
        step = step or self.current_step
        self.veld.party(party)
        self.veld.step(step)
        if domain and domain not in DOMAINS:
            raise SessionError(f"onbekend domein: {domain}")
        stamp = iso(now)
        note = Note(
            id=self.next_note_id,
            step=step,
            party=party,
            text=text,
            important=important,
            created=stamp,
            updated=stamp,
            domain=domain,
        )
        self.next_note_id += 1
        self.notes.append(note)
        if not self.clock.started:
            self.clock.start(now)
        self.touch(now)
        return note

    def update_note(
        self,
        note_id: int,
        now: float,
        *,
        text: str | None = None,
        important: bool | None = None,
        party: str | None = None,
        step: str | None = None,
        domain: str | None = None,
    ) -> Note:
        """Change a note's text, mark, party, step (a move) or domain ("" for none)."""
        note = self.note(note_id)
        changes: dict[str, Any] = {}
        if text is not None:
            changes["text"] = text
        if important is not None:
            changes["important"] = important
        if party is not None:
            self.veld.party(party)
            changes["party"] = party
        if step is not None:
            self.veld.step(step)
            changes["step"] = step
        if domain is not None:
            if domain and domain not in DOMAINS:
                raise SessionError(f"onbekend domein: {domain}")
            changes["domain"] = domain
        if not changes:
            return note
        updated = replace(note, **changes, updated=iso(now))
        self.notes[self.notes.index(note)] = updated
        self.touch(now)
        return updated

    def delete_note(self, note_id: int, now: float) -> DeletedNote:
        note = self.note(note_id)
        position = self.notes.index(note)
        del self.notes[position]
        self.touch(now)
        return DeletedNote(note=note, position=position)

    def restore_note(self, deleted: DeletedNote, now: float) -> Note:
        """Undo a delete: the note returns with its id, at its old place."""
        if any(n.id == deleted.note.id for n in self.notes):
            raise SessionError("deze notitie bestaat al")
        self.notes.insert(min(deleted.position, len(self.notes)), deleted.note)
        self.touch(now)
        return deleted.note

    # -- the arrangement -----------------------------------------------------------

    def lay_card(
        self,
        now: float,
        *,
        card_id: str,
        title: str,
        party: str | None = None,
        step: str | None = None,
        description: str = "",
        intensity: str = "",
        domains: tuple[str, ...] = (),
        blank: bool = False,
    ) -> LaidCard:
        """Lay a card for a party in a step; its afspraak starts with the title as 'wat'."""
        party = party or self.selected_party
        step = step or self.current_step
        self.veld.party(party)
        self.veld.step(step)
        laid = LaidCard(
            id=self.next_card_id, card_id=card_id, party=party, step=step, title=title,
            description=description, intensity=intensity, domains=tuple(domains),
            blank=blank, wat=title, created=iso(now),
        )
        self.next_card_id += 1
        self.arrangement.append(laid)
        self.touch(now)
        return laid

    def laid(self, laid_id: int) -> LaidCard:
        for laid in self.arrangement:
            if laid.id == laid_id:
                return laid
        raise SessionError(f"onbekende kaart: {laid_id}")

    def update_afspraak(self, laid_id: int, now: float, **changes: str) -> LaidCard:
        """Change wie, wat, wanneer or status of one laid card."""
        unknown = set(changes) - {"wie", "wat", "wanneer", "status"}
        if unknown:
            raise SessionError(f"onbekend veld: {', '.join(sorted(unknown))}")
        if "status" in changes and changes["status"] not in AFSPRAAK_STATUSES:
            raise SessionError(f"onbekende status: {changes['status']}")
        if changes.get("wanneer"):
            changes["wanneer"] = iso_date(changes["wanneer"])  # FieldError for a bad date
        laid = self.laid(laid_id)
        updated = replace(
            laid, wie=changes.get("wie", laid.wie), wat=changes.get("wat", laid.wat),
            wanneer=changes.get("wanneer", laid.wanneer), status=changes.get("status", laid.status),
        )
        self.arrangement[self.arrangement.index(laid)] = updated
        self.touch(now)
        return updated

    def remove_card(self, laid_id: int, now: float) -> tuple[LaidCard, int]:
        laid = self.laid(laid_id)
        position = self.arrangement.index(laid)
        del self.arrangement[position]
        self.touch(now)
        return laid, position

    def restore_card(self, laid: LaidCard, position: int, now: float) -> None:
        self.arrangement.insert(min(position, len(self.arrangement)), laid)
        self.touch(now)

    def cards_for(self, step: str, party: str) -> list[LaidCard]:
        return [c for c in self.arrangement if c.step == step and c.party == party]

    def set_agreements(self, now: float, *, casusregie: str | None = None,
                       evaluation_date: str | None = None) -> None:
        if evaluation_date:
            evaluation_date = iso_date(evaluation_date)  # FieldError for a bad date
        if casusregie is not None:
            self.casusregie = casusregie
        if evaluation_date is not None:
            self.evaluation_date = evaluation_date
        self.touch(now)

    def parties_at_table(self) -> list[str]:
        """The parties of the participants, else those that have notes or cards."""
        present = {p.party for p in self.meta.participants}
        if not present:
            present = {n.party for n in self.notes} | {c.party for c in self.arrangement}
        return [p.key for p in self.veld.parties if p.key in present]

    def missing(self) -> list[str]:
        """What the arrangement still lacks, in Dutch; advice, never a block."""
        problems: list[str] = []
        committed = {c.party for c in self.arrangement}
        without = [self.veld.party(k).label for k in self.parties_at_table() if k not in committed]
        if without:
            problems.append(f"nog geen afspraak voor {', '.join(without)}")
        for laid in self.arrangement:
            lacking = [name for name in ("wie", "wanneer") if not getattr(laid, name).strip()]
            if lacking:
                problems.append(f"‘{laid.title}’ mist {' en '.join(lacking)}")
        if not self.casusregie.strip():
            problems.append("niemand heeft de casusregie")
        if not self.evaluation_date:
            problems.append("geen evaluatiedatum")
        return problems

    # -- vervolggesprek -----------------------------------------------------------

    @classmethod
    def follow_up(cls, session_id: str, previous: Session, veld: Veld, now: float,
                  date: str, *, planned: bool = False) -> Session:
        """A new session after ``previous``: same pupil and people, its afspraken to evaluate;
        ``planned`` for one held on a later day (gepland)."""
        meta = replace(previous.meta, date=date)
        session = cls.new(session_id, meta, veld, now, planned=planned)
        session.previous = previous.id
        session.evaluations = [
            Evaluation(party=laid.party, wat=laid.wat or laid.title, wie=laid.wie,
                       wanneer=laid.wanneer)
            for laid in previous.arrangement
            if laid.party in {p.key for p in veld.parties}
        ]
        return session

    def evaluate(self, index: int, now: float, *, outcome: str, note: str = "") -> Evaluation:
        if outcome not in EVALUATION_OUTCOMES:
            raise SessionError(f"onbekende uitkomst: {outcome}")
        evaluation = replace(self.evaluations[index], outcome=outcome, note=note)
        self.evaluations[index] = evaluation
        self.touch(now)
        return evaluation

    # -- planning and voorbereiding ----------------------------------------------

    @property
    def planned(self) -> bool:
        return self.status == STATUS_PLANNED

    def begin(self, now: float) -> bool:
        """The planned meeting is being held now; True if it was gepland."""
        if self.status != STATUS_PLANNED:
            return False
        self.status = STATUS_OPEN
        self.touch(now)
        return True

    def set_preparation(self, preparation: Preparation, now: float) -> None:
        unknown = set(preparation.domains) - set(DOMAINS)
        if unknown:
            raise SessionError(f"onbekend domein: {', '.join(sorted(unknown))}")
        for party, answer in preparation.invite_consent.items():
            self.veld.party(party)
            if answer not in INVITE_ANSWERS:
                raise SessionError(f"toestemming om uit te nodigen is ja of nee, niet {answer}")
        self.preparation = preparation
        self.touch(now)

    def set_plan(self, now: float, **changes: Any) -> None:
        """Change date, time, place, planned_minutes or invited parties of the meeting."""
        unknown = set(changes) - {"date", "time", "place", "planned_minutes", "invited"}
        if unknown:
            raise SessionError(f"onbekend veld: {', '.join(sorted(unknown))}")
        if changes.get("date"):
            changes["date"] = iso_date(changes["date"])
        if changes.get("time"):
            changes["time"] = parse_time(changes["time"])
        for party in changes.get("invited", ()):
            self.veld.party(party)
        if "invited" in changes:
            changes["invited"] = tuple(changes["invited"])
        self.meta = replace(self.meta, **changes)
        if "planned_minutes" in changes and not self.clock.started:
            self.clock = Clock(planned_seconds=self.meta.planned_minutes * 60)
        self.touch(now)

    def set_other_people(self, entries: list[str] | tuple[str, ...], now: float) -> None:
        """The other people who come up (siblings, other children): one entry each, no blanks."""
        cleaned = tuple(dict.fromkeys(" ".join(e.split()) for e in entries if e.strip()))
        self.meta = replace(self.meta, other_people=cleaned)
        self.touch(now)

    def external_parties(self) -> list[str]:
        """Parties invited only with the parents' consent (all but leerling, ouders, school)."""
        return [p.key for p in self.veld.parties if p.key not in HOME_PARTIES]

    def invite_allowed(self, party: str) -> bool:
        """May this party be invited? Yes for the home parties; others need the parents' ja."""
        if party not in self.external_parties():
            return True
        return self.preparation.invite_consent.get(party) == "ja"

    def notes_by_domain(self) -> dict[str, list[Note]]:
        """Notes tagged with a domain, per domain in the fixed order (empty ones left out)."""
        grouped: dict[str, list[Note]] = {}
        for domain in DOMAINS:
            tagged = [n for n in self.notes if n.domain == domain]
            if tagged:
                grouped[domain] = tagged
        return grouped

    # -- consent ---------------------------------------------------------------

    def add_consent(self, consent: Consent, now: float) -> None:
        self.veld.party(consent.party)
        self.consents.append(consent)
        self.touch(now)

    def remove_consent(self, index: int, now: float) -> Consent:
        consent = self.consents.pop(index)
        self.touch(now)
        return consent

    def consent_for(self, party: str) -> Consent | None:
        """The most recent decision recorded for a party, if any."""
        for consent in reversed(self.consents):
            if consent.party == party:
                return consent
        return None

    # -- other state ---------------------------------------------------------

    def set_draft(self, text: str, cursor: int) -> bool:
        """Keep the capture bar's text; False if it was already kept like this."""
        draft = Draft(text=text, cursor=cursor)
        if draft == self.draft:
            return False
        self.draft = draft
        return True

    def close(self, now: float) -> None:
        self.clock.pause(now)
        self.step_seconds[self.current_step] = self.step_used(now)
        self.step_entered_elapsed = self.clock.elapsed(now)
        self.status = STATUS_CLOSED
        self.touch(now)

    def reopen(self, now: float) -> None:
        self.status = STATUS_OPEN
        self.touch(now)

    def touch(self, now: float) -> None:
        self.updated = iso(now)

    # -- persistence -----------------------------------------------------------

    def to_record(self) -> dict[str, Any]:
        """The session as TinyDB tables: ``session`` (one document) and ``notes``."""
        return {
            "session": {
                "1": {
                    "format": FORMAT_VERSION,
                    "id": self.id,
                    "status": self.status,
                    "created": self.created,
                    "updated": self.updated,
                    "meta": self.meta.to_record(),
                    "veld": self.veld.to_record(),
                    "clock": self.clock.to_record(),
                    "current_step": self.current_step,
                    "selected_party": self.selected_party,
                    "step_seconds": dict(self.step_seconds),
                    "step_entered_elapsed": self.step_entered_elapsed,
                    "draft": {"text": self.draft.text, "cursor": self.draft.cursor},
                    "next_note_id": self.next_note_id,
                    "consents": [c.to_record() for c in self.consents],
                    "evaluation_date": self.evaluation_date,
                    "casusregie": self.casusregie,
                    "next_card_id": self.next_card_id,
                    "previous": self.previous,
                    "evaluations": [e.to_record() for e in self.evaluations],
                    "preparation": self.preparation.to_record(),
                }
            },
            "notes": {str(n.id): n.to_record() for n in self.notes},
            "arrangement": {str(c.id): c.to_record() for c in self.arrangement},
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Session:
        """Rebuild a session; raises ``KeyError``/``ValueError``/``TypeError`` on a bad record."""
        head = record["session"]["1"]
        version = int(head["format"])
        if version > FORMAT_VERSION:
            raise NewerFormatError(version)
        veld = Veld.from_record(head["veld"])
        notes = [
            Note.from_record(int(key), value)
            for key, value in sorted(record.get("notes", {}).items(), key=lambda kv: int(kv[0]))
        ]
        arrangement = [
            LaidCard.from_record(int(key), value)
            for key, value in sorted(record.get("arrangement", {}).items(),
                                     key=lambda kv: int(kv[0]))
        ]
        draft = head.get("draft") or {}
        session = cls(
            id=str(head["id"]),
            meta=SessionMeta.from_record(head["meta"]),
            veld=veld,
            clock=Clock.from_record(head["clock"]),
            created=str(head["created"]),
            updated=str(head.get("updated", head["created"])),
            notes=notes,
            current_step=str(head["current_step"]),
            selected_party=str(head["selected_party"]),
            status=str(head.get("status", STATUS_OPEN)),
            step_seconds={str(k): float(v) for k, v in head.get("step_seconds", {}).items()},
            step_entered_elapsed=float(head.get("step_entered_elapsed", 0.0)),
            draft=Draft(text=str(draft.get("text", "")), cursor=int(draft.get("cursor", 0))),
            next_note_id=max(
                int(head.get("next_note_id", 1)), max((n.id for n in notes), default=0) + 1
            ),
            consents=[Consent.from_record(c) for c in head.get("consents", [])],
            evaluation_date=str(head.get("evaluation_date", "")),
            arrangement=arrangement,
            next_card_id=max(
                int(head.get("next_card_id", 1)), max((c.id for c in arrangement), default=0) + 1
            ),
            casusregie=str(head.get("casusregie", "")),
            previous=str(head.get("previous", "")),
            evaluations=[Evaluation.from_record(e) for e in head.get("evaluations", [])],
            preparation=Preparation.from_record(head.get("preparation")),
        )
        veld.step(session.current_step)
        veld.party(session.selected_party)
        return session
