"""Invitations for a planned meeting, per role, from Markdown templates.

A template is a Markdown file ``<rol>.md`` in a folder ``uitnodigingen``: the
first line ``# ...`` is the subject, the rest is the letter. Fields between
braces are filled in (``{dag}``, ``{tijd}``, ``{plaats}``, ...; see ``FIELDS``);
``{{`` and ``}}`` write a brace. Folders are read in order, a later one
stronger (``paths.resolve_template_dirs``): the shipped ``decks/uitnodigingen``,
then ``~/.config/arrangeren/uitnodigingen``, then ``uitnodigingen`` inside every
``--decks``/``ARRANGEREN_DECKS`` folder. So a samenwerkingsverband words its own
letters without touching code.

The roles are ``leraar`` (party school), ``ouders`` and each external party
(``swv``, ``jeugdhulp``, ``jgz``; a party of an own veld without its own
template uses ``extern.md``). An external party is invited only when the
parents said yes in the voorbereiding; the text never decides that by itself.

Typed values (names, place, school) are escaped before they go into the
Markdown, so a name can never become markup; the plain-text variant is made
by parsing that Markdown back, so it shows the values as typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from arrangeren_tui.core.errors import os_reason
from arrangeren_tui.core.export.ics import CalendarEvent
from arrangeren_tui.core.export.names import register_for
from arrangeren_tui.core.export.verslag import escape_inline
from arrangeren_tui.core.model import Session
from arrangeren_tui.core.text import one_line

HOME_ROLES = {"leraar": "school", "ouders": "ouders"}
GENERIC_TEMPLATE = "extern"
FIELDS = {
    "leerling": "naam van de leerling",
    "groep": "groep van de leerling",
    "school": "school",
    "datum": "datum (JJJJ-MM-DD)",
    "dag": "dag en datum, bv. dinsdag 17 november 2026",
    "tijd": "begintijd",
    "eindtijd": "eindtijd",
    "duur": "duur in woorden, bv. ongeveer anderhalf uur",
    "plaats": "plaats",
    "gespreksleider": "naam van de gespreksleider",
    "genodigden": "de uitgenodigde partijen",
    "partij": "de partij die deze brief krijgt",
}
_FIELD_RE = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")
_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")
_HOURS = {1: "een", 2: "twee", 3: "drie", 4: "vier"}


class InvitationError(ValueError):
    """A Dutch reason why this invitation cannot be made."""


@dataclass(frozen=True)
class TemplateProblem:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Template:
    role: str
    path: Path
    subject: str
    body: str
    body_line: int  # line number of the body's first line in the file


@dataclass(frozen=True)
class Invitation:
    role: str
    subject: str
    markdown: str
    text: str


# -- folders and roles ------------------------------------------------------------


def roles_for(session: Session) -> list[str]:
    """The roles that get an invitation: leraar, ouders, then the invited external parties."""
    external = session.external_parties()
    if session.meta.invited:
        external = [p for p in external if p in session.meta.invited]
    return ["leraar", "ouders", *external]


def invited_parties(session: Session) -> list[str]:
    """External parties that are invited and that the parents agreed to."""
    return [p for p in roles_for(session)[2:] if session.invite_allowed(p)]


def _in_sentence(label: str) -> str:
    """'Jeugdhulp' -> 'jeugdhulp' inside a sentence; an abbreviation like 'JGZ' stays."""
    return label if label.isupper() else label[:1].lower() + label[1:]


def role_label(session: Session, role: str) -> str:
    if role == "leraar":
        return "Leraar"
    return session.veld.party(role).label if role in _party_keys(session) else role


def _party_keys(session: Session) -> set[str]:
    return {p.key for p in session.veld.parties}


def check_role(session: Session, role: str) -> None:
    """Raise InvitationError if ``role`` is no role here or may not be invited."""
    valid = ["leraar", "ouders", *session.external_parties()]
    if role not in valid:
        raise InvitationError(f"onbekende rol '{role}' (kies uit: {', '.join(valid)})")
    if role not in HOME_ROLES and not session.invite_allowed(role):
        answer = session.preparation.invite_consent.get(role)
        why = "gaven geen toestemming" if answer == "nee" else "hebben nog geen toestemming gegeven"
        raise InvitationError(
            f"de ouders {why} om {role_label(session, role)} uit te nodigen; "
            "leg hun antwoord vast in de voorbereiding"
        )


# -- templates ----------------------------------------------------------------------


def find_template(role: str, dirs: Sequence[Path]) -> Path:
    for name in (role, GENERIC_TEMPLATE):
        for folder in reversed(list(dirs)):
            path = folder / f"{name}.md"
            if path.is_file():
                return path
        if role in HOME_ROLES:
            break
    raise InvitationError(f"geen sjabloon '{role}.md' gevonden in {', '.join(map(str, dirs))}")


def parse_template(role: str, path: Path) -> tuple[Template | None, list[TemplateProblem]]:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [TemplateProblem(path, None, "dit bestand is geen UTF-8-tekst")]
    except OSError as error:
        return None, [TemplateProblem(path, None, f"niet te lezen ({os_reason(error)})")]
    lines = raw.replace("\r\n", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].startswith("# "):
        line = None if first is None else first + 1
        return None, [TemplateProblem(path, line, "de eerste regel moet '# Onderwerp' zijn")]
    subject = lines[first][2:].strip()
    body = "\n".join(lines[first + 1:]).strip("\n")
    body_line = first + 2 + next((i for i, line in enumerate(lines[first + 1:]) if line.strip()), 0)
    problems = []
    for number, text in enumerate(lines, start=1):
        for match in _FIELD_RE.finditer(text):
            name = match.group(1)
            if name is not None and name.strip() not in FIELDS:
                problems.append(TemplateProblem(
                    path, number,
                    f"onbekend veld '{{{name}}}' (kies uit: {', '.join(FIELDS)}; "
                    "schrijf {{ voor een accolade)",
                ))
    if problems:
        return None, problems
    return Template(role, path, subject, body, body_line), []


def load_template(role: str, dirs: Sequence[Path]) -> Template:
    template, problems = parse_template(role, find_template(role, dirs))
    if template is None:
        raise InvitationError("; ".join(map(str, problems)))
    return template


def check_templates(dirs: Sequence[Path]) -> list[TemplateProblem]:
    """Every problem in every template file in these folders."""
    problems: list[TemplateProblem] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            if path.name.casefold() == "readme.md":
                continue
            problems.extend(parse_template(path.stem, path)[1])
    return problems


# -- filling in -----------------------------------------------------------------------


def dutch_date(iso_date: str) -> str:
    day = dt.date.fromisoformat(iso_date)
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def dutch_duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if rest == 30 and hours == 1:
        return "ongeveer anderhalf uur"
    if rest == 0 and hours in _HOURS:
        return f"ongeveer {_HOURS[hours]} uur"
    if hours == 0:
        return f"ongeveer {minutes} minuten"
    return f"ongeveer {hours} uur en {rest} minuten" if rest else f"ongeveer {hours} uur"


def end_time(start: str, minutes: int) -> str:
    begin = dt.datetime.combine(dt.date(2000, 1, 1), dt.time.fromisoformat(start))
    return (begin + dt.timedelta(minutes=minutes)).strftime("%H:%M")


def field_values(session: Session, role: str, *, pupil: str | None = None) -> dict[str, str]:
    """Plain values for every field (``pupil`` replaces the pupil's name, e.g. initials)."""
    meta = session.meta
    invited = [_in_sentence(session.veld.party(p).label) for p in invited_parties(session)]
    at_table = ["de leraar", "de ouders", *invited]
    values = {
        "leerling": pupil if pupil is not None else meta.pupil,
        "groep": meta.group,
        "school": meta.school or "school",
        "datum": meta.date,
        "dag": dutch_date(meta.date),
        "tijd": meta.time or "(tijd volgt)",
        "eindtijd": end_time(meta.time, meta.planned_minutes) if meta.time else "(tijd volgt)",
        "duur": dutch_duration(meta.planned_minutes),
        "plaats": meta.place or "(plaats volgt)",
        "gespreksleider": meta.facilitator or "de gespreksleider",
        "genodigden": ", ".join(at_table[:-1]) + f" en {at_table[-1]}",
        "partij": role_label(session, role),
    }
    return values


def fill(text: str, values: dict[str, str], *, escape: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        value = values[match.group(1).strip()]
        # Plain text (the e-mail text, the subject) shows controls as stand-ins too.
        return escape_inline(value) if escape else one_line(value)

    return _FIELD_RE.sub(replace, text)


def render_invitation(session: Session, role: str, dirs: Sequence[Path], *,
                      pupil: str | None = None) -> Invitation:
    """The invitation for one role, as Markdown and as plain text for an e-mail."""
    check_role(session, role)
    template = load_template(role, dirs)
    values = field_values(session, role, pupil=pupil)
    subject = " ".join(fill(template.subject, values, escape=False).split())
    body = fill(template.body, values, escape=True)
    markdown = f"# {escape_inline(subject)}\n\n{body}\n"
    text = f"Onderwerp: {subject}\n\n{markdown_to_text(body)}"
    return Invitation(role=role, subject=subject, markdown=markdown, text=text)


def markdown_to_text(markdown: str) -> str:
    """Plain text for an e-mail: markup gone, lists as '- ', paragraphs apart."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    blocks: list[str] = []
    prefix: list[str] = []
    counters: list[int] = []
    for token in tokens:
        if token.type == "bullet_list_open":
            counters.append(0)
        elif token.type == "ordered_list_open":
            counters.append(int(token.attrGet("start") or 1))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            counters.pop()
        elif token.type == "list_item_open":
            if counters and counters[-1]:
                prefix.append(f"{counters[-1]}. ")
                counters[-1] += 1
            else:
                prefix.append("- ")
        elif token.type == "list_item_close":
            prefix.pop()
        elif token.type == "inline":
            blocks.append(_hanging(_inline_text(token.children or []), prefix))
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
        elif token.type == "hr":
            blocks.append("—" * 20)
    return _join_blocks(blocks)


def _join_blocks(blocks: list[str]) -> str:
    """Paragraphs apart by an empty line; the items of one list together."""
    out: list[str] = []
    for block in blocks:
        in_list = block.lstrip().startswith(("- ",)) or re.match(r"\s*\d+\. ", block)
        if out and not (in_list and _is_list_line(out[-1])):
            out.append("")
        out.append(block)
    return "\n".join(out).strip("\n") + "\n"


def _hanging(text: str, prefix: list[str]) -> str:
    """A paragraph under the current list marker; later lines hang under its first letter."""
    indent = "  " * max(0, len(prefix) - 1)
    lead = indent + (prefix[-1] if prefix else "")
    hang = " " * len(lead)
    lines = text.split("\n")
    if prefix:
        prefix[-1] = " " * len(prefix[-1])  # the marker stands only before the first paragraph
    return "\n".join([lead + lines[0], *(hang + line for line in lines[1:])])


def _is_list_line(text: str) -> bool:
    return bool(re.match(r"\s*(?:- |\d+\. )", text))


def _inline_text(children: list) -> str:  # type: ignore[type-arg]
    parts: list[str] = []
    link_href: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link_open":
            link_href.append(str(child.attrGet("href") or ""))
        elif child.type == "link_close":
            href = link_href.pop() if link_href else ""
            if href and not href.startswith("mailto:"):
                parts.append(f" ({href})")
    return "".join(parts)


def invitation_filename(session_id: str, role: str, fmt: str) -> str:
    """A file name with only the session code and the role: never a child's name."""
    suffix = {"md": "md", "tekst": "txt", "ics": "ics"}[fmt]
    return f"uitnodiging-{session_id}-{role}.{suffix}"


# -- calendar -------------------------------------------------------------------------


def invitation_event(session: Session, role: str, dirs: Sequence[Path], *,
                     with_names: bool = False) -> CalendarEvent:
    """The appointment for one role; the pupil's name only with ``with_names``.

    Without names the pupil goes through the same function as every pseudonymised text
    (``names.register_for``): initials. Place, time and the facilitator stay: the invitee
    needs them.
    """
    pupil = None if with_names else (register_for(session).apply(session.meta.pupil)
                                     or "de leerling")
    invitation = render_invitation(session, role, dirs, pupil=pupil)
    meta = session.meta
    summary = "Arrangeergesprek"
    if with_names:
        summary += f" {meta.pupil}"
    if meta.school:
        summary += f" · {meta.school}"
    return CalendarEvent(
        uid=f"{session.id}@arrangeren", date=meta.date, time=meta.time,
        minutes=meta.planned_minutes, summary=summary, location=meta.place,
        description=invitation.text,
    )
