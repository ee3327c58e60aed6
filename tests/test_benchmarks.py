"""The benchmark suite still runs: quick mode, as a subprocess, writes every figure.

This checks that the suite works, not how fast anything is (quick mode has too
few runs to say; full-mode results are in BENCHMARKS.md).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FIGURES = {
    "startup", "startup_of_medians", "startup_bytes", "key_median", "key_p95",
    "bytes_per_key", "memory", "memory_of_medians",
    "save_10_notes_small_store", "save_100_notes_small_store", "save_1000_notes_small_store",
    "save_10_notes_large_store", "save_100_notes_large_store", "save_1000_notes_large_store",
    "save_growth", "card_search_75", "card_search_5000", "history_list", "history_search",
    "export_markdown", "export_html", "export_pdf", "export_json", "import_fpdf",
    # bench_link.py: bytes per action, idle bytes per minute, the slow link (issue 17)
    *(f"{kind}_{action}" for kind in ("link", "slow")
      for action in ("tab", "step_next", "step_previous", "enter", "overview_open",
                     "overview_close", "picker_open", "picker_close")),
    *(f"idle_{screen}" for screen in ("board", "overview", "picker", "home", "history")),
    "history_list_growth", "history_list_growth_warm", "history_list_growth_beyond_scan",
    *(f"history_{figure}_{n}" for figure in ("home", "home_rss", "letter", "broad",
                                             "broad_bytes") for n in (10, 30)),
    "crypt_save", "crypt_history_list", "crypt_history_search", "crypt_startup",
    "crypt_key_median", "crypt_bytes_per_key", "crypt_memory",
}


@pytest.mark.skipif(sys.platform != "linux", reason="pty and /proc: Linux only")
def test_quick_benchmark_suite_writes_every_figure(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick",
         "--results", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [json_file] = tmp_path.glob("bench-*.json")
    assert json_file.with_suffix(".md").exists()
    result = json.loads(json_file.read_text("utf-8"))
    assert result["mode"] == "quick"
    rows = {row["id"]: row for row in result["rows"]}
    assert set(rows) == FIGURES
    for row in rows.values():
        for key in ("app", "reference", "ratio", "bar"):
            assert isinstance(row[key], (int, float)) and math.isfinite(row[key]), (row, key)
        assert row["app"] >= 0 and row["reference"] >= 0
        assert isinstance(row["pass"], bool)
    assert rows["bytes_per_key"]["app"] > 0  # the app really drew the typed keys
    assert rows["link_tab"]["app"] > 0 and rows["link_overview_open"]["app"] > 0
    assert result["machine"]["cores"]


@pytest.mark.skipif(sys.platform != "linux", reason="pty: Linux only")
def test_the_start_up_trace_finds_the_write_that_completes_the_board() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "trace_start.py"), "--runs", "1",
         "--sessions", "3", "--notes", "20"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("--- arrangeren, start 1: drawn")
    assert sum("<- drawn" in line for line in lines) == 1
    assert any("msg Compose -> BoardScreen" in line for line in lines)
    assert any(" layout BoardScreen " in line for line in lines)
