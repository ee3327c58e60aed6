"""The fictional demo session that ships in sessions/ loads and is what the README promises."""

from __future__ import annotations

import stat
from pathlib import Path

from arrangeren_tui.core.storage.store import SessionStore

REPO = Path(__file__).resolve().parent.parent


def test_demo_session_loads_and_is_paused():
    store = SessionStore(REPO / "sessions")
    session = store.load("20261123-demo")
    assert session.meta.pupil == "Tessa de Jong"
    assert len(session.notes) == 9
    assert not session.clock.running  # a demo must not run up an overrun while nobody looks
    assert session.id not in session.meta.pupil


def test_only_demo_and_readme_are_tracked_in_sessions():
    ignore = (REPO / "sessions" / ".gitignore").read_text("utf-8").split()
    assert ignore[ignore.index("*") + 1 :] == ["!.gitignore", "!README.md", "!20261123-demo.json",
                                               "!20261208-plan.json"]


def test_planned_demo_has_its_voorbereiding():
    session = SessionStore(REPO / "sessions").load("20261208-plan")
    assert session.planned and session.meta.pupil == "Sem Visser"
    assert session.preparation.puzzle and session.preparation.invite_consent["jgz"] == "nee"


def test_demo_file_is_not_world_readable_after_a_save(tmp_path):
    store = SessionStore(tmp_path)
    store.save_record(SessionStore(REPO / "sessions").read_record("20261123-demo"))
    mode = stat.S_IMODE(store.path_for("20261123-demo").stat().st_mode)
    assert mode == 0o600
