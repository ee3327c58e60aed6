"""A ``DataTable`` that shows text as it was typed."""

from __future__ import annotations

from rich.text import Text, TextType
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, ColumnKey, RowKey


def _plain(value: object) -> object:
    """A ``str`` as the ``Text`` Textual makes of one without markup; anything else as is."""
    return Text(value, end="") if isinstance(value, str) else value


class PlainTable(DataTable[object]):
    """``DataTable`` whose text cells are plain text.

    Textual reads a ``str`` cell as Rich markup (and emoji codes). Every table here shows
    what people typed: a pupil, school or afspraak named with ``[/]`` in it raised
    ``MarkupError`` while the list was drawn and stopped the program (at every start, for
    the home list); ``[b]`` made the rest bold and ``:smile:`` an emoji. Each ``str`` cell
    becomes a ``Text`` as Textual makes one without markup (and no markup is parsed: a
    large home list draws sooner).
    """

    def add_row(self, *cells: CellType, height: int | None = 1, key: str | None = None,
                label: TextType | None = None) -> RowKey:
        return super().add_row(*map(_plain, cells), height=height, key=key, label=label)

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: CellType,
                    *, update_width: bool = False) -> None:
        super().update_cell(row_key, column_key, _plain(value), update_width=update_width)
