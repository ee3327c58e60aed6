"""What a pseudonymised export costs: the register pass, and deduce's second pass.

    python benchmarks/bench_pseudonym.py [--notes 500] [--rounds 3]

Prints one table. The session is fictional (``fictional.make_session``) with 500 notes, its
pupil, three participants, a facilitator and two other people in the register; the notes get
names of people outside the register too, so deduce has something to find.

- register pass: ``render_markdown(..., pseudonymise=True)`` against the same render without
  pseudonyms, alternating, median of ``--rounds``;
- deduce in this process, split: ``import deduce``, ``Deduce()`` (loads the pickled lookup
  tables; the very first one after an install builds them, which is not measured here), the
  first ``deidentify`` of every text of the session, the process's peak RSS;
- the second pass as the program runs it: ``find_in_subprocess`` (a new Python, the import,
  the load, the call), wall time, median of ``--rounds``.

Not part of ``run.py``: one round takes tens of seconds and about 1 GiB.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import fictional  # noqa: E402

from arrangeren_tui.core.export.formats import pseudonymised_texts  # noqa: E402
from arrangeren_tui.core.export.namecheck import find_in_subprocess  # noqa: E402
from arrangeren_tui.core.export.verslag import render_markdown  # noqa: E402
from arrangeren_tui.core.model import Session  # noqa: E402

OUTSIDE = ["Lotte", "oom Ruben", "Karim", "buurjongen Sven", "tante Aysel", "Zwolle", "Deventer"]


def session_with_names(notes: int) -> Session:
    veld = fictional.shipped_veld()
    rng = random.Random(7)
    session = fictional.make_session("pseudo", veld, rng, notes=notes, cards=12)
    session.meta = replace(session.meta, other_people=("Daan (broer)", "Sem (klasgenoot)"))
    for index, note in enumerate(session.notes):
        if index % 3 == 0:
            note.text += f"; {rng.choice(OUTSIDE)} en daan waren er ook"
    return session


def in_process(texts: list[tuple[str, tuple[tuple[int, int], ...]]]) -> dict[str, float]:
    """Import, load and first call of deduce, timed apart, in a fresh interpreter."""
    code = (
        "import json, resource, sys, time\n"
        "texts = json.loads(sys.stdin.read())\n"
        "t0 = time.perf_counter(); from deduce import Deduce; t1 = time.perf_counter()\n"
        "d = Deduce(); t2 = time.perf_counter()\n"
        "d.deidentify('\\n\\n'.join(t for t, _ in texts)); t3 = time.perf_counter()\n"
        "d.deidentify('\\n\\n'.join(t for t, _ in texts)); t4 = time.perf_counter()\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps([t1 - t0, t2 - t1, t3 - t2, t4 - t3, rss]))\n"
    )
    import json

    result = subprocess.run([sys.executable, "-c", code], input=json.dumps(texts),
                            capture_output=True, text=True, check=True)
    values = json.loads(result.stdout)
    return dict(zip(["import", "load", "first call", "second call", "peak MiB"], values,
                    strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    session = session_with_names(args.notes)
    now = fictional.EPOCH

    plain, pseudo = [], []
    for _ in range(max(3, args.rounds)):
        start = time.perf_counter()
        render_markdown(session, now=now)
        plain.append(time.perf_counter() - start)
        start = time.perf_counter()
        render_markdown(session, now=now, pseudonymise=True)
        pseudo.append(time.perf_counter() - start)
    start = time.perf_counter()
    texts = pseudonymised_texts(session, now=now)
    collect = time.perf_counter() - start

    parts = [in_process(texts) for _ in range(args.rounds)]
    walls, found = [], 0
    for _ in range(args.rounds):
        start = time.perf_counter()
        found = len(find_in_subprocess(texts))
        walls.append(time.perf_counter() - start)
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[0]

    rows = [
        ("Markdown without pseudonyms", statistics.median(plain), "s"),
        ("Markdown with the register pass", statistics.median(pseudo), "s"),
        (f"texts for the second pass ({len(texts)})", collect, "s"),
        *((f"deduce: {key}", statistics.median(p[key] for p in parts),
           "MiB" if key == "peak MiB" else "s") for key in parts[0]),
        (f"second pass in its own process ({found} found)", statistics.median(walls), "s"),
    ]
    print(f"{args.notes} notes, {args.rounds} rounds, load average {load} at the end")
    print("| figure | value |\n|---|---|")
    for name, value, unit in rows:
        print(f"| {name} | {value:.3f} {unit} |" if unit == "s" else f"| {name} | {value:.0f} "
              f"{unit} |")
    print(f"peak RSS of this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
