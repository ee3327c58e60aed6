"""The ``arrangeren`` command line: output, one-line Dutch errors, where things live."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arrangeren_tui import __version__
from arrangeren_tui.cli import main as cli
from arrangeren_tui.cli.main import main
from arrangeren_tui.core import paths
from arrangeren_tui.core.paths import resolve_store_dir, resolve_veld_path
from arrangeren_tui.core.storage.store import SessionStore

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "decks" / "veld.toml"
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch) -> Path:
    """No real store, veld or user folder is ever used."""
    monkeypatch.delenv("ARRANGEREN_STORE", raising=False)
    monkeypatch.delenv("ARRANGEREN_VELD", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # no ./sessions here
    return work


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


def run_ok(capsys, argv: list[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    return out


def run_fail(capsys, argv: list[str]) -> tuple[int, str]:
    """Run a command that must fail; return its exit code and its one stderr line."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    code = info.value.code
    assert isinstance(code, int) and code != 0
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert err.endswith("\n")
    assert lines[0].startswith("arrangeren: ")
    return code, lines[0]


def new_session(capsys, store_dir: Path, *extra: str) -> dict:
    out = run_ok(
        capsys,
        [
            "--store",
            str(store_dir),
            "new",
            "--leerling",
            "T.d.J.",
            "--groep",
            "5",
            "--datum",
            "2026-11-23",
            "--json",
            *extra,
        ],
    )
    return json.loads(out)


# -- new and list -----------------------------------------------------------------


def test_new_json(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    assert data["leerling"] == "T.d.J."
    assert data["datum"] == "2026-11-23"
    assert data["id"].startswith("20261123-")
    assert (store_dir / f"{data['id']}.json").is_file()
    session = SessionStore(store_dir).load(data["id"])
    assert session.meta.group == "5"
    assert session.clock.planned_seconds == 90 * 60  # the veld's total by default


def test_new_plain_prints_only_the_id(capsys, store_dir: Path) -> None:
    out = run_ok(
        capsys,
        ["--store", str(store_dir), "new", "--leerling", " Anna Smit ", "--school", "De Linde"],
    )
    (session_id,) = out.split()
    session = SessionStore(store_dir).load(session_id)
    assert session.meta.pupil == "Anna Smit"  # trimmed
    assert session.meta.school == "De Linde"
    assert len(session.meta.date) == 10  # today, as JJJJ-MM-DD


def test_new_with_duration(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir, "--duur", "45")
    assert SessionStore(store_dir).load(data["id"]).clock.planned_seconds == 45 * 60


def test_list_json_shows_the_new_session(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    rows = json.loads(run_ok(capsys, ["--store", str(store_dir), "list", "--json"]))
    assert rows == [
        {
            "id": data["id"],
            "leerling": "T.d.J.",
            "datum": "2026-11-23",
            "school": "",
            "groep": "5",
            "status": "open",
            "evaluatiedatum": "",
            "beschadigd": "",
        }
    ]


def test_list_human(capsys, store_dir: Path) -> None:
    store_dir.mkdir()
    assert run_ok(capsys, ["--store", str(store_dir), "list"]) == "Nog geen gesprekken.\n"
    first = new_session(capsys, store_dir)
    out = run_ok(
        capsys,
        [
            "--store",
            str(store_dir),
            "new",
            "--leerling",
            "Anna Smit",
            "--school",
            "De Linde",
            "--datum",
            "2026-12-01",
        ],
    )
    second = out.strip()
    lines = run_ok(capsys, ["--store", str(store_dir), "list"]).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{second}  2026-12-01  open")  # newest first
    assert lines[0].endswith("Anna Smit  (De Linde)")
    assert lines[1].startswith(f"{first['id']}  2026-11-23  open")
    assert lines[1].endswith("T.d.J.  (groep 5)")


def test_list_of_the_default_store_before_the_first_session_creates_nothing(
        capsys, isolated: Path, tmp_path: Path) -> None:
    assert json.loads(run_ok(capsys, ["list", "--json"])) == []
    assert run_ok(capsys, ["list"]).startswith("Nog geen gesprekken")
    assert not (tmp_path / "xdg-data").exists()


@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["bewaartermijn"], ["plan"]])
@pytest.mark.parametrize("how", ["--store", "env"])
def test_a_named_store_that_does_not_exist_is_an_error_not_an_empty_list(
        capsys, store_dir: Path, monkeypatch, command: list[str], how: str) -> None:
    """A mistyped --store must not look like a store whose sessions are all gone."""
    if how == "env":
        monkeypatch.setenv("ARRANGEREN_STORE", str(store_dir))
        argv = command
    else:
        argv = ["--store", str(store_dir), *command]
    code, line = run_fail(capsys, argv)
    assert code == 1
    assert f"de map {store_dir} bestaat niet" in line
    assert ("--store" if how == "--store" else "ARRANGEREN_STORE") in line
    assert not store_dir.exists()


