"""History at scale: the home list, the history search and ``SessionStore.list`` for
stores of 10 to 10,000 fictional sessions, measured as the user's terminal sees it.

Run with ``make bench`` (``run.py`` reports these figures in its table) or on its own:

    python benchmarks/bench_history.py [--quick] [--sizes 10 1000 10000] [--rounds 3]

Bars (issue 17): at 10,000 sessions the home list shows within 0.5 s and its memory
stays within 10 MiB of a store of 10; a typed letter in the history search is on
screen within 100 ms; a search that matches almost every session finishes within
1 s and writes at most 100 KB; ``SessionStore.list`` grows linearly.

The screen figures run the program in a pseudo-terminal of 80x24 whose output is fed
to a terminal emulator (``terminal.py``, ``tests/ptyapp.py``), alternating with the
reference app and store by store (A B C ... A B C ...). Generated stores are cached
in the temporary folder, keyed by size, notes, seed and a digest of the generator
and the storage format, so 10,000 sessions are generated once per machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (ROOT, HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import fictional  # noqa: E402
import terminal  # noqa: E402
from ptyapp import PtyApp, child_env  # noqa: E402

from arrangeren_tui.core.model import FORMAT_VERSION  # noqa: E402
from arrangeren_tui.core.storage.store import SessionStore  # noqa: E402

NOTES = 40  # notes per generated session
BROAD_QUERY = "rekenen"  # in the notes of almost every generated session, in no list field
LETTERS = "xqy"  # single letters typed into the history search, one at a time
BROAD_TIMEOUT = 20.0  # seconds a broad search may take before it counts as not done
SCREEN_TIMEOUT = 30.0
SEARCH_ROW_MARK = "zoek…"  # the history search's placeholder


# -- generated stores, cached ------------------------------------------------------------


# What the store's index looks like, besides the format version: stores cached before the
# index was written newest first (older ones are in id order) are made again, so every
# run times a store as this version writes it.
INDEX_LAYOUT = "newest first"


def _generator_digest() -> str:
    source = ((HERE / "fictional.py").read_bytes() + str(FORMAT_VERSION).encode()
              + INDEX_LAYOUT.encode())
    return hashlib.sha256(source).hexdigest()[:12]


def cached_store(sessions: int, notes: int = NOTES, seed: int = 1) -> SessionStore:
    """A generated store, made once per machine and reused (generating 10,000 takes ~30 s).

    The folder is built beside its final place and renamed into it, so a run that is
    stopped half-way leaves no half store behind to be reused.
    """
    cache = Path(tempfile.gettempdir()) / "arrangeren-bench-stores"
    final = cache / f"s{sessions}-n{notes}-seed{seed}-{_generator_digest()}"
    if not (final / "store").is_dir():
        building = cache / f".{final.name}.{os.getpid()}"
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        fictional.generate_store(building / "store", sessions, notes=notes, seed=seed)
        try:
            building.rename(final)
        except OSError:  # another run finished first: use that one
            shutil.rmtree(building, ignore_errors=True)
    return SessionStore(final / "store")


# -- SessionStore.list ---------------------------------------------------------------------


def scan_floor(root: Path) -> None:
    """The least a reconciling list can do: one directory scan and one stat per file."""
    with os.scandir(root) as found:
        for entry in found:
            if entry.name.endswith(".json"):
                entry.stat()


def list_timings(stores: dict[int, SessionStore], repeat: int
                 ) -> dict[str, dict[int, list[float]]]:
    """``list()`` on a fresh store object (index parsed), a warm one, and the scan floor,
    alternating store by store."""
    warm = {n: SessionStore(store.root) for n, store in stores.items()}
    for store in warm.values():
        store.list()
    times: dict[str, dict[int, list[float]]] = {"fresh": {}, "warm": {}, "floor": {}}
    for _ in range(repeat):
        for n, store in stores.items():
            root = store.root
            actions: tuple[tuple[str, Callable[[], object]], ...] = (
                ("fresh", lambda root=root: SessionStore(root).list()),  # type: ignore[misc]
                ("warm", warm[n].list),
                ("floor", lambda root=root: scan_floor(root)))  # type: ignore[misc]
            for name, action in actions:
                start = time.perf_counter()
                action()
                times[name].setdefault(n, []).append(time.perf_counter() - start)
    return times


# -- the screen ----------------------------------------------------------------------------


@dataclass
class ScreenRun:
    """One run of the program on one store, from spawn to a broad search."""

    home: float  # spawn until the newest session's row is on the screen
    rss_kib: int  # resident memory once the home screen is quiet
    peak_kib: int  # peak resident memory by then
    letters: list[float] = field(default_factory=list)  # key until the letter shows
    first_bytes: list[float] = field(default_factory=list)  # key until the first output
    broad: float | None = None  # burst of BROAD_QUERY until the search is done (None: not)
    broad_bytes: int = 0  # written from the burst until the screen is quiet


def _status_kib(pid: int, name: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {name} in /proc/{pid}/status")


def _search_row(app: PtyApp) -> int:
    rows = [n for n, line in enumerate(app.display()) if SEARCH_ROW_MARK in line]
    if len(rows) != 1:
        raise RuntimeError(f"no single search line:\n{app.text()}")
    return rows[0]


def search_done(screen: str) -> bool:
    """The history's status line says the search is over (whatever it found)."""
    return ("gevonden (" in screen or "verfijnen" in screen) and "zoeken in de" not in screen


