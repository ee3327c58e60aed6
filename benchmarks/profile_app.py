"""Profile arrangeren (or the reference app) as the benchmarks run it, with pyinstrument.

    python benchmarks/profile_app.py startup            # spawn until the board is drawn, then ^Q
    python benchmarks/profile_app.py typing --keys 200  # the same, then type 200 keys
    python benchmarks/profile_app.py startup --reference

The program runs in the same pseudo-terminal as in ``run.py``, on the same kind
of generated store, under ``python -m pyinstrument``; the text report goes to
stdout (and ``-o FILE``). Needs the ``bench`` extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fictional  # noqa: E402
import terminal  # noqa: E402
from ptyapp import PtyApp, child_env  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["startup", "typing"])
    parser.add_argument("--reference", action="store_true", help="profile the reference app")
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=300, help="notes in the open session")
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--interval", default="0.0005", help="pyinstrument sampling interval")
    parser.add_argument("-o", "--output", help="also write the report here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arrangeren-profile-") as folder:
        root = Path(folder)
        report = root / "profile.txt"
        env = child_env({"XDG_CONFIG_HOME": str(root / "config"),
                         "XDG_DATA_HOME": str(root / "data")})
        if args.reference:
            program = terminal.reference_program()
            env.update(program.env)
            target = ["-m", program.module]
        else:
            store = fictional.generate_store(root / "store", args.sessions, notes=40)
            session_id = fictional.add_board_session(store, args.notes)
            program = terminal.arrangeren_program(store, session_id)
            target = ["-m", program.module, *program.args]
        command = ["-r", "text", "--show-all", "-i", args.interval, "-o", str(report),
                   *target]
        with PtyApp(command, module="pyinstrument", env=env, cwd=terminal.ROOT) as app:
            if app.wait_until(lambda s: all(m in s for m in program.markers), 60) is None:
                print(app.text(), file=sys.stderr)
                return 1
            if args.what == "typing":
                time.sleep(0.5)
                for char in terminal.typed_text(args.keys):
                    app.write(char)
                    time.sleep(0.03)
                time.sleep(0.5)
            app.write(b"\x11")  # ^Q: both apps quit on it, so pyinstrument writes its report
            if app.wait(20) is None:
                app.kill(signal.SIGTERM)
                app.wait(5)
        text = report.read_text("utf-8") if report.exists() else "(no report written)"
    if args.output:
        Path(args.output).write_text(text, "utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
