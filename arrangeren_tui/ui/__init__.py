"""The Textual layer: the app, the board, the other screens, dialogs, shared widgets and styles."""

from pathlib import Path

STYLES = Path(__file__).parent / "styles"
# The board and what every screen shares: read at start.
APP_CSS = str(STYLES / "arrangeren.tcss")
# Every screen but the board: read at start when the first screen is one of them
# (``ArrangerenApp.__init__``), else when the first of them opens.
SCREENS_CSS = str(STYLES / "schermen.tcss")
