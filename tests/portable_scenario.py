"""One walk along everything that writes files: store, lock, saves, exports, CLI, planning.

Run in-process by ``tests/test_portable.py`` (collecting every file name it writes) and as
``python tests/portable_scenario.py ROOT`` in a subprocess where the POSIX-only API has been
removed, as on Windows (``tests/no_posix/sitecustomize.py``). It asserts as it goes and
prints one JSON line with what it saw; any failure is a traceback and exit code 1.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from arrangeren_tui.cli.main import main  # noqa: E402
from arrangeren_tui.core.planning.store import PlanningStore, planning_path  # noqa: E402
from arrangeren_tui.core.storage.crashlog import write_crash_log  # noqa: E402
from arrangeren_tui.core.storage.files import backup_path  # noqa: E402
from arrangeren_tui.core.storage.lock import is_locked  # noqa: E402
from arrangeren_tui.core.storage.store import SessionStore  # noqa: E402

T0 = 1795438800.0  # 2026-11-23 14:00 local-ish; the exact moment does not matter here

_HOLDER = (
    "import sys, time; sys.path.insert(0, sys.argv[1]);"
    "from pathlib import Path;"
    "from arrangeren_tui.core.storage.store import SessionStore;"
    "lock = SessionStore(Path(sys.argv[2])).lock(sys.argv[3]); assert lock.acquire();"
    "print('held', flush=True); time.sleep(60)"
)


def cli(*argv: str) -> str:
    """Run one command; its standard output. A failing command raises."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as stop:
            code = stop.code  # type: ignore[assignment]
    assert code == 0, f"{argv}: exit {code}: {err.getvalue()}"
    return out.getvalue()


def run(root: Path) -> dict[str, Any]:
    store_dir, out = root / "store", root / "uit"
    out.mkdir(parents=True, exist_ok=True)
    seen: dict[str, Any] = {}
    s = ["--store", str(store_dir)]

    # -- a session, saved twice: the previous version is kept ---------------------------
    session_id = json.loads(cli(*s, "new", "--leerling", "T.d.J.", "--groep", "5",
                                "--school", "De Linde", "--datum", "2026-11-23",
                                "--json"))["id"]
    store = SessionStore(store_dir)
    session = store.load(session_id)
    session.add_note("Eerste notitie", T0)
    store.save(session)
    first = store.path_for(session_id).read_bytes()
    session.add_note("Tweede notitie", T0 + 60)
    store.save(session)
    assert backup_path(store.path_for(session_id)).read_bytes() == first, "no previous version"
    assert [n.text for n in store.load(session_id).notes][-1] == "Tweede notitie"
    seen["backup"] = True

    # -- the lock: refused while held, the holder named, free after kill -9 ----------------
    lock = store.lock(session_id)
    assert lock.acquire()
    other = store.lock(session_id)
    assert not other.acquire(), "a second lock was granted"
    assert other.holder().pid == os.getpid()
    lock.release()
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(ROOT), str(store_dir), session_id],
        stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        refused = store.lock(session_id)
        assert not refused.acquire(), "the other process's lock was not seen"
        assert refused.holder().pid == child.pid
    finally:
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up runs
        child.wait(timeout=30)
    assert child.returncode != 0
    assert not is_locked(store.lock(session_id).path), "a killed holder still blocks"
    seen["lock"] = True

    # -- exports and invitations ---------------------------------------------------------
    # The second name check of --pseudoniem writes no file; it loads deduce's tables in a
    # process of its own (seconds, ~1 GiB) and is tested in tests/test_names.py.
    from arrangeren_tui.core.export import namecheck

    real_check = namecheck.find_in_subprocess
    namecheck.find_in_subprocess = lambda texts, **kw: []  # type: ignore[assignment]
    try:
        for fmt in ("md", "html", "pdf", "svg", "json"):
            cli(*s, "export", session_id, "--format", fmt, "-o", str(out))
            cli(*s, "export", session_id, "--format", fmt, "-o", str(out), "--pseudoniem")
    finally:
        namecheck.find_in_subprocess = real_check  # type: ignore[assignment]
    for fmt in ("md", "tekst", "ics"):
        cli(*s, "uitnodiging", session_id, "--rol", "ouders", "--formaat", fmt, "-o", str(out))
    seen["exports"] = sorted(p.name for p in out.iterdir())

    # -- the jaarplanning: a series, a calendar, a link, a damaged file repaired ---------
    cli(*s, "plan", "reeks", "--van", "2026-08-24", "--tot", "2027-07-09", "--dag", "di",
        "--week", "3", "--tijd", "13:30", "--school", "De Linde")
    cli(*s, "plan", "--ook-verleden", "--ics", str(out))
    slot = PlanningStore(store_dir).slots()[0]
    cli(*s, "plan", "koppel", slot.id, session_id)
    cli(*s, "plan", "los", slot.id)  # a second write: the planning's previous version
    planning_path(store_dir).write_bytes(b"{ kapot")
    cli(*s, "plan", "herstel")
    assert PlanningStore(store_dir).slots(), "the planning was not restored"
    seen["planning"] = True

    # -- a damaged session: set aside, previous version back -----------------------------
    store.path_for(session_id).write_bytes(b"")
    cli(*s, "herstel", session_id)
    assert store.load(session_id).notes, "the previous version was not restored"
    seen["herstel"] = True

    # -- the crash log, a copy of a session elsewhere, the signals --------------------------
    assert write_crash_log(store_dir, RuntimeError("test")) is not None
    from arrangeren_tui.core.signals import TERMINAL_GONE_SIGNALS, TERMINATING_SIGNALS

    seen["signals"] = sorted(sig.name for sig in TERMINATING_SIGNALS)
    seen["terminal_gone"] = sorted(sig.name for sig in TERMINAL_GONE_SIGNALS)
    from arrangeren_tui.ui.app import write_copy

    write_copy(store.load(session_id).to_record(), out)

    # -- deleting it all -----------------------------------------------------------------
    other_id = json.loads(cli(*s, "new", "--leerling", "X.Y.", "--json"))["id"]
    cli(*s, "delete", other_id, "--ja")
    assert not [p for p in store_dir.iterdir() if other_id in p.name], "files left behind"
    seen["delete"] = True
    seen["session"] = session_id
    return seen


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]))))
