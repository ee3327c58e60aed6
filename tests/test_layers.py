"""The core and the CLI stay free of Textual, and importing creates nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import DEMO_ID

PACKAGE = Path(__file__).resolve().parent.parent / "arrangeren_tui"


def _modules(*folders: str) -> str:
    """Every module under the given folders of the package, as one import line's names."""
    names = []
    for folder in folders:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return ", ".join(names)


# The core and the CLI, every module of them.
CORE_MODULES = _modules("core", "cli")


def run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = dict(os.environ)
    for key in ("ARRANGEREN_STORE", "ARRANGEREN_VELD"):
        env.pop(key, None)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_core_and_cli_do_not_import_textual(tmp_path: Path) -> None:
    code = (
        f"import {CORE_MODULES}; import sys; "
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules), "
        "'textual imported'"
    )
    result = run(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "textual imported" not in result.stderr


def test_the_check_itself_can_fail(tmp_path: Path) -> None:
    # Guard against a check that always passes: importing Textual is noticed.
    code = (
        "import textual.app; import sys; "
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules), "
        "'textual imported'"
    )
    result = run(code, tmp_path)
    assert result.returncode != 0
    assert "textual imported" in result.stderr


def test_importing_creates_no_folder(tmp_path: Path) -> None:
    code = (
        f"import {CORE_MODULES}; "
        "from arrangeren_tui.core import paths; "
        "paths.resolve_store_dir(None); paths.resolve_veld_path(None); "
        "print(paths.resolve_store_dir(None))"
    )
    result = run(code, tmp_path)
    assert result.returncode == 0, result.stderr
    # Resolving names the user data dir under the fake home ...
    assert result.stdout.strip() == str(tmp_path / "home" / "data" / "arrangeren" / "sessions")
    # ... but nothing was created: not there, not in the working folder.
    assert list((tmp_path / "home").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


BOARD_START = """
import asyncio, sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from conftest import DEMO_ID, TODAY, FakeClock, demo_now, demo_session
from arrangeren_tui.core.paths import shipped_decks_dir
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import load_veld
from arrangeren_tui.ui.app import ArrangerenApp

veld = load_veld(shipped_decks_dir() / "veld.toml")
store = SessionStore(Path("store"))
store.ensure()
store.save(demo_session(veld))

async def main():
    app = ArrangerenApp(store=store, veld=veld, open_session={open_session!r}, deck_dirs=[],
                        now=FakeClock(demo_now()), today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == {screen!r}
        print(sorted(m for m in {lazy!r} if m in sys.modules))

asyncio.run(main())
"""

# What the board does not need until it is asked for: step 7's table, dialogs with a
# text area (all dialogs), the card picker and its search, the home screen, the decks,
# TinyDB (a session is read without it; only the planning store opens one), the exports.
# (The capture line's parser waits for a draft or a note; the demo has a draft.)
LAZY = ("arrangeren_tui.ui.board.afspraken", "textual.widgets._data_table",
        "textual.widgets._text_area", "arrangeren_tui.ui.dialogs.picker",
        "arrangeren_tui.ui.dialogs.cardsearch", "arrangeren_tui.ui.screens.home", "markdown_it",
        "arrangeren_tui.ui.dialogs.common", "arrangeren_tui.core.decks", "tinydb",
        "arrangeren_tui.core.export")


def loaded_after_start(tmp_path: Path, lazy: tuple[str, ...], open_session: str | None,
                       screen: str) -> str:
    """Which of ``lazy`` are loaded once the first screen (``screen``) is drawn."""
    code = BOARD_START.format(tests=str(Path(__file__).parent), lazy=lazy,
                              open_session=open_session, screen=screen)
    result = run(code, tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_opening_a_board_loads_nothing_it_does_not_draw(tmp_path: Path) -> None:
    assert loaded_after_start(tmp_path, LAZY, DEMO_ID, "BoardScreen") == "[]"


# What a start on the home screen does not need until a session is opened: the board.
HOME_LAZY = ("arrangeren_tui.ui.board.screen", "arrangeren_tui.ui.board.widgets",
             "arrangeren_tui.ui.board.afspraken", "markdown_it", "tinydb",
             "arrangeren_tui.core.export")


def test_starting_on_the_home_screen_loads_no_board(tmp_path: Path) -> None:
    assert loaded_after_start(tmp_path, HOME_LAZY, None, "HomeScreen") == "[]"