def _first_output_after(app: PtyApp, before: int) -> Callable[[str], bool]:
    def arrived(_screen: str) -> bool:
        return len(app._output) > before  # the reader thread holds the lock while we look

    return arrived


def _type_letter(app: PtyApp, row: int, letter: str, placeholder: str
                 ) -> tuple[float, float]:
    """Type one letter into an empty input line: (until the first byte, until it shows)."""
    before = len(app.output)
    start = time.monotonic()
    app.write(letter)
    first = app.wait_until(_first_output_after(app, before), terminal.KEY_TIMEOUT)
    shown = app.wait_until(terminal.typed_shown(row, letter, placeholder),
                           terminal.KEY_TIMEOUT)
    if first is None or shown is None:
        raise RuntimeError(f"{letter!r} not on row {row}:\n{app.text()}")
    return max(0.0, first - start), max(0.0, shown - start)


def _clear_search(app: PtyApp, row: int) -> None:
    app.press("ctrl+u")
    if not app.wait_for(lambda screen: SEARCH_ROW_MARK in screen.split("\n")[row]
                        and " gesprekken" in screen, SCREEN_TIMEOUT):
        raise RuntimeError(f"the search did not clear:\n{app.text()}")
    terminal._settle(app, terminal.AFTER_START_QUIET, 3.0)


