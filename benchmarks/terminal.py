"""The terminal figures: start-up, keystroke latency, bytes per keystroke, peak memory.

A program runs in a pseudo-terminal of 80x24 with ``TERM=xterm-256color``
(``tests/ptyapp.py``, the harness of the crash tests), and what it writes is fed
to ``pyte``, a terminal emulator, so "drawn" means "a person would see it":

- start-up: from just before the process is spawned until every marker text
  (for arrangeren: the pupil's name on the clock bar, the empty capture line
  and the key bar) is on the emulated screen;
- start-up bytes: what the program wrote until then (its first complete frame,
  the terminal set-up included), and until the screen is quiet after it;
- keystroke latency: one character is written once the screen has been quiet
  for a moment, and the time runs until that character is on the screen (the
  last characters typed, as a run, appear on the screen); the time is taken by
  the reader thread when the output arrives, not when the benchmark wakes up;
- bytes per keystroke: everything the program wrote from the first key until
  the screen is quiet after the last one, divided by the number of keys;
- memory: the peak resident set (``VmHWM`` in ``/proc/<pid>/status``) after
  the typing.
"""

from __future__ import annotations

import os
import random
import statistics
import string
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from ptyapp import PtyApp, child_env  # noqa: E402

COLS, ROWS = 80, 24
START_TIMEOUT = 30.0
KEY_TIMEOUT = 5.0
QUIET = 0.05  # the screen counts as settled after this long without output
SETTLE_MAX = 1.0  # ...or after this long at most (a clock or a cursor may keep drawing)
AFTER_START_QUIET = 0.3


@dataclass
class Program:
    """One program to measure, and what on its screen means it is ready."""

    name: str
    module: str
    args: list[str]
    markers: list[str]
    placeholder: str  # shown in the empty input line
    env: dict[str, str] = field(default_factory=dict)
    before_run: object = None  # called before each spawn (restores the session file)
    # An encrypted store: start-up ends when the passphrase prompt (``markers``) is drawn;
    # then ``unlock`` is typed with Enter, and the typing waits for ``unlocked_markers``.
    unlock: str = ""
    unlocked_markers: list[str] = field(default_factory=list)
    cwd: Path = ROOT  # the folder it runs in (first on its sys.path)


@dataclass
class StartResult:
    startup: float
    bytes_drawn: int  # written until the markers were all on the screen: the first frame
    bytes_quiet: int  # written until the screen was quiet after that
    peak_rss_kib: int  # once quiet
    cpu_drawn: float  # CPU seconds of its main thread until drawn (less noisy than wall time)
    first_byte: float  # seconds from the spawn until its first output (imports, set-up)


@dataclass
class RunResult:
    startup: float
    latencies: list[float]
    bytes_per_key: float
    peak_rss_kib: int
    screen: str
    bytes_drawn: int = 0
    bytes_quiet: int = 0


def typed_text(count: int, seed: int = 7) -> str:
    """Lower-case letters, no spaces: any run of 8 of them is (almost surely) unique."""
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(count))


def typed_shown(row: int, typed: str, placeholder: str):  # type: ignore[no-untyped-def]
    """A screen predicate: the input line (``row``) ends with what has been typed so far.

    Up to 8 characters all of them, right after a non-letter (the prompt or the
    border) and with the placeholder gone; after that the last 8, which in random
    letters do not occur by chance (the line scrolls once it is full).
    """
    tail = typed[-8:]
    whole = len(typed) <= 8

    def shown(screen: str) -> bool:
        line = screen.split("\n")[row]
        if whole and placeholder in line:
            return False
        content = line.rstrip(NOT_TYPED)
        if not content.endswith(tail):
            return False
        return not whole or not content[: -len(tail)][-1:].isalpha()

    return shown


NOT_TYPED = " ▎▊│┃▌▐"  # what may follow the typed text on its line: padding and borders


def ratio_per_round(mine: list[float], reference: list[float]) -> float:
    """The median of the ratios of each round (a round: one run of each, back to back).

    Neighbouring runs share the machine's load of that moment, so this ratio is less
    moved by load that comes and goes during a run than the ratio of the medians.
    """
    return statistics.median(a / b for a, b in zip(mine, reference, strict=True))


def ratio_of_medians(mine: list[float], reference: list[float]) -> float:
    return statistics.median(mine) / statistics.median(reference)


def _peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/<pid>/status")


