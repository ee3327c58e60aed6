"""Finding past sessions: by the fields of the list at once, by the full text from the files.

The list fields (date, pupil, school, status, evaluation date) come from the
index, so they match instantly. The full text of notes, afspraken, consent and
the voorbereiding is read from each session file in turn; the caller runs that off the event
loop and can stop it between files when the query changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from arrangeren_tui.core.storage.files import CorruptFileError, read_json_file
from arrangeren_tui.core.storage.store import SessionStore, SessionSummary


def words(query: str) -> list[str]:
    return query.casefold().split()


def fields_match(summary: SessionSummary, wanted: list[str]) -> bool:
    text = " ".join(
        [summary.date, summary.pupil, summary.school, summary.group, summary.status,
         summary.evaluation, summary.id]
    ).casefold()
    return all(word in text for word in wanted)


def record_text(record: dict) -> str:  # type: ignore[type-arg]
    """Everything typed in a session, lower case, for full-text search."""
    parts: list[str] = []
    head = record.get("session", {}).get("1", {})
    for note in record.get("notes", {}).values():
        parts.append(str(note.get("text", "")))
    for laid in record.get("arrangement", {}).values():
        parts += [str(laid.get(k, "")) for k in ("title", "wie", "wat", "description")]
    parts.append(str(head.get("casusregie", "")))
    for consent in head.get("consents", []):
        parts += [str(consent.get("scope", "")), str(consent.get("given_by", ""))]
    prep = head.get("preparation") or {}
    parts += [str(prep.get(k, "")) for k in ("puzzle", "pupil_wants", "pupil_ideas",
                                             "other_documents")]
    for domain in (prep.get("domains") or {}).values():
        parts += [str(domain.get(k, "")) for k in ("needs", "tried", "effect")]
    parts.append(str(head.get("meta", {}).get("place", "")))
    return "\n".join(parts).casefold()


def full_text_matches(
    store: SessionStore,
    summaries: Iterable[SessionSummary],
    wanted: list[str],
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[SessionSummary]:
    """Sessions whose own text holds every word; checks ``stop`` before each file."""
    for summary in summaries:
        if stop():
            return
        try:
            record = read_json_file(store.path_for(summary.id))
        except (CorruptFileError, OSError):
            continue
        if isinstance(record, dict):
            text = record_text(record)
            if all(word in text for word in wanted):
                yield summary
