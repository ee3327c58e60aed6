"""The resolved date beside a date field, while it is typed."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input

from arrangeren_tui.core.fields import date_hint
from arrangeren_tui.ui.widgets.plain import Static


class DateHint(Static):
    """Shows what the date field ``input_id`` on the same screen resolves to
    ('= dinsdag 13 januari 2027' for 'volgende week dinsdag'), so a date said at the
    table can be checked before it is saved. Follows the field's value by itself."""

    DEFAULT_CSS = """
    DateHint { width: auto; height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, input_id: str, today: dt.date, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("", id=id, classes="date-hint")
        self.input_id = input_id
        self.today = today

    def on_mount(self) -> None:
        # After the first refresh: the field may sit in a container mounted after this one.
        self.call_after_refresh(self._follow)

    def _follow(self) -> None:
        field = self.screen.query_one(f"#{self.input_id}", Input)
        self.watch(field, "value", self._show, init=True)

    def _show(self, value: str) -> None:
        self.update(date_hint(value, self.today))
