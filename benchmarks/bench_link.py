"""The link figures: bytes per action, bytes per idle minute per screen, and a slow link.

What a facilitator's terminal receives over SSH, measured as it receives it: the real
program in a pseudo-terminal of 80x24 (``tests/ptyapp.py``, spawned as in
``benchmarks/terminal.py``), its output counted byte by byte and fed to ``pyte`` so that
an action counts as done when its result is on the emulated screen.

- bytes per action: from the key until the screen has been quiet for a moment, on the
  board of 300 notes: Tab (next party), PgDn and PgUp (step), Enter (lay a typed note),
  ^O and Esc (overview open, close), ^K and Esc (card picker open, close). Each is timed
  right after a clock tick, so at most one tick (~70 bytes) falls in its window; the
  median of the repeats is reported.
- idle: bytes written while nobody types, per minute (measured for a few seconds and
  scaled), on the board, the overview, the card picker, the home screen and the history.
- slow link: the time until the last byte of an action reaches a terminal behind a link
  of 20,000 bytes a second with a one-way delay of 150 ms, computed from the measured
  bytes (not throttled): the program's own time from the key to its last write, plus the
  delay, plus the bytes divided by the rate. The keystroke's own trip is not counted. Its
  bar: no slower than when issue 17 was filed.

The reference app (``reference_app.py``: Header, Input, Footer) runs in the same harness
in the same run: its bytes for one typed key (the floor for any change on screen), its
command palette opened and closed with ^P and Esc (Textual's own modal screen), and its
idle bytes per minute.

Run alone: ``python benchmarks/bench_link.py [--quick]``; ``run.py`` runs it as the
group ``link``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (HERE, ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import terminal  # noqa: E402
from ptyapp import KEYS, PtyApp, child_env  # noqa: E402

RATE = 20_000  # bytes per second over the slow link
DELAY = 0.150  # seconds, one way
ACTION_BAR = 3_000  # bytes: Tab, PgDn/PgUp, Enter (issue 17)
OVERLAY_BAR = 12_000  # bytes: overview and card picker, to open and to close
IDLE_BAR = 12_000  # bytes per minute on any screen
# The slow link has no bar of its own: each action must not take longer than it did when
# issue 17 was filed (its table, measured the same way).
SLOW_BEFORE = {"tab": 0.77, "step_next": 0.92, "step_previous": 0.92, "enter": 0.76,
               "overview_open": 2.83, "overview_close": 1.35, "picker_open": 2.24,
               "picker_close": 1.55}
ACTION_TIMEOUT = 10.0
QUIET = 0.25  # an action is over after this long without output
TICK_WAIT = 1.3  # the board's clock writes once a second

CONTROL = {"ctrl+o": b"\x0f", "ctrl+g": b"\x07", "ctrl+p": b"\x10", "slash": b"/"}


def key_bytes(key: str) -> bytes:
    if key in CONTROL:
        return CONTROL[key]
    if key in KEYS:
        return KEYS[key]
    return key.encode("utf-8")


@dataclass
class LinkSizes:
    repeats: int  # times each action is measured
    idle_seconds: float  # seconds of idle output per screen


FULL_LINK = LinkSizes(repeats=3, idle_seconds=12.0)
QUICK_LINK = LinkSizes(repeats=1, idle_seconds=2.0)


@dataclass
class Action:
    bytes: int
    seconds: float  # from the key to the last byte written

    def over_link(self) -> float:
        return self.seconds + DELAY + self.bytes / RATE


@dataclass
class LinkFigure:
    """One row for run.py's table (an absolute bar)."""

    id: str
    figure: str
    unit: str
    app: float
    reference: float
    reference_is: str
    bar: float


@dataclass
class Measured:
    actions: dict[str, list[Action]] = field(default_factory=dict)
    idle_per_minute: dict[str, float] = field(default_factory=dict)


def _wait_output(app: PtyApp, since: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while len(app.output) <= since:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.002)
    return True


def _quiet(app: PtyApp, quiet: float = QUIET, limit: float = ACTION_TIMEOUT) -> None:
    terminal._settle(app, quiet, limit)


def _after_tick(app: PtyApp) -> None:
    """Wait for the next write (the clock's tick, if a clock runs) and its end."""
    _wait_output(app, len(app.output), TICK_WAIT)
    _quiet(app, 0.03, 0.5)


