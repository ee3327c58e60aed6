"""Displaying typed text safely."""

from __future__ import annotations

import pytest

from arrangeren_tui.core.text import initials, one_line, safe_text


def test_escape_becomes_visible() -> None:
    shown = safe_text("a\x1b[2Jb")
    assert shown == "a␛[2Jb"
    assert "\x1b" not in shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x00", "␀"),
        ("\x07", "␇"),
        ("\t", "␉"),
        ("\r", "␍"),
        ("\n", "␊"),
        ("\x7f", "␡"),
        ("\x9b", "\ufffd"),  # C1 CSI
        ("\x85", "\ufffd"),
        ("\u202e", "\ufffd"),  # right-to-left override
        ("\u202d", "\ufffd"),
        ("\u2066", "\ufffd"),
        ("\u2069", "\ufffd"),
    ],
)
def test_controls_get_visible_stand_ins(raw: str, shown: str) -> None:
    assert safe_text(f"x{raw}y") == f"x{shown}y"


def test_no_control_character_survives() -> None:
    every = "".join(chr(c) for c in range(0x00, 0xA0)) + "\u202a\u202b\u202c\u202d\u202e"
    shown = safe_text(every)
    assert len(shown) == len(every)
    for char in shown:
        code = ord(char)
        assert not (code < 0x20 or 0x7F <= code <= 0x9F), repr(char)
        assert not (0x202A <= code <= 0x202E), repr(char)
    assert shown[0x20:0x7F] == every[0x20:0x7F]  # printable ASCII untouched


def test_normal_unicode_is_kept() -> None:
    text = "Zoë café naïef — 👩‍👧 🙂 ñ ß 日本 “citaat”"
    assert safe_text(text) == text
    assert one_line(text) == text


def test_keep_newlines() -> None:
    assert safe_text("a\nb\x1bc", keep_newlines=True) == "a\nb␛c"
    assert safe_text("a\nb", keep_newlines=False) == "a␊b"


def test_one_line_joins_lines() -> None:
    assert one_line("eerste\ntweede\nderde") == "eerste ⏎ tweede ⏎ derde"
    assert one_line("  eerste  \r\n  tweede\n") == "eerste ⏎ tweede"


def test_one_line_cuts_with_ellipsis() -> None:
    assert one_line("abcdefghij", 5) == "abcd…"
    assert len(one_line("abcdefghij", 5)) == 5
    assert one_line("abcde", 5) == "abcde"
    assert one_line("a\nb", 3) == "a …"


def test_one_line_also_makes_controls_visible() -> None:
    assert one_line("a\x1bb\u202ec") == "a␛b\ufffdc"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Tessa de Jong", "T.d.J."),
        ("  Anna   Smit ", "A.S."),
        ("Anna", "A."),
        ("E\u0301mile Smit", "\u00c9.S."),  # decomposed accent stays with its letter
        ("", ""),
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_os_errors_have_one_dutch_phrase() -> None:
    import errno

    from arrangeren_tui.core.errors import os_reason
    from arrangeren_tui.ui.saving import describe_failure

    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "de schijf is vol"
    assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "geen toestemming"
    assert os_reason(OSError(errno.EPERM, "Operation not permitted")) == "geen toestemming"
    assert "map" in os_reason(IsADirectoryError(errno.EISDIR, "Is a directory"))
    assert "alleen-lezen" in os_reason(OSError(errno.EROFS, "Read-only file system"))
    assert os_reason(OSError("zonder nummer")) == "fout van het systeem"
    assert describe_failure(OSError(errno.ENOSPC, "No space left on device")) == "de schijf is vol"
