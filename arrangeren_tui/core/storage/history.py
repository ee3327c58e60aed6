"""Finding past sessions: by the fields of the list at once, by the full text from the files.

The list fields (date, pupil, school, status, evaluation date) come from the
index, so they match instantly. The full text of notes, afspraken, the evaluation
of the previous afspraken, consent and the voorbereiding is read from each session
file in turn; the caller runs that off the event loop and can stop it between files
when the query changes. A full-text match says where it is (``Hit``): a snippet, and
the step and party to open the session on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from arrangeren_tui.core.storage.files import CorruptFileError, read_json_file
from arrangeren_tui.core.storage.store import SessionStore, SessionSummary


def words(query: str) -> list[str]:
    return query.casefold().split()


def field_text(summary: SessionSummary) -> str:
    """The list fields a search looks at, in one lower-case string.

    Made once per session when a list is read, so that each typed letter only tests
    ``word in text`` per session, however many sessions there are.
    """
    return " ".join(
        [summary.date, summary.pupil, summary.school, summary.group, summary.status,
         summary.evaluation, summary.id]
    ).casefold()


def fields_match(summary: SessionSummary, wanted: list[str]) -> bool:
    return text_matches(field_text(summary), wanted)


def text_matches(text: str, wanted: list[str]) -> bool:
    """True if the (lower-case) text holds every word."""
    return all(word in text for word in wanted)


def split_by_fields(
    summaries: Sequence[SessionSummary], texts: Sequence[str], wanted: list[str]
) -> tuple[list[SessionSummary], list[SessionSummary]]:
    """The sessions whose list fields hold every word, and the rest (in the same order).

    ``texts`` are the sessions' ``field_text``, made once.
    """
    matched: list[SessionSummary] = []
    rest: list[SessionSummary] = []
    for summary, text in zip(summaries, texts, strict=True):
        (matched if text_matches(text, wanted) else rest).append(summary)
    return matched, rest


SNIPPET = 60  # characters of context shown around a hit


@dataclass(frozen=True)
class Part:
    """One piece of typed text in a session, and where it stands."""

    text: str
    where: str  # Dutch: notitie, afspraak, evaluatie, voorbereiding, toestemming, ...
    step: str = ""  # the step it belongs to ("" for none)
    party: str = ""
    note: int | None = None  # the note's id, for a note


@dataclass(frozen=True)
class Hit:
    """Where a full-text search matched: a short piece of text around the word, the kind of
    text, and the step (key and name) and party to open the session on."""

    snippet: str
    where: str
    step: str = ""
    step_name: str = ""
    party: str = ""
    note: int | None = None
    party_label: str = ""

    def describe(self) -> str:
        """'notitie · Beeld van de leerling · Ouders: …leest graag over dieren…'."""
        place = " · ".join(p for p in (self.where, self.step_name, self.party_label) if p)
        return f"{place}: {self.snippet}"


def record_parts(record: dict) -> list[Part]:  # type: ignore[type-arg]
    """Everything typed in a session, each piece with its place, for full-text search."""
    parts: list[Part] = []
    head = record.get("session", {}).get("1", {})
    for key, note in record.get("notes", {}).items():
        parts.append(Part(str(note.get("text", "")), "notitie", str(note.get("step", "")),
                          str(note.get("party", "")), int(key) if str(key).isdigit() else None))
    for laid in record.get("arrangement", {}).values():
        parts += [Part(str(laid.get(k, "")), "afspraak", str(laid.get("step", "")),
                       str(laid.get("party", "")))
                  for k in ("title", "wie", "wat", "description")]
    for evaluation in head.get("evaluations", []):
        parts += [Part(str(evaluation.get(k, "")), "evaluatie", "",
                       str(evaluation.get("party", "")))
                  for k in ("wat", "wie", "note")]
    parts.append(Part(str(head.get("casusregie", "")), "casusregie"))
    for consent in head.get("consents", []):
        parts += [Part(str(consent.get("scope", "")), "toestemming"),
                  Part(str(consent.get("given_by", "")), "toestemming")]
    prep = head.get("preparation") or {}
    parts += [Part(str(prep.get(k, "")), "voorbereiding")
              for k in ("puzzle", "pupil_wants", "pupil_ideas", "other_documents")]
    for domain in (prep.get("domains") or {}).values():
        parts += [Part(str(domain.get(k, "")), "voorbereiding")
                  for k in ("needs", "tried", "effect")]
    parts.append(Part(str(head.get("meta", {}).get("place", "")), "plaats"))
    return [part for part in parts if part.text]


def record_text(record: dict) -> str:  # type: ignore[type-arg]
    """Everything typed in a session, lower case, for full-text search."""
    return "\n".join(part.text for part in record_parts(record)).casefold()


def snippet(text: str, word: str, width: int = SNIPPET) -> str:
    """One line of ``text`` around the first ``word`` (case-insensitive), '…' where cut."""
    flat = " ".join(text.split())
    at = max(0, flat.casefold().find(word))
    start = max(0, at - width // 3)
    end = min(len(flat), start + width)
    start = max(0, min(start, end - width))
    return f"{'…' if start else ''}{flat[start:end]}{'…' if end < len(flat) else ''}"


def find_hit(record: dict, wanted: list[str]) -> Hit | None:  # type: ignore[type-arg]
    """Where the words are, if the session holds every one of them: the piece of text that
    holds the most of them (the first such), or None."""
    parts = record_parts(record)
    text = "\n".join(part.text for part in parts).casefold()
    if not wanted or not all(word in text for word in wanted):
        return None
    best = max(parts, key=lambda part: sum(word in part.text.casefold() for word in wanted))
    first = next(word for word in wanted if word in best.text.casefold())
    veld = record.get("session", {}).get("1", {}).get("veld", {})
    names = {str(step.get("key", "")): str(step.get("name", ""))
             for step in veld.get("steps", []) if isinstance(step, dict)}
    labels = {str(party.get("key", "")): str(party.get("label", ""))
              for party in veld.get("parties", []) if isinstance(party, dict)}
    return Hit(snippet(best.text, first), best.where, best.step,
               names.get(best.step, best.step), best.party, best.note,
               labels.get(best.party, best.party))


def full_text_matches(
    store: SessionStore,
    summaries: Iterable[SessionSummary],
    wanted: list[str],
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[SessionSummary]:
    """Sessions whose own text holds every word; checks ``stop`` before each file."""
    for summary, _hit in full_text_hits(store, summaries, wanted, stop):
        yield summary


def full_text_hits(
    store: SessionStore,
    summaries: Iterable[SessionSummary],
    wanted: list[str],
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[tuple[SessionSummary, Hit]]:
    """``full_text_matches`` with where each matched (``find_hit``)."""
    for summary in summaries:
        if stop():
            return
        try:
            record = read_json_file(store.path_for(summary.id), store.codec)
        except (CorruptFileError, OSError):
            continue
        if isinstance(record, dict):
            hit = find_hit(record, wanted)
            if hit is not None:
                yield summary, hit
