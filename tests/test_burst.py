"""Keys that arrive in one burst take effect in order, on every screen with typing.

An SSH link delivers several keys in one read. Each test here starts the real
program in a pty (``tests/ptyapp.py``) and writes a whole burst in one ``write``,
then reads the result from disk. Textual 8.2.8 alone lets bound keys (Backspace,
Tab, Enter, ^S) overtake the characters around them (textual#6605).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ptyapp import KEYS, PtyApp, child_env

from arrangeren_tui.core.model import Session
from arrangeren_tui.core.storage.store import SessionStore

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pty: Linux only")

START_TIMEOUT = 20.0  # two cores shared with other programs
BOARD_TEXT = "Stap ▶"  # in the key bar once the board is up
PLACEHOLDER = "Typ een notitie"
TAB, BACKSPACE, ENTER = KEYS["tab"], KEYS["backspace"], KEYS["enter"]
CTRL_S, CTRL_K, PAGEDOWN = KEYS["ctrl+s"], KEYS["ctrl+k"], KEYS["pagedown"]
ESCAPE = KEYS["escape"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return child_env({"XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
                      "XDG_DATA_HOME": str(tmp_path / "xdg-data")})


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def spawn(env: dict[str, str], tmp_path: Path):  # type: ignore[no-untyped-def]
    started: list[PtyApp] = []

    def start(*args: str) -> PtyApp:
        app = PtyApp(list(args), env=env, cwd=tmp_path)
        started.append(app)
        return app

    yield start
    for app in started:
        app.terminate_hard()


def new_session(env: dict[str, str], store_dir: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "arrangeren_tui", "--store", str(store_dir), "new",
         "--leerling", "Sem Visser", "--school", "De Proef", "--json"],
        env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["id"])


def only_session(store_dir: Path) -> Session:
    store = SessionStore(store_dir)
    (session_id,) = store.session_ids()
    return store.load(session_id)


def quit_and_wait(app: PtyApp) -> None:
    time.sleep(0.8)  # the draft is written 0.4 s after the last key
    app.press("ctrl+q")
    assert app.wait(5.0) == 0, app.text()


def open_board(spawn, env: dict[str, str], store_dir: Path) -> PtyApp:  # type: ignore[no-untyped-def]
    app = spawn("--store", str(store_dir), "open", new_session(env, store_dir))
    app.expect_text(BOARD_TEXT, START_TIMEOUT)
    return app


def test_burst_in_the_new_session_form(spawn, store_dir: Path) -> None:
    """Tab to the next field, Backspace, Enter to the next field and ^S, all in one read."""
    app = spawn("--store", str(store_dir))
    app.expect_text("Opslag", START_TIMEOUT)
    app.write(b"n")
    app.expect_text("Nieuw arrangeergesprek")
    app.write(b"Noor VerbeekX" + BACKSPACE + TAB + b"5" + TAB + TAB + b"13:30" + ENTER
              + ENTER + b"De Linde" + TAB + b"Lokaal 4" + CTRL_S)
    app.expect_text(BOARD_TEXT, 10.0)
    quit_and_wait(app)
    meta = only_session(store_dir).meta
    assert (meta.pupil, meta.group, meta.time, meta.school, meta.place) == (
        "Noor Verbeek", "5", "13:30", "De Linde", "Lokaal 4")


def test_burst_over_a_dropdown_and_a_button(spawn, store_dir: Path) -> None:
    """Tab past a party dropdown onto "+ Deelnemer", Enter, and the new row typed at once:
    keys for a widget that is not a text field wait their turn too."""
    app = spawn("--store", str(store_dir))
    app.expect_text("Opslag", START_TIMEOUT)
    app.write(b"n")
    app.expect_text("Nieuw arrangeergesprek")
    app.write(b"Lina Bakker" + TAB * 9 + b"Fatima Yilmaz" + TAB + b"moeder" + TAB + TAB
              + ENTER + b"Joris de Wit" + TAB + b"leraar" + CTRL_S)
    app.expect_text(BOARD_TEXT, 10.0)
    quit_and_wait(app)
    meta = only_session(store_dir).meta
    assert meta.pupil == "Lina Bakker"
    assert [(p.name, p.role, p.party) for p in meta.participants] == [
        ("Fatima Yilmaz", "moeder", "ouders"), ("Joris de Wit", "leraar", "school")]


def test_burst_on_the_board(spawn, env: dict[str, str], store_dir: Path) -> None:
    """Backspaces between letters, and Tab and PgDn (the board's own keys) between notes."""
    app = open_board(spawn, env, store_dir)
    app.write(b"hallo wereld" + BACKSPACE * 3 + b"XYZ" + ENTER
              + b"bij de ouders" + TAB + ENTER  # Tab moves on; Enter lays it there
              + b"volgende stap" + PAGEDOWN + ENTER
              + b"een concept")
    assert app.wait_for(lambda screen: "een concept" in screen, 10.0), app.text()
    quit_and_wait(app)
    session = only_session(store_dir)
    assert [(n.text, n.party, n.step) for n in session.notes] == [
        ("hallo werXYZ", "leerling", "opening"),
        ("bij de ouders", "ouders", "opening"),
        ("volgende stap", "ouders", "puzzel"),
    ]
    assert session.draft.text == "een concept"


def test_burst_through_the_card_picker(spawn, env: dict[str, str], store_dir: Path) -> None:
    """^K, a search, Enter to lay the card, and a note behind it: the note is on the board."""
    app = open_board(spawn, env, store_dir)
    app.write(PAGEDOWN * 5)  # Arrangeren
    app.expect_text("6 Arrangeren")
    app.write(CTRL_K + b"zelf een doel" + ENTER + b"na de kaart" + ENTER)
    assert app.wait_for(lambda screen: "na de kaart" in screen and PLACEHOLDER in screen,
                        10.0), app.text()
    quit_and_wait(app)
    session = only_session(store_dir)
    assert [c.title for c in session.arrangement] == ["Zelf een doel kiezen"]
    assert [n.text for n in session.notes] == ["na de kaart"]


def test_burst_through_the_picker_twice(spawn, env: dict[str, str], store_dir: Path) -> None:
    """^K, Esc, ^K again, a search, Enter, and a note: each key lands where the one before
    it left the focus (the keys behind a closing picker used to go down with it)."""
    app = open_board(spawn, env, store_dir)
    app.write(PAGEDOWN * 5)
    app.expect_text("6 Arrangeren")
    # A bare Esc is only an Esc when nothing follows it at once (an Esc right before
    # another key is how a terminal sends Alt+key), so the burst pauses there, as a
    # terminal that sends Esc does; the second burst starts before the board is back.
    app.write(CTRL_K + b"stop" + ESCAPE)
    time.sleep(0.2)
    app.write(CTRL_K + b"zelf een doel" + ENTER + b"na de kaart" + ENTER + b"en verder")
    assert app.wait_for(lambda screen: "en verder" in screen and "na de kaart" in screen,
                        10.0), app.text()
    quit_and_wait(app)
    session = only_session(store_dir)
    assert [c.title for c in session.arrangement] == ["Zelf een doel kiezen"]
    assert [n.text for n in session.notes] == ["na de kaart"]
    assert session.draft.text == "en verder"


def test_burst_in_a_dialog_and_back(spawn, env: dict[str, str], store_dir: Path) -> None:
    """The long-note dialog (^L): lines, a Backspace, ^S, and typing on the board right after."""
    app = open_board(spawn, env, store_dir)
    app.write(b"\x0c" + b"regel een" + ENTER + b"regel twee" + BACKSPACE + b"X" + CTRL_S
              + b"daarna" + ENTER)
    assert app.wait_for(lambda screen: "daarna" in screen and PLACEHOLDER in screen,
                        10.0), app.text()
    quit_and_wait(app)
    assert [n.text for n in only_session(store_dir).notes] == [
        "regel een\nregel twee"[:-1] + "X", "daarna"]
