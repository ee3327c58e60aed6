"""The verslag: a session as Markdown for the leerlingdossier. A pure function, no Textual.

Whatever people typed is escaped so that it can never change the document's
structure: no heading, list, table cell, code span or HTML can come out of a
note. Control characters are shown as visible stand-ins. The pseudonymised
variant sends every typed text through one function (``NameRegister.apply``,
see ``names.py``): the pupil's name becomes initials, everybody else's their
role. Its header leaves out what makes the child easy to find (school, place,
the exact date and time) unless ``full_header`` asks for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arrangeren_tui.core.domains import DOMAIN_LABELS, DOMAINS
from arrangeren_tui.core.export.names import NO_NAMES, NameRegister, register_for
from arrangeren_tui.core.model import DOCUMENT_LABELS, Session
from arrangeren_tui.core.text import safe_text

_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
# Markers that only count at the start of a line: lists, quotes, setext underlines.
_LEADING = re.compile(r"^(\s*)([-+=>]|\d{1,9}(?=[.)]))")


def escape_inline(text: str) -> str:
    """Text that renders literally on one line: every Markdown marker is escaped."""
    flat = " ⏎ ".join(part.strip() for part in text.split("\n")) if "\n" in text else text
    # Leading spaces would make an indented code block; trailing ones a line break.
    flat = safe_text(flat).strip()
    escaped = _INLINE_SPECIAL.sub(r"\\\1", flat)
    return _LEADING.sub(_escape_leading, escaped)


def _escape_leading(match: re.Match[str]) -> str:
    spaces, marker = match.group(1), match.group(2)
    if marker.isdigit():
        return f"{spaces}{marker}\\"  # "1." -> "1\." (the dot follows)
    return f"{spaces}\\{marker}"


def escape_block(text: str, indent: str = "  ") -> str:
    """Multi-line text for a list item: each line escaped, joined by hard line breaks."""
    lines = [escape_inline(line) for line in text.strip("\n").split("\n") if line.strip()]
    return ("\\\n" + indent).join(lines)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell or " " for cell in cells) + " |"


@dataclass(frozen=True)
class _Parts:
    """What every section of the verslag needs: the session, the names to hide, party labels."""

    session: Session
    names: NameRegister
    labels: dict[str, str]
    full_header: bool = True

    def text(self, value: str) -> str:
        return escape_inline(self.names.apply(value))

    def party(self, key: str) -> str:
        return self.text(self.labels.get(key, key))


def pseudonyms(session: Session, pseudonymise: bool,
               names: NameRegister | None = None) -> NameRegister:
    """The register to use: ``names`` if given, the session's own, or none at all."""
    if not pseudonymise:
        return NO_NAMES
    return names if names is not None else register_for(session)


