"""The benchmark suite: every figure of issue 7 next to a reference measured in the same run.

    python benchmarks/run.py            # full mode (a few minutes); what BENCHMARKS.md reports
    python benchmarks/run.py --quick    # small sizes, one round: proves the suite works (CI)

Prints one table (figure, arrangeren, reference, ratio, bar, result) and writes
it to ``benchmarks/results/bench-<timestamp>.json`` and ``.md``. Quick mode
asserts nothing about speed: its numbers are too few to mean much.

What each reference is:

- terminal figures (start-up, keystroke latency, bytes per key, memory): the
  minimal Textual app in ``reference_app.py``, run in the same pseudo-terminal
  harness, alternating with arrangeren (A B A B ...) so both see the same noise;
- link figures (``bench_link.py``: bytes per action, idle bytes per minute per screen,
  the time over a slow link): the same reference app in the same harness, right after
  arrangeren, for a typed key, its command palette and its idle output; their bars are
  absolute (issue 17);
- save: a plain ``json.dumps`` of the same session record, one write and ``fsync``, timed
  alternately with arrangeren's save (the floor for writing that data safely);
  and for the growth check, the same save in a store of 10 sessions;
- card search, history, export: the floor for the same data, timed alternately:
  a bare substring scan over the same cards, reading and parsing the same files,
  encoding the same record as JSON. The bar of these figures is absolute;
- the encrypted store (group ``crypt``, ``bench_crypt.py``): the same figures on a plain
  store with the same sessions, alternating; its start-up (until the passphrase prompt)
  against the reference app.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import bench_link  # noqa: E402
import fictional  # noqa: E402
import terminal  # noqa: E402
from timing import alternate_timings  # noqa: E402

from arrangeren_tui.core.export.verslag import render_html, render_markdown  # noqa: E402
from arrangeren_tui.core.storage.files import read_json_file  # noqa: E402
from arrangeren_tui.core.storage.history import full_text_matches, words  # noqa: E402
from arrangeren_tui.core.storage.store import INDEX_NAME, SessionStore  # noqa: E402


@dataclass(frozen=True)
class Sizes:
    rounds: int  # terminal rounds per program
    keys: int  # keys typed per round
    board_notes: int  # notes in the session open on the board
    store_sessions: int  # sessions in the store the app opens, and for history
    save_stores: tuple[int, int]  # small and large store for the save figure
    save_notes: tuple[int, ...]
    save_repeat: int
    cards: tuple[int, int]
    card_repeat: int
    history_repeat: int
    list_repeat: int  # SessionStore.list against the folder scan, per store size
    history_stores: tuple[int, ...]  # store sizes for the home screen and the history search
    history_rounds: int  # terminal rounds per store size
    export_notes: int
    export_repeat: int


FULL = Sizes(rounds=15, keys=200, board_notes=300, store_sessions=1000,
             save_stores=(10, 1000), save_notes=(10, 100, 1000), save_repeat=31,
             cards=(75, 5000), card_repeat=15, history_repeat=7, list_repeat=31,
             history_stores=(10, 1000, 10000), history_rounds=5, export_notes=500,
             export_repeat=11)
QUICK = Sizes(rounds=1, keys=20, board_notes=300, store_sessions=30,
              save_stores=(10, 30), save_notes=(10, 100, 1000), save_repeat=3,
              cards=(75, 5000), card_repeat=2, history_repeat=2, list_repeat=3,
              history_stores=(10, 30), history_rounds=1, export_notes=500,
              export_repeat=2)


@dataclass
class Row:
    """One line of the table. ``bar_kind`` is "ratio" (app/reference), "abs" (app),
    "plus" (app at most ``bar`` above the reference) or "info" (a diagnostic shown with
    its ratio, without a bar of its own: never a MISS)."""

    id: str
    figure: str
    unit: str
    app: float
    reference: float | None
    reference_is: str
    bar_kind: str
    bar: float
    # The ratio when it is not app/reference: the median of per-round ratios.
    ratio_value: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.ratio_value is not None:
            return self.ratio_value
        if self.reference is None or self.reference == 0:
            return None
        return self.app / self.reference

    @property
    def passed(self) -> bool:
        if self.bar_kind == "info":
            return True
        if self.bar_kind == "plus":
            return self.reference is not None and self.app - self.reference <= self.bar
        value = self.ratio if self.bar_kind == "ratio" else self.app
        return value is not None and value <= self.bar

    def bar_text(self) -> str:
        if self.bar_kind == "info":
            return "— (diagnostic)"
        if self.bar_kind == "plus":
            return f"≤ reference + {self.bar:g} {self.unit}"
        return f"≤ {self.bar:g}×" if self.bar_kind == "ratio" else f"≤ {self.bar:g} {self.unit}"

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "figure": self.figure, "unit": self.unit, "app": self.app,
                "reference": self.reference, "reference_is": self.reference_is,
                "ratio": self.ratio, "bar_kind": self.bar_kind, "bar": self.bar,
                "pass": self.passed}


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))]


def log(message: str) -> None:
    print(message, flush=True)


# -- the figures --------------------------------------------------------------------------


def terminal_figures(store: SessionStore, session_id: str, sizes: Sizes, folder: Path,
                     raw: dict[str, object]) -> list[Row]:
    app = terminal.arrangeren_program(store, session_id)
    reference = terminal.reference_program()
    # Its own cache folder: the parsed-deck cache is keyed by the decks' path, so a shared
    # ~/.cache would be rewritten by every checkout that runs, and markdown-it loaded.
    env = {"XDG_CONFIG_HOME": str(folder / "xdg-config"),
           "XDG_DATA_HOME": str(folder / "xdg-data"),
           "XDG_CACHE_HOME": str(folder / "xdg-cache")}
    log(f"Terminal: {sizes.rounds} ronde(n), {sizes.keys} toetsen, "
        f"{sizes.board_notes} notities op het bord, {sizes.store_sessions} gesprekken")
    results = terminal.alternate([app, reference], sizes.rounds, sizes.keys, env, log=log)
    mine, ref = results[app.name], results[reference.name]

    def keys(runs: list[terminal.RunResult]) -> list[float]:
        return [ms * 1000 for run in runs for ms in run.latencies]

    raw["terminal"] = {
        name: [{"startup_s": r.startup, "latencies_ms": [x * 1000 for x in r.latencies],
                "bytes_per_key": r.bytes_per_key, "peak_rss_kib": r.peak_rss_kib,
                "startup_bytes_drawn": r.bytes_drawn, "startup_bytes_quiet": r.bytes_quiet}
               for r in runs]
        for name, runs in results.items()
    }
    what = "reference app (Textual: Header, Input, Footer), same harness, alternating"
    start, ref_start = [r.startup for r in mine], [r.startup for r in ref]
    rss, ref_rss = [r.peak_rss_kib / 1024 for r in mine], [r.peak_rss_kib / 1024 for r in ref]
    log(f"Startbytes (mediaan): arrangeren {median([r.bytes_drawn for r in mine]):.0f} B bij "
        f"het eerste volledige beeld, {median([r.bytes_quiet for r in mine]):.0f} B tot het "
        f"stil is; referentie {median([r.bytes_drawn for r in ref]):.0f} B en "
        f"{median([r.bytes_quiet for r in ref]):.0f} B")
    return [
        # Start-up and memory: the bar is on the median of per-round ratios (neighbouring
        # runs share the load of their moment); the ratio of medians is shown beside it.
        Row("startup", "start-up: spawn until the board is drawn (median of per-round "
            "ratios)", "s", median(start), median(ref_start), what, "ratio", 1.2,
            terminal.ratio_per_round(start, ref_start)),
        Row("startup_of_medians", "start-up: spawn until the board is drawn (ratio of "
            "medians)", "s", median(start), median(ref_start), what, "ratio", 1.2),
        Row("startup_bytes", "start-up bytes: until quiet (arrangeren) against the first "
            "complete frame (reference column)", "B",
            median([r.bytes_quiet for r in mine]), median([r.bytes_drawn for r in mine]),
            "arrangeren's own bytes until the board was drawn (terminal set-up included)",
            "ratio", 1.5),
        Row("key_median", f"keystroke latency, median ({sizes.keys} keys/round)", "ms",
            median(keys(mine)), median(keys(ref)), what, "ratio", 1.2),
        Row("key_p95", "keystroke latency, p95", "ms", p95(keys(mine)), p95(keys(ref)), what,
            "ratio", 1.2),
        Row("bytes_per_key", "bytes written per keystroke", "B",
            median([r.bytes_per_key for r in mine]), median([r.bytes_per_key for r in ref]),
            what, "ratio", 0.6),
        Row("memory", f"peak RSS, {sizes.board_notes}-note session open (median of "
            "per-round ratios)", "MiB", median(rss), median(ref_rss), what, "ratio", 1.25,
            terminal.ratio_per_round(rss, ref_rss)),
        Row("memory_of_medians", f"peak RSS, {sizes.board_notes}-note session open (ratio "
            "of medians)", "MiB", median(rss), median(ref_rss), what, "ratio", 1.25),
    ]


def link_figures(store: SessionStore, session_id: str, quick: bool, folder: Path,
                 raw: dict[str, object]) -> list[Row]:
    sizes = bench_link.QUICK_LINK if quick else bench_link.FULL_LINK
    return [Row(f.id, f.figure, f.unit, f.app, f.reference, f.reference_is, "abs", f.bar)
            for f in bench_link.link_figures(store, session_id, sizes, folder, raw, log=log)]


def save_figures(folder: Path, sizes: Sizes, raw: dict[str, object]) -> list[Row]:
    """Add one note and persist the session, as the writer thread does, in two store sizes."""
    veld = fictional.shipped_veld()
    rng = random.Random(3)
    small, large = sizes.save_stores
    stores = {n: fictional.generate_store(folder / f"save-{n}", n, notes=40, seed=n)
              for n in (small, large)}
    log(f"Opslaan: {sizes.save_notes} notities, opslag van {small} en {large} gesprekken")
    actions: dict[str, Callable[[], object]] = {}
    for store_size, store in stores.items():
        for notes in sizes.save_notes:
            session = fictional.make_session(f"save-{notes}", veld, rng, notes=notes)
            store.save(session)

            def save(session=session, store=store) -> None:  # type: ignore[no-untyped-def]
                session.add_note("nog een notitie", fictional.EPOCH)
                store.save_record(session.to_record())

            plain_path = store.root / f"plain-{notes}.json"
            record = session.to_record()

            def plain(record=record, path=plain_path) -> None:  # type: ignore[no-untyped-def]
                # json.dumps (the C encoder; json.dump to a file streams through the
                # slower pure-Python one), one write, fsync: the least a safe save does.
                with open(path, "wb") as out:
                    out.write(json.dumps(record, ensure_ascii=False).encode("utf-8"))
                    out.flush()
                    os.fsync(out.fileno())

            actions[f"app/{store_size}/{notes}"] = save
            actions[f"plain/{store_size}/{notes}"] = plain
    times = alternate_timings(actions, sizes.save_repeat)
    raw["save_ms"] = {name: [t * 1000 for t in values] for name, values in times.items()}
    ms = {name: median(values) * 1000 for name, values in times.items()}
    rows = []
    for store_size in (small, large):
        for notes in sizes.save_notes:
            rows.append(Row(
                f"save_{notes}_notes_{'small' if store_size == small else 'large'}_store",
                f"save one note: {notes} notes, store of {store_size}", "ms",
                ms[f"app/{store_size}/{notes}"], ms[f"plain/{store_size}/{notes}"],
                "json.dumps of the same record, write, fsync; alternating", "abs", 10.0,
            ))
    most = max(sizes.save_notes)
    rows.append(Row(
        "save_growth", f"save growth: {most} notes, store of {large} vs {small}", "ms",
        ms[f"app/{large}/{most}"], ms[f"app/{small}/{most}"],
        f"the same save in a store of {small} sessions, alternating", "ratio", 1.2,
    ))
    return rows


def card_figures(sizes: Sizes, raw: dict[str, object]) -> list[Row]:
    from bench_cards import QUERIES
    from fictional import generate_cards

    from arrangeren_tui.core.decks.load import load_decks
    from arrangeren_tui.core.paths import shipped_decks_dir
    from arrangeren_tui.ui.dialogs.cardsearch import CardIndex, Filters

    veld = fictional.shipped_veld()
    deck, _ = load_decks([shipped_decks_dir()], veld)
    pool = list(deck) + generate_cards(max(sizes.cards), veld)
    rows = []
    raw_cards: dict[str, dict[str, float]] = {}
    for count in sizes.cards:
        cards = pool[:count]
        index = CardIndex(cards, veld)
        titles = [card.title.lower() for card in cards]
        worst_app = worst_floor = 0.0
        per_query: dict[str, float] = {}
        for query in QUERIES:
            def search(query=query, index=index) -> None:  # type: ignore[no-untyped-def]
                index._last = None  # the one-entry result cache would make repeats free
                index._fuzzy.cache.clear()
                index.search(query, Filters())

            def floor(query=query, titles=titles) -> None:  # type: ignore[no-untyped-def]
                [t for t in titles if query in t]

            times = alternate_timings({"app": search, "floor": floor}, sizes.card_repeat)
            app_ms, floor_ms = median(times["app"]) * 1000, median(times["floor"]) * 1000
            per_query[query or "(leeg)"] = app_ms
            if app_ms > worst_app:
                worst_app, worst_floor = app_ms, floor_ms
        raw_cards[str(count)] = per_query
        rows.append(Row(f"card_search_{count}", f"card search, slowest query, {count} cards",
                        "ms", worst_app, worst_floor,
                        "substring scan of the titles for that query, alternating",
                        "abs", 16.0))
    raw["card_search_ms"] = raw_cards
    return rows


def history_figures(store: SessionStore, sizes: Sizes, raw: dict[str, object]) -> list[Row]:
    summaries = store.list()[0]
    wanted = words("voetballen dagplanning")
    paths = [store.path_for(s.id) for s in summaries]

    def listing() -> None:
        SessionStore(store.root).list()

    def read_index() -> None:
        read_json_file(store.root / INDEX_NAME)

    def search() -> None:
        list(full_text_matches(store, summaries, wanted))

    def read_all() -> None:
        for path in paths:
            read_json_file(path)

    times = alternate_timings({"list": listing, "index": read_index, "search": search,
                               "read": read_all}, sizes.history_repeat)
    raw["history_s"] = times
    n = len(summaries)
    return [
        Row("history_list", f"history list, {n} sessions", "s", median(times["list"]),
            median(times["index"]), "reading and parsing index.json, alternating", "abs", 0.3),
        Row("history_search", f"history full-text search, {n} sessions", "s",
            median(times["search"]), median(times["read"]),
            "reading and parsing every session file, alternating", "abs", 1.0),
    ]


def history_screen_figures(sizes: Sizes, folder: Path, raw: dict[str, object]) -> list[Row]:
    """The home list, its memory and the history search at each store size, on screen.

    Stores come from ``bench_history.cached_store`` (10,000 sessions are generated once
    per machine); the program and the reference app run in turn, store by store.
    """
    import bench_history

    stores = {n: bench_history.cached_store(n) for n in sizes.history_stores}
    log(f"Geschiedenis: opslag van {', '.join(map(str, stores))} gesprekken, "
        f"{sizes.history_rounds} ronde(n)")
    lists = bench_history.list_timings(stores, sizes.list_repeat)
    env = {"XDG_CONFIG_HOME": str(folder / "xdg-config"),
           "XDG_DATA_HOME": str(folder / "xdg-data")}
    runs, references = bench_history.screen_runs(stores, sizes.history_rounds, env, log=log)
    result = bench_history.summary(runs, references, lists)
    raw["history_screen"] = result
    ref = result["reference"]
    assert isinstance(ref, dict)
    smallest = min(stores)
    small = result[str(smallest)]
    assert isinstance(small, dict)
    rows: list[Row] = []
    for n in stores:
        mine = result[str(n)]
        assert isinstance(mine, dict)
        broad = mine["broad_s"]
        small_broad = small["broad_s"]
        rows += [
            Row(f"history_home_{n}", f"home list shows, store of {n}", "s", mine["home_s"],
                ref["start_s"], "reference app start-up, same harness, alternating", "abs",
                0.5),
            Row(f"history_home_rss_{n}", f"home resident memory, store of {n}", "MiB",
                mine["rss_kib"] / 1024, small["rss_kib"] / 1024,
                f"the same with a store of {smallest}, alternating", "plus", 10.0),
            Row(f"history_letter_{n}", f"history search: a typed letter shows, store of {n}",
                "ms", mine["letter_s"] * 1000, ref["letter_s"] * 1000,
                "reference app, one letter typed, alternating", "abs", 100.0),
            Row(f"history_broad_{n}",
                f"history search '{bench_history.BROAD_QUERY}' (almost all match) until done, "
                f"store of {n}", "s",
                bench_history.BROAD_TIMEOUT if broad is None else broad,
                bench_history.BROAD_TIMEOUT if small_broad is None else small_broad,
                f"the same with a store of {smallest}, alternating", "abs", 1.0),
            Row(f"history_broad_bytes_{n}",
                f"history search '{bench_history.BROAD_QUERY}': bytes written, store of {n}",
                "KB", mine["broad_bytes"] / 1000, small["broad_bytes"] / 1000,
                f"the same with a store of {smallest}, alternating", "abs", 100.0),
        ]
    largest, middle = max(stores), sorted(stores)[-2]

    def per_session(n: int, key: str) -> float:
        """A ``list()`` figure of a store of ``n`` per session, in µs (at least 0.01: in a
        tiny store a difference is within the timer's noise)."""
        own = result[str(n)]
        assert isinstance(own, dict)
        return max(0.01, own[key] / n * 1e6)

    # The figure: list() itself, per session, against the next smaller store. On
    # a fresh store object (the index parsed, as the home screen's thread runs it) and a
    # warm one (the index cached: every later list). Beyond the folder scan: the median
    # of the paired differences of a warm list and the bare scan (``bench_history.
    # summary``), a diagnostic of the list's own work, which is a fifth of a warm list
    # and moves by more than its growth between runs (no bar of its own).
    for row_id, key, what, kind in (
            ("history_list_growth", "list_fresh_s", "a fresh store object", "ratio"),
            ("history_list_growth_warm", "list_warm_s", "a warm store object", "ratio"),
            ("history_list_growth_beyond_scan", "list_beyond_s",
             "beyond the folder scan (diagnostic)", "info")):
        rows.append(Row(
            row_id, f"SessionStore.list per session, {what}: {largest} vs {middle}", "µs",
            per_session(largest, key), per_session(middle, key),
            f"the same per session with a store of {middle}", kind, 1.25))
    return rows


def import_seconds(statement: str, repeat: int) -> dict[str, list[float]]:
    """Wall time of a fresh interpreter that runs ``statement``, against one that runs
    nothing, alternating: what a module costs the first time it is imported."""
    times: dict[str, list[float]] = {"import": [], "bare": []}
    for _ in range(repeat):
        for name, code in (("import", statement), ("bare", "pass")):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
            times[name].append(time.perf_counter() - start)
    return times


def export_figures(sizes: Sizes, raw: dict[str, object]) -> list[Row]:
    from arrangeren_tui.core.export.datafile import render_json
    from arrangeren_tui.core.export.pdf import render_pdf
    from arrangeren_tui.core.storage.files import encode_json

    veld = fictional.shipped_veld()
    session = fictional.make_session("export", veld, random.Random(4),
                                     notes=sizes.export_notes, cards=12)
    loads = import_seconds("import fpdf", sizes.export_repeat)
    raw["fpdf_import_s"] = loads
    render_pdf(session, now=fictional.EPOCH)  # the first one also imports fpdf2
    times = alternate_timings({
        "md": lambda: render_markdown(session, now=fictional.EPOCH),
        "html": lambda: render_html(session, now=fictional.EPOCH),
        "pdf": lambda: render_pdf(session, now=fictional.EPOCH),
        "data": lambda: render_json(session, now=fictional.EPOCH),
        "json": lambda: encode_json(session.to_record()),
    }, sizes.export_repeat)
    raw["export_s"] = times
    floor = median(times["json"])
    what = "encoding the same session as JSON, alternating"
    return [
        Row("export_markdown", f"export Markdown, {sizes.export_notes} notes", "s",
            median(times["md"]), floor, what, "abs", 0.1),
        Row("export_html", f"export HTML, {sizes.export_notes} notes", "s",
            median(times["html"]), floor, what, "abs", 0.1),
        Row("export_pdf", f"export PDF/A (verslag + foto), {sizes.export_notes} notes", "s",
            median(times["pdf"]), floor, what, "abs", 2.0),
        Row("export_json", f"export data file (JSON), {sizes.export_notes} notes", "s",
            median(times["data"]), floor, what, "abs", 0.1),
        Row("import_fpdf", "import fpdf2 (once, at the first PDF), fresh process", "s",
            median(loads["import"]) - median(loads["bare"]), median(loads["bare"]),
            "a fresh interpreter that imports nothing, alternating", "abs", 1.0),
    ]


def crypt_figures(folder: Path, sizes: Sizes, raw: dict[str, object]) -> list[Row]:
    """The encrypted store against a plain one with the same sessions (``bench_crypt.py``)."""
    import bench_crypt

    log(f"Versleuteld: {sizes.store_sessions} gesprekken, gewoon en versleuteld")
    plain, encrypted, board = bench_crypt.make_stores(folder / "crypt", sizes.store_sessions,
                                                      sizes.board_notes)
    most = max(sizes.save_notes)
    seconds = bench_crypt.store_figures(plain, encrypted, most, sizes.save_repeat)
    compile_bytecode()
    runs = bench_crypt.terminal_figures(plain, encrypted, board, sizes.rounds, sizes.keys,
                                        folder, log=log)
    locked, normal, reference = (runs["arrangeren (versleuteld)"], runs["arrangeren (gewoon)"],
                                 runs["referentie"])
    raw["crypt"] = {"seconds": seconds, "terminal": {
        name: [{"startup_s": r.startup, "latencies_ms": [x * 1000 for x in r.latencies],
                "bytes_per_key": r.bytes_per_key, "peak_rss_kib": r.peak_rss_kib}
               for r in results] for name, results in runs.items()}}

    def keys(results: list[terminal.RunResult]) -> list[float]:
        return [x * 1000 for r in results for x in r.latencies]

    same = "the plain store with the same sessions, alternating"
    n = sizes.store_sessions
    return [
        Row("crypt_save", f"encrypted: save one note, {most} notes", "ms",
            seconds["save"]["encrypted"] * 1000, seconds["save"]["plain"] * 1000, same,
            "ratio", 2.0),
        Row("crypt_history_list", f"encrypted: history list, {n} sessions", "s",
            seconds["list"]["encrypted"], seconds["list"]["plain"], same, "abs", 0.3),
        Row("crypt_history_search", f"encrypted: full-text search, {n} sessions", "s",
            seconds["search"]["encrypted"], seconds["search"]["plain"], same, "abs", 1.0),
        Row("crypt_startup", "encrypted: spawn until the passphrase prompt is drawn", "s",
            median([r.startup for r in locked]), median([r.startup for r in reference]),
            "reference app (Textual: Header, Input, Footer), same harness, alternating",
            "ratio", 1.3),
        Row("crypt_key_median", "encrypted: keystroke latency on the board, median", "ms",
            median(keys(locked)), median(keys(normal)), same, "ratio", 1.2),
        Row("crypt_bytes_per_key", "encrypted: bytes written per keystroke", "B",
            median([r.bytes_per_key for r in locked]),
            median([r.bytes_per_key for r in normal]), same, "ratio", 1.2),
        Row("crypt_memory", "encrypted: peak RSS (the key opened with scrypt)", "MiB",
            median([r.peak_rss_kib / 1024 for r in locked]),
            median([r.peak_rss_kib / 1024 for r in normal]), same, "ratio", 1.3),
    ]


# -- report ------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import textual

        textual_version = textual.__version__
    except Exception:  # noqa: BLE001
        textual_version = "?"
    return {
        "cores": os.cpu_count(),
        "cpu": model or platform.processor() or platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "textual": textual_version,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    digits = 3 if abs(value) < 1 else (2 if abs(value) < 100 else 0)
    return f"{value:.{digits}f}{(' ' + unit) if unit else ''}"


def table(rows: list[Row]) -> str:
    lines = ["| figure | arrangeren | reference | ratio | bar | result |",
             "|---|---:|---:|---:|---|---|"]
    for row in rows:
        ratio = fmt(row.ratio) + "×" if row.ratio is not None else "—"
        lines.append(f"| {row.figure} | {fmt(row.app, row.unit)} | "
                     f"{fmt(row.reference, row.unit)} | {ratio} | {row.bar_text()} | "
                     f"{'—' if row.bar_kind == 'info' else 'pass' if row.passed else 'MISS'} |")
    return "\n".join(lines)


def references(rows: list[Row]) -> str:
    seen: dict[str, list[str]] = {}
    for row in rows:
        seen.setdefault(row.reference_is, []).append(row.id)
    return "\n".join(f"- {what}: {', '.join(ids)}" for what, ids in seen.items())


def compile_bytecode() -> None:
    """Compile the package (and the reference app) to bytecode before timing a start.

    An installed program runs from bytecode: pip compiles it at install time, and
    Python writes it on the first start. This machine sets PYTHONDONTWRITEBYTECODE,
    so an editable install would compile every module from source at every start
    (about 80 ms here) while Textual, installed by pip, does not. Both programs are
    measured the way a user runs them: from bytecode.
    """
    import compileall

    for folder in (ROOT / "arrangeren_tui", HERE):
        compileall.compile_dir(str(folder), quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one round (CI)")
    parser.add_argument("--only", choices=["terminal", "link", "save", "cards", "history",
                                           "export", "crypt"],
                        action="append", help="run only these groups (repeatable)")
    parser.add_argument("--results", default=str(HERE / "results"),
                        help="folder for the JSON and Markdown (default: benchmarks/results)")
    parser.add_argument("--rounds", type=int, help="terminal rounds per program (override)")
    parser.add_argument("--keys", type=int, help="keys typed per round (override)")
    parser.add_argument("--sessions", type=int, help="sessions in the app's store (override)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    overrides = {"rounds": args.rounds, "keys": args.keys, "store_sessions": args.sessions}
    sizes = replace(sizes, **{k: v for k, v in overrides.items() if v})
    groups = set(args.only or ["terminal", "link", "save", "cards", "history", "export",
                               "crypt"])
    started = time.time()
    info = machine()
    log(f"Machine: {info['cores']} cores, {info['cpu']}, Python {info['python']}, "
        f"Textual {info['textual']}, load {info['load_average']}")
    rows: list[Row] = []
    raw: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="arrangeren-bench-") as name:
        folder = Path(name)
        if groups & {"terminal", "link", "history"}:
            start = time.perf_counter()
            store = fictional.generate_store(folder / "store", sizes.store_sessions, notes=40)
            session_id = fictional.add_board_session(store, sizes.board_notes)
            pristine = store.path_for(session_id).read_bytes()
            log(f"Opslag van {sizes.store_sessions} verzonnen gesprekken gemaakt in "
                f"{time.perf_counter() - start:.1f} s")
            compile_bytecode()  # every group here starts the program in a terminal
            if "terminal" in groups:
                rows += terminal_figures(store, session_id, sizes, folder, raw)
            if "link" in groups:
                # The session as generated: the terminal group's typing left a draft in it.
                path = store.path_for(session_id)
                path.write_bytes(pristine)
                path.with_name(path.name + ".bak").unlink(missing_ok=True)
                rows += link_figures(store, session_id, args.quick, folder, raw)
            if "history" in groups:
                rows += history_figures(store, sizes, raw)
                rows += history_screen_figures(sizes, folder, raw)
        if "save" in groups:
            rows += save_figures(folder, sizes, raw)
        if "cards" in groups:
            rows += card_figures(sizes, raw)
        if "export" in groups:
            rows += export_figures(sizes, raw)
        if "crypt" in groups:
            rows += crypt_figures(folder, sizes, raw)
    elapsed = time.time() - started
    mode = "quick" if args.quick else "full"
    result = {
        "mode": mode,
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "seconds": round(elapsed, 1),
        "machine": info,
        "sizes": sizes.__dict__,
        "rows": [row.as_dict() for row in rows],
        "raw": raw,
    }
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = table(rows)
    header = (f"Mode: {mode}, {elapsed:.0f} s. Machine: {info['cores']} cores, {info['cpu']}, "
              f"{info['system']}, Python {info['python']}, Textual {info['textual']}, "
              f"load average at start {info['load_average']}.")
    markdown = f"{header}\n\n{text}\n\nReferences:\n\n{references(rows)}\n"
    (out / f"bench-{stamp}.json").write_text(json.dumps(result, indent=1), "utf-8")
    (out / f"bench-{stamp}.md").write_text(markdown, "utf-8")
    print()
    print(markdown)
    if args.quick:
        print("(Quick mode: too few runs to judge speed; only proves the suite works.)")
    print(f"Written: {out / f'bench-{stamp}.json'} and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
