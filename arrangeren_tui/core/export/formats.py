"""One entry for every export: the text of a format, and its file name.

The CLI (`arrangeren export`) and the verslag screen both go through here, so
that a format and its naming rule (never a child's name) live in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arrangeren_tui.core.model import Session

FORMATS = ("md", "html", "svg")


def render_export(session: Session, fmt: str, *, now: float, pseudonymise: bool) -> str:
    """The session in ``fmt`` (md, html or svg); the renderers load on first use."""
    from arrangeren_tui.core.export.foto import render_svg
    from arrangeren_tui.core.export.verslag import render_html, render_markdown

    if fmt == "svg":
        return render_svg(session, pseudonymise=pseudonymise)
    render = render_html if fmt == "html" else render_markdown
    return render(session, now=now, pseudonymise=pseudonymise)


def export_filename(session_id: str, fmt: str, *, pseudonymise: bool) -> str:
    """``verslag-<code>[-pseudoniem].<fmt>`` or ``foto-…``: the code, never a child's name."""
    kind = "foto" if fmt == "svg" else "verslag"
    suffix = "-pseudoniem" if pseudonymise else ""
    return f"{kind}-{session_id}{suffix}.{fmt}"
