"""The key bar every screen shows, and a helper for the current row of a table."""


from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from arrangeren_tui.ui.widgets.plain import Static

if TYPE_CHECKING:  # DataTable is a big module; the board has none
    from textual.widgets import DataTable


def cursor_row_key(table: DataTable) -> str | None:  # type: ignore[type-arg]
    """The key of the row under a DataTable's cursor, None for an empty table."""
    if not table.row_count:
        return None
    row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
    return row_key.value


# Textual's own bindings that show in a footer, by their English description: the key as
# this program writes it and the Dutch description (checked on Textual 8.2.8: the open
# menu of a Select binds escape to "Dismiss menu").
TEXTUAL_KEYS = {"Dismiss menu": ("Esc", "Menu sluiten")}


class KeyBar(Static):
    """A two-line footer: every active key with its Dutch description.

    Textual's Footer is one line and cuts keys off at 80 columns; this one wraps
    so that everything that can be pressed is on screen.
    """

    DEFAULT_CSS = """
    KeyBar { height: 2; dock: bottom; }
    """

    _shown_keys: Text | None = None
    _refill_pending = False
    _changes = 0  # how often the screen's bindings changed
    _filled_at = -1  # ... when the keys were last worked out

    def __init__(self, *, fill_on_mount: bool = True, **kwargs: object) -> None:
        """``fill_on_mount=False``: the screen fills the bar itself at the end of its own
        ``on_mount`` (the board, which focuses there), so working the keys out as the bar
        is mounted, for a screen without focus yet, would be done for nothing."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._fill_on_mount = fill_on_mount

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        # Filled before the first frame (not after it), so the screen is drawn once
        # with its keys instead of twice; focus changes refill it later.
        if self._fill_on_mount:
            self.refresh_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        # A key press can change focus and bindings several times: refill once, as the
        # next message (before the next frame, so the screen is not laid out twice).
        self._changes += 1
        if self.is_attached and not self._refill_pending:
            self._refill_pending = True
            self.call_later(self._refill)

    def _refill(self) -> None:
        self._refill_pending = False
        if self._filled_at != self._changes:  # else filled since the last change already
            self.refresh_keys()

    def on_resize(self) -> None:
        self.refresh_keys()

    def refresh_keys(self) -> None:
        """Show the screen's active keys now (nothing is redrawn if they did not change)."""
        # Attached is enough: during on_mount the bar is not "mounted" yet, and that
        # first fill is the one that lets the screen's first layout include the keys.
        if not self.is_attached:
            return
        try:
            active = self.screen.active_bindings
        except Exception:  # noqa: BLE001 - the screen is being torn down
            return
        self._filled_at = self._changes
        seen: set[str] = set()
        parts: list[Text] = []
        for _node, binding, enabled, _tooltip in active.values():
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key, description = TEXTUAL_KEYS.get(
                binding.description, (self.app.get_key_display(binding), binding.description)
            )
            part = Text()
            part.append(f" {key} ", style="bold reverse" if enabled else "dim reverse")
            part.append(f" {description}", style="" if enabled else "dim")
            parts.append(part)
        keys = pack_keys(parts, self.size.width or self.app.size.width)
        if keys == self._shown_keys:
            return  # an unchanged key bar would cost a layout of the whole screen
        # Only a new number of lines changes the bar's height; other changes repaint it.
        lines = len(self._shown_keys.split()) if self._shown_keys is not None else -1
        self._shown_keys = keys
        self.update(keys, layout=lines != len(keys.split()))


def pack_keys(parts: list[Text], width: int) -> Text:
    """Lay key labels out in lines of ``width`` without splitting one label."""
    lines: list[Text] = []
    line = Text()
    for part in parts:
        extra = part.cell_len + (2 if line else 0)
        if line and line.cell_len + extra > width:
            lines.append(line)
            line = Text()
        if line:
            line.append("  ")
        line.append_text(part)
    if line:
        lines.append(line)
    return Text("\n").join(lines)


