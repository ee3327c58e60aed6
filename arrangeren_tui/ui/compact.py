"""Send the terminal only what changed on the screen, in the fewest bytes.

Textual repaints regions, not characters: a screen pushed or popped comes in two or three
full frames, a new step or a new note repaints scrollbars that did not move, and a line is
rewritten from a widget's left edge. Each stretch it writes is a cursor move, a reset and
a full style, even when the cursor is already there and only one colour differs; on a
board row of three party panes that is ~80 % of the bytes. Over a slow SSH link every
byte counts (BENCHMARKS.md, issue 17).

``ScreenShadow`` keeps a copy of what the terminal shows. Each write of Textual's is
applied to that copy, and only the characters that differ are sent, each style as the
change from the one in force and the cursor moved only where it is not already; then the
cursor and the style are left exactly where Textual's write left them. A write with
anything the copy cannot follow (an escape sequence it does not know, a control
character, a character of no or unusual width, a changed terminal size) is passed on with
only the styles shortened (``compact``), and the copy is forgotten until Textual writes
the screen again. So the terminal always ends up with the same characters, attributes and
cursor as with Textual's own output (``tests/test_compact.py`` replays recorded output
through a terminal emulator, write by write, to check it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rich.cells import cell_len, get_character_cell_size

# One token: an SGR (style), a CUP (cursor move), another escape sequence, or text.
_TOKEN = re.compile(
    r"\x1b\[(?P<sgr>[0-9;]*)m"
    r"|\x1b\[(?P<row>\d*)(?:;(?P<col>\d*))?H"
    r"|(?P<other>\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[^\[\]])"
    r"|(?P<text>[^\x1b]+)"
    r"|(?P<rest>\x1b[\s\S]*)",  # an escape sequence cut off at the end of the write
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LINE_END = re.compile(r"(\r?\n)")

# Attribute codes that switch on; the codes that switch off (22: bold and dim both).
_ON = {1: "bold", 2: "dim", 3: "italic", 4: "underline", 5: "blink", 7: "reverse",
       8: "conceal", 9: "strike"}
_OFF = {22: ("bold", "dim"), 23: ("italic",), 24: ("underline",), 25: ("blink",),
        27: ("reverse",), 28: ("conceal",), 29: ("strike",)}
_OFF_CODE = {"italic": 23, "underline": 24, "blink": 25, "reverse": 27, "conceal": 28,
             "strike": 29}
_EXTENDED_COLOUR = {"5": 1, "2": 3}  # 38;5;n and 38;2;r;g;b: how many numbers follow

# Sequences that change neither the characters, nor the cursor, nor the style: hide or
# show the cursor, begin or end a synchronized update. And the mouse pointer's shape
# (OSC 22), which Textual sets whenever the screen changes.
_HARMLESS = frozenset({"\x1b[?25l", "\x1b[?25h", "\x1b[?2026h", "\x1b[?2026l"})
_BEFORE_CELLS = frozenset({"\x1b[?25l", "\x1b[?2026h"})
_GAP = 3  # unchanged cells between two changed ones that are sent rather than skipped


def _harmless(sequence: str) -> bool:
    return sequence in _HARMLESS or sequence.startswith("\x1b]22;")


class Style(NamedTuple):
    """The terminal's graphic rendition: attributes on, foreground, background.

    A named tuple, not a frozen dataclass: it is a cache key and is made for every SGR
    Textual writes, and a dataclass's methods are compiled when the module is imported
    (~2 ms of every start).
    """

    on: frozenset[str] = frozenset()
    fg: str = ""  # the colour's codes ("38;5;253", "97"), "" for the default
    bg: str = ""

    def codes(self) -> list[str]:
        return ([str(code) for code, name in _ON.items() if name in self.on]
                + [c for c in (self.fg, self.bg) if c])


DEFAULT = Style()
Cell = tuple[str, Style]  # a character ("" for the right half of a wide one), its style


def _colour(parts: list[str], index: int) -> str | None:
    """The extended colour that starts at ``parts[index]`` (38 or 48), or None."""
    count = _EXTENDED_COLOUR.get(parts[index + 1] if index + 1 < len(parts) else "")
    if count is None:
        return None
    numbers = parts[index + 2:index + 2 + count]
    if len(numbers) != count or not all(n.isdigit() for n in numbers):
        return None
    return ";".join(parts[index:index + 2 + count])


def _apply_code(style: Style, code: int, part: str) -> Style | None:
    if code in _ON:
        return style._replace(on=style.on | {_ON[code]})
    if code in _OFF:
        return style._replace(on=style.on - set(_OFF[code]))
    if 30 <= code <= 37 or 90 <= code <= 97 or code == 39:
        return style._replace(fg="" if code == 39 else part)
    if 40 <= code <= 47 or 100 <= code <= 107 or code == 49:
        return style._replace(bg="" if code == 49 else part)
    return None  # 21, 51-53, 58, ...: not followed


# ``apply`` and ``transition`` are pure and see the same few styles and parameters over and
# over (Textual writes a whole SGR before every stretch): their results are kept. A frame of
# the board is ~600 SGRs; worked out each time they were most of the first frame's cost.
_CACHE_LIMIT = 4096


@lru_cache(maxsize=_CACHE_LIMIT)
def apply(style: Style | None, params: str) -> Style | None:
    """The style after an SGR with these parameters; None if it cannot be known."""
    parts = [part or "0" for part in params.split(";")] if params else ["0"]
    index = 0
    while index < len(parts):
        part = parts[index]
        if not part.isdigit():
            return None
        code = int(part)
        if code == 0:
            style, index = DEFAULT, index + 1
        elif style is None:
            return None  # a change to a style that is not known
        elif code in (38, 48):
            colour = _colour(parts, index)
            if colour is None:
                return None
            style = style._replace(fg=colour) if code == 38 else style._replace(bg=colour)
            index += len(colour.split(";"))
        else:
            style, index = _apply_code(style, code, part), index + 1
    return style


@lru_cache(maxsize=_CACHE_LIMIT)
def transition(current: Style | None, wanted: Style) -> str:
    """The shortest SGR that takes the terminal from ``current`` to ``wanted``."""
    full = "\x1b[" + ";".join(["0", *wanted.codes()]) + "m"
    if current is None:
        return full
    codes: list[str] = []
    off = current.on - wanted.on
    on = wanted.on - current.on
    if off & {"bold", "dim"}:
        codes.append("22")
        on = on | (wanted.on & {"bold", "dim"})  # 22 switched off both
    codes += [str(_OFF_CODE[name]) for name in sorted(off - {"bold", "dim"})]
    codes += [str(code) for code, name in _ON.items() if name in on]
    if current.fg != wanted.fg:
        codes.append(wanted.fg or "39")
    if current.bg != wanted.bg:
        codes.append(wanted.bg or "49")
    if not codes:
        return ""
    diff = "\x1b[" + ";".join(codes) + "m"
    return diff if len(diff) < len(full) else full


class _Styles:
    """``compact``'s state: the style asked for, the one on the terminal, the cursor."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.terminal: Style | None = None
        self.wanted: Style | None = None
        self.cursor: tuple[int, int] | None = None  # (row, column), 1-based

    def sync(self) -> None:
        if self.wanted is not None and self.wanted != self.terminal:
            self.out.append(transition(self.terminal, self.wanted))
            self.terminal = self.wanted

    def lost(self, sequence: str, *, moves: bool = True) -> None:
        """Something not followed: the style first, then it; then the style is not known,
        nor the cursor if the sequence may have moved it."""
        self.sync()
        self.out.append(sequence)
        self.terminal = self.wanted = None
        if moves:
            self.cursor = None

    def text(self, chunk: str) -> None:
        self.sync()
        self.out.append(chunk)
        if self.cursor is None:
            return
        if not _CONTROL.search(chunk):
            self.cursor = (self.cursor[0], self.cursor[1] + cell_len(chunk))
        elif chunk == "\r\n":  # Textual's end of a line: the start of the next one
            self.cursor = (self.cursor[0] + 1, 1)
        else:
            self.cursor = None

    def move(self, sequence: str, target: tuple[int, int]) -> None:
        if target != self.cursor:
            self.out.append(sequence)
            self.cursor = target


