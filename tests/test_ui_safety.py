"""Nothing lost, nothing leaked (UI): two instances, damaged files, deleting, retention,
consent, leaving unsaved, crashes and hostile pastes, through Pilot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import T0, TODAY, FakeClock, demo_now, demo_session
from textual import events
from textual.widgets import DataTable, Select

from arrangeren_tui.core.model import Consent, Session, SessionMeta
from arrangeren_tui.core.storage.crashlog import LOG_NAME
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui.app import EXIT_CRASH, ArrangerenApp
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.board.widgets import CaptureInput, PartyPane
from arrangeren_tui.ui.dialogs.common import ConfirmDialog, NoteDialog, UnsavedDialog
from arrangeren_tui.ui.dialogs.consent import ConsentDialog
from arrangeren_tui.ui.screens.home import HomeScreen, RetentionScreen


def make_app(store: SessionStore, veld: Veld, open_session: str | None = None,
             now: float | None = None) -> ArrangerenApp:
    return ArrangerenApp(store=store, veld=veld, open_session=open_session,
                         now=FakeClock(now or demo_now()), today=lambda: TODAY)


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if c == " " else c for c in text])


# -- two instances ---------------------------------------------------------------------


async def test_second_instance_is_read_only_and_writes_nothing(store, veld, demo):
    other = store.lock(demo.id)
    assert other.acquire()  # another window holds the session
    before = store.path_for(demo.id).read_bytes()
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.read_only.startswith("al open in een ander venster")
        banner = board.query_one("#readonly-banner")
        assert banner.display and "ALLEEN LEZEN" in str(banner.render())
        capture = board.query_one(CaptureInput)
        assert capture.disabled and capture.value == ""
        await type_text(pilot, "mag niet")
        await pilot.press("enter", "ctrl+t", "ctrl+z")
        await pilot.press("pagedown", "tab")  # looking around is allowed
        await pilot.pause()
        assert [n.text for n in board.session.notes] == [n.text for n in demo.notes]
        assert board.writer is None
        await pilot.press("ctrl+q")
    assert store.path_for(demo.id).read_bytes() == before
    other.release()
    # Once the other window is closed, the session opens for writing again.
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not app.screen.read_only
        assert store.in_use(demo.id)
        await pilot.press("ctrl+q")
    assert not store.in_use(demo.id)


# -- damaged files -----------------------------------------------------------------------


async def test_damaged_file_at_start_is_set_aside_and_backup_restored(store, veld):
    session = demo_session(veld)
    store.save(session)
    session.add_note("Na de reservekopie", T0 + 60, party="jgz")
    store.save(session)
    path = store.path_for(session.id)
    path.write_bytes(path.read_bytes()[:200])  # truncated
    app = make_app(store, veld)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "beschadigd" in dialog.question and ".beschadigd-" in dialog.question
        assert "vorige versie" in dialog.question
        await pilot.press("j")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one(DataTable)
        assert table.row_count == 1
    restored = store.load(session.id)
    assert len(restored.notes) == len(session.notes) - 1
    aside = list(store.root.glob(f"{session.id}.json.beschadigd-*"))
    assert len(aside) == 1 and len(aside[0].read_bytes()) == 200


async def test_a_folder_in_place_of_a_session_is_set_aside_and_its_backup_offered(store, veld):
    session = demo_session(veld)
    store.save(session)
    session.add_note("Na de reservekopie", T0 + 60, party="jgz")
    store.save(session)
    store.list()  # the index knows it as a normal session
    path = store.path_for(session.id)
    path.unlink()
    path.mkdir()
    app = make_app(store, veld)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "een map, geen bestand" in dialog.question and "vorige versie" in dialog.question
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert len(store.load(session.id).notes) == len(session.notes) - 1
    [aside] = store.root.glob(f"{session.id}.json.beschadigd-*")
    assert aside.is_dir()


async def test_home_marks_a_damaged_session(store, veld, demo):
    store.list()
    store.path_for(demo.id).write_bytes(b"{")
    other = store.lock(demo.id)
    assert other.acquire()  # open in another window: not set aside, so it stays listed
    app = make_app(store, veld)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one(DataTable)
        assert str(table.get_row(demo.id)[4]) == "beschadigd"
    other.release()


async def test_damaged_file_declined_keeps_both_and_app_runs(store, veld):
    good = demo_session(veld, session_id="20261123-good")
    store.save(good)
    bad = demo_session(veld)
    store.save(bad)
    store.save(bad)
    store.path_for(bad.id).write_bytes(b"\xff\xfe not json")
    app = make_app(store, veld)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")  # the good one still opens
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and app.screen.session.id == good.id
    assert not store.path_for(bad.id).exists()
    assert [b.session_id for b in store.orphan_backups()] == [bad.id]


# -- deleting -----------------------------------------------------------------------------


async def test_delete_from_home_removes_everything_after_confirmation(store, veld, demo):
    store.save(demo)  # a backup too
    app = make_app(store, veld)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert store.path_for(demo.id).exists()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 0
    assert list(store.root.glob(f"*{demo.id}*")) == []
    assert demo.id not in (store.root / "index.json").read_text("utf-8")


# -- retention ----------------------------------------------------------------------------


async def test_sessions_past_retention_are_listed_never_deleted(store, veld, demo):
    old = store.create(SessionMeta(pupil="Oud Voorbeeld", date="2023-02-01"), veld, T0)
    app = make_app(store, veld)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert [e.summary.id for e in home.expired] == [old.id]
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RetentionScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        assert str(table.get_row_at(0)[3]) == "2025-02-01"
        await pilot.press("escape")
    assert store.path_for(old.id).exists() and store.path_for(demo.id).exists()


# -- consent ---------------------------------------------------------------------------------


async def test_consent_recorded_from_the_board_and_saved(store, veld, demo):
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConsentDialog)
        assert "SWV, Jeugdhulp, JGZ" in str(dialog.query_one("#consent-missing").render())
        dialog.query_one("#consent-party", Select).value = "jgz"
        dialog.query_one("#consent-granted", Select).value = False
        dialog.query_one("#consent-by").value = "moeder"
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog.query_one("#consent-party", Select).value = "swv"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert dialog.query_one(DataTable).row_count == 2
        assert "Jeugdhulp" in str(dialog.query_one("#consent-missing").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, CaptureInput)
        await pilot.press("ctrl+q")
    saved = store.load(demo.id).consents
    assert [(c.party, c.granted, c.given_by, c.date) for c in saved] == [
        ("jgz", False, "moeder", "2026-11-23"),
        ("swv", True, "moeder", "2026-11-23"),
    ]


# -- leaving while saving fails ------------------------------------------------------------


def _break_saving(store: SessionStore, monkeypatch) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    real = store.save_record
    state = {"broken": True}

    def save(record):  # type: ignore[no-untyped-def]
        if state["broken"]:
            raise OSError(28, "No space left on device")
        real(record)

    monkeypatch.setattr(store, "save_record", save)
    return state


async def test_quit_while_unsaved_warns_and_writes_elsewhere(store, veld, demo, tmp_path,
                                                            monkeypatch):
    _break_saving(store, monkeypatch)
    rescue = tmp_path / "usb"
    rescue.mkdir()
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.writer._retry_seconds = 60
        app.screen.query_one(CaptureInput).value = ""
        await type_text(pilot, "alleen in het geheugen")
        await pilot.press("enter")
        await pilot.press("ctrl+q")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, UnsavedDialog)
        assert dialog.problem == "de schijf is vol"  # one Dutch phrase, not the OS words
        await pilot.press("escape")  # back to the meeting: nothing lost
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#unsaved-path").value = str(rescue)
        await pilot.press("enter")  # in the path field: write it there
        await pilot.pause()
    assert app.return_code == 0
    copy = rescue / f"{demo.id}.json"
    rescued = Session.from_record(json.loads(copy.read_text("utf-8")))
    assert rescued.notes[-1].text == "alleen in het geheugen"
    assert copy.stat().st_mode & 0o777 == 0o600
    assert "alleen in het geheugen" not in store.path_for(demo.id).read_text("utf-8")


async def test_quit_while_unsaved_retry_succeeds_once_disk_has_room(store, veld, demo,
                                                                   monkeypatch):
    state = _break_saving(store, monkeypatch)
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.writer._retry_seconds = 60
        await pilot.press("x", "enter", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedDialog)
        await pilot.press("ctrl+s")  # still full: the question comes back
        await pilot.pause()
        assert isinstance(app.screen, UnsavedDialog)
        state["broken"] = False
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.return_code == 0
    assert store.load(demo.id).notes[-1].text.endswith("x")


# -- an unexpected error ---------------------------------------------------------------------


async def test_a_crash_right_after_a_note_never_offers_it_again(store, veld, demo):
    text = "Vader belt voortaan elke vrijdag"
    app = make_app(store, veld, open_session=demo.id)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            board = app.screen
            assert isinstance(board, BoardScreen)
            board.query_one(CaptureInput).value = ""

            def explode(*args, **kwargs):  # type: ignore[no-untyped-def]
                raise RuntimeError("kapot")

            board.refresh_board = explode  # type: ignore[method-assign]
            await type_text(pilot, text)
            await pilot.press("enter")  # laid, then the crash, before the bar emptied
            await pilot.pause()
    saved = store.load(demo.id)
    assert saved.notes[-1].text == text
    assert saved.draft.text == text  # what the crash kept; opening must not put it back
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert board.query_one(CaptureInput).value == ""
        await pilot.press("enter")
        await pilot.press("ctrl+q")
    assert [n.text for n in store.load(demo.id).notes].count(text) == 1
    assert store.load(demo.id).draft.text == ""


async def test_a_draft_unlike_the_last_note_is_restored(store, veld, demo):
    demo.add_note("Vader belt voortaan elke vrijdag", T0 + 60, party="ouders")
    demo.set_draft("Vader belt voortaan", 19)
    store.save(demo)
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one(CaptureInput).value == "Vader belt voortaan"
        await pilot.press("ctrl+q")



async def test_crash_saves_first_logs_without_note_text_and_exits_non_zero(store, veld, demo,
                                                                           monkeypatch):
    secret = "Moeder vertelt over de scheiding"

    def explode(self):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"kapot: {self.session.draft.text}")

    monkeypatch.setattr(BoardScreen, "action_overview", explode)
    app = make_app(store, veld, open_session=demo.id)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            app.screen.query_one(CaptureInput).value = ""
            await type_text(pilot, secret)
            await pilot.press("ctrl+o")
            await pilot.pause()
    assert app.return_code == EXIT_CRASH
    # Saved first: the half-typed text survived.
    assert store.load(demo.id).draft.text == secret
    # The log has the place of the error, not the words.
    log = (store.root / LOG_NAME).read_text("utf-8")
    assert "RuntimeError" in log and "explode" in log
    assert "scheiding" not in log and "Tessa" not in log
    # What the terminal shows: a short Dutch message, no traceback, no note text.
    shown = " ".join(str(r) for r in app._exit_renderables)
    assert "scheiding" not in shown and "Traceback" not in shown
    console_text = app.console.export_text() if app.console.record else ""
    assert "scheiding" not in console_text


# -- hostile input --------------------------------------------------------------------------------


async def test_multi_line_paste_opens_the_note_dialog_with_everything(store, veld, demo):
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        capture = app.screen.query_one(CaptureInput)
        capture.value = "Begin: "
        capture.post_message(events.Paste("regel een\r\nregel twee\n- derde"))
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        assert dialog.initial.text == "Begin: regel een\nregel twee\n- derde"
        await pilot.press("ctrl+s")
        await pilot.pause()
        board = app.screen
        assert board.session.notes[-1].text == "Begin: regel een\nregel twee\n- derde"
        assert capture.value == ""


async def test_megabyte_paste_is_stored_whole_and_shown_clipped(store, veld, demo):
    big = ("woord " * 20) + "\x1b]0;GEKAAPT\x07\x1b[2J" + "x" * 1_000_000 + "\u202eeinde"
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        capture = board.query_one(CaptureInput)
        capture.value = ""
        capture.post_message(events.Paste(big))
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "1.000.1" in app.screen.question
        await pilot.press("j")
        await pilot.pause()
        assert board.session.notes[-1].text == big
        pane = board.query_one(f"#pane-{board.session.selected_party}", PartyPane)
        shown = pane.get_option_at_index(pane.option_count - 1).prompt
        plain = shown.plain
        assert len(plain) < 1000 and "tekens)" in plain
        assert "\x1b" not in plain and "\x07" not in plain and "\u202e" not in plain
        assert "␛" in plain
        await pilot.press("ctrl+q")
    assert store.load(demo.id).notes[-1].text == big


async def test_window_down_to_1x1_and_back(store, veld, demo):
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        for width, height in [(1, 1), (2, 1), (40, 10), (79, 24), (1, 1), (120, 40), (80, 24)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await type_text(pilot, "na het draaien")
        await pilot.press("enter")
        await pilot.press("ctrl+q")
    assert store.load(demo.id).notes[-1].text.endswith("na het draaien")


PUPIL, SCHOOL = "[/] [b]Fien", ":smile:[i]"  # short enough not to be cut in the lists


def _shown(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(widget.render()) for widget in screen.query(selector))


def _table_texts(table: DataTable[object]) -> list[str]:
    return [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]


async def test_text_that_looks_like_markup_is_shown_as_typed_in_every_list(store, veld):
    """Textual reads a text cell of a table as Rich markup: a pupil named with ``[/]`` in
    it stopped the program every time the home list was drawn, ``[b]`` made text bold.
    The home list, the history, the afspraken and the consents show what was typed."""
    session = store.create(SessionMeta(pupil=PUPIL, date="2026-11-23", school=SCHOOL),
                           veld, T0)
    session.lay_card(T0, card_id="eigen", title="[/]Kaart", party="ouders", step="arrangeren")
    session.add_consent(Consent(party="swv", scope="[/b]verslag", given_by="[i]moeder",
                                date="2026-11-23"), T0)
    session.go_to_step("afspraken", T0)
    store.save(session)
    app = make_app(store, veld)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        texts = _table_texts(home.query_one(DataTable))
        assert PUPIL in texts and SCHOOL in texts
        for key in ("d", "v"):  # the delete question and the vervolggesprek's title
            await pilot.press(key)
            await pilot.pause()
            assert PUPIL in _shown(app.screen, "Static, Label")
            await pilot.press("escape")
            await pilot.pause()
        app.notify(f"Bewaard: {PUPIL}")  # a notice, as the app gives them
        await pilot.pause()
        await pilot.pause()
        assert f"Bewaard: {PUPIL}" in _shown(app.screen, "Toast")
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "Fien")
        await pilot.pause(0.5)
        assert PUPIL in _table_texts(app.screen.query_one(DataTable))
        await pilot.press("escape")
        await pilot.pause()
        app.open_session(session.id)
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert "[/]Kaart" in _table_texts(board.query_one("#afspraken DataTable", DataTable))
        await pilot.press("f7")
        await pilot.pause()
        texts = _table_texts(app.screen.query_one(DataTable))
        assert "[/b]verslag" in texts and "[i]moeder" in texts
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert app.return_code == 0


def test_no_network_module_is_imported_by_the_app(tmp_path: Path):
    """Belt and braces next to the audit-hook test: no network client library loads.

    (asyncio itself imports socket and ssl, so those two are not a sign of anything.)
    """
    import subprocess
    import sys

    code = (
        "import sys; import arrangeren_tui.cli.main, arrangeren_tui.ui.app, "
        "arrangeren_tui.core.decks.load, arrangeren_tui.core.decks.write;"
        "bad = [m for m in ('http.client', 'urllib.request', 'requests', 'httpx', "
        "'smtplib', 'ftplib', 'xmlrpc.client') if m in sys.modules]; print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- a read-only store folder, as a user who is not root -----------------------------------

READ_ONLY_SCRIPT = r"""
import asyncio, json, sys
from pathlib import Path
from arrangeren_tui.cli.main import main
from arrangeren_tui.core.paths import shipped_decks_dir
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import load_veld
from arrangeren_tui.ui.app import ArrangerenApp

