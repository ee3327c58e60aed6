"""The encrypted store (issue 18) against a plain store with the same sessions, in one run.

    python benchmarks/bench_crypt.py [--quick] [--sessions N]

``run.py`` reports the same figures as its group ``crypt``. Two stores are generated
with the same fictional sessions; one is then encrypted in place (``encrypt_store``).
Measured, alternating plain and encrypted so both see the same noise:

- save: one note added to a 1,000-note session and the session saved as the writer thread
  does (bar: at most 2x the plain store);
- history: the list (index) and a full-text search over every session (bars: 0.3 s, 1 s);
- terminal: start-up of ``arrangeren open`` until the passphrase prompt is drawn, against
  the reference Textual app (the start-up bar, 1.3x), and keystroke latency and bytes per
  key on the board of the encrypted store after the passphrase, against the plain store
  (within noise: the keystroke bar, 1.2x).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import fictional  # noqa: E402
from timing import alternate_timings  # noqa: E402

from arrangeren_tui.core.encryption import encrypt_store  # noqa: E402
from arrangeren_tui.core.storage import crypt  # noqa: E402
from arrangeren_tui.core.storage.history import full_text_matches, words  # noqa: E402
from arrangeren_tui.core.storage.store import SessionStore  # noqa: E402

PASSPHRASE = "benchmark-wachtwoord"
PROMPT = "Versleutelde opslag"


def alternate(actions: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds of each action, timed in turn (A B A B ...)."""
    return {name: statistics.median(values)
            for name, values in alternate_timings(actions, repeat).items()}


def make_stores(folder: Path, sessions: int, board_notes: int) -> tuple[SessionStore,
                                                                         SessionStore, str]:
    """The same fictional store twice: plain, and encrypted in place. And the board session."""
    plain = fictional.generate_store(folder / "plain", sessions, notes=40)
    board = fictional.add_board_session(plain, board_notes)
    shutil.copytree(plain.root, folder / "encrypted")
    encrypted = SessionStore(folder / "encrypted")
    codec = crypt.create_key(encrypted.root, PASSPHRASE)
    result = encrypt_store(encrypted, codec)
    assert result.complete
    return plain, encrypted, board


def store_figures(plain: SessionStore, encrypted: SessionStore, save_notes: int,
                  repeat: int) -> dict[str, dict[str, float]]:
    """Seconds (medians): save of a ``save_notes`` session, list, full-text search."""
    veld = fictional.shipped_veld()
    actions: dict[str, Callable[[], object]] = {}
    for name, store in (("plain", plain), ("encrypted", encrypted)):
        session = fictional.make_session(f"save-{save_notes}", veld, random.Random(5),
                                         notes=save_notes)
        store.save(session)

        def save(session=session, store=store) -> None:  # type: ignore[no-untyped-def]
            session.add_note("nog een notitie", fictional.EPOCH)
            store.save_record(session.to_record())

        actions[name] = save
    saves = alternate(actions, repeat)
    summaries = {name: store.list()[0] for name, store in (("plain", plain),
                                                            ("encrypted", encrypted))}
    wanted = words("voetballen dagplanning")
    lists = alternate({name: (lambda root=store.root: SessionStore(root).list())
                       for name, store in (("plain", plain), ("encrypted", encrypted))},
                      repeat)
    searches = alternate({
        name: (lambda store=store, found=summaries[name]:
               list(full_text_matches(store, found, wanted)))
        for name, store in (("plain", plain), ("encrypted", encrypted))}, repeat)
    return {"save": saves, "list": lists, "search": searches}


def terminal_figures(plain: SessionStore, encrypted: SessionStore, board: str, rounds: int,
                     keys: int, folder: Path, log=print) -> dict[str, list]:  # type: ignore[no-untyped-def]
    """Per program, each round's terminal result (``terminal.RunResult``)."""
    import terminal
    from fictional import BOARD_PUPIL

    plain_program = terminal.arrangeren_program(plain, board)
    plain_program.name = "arrangeren (gewoon)"
    locked = terminal.arrangeren_program(encrypted, board)
    locked.name = "arrangeren (versleuteld)"
    locked.unlocked_markers = locked.markers
    locked.markers = [PROMPT, "wachtwoord"]
    locked.unlock = PASSPHRASE
    reference = terminal.reference_program()
    env = {"XDG_CONFIG_HOME": str(folder / "xdg-config"),
           "XDG_DATA_HOME": str(folder / "xdg-data")}
    assert BOARD_PUPIL in locked.unlocked_markers
    return terminal.alternate([locked, plain_program, reference], rounds, keys, env, log=log)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sessions", type=int, default=None)
    parser.add_argument("--no-terminal", action="store_true")
    args = parser.parse_args()
    sessions = args.sessions or (30 if args.quick else 1000)
    repeat = 3 if args.quick else 11
    import tempfile

    with tempfile.TemporaryDirectory(prefix="arrangeren-crypt-") as name:
        folder = Path(name)
        start = time.perf_counter()
        plain, encrypted, board = make_stores(folder, sessions, 300)
        took = time.perf_counter() - start
        print(f"{sessions} gesprekken, gewoon en versleuteld, in {took:.1f} s")
        figures = store_figures(plain, encrypted, 1000, repeat)
        for what, values in figures.items():
            ratio = values["encrypted"] / values["plain"]
            print(f"{what:7} gewoon {values['plain'] * 1000:8.1f} ms   versleuteld "
                  f"{values['encrypted'] * 1000:8.1f} ms   {ratio:.2f}x")
        if not args.no_terminal:
            runs = terminal_figures(plain, encrypted, board, 1 if args.quick else 5,
                                    20 if args.quick else 200, folder)
            for program, results in runs.items():
                keys = sorted(x for r in results for x in r.latencies)
                print(f"{program}: start {statistics.median(r.startup for r in results):.2f} s, "
                      f"toets mediaan {keys[len(keys) // 2] * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
