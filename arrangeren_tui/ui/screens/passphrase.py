"""The passphrase of an encrypted store, asked once per start before any screen with data.

Opening the store's key takes about a second (scrypt, on purpose): it runs in a thread,
so the screen says what it is doing. A wrong passphrase says so and changes nothing; the
screen stays for another try. ^Q stops the program as everywhere.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input

from arrangeren_tui.core.errors import os_reason
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.widgets.plain import Label, Static


class PassphraseScreen(Screen[bool]):
    """Ask the passphrase; dismissed with True once the store's key is unlocked."""

    CSS_PATH = SCREENS_CSS
    BINDINGS = [
        Binding("escape", "clear", "Wissen", key_display="Esc", id="passphrase.clear"),
    ]

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.busy = False

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="passphrase", classes="dialog"):
            yield Label("Versleutelde opslag", classes="dialog-title")
            yield Static(
                f"De gesprekken in {self.root} zijn versleuteld. Typ het wachtwoord en druk "
                "op Enter. (^Q stopt.)",
                classes="dialog-question",
            )
            yield Input(password=True, id="passphrase-input", placeholder="wachtwoord")
            yield Static("", id="passphrase-status")

    def on_mount(self) -> None:
        self.query_one("#passphrase-input", Input).focus()

    def _status(self, text: str) -> None:
        self.query_one("#passphrase-status", Static).update(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        if not event.value:
            self._status("Typ eerst het wachtwoord.")
            return
        self.busy = True
        # The passphrase leaves the field at once: it is not kept on screen, right or wrong.
        event.input.value = ""
        self._status("Bezig met openen van de sleutel…")
        self._unlock(event.value)

    @work(thread=True, exclusive=True, group="passphrase", exit_on_error=False)
    def _unlock(self, passphrase: str) -> None:
        from arrangeren_tui.core.storage.crypt import CryptError, unlock

        try:
            unlock(self.root, passphrase)
        except CryptError as error:
            self.app.call_from_thread(self._refused, str(error))
            return
        except OSError as error:  # the key file cannot be read: say so, never hang
            self.app.call_from_thread(
                self._refused, f"kan de sleutel van de opslag niet lezen ({os_reason(error)})")
            return
        except Exception as error:  # noqa: BLE001 - e.g. no memory for scrypt
            self.app.call_from_thread(
                self._refused, f"kan de sleutel van de opslag niet openen "
                f"({type(error).__name__})")
            return
        self.app.call_from_thread(self.dismiss, True)

    def _refused(self, reason: str) -> None:
        self.busy = False
        entry = self.query_one("#passphrase-input", Input)
        entry.value = ""
        entry.focus()
        self._status(f"{reason[:1].upper()}{reason[1:]}. Probeer het opnieuw.")

    def action_clear(self) -> None:
        self.query_one("#passphrase-input", Input).value = ""
