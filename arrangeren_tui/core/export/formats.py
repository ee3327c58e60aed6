"""One entry for every export: the bytes of a format, and its file name.

The CLI (`arrangeren export`) and the verslag screen both go through here, so
that a format and its naming rule (never a child's name) live in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arrangeren_tui.core.export.namecheck import Finding, Text
    from arrangeren_tui.core.export.names import Person
    from arrangeren_tui.core.model import Session

FORMATS = ("md", "html", "pdf", "svg", "json")
# Formats that are not text: never written to a terminal.
BINARY = frozenset({"pdf"})
_KIND = {"svg": "foto", "json": "gegevens"}


def render_export(session: Session, fmt: str, *, now: float, pseudonymise: bool,
                  extra: tuple[Person, ...] = (), full_header: bool = False) -> bytes:
    """The session in ``fmt`` (one of FORMATS); text as UTF-8. Renderers load on first use.

    ``extra``: more names to replace than the session's register holds (what the
    second pass found and the user chose to replace); ``full_header`` keeps school,
    place and the exact date in a pseudonymised header.
    """
    from arrangeren_tui.core.export.names import register_for

    names = register_for(session).with_people(extra) if pseudonymise else None
    if fmt == "pdf":
        from arrangeren_tui.core.export.pdf import render_pdf

        return render_pdf(session, now=now, pseudonymise=pseudonymise, names=names,
                          full_header=full_header)
    if fmt == "json":
        from arrangeren_tui.core.export.datafile import render_json

        return render_json(session, now=now, pseudonymise=pseudonymise, names=names,
                           full_header=full_header).encode("utf-8")
    if fmt == "svg":
        from arrangeren_tui.core.export.foto import render_svg

        return render_svg(session, pseudonymise=pseudonymise, names=names,
                          full_header=full_header).encode("utf-8")
    from arrangeren_tui.core.export.verslag import render_html, render_markdown

    render = render_html if fmt == "html" else render_markdown
    return render(session, now=now, pseudonymise=pseudonymise, names=names,
                  full_header=full_header).encode("utf-8")


def pseudonymised_texts(session: Session, *, now: float) -> list[Text]:
    """Every text of a pseudonymised export after the register pass, with its stand-ins.

    Recorded while the verslag (HTML, so its title too) and the foto are rendered, so the
    second pass looks at exactly what the renderers wrote.
    """
    from arrangeren_tui.core.export.foto import render_svg
    from arrangeren_tui.core.export.names import RecordingRegister, register_for
    from arrangeren_tui.core.export.verslag import render_html

    recorder = RecordingRegister(register_for(session).people)
    render_html(session, now=now, pseudonymise=True, names=recorder)
    render_svg(session, pseudonymise=True, names=recorder)
    unique = {(r.text, r.spans): None for r in recorder.seen}
    return list(unique)


def unreplaced_names(session: Session, *, now: float) -> list[Finding]:
    """What the second pass (deduce) finds in a pseudonymised export that is not replaced."""
    from arrangeren_tui.core.export.namecheck import find_in_subprocess

    return find_in_subprocess(pseudonymised_texts(session, now=now))


def export_filename(session_id: str, fmt: str, *, pseudonymise: bool) -> str:
    """``verslag-<code>[-pseudoniem].<fmt>``, ``foto-…`` or ``gegevens-…``: never a name."""
    kind = _KIND.get(fmt, "verslag")
    suffix = "-pseudoniem" if pseudonymise else ""
    return f"{kind}-{session_id}{suffix}.{fmt}"
