"""Card search speed: one query over the shipped deck (about 100 cards) and over 5,000 more.

Run with `make bench` (or `python benchmarks/bench_cards.py [--quick]`). Prints a table and
writes benchmarks/results/cards.json and cards.md. The bar (issue 7): one query within a
frame, 16 ms, at 5,000 cards. Each figure is the median of many runs of the same query,
with the matcher's result cache cleared, so every run does the full work.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fictional import generate_cards  # noqa: E402

from arrangeren_tui.core.decks.load import load_decks  # noqa: E402
from arrangeren_tui.core.paths import shipped_decks_dir  # noqa: E402
from arrangeren_tui.core.veld import load_veld  # noqa: E402
from arrangeren_tui.ui.dialogs.cardsearch import CardIndex, Filters  # noqa: E402

QUERIES = ["", "o", "ouder", "slaap", "begeleiding", "ambulnt", "rekenen thuis", "lzn", "xqz"]
BAR_MS = 16.0


def measure(index: CardIndex, query: str, filters: Filters, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        index._last = None  # the one-entry cache would make repeats free
        index._fuzzy.cache.clear()
        start = time.perf_counter()
        index.search(query, filters)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="few repeats (CI: proves it runs)")
    args = parser.parse_args()
    repeat = 3 if args.quick else 31
    veld = load_veld(shipped_decks_dir() / "veld.toml")
    deck, _ = load_decks([shipped_decks_dir()], veld)
    sizes = {"meegeleverd": list(deck), "+5000": list(deck) + generate_cards(5000, veld)}
    rows = []
    for label, cards in sizes.items():
        index = CardIndex(cards, veld)
        for query in QUERIES:
            for filters in (Filters(), Filters(party="swv")):
                ms = measure(index, query, filters, repeat)
                rows.append({"kaarten": len(cards), "stapel": label, "zoek": query,
                             "filter": filters.party or "alle", "ms": round(ms, 3)})
    worst = max(r["ms"] for r in rows if r["stapel"] == "+5000")
    result = {
        "machine": f"{platform.machine()} {platform.python_version()} {platform.system()}",
        "repeat": repeat,
        "bar_ms": BAR_MS,
        "worst_ms_at_5000": worst,
        "rows": rows,
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "cards.json").write_text(json.dumps(result, indent=1), "utf-8")
    lines = ["| kaarten | zoek | filter | ms (mediaan) |", "|---:|---|---|---:|"]
    lines += [f"| {r['kaarten']} | `{r['zoek'] or '(leeg)'}` | {r['filter']} | {r['ms']:.2f} |"
              for r in rows]
    lines.append(f"\nSlechtste bij 5000+: {worst:.2f} ms (grens {BAR_MS} ms).")
    (out / "cards.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
