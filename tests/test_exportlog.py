"""Deleting a session also removes the verslagen and invitations the program wrote for it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from conftest import TODAY, FakeClock, demo_now

from arrangeren_tui.cli.main import main
from arrangeren_tui.core.removal import delete_session
from arrangeren_tui.core.storage.exportlog import (
    exported_files,
    log_path,
    record_export,
    remove_exports,
)
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.screens.export import ExportScreen


def write(path: Path, text: str) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return text.encode("utf-8")


def test_unchanged_files_go_changed_and_moved_ones_are_named(tmp_path: Path) -> None:
    root = tmp_path / "store"
    out = tmp_path / "verslagen"
    same = out / "verslag.md"
    changed = out / "verslag.html"
    moved = out / "foto.svg"
    for path in (same, changed, moved):
        record_export(root, "20261123-abcd", path, write(path, f"over Tessa: {path.name}"))
    assert stat.S_IMODE(log_path(root, "20261123-abcd").stat().st_mode) == 0o600
    assert [r.path.name for r in exported_files(root, "20261123-abcd")] == [
        "verslag.md", "verslag.html", "foto.svg"]
    changed.write_text("door de IB'er aangevuld", "utf-8")
    moved.rename(out / "elders.svg")

    cleanup = remove_exports(root, "20261123-abcd")

    assert cleanup.removed == [same.resolve()]
    assert not same.exists() and changed.exists() and (out / "elders.svg").exists()
    reasons = dict(cleanup.kept)
    assert "gewijzigd" in reasons[changed.resolve()]
    assert "niet meer gevonden" in reasons[moved.resolve()]
    assert not log_path(root, "20261123-abcd").exists()


def test_writing_the_same_file_again_keeps_one_entry_with_the_new_bytes(tmp_path: Path) -> None:
    root = tmp_path / "store"
    target = tmp_path / "out" / "verslag.md"
    record_export(root, "20261123-abcd", target, write(target, "eerste versie"))
    record_export(root, "20261123-abcd", target, write(target, "tweede versie"))
    assert len(exported_files(root, "20261123-abcd")) == 1
    assert remove_exports(root, "20261123-abcd").removed == [target.resolve()]


def test_cli_delete_removes_exports_and_names_what_stays(capsys, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    out = tmp_path / "verslagen"
    out.mkdir()
    assert main(["--store", str(store_dir), "new", "--leerling", "Tessa de Jong", "--json"]) == 0
    sid = json.loads(capsys.readouterr().out)["id"]
    assert main(["--store", str(store_dir), "export", sid, "-o", str(out)]) == 0
    assert main(["--store", str(store_dir), "export", sid, "--format", "html", "-o",
                 str(out)]) == 0
    assert main(["--store", str(store_dir), "uitnodiging", sid, "--rol", "ouders", "-o",
                 str(out)]) == 0
    capsys.readouterr()
    written = sorted(out.iterdir())
    assert len(written) == 3
    kept = next(p for p in written if p.suffix == ".html")
    kept.write_text(kept.read_text("utf-8") + "<!-- aangevuld -->", "utf-8")

    assert main(["--store", str(store_dir), "delete", sid, "--ja"]) == 0
    said = capsys.readouterr().out
    assert f"Gesprek {sid} verwijderd (" in said
    assert "2 verslagen en uitnodigingen" in said
    assert str(kept.resolve()) in said and "gewijzigd" in said
    assert sorted(out.iterdir()) == [kept]
    assert not (store_dir / "exports" / f"{sid}.json").exists()


async def test_the_export_screen_notes_what_it_writes(store: SessionStore, veld, demo,
                                                      tmp_path: Path) -> None:
    folder = tmp_path / "verslagen"
    app = ArrangerenApp(store=store, veld=veld, open_session=demo.id, now=FakeClock(demo_now()),
                        today=lambda: TODAY, export_dir=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, BoardScreen)
        app.screen.action_verslag()
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("m", "h")
        await pilot.pause()
        await pilot.press("escape", "ctrl+q")
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == 2
    assert sorted(r.path.name for r in exported_files(store.root, demo.id)) == written
    removal = delete_session(store, demo.id)
    assert len(removal.exports.removed) == 2 and not removal.exports.kept
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("damage", ["not json", "{\"files\": 3}"])
def test_a_damaged_list_does_not_stop_a_delete(tmp_path: Path, damage: str) -> None:
    root = tmp_path / "store"
    write(log_path(root, "20261123-abcd"), damage)
    assert remove_exports(root, "20261123-abcd").removed == []
    assert not log_path(root, "20261123-abcd").exists()
