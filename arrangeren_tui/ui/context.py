"""What a screen may use of the running app, handed to it when it is made.

Screens get an ``AppContext`` rather than reaching into ``self.app``: the store,
the veld, the clock, the settings and the deck are typed here and checked by mypy.
Navigation goes the other way, as messages (``ui.messages``) that the App handles.
This module is light on purpose (no Textual widgets, no decks): a board opened
straight away imports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from arrangeren_tui.core.storage.retention import DEFAULT_MONTHS
from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld

if TYPE_CHECKING:  # the card search and the picker are imported when ^K is first pressed
    from arrangeren_tui.ui.dialogs.cardsearch import CardIndex
    from arrangeren_tui.ui.dialogs.picker import BlankCard


class CardShelf(Protocol):
    """The deck as the board uses it (the App keeps it: it is read once, in a thread)."""

    def card_index(self) -> CardIndex:
        """The searchable deck."""
        ...

    def keep_blank_card(self, blank: BlankCard) -> str:
        """Write a blanco kaart to the user's own deck; its id, or "" if that failed."""
        ...


@dataclass(frozen=True)
class AppContext:
    """The store, the veld, the clock and the settings of one run of the app."""

    store: SessionStore
    veld: Veld
    now: Callable[[], float]
    today: Callable[[], dt.date]
    cards: CardShelf
    retention_months: int = DEFAULT_MONTHS
    export_dir: Path | None = None
    template_dirs: list[Path] | None = None