def run_arrangeren(store: SessionStore, env: dict[str, str], app_root: Path = ROOT
                   ) -> ScreenRun:
    """Home screen, then the history: letters one by one, then a broad search in one burst.

    ``app_root``: the checkout whose ``arrangeren_tui`` runs (another one measures a
    version before a change with the same harness).
    """
    newest = store.list()[0][0].id
    with PtyApp(["--store", str(store.root)], env=child_env(env), cols=terminal.COLS,
                rows=terminal.ROWS, cwd=app_root) as app:
        ready = app.wait_until(lambda screen: newest in screen, SCREEN_TIMEOUT)
        if ready is None:
            raise RuntimeError(f"the home list did not show {newest}:\n{app.text()}")
        run = ScreenRun(home=ready - app.started_at, rss_kib=0, peak_kib=0)
        terminal._settle(app, terminal.AFTER_START_QUIET, 3.0)
        run.rss_kib = _status_kib(app.pid, "VmRSS")
        run.peak_kib = _status_kib(app.pid, "VmHWM")
        app.write("/")
        if not app.wait_for(lambda screen: SEARCH_ROW_MARK in screen and search_done(screen)
                            or "gesprekken" in screen and SEARCH_ROW_MARK in screen,
                            SCREEN_TIMEOUT):
            raise RuntimeError(f"the history did not open:\n{app.text()}")
        terminal._settle(app, terminal.AFTER_START_QUIET, 3.0)
        row = _search_row(app)
        for letter in LETTERS:
            first, shown = _type_letter(app, row, letter, SEARCH_ROW_MARK)
            run.first_bytes.append(first)
            run.letters.append(shown)
            app.wait_for(search_done, SCREEN_TIMEOUT)
            terminal._settle(app, terminal.AFTER_START_QUIET, 3.0)
            _clear_search(app, row)
        before = len(app.output)
        start = time.monotonic()
        app.write(BROAD_QUERY)
        typed = terminal.typed_shown(row, BROAD_QUERY, SEARCH_ROW_MARK)
        done = app.wait_until(lambda screen: typed(screen) and search_done(screen),
                              BROAD_TIMEOUT)
        run.broad = None if done is None else done - start
        terminal._settle(app, terminal.AFTER_START_QUIET, 3.0)
        run.broad_bytes = len(app.output) - before
    return run


@dataclass
class ReferenceRun:
    start: float
    rss_kib: int
    letter: float


def run_reference(env: dict[str, str]) -> ReferenceRun:
    """The reference app: start until drawn, its memory, one letter typed."""
    program = terminal.reference_program()
    with PtyApp(program.args, module=program.module, env=child_env({**env, **program.env}),
                cols=terminal.COLS, rows=terminal.ROWS, cwd=ROOT) as app:
        ready = app.wait_until(lambda screen: all(m in screen for m in program.markers),
                               SCREEN_TIMEOUT)
        if ready is None:
            raise RuntimeError(f"the reference did not start:\n{app.text()}")
        terminal._settle(app, terminal.AFTER_START_QUIET, 3.0)
        rss = _status_kib(app.pid, "VmRSS")
        row = next(n for n, line in enumerate(app.display()) if program.placeholder in line)
        _first, shown = _type_letter(app, row, "x", program.placeholder)
        return ReferenceRun(ready - app.started_at, rss, shown)


def screen_runs(stores: dict[int, SessionStore], rounds: int, env: dict[str, str],
                log: Callable[[str], None] = print, app_root: Path = ROOT,
                ) -> tuple[dict[int, list[ScreenRun]], list[ReferenceRun]]:
    """Every store and the reference in turn, ``rounds`` times."""
    runs: dict[int, list[ScreenRun]] = {n: [] for n in stores}
    references: list[ReferenceRun] = []
    for round_ in range(rounds):
        references.append(run_reference(env))
        for n, store in stores.items():
            run = run_arrangeren(store, env, app_root)
            runs[n].append(run)
            broad = "niet klaar" if run.broad is None else f"{run.broad:.2f} s"
            log(f"  ronde {round_ + 1}/{rounds}, {n} gesprekken: thuis {run.home:.2f} s, "
                f"{run.rss_kib / 1024:.0f} MiB, letter "
                f"{statistics.median(run.letters) * 1000:.0f} ms, breed zoeken {broad}, "
                f"{run.broad_bytes / 1024:.0f} KiB")
    return runs, references


