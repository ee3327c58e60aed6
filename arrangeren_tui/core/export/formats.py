"""One entry for every export: the bytes of a format, and its file name.

The CLI (`arrangeren export`) and the verslag screen both go through here, so
that a format and its naming rule (never a child's name) live in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arrangeren_tui.core.model import Session

FORMATS = ("md", "html", "pdf", "svg", "json")
# Formats that are not text: never written to a terminal.
BINARY = frozenset({"pdf"})
_KIND = {"svg": "foto", "json": "gegevens"}


def render_export(session: Session, fmt: str, *, now: float, pseudonymise: bool) -> bytes:
    """The session in ``fmt`` (one of FORMATS); text as UTF-8. Renderers load on first use."""
    if fmt == "pdf":
        from arrangeren_tui.core.export.pdf import render_pdf

        return render_pdf(session, now=now, pseudonymise=pseudonymise)
    if fmt == "json":
        from arrangeren_tui.core.export.datafile import render_json

        return render_json(session, now=now, pseudonymise=pseudonymise).encode("utf-8")
    if fmt == "svg":
        from arrangeren_tui.core.export.foto import render_svg

        return render_svg(session, pseudonymise=pseudonymise).encode("utf-8")
    from arrangeren_tui.core.export.verslag import render_html, render_markdown

    render = render_html if fmt == "html" else render_markdown
    return render(session, now=now, pseudonymise=pseudonymise).encode("utf-8")


def export_filename(session_id: str, fmt: str, *, pseudonymise: bool) -> str:
    """``verslag-<code>[-pseudoniem].<fmt>``, ``foto-…`` or ``gegevens-…``: never a name."""
    kind = _KIND.get(fmt, "verslag")
    suffix = "-pseudoniem" if pseudonymise else ""
    return f"{kind}-{session_id}{suffix}.{fmt}"
