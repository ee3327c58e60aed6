"""History at scale: list and full-text search over a generated store of fictional sessions.

Run with `make bench` (or `python benchmarks/bench_history.py [--quick] [--sessions N]`).
Bars (issue 4/7): the list well under a second (≤ 0.3 s), a full-text search about a second.
The store is generated once into a temporary folder: fictional pupils, notes and afspraken.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arrangeren_tui.core.history import fields_match, full_text_matches, words  # noqa: E402
from arrangeren_tui.core.model import Participant, Session, SessionMeta  # noqa: E402
from arrangeren_tui.core.paths import shipped_decks_dir  # noqa: E402
from arrangeren_tui.core.store import SessionStore  # noqa: E402
from arrangeren_tui.core.veld import load_veld  # noqa: E402

FIRST = ["Tessa", "Sem", "Lina", "Noah", "Emma", "Daan", "Sara", "Milan", "Yara", "Finn"]
LAST = ["de Jong", "Bakker", "Ouali", "Visser", "Smit", "Kok", "Vermeer", "El Amrani"]
SCHOOLS = ["De Linde", "Het Anker", "De Regenboog", "Klim-Op", "De Wilg"]
PHRASES = [
    "rekenen loopt vast", "thuis veel boosheid", "slaapt slecht", "sterk in taal",
    "observatie in de klas", "extra instructie in kleine groep", "wil graag voetballen",
    "moe in de ochtend", "werkt goed met een dagplanning", "ouders willen vaker contact",
]


def generate_store(root: Path, sessions: int, notes: int, seed: int = 1) -> SessionStore:
    """A store of fictional sessions with notes and afspraken (same seed, same store)."""
    rng = random.Random(seed)
    veld = load_veld(shipped_decks_dir() / "veld.toml")
    store = SessionStore(root)
    store.ensure()
    for number in range(sessions):
        date = f"20{rng.randint(22, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        pupil = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        meta = SessionMeta(
            pupil=pupil, date=date, school=rng.choice(SCHOOLS), group=str(rng.randint(1, 8)),
            participants=(Participant("Anna Smit", "leraar", "school"),
                          Participant("Mark Visser", "vader", "ouders")),
        )
        session = Session.new(f"{date.replace('-', '')}-g{number:04d}", meta, veld, 1.7e9)
        for index in range(notes):
            step = veld.steps[index % len(veld.steps)].key
            party = veld.parties[rng.randrange(len(veld.parties))].key
            session.add_note(f"{rng.choice(PHRASES)} ({index})", 1.7e9, party=party, step=step)
        for party in ("ouders", "school"):
            laid = session.lay_card(1.7e9, card_id=f"{party}-x", title="Vaste avondroutine",
                                    party=party, step="arrangeren")
            session.update_afspraak(laid.id, 1.7e9, wie="Anna Smit", wanneer="2027-01-15")
        store.save(session)
    return store


def timed(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sessions", type=int, default=None)
    args = parser.parse_args()
    sessions = args.sessions or (50 if args.quick else 1000)
    repeat = 3 if args.quick else 7
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        store = generate_store(Path(folder) / "store", sessions, notes=40)
        built = time.perf_counter() - start

        def listing() -> None:
            SessionStore(store.root).list()

        summaries = store.list()[0]

        def field_search() -> None:
            [s for s in summaries if fields_match(s, words("linde 2025"))]

        def full_text() -> None:
            list(full_text_matches(store, summaries, words("voetballen dagplanning")))

        rows = {
            "lijst (index lezen)": timed(listing, repeat),
            "zoeken in lijstvelden": timed(field_search, repeat),
            "zoeken in alle tekst": timed(full_text, repeat),
        }
    bars = {"lijst (index lezen)": 0.3, "zoeken in lijstvelden": 0.016,
            "zoeken in alle tekst": 1.0}
    lines = [f"{sessions} gesprekken (40 notities en 2 afspraken elk; opgebouwd in {built:.1f} s)",
             "", "| meting | s (mediaan) | grens |", "|---|---:|---:|"]
    lines += [f"| {name} | {value:.3f} | {bars[name]} |" for name, value in rows.items()]
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "history.json").write_text(json.dumps({"sessions": sessions, "seconds": rows,
                                                  "bars": bars}, indent=1), "utf-8")
    (out / "history.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
