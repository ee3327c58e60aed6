"""The reference for the terminal figures: a minimal Textual app.

A Header, one focused Input and a Footer, nothing else: what any Textual app
costs before it does anything of its own. ``benchmarks/run.py`` runs it in the
same pseudo-terminal harness as arrangeren, alternating with it, and reports
arrangeren's figures as a ratio to this one's.

Run by hand: ``python benchmarks/reference_app.py``.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Input

TITLE = "Referentie"
PLACEHOLDER = "Typ hier iets"
FOOTER_TEXT = "palette"  # Textual's own ^p binding, the one key its Footer shows


class ReferenceApp(App[None]):
    TITLE = TITLE

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=PLACEHOLDER)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()


def main() -> None:
    ReferenceApp().run()


if __name__ == "__main__":
    main()
