"""The verslag on screen (Textual's Markdown viewer), and writing it for the leerlingdossier."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from arrangeren_tui.core.export.formats import BINARY, export_filename, render_export
from arrangeren_tui.core.export.verslag import render_markdown
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.storage.files import DIR_MODE, atomic_write_bytes
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.widgets.keybar import KeyBar


def default_export_dir() -> Path:
    return Path.home() / "arrangeren-verslagen"


def write_for_the_file(screen: Screen, folder: Path, name: str, data: bytes,  # type: ignore[type-arg]
                       *, session: tuple[Path, str] | None = None) -> Path | None:
    """Write an export (0600, atomically) into ``folder`` and say where; None if it failed.

    ``session`` (store folder, session code) notes the file for that session, so that
    deleting the session removes it too.
    """
    target = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        atomic_write_bytes(target, data, keep_backup=False)
    except OSError as error:
        screen.notify(f"Niet geschreven: {error.strerror} ({target})", severity="error",
                      timeout=8)
        return None
    if session is not None:
        from arrangeren_tui.core.storage.exportlog import record_export

        try:
            record_export(session[0], session[1], target, data)
        except (OSError, TimeoutError):
            screen.notify(f"Geschreven: {target}. Let op: het staat niet in de lijst die bij "
                          "verwijderen van het gesprek wordt opgeruimd; verwijder het dan zelf.",
                          severity="warning", timeout=12)
            return target
    screen.notify(f"Geschreven: {target}", timeout=6)
    return target


class ExportScreen(Screen[None]):
    """Preview, toggle the pseudonymised variant, write md / html / pdf / svg / json."""

    CSS_PATH = SCREENS_CSS

    # `p` is the PDF (the file for the leerlingdossier); the pseudonym is `n` (namen).
    BINDINGS = [
        Binding("p", "write('pdf')", "PDF", key_display="p", id="export.pdf"),
        Binding("n", "toggle_pseudonym", "Namen/pseudoniem", key_display="n",
                id="export.pseudonym"),
        Binding("m", "write('md')", "Markdown", key_display="m", id="export.md"),
        Binding("h", "write('html')", "HTML", key_display="h", id="export.html"),
        Binding("f", "write('svg')", "Foto (SVG)", key_display="f", id="export.svg"),
        Binding("j", "write('json')", "Gegevens (JSON)", key_display="j", id="export.json"),
        Binding("escape", "back", "Terug", key_display="Esc", id="export.back"),
    ]

    def __init__(self, session: Session, now: Callable[[], float],
                 folder: Path | None = None, *, store_root: Path | None = None) -> None:
        """``store_root``: where to note the files written, so deleting the session finds them."""
        super().__init__()
        self.session = session
        self.store_root = store_root
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
        if kind in BINARY:
            self.notify("PDF wordt gemaakt …", timeout=3)
            self._render_in_thread(kind, self.pseudonymise)
            return
        data = render_export(self.session, kind, now=self.now(), pseudonymise=self.pseudonymise)
        self._write(kind, self.pseudonymise, data)

    @work(thread=True, group="export")
    def _render_in_thread(self, kind: str, pseudonymise: bool) -> None:
        """A PDF takes up to a second: made off the event loop, written back on it."""
        data = render_export(self.session, kind, now=self.now(), pseudonymise=pseudonymise)
        self.app.call_from_thread(self._write, kind, pseudonymise, data)

    def _write(self, kind: str, pseudonymise: bool, data: bytes) -> None:
        name = export_filename(self.session.id, kind, pseudonymise=pseudonymise)
        noted = None if self.store_root is None else (self.store_root, self.session.id)
        write_for_the_file(self, self.folder, name, data, session=noted)

    def action_back(self) -> None:
        self.app.pop_screen()
