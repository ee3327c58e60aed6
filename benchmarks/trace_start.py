"""Trace a start of arrangeren (or the reference app): what happens until the screen is drawn.

    python benchmarks/trace_start.py                 # arrangeren, 3 starts
    python benchmarks/trace_start.py --reference     # the reference app
    python benchmarks/trace_start.py --runs 5 --sessions 50 --notes 300

The program runs in the benchmarks' pseudo-terminal (80x24), started through this
file, which wraps a few of Textual's internals before the program's own code runs
and stamps, in milliseconds since the interpreter reached this file:

- every message whose handling took over 2 ms (``msg Compose -> BoardScreen 31.5``),
- every screen layout (``layout BoardScreen 7.1``),
- every pass of the garbage collector over 1 ms, and every full pass,
- every write to the terminal of over 100 bytes, and whether the screen, as pyte sees
  it after that write, shows all the markers the benchmark waits for (``drawn``).

It is a diagnostic, not a measure: the stamping itself costs time. For the figures
use ``run.py``; this shows where the time of a start goes (see BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD_ENV = "ARRANGEREN_TRACE"  # the log file; set in the child only


def _child() -> None:  # pragma: no cover - runs inside the traced program
    import gc
    import pickle
    import runpy

    started = time.perf_counter()
    log = open(os.environ[CHILD_ENV], "wb")  # noqa: SIM115 - open for the program's life

    def stamp(kind: str, text: str, data: bytes = b"") -> None:
        pickle.dump(((time.perf_counter() - started) * 1000, kind, text, data), log)
        log.flush()

    gc_started = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
            return
        took = (time.perf_counter() - gc_started[0]) * 1000
        if took > 1 or info["generation"] == 2:
            stamp("gc", f"gc gen{info['generation']} {took:.1f}")

    gc.callbacks.append(on_gc)

    from textual.drivers import linux_driver
    from textual.message_pump import MessagePump
    from textual.screen import Screen

    write = linux_driver.LinuxDriver.write

    def traced_write(self, data: str) -> None:  # type: ignore[no-untyped-def]
        stamp("write", f"write {len(data)}", data.encode("utf-8", "replace"))
        write(self, data)

    linux_driver.LinuxDriver.write = traced_write  # type: ignore[method-assign]

    dispatch = MessagePump._dispatch_message

    async def traced_dispatch(self, message):  # type: ignore[no-untyped-def]
        begun = time.perf_counter()
        result = await dispatch(self, message)
        took = (time.perf_counter() - begun) * 1000
        if took > 2:
            stamp("msg", f"msg {type(message).__name__} -> {type(self).__name__} {took:.1f}")
        return result

    MessagePump._dispatch_message = traced_dispatch  # type: ignore[method-assign]

    layout = Screen._refresh_layout

    def traced_layout(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        begun = time.perf_counter()
        result = layout(self, *args, **kwargs)
        stamp("layout", f"layout {type(self).__name__} "
                        f"{(time.perf_counter() - begun) * 1000:.1f}")
        return result

    Screen._refresh_layout = traced_layout  # type: ignore[method-assign]
    stamp("start", "textual imported (by the tracer)")
    module = os.environ["ARRANGEREN_TRACE_MODULE"]
    sys.argv = [module, *sys.argv[1:]]
    runpy.run_module(module, run_name="__main__")


def _report(log: Path, markers: list[str]) -> list[str]:
    import pickle

    import pyte

    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    lines, drawn = [], False
    with log.open("rb") as entries:
        while True:
            try:
                at, kind, text, data = pickle.load(entries)
            except EOFError:
                break
            if kind == "write":
                stream.feed(data)
                if len(data) <= 100:
                    continue
                shown = "\n".join(screen.display)
                if not drawn and all(m in shown for m in markers):
                    drawn = True
                    text += "   <- drawn"
            lines.append(f"{at:8.1f}  {text}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference", action="store_true", help="trace the reference app")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--notes", type=int, default=300, help="notes in the open session")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import fictional
    import terminal
    from ptyapp import PtyApp, child_env
    from run import compile_bytecode

    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="arrangeren-trace-") as folder:
        root = Path(folder)
        if args.reference:
            program = terminal.reference_program()
        else:
            store = fictional.generate_store(root / "store", args.sessions, notes=40)
            program = terminal.arrangeren_program(store, fictional.add_board_session(
                store, args.notes))
        paths = os.pathsep.join([str(HERE), program.env.get("PYTHONPATH", "")])
        for run in range(args.runs):
            if callable(program.before_run):
                program.before_run()
            log = root / f"trace-{run}.bin"
            env = child_env({"HOME": str(root / "home"), "PYTHONPATH": paths,
                             CHILD_ENV: str(log), "ARRANGEREN_TRACE_MODULE": program.module})
            with PtyApp(program.args, module="trace_start", env=env, cwd=terminal.ROOT) as app:
                ready = app.wait_until(lambda s: all(m in s for m in program.markers), 30)
                if ready is None:
                    print(app.text(), file=sys.stderr)
                    return 1
                time.sleep(0.3)
                app.write(b"\x11")
                app.wait(5)
            print(f"--- {program.name}, start {run + 1}: drawn {ready - app.started_at:.3f} s "
                  "after the spawn (with tracing)")
            print("\n".join(_report(log, program.markers)))
    return 0


if __name__ == "__main__":
    if os.environ.get(CHILD_ENV):
        _child()
    else:
        raise SystemExit(main())
