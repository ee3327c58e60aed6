"""A generator of fictional stores: sessions with notes, afspraken and laid cards.

Every name, school and sentence here is made up. The same seed gives the same
store, so two runs measure the same data. Used by every benchmark that needs a
store (``run.py``, ``bench_history.py``).

Files are written straight to disk (no fsync: this is set-up, not the thing
measured) and the index is built once at the end by ``SessionStore.list``, so a
store of 1,000 sessions is ready in seconds.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from arrangeren_tui.core.decks.types import INTENSITIES, Card  # noqa: E402
from arrangeren_tui.core.domains import DOMAINS  # noqa: E402
from arrangeren_tui.core.model import Participant, Session, SessionMeta  # noqa: E402
from arrangeren_tui.core.paths import shipped_decks_dir  # noqa: E402
from arrangeren_tui.core.storage.files import encode_json  # noqa: E402
from arrangeren_tui.core.storage.store import SessionStore  # noqa: E402
from arrangeren_tui.core.veld import Veld, load_veld  # noqa: E402

FIRST = ["Tessa", "Sem", "Lina", "Noah", "Emma", "Daan", "Sara", "Milan", "Yara", "Finn"]
LAST = ["de Jong", "Bakker", "Ouali", "Visser", "Smit", "Kok", "Vermeer", "El Amrani"]
SCHOOLS = ["De Linde", "Het Anker", "De Regenboog", "Klim-Op", "De Wilg"]
PHRASES = [
    "rekenen loopt vast", "thuis veel boosheid", "slaapt slecht", "sterk in taal",
    "observatie in de klas", "extra instructie in kleine groep", "wil graag voetballen",
    "moe in de ochtend", "werkt goed met een dagplanning", "ouders willen vaker contact",
]
CARD_TITLES = ["Vaste avondroutine", "Extra instructie rekenen", "Maatje in de pauze",
               "Wekelijks contact met ouders", "Observatie door ambulant begeleider"]
PEOPLE = ("Anna Smit", "Mark Visser", "Joke Bakker")

# The pupil of the session that the terminal benchmarks open on the board.
BOARD_PUPIL = "Roos Veldhuizen"
EPOCH = 1.7e9  # a fixed "now" for generated history, so the data does not depend on today


def shipped_veld() -> Veld:
    return load_veld(shipped_decks_dir() / "veld.toml")


def make_session(
    session_id: str,
    veld: Veld,
    rng: random.Random,
    *,
    notes: int,
    cards: int = 2,
    pupil: str | None = None,
    date: str | None = None,
    now: float = EPOCH,
) -> Session:
    """One fictional session: ``notes`` notes over every step and party, ``cards`` afspraken."""
    date = date or f"20{rng.randint(22, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    meta = SessionMeta(
        pupil=pupil or f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        date=date, school=rng.choice(SCHOOLS), group=str(rng.randint(1, 8)),
        participants=(Participant(PEOPLE[0], "leraar", "school"),
                      Participant(PEOPLE[1], "vader", "ouders")),
    )
    session = Session.new(session_id, meta, veld, now)
    for index in range(notes):
        step = veld.steps[index % len(veld.steps)].key
        party = veld.parties[rng.randrange(len(veld.parties))].key
        session.add_note(f"{rng.choice(PHRASES)} ({index})", now, party=party, step=step,
                         important=rng.random() < 0.1)
    for index in range(cards):
        party = veld.parties[index % len(veld.parties)].key
        laid = session.lay_card(now, card_id=f"{party}-x{index}",
                                title=CARD_TITLES[index % len(CARD_TITLES)],
                                party=party, step="arrangeren")
        session.update_afspraak(laid.id, now, wie=rng.choice(PEOPLE), wanneer="2027-01-15")
    return session


def write_session(store: SessionStore, session: Session) -> None:
    """Put a session file in place without the store's fsyncs (set-up, not measured)."""
    store.path_for(session.id).write_bytes(encode_json(session.to_record()))


def generate_store(root: Path, sessions: int, notes: int, cards: int = 2,
                   seed: int = 1) -> SessionStore:
    """A store of ``sessions`` fictional sessions, ``notes`` notes and ``cards`` afspraken each."""
    rng = random.Random(seed)
    veld = shipped_veld()
    store = SessionStore(root)
    store.ensure()
    for number in range(sessions):
        session = make_session(f"g{number:05d}", veld, rng, notes=notes, cards=cards)
        write_session(store, session)
    store.list()  # builds index.json once
    return store


def add_board_session(store: SessionStore, notes: int, cards: int = 6, seed: int = 2,
                      now: float | None = None) -> str:
    """The live session to open on the board: a known pupil, the clock running for 20 min.

    Its current step is the second one, so every party pane shows some notes.
    """
    veld = shipped_veld()
    now = time.time() - 20 * 60 if now is None else now
    session = make_session("b-live", veld, random.Random(seed), notes=notes, cards=cards,
                           pupil=BOARD_PUPIL, date="2026-03-02", now=now)
    session.go_to_step(veld.steps[1].key, now)
    store.save(session)
    return session.id


# ---------------------------------------------------------------------------
# Fictional cards for scale tests (card search, the picker)

_VERBS = (
    "Wekelijks overleg over",
    "Samen oefenen met",
    "Extra aandacht voor",
    "Vast moment voor",
    "Korte check op",
    "Begeleiding bij",
    "Afspraken rond",
    "Kleine stappen in",
)
_TOPICS = (
    "lezen",
    "rekenen",
    "plannen",
    "vriendschappen",
    "slapen",
    "ontbijt",
    "huiswerk",
    "de overgang naar de pauze",
    "samenwerken",
    "boosheid",
    "concentratie",
    "bewegen",
)


def generate_cards(n: int, veld: Veld, seed: int = 0) -> list[Card]:
    """``n`` fictional cards spread over the veld's parties; the same seed gives the same cards."""
    rng = random.Random(seed)
    parties = [p.key for p in veld.parties]
    cards: list[Card] = []
    for index in range(n):
        party = parties[index % len(parties)]
        topic = rng.choice(_TOPICS)
        title = f"{rng.choice(_VERBS)} {topic} ({index + 1})"
        chosen = set(rng.sample(DOMAINS, rng.randint(1, 2)))
        cards.append(
            Card(
                id=f"{party}-synthetisch-{index + 1:05d}",
                party=party,
                title=title,
                description=(
                    f"Fictieve kaart {index + 1} voor een schaaltest: {topic} "
                    f"staat {rng.randint(1, 5)} keer per week centraal."
                ),
                domains=tuple(d for d in DOMAINS if d in chosen),
                intensity=rng.choice(INTENSITIES),
                source=Path("synthetisch.md"),
                line=index + 1,
                own=False,
            )
        )
    return cards
