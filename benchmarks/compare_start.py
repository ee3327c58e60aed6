"""Start-up alone: several code trees of arrangeren against the reference app, alternating.

    python benchmarks/compare_start.py --rounds 15                        # this tree only
    python benchmarks/compare_start.py --tree old=/tmp/wt-old --tree new=.  # two commits
    python benchmarks/compare_start.py --home --sessions 10000 ...         # the home list

What the terminal benchmark measures at start (``terminal.start_once``), without the
typing: per start the time from spawn until the board is drawn, the bytes written
until then (the first complete frame) and until the screen is quiet, and the peak
RSS once quiet. Each tree runs from its own folder (``cwd`` and ``PYTHONPATH``), from
bytecode (compiled first, as ``run.py`` does), on the same fictional store made by
*this* tree's ``fictional.py``; the trees and the reference take turns, so all see the
same noise. Prints per tree the medians, and the start-up and RSS ratios against the
reference both as the median of per-round ratios and as the ratio of medians.

``--home`` starts on the home screen instead of a board: start-up then ends when the
newest session's row is on the screen (as ``bench_history.py`` measures the home list),
so a change to the home list's start can be compared with the trees taking turns.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import fictional  # noqa: E402
import terminal  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", action="append", default=[],
                        help="NAME=FOLDER of a checkout of arrangeren (repeatable; default: "
                             "this tree)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--home", action="store_true",
                        help="start on the home screen; drawn when the newest row shows")
    args = parser.parse_args(argv)
    trees = [tuple(t.split("=", 1)) for t in args.tree] or [("arrangeren", str(ROOT))]
    print(f"load average {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="arrangeren-start-") as name:
        folder = Path(name)
        store = fictional.generate_store(folder / "store", args.sessions, notes=40)
        session_id = fictional.add_board_session(store, args.notes)
        env = {"XDG_CONFIG_HOME": str(folder / "xdg-config"),
               "XDG_DATA_HOME": str(folder / "xdg-data")}
        programs = []
        for tree_name, tree in trees:
            path = Path(tree).resolve()
            compileall.compile_dir(str(path / "arrangeren_tui"), quiet=1)
            program = terminal.arrangeren_program(store, session_id)
            if args.home:
                newest = store.list()[0][0].id
                program.args = ["--store", str(store.root)]
                program.markers = [newest]
                program.placeholder = ""
            program.name = tree_name
            # Its own deck cache: the cache is keyed by the decks' path, which differs.
            program.env = {"PYTHONPATH": str(path),
                           "XDG_CACHE_HOME": str(folder / f"cache-{tree_name}")}
            program.cwd = path
            programs.append(program)
        compileall.compile_dir(str(HERE), quiet=1)
        reference = terminal.reference_program()
        programs.append(reference)
        results: dict[str, list[terminal.StartResult]] = {p.name: [] for p in programs}
        for round_ in range(args.rounds):
            for program in programs:
                result = terminal.start_once(program, env)
                results[program.name].append(result)
            print(f"  ronde {round_ + 1}: " + ", ".join(
                f"{name} {runs[-1].startup:.3f} s" for name, runs in results.items()),
                flush=True)
    ref = results[reference.name]
    print(f"load average {os.getloadavg()}")
    print("| tree | start-up | ratio: median per round | ratio of medians | first byte | "
          "CPU until drawn | first frame | until quiet | quiet/frame | peak RSS | "
          "RSS ratio: median per round | RSS ratio of medians |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, runs in results.items():
        def mid(values: object) -> float:
            return statistics.median(values)  # type: ignore[arg-type]

        start = [r.startup for r in runs]
        rss = [r.peak_rss_kib / 1024 for r in runs]
        frame, quiet = mid(r.bytes_drawn for r in runs), mid(r.bytes_quiet for r in runs)
        cells = [
            f"{mid(start):.3f} s",
            f"{terminal.ratio_per_round(start, [r.startup for r in ref]):.2f}×",
            f"{terminal.ratio_of_medians(start, [r.startup for r in ref]):.2f}×",
            f"{mid(r.first_byte for r in runs):.3f} s",
            f"{mid(r.cpu_drawn for r in runs) * 1000:.0f} ms",
            f"{frame / 1000:.1f} kB", f"{quiet / 1000:.1f} kB", f"{quiet / frame:.2f}×",
            f"{mid(rss):.1f} MiB",
            f"{terminal.ratio_per_round(rss, [r.peak_rss_kib / 1024 for r in ref]):.3f}×",
            f"{terminal.ratio_of_medians(rss, [r.peak_rss_kib / 1024 for r in ref]):.3f}×",
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