def compact(text: str) -> str:
    """The same output with each style sent as a change, and only before text, and without
    cursor moves to where the cursor already is. Nothing is assumed at the start."""
    if "\x1b" not in text:
        return text
    state = _Styles()
    for match in _TOKEN.finditer(text):
        sgr, chunk = match.group("sgr"), match.group("text")
        if sgr is not None:
            after = apply(state.wanted, sgr)
            if after is None:
                state.lost(match.group(), moves=False)
            else:
                state.wanted = after
        elif chunk is not None:
            state.text(chunk)
        elif match.group("other") is not None or match.group("rest") is not None:
            state.lost(match.group())  # an erase paints with the style in force: it first
        else:
            state.move(match.group(), _target(match))
    state.sync()
    return "".join(state.out)


def _target(match: re.Match[str]) -> tuple[int, int]:
    return (int(match.group("row") or 1), int(match.group("col") or 1))


class _Frame:
    """One write, read: the cells it writes, where it leaves cursor and style."""

    __slots__ = ("writes", "cursor", "style", "harmless", "only_harmless", "wide")

    def __init__(self, start: Style) -> None:
        self.writes: dict[int, dict[int, Cell]] = {}  # row: column: cell (ints: no allocation)
        self.cursor: tuple[int, int] | None = None  # 0-based
        self.style = start
        self.harmless: list[str] = []
        self.only_harmless = True
        self.wide: dict[int, set[int]] = {}  # row: cells under wide ones


