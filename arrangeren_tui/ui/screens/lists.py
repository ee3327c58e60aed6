"""What the session lists share: their columns, how many rows they show, the 'and more' line.

The home screen, the history and the bewaartermijn list are all DataTables of
sessions. A store may hold 10,000 sessions; a DataTable of 10,000 rows costs
seconds to build and tens of megabytes, and nobody scrolls through it. So a list
shows at most ``ROW_LIMIT`` rows and says, in one line, how many more there are and
how to reach them (typing in the history search).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import DataTable

ROW_LIMIT = 100  # rows a session list shows at most

# (label, width, key): one column of a session list.
Column = tuple[str, int, str]

HISTORY_COLUMNS: tuple[Column, ...] = (
    ("Datum", 10, "datum"), ("Leerling", 16, "leerling"), ("School", 12, "school"),
    ("Status", 8, "status"), ("Afspr.", 6, "afspraken"), ("Evaluatie", 10, "evaluatie"),
)
RETENTION_COLUMNS: tuple[Column, ...] = (
    ("Datum", 10, "datum"), ("Leerling", 16, "leerling"), ("School", 9, "school"),
    ("Verlopen", 10, "verlopen"), ("Vanaf", 9, "vanaf"), ("Code", 13, "code"),
)
HOME_COLUMNS: tuple[Column, ...] = (
    ("Datum", 16, "datum"), ("Leerling", 15, "leerling"), ("School", 11, "school"),
    ("Gr.", 4, "groep"), ("Status", 8, "status"), ("Code", 13, "code"),
)


def add_columns(table: DataTable[object], columns: Sequence[Column]) -> None:
    """Give an empty session table its columns."""
    for label, width, key in columns:
        table.add_column(label, key=key, width=width)


def dutch_number(count: int) -> str:
    """10000 -> '10.000' (Dutch groups thousands with a dot)."""
    return f"{count:,}".replace(",", ".")


def more_matches(rest: int, *, at_least: bool = False) -> str:
    """The line under a capped search: how many matches are not shown, and what to do.

    ``at_least``: the count is of the list fields only; the notes were not searched
    (the table was full already), so more sessions may match.
    """
    return (f"… en nog {'minstens ' if at_least else ''}{dutch_number(rest)} "
            f"treffer{'' if rest == 1 else 's'}, typ verder om te verfijnen")