root, session_id = Path(sys.argv[1]), sys.argv[2]
result = {}
try:
    main(["--store", str(root), "new", "--leerling", "X.Y."])
except SystemExit as exit:
    result["new_code"] = exit.code

async def board():
    store = SessionStore(root)
    app = ArrangerenApp(store=store, veld=load_veld(shipped_decks_dir() / "veld.toml"),
                        open_session=session_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        result["screen"] = type(screen).__name__
        result["read_only"] = getattr(screen, "read_only", "")
        await pilot.press("a", "b", "enter", "ctrl+q")
        await pilot.pause()
    result["notes"] = len(store.load(session_id).notes)

asyncio.run(board())
print(json.dumps(result))
"""


def test_read_only_store_as_a_normal_user(tmp_path: Path, veld):
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="arrangeren-ro-"))
    try:
        os.chmod(base, 0o755)
        store = SessionStore(base / "store")
        session = store.create(SessionMeta(pupil="R.O.", date="2026-11-23"), veld, T0)
        home = base / "home"
        home.mkdir()
        command = [sys.executable, "-c", READ_ONLY_SCRIPT, str(store.root), session.id]
        demote = None
        if os.geteuid() == 0:  # root ignores permissions
            if _reachable_by_others(Path(sys.executable).resolve()):
                for path in (store.root, home, *store.root.iterdir()):
                    os.chown(path, 65534, 65534)

                def demote() -> None:  # type: ignore[misc]
                    os.setgid(65534)
                    os.setuid(65534)  # run as 'nobody'
            elif shutil.which("setpriv"):
                # The interpreter lives where 'nobody' cannot reach it: stay uid 0 but
                # without any capability, so that file permissions hold as for anyone.
                command = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--", *command]
            else:
                pytest.skip("running as root without a way to drop privileges")
        os.chmod(store.root, 0o500)
        before = sorted((p.name, p.read_bytes()) for p in store.root.iterdir())
        env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "d"),
                   XDG_CONFIG_HOME=str(home / "c"), PYTHONDONTWRITEBYTECODE="1")
        env.pop("ARRANGEREN_STORE", None)
        result = subprocess.run(
            command,
            capture_output=True, text=True, timeout=120, env=env, cwd=home,
            preexec_fn=demote,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        outcome = json.loads(result.stdout.strip().splitlines()[-1])
        # `new` fails with one Dutch line, no traceback.
        assert outcome["new_code"] == 1
        assert "Traceback" not in result.stderr
        assert "arrangeren: " in result.stderr
        # The board opens read-only and says why; nothing is written.
        assert outcome["screen"] == "BoardScreen"
        assert "niet beschrijfbaar" in outcome["read_only"] or "alleen-lezen" in outcome[
            "read_only"]
        assert outcome["notes"] == 0
        os.chmod(store.root, 0o700)
        after = sorted((p.name, p.read_bytes()) for p in store.root.iterdir())
        assert after == before
    finally:
        os.chmod(base / "store", 0o700)
        shutil.rmtree(base, ignore_errors=True)


def _reachable_by_others(path: Path) -> bool:
    """True if a user other than the owner can traverse to and run ``path``."""
    import stat

    for folder in path.parents:
        if not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & stat.S_IXOTH)