def _read(text: str, start: Style, size: tuple[int, int]) -> _Frame | None:
    """The write as cells, or None if it holds anything not followed."""
    columns, lines = size
    frame = _Frame(start)
    style: Style | None = start
    for match in _TOKEN.finditer(text):
        sgr, chunk, other = match.group("sgr"), match.group("text"), match.group("other")
        if other is not None and _harmless(other):
            frame.harmless.append(other)
            continue
        frame.only_harmless = False
        if sgr is not None:
            style = apply(style, sgr)
            if style is None:
                return None
        elif chunk is not None:
            assert style is not None
            frame.style = style
            if not _cells(frame, chunk, size):
                return None
        elif other is not None or match.group("rest") is not None:
            return None
        else:
            row, column = _target(match)
            if not (1 <= row <= lines and 1 <= column <= columns):
                return None
            frame.cursor = (row - 1, column - 1)
    if style is None:
        return None
    frame.style = style
    return frame


def _cells(frame: _Frame, chunk: str, size: tuple[int, int]) -> bool:
    """Put the characters of ``chunk`` in ``frame.writes``; False if they cannot be."""
    columns, lines = size
    for piece in _LINE_END.split(chunk):
        if not piece:
            continue
        if piece in ("\n", "\r\n"):
            if frame.cursor is None or frame.cursor[0] >= lines - 1:
                return False  # on the last line a line end would scroll the screen
            frame.cursor = None  # Textual moves the cursor after each line end
            continue
        if frame.cursor is None or _CONTROL.search(piece):
            return False
        row, column = frame.cursor
        line = frame.writes.setdefault(row, {})
        wide = frame.wide.get(row)
        style = frame.style
        for char in piece:
            width = 1 if char < "\x7f" else get_character_cell_size(char)
            if width not in (1, 2) or column + width > columns:
                return False
            # Half of a wide character written over in the same write: what the terminal
            # shows then depends on the terminal. Not followed (Textual does not do it).
            if wide and (column in wide or column + width - 1 in wide):
                return False
            line[column] = (char, style)
            if width == 2:
                line[column + 1] = ("", style)
                wide = frame.wide.setdefault(row, set())
                wide.update((column, column + 1))
            column += width
        frame.cursor = (row, column)
    return True