def month_of(date: str) -> str:
    """'2026-11-23' -> 'november 2026': the date of a pseudonymised header."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-\d{2}", date.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return ""
    return f"{_MONTHS[int(match.group(2)) - 1]} {match.group(1)}"


def render_markdown(session: Session, *, now: float, pseudonymise: bool = False,
                    names: NameRegister | None = None, full_header: bool = False) -> str:
    """The verslag of one session as Markdown (``now`` is the wall time for a running clock).

    ``names`` replaces the session's own register (the second pass adds to it);
    ``full_header`` keeps school, place and the exact date in a pseudonymised header.
    """
    register = pseudonyms(session, pseudonymise, names)
    labels = {p.key: p.label for p in session.veld.parties}
    parts = _Parts(session, register, labels, full_header or not pseudonymise)
    out: list[str] = ["# Verslag arrangeergesprek", ""]
    out += _meta_lines(parts, now)
    out += _participant_lines(parts)
    out += _preparation_lines(session, register, labels)
    out += _evaluation_lines(parts)
    out += _step_lines(parts)
    out += _domain_lines(parts)
    out += _arrangement_lines(parts)
    out += _consent_lines(parts)
    missing = session.missing()
    if missing:
        out += ["## Nog open", ""]
        out += [f"- {escape_inline(register.apply(item))}" for item in missing]
        out.append("")
    return "\n".join(out)


def _meta_lines(parts: _Parts, now: float) -> list[str]:
    session, text = parts.session, parts.text
    meta = session.meta
    actual = session.clock.elapsed(now) if session.clock.started else None
    full = parts.full_header
    rows = [
        ("Leerling", text(meta.pupil)),
        ("Datum", text(meta.date) if full else (month_of(meta.date) or "niet vermeld")),
        *([("Tijd", text(meta.time))] if meta.time and full else []),
        *([("Plaats", text(meta.place)), ("School", text(meta.school))] if full else []),
        ("Groep", text(meta.group)),
        ("Gespreksleider", text(meta.facilitator)),
        ("Geplande duur", f"{meta.planned_minutes} minuten"),
    ]
    if actual is not None:
        rows.append(("Werkelijke duur", f"{round(actual / 60)} minuten"))
    rows.append(("Status", text(session.status)))
    out = [_row(["Gegeven", "Waarde"]), _row(["---", "---"])]
    out += [_row([key, value]) for key, value in rows]
    out.append("")
    return out


def _participant_lines(parts: _Parts) -> list[str]:
    out = ["## Deelnemers", ""]
    people = parts.session.meta.participants
    if people:
        out += [_row(["Naam", "Rol", "Partij"]), _row(["---", "---", "---"])]
        for person in people:
            out.append(_row([parts.text(person.name), parts.text(person.role),
                             parts.party(person.party)]))
    else:
        out.append("Geen deelnemers vastgelegd.")
    out.append("")
    return out


def _evaluation_lines(parts: _Parts) -> list[str]:
    session, text = parts.session, parts.text
    if not session.evaluations:
        return []
    out = [f"## Evaluatie van de vorige afspraken ({escape_inline(session.previous)})", ""]
    out += [_row(["Partij", "Afspraak", "Wie", "Wanneer", "Uitkomst", "Toelichting"]),
            _row(["---"] * 6)]
    for evaluation in session.evaluations:
        out.append(_row([
            parts.party(evaluation.party), text(evaluation.wat),
            text(evaluation.wie), text(evaluation.wanneer),
            text(evaluation.outcome or "nog niet besproken"), text(evaluation.note),
        ]))
    out.append("")
    return out


def _step_lines(parts: _Parts) -> list[str]:
    session = parts.session
    out: list[str] = []
    for number, step in enumerate(session.veld.steps, start=1):
        out += [f"## {number}. {escape_inline(step.name)}", ""]
        any_note = False
        for party in session.veld.parties:
            notes = session.notes_for(step.key, party.key)
            if not notes:
                continue
            any_note = True
            out += [f"### {escape_inline(party.label)}", ""]
            for note in notes:
                mark = "**Belangrijk:** " if note.important else ""
                tag = f" *({note.domain})*" if note.domain else ""
                out.append(f"- {mark}{escape_block(parts.names.apply(note.text))}{tag}")
            out.append("")
        if not any_note:
            out += ["Geen notities.", ""]
    return out


def _domain_lines(parts: _Parts) -> list[str]:
    by_domain = parts.session.notes_by_domain()
    if not by_domain:
        return []
    out = ["## Per domein", ""]
    steps = {s.key: s.short for s in parts.session.veld.steps}
    for domain, notes in by_domain.items():
        out += [f"### {DOMAIN_LABELS[domain]}", ""]
        for note in notes:
            where = f"{parts.labels.get(note.party, note.party)}, {steps.get(note.step, note.step)}"
            out.append(f"- {escape_block(parts.names.apply(note.text))} ({escape_inline(where)})")
        out.append("")
    return out


def _arrangement_lines(parts: _Parts) -> list[str]:
    session, text = parts.session, parts.text
    out = ["## Arrangement en afspraken", ""]
    if session.arrangement:
        out += [
            _row(["Partij", "Kaart", "Intensiteit", "Wie", "Wat", "Wanneer", "Status"]),
            _row(["---"] * 7),
        ]
        for laid in session.arrangement:
            out.append(_row([
                parts.party(laid.party), text(laid.title),
                text(laid.intensity), text(laid.wie), text(laid.wat), text(laid.wanneer),
                text(laid.status),
            ]))
    else:
        out.append("Geen kaarten gelegd.")
    out.append("")
    out += [
        f"- Casusregie: {text(session.casusregie) or 'niet vastgelegd'}",
        f"- Evaluatiedatum: {text(session.evaluation_date) or 'niet vastgelegd'}",
        "",
    ]
    return out


def _consent_lines(parts: _Parts) -> list[str]:
    session, text = parts.session, parts.text
    out = ["## Toestemming", ""]
    if session.consents:
        out += [_row(["Partij", "Mag ontvangen", "Wat", "Gegeven door", "Datum"]),
                _row(["---"] * 5)]
        for consent in session.consents:
            out.append(_row([
                parts.party(consent.party),
                "ja" if consent.granted else "nee", text(consent.scope),
                text(consent.given_by), text(consent.date),
            ]))
    else:
        out.append("Geen toestemming vastgelegd.")
    out.append("")
    return out


def _preparation_lines(session: Session, names: NameRegister,
                       labels: dict[str, str]) -> list[str]:
    """The voorbereiding: puzzel, kindperspectief, dialooginstrument, documents, invitations."""
    prep = session.preparation
    if prep.is_empty():
        return []

    def text(value: str) -> str:
        return escape_inline(names.apply(value))

    out = ["## Voorbereiding", ""]
    if prep.puzzle.strip():
        out += ["### Puzzel van de leraar", "", escape_block(names.apply(prep.puzzle), indent=""),
                ""]
    if prep.pupil_wants.strip() or prep.pupil_ideas.strip():
        out += ["### Kindperspectief", ""]
        if prep.pupil_wants.strip():
            out.append(f"- Wil opgelost zien: {escape_block(names.apply(prep.pupil_wants))}")
        if prep.pupil_ideas.strip():
            out.append(f"- Eigen ideeën: {escape_block(names.apply(prep.pupil_ideas))}")
        out.append("")
    filled = [(d, prep.domain(d)) for d in DOMAINS if not prep.domain(d).is_empty()]
    if filled:
        out += ["### Uitkomst dialooginstrument", "",
                _row(["Domein", "Wat nodig is", "Geprobeerd", "Effect"]), _row(["---"] * 4)]
        out += [_row([DOMAIN_LABELS[d], text(p.needs), text(p.tried), text(p.effect)])
                for d, p in filled]
        out.append("")
    if prep.documents or prep.other_documents.strip():
        out += ["### Meegebrachte documenten", ""]
        out += [f"- {DOCUMENT_LABELS.get(d, escape_inline(d))}" for d in prep.documents]
        if prep.other_documents.strip():
            out.append(f"- Anders: {text(prep.other_documents)}")
        out.append("")
    if prep.invite_consent:
        out += ["### Toestemming om uit te nodigen", "",
                _row(["Partij", "Ouders akkoord"]), _row(["---", "---"])]
        for key in session.external_parties():
            answer = prep.invite_consent.get(key, "niet gevraagd")
            out.append(_row([text(labels.get(key, key)), answer]))
        out.append("")
    return out


PRINT_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4;
       max-width: 48em; margin: 2em auto; color: #111; }
h1 { font-size: 18pt; border-bottom: 2px solid #333; padding-bottom: .2em; }
h2 { font-size: 14pt; margin-top: 1.4em; border-bottom: 1px solid #999; }
h3 { font-size: 12pt; margin-bottom: .2em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #999; padding: .2em .4em; text-align: left; vertical-align: top;
         overflow-wrap: break-word; hyphens: manual; }
th { background: #eee; }
/* Columns by table (the verslag's tables are told apart by their number of columns):
   a date never wraps ("2026-12-" / "15"), a name column is wide enough for a name. */
table:has(th:nth-child(7)) :is(th, td):is(:nth-child(1), :nth-child(3), :nth-child(6),
    :nth-child(7)),
table:has(th:nth-child(6)):not(:has(th:nth-child(7))) :is(th, td):is(:nth-child(4),
    :nth-child(5)),
table:has(th:nth-child(5)):not(:has(th:nth-child(6))) :is(th, td):is(:nth-child(1),
    :nth-child(2), :nth-child(5)) { white-space: nowrap; }
table:has(th:nth-child(7)) td:nth-child(4),
table:has(th:nth-child(6)):not(:has(th:nth-child(7))) td:nth-child(3),
table:has(th:nth-child(5)):not(:has(th:nth-child(6))) td:nth-child(4),
table:has(th:nth-child(3)):not(:has(th:nth-child(4))) td:nth-child(1) { min-width: 8em; }
@page { size: A4; margin: 15mm 14mm 17mm;
        @bottom-right { content: "pagina " counter(page) " van " counter(pages);
                        font: 8pt "DejaVu Sans", Arial, sans-serif; color: #555; } }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }  /* the heading again on every page */
  tr, li { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
}
"""


def render_html(session: Session, *, now: float, pseudonymise: bool = False,
                names: NameRegister | None = None, full_header: bool = False) -> str:
    """The verslag as one self-contained HTML file, rendered from the Markdown.

    markdown-it-py's ``js-default`` preset leaves raw HTML off, so nothing typed
    can become markup (the default preset would pass ``<script>`` through).
    """
    from html import escape

    from markdown_it import MarkdownIt

    markdown = render_markdown(session, now=now, pseudonymise=pseudonymise, names=names,
                               full_header=full_header)
    body = MarkdownIt("js-default").render(markdown)
    register = pseudonyms(session, pseudonymise, names)
    when = session.meta.date if full_header or not pseudonymise else month_of(session.meta.date)
    title = register.apply(f"Verslag arrangeergesprek {when}".strip())
    return (
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(title)}</title>\n<style>{PRINT_CSS}</style>\n</head>\n"
        f"<body>\n{body}</body>\n</html>\n"
    )
