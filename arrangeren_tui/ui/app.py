"""The App: screens, global keys, the store handle, and the guard around a run."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from arrangeren_tui.core.store import SessionStore, StoreError
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui.board import BoardScreen
from arrangeren_tui.ui.dialogs import TooSmallScreen
from arrangeren_tui.ui.home import HomeScreen

MIN_WIDTH, MIN_HEIGHT = 80, 24
WATCHDOG_SECONDS = 3.0


class ArrangerenApp(App[int]):
    """Thin on purpose: the board logic lives in ``BoardScreen``."""

    CSS_PATH = "arrangeren.tcss"
    TITLE = "arrangeren"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Stop", key_display="^Q", priority=True, id="app.quit"),
        Binding("ctrl+p", "command_palette", "Alle acties", key_display="^P",
                id="app.command_palette"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(
        self,
        store: SessionStore,
        veld: Veld,
        open_session: str | None = None,
        *,
        now: Callable[[], float] = time.time,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__()
        self.store = store
        self.veld = veld
        self.initial_session = open_session
        self._now = now
        self._today = today
        self._too_small: TooSmallScreen | None = None

    def now(self) -> float:
        return self._now()

    def today(self) -> dt.date:
        return self._today()

    def on_mount(self) -> None:
        self.push_screen(HomeScreen(self.store, self.veld))
        if self.initial_session:
            self.open_session(self.initial_session)
        self._check_size(self.size.width, self.size.height)

    # -- sessions ---------------------------------------------------------------

    def open_session(self, session_id: str) -> None:
        try:
            session = self.store.load(session_id)
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.push_screen(BoardScreen(session, self.store))

    def boards(self) -> list[BoardScreen]:
        return [s for s in self.screen_stack if isinstance(s, BoardScreen)]

    async def action_quit(self) -> None:
        for board in self.boards():
            if not board.shutdown():
                self.notify(
                    "Let op: niet alles kon worden opgeslagen.", severity="error", timeout=10
                )
                return
        self.exit(0)

    def action_help_quit(self) -> None:
        self.notify("Stoppen doe je met ^Q (alles is al opgeslagen).", timeout=3)

    # -- window size --------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        if too_small and self._too_small is None:
            self._too_small = TooSmallScreen(MIN_WIDTH, MIN_HEIGHT)
            self.push_screen(self._too_small)
        elif not too_small and self._too_small is not None:
            screen, self._too_small = self._too_small, None
            if self.screen is screen:
                self.pop_screen()
            elif screen in self.screen_stack:
                screen.dismiss()

    # -- command palette ------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the screen (and the app) by its Dutch name."""
        seen: set[str] = set()
        for node, binding, _enabled, _tooltip in screen.active_bindings.values():
            if not binding.description or binding.action in seen:
                continue
            if binding.action == "command_palette":
                continue
            seen.add(binding.action)
            key = self.get_key_display(binding)
            yield SystemCommand(
                binding.description,
                f"toets: {key}",
                partial(self.run_action, binding.action, node),
            )
        yield SystemCommand("Thema wisselen", "kies de kleuren", self.action_change_theme)

    # -- running safely ----------------------------------------------------------------

    def _on_terminating_signal(self, signum: int, _frame: object) -> None:
        """SIGHUP or SIGTERM: save from the model at once, then leave, even if stuck."""
        watchdog = threading.Timer(WATCHDOG_SECONDS, os._exit, args=(128 + signum,))
        watchdog.daemon = True
        watchdog.start()
        for board in self.boards():
            board.emergency_save(timeout=WATCHDOG_SECONDS - 1)
        if signum == signal.SIGHUP:
            os._exit(128 + signum)  # the terminal is gone; nothing left to restore
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self.exit, 128 + signum)
        else:
            os._exit(128 + signum)

    def run_guarded(self) -> int:
        """Run with hang-up and termination handlers; returns the exit code."""
        previous = {
            sig: signal.signal(sig, self._on_terminating_signal)
            for sig in (signal.SIGHUP, signal.SIGTERM)
        }
        try:
            self.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.return_code or 0
