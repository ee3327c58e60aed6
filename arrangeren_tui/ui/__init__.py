"""The Textual layer: app, screens, widgets and the stylesheet."""