def act(app: PtyApp, key: str, shown: Callable[[str], bool]) -> Action:
    """Press ``key``; the bytes and time until ``shown`` holds and the output is quiet."""
    _after_tick(app)
    before = len(app.output)
    start = time.monotonic()
    app.write(key_bytes(key))
    if app.wait_for(shown, ACTION_TIMEOUT) is False:
        raise RuntimeError(f"{key}: the expected screen did not come:\n{app.text()}")
    _wait_output(app, before, 1.0)
    _quiet(app)
    return Action(len(app.output) - before, max(0.0, app.last_output_at - start))


def idle(app: PtyApp, seconds: float) -> float:
    """Bytes written in ``seconds`` while nobody types, scaled to a minute."""
    _quiet(app, 0.5, 3.0)
    before = len(app.output)
    time.sleep(seconds)
    return (len(app.output) - before) * 60.0 / seconds


def _has(*texts: str) -> Callable[[str], bool]:
    return lambda screen: all(text in screen for text in texts)


@contextmanager
def _running(program: terminal.Program, env: dict[str, str], args: list[str],
             markers: tuple[str, ...], what: str) -> Iterator[PtyApp]:
    """The program started in the pty with ``args``, its ``markers`` drawn, then quiet."""
    with PtyApp(args, module=program.module, env=child_env({**env, **program.env}),
                cols=terminal.COLS, rows=terminal.ROWS, cwd=ROOT) as app:
        if not app.wait_for(_has(*markers), terminal.START_TIMEOUT):
            raise RuntimeError(f"{what} did not start:\n{app.text()}")
        _quiet(app, 1.0, 5.0)
        yield app


def measure_arrangeren(program: terminal.Program, sizes: LinkSizes, env: dict[str, str],
                       log: Callable[[str], None] = print) -> Measured:
    """The board's actions and every screen's idle bytes, in one run of the program."""
    from fictional import BOARD_PUPIL

    if callable(program.before_run):
        program.before_run()
    result = Measured()
    record = result.actions
    board = _has(BOARD_PUPIL, "Stap ▶")
    with _running(program, env, program.args, tuple(program.markers), "arrangeren") as app:
        result.idle_per_minute["board"] = idle(app, sizes.idle_seconds)
        for round_ in range(sizes.repeats):
            record.setdefault("tab", []).append(act(app, "tab", board))
            record.setdefault("step_next", []).append(
                act(app, "pagedown", _has("stap 3/8")))
            record.setdefault("step_previous", []).append(
                act(app, "pageup", _has("stap 2/8")))
            note = f"notitie {round_ + 1} over de link"
            app.write(note)
            if not app.wait_for(_has(note), ACTION_TIMEOUT):
                raise RuntimeError(f"{note!r} not typed:\n{app.text()}")
            _quiet(app)
            record.setdefault("enter", []).append(
                act(app, "enter", lambda s, n=note: n not in s.split("\n")[20]))
        for round_ in range(sizes.repeats):
            record.setdefault("overview_open", []).append(
                act(app, "ctrl+o", _has("Overzicht van het arrangeerveld")))
            if round_ == 0:
                result.idle_per_minute["overview"] = idle(app, sizes.idle_seconds)
            record.setdefault("overview_close", []).append(act(app, "escape", board))
            record.setdefault("picker_open", []).append(
                act(app, "ctrl+k", _has("Kaart kiezen")))
            if round_ == 0:
                result.idle_per_minute["picker"] = idle(app, sizes.idle_seconds)
            record.setdefault("picker_close", []).append(act(app, "escape", board))
    # The home screen and the history in a run of their own, started on the home screen
    # as a user starts it, the history opened from there with /.
    home_args = program.args[:program.args.index("open")]
    with _running(program, env, home_args, ("Arrangeergesprekken", "Nieuw gesprek"),
                  "arrangeren's home screen") as app:
        result.idle_per_minute["home"] = idle(app, sizes.idle_seconds)
        act(app, "slash", _has("Geschiedenis"))
        result.idle_per_minute["history"] = idle(app, sizes.idle_seconds)
    log("  arrangeren: " + ", ".join(
        f"{name} {statistics.median(a.bytes for a in runs):.0f} B"
        for name, runs in record.items()))
    return result


def measure_reference(program: terminal.Program, sizes: LinkSizes, env: dict[str, str],
                      log: Callable[[str], None] = print) -> Measured:
    """The reference: one typed key, its command palette opened and closed, idle."""
    from reference_app import PLACEHOLDER

    result = Measured()
    record = result.actions
    with _running(program, env, program.args, tuple(program.markers), "the reference") as app:
        result.idle_per_minute["main"] = idle(app, sizes.idle_seconds)
        for round_ in range(sizes.repeats):
            typed = "x" * (round_ + 1)
            record.setdefault("key", []).append(
                act(app, "x", lambda s, t=typed: PLACEHOLDER not in s and t in s))
            record.setdefault("palette_open", []).append(
                act(app, "ctrl+p", _has("Search for commands")))
            record.setdefault("palette_close", []).append(
                act(app, "escape", lambda s: "Search for commands" not in s))
    log("  referentie: " + ", ".join(
        f"{name} {statistics.median(a.bytes for a in runs):.0f} B"
        for name, runs in record.items()))
    return result


