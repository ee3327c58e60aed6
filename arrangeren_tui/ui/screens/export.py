"""The verslag on screen (Textual's Markdown viewer), and writing it for the leerlingdossier."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from arrangeren_tui.core.export.formats import export_filename, render_export
from arrangeren_tui.core.export.verslag import render_markdown
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.storage.files import DIR_MODE, atomic_write_bytes
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.widgets.keybar import KeyBar


def default_export_dir() -> Path:
    return Path.home() / "arrangeren-verslagen"


def write_for_the_file(screen: Screen, folder: Path, name: str, data: bytes) -> Path | None:  # type: ignore[type-arg]
    """Write an export (0600, atomically) into ``folder`` and say where; None if it failed."""
    target = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        atomic_write_bytes(target, data, keep_backup=False)
    except OSError as error:
        screen.notify(f"Niet geschreven: {error.strerror} ({target})", severity="error",
                      timeout=8)
        return None
    # The file name first, whole: a long folder may wrap, the name stays on one line.
    screen.notify(f"Geschreven: {name} in {folder}", timeout=6)
    return target


class ExportScreen(Screen[None]):
    """Preview, toggle the pseudonymised variant, write md / html / svg."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("p", "toggle_pseudonym", "Pseudoniem aan/uit", key_display="p",
                id="export.pseudonym"),
        Binding("m", "write('md')", "Markdown", key_display="m", id="export.md"),
        Binding("h", "write('html')", "HTML", key_display="h", id="export.html"),
        Binding("f", "write('svg')", "Foto (SVG)", key_display="f", id="export.svg"),
        Binding("escape", "back", "Terug", key_display="Esc", id="export.back"),
    ]

    def __init__(self, session: Session, now: Callable[[], float],
                 folder: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self.now = now
        self.folder = folder or default_export_dir()
        self.pseudonymise = False

    def compose(self) -> ComposeResult:
        yield Static("", id="export-title")
        with VerticalScroll(id="export-scroll"):
            yield Markdown("", id="export-preview")
        yield KeyBar()

    def on_mount(self) -> None:
        self._show()
        self.query_one("#export-scroll").focus()

    def _show(self) -> None:
        variant = "pseudoniem" if self.pseudonymise else "met namen"
        self.query_one("#export-title", Static).update(
            f" Verslag ({variant}) · schrijft naar {self.folder}"
        )
        markdown = render_markdown(self.session, now=self.now(),
                                   pseudonymise=self.pseudonymise)
        self.query_one("#export-preview", Markdown).update(markdown)

    def action_toggle_pseudonym(self) -> None:
        self.pseudonymise = not self.pseudonymise
        self._show()

    def action_write(self, kind: str) -> None:
        text = render_export(self.session, kind, now=self.now(), pseudonymise=self.pseudonymise)
        name = export_filename(self.session.id, kind, pseudonymise=self.pseudonymise)
        write_for_the_file(self, self.folder, name, text.encode("utf-8"))

    def action_back(self) -> None:
        self.app.pop_screen()
