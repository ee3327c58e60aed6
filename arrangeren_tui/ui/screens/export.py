"""The verslag on screen (Textual's Markdown viewer), and writing it for the leerlingdossier.

With pseudonyms on, the second name check (deduce, in its own process) runs in a
thread; until it is back and, if it found something, the user chose to replace it
(v) or leave it (l), nothing pseudonymised is written.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Markdown

from arrangeren_tui.core.errors import os_reason
from arrangeren_tui.core.export import formats, namecheck
from arrangeren_tui.core.export.formats import BINARY, export_filename, render_export
from arrangeren_tui.core.export.namecheck import Finding, NameCheckError, describe
from arrangeren_tui.core.export.names import Person
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.storage.files import DIR_MODE, atomic_write_bytes
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.widgets.keybar import KeyBar
from arrangeren_tui.ui.widgets.plain import Static


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
        screen.notify(f"Niet geschreven: {os_reason(error)} ({target})", severity="error",
                      timeout=8)
        return None
    if session is not None:
        from arrangeren_tui.core.storage.exportlog import record_export

        try:
            record_export(session[0], session[1], target, data)
        except (OSError, TimeoutError):
            screen.notify(f"Geschreven: {name} in {folder}. Let op: het staat niet in de lijst "
                          "die bij verwijderen van het gesprek wordt opgeruimd; verwijder het "
                          "dan zelf.", severity="warning", timeout=12)
            return target
    # The file name first, whole: a long folder may wrap, the name stays on one line.
    screen.notify(f"Geschreven: {name} in {folder}", timeout=6)
    return target


@dataclass
class NamesChecked(Message):
    """The second name check is back: what it found, or why it could not run."""

    findings: list[Finding]
    error: str = ""


class ExportScreen(Screen[None]):
    """Preview, toggle the pseudonymised variant, write md / html / pdf / svg / json."""

    CSS_PATH = SCREENS_CSS

    # `p` is the PDF (the file for the leerlingdossier); the pseudonym is `n` (namen).
    BINDINGS = [
        Binding("p", "write('pdf')", "PDF", key_display="p", id="export.pdf"),
        Binding("n", "toggle_pseudonym", "Namen/pseudoniem", key_display="n",
                id="export.pseudonym"),
        Binding("v", "found(True)", "Gevonden namen vervangen", key_display="v",
                id="export.replace_found"),
        Binding("l", "found(False)", "Laten staan", key_display="l", id="export.keep_found"),
        Binding("k", "toggle_header", "Kop volledig aan/uit", key_display="k",
                id="export.full_header"),
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
        self.full_header = False
        self.findings: list[Finding] | None = None  # None: the check has not come back
        self.check_error = ""
        self.replace_found: bool | None = None  # None: not decided yet
        self._check_process: subprocess.Popen[bytes] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="export-title")
        with VerticalScroll(id="export-scroll"):
            yield Markdown("", id="export-preview")
        yield KeyBar()

    def on_mount(self) -> None:
        self._show()
        self.query_one("#export-scroll").focus()

    def _extra(self) -> tuple[Person, ...]:
        if self.replace_found and self.findings:
            return tuple(f.person() for f in self.findings)
        return ()

    def _status(self) -> str:
        if not self.pseudonymise:
            return "met namen"
        if self.check_error:
            return f"pseudoniem · alleen de namenlijst: {self.check_error}"
        if self.findings is None:
            return "pseudoniem · namencontrole loopt…"
        if not self.findings:
            return "pseudoniem · geen andere namen gevonden"
        choice = {None: "v vervangen / l laten staan", True: "vervangen",
                  False: "laten staan"}[self.replace_found]
        return f"pseudoniem · Mogelijk nog namen: {describe(self.findings)} — {choice}"

    def _show(self) -> None:
        self.query_one("#export-title", Static).update(
            f" Verslag ({self._status()}) · schrijft naar {self.folder}"
        )
        markdown = render_export(self.session, "md", now=self.now(),
                                 pseudonymise=self.pseudonymise, extra=self._extra(),
                                 full_header=self.full_header).decode("utf-8")
        self.query_one("#export-preview", Markdown).update(markdown)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "found":
            return bool(self.pseudonymise and self.findings)
        if action == "toggle_header":
            return self.pseudonymise
        return True

    def action_toggle_pseudonym(self) -> None:
        self.pseudonymise = not self.pseudonymise
        if self.pseudonymise and self.findings is None and not self.check_error:
            self._check_names(self.now())
        self._show()
        self.refresh_bindings()

    def action_toggle_header(self) -> None:
        self.full_header = not self.full_header
        self._show()

    def action_found(self, replace: bool) -> None:
        self.replace_found = replace
        self._show()

    @work(thread=True, exclusive=True, group="namecheck")
    def _check_names(self, now: float) -> None:
        """The second pass, off the event loop: deduce takes seconds in its own process."""
        try:
            texts = formats.pseudonymised_texts(self.session, now=now)
            findings = namecheck.find_in_subprocess(texts, on_start=self._started)
        except NameCheckError as error:
            self.post_message(NamesChecked([], str(error)))
            return
        self.post_message(NamesChecked(findings))

    def _started(self, process: subprocess.Popen[bytes]) -> None:
        self._check_process = process

    def on_unmount(self) -> None:
        """A check nobody waits for any more ends now (^Q does not wait for it either)."""
        if self._check_process is not None and self._check_process.poll() is None:
            self._check_process.kill()

    def on_names_checked(self, message: NamesChecked) -> None:
        self.findings = message.findings
        self.check_error = message.error
        self._show()
        self.refresh_bindings()

    def action_write(self, kind: str) -> None:
        if self.pseudonymise and self.findings is None and not self.check_error:
            self.notify("Even wachten: de namencontrole loopt nog.", timeout=4)
            return
        if self.pseudonymise and self.findings and self.replace_found is None:
            self.notify(f"Mogelijk nog namen: {describe(self.findings)}. "
                        "Kies eerst: v vervangen of l laten staan.", severity="warning",
                        timeout=8)
            return
        if kind in BINARY:
            self.notify("PDF wordt gemaakt …", timeout=3)
            self._render_in_thread(kind, self.pseudonymise, self._extra(), self.full_header)
            return
        data = render_export(self.session, kind, now=self.now(), pseudonymise=self.pseudonymise,
                             extra=self._extra(), full_header=self.full_header)
        self._write(kind, self.pseudonymise, data)

    @work(thread=True, group="export")
    def _render_in_thread(self, kind: str, pseudonymise: bool, extra: tuple[Person, ...],
                          full_header: bool) -> None:
        """A PDF takes up to a second: made off the event loop, written back on it."""
        data = render_export(self.session, kind, now=self.now(), pseudonymise=pseudonymise,
                             extra=extra, full_header=full_header)
        self.app.call_from_thread(self._write, kind, pseudonymise, data)

    def _write(self, kind: str, pseudonymise: bool, data: bytes) -> None:
        name = export_filename(self.session.id, kind, pseudonymise=pseudonymise)
        noted = None if self.store_root is None else (self.store_root, self.session.id)
        write_for_the_file(self, self.folder, name, data, session=noted)

    def action_back(self) -> None:
        self.app.pop_screen()