def compile_bytecode(app_root: Path = ROOT) -> None:
    """Bytecode for the program and the reference, as an installed program has (the pty
    sets PYTHONDONTWRITEBYTECODE; see ``run.compile_bytecode``)."""
    import compileall

    for folder in (app_root / "arrangeren_tui", HERE):
        compileall.compile_dir(str(folder), quiet=1)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def summary(runs: dict[int, list[ScreenRun]], references: list[ReferenceRun],
            lists: dict[str, dict[int, list[float]]]) -> dict[str, object]:
    """Medians per store size (seconds, KiB, bytes), for the report and the JSON."""
    out: dict[str, object] = {
        "reference": {"start_s": _median([r.start for r in references]),
                      "rss_kib": _median([r.rss_kib for r in references]),
                      "letter_s": _median([r.letter for r in references])},
    }
    for n, store_runs in runs.items():
        broad = [r.broad for r in store_runs]
        out[str(n)] = {
            "home_s": _median([r.home for r in store_runs]),
            "rss_kib": _median([r.rss_kib for r in store_runs]),
            "peak_kib": _median([r.peak_kib for r in store_runs]),
            "letter_s": _median([x for r in store_runs for x in r.letters]),
            "first_byte_s": _median([x for r in store_runs for x in r.first_bytes]),
            "broad_s": None if None in broad else _median([b for b in broad if b is not None]),
            "broad_done": sum(b is not None for b in broad),
            "broad_bytes": _median([r.broad_bytes for r in store_runs]),
            "list_fresh_s": _median(lists["fresh"][n]),
            "list_warm_s": _median(lists["warm"][n]),
            "list_floor_s": _median(lists["floor"][n]),
            # The warm list's own work beyond the scan: the median of the differences of
            # runs made one right after the other. The folder scan is most of a list and
            # moves by more than that work between runs; a difference of medians moved
            # the ratio of two store sizes from 0.7x to 1.9x between runs of the same code.
            "list_beyond_s": _median([warm - floor for warm, floor in zip(
                lists["warm"][n], lists["floor"][n], strict=True)]),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small stores, one round")
    parser.add_argument("--sizes", type=int, nargs="+", help="store sizes (sessions)")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--json", type=Path, help="write the medians and every run here")
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="checkout whose arrangeren_tui runs (e.g. one from before a change)")
    args = parser.parse_args()
    compile_bytecode(args.app_root)
    sizes = args.sizes or ([10, 30] if args.quick else [10, 1000, 10000])
    rounds = args.rounds or (1 if args.quick else 5)
    stores = {n: cached_store(n) for n in sizes}
    lists = list_timings(stores, 3 if args.quick else 31)
    with tempfile.TemporaryDirectory(prefix="arrangeren-bench-") as folder:
        env = {"XDG_CONFIG_HOME": f"{folder}/config", "XDG_DATA_HOME": f"{folder}/data"}
        runs, references = screen_runs(stores, rounds, env, app_root=args.app_root)
    result = summary(runs, references, lists)
    result["load_average"] = os.getloadavg()
    if args.json:
        result["runs"] = {str(n): [asdict(r) for r in store_runs]
                          for n, store_runs in runs.items()}
        result["lists"] = {name: {str(n): v for n, v in per.items()}
                           for name, per in lists.items()}
        args.json.write_text(json.dumps(result, indent=1), "utf-8")
    print()
    print(table(result, sizes))
    print(f"\nload average {os.getloadavg()}")
    return 0


def table(result: dict[str, object], sizes: list[int]) -> str:
    """The medians as a Markdown table, one line per store."""
    ref = result["reference"]
    assert isinstance(ref, dict)
    lines = [
        "| gesprekken | startscherm | geheugen | letter | breed zoeken | bytes | "
        "list() vers / warm / scan |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| referentie-app | {ref['start_s']:.2f} s | {ref['rss_kib'] / 1024:.1f} MiB | "
        f"{ref['letter_s'] * 1000:.0f} ms | | | |",
    ]
    for n in sizes:
        row = result[str(n)]
        assert isinstance(row, dict)
        broad = "niet klaar" if row["broad_s"] is None else f"{row['broad_s']:.2f} s"
        lines.append(
            f"| {n} | {row['home_s']:.2f} s | {row['rss_kib'] / 1024:.1f} MiB | "
            f"{row['letter_s'] * 1000:.0f} ms | {broad} | {row['broad_bytes'] / 1000:.0f} KB | "
            f"{row['list_fresh_s'] * 1000:.1f} / {row['list_warm_s'] * 1000:.1f} / "
            f"{row['list_floor_s'] * 1000:.1f} ms |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