def _cpu_seconds(pid: int) -> float:
    """CPU time of the process's main thread so far (``/proc/<pid>/schedstat``, ns)."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as stat:
            return int(stat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def _settle(app: PtyApp, quiet: float, limit: float) -> None:
    """Wait until nothing was written for ``quiet`` seconds, ``limit`` at most."""
    deadline = time.monotonic() + limit
    while True:
        now = time.monotonic()
        idle = now - app.last_output_at
        if idle >= quiet or now >= deadline:
            return
        time.sleep(min(quiet - idle, deadline - now) + 0.001)


def _spawn(program: Program, env_base: dict[str, str]) -> PtyApp:
    if callable(program.before_run):
        program.before_run()
    env = child_env({**env_base, **program.env})
    return PtyApp(program.args, module=program.module, env=env, cols=COLS, rows=ROWS,
                  cwd=program.cwd)


def _started(app: PtyApp, program: Program) -> StartResult:
    """Wait until the program's screen is drawn and then quiet; what it took."""
    drawn = [0]
    cpu = [0.0]

    def complete(screen: str) -> bool:
        if all(m in screen for m in program.markers):
            drawn[0] = app.output_length  # under the reader's lock: exactly this frame
            cpu[0] = _cpu_seconds(app.pid)
            return True
        return False

    ready = app.wait_until(complete, START_TIMEOUT)
    if ready is None:
        raise RuntimeError(f"{program.name} did not draw {program.markers} within "
                           f"{START_TIMEOUT}s:\n{app.text()}")
    _settle(app, AFTER_START_QUIET, 3.0)
    result = StartResult(ready - app.started_at, drawn[0], app.output_length,
                         _peak_rss_kib(app.pid), cpu[0],
                         (app.first_output_at or ready) - app.started_at)
    if program.unlock:  # start-up ended at the prompt; the typing starts after it
        app.write(program.unlock + "\r")
        if app.wait_until(lambda screen: all(m in screen for m in program.unlocked_markers),
                          START_TIMEOUT) is None:
            raise RuntimeError(f"{program.name}: not unlocked:\n{app.text()}")
        _settle(app, AFTER_START_QUIET, 3.0)
    return result


def start_once(program: Program, env_base: dict[str, str]) -> StartResult:
    """Spawn the program and wait until its screen is drawn and quiet (no typing)."""
    with _spawn(program, env_base) as app:
        return _started(app, program)


def run_once(program: Program, text: str, env_base: dict[str, str]) -> RunResult:
    """Spawn the program, wait for its screen, type ``text`` key by key, read its memory."""
    with _spawn(program, env_base) as app:
        began = _started(app, program)
        rows = [n for n, line in enumerate(app.display()) if program.placeholder in line]
        if len(rows) != 1:
            raise RuntimeError(f"{program.name}: no single input line:\n{app.text()}")
        row = rows[0]
        before = len(app.output)
        latencies = []
        for index, char in enumerate(text):
            _settle(app, QUIET, SETTLE_MAX)
            shown = typed_shown(row, text[: index + 1], program.placeholder)
            start = time.monotonic()
            app.write(char)
            seen = app.wait_until(shown, KEY_TIMEOUT)
            if seen is None:
                raise RuntimeError(f"{program.name}: {text[:index + 1]!r} not on row {row} after "
                                   f"{KEY_TIMEOUT}s:\n{app.text()}")
            latencies.append(max(0.0, seen - start))
        _settle(app, AFTER_START_QUIET, 2.0)
        written = len(app.output) - before
        rss = _peak_rss_kib(app.pid)
        screen = app.text()
    return RunResult(began.startup, latencies, written / len(text), rss, screen,
                     began.bytes_drawn, began.bytes_quiet)


def alternate(programs: list[Program], rounds: int, keys: int, env_base: dict[str, str],
              log=print) -> dict[str, list[RunResult]]:  # type: ignore[no-untyped-def]
    """Run the programs in turn, A B A B ..., ``rounds`` times each."""
    text = typed_text(keys)
    results: dict[str, list[RunResult]] = {p.name: [] for p in programs}
    for round_ in range(rounds):
        for program in programs:
            result = run_once(program, text, env_base)
            results[program.name].append(result)
            log(f"  ronde {round_ + 1}/{rounds} {program.name}: start {result.startup:.2f} s, "
                f"toets mediaan {sorted(result.latencies)[len(result.latencies) // 2] * 1000:.1f}"
                f" ms, {result.bytes_per_key:.0f} B/toets, {result.peak_rss_kib / 1024:.0f} MiB")
    return results


def arrangeren_program(store, session_id: str) -> Program:  # type: ignore[no-untyped-def]
    """arrangeren opened straight on the board of ``session_id``; its file is restored each run.

    Typing leaves a draft in the session file, so before every spawn the file is
    put back as it was generated (and its backup removed).
    """
    from fictional import BOARD_PUPIL

    path = store.path_for(session_id)
    pristine = path.read_bytes()

    def restore() -> None:
        path.write_bytes(pristine)
        path.with_name(path.name + ".bak").unlink(missing_ok=True)

    return Program(
        name="arrangeren",
        module="arrangeren_tui",
        args=["--store", str(store.root), "open", session_id],
        # The pupil on the clock bar, the empty capture line, and the key bar.
        markers=[BOARD_PUPIL, "Typ een notitie", "Stap ▶"],
        placeholder="Typ een notitie",
        before_run=restore,
    )


def reference_program() -> Program:
    from reference_app import FOOTER_TEXT, PLACEHOLDER, TITLE

    return Program(
        name="referentie",
        module="reference_app",
        args=[],
        markers=[TITLE, PLACEHOLDER, FOOTER_TEXT],
        placeholder=PLACEHOLDER,
        env={"PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])},
    )
