"""A checkbox that reads the same with and without colour."""

from __future__ import annotations

from textual.widgets import Checkbox


class Tick(Checkbox):
    """A checkbox that shows ✓ or nothing, so on and off differ without colour too."""

    # Textual declares BUTTON_INNER a plain class attribute and reads it at render time; a
    # property that follows the value is the smallest override (checked on textual 8.2.8).
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return "✓" if self.value else " "
