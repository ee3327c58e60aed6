"""History at scale: list and full-text search over a generated store of fictional sessions.

Run with `make bench` (or `python benchmarks/bench_history.py [--quick] [--sessions N]`).
Bars (issue 4/7): the list well under a second (≤ 0.3 s), a full-text search about a second.
The store is generated once into a temporary folder by ``fictional.py`` (the generator the
whole suite shares): fictional pupils, notes and afspraken. ``run.py`` reports the same figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arrangeren_tui.core.storage.history import fields_match, full_text_matches, words  # noqa: E402
from arrangeren_tui.core.storage.store import SessionStore  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fictional import generate_store  # noqa: E402


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
