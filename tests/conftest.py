"""Shared fixtures: the shipped veld, a store in tmp_path, a frozen clock, a demo session."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

# The fictional-data generators are shared with the benchmarks (they are not production code).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from arrangeren_tui.core.model import Participant, Session, SessionMeta  # noqa: E402
from arrangeren_tui.core.paths import shipped_decks_dir  # noqa: E402
from arrangeren_tui.core.storage.store import SessionStore  # noqa: E402
from arrangeren_tui.core.veld import Veld, load_veld  # noqa: E402

# 2026-11-23 14:00 local time, frozen for every UI test and snapshot.
T0 = dt.datetime(2026, 11, 23, 14, 0, 0).timestamp()
TODAY = dt.date(2026, 11, 23)
DEMO_ID = "20261123-demo"


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: float = T0) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


@pytest.fixture
def veld() -> Veld:
    return load_veld(shipped_decks_dir() / "veld.toml")


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    store = SessionStore(tmp_path / "store")
    store.ensure()
    return store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def demo_session(veld: Veld, now: float = T0, session_id: str = DEMO_ID) -> Session:
    """A fictional session halfway through the meeting, with notes in several squares."""
    meta = SessionMeta(
        pupil="Tessa de Jong",
        date="2026-11-23",
        group="5",
        school="Basisschool De Linde",
        facilitator="Iris Bakker (IB'er)",
        place="De Linde, kamer 2",
        participants=(
            Participant("Anna Smit", "leraar", "school"),
            Participant("Mark de Jong", "vader", "ouders"),
            Participant("Sanne de Jong", "moeder", "ouders"),
            Participant("Pieter Kok", "orthopedagoog", "swv"),
            Participant("Fatima El Amrani", "schoolmaatschappelijk werk", "jeugdhulp"),
            Participant("Joost Vermeer", "jeugdverpleegkundige", "jgz"),
        ),
        planned_minutes=90,
    )
    session = Session.new(session_id, meta, veld, now)
    session.clock.start(now)
    minute = 60.0
    t = now
    session.add_note("Welkom; doel: één plan voor Tessa", t, party="school")
    session.add_note("Ouders geven toestemming voor SWV, jeugdhulp en JGZ", t, party="ouders",
                     important=True)
    t += 5 * minute
    session.go_to_step("puzzel", t)
    session.add_note("Rekenen loopt vast sinds groep 4; tafels lukken niet", t, party="school")
    session.add_note("Thuis veel boosheid rond huiswerk", t, party="ouders")
    session.add_note("Tessa: 'ik wil dat sommen niet meer zo eng zijn'", t, party="leerling",
                     important=True)
    t += 10 * minute
    session.go_to_step("beeld", t)
    session.add_note("Sterk in taal en tekenen; helpt graag anderen", t, party="school")
    session.add_note("Slaapt slecht, vaak moe in de ochtend", t, party="jgz")
    session.add_note("Extra rekeninstructie in kleine groep: weinig effect", t, party="school")
    session.add_note("Observatie in de klas kan binnen 3 weken", t, party="swv")
    t += 12 * minute
    session.select_party("ouders")
    session.set_draft("Vader wil graag vaker kort conta", 32)
    return session


@pytest.fixture
def demo(veld: Veld, store: SessionStore) -> Session:
    session = demo_session(veld)
    store.save(session)
    return session


@pytest.fixture
def snapshot_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, veld: Veld) -> SessionStore:
    """The demo session in a store at a relative path: the home screen's "Opslag:" line is
    the same on every machine (snapshots, screens compared between two starts)."""
    monkeypatch.chdir(tmp_path)
    store = SessionStore(Path("store"))
    store.ensure()
    store.save(demo_session(veld))
    return store


def demo_now() -> float:
    """The moment the demo session is 'now': 27 minutes into the meeting."""
    return T0 + 27 * 60


PLANNED_ID = "20261208-plan"


def planned_session(veld: Veld, now: float = T0, session_id: str = PLANNED_ID) -> Session:
    """A fictional gepland session two weeks ahead, with its voorbereiding filled in."""
    from arrangeren_tui.core.model import DomainPrep, Preparation

    meta = SessionMeta(
        pupil="Sem Visser",
        date="2026-12-08",
        group="6",
        school="Basisschool De Wilg",
        facilitator="Anna Smit",
        place="De Wilg, kamer 2",
        planned_minutes=90,
        time="13:30",
        invited=("swv", "jeugdhulp", "jgz"),
    )
    session = Session.new(session_id, meta, veld, now, planned=True)
    session.set_preparation(Preparation(
        puzzle="Sem werkt goed in de ochtend, maar na de pauze lukt niets meer.\n"
               "Wat heeft hij dan nodig?",
        pupil_wants="Dat het na de pauze niet zo druk is in mijn hoofd",
        pupil_ideas="Even naar buiten; een eigen plekje achter in de klas",
        domains={
            "leren": DomainPrep("korte instructie, daarna zelf", "verlengde instructie",
                                "beter in de ochtend"),
            "gedrag": DomainPrep("voorspelbaarheid na de pauze", "dagplanning op tafel",
                                 "helpt een beetje"),
        },
        documents=("groeidocument", "groepsoverzicht"),
        other_documents="tekening van Sem",
        invite_consent={"swv": "ja", "jeugdhulp": "ja", "jgz": "nee"},
    ), now)
    return session
