"""A multi-line field that takes fast keys in order (its own module: TextArea is heavy)."""

from __future__ import annotations

from textual import events
from textual.reactive import Reactive, reactive
from textual.widgets import TextArea

from arrangeren_tui.ui.widgets.typing import STEADY_CURSOR, InOrderKeys


class TextBox(InOrderKeys, TextArea):
    """Textual's ``TextArea``, taking every key in its turn (see ``ui.widgets.typing``)."""

    UPWARD = (TextArea.Changed,)

    cursor_blink: Reactive[bool] = reactive(STEADY_CURSOR, init=False)  # see TextInput

    def types(self, event: events.Key) -> bool:
        if self.read_only:
            return False
        return (event.is_printable or event.key == "enter"
                or (event.key == "tab" and self.tab_behavior == "indent"))