def figures(mine: Measured, ref: Measured) -> list[LinkFigure]:
    def med(runs: list[Action], what: Callable[[Action], float]) -> float:
        return statistics.median(what(run) for run in runs)

    key_ref = "reference app: one typed key (any change on screen costs at least this)"
    modal_ref = "reference app: Textual's command palette (a modal screen), ^P / Esc"
    idle_ref = "reference app idle (Header, focused Input, Footer)"
    board_actions = [("tab", "Tab (next party)", "key"),
                     ("step_next", "PgDn (next step)", "key"),
                     ("step_previous", "PgUp (previous step)", "key"),
                     ("enter", "Enter (lay a note)", "key")]
    overlays = [("overview_open", "^O overview open", "palette_open"),
                ("overview_close", "Esc overview close", "palette_close"),
                ("picker_open", "^K card picker open", "palette_open"),
                ("picker_close", "Esc card picker close", "palette_close")]
    rows: list[LinkFigure] = []
    for actions, bar, what in ((board_actions, ACTION_BAR, key_ref),
                               (overlays, OVERLAY_BAR, modal_ref)):
        for name, label, ref_name in actions:
            rows.append(LinkFigure(
                f"link_{name}", f"bytes: {label}, 300-note board", "B",
                med(mine.actions[name], lambda a: a.bytes),
                med(ref.actions[ref_name], lambda a: a.bytes), what, bar))
    for screen in ("board", "overview", "picker", "home", "history"):
        rows.append(LinkFigure(
            f"idle_{screen}", f"idle bytes per minute: {screen}", "B/min",
            mine.idle_per_minute[screen], ref.idle_per_minute["main"], idle_ref, IDLE_BAR))
    slow = f"the same for the reference; {RATE:,} B/s + {DELAY * 1000:.0f} ms, computed"
    for name, label, ref_name in board_actions + overlays:
        rows.append(LinkFigure(
            f"slow_{name}", f"slow link: {label} until its last byte arrives", "s",
            med(mine.actions[name], Action.over_link),
            med(ref.actions[ref_name], Action.over_link), slow, SLOW_BEFORE[name]))
    return rows


def link_figures(store, session_id: str, sizes: LinkSizes, folder: Path,  # type: ignore[no-untyped-def]
                 raw: dict[str, object], log: Callable[[str], None] = print,
                 ) -> list[LinkFigure]:
    """Measure arrangeren and the reference, one after the other; the table's rows."""
    env = {"XDG_CONFIG_HOME": str(folder / "xdg-config"),
           "XDG_DATA_HOME": str(folder / "xdg-data")}
    log(f"Link: {sizes.repeats} keer per actie, {sizes.idle_seconds:g} s stil per scherm")
    mine = measure_arrangeren(terminal.arrangeren_program(store, session_id), sizes, env,
                              log)
    ref = measure_reference(terminal.reference_program(), sizes, env, log)
    raw["link"] = {
        name: {"actions": {k: [{"bytes": a.bytes, "seconds": a.seconds} for a in v]
                           for k, v in measured.actions.items()},
               "idle_per_minute": measured.idle_per_minute}
        for name, measured in (("arrangeren", mine), ("referentie", ref))
    }
    return figures(mine, ref)


def main(argv: list[str] | None = None) -> int:
    import fictional

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round, short idle")
    parser.add_argument("--sessions", type=int, default=50, help="sessions in the store")
    args = parser.parse_args(argv)
    sizes = QUICK_LINK if args.quick else FULL_LINK
    with tempfile.TemporaryDirectory(prefix="arrangeren-link-") as name:
        folder = Path(name)
        store = fictional.generate_store(folder / "store", args.sessions, notes=40)
        session_id = fictional.add_board_session(store, 300)
        rows = link_figures(store, session_id, sizes, folder, {})
    print("| figure | arrangeren | reference | bar | result |")
    print("|---|---:|---:|---|---|")
    for row in rows:
        digits = 2 if row.unit == "s" else 0
        print(f"| {row.figure} | {row.app:,.{digits}f} {row.unit} | "
              f"{row.reference:,.{digits}f} {row.unit} | ≤ {row.bar:,g} {row.unit} | "
              f"{'pass' if row.app <= row.bar else 'MISS'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
