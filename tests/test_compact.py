"""The terminal output sent as what changed: the same screen, fewer bytes (ui.compact).

Every check replays output through ``pyte``, a terminal emulator: Textual's writes as
they are, and the same writes through ``ScreenShadow`` (or ``compact``), must leave the
same characters, the same attributes and the cursor in the same place, write by write.
"""

from __future__ import annotations

import random

import pyte
from rich.cells import cell_len

from arrangeren_tui.ui.compact import DEFAULT, ScreenShadow, Style, apply, compact, transition

COLUMNS, LINES = 40, 8
SIZE = (COLUMNS, LINES)


def screen_state(screen: pyte.Screen) -> tuple[object, ...]:
    cells = tuple(
        (cell.data, cell.fg, cell.bg, cell.bold, cell.italics, cell.underscore,
         cell.strikethrough, cell.reverse, cell.blink)
        for row in range(screen.lines) for cell in (screen.buffer[row][col]
                                                     for col in range(screen.columns)))
    return cells, (screen.cursor.x, screen.cursor.y)


class Pair:
    """Two emulated terminals: one fed Textual's writes, one fed what is sent instead."""

    def __init__(self) -> None:
        self.raw, self.sent = pyte.Screen(COLUMNS, LINES), pyte.Screen(COLUMNS, LINES)
        self._raw, self._sent = pyte.Stream(self.raw), pyte.Stream(self.sent)
        self.shadow = ScreenShadow()
        self.bytes_raw = self.bytes_sent = 0

    def write(self, text: str, size: tuple[int, int] | None = SIZE) -> str:
        sent = self.shadow.process(text, size)
        self._raw.feed(text)
        self._sent.feed(sent)
        self.bytes_raw += len(text.encode())
        self.bytes_sent += len(sent.encode())
        assert screen_state(self.raw) == screen_state(self.sent), (text, sent)
        return sent


STYLES = ["1;38;5;253;48;5;17", "38;5;246;48;5;233", "38;5;253;48;5;233", "7;38;5;23",
          "3;97;40", "1;3;35;40", "2;4;9", "38;2;10;20;30;48;5;16", "5;90;107", ""]
TEXTS = ["• ", "sterk in taal", "(218)", "  ", "│", "┃", "━━", "⏱ 69:58 ", "界面", "a界b",
         "Ouders ›", " stap +10:02 "]


def textual_like_write(rng: random.Random) -> str:
    """A write as Textual makes one: stretches within a line (Textual switches the
    terminal's line wrap off and never writes past the edge), each a move, a style, text
    and a reset; lines ended by a newline; the cursor put somewhere at the end."""
    parts = []
    for _ in range(rng.randint(1, 6)):
        texts = [rng.choice(TEXTS) for _ in range(rng.randint(1, 3))]
        width = sum(cell_len(text) for text in texts)
        row, column = rng.randint(1, LINES), rng.randint(1, COLUMNS - width + 1)
        parts.append(f"\x1b[{row};{column}H")
        parts += [f"\x1b[{rng.choice(STYLES)}m{text}\x1b[0m" for text in texts]
        if rng.random() < 0.3 and row < LINES:  # Textual ends no line on the last one
            parts.append("\n")
    if rng.random() < 0.2:
        parts.insert(0, rng.choice(["\x1b[?25l", "\x1b]22;default\x07", "\x1b[?2026h"]))
    parts.append(f"\x1b[{rng.randint(1, LINES)};{rng.randint(1, COLUMNS)}H")
    return "".join(parts)


def test_random_writes_leave_the_same_screen_as_textuals_own() -> None:
    rng = random.Random(17)
    pair = Pair()
    for _ in range(400):
        pair.write(textual_like_write(rng))
    assert pair.bytes_sent < pair.bytes_raw


def test_a_frame_written_again_sends_only_the_cursor() -> None:
    rng = random.Random(3)
    frame = "".join(f"\x1b[{row};1H\x1b[38;5;253;48;5;233m{'x' * COLUMNS}\x1b[0m"
                    for row in range(1, LINES + 1)) + "\x1b[1;3H"
    pair = Pair()
    first = pair.write(frame)
    again = pair.write(frame)
    assert len(again) < 10 < len(first), again
    assert again == "\x1b[1;3H"
    pair.write(textual_like_write(rng))  # and after that, everything still adds up


