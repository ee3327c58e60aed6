"""A checkbox that reads the same with and without colour."""

from __future__ import annotations

from textual.widgets import Checkbox


class Tick(Checkbox):
    """A checkbox that shows ✓ or nothing, so on and off differ without colour too."""

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's name
        return "✓" if self.value else " "