@pytest.mark.parametrize("command", [["list"], ["bewaartermijn"], ["plan"]])
def test_a_store_that_is_a_file_is_an_error(capsys, tmp_path: Path, command: list[str]) -> None:
    afile = tmp_path / "gesprekken.txt"
    afile.write_text("geen map\n")
    code, line = run_fail(capsys, ["--store", str(afile), *command])
    assert code == 1
    assert f"{afile} is een bestand, geen map met gesprekken" in line
    assert afile.read_text() == "geen map\n"


def test_list_warns_about_a_damaged_file_but_succeeds(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    (store_dir / "20261123-kapt.json").write_bytes(b"")
    assert main(["--store", str(store_dir), "list", "--json"]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out)
    assert [row["id"] for row in rows] == [data["id"], "20261123-kapt"]
    assert rows[0]["beschadigd"] == "" and rows[1]["beschadigd"]
    assert err.startswith("arrangeren: let op: ")
    assert "20261123-kapt" in err


def test_list_and_open_with_a_file_in_the_wrong_shape(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    (store_dir / "20261123-vorm.json").write_text('{"session": []}')
    assert main(["--store", str(store_dir), "list", "--json"]) == 0
    out, err = capsys.readouterr()
    assert [(row["id"], bool(row["beschadigd"])) for row in json.loads(out)] == [
        (data["id"], False), ("20261123-vorm", True)]
    assert err.startswith("arrangeren: let op: ") and "20261123-vorm" in err
    code, line = run_fail(capsys, ["--store", str(store_dir), "open", "20261123-vorm"])
    assert code == 1
    assert "onverwachte vorm" in line


def test_store_from_environment(capsys, store_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("ARRANGEREN_STORE", str(store_dir))
    out = run_ok(capsys, ["new", "--leerling", "T.d.J.", "--json"])
    assert (store_dir / f"{json.loads(out)['id']}.json").is_file()


# -- errors: one Dutch line, no traceback ----------------------------------------


def test_missing_leerling(capsys, store_dir: Path) -> None:
    code, line = run_fail(capsys, ["--store", str(store_dir), "new", "--groep", "5"])
    assert code == 2
    assert "verplicht maar ontbreekt: --leerling" in line
    assert not store_dir.exists()


def test_empty_leerling(capsys, store_dir: Path) -> None:
    code, line = run_fail(capsys, ["--store", str(store_dir), "new", "--leerling", "  "])
    assert code == 2
    assert line == "arrangeren: --leerling mag niet leeg zijn"
    assert not store_dir.exists()


@pytest.mark.parametrize("datum", ["23-11-2026", "2026-13-01", "morgen"])
def test_bad_datum(capsys, store_dir: Path, datum: str) -> None:
    code, line = run_fail(
        capsys, ["--store", str(store_dir), "new", "--leerling", "T.d.J.", "--datum", datum]
    )
    assert code == 2
    assert f"'{datum}' is geen datum als JJJJ-MM-DD" in line
    assert not store_dir.exists()


@pytest.mark.parametrize("duur", ["0", "601"])
def test_bad_duur(capsys, store_dir: Path, duur: str) -> None:
    code, line = run_fail(
        capsys, ["--store", str(store_dir), "new", "--leerling", "T.d.J.", "--duur", duur]
    )
    assert code == 2
    # One range for the form and the CLI since the restructuring (the CLI took 1-9 before).
    assert "--duur moet tussen 10 en 600 minuten liggen" in line


def test_too_long_leerling(capsys, store_dir: Path) -> None:
    code, line = run_fail(
        capsys, ["--store", str(store_dir), "new", "--leerling", "x" * 61]
    )
    assert code == 2
    assert line == "arrangeren: --leerling mag hoogstens 60 tekens lang zijn"
    assert not store_dir.exists()
    out = run_ok(capsys, ["--store", str(store_dir), "new", "--leerling", "x" * 60])
    assert SessionStore(store_dir).load(out.strip()).meta.pupil == "x" * 60


def test_duur_under_ten_minutes(capsys, store_dir: Path) -> None:
    code, line = run_fail(
        capsys, ["--store", str(store_dir), "new", "--leerling", "T.d.J.", "--duur", "5"]
    )
    assert code == 2
    assert "--duur moet tussen 10 en 600 minuten liggen" in line
    assert not store_dir.exists()


def test_duur_not_a_number(capsys, store_dir: Path) -> None:
    code, line = run_fail(
        capsys, ["--store", str(store_dir), "new", "--leerling", "T.d.J.", "--duur", "lang"]
    )
    assert code == 2
    assert "ongeldige waarde voor --duur" in line


def test_unknown_command(capsys) -> None:
    code, line = run_fail(capsys, ["opruimen"])
    assert code == 2
    assert "onbekend commando 'opruimen'" in line
    assert "new" in line and "list" in line


def test_unknown_option(capsys, store_dir: Path) -> None:
    code, line = run_fail(capsys, ["--store", str(store_dir), "list", "--kleur"])
    assert code == 2
    assert "onbekend: --kleur" in line


def test_open_unknown_id(capsys, store_dir: Path) -> None:
    new_session(capsys, store_dir)
    code, line = run_fail(capsys, ["--store", str(store_dir), "open", "20250101-zzzz"])
    assert code == 1
    assert "geen gesprek met code '20250101-zzzz'" in line


def test_open_ambiguous_prefix(capsys, store_dir: Path) -> None:
    new_session(capsys, store_dir)
    new_session(capsys, store_dir)
    code, line = run_fail(capsys, ["--store", str(store_dir), "open", "2026"])
    assert code == 1
    assert "past bij meer gesprekken" in line


def test_open_damaged_session_fails_before_the_screen(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    (store_dir / f"{data['id']}.json").write_bytes(b"")
    code, line = run_fail(capsys, ["--store", str(store_dir), "open", data["id"]])
    assert code == 1
    assert "beschadigd" in line


def test_unusable_store_folder(capsys, tmp_path: Path) -> None:
    blocker = tmp_path / "een-bestand"
    blocker.write_text("geen map")
    code, line = run_fail(
        capsys, ["--store", str(blocker), "new", "--leerling", "T.d.J."]
    )
    assert code == 1
    assert "kan de map" in line


# -- the real entry points --------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ARRANGEREN_STORE", None)
    env.pop("ARRANGEREN_VELD", None)
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    return env


def test_console_script(capsys, store_dir: Path, tmp_path: Path) -> None:
    data = new_session(capsys, store_dir)
    script = VENV_BIN / "arrangeren"
    if not script.exists():
        script = ROOT / ".venv" / "bin" / "arrangeren"
    result = subprocess.run(
        [str(script), "--store", str(store_dir), "list", "--json"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert [row["id"] for row in json.loads(result.stdout)] == [data["id"]]


def test_console_script_error_exit_code(tmp_path: Path) -> None:
    script = VENV_BIN / "arrangeren"
    if not script.exists():
        script = ROOT / ".venv" / "bin" / "arrangeren"
    result = subprocess.run(
        [str(script), "--store", str(tmp_path / "s"), "new"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("arrangeren: ")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_module_version(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "arrangeren_tui", "--version"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"arrangeren {__version__}"


# -- where the store and the veld are found ---------------------------------------


def test_store_dir_from_cli_value_wins(tmp_path: Path, isolated: Path) -> None:
    (isolated / "sessions").mkdir()
    env = {"ARRANGEREN_STORE": str(tmp_path / "env")}
    assert resolve_store_dir(str(tmp_path / "cli"), env) == tmp_path / "cli"


def test_store_dir_expands_home(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "thuis"))
    assert resolve_store_dir("~/gesprekken", {}) == tmp_path / "thuis" / "gesprekken"


def test_store_dir_from_environment(tmp_path: Path, isolated: Path, monkeypatch) -> None:
    (isolated / "sessions").mkdir()
    assert resolve_store_dir(None, {"ARRANGEREN_STORE": str(tmp_path / "env")}) == (
        tmp_path / "env"
    )
    monkeypatch.setenv("ARRANGEREN_STORE", str(tmp_path / "echt-env"))
    assert resolve_store_dir(None) == tmp_path / "echt-env"


def test_a_sessions_folder_here_is_not_the_store(isolated: Path, tmp_path: Path) -> None:
    # Until issue 15 a ./sessions folder became the store without a word.
    (isolated / "sessions").mkdir()
    assert resolve_store_dir(None, {}) == tmp_path / "xdg-data" / "arrangeren" / "sessions"


def test_local_sessions_file_is_not_a_folder(isolated: Path, tmp_path: Path) -> None:
    (isolated / "sessions").write_text("geen map")
    assert resolve_store_dir(None, {}) == tmp_path / "xdg-data" / "arrangeren" / "sessions"


def test_store_dir_falls_back_to_user_data_dir(tmp_path: Path) -> None:
    expected = tmp_path / "xdg-data" / "arrangeren" / "sessions"
    assert resolve_store_dir(None, {}) == expected
    assert resolve_store_dir(None, {"ARRANGEREN_STORE": ""}) == expected
    assert not expected.exists()  # resolving creates nothing


def test_veld_path_from_cli_and_environment(tmp_path: Path, monkeypatch) -> None:
    env = {"ARRANGEREN_VELD": str(tmp_path / "env.toml")}
    assert resolve_veld_path(str(tmp_path / "cli.toml"), env) == tmp_path / "cli.toml"
    assert resolve_veld_path(None, env) == tmp_path / "env.toml"
    monkeypatch.setenv("ARRANGEREN_VELD", str(tmp_path / "echt.toml"))
    assert resolve_veld_path(None) == tmp_path / "echt.toml"


def test_veld_path_user_config_then_shipped(tmp_path: Path) -> None:
    assert resolve_veld_path(None, {}).resolve() == SHIPPED.resolve()
    assert paths.shipped_decks_dir().resolve() == SHIPPED.parent.resolve()
    own = tmp_path / "xdg-config" / "arrangeren" / "veld.toml"
    own.parent.mkdir(parents=True)
    own.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    assert resolve_veld_path(None, {}) == own


def test_new_uses_the_veld_from_the_environment(capsys, store_dir: Path, tmp_path, monkeypatch):
    short = tmp_path / "kort.toml"
    short.write_text(
        SHIPPED.read_text(encoding="utf-8").replace("minuten = 20", "minuten = 5"),
        encoding="utf-8",
    )
    monkeypatch.setenv("ARRANGEREN_VELD", str(short))
    data = new_session(capsys, store_dir)
    session = SessionStore(store_dir).load(data["id"])
    assert session.clock.planned_seconds == 75 * 60
    assert session.veld.step("arrangeren").minutes == 5


def test_broken_veld_only_matters_when_needed(capsys, store_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    text = SHIPPED.read_text(encoding="utf-8").replace("minuten = 15", 'minuten = "vijftien"', 1)
    broken.write_text(text, encoding="utf-8")
    bad_line = next(
        n for n, line in enumerate(text.splitlines(), start=1) if '"vijftien"' in line
    )
    # list does not need the veld
    empty = tmp_path / "leeg"
    empty.mkdir()
    assert run_ok(capsys, ["--veld", str(broken), "--store", str(empty), "list"])
    # new does, and says exactly where the problem is
    code, line = run_fail(
        capsys,
        ["--veld", str(broken), "--store", str(store_dir), "new", "--leerling", "T.d.J."],
    )
    assert code == 1
    assert f"broken.toml:{bad_line}: " in line
    assert "'minuten' moet een heel getal zijn" in line
    assert not store_dir.exists()


def test_missing_veld_file(capsys, store_dir: Path, tmp_path: Path) -> None:
    code, line = run_fail(
        capsys,
        [
            "--veld",
            str(tmp_path / "weg.toml"),
            "--store",
            str(store_dir),
            "new",
            "--leerling",
            "T.d.J.",
        ],
    )
    assert code == 1
    assert "weg.toml: kan het bestand niet lezen" in line


# -- delete, herstel, bewaartermijn, unexpected errors -----------------------------------


def test_delete_with_ja_removes_everything(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    keep = new_session(capsys, store_dir)
    sid = data["id"]
    (store_dir / f"{sid}.json.bak").write_bytes((store_dir / f"{sid}.json").read_bytes())
    out = run_ok(capsys, ["--store", str(store_dir), "delete", sid[:-1], "--ja"])
    assert f"Gesprek {sid} verwijderd (2 bestanden)" in out
    assert [p.name for p in store_dir.glob(f"*{sid}*")] == []
    listed = json.loads(run_ok(capsys, ["--store", str(store_dir), "list", "--json"]))
    assert [row["id"] for row in listed] == [keep["id"]]


def test_delete_without_ja_asks_and_refuses_without_a_terminal(capsys, store_dir: Path,
                                                              monkeypatch) -> None:
    data = new_session(capsys, store_dir)
    monkeypatch.setattr("sys.stdin", io.StringIO("ja\n"))  # not a terminal
    code, line = run_fail(capsys, ["--store", str(store_dir), "delete", data["id"]])
    assert code == 2 and "--ja" in line
    assert (store_dir / f"{data['id']}.json").exists()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "gone"), [("ja\n", True), ("nee\n", False), ("\n", False)])
def test_delete_asks_on_a_terminal(capsys, store_dir: Path, monkeypatch, answer, gone) -> None:
    data = new_session(capsys, store_dir)
    monkeypatch.setattr("sys.stdin", _Tty(answer))
    code = main(["--store", str(store_dir), "delete", data["id"]])
    out, err = capsys.readouterr()
    assert "definitief verwijderen" in err and "T.d.J." in err
    assert (code == 0) is gone
    assert (store_dir / f"{data['id']}.json").exists() is not gone


def test_herstel_sets_aside_and_restores_the_backup(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    path = store_dir / f"{data['id']}.json"
    path.with_name(path.name + ".bak").write_bytes(path.read_bytes())
    path.write_bytes(path.read_bytes()[:-10])
    code = main(["--store", str(store_dir), "herstel", data["id"]])
    out, err = capsys.readouterr()
    assert code == 0
    assert "apart gezet als" in err and "teruggezet" in out
    assert json.loads(path.read_text("utf-8"))["session"]["1"]["id"] == data["id"]
    assert len(list(store_dir.glob(f"{data['id']}.json.beschadigd-*"))) == 1
    # A healthy session is left alone.
    out = run_ok(capsys, ["--store", str(store_dir), "herstel", data["id"]])
    assert "niet beschadigd" in out


def test_herstel_without_backup_fails_clearly(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    (store_dir / f"{data['id']}.json").write_bytes(b"{")
    with pytest.raises(SystemExit) as info:
        main(["--store", str(store_dir), "herstel", data["id"]])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "geen leesbare vorige versie" in err and "Traceback" not in err


def test_bewaartermijn_lists_old_sessions_and_deletes_nothing(capsys, store_dir: Path) -> None:
    old = new_session(capsys, store_dir, "--datum", "2020-05-04")
    new_session(capsys, store_dir)
    rows = json.loads(run_ok(capsys, ["--store", str(store_dir), "bewaartermijn", "--json"]))
    assert [(r["id"], r["verlopen_sinds"], r["vanaf"]) for r in rows] == [
        (old["id"], "2022-05-04", "gespreksdatum")
    ]
    out = run_ok(capsys, ["--store", str(store_dir), "--bewaartermijn", "1200", "bewaartermijn"])
    assert "Geen gesprekken over de bewaartermijn (1200 maanden)" in out
    assert (store_dir / f"{old['id']}.json").exists()
    code, line = run_fail(capsys, ["--store", str(store_dir), "--bewaartermijn", "x",
                                   "bewaartermijn"])
    assert code == 2 and "heel aantal maanden" in line


def test_unexpected_error_is_one_line_and_logged_without_data(capsys, store_dir: Path,
                                                             monkeypatch) -> None:
    new_session(capsys, store_dir)

    secret = "Tessa's " + "geheime notitie"  # built, so the source line does not hold it

    def boom(*_args, **_kwargs):
        raise ZeroDivisionError(secret)

    monkeypatch.setitem(cli.COMMANDS, "list", boom)
    code, line = run_fail(capsys, ["--store", str(store_dir), "list"])
    assert code == 70
    assert "onverwachte fout (ZeroDivisionError)" in line and "geheime" not in line
    log = (store_dir / "fouten.log").read_text("utf-8")
    assert "ZeroDivisionError" in log and "geheime" not in log


def test_list_filters(capsys, store_dir: Path) -> None:
    def make(pupil: str, school: str, date: str) -> str:
        out = run_ok(capsys, ["--store", str(store_dir), "new", "--leerling", pupil,
                              "--school", school, "--datum", date, "--json"])
        return json.loads(out)["id"]

    a = make("Tessa de Jong", "De Linde", "2026-09-01")
    b = make("Sem Bakker", "De Linde", "2026-11-02")
    c = make("Tess van Dam", "Het Anker", "2026-11-20")

    def ids(*extra: str) -> list[str]:
        out = run_ok(capsys, ["--store", str(store_dir), "list", "--json", *extra])
        return [row["id"] for row in json.loads(out)]

    assert ids() == [c, b, a]
    assert ids("--leerling", "tess") == [c, a]
    assert ids("--school", "linde") == [b, a]
    assert ids("--sinds", "2026-11-01") == [c, b]
    assert ids("--leerling", "tess", "--school", "anker", "--sinds", "2026-01-01") == [c]
    code, line = run_fail(capsys, ["--store", str(store_dir), "list", "--sinds", "gisteren"])
    assert code == 2 and "JJJJ-MM-DD" in line


def test_garbage_collection_is_back_on_when_open_fails_before_the_screen(
        capsys, store_dir: Path) -> None:
    """`open` switches the collector off for the start; every way out turns it back on."""
    import gc

    new_session(capsys, store_dir)
    assert gc.isenabled()
    code, _line = run_fail(capsys, ["--store", str(store_dir), "open", "20250101-zzzz"])
    assert code == 1
    assert gc.isenabled()


def test_the_app_turns_garbage_collection_back_on_once_drawn(store, veld) -> None:
    import gc

    from arrangeren_tui.ui.app import ArrangerenApp

    app = ArrangerenApp(store=store, veld=veld)
    gc.disable()
    try:
        app._started()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0, "what the start made is kept out of later passes"
    finally:
        gc.unfreeze()
        gc.enable()
    app._started()  # harmless when it is on already (the fallback timer calls it again)
    assert gc.isenabled() and gc.get_freeze_count() == 0


async def test_closing_the_board_drawn_at_start_lets_it_be_collected(store, veld) -> None:
    import gc

    from conftest import DEMO_ID, TODAY, FakeClock, demo_now, demo_session

    from arrangeren_tui.ui.app import ArrangerenApp

    store.save(demo_session(veld))
    app = ArrangerenApp(store=store, veld=veld, open_session=DEMO_ID,
                        now=FakeClock(demo_now()), today=lambda: TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            gc.disable()
            app._started()  # as after `arrangeren open`: the start is frozen
            assert gc.get_freeze_count() > 0
            app.leave_board()
            await pilot.pause()
            assert type(app.screen).__name__ == "HomeScreen"
            assert gc.get_freeze_count() == 0, "the closed board is not kept out of collection"
    finally:
        gc.unfreeze()
        gc.enable()


def test_leerling_from_standard_input_stays_out_of_the_command_line(capsys, monkeypatch,
                                                                      store_dir: Path) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("Noor Verbeek\n"))
    out = run_ok(capsys, ["--store", str(store_dir), "new", "--leerling", "-", "--json"])
    assert json.loads(out)["leerling"] == "Noor Verbeek"


def test_leerling_is_asked_for_in_a_terminal(tmp_path: Path, store_dir: Path) -> None:
    """Without --leerling in a terminal the program asks; the name is never an argument."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI on a pseudo-terminal
        os.execve(sys.executable, [sys.executable, "-m", "arrangeren_tui", "--store",
                                   str(store_dir), "new", "--json"], _env(tmp_path))
    output = b""
    try:
        deadline = time.monotonic() + 30
        while b"leerling: " not in output and time.monotonic() < deadline:
            output += os.read(fd, 1024)
        os.write(fd, b"Noor Verbeek\r")
        while time.monotonic() < deadline:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, output
    assert b"Naam of initialen van de leerling: " in output
    line = output.splitlines()[-1]
    assert json.loads(line)["leerling"] == "Noor Verbeek"


def test_herstel_and_list_with_a_folder_in_place_of_the_session(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    path = store_dir / f"{data['id']}.json"
    path.with_name(path.name + ".bak").write_bytes(path.read_bytes())
    path.unlink()
    path.mkdir()
    [line] = run_ok_with_warning(capsys, ["--store", str(store_dir), "list"]).splitlines()
    assert line.startswith(f"{data['id']}  2026-11-23  BESCHADIGD  T.d.J.")
    assert "een map, geen bestand" in line and f"arrangeren herstel {data['id']}" in line
    code = main(["--store", str(store_dir), "herstel", data["id"]])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "apart gezet als" in err and "teruggezet" in out
    assert json.loads(path.read_text("utf-8"))["session"]["1"]["id"] == data["id"]
    [aside] = store_dir.glob(f"{data['id']}.json.beschadigd-*")
    assert aside.is_dir()
    assert "BESCHADIGD" not in run_ok(capsys, ["--store", str(store_dir), "list"])


def run_ok_with_warning(capsys, argv: list[str]) -> str:
    """Run a command that succeeds with a warning on stderr; return its output."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err.startswith("arrangeren: let op: ")
    return out


def test_a_session_from_a_newer_version_is_refused_untouched(capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    path = store_dir / f"{data['id']}.json"
    path.with_name(path.name + ".bak").write_bytes(path.read_bytes())
    record = json.loads(path.read_text("utf-8"))
    record["session"]["1"]["format"] = 2
    path.write_text(json.dumps(record), "utf-8")
    before = path.read_bytes()
    for command in ("open", "herstel", "export"):
        code, line = run_fail(capsys, ["--store", str(store_dir), command, data["id"]])
        assert code == 1
        assert "gemaakt met een nieuwere versie" in line, line
        assert "beschadigd" not in line
    assert path.read_bytes() == before
    assert not list(store_dir.glob(f"{path.name}.beschadigd-*"))


# -- what the command line prints is safe for the terminal -------------------------

HOSTILE = "\x1b]0;gekaapt\x07Bo\x1b[2J\u202eSmit\x00\x9b"
UNSAFE_CHARS = ("\x1b", "\x07", "\x00", "\x9b", "\u202e")


def _hostile_planned_session(store_dir: Path) -> str:
    """A planned session whose names carry terminal escapes, written as the store would."""
    from arrangeren_tui.core.model import SessionMeta
    from arrangeren_tui.core.veld import load_veld

    meta = SessionMeta(pupil=HOSTILE, date="2027-03-08", school=f"De {HOSTILE}",
                       group="5\x1b[31m", time="13:30", place=f"Lokaal {HOSTILE}",
                       facilitator=HOSTILE, planned_minutes=90)
    session = SessionStore(store_dir).create(meta, load_veld(SHIPPED), 1_800_000_000.0,
                                             planned=True)
    return session.id


@pytest.mark.parametrize("command", [
    ["list"],
    ["plan"],
    ["uitnodiging", "{id}", "--rol", "ouders", "--formaat", "tekst"],
    ["uitnodiging", "{id}", "--rol", "ouders"],
])
def test_names_reach_the_terminal_without_control_characters(capsys, store_dir: Path,
                                                             command: list[str]) -> None:
    session_id = _hostile_planned_session(store_dir)
    argv = ["--store", str(store_dir), *(a.format(id=session_id) for a in command)]
    out = run_ok(capsys, argv)
    assert "Smit" in out
    assert not [c for c in UNSAFE_CHARS if c in out], repr(out)
    assert "␛" in out  # shown as a stand-in, not dropped


# -- every error is one Dutch line: no English from the system, TOML or Python ------------

ENGLISH = ("No space", "Permission denied", "Is a directory", "string indices", "Invalid",
           "Illegal", "must be", "object", "()", ".tmp")


def _assert_dutch(line: str) -> None:
    assert not [word for word in ENGLISH if word in line], line


@pytest.mark.parametrize(("number", "phrase"), [
    (errno.ENOSPC, "de schijf is vol"),
    (errno.EACCES, "geen toestemming"),
    (errno.EROFS, "alleen-lezen"),
])
def test_a_failed_export_names_the_file_asked_for_in_dutch(
        capsys, store_dir: Path, tmp_path: Path, monkeypatch, number: int, phrase: str) -> None:
    from arrangeren_tui.core.storage import files

    data = new_session(capsys, store_dir)
    target = tmp_path / "verslag.md"

    def refuse(path: Path, payload: bytes, *, keep_backup: bool = True) -> None:
        temp = path.with_name(f".{path.name}.19480.tmp")
        raise OSError(number, os.strerror(number), str(temp))

    monkeypatch.setattr(files, "atomic_write_bytes", refuse)
    code, line = run_fail(capsys, ["--store", str(store_dir), "export", data["id"],
                                   "-o", str(target)])
    assert code == 1
    assert phrase in line and str(target) in line
    _assert_dutch(line)


def test_a_full_disk_without_a_file_name_is_one_dutch_line(capsys, store_dir: Path,
                                                            monkeypatch) -> None:
    data = new_session(capsys, store_dir)

    def full(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    # The export command imports its renderer when it runs (not at every start).
    monkeypatch.setattr("arrangeren_tui.core.export.formats.render_export", full)
    code, line = run_fail(capsys, ["--store", str(store_dir), "export", data["id"]])
    assert line == "arrangeren: de schijf is vol"


def test_a_folder_given_as_veld_is_one_dutch_line(capsys, store_dir: Path,
                                                   tmp_path: Path) -> None:
    code, line = run_fail(capsys, ["--veld", str(tmp_path), "--store", str(store_dir),
                                   "new", "--leerling", "T.d.J."])
    assert code == 1
    assert "is een map" in line
    _assert_dutch(line)


def test_a_session_file_of_the_wrong_shape_says_so_without_python_words(
        capsys, store_dir: Path) -> None:
    data = new_session(capsys, store_dir)
    path = store_dir / f"{data['id']}.json"
    record = json.loads(path.read_text("utf-8"))
    record["session"]["1"]["veld"] = "tekst"
    path.write_text(json.dumps(record), "utf-8")
    code, line = run_fail(capsys, ["--store", str(store_dir), "export", data["id"]])
    assert "onverwachte vorm" in line
    _assert_dutch(line)


def test_a_bad_value_of_an_option_is_not_an_unknown_command(capsys, store_dir: Path) -> None:
    code, line = run_fail(capsys, ["--store", str(store_dir), "export", "x", "--format", "docx"])
    assert code == 2
    assert "onbekend commando" not in line
    assert "ongeldige waarde voor --format: 'docx' (kies uit: md, html, pdf, svg, json)" in line


def test_a_veld_with_absurd_minutes_blames_the_veld_not_duur(capsys, store_dir: Path,
                                                              tmp_path: Path) -> None:
    big = tmp_path / "groot.toml"
    big.write_text(SHIPPED.read_text("utf-8").replace("minuten = 15", "minuten = 99999999999999",
                                                      1), "utf-8")
    code, line = run_fail(capsys, ["--veld", str(big), "--store", str(store_dir),
                                   "new", "--leerling", "T.d.J."])
    assert code == 1
    assert "groot.toml:" in line and "minuten" in line
    assert "--duur" not in line
    assert not store_dir.exists()


def test_a_broken_settings_file_is_one_dutch_line(capsys, store_dir: Path,
                                                   tmp_path: Path) -> None:
    settings = tmp_path / "xdg-config" / "arrangeren" / "instellingen.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text('bewaartermijn_maanden = "24\n', "utf-8")
    store_dir.mkdir()
    code, line = run_fail(capsys, ["--store", str(store_dir), "bewaartermijn"])
    assert "instellingen.toml" in line and "kan de instellingen niet lezen" in line
    _assert_dutch(line)


def test_a_veld_too_short_for_a_meeting_points_at_the_veld(capsys, store_dir: Path,
                                                            tmp_path: Path) -> None:
    short = tmp_path / "kort.toml"
    text = SHIPPED.read_text("utf-8")
    short.write_text(text[:text.index("\n[[stap]]") + 1] + '[[stap]]\nsleutel = "s"\nnaam = "S"\n'
                     'kort = "S"\nvraag = "V?"\nminuten = 5\n', "utf-8")
    code, line = run_fail(capsys, ["--veld", str(short), "--store", str(store_dir),
                                   "new", "--leerling", "T.d.J."])
    assert code == 2
    assert "kort.toml) duurt 5 minuten; geef de duur met --duur (10 tot 600" in line
    assert json.loads(run_ok(capsys, ["--veld", str(short), "--store", str(store_dir), "new",
                                      "--leerling", "T.d.J.", "--duur", "30", "--json"]))


# -- input limits: refuse what cannot be right ---------------------------------------------


@pytest.mark.parametrize("datum", ["0001-01-01", "9999-12-31"])
def test_a_year_no_meeting_can_have_is_refused(capsys, store_dir: Path, datum: str) -> None:
    code, line = run_fail(capsys, ["--store", str(store_dir), "new", "--leerling", "T.d.J.",
                                   "--datum", datum])
    assert code == 2
    assert "--datum" in line and "2000 tot en met 2099" in line
    assert not store_dir.exists()


def test_tijd_without_gepland_is_refused_not_dropped(capsys, store_dir: Path) -> None:
    code, line = run_fail(capsys, ["--store", str(store_dir), "new", "--leerling", "T.d.J.",
                                   "--tijd", "14:00"])
    assert code == 2
    assert "--tijd hoort bij een gepland gesprek" in line and "--gepland" in line
    assert not store_dir.exists()
    data = new_session(capsys, store_dir, "--gepland", "--tijd", "14:00")
    assert SessionStore(store_dir).load(data["id"]).meta.time == "14:00"


def test_list_shows_a_huge_stored_name_cut_to_one_line(capsys, store_dir: Path) -> None:
    """A name written by an older version or by hand is shown cut, never 100,000 characters."""
    data = new_session(capsys, store_dir)
    path = store_dir / f"{data['id']}.json"
    record = json.loads(path.read_text("utf-8"))
    record["session"]["1"]["meta"]["pupil"] = "Anna " * 20_000
    path.write_text(json.dumps(record), "utf-8")
    (store_dir / "index.json").unlink()
    [line] = run_ok(capsys, ["--store", str(store_dir), "list"]).splitlines()
    assert len(line) < 120 and line.rstrip().endswith("…  (groep 5)")


def test_an_absurd_bewaartermijn_is_one_line_not_a_crash(capsys, store_dir: Path) -> None:
    store_dir.mkdir()
    code, line = run_fail(capsys, ["--store", str(store_dir), "--bewaartermijn",
                                   "99999999999999", "bewaartermijn"])
    assert code == 2
    assert "hoogstens" in line


def test_the_parser_built_for_one_command_reads_as_the_whole_one() -> None:
    """``build_parser(argv)`` gives only the named command its options (a faster start):
    the help of the program and of every command is the same as with all of them built."""
    from arrangeren_tui.cli.main import build_parser

    whole = build_parser()
    commands = whole._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, parser in commands.items():
        built = build_parser(["--store", "x", name])
        assert built.format_help() == whole.format_help()
        one = built._subparsers._group_actions[0].choices[name]  # type: ignore[union-attr]
        assert one.format_help() == parser.format_help()
