"""The Textual layer: app, screens, widgets and the stylesheet."""

# Every screen but the board reads its rules from here when the first of them opens
# (relative to the screen's module, so all screens live in this package).
SCREENS_CSS = "schermen.tcss"