class ScreenShadow:
    """What the terminal shows, so that each write sends only the cells that changed."""

    def __init__(self) -> None:
        self._size: tuple[int, int] | None = None  # (columns, lines)
        self._rows: list[list[Cell | None]] = []  # None: not known
        self._style: Style | None = None  # the terminal's style after the last write
        self._cut_off = False  # the last write ended inside an escape sequence

    def forget(self) -> None:
        self._rows = []
        self._style = None

    def process(self, text: str, size: tuple[int, int] | None) -> str:
        """What to send for ``text``, Textual's write to a terminal of ``size``."""
        if size != self._size:
            self._size = size
            self.forget()
        if self._cut_off:
            # The terminal is inside a sequence the last write began: this one goes out
            # exactly as it came, so that the terminal reads it as Textual meant it.
            self.forget()
            self._cut_off = _ends_cut_off(text)
            return text
        if size is None or "\x1b" not in text:
            return self._pass(text)
        # Textual ends every stretch it writes with a reset, so a write starts from the
        # default style; where the terminal's is not known, it is made so first.
        reset = "" if self._style is not None else "\x1b[0m"
        frame = _read(text, self._style or DEFAULT, size)
        if frame is None:
            return self._pass(text)
        if frame.only_harmless:
            return text
        if frame.cursor is None or frame.cursor[1] >= size[0]:
            return self._pass(text)
        if not self._rows:
            self._rows = [[None] * size[0] for _ in range(size[1])]
        self._style = self._style or DEFAULT
        body = self._changes(frame.writes)
        row, column = frame.cursor
        body.append(f"\x1b[{row + 1};{column + 1}H")
        body.append(transition(self._style, frame.style) if self._style != frame.style else "")
        self._style = frame.style
        # A hidden cursor or a synchronized update begun stays before the cells.
        head = [s for s in frame.harmless if s in _BEFORE_CELLS]
        tail = [s for s in frame.harmless if s not in _BEFORE_CELLS]
        return "".join([*head, reset, *body, *tail])

    def _changes(self, writes: dict[int, dict[int, Cell]]) -> list[str]:
        """Apply the written cells to the copy; the output for those that changed."""
        out: list[str] = []
        for row in sorted(writes):
            cells = writes[row]
            line = self._rows[row]
            _blank_halves(line, cells)
            changed = []
            for column, cell in cells.items():
                if line[column] != cell:
                    changed.append(column)
                    line[column] = cell
            for start, end in _runs(line, sorted(changed)):
                out.append(f"\x1b[{row + 1};{start + 1}H")
                self._send(line[start:end + 1], out)
        return out

    def _send(self, cells: list[Cell | None], out: list[str]) -> None:
        style = self._style
        for cell in cells:
            assert cell is not None  # written now, or known and unchanged
            char, cell_style = cell
            if not char:
                continue  # the right half of a wide character
            if cell_style is not style and cell_style != style:
                out.append(transition(style, cell_style))
                style = cell_style
            out.append(char)
        self._style = style

    def _pass(self, text: str) -> str:
        self.forget()
        self._cut_off = _ends_cut_off(text)
        return compact(text)


def _ends_cut_off(text: str) -> bool:
    last = text.rfind("\x1b")
    if last < 0:
        return False
    match = _TOKEN.match(text, last)
    return match is not None and match.group("rest") is not None


def _blank_halves(line: list[Cell | None], cells: dict[int, Cell]) -> None:
    """Half of a wide character overwritten: the terminal blanks the other half."""
    for column, (char, _style) in cells.items():
        old = line[column]
        if old is None or char == "":
            continue
        if old[0] == "" and column > 0 and column - 1 not in cells:
            line[column - 1] = None
        right = line[column + 1] if column + 1 < len(line) else None
        if right is not None and right[0] == "" and column + 1 not in cells:
            line[column + 1] = None


def _runs(line: list[Cell | None], columns: list[int]) -> list[tuple[int, int]]:
    """Stretches to send: changed columns, joined over short known gaps, widened to whole
    wide characters."""
    runs: list[list[int]] = []
    for column in columns:
        if runs:
            last = runs[-1]
            gap = column - last[1]  # 1: the next column, nothing between (most of a frame)
            if gap == 1 or (gap <= _GAP + 1 and all(
                    line[c] is not None for c in range(last[1] + 1, column))):
                last[1] = column
                continue
        runs.append([column, column])
    for run in runs:
        while run[0] > 0 and _right_half(line[run[0]]):
            run[0] -= 1
        while run[1] + 1 < len(line) and _right_half(line[run[1] + 1]):
            run[1] += 1
    return [(start, end) for start, end in runs]


def _right_half(cell: Cell | None) -> bool:
    return cell is not None and cell[0] == ""