def test_what_it_cannot_follow_goes_out_as_it_came_and_is_not_trusted_after() -> None:
    pair = Pair()
    frame = "\x1b[1;1H\x1b[1;31mhallo\x1b[0m\x1b[2;1H\x1b[32mwereld\x1b[0m\x1b[1;1H"
    pair.write(frame)
    for odd in ("\x1b[2J\x1b[1;1H", "\x1b[1;1H\x1b[4:3mx\x1b[0m", "\x1b[1;1Hab\rc",
                "\x1b[?1049l\x1b[?1049h"):
        pair.write(odd)
        assert "hallo" in pair.write(frame)  # sent in full again: the copy was forgotten
    pair.write("\x1b[1;1H\x1b[38;5")  # cut off inside a style: the next write as it came
    assert pair.write(";1mX\x1b[0m\x1b[1;1H") == ";1mX\x1b[0m\x1b[1;1H"
    assert "hallo" in pair.write(frame)


def test_a_size_change_forgets_the_screen() -> None:
    pair = Pair()
    frame = "\x1b[1;1H\x1b[1mhallo\x1b[0m\x1b[1;1H"
    pair.write(frame)
    assert pair.write(frame) == "\x1b[1;1H"
    assert "hallo" in pair.write(frame, size=(COLUMNS, LINES + 1))  # resized: all again
    assert "hallo" in pair.write(frame, size=None)  # no terminal to ask: as it came


def test_a_wide_character_overwritten_by_half_is_sent_whole_again() -> None:
    pair = Pair()
    pair.write("\x1b[1;1H\x1b[0mab界cd\x1b[1;1H")
    pair.write("\x1b[1;4H\x1b[0mx\x1b[1;1H")  # the right half of 界: the terminal blanks it
    pair.write("\x1b[1;1H\x1b[0mab界cd\x1b[1;1H")


def test_styles_are_sent_as_changes() -> None:
    raw = ("\x1b[1;1H\x1b[0m\x1b[38;5;246;48;5;233m• \x1b[0m\x1b[38;5;253;48;5;233mtekst"
           "\x1b[0m\x1b[1;8H\x1b[38;5;253;48;5;233m \x1b[0m")
    sent = compact(raw)
    # One colour changes, the cursor is already at column 8, the style stays for " ".
    # The first style is sent whole: the write does not know the terminal's before it.
    assert sent == "\x1b[1;1H\x1b[0;38;5;246;48;5;233m• \x1b[38;5;253mtekst \x1b[0m"
    # Nothing is known at the start of a write: a change without a reset goes as it came.
    assert compact("\x1b[1;1H\x1b[1mX") == "\x1b[1;1H\x1b[1mX"
    pair = Pair()
    pair._raw.feed(raw)
    pair._sent.feed(sent)
    assert screen_state(pair.raw) == screen_state(pair.sent)


def test_style_arithmetic() -> None:
    bold_red = apply(DEFAULT, "1;31")
    assert bold_red == Style(on=frozenset({"bold"}), fg="31")
    assert apply(bold_red, "22") == Style(fg="31")
    assert apply(None, "1") is None  # a change to an unknown style stays unknown
    assert apply(None, "0;1") == Style(on=frozenset({"bold"}))
    assert apply(DEFAULT, "38;5") is None and apply(DEFAULT, "58;5;3") is None
    dim_bold = Style(on=frozenset({"bold", "dim"}))
    assert transition(dim_bold, Style(on=frozenset({"bold"}))) == "\x1b[0;1m"  # shorter
    panel = Style(fg="38;5;253", bg="48;5;233")
    assert transition(panel._replace(on=frozenset({"bold"})), panel) == "\x1b[22m"
    assert transition(bold_red, bold_red) == ""
    assert transition(None, DEFAULT) == "\x1b[0m"


def test_kept_results_are_the_same_and_bounded() -> None:
    from arrangeren_tui.ui import compact as module

    bold = apply(DEFAULT, "1")
    assert apply(DEFAULT, "1") is bold and bold == Style(on=frozenset({"bold"}))
    assert transition(DEFAULT, bold) == transition(DEFAULT, Style(on=frozenset({"bold"})))
    for n in range(module._CACHE_LIMIT + 10):  # colours enough to fill both
        colour = apply(DEFAULT, f"38;2;{n % 256};{n // 256};0")
        assert colour is not None
        transition(DEFAULT, colour)
    assert apply.cache_info().currsize <= module._CACHE_LIMIT
    assert transition.cache_info().currsize <= module._CACHE_LIMIT
    assert apply(DEFAULT, "1") == bold
