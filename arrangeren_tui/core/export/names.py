"""Pseudonymising: a session's name register and the one function every exported text goes through.

The register holds the pupil, the participants, the facilitator and the other
people who came up (siblings, other children). ``NameRegister.replace`` finds
their names in any text and puts a stand-in there (initials for the pupil, the
role for everyone else). A name is found however it was typed:

- in any case ("daan", "DAAN") and without its diacritics ("Aicha" for "Aïcha");
- possessive, inflected or as a diminutive ("Noors", "Noor's", "noortje", "Semmetje");
- by a part of it (first name, surname with or without its tussenvoegsels, each part
  of "Jan-Willem"), by a nickname in brackets ("Mr. P. (Piet) Janssen" registers "Piet")
  and by its initials ("JW", "J.W.", "JWdV"; upper case only, so "as" stays a word);
- with what belongs to it: a title before it ("mevrouw", "juf"), initials before a
  surname ("J. de Vries"), an abbreviated tussenvoegsel ("vd Berg", "v.d. Berg") and an
  initial after a first name ("Noor v.d. B."), so a replacement never leaves half a name.

Names that are also common words ("Roos", "Bakker", "de Jong") are only replaced when
written with a capital. Pure Python, no lookup tables: it runs on every export.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from arrangeren_tui.core.text import initials

if TYPE_CHECKING:
    from arrangeren_tui.core.model import Session

TITLES = frozenset({
    "mevrouw", "mevr", "mw", "mevr.", "meneer", "mnr", "dhr", "heer", "juf", "juffrouw",
    "meester", "mr", "dr", "drs", "ir", "ing", "prof", "mej",
})
PARTICLES = frozenset({
    "van", "de", "der", "den", "het", "t", "te", "ten", "ter", "op", "in", "aan", "uit",
    "la", "le", "du", "da", "di", "del", "della", "des", "dos", "el", "al", "bin", "ben",
    "von", "zu", "vd", "vdr", "v", "d",
})
# Abbreviated tussenvoegsels ("vd Berg", "v.d. Berg", "v/d Berg"), absorbed next to a name.
SHORT_PARTICLES = frozenset({"vd", "vdr", "v", "d"})
# Words that are also names: such a name is replaced only when it starts with a capital.
COMMON_WORDS = frozenset({
    "roos", "iris", "merel", "linde", "jasmijn", "fleur", "lieve", "hoop", "vrede", "zon",
    "maan", "ster", "storm", "zomer", "lente", "winter", "ben", "max", "mees", "vink", "duif",
    "mus", "bakker", "visser", "smit", "mol", "vos",
    "bos", "kok", "boer", "jong", "groot", "klein", "wit", "zwart", "berg", "dam", "meer",
    "beek", "hoek", "brink", "koning", "hof", "bruin", "schaap", "haan", "kat", "wolf",
    "leeuw", "prins", "post", "kuiper", "koster", "dekker", "molenaar", "schipper", "bloem",
    "veld", "weg", "wal", "man", "vis", "lam", "rood", "kort", "lang", "hart", "blok",
    "bouwman", "winkel", "akker", "hout", "steen", "muur", "kerk", "school", "goed", "best",
    "sterk", "vrij", "boom", "tak", "plas", "gras", "kramer", "timmerman", "dijk", "haas",
})
# Capital abbreviations of the trade that are never read as somebody's initials.
NOT_INITIALS = frozenset({
    "IB", "AB", "OPP", "SWV", "JGZ", "GGD", "GGZ", "HGW", "SMW", "ADHD", "ADD", "ASS", "ODD",
    "DCD", "PDD", "NOS", "NT", "PO", "VO", "SO", "SBO", "VSO", "BSO", "KDV", "CJG", "ZAT",
    "MDO", "OT", "OK", "NB", "TV", "PC", "IQ", "AVG", "BSN", "GL", "KB", "BB", "TL", "HV",
    "VWO", "HAVO", "VMBO", "MBO", "HBO", "WO", "AD", "PS", "CC", "EN",
})
ROLE_WORDS = frozenset({
    "moeder", "vader", "ouder", "ouders", "broer", "zus", "zusje", "broertje", "oma", "opa",
    "tante", "oom", "neef", "nicht", "pleegmoeder", "pleegvader", "stiefmoeder", "stiefvader",
    "leraar", "lerares", "leerkracht", "mentor", "ib'er", "ib", "gespreksleider", "directeur",
    "orthopedagoog", "jeugdarts", "klasgenoot", "vriend", "vriendin", "buurman", "buurvrouw",
})

_NEVER_A_NAME = PARTICLES | TITLES | ROLE_WORDS
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_INITIAL_WORD = re.compile(r"(?:[^\W\d_]\.-?)+")
_NICKNAME = re.compile(r"[^\W\d_][^\W\d_]*(?:[\s-][^\W\d_]+)*")
_GAP_IN_NAME = re.compile(r"[\s\-‐–]*")
# What may stand between two parts of one person's name (brackets, dots, hyphens, slashes).
_GAP_BETWEEN_PARTS = re.compile(r"[\s\-‐–().,/]*")
_POSSESSIVE = ("'s", "s")
_DIMINUTIVE = ("etjes", "tjes", "pjes", "kjes", "jes", "etje", "tje", "pje", "kje", "je",
               "ke", "ie", "y")
_SENTENCE_END = re.compile(r"(?:^|[!?]|[^\W\d_]{2}\.|[\n⏎])\s*$")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Compare form: diacritics off, case folded, curly apostrophe straight ("Aïcha" -> "aicha")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().replace("’", "'")


@dataclass(frozen=True)
class Person:
    """Somebody whose name must not leave the program, and what to write instead.

    ``literal``: match ``name`` only as a whole (a place, an institution), not by parts.
    """

    name: str
    stand_in: str
    literal: bool = False


@dataclass(frozen=True)
class Replaced:
    """A text after replacement, with where the stand-ins are in it."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class _Form:
    tokens: tuple[str, ...]  # folded
    person: int
    surname: bool  # a surname form: initials and short tussenvoegsels before it belong to it


@dataclass
class _Hit:
    start: int
    end: int
    person: int
    possessive: bool = False


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    raw: str
    norm: str


@dataclass(frozen=True)
class ParsedName:
    """A name taken apart: given names, nicknames, tussenvoegsels, surname, given initials."""

    given: tuple[str, ...] = ()
    nicknames: tuple[str, ...] = ()
    particles: tuple[str, ...] = ()
    surname: tuple[str, ...] = ()
    given_initials: tuple[str, ...] = ()


def parse_name(name: str) -> ParsedName:
    """'Mr. P. (Piet) Janssen' -> given initials P, nickname Piet, surname Janssen."""
    nicknames: list[str] = []
    for content in re.findall(r"\(([^()]*)\)", name):
        content = content.strip()
        if (_NICKNAME.fullmatch(content) and content[0].isupper() and not content.isupper()
                and fold(content) not in ROLE_WORDS):
            nicknames.append(content)
    bare = re.sub(r"\([^()]*\)", " ", name)
    words: list[str] = []
    initials: list[str] = []
    titled = False
    for word in bare.split():
        if fold(word).rstrip(".") in TITLES:
            titled = True
            continue
        if _INITIAL_WORD.fullmatch(word):
            initials += [c for c in word if c.isalpha()]
            continue
        words.append(word)
    words = [w for w in words if _TOKEN.search(w)]
    if not words:
        return ParsedName(nicknames=tuple(nicknames), given_initials=tuple(initials))
    while len(words) > 1 and fold(words[0]) in PARTICLES:  # "de (heer) Janssen"
        words.pop(0)
    if initials or titled and len(words) == 1:  # "P. Janssen", "mevrouw Smit": a surname
        given: list[str] = []
        rest = words
    else:
        given, rest = [words[0]], words[1:]
    first_particle = next((i for i, w in enumerate(rest) if fold(w) in PARTICLES), None)
    if first_particle is not None:
        given += rest[:first_particle]
        rest = rest[first_particle:]
    elif len(rest) > 1:
        given += rest[:-1]
        rest = rest[-1:]
    particles = []
    while rest and fold(rest[0]) in PARTICLES and len(rest) > 1:
        particles.append(rest.pop(0))
    return ParsedName(tuple(given), tuple(nicknames), tuple(particles), tuple(rest),
                      tuple(initials))


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(), fold(m.group())) for m in _TOKEN.finditer(text)]


def _folded(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(t.norm for word in words for t in _tokens(word))


@lru_cache(maxsize=8192)
def _bases(norm: str) -> tuple[tuple[str, bool], ...]:
    """The forms a typed word may come from: itself, without a possessive or diminutive ending."""
    out = [(norm, False)]
    for ending in _POSSESSIVE:
        if norm.endswith(ending) and len(norm) - len(ending) >= (2 if "'" in ending else 3):
            out.append((norm[: -len(ending)], True))
    for ending in _DIMINUTIVE:
        for apostrophe in ("'", ""):
            suffix = apostrophe + ending
            base = norm[: -len(suffix)]
            if not norm.endswith(suffix) or len(base) < (2 if apostrophe else 3):
                continue
            out.append((base, False))
            if len(base) >= 3 and base[-1] == base[-2]:  # Semmetje, Bassie
                out.append((base[:-1], False))
    return tuple(out)


def _initials_pattern(letters: list[tuple[str, bool]]) -> re.Pattern[str] | None:
    """Initials such as "JW", "J.W.", "J.-W.", "JWdV"; (letter, is a tussenvoegsel)."""
    if len(letters) < 2:
        return None
    if "".join(fold(c).upper() for c, _ in letters) in NOT_INITIALS:
        return None
    parts = []
    for letter, small in letters:
        plain = fold(letter).upper()
        chars = {plain, letter.upper()} | ({plain.lower(), letter.lower()} if small else set())
        parts.append("[" + "".join(sorted(chars)) + "]")
    body = r"\.?[\s-]?".join(parts)
    return re.compile(rf"(?<![\w.]){body}\.?(?!\w)")


@dataclass
class NameRegister:
    """The names of one session and their stand-ins; ``apply`` is the one function for text."""

    people: tuple[Person, ...] = ()
    _single: dict[str, list[tuple[int, bool]]] = field(default_factory=dict, repr=False)
    _multi: dict[str, list[_Form]] = field(default_factory=dict, repr=False)
    _initials: list[tuple[re.Pattern[str], int]] = field(default_factory=list, repr=False)
    _particles: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    _starts: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        for index, person in enumerate(self.people):
            self._add(index, person)
        # The first two letters of every one-word form: a quick "cannot be a name" test.
        self._starts = {form[:2] for form in self._single}
        for forms in self._multi.values():
            forms.sort(key=lambda f: -len(f.tokens))

    @property
    def active(self) -> bool:
        return bool(self.people)

    def with_people(self, extra: Iterable[Person]) -> NameRegister:
        return NameRegister((*self.people, *extra))

    def _form(self, tokens: tuple[str, ...], index: int, *, surname: bool) -> None:
        if not tokens or sum(len(t) for t in tokens) < 2:
            return
        if len(tokens) == 1 and tokens[0] in _NEVER_A_NAME:
            return
        if len(tokens) == 1:
            entries = self._single.setdefault(tokens[0], [])
            if all(i != index for i, _ in entries):
                entries.append((index, surname))
        else:
            self._multi.setdefault(tokens[0], []).append(_Form(tokens, index, surname))

    def _add(self, index: int, person: Person) -> None:
        if person.literal:
            self._form(_folded([person.name]), index, surname=False)
            return
        parsed = parse_name(person.name)
        given = _folded(parsed.given)
        particles = _folded(parsed.particles)
        surname = _folded(parsed.surname)
        self._particles[index] = frozenset(particles)
        self._form(given + particles + surname, index, surname=not given)
        self._form(given, index, surname=False)
        for token in given:
            self._form((token,), index, surname=False)
        for nickname in parsed.nicknames:
            self._form(_folded([nickname]), index, surname=False)
        self._form(particles + surname, index, surname=True)
        self._form(surname, index, surname=True)
        given_letters = [(t.raw[0], False) for w in parsed.given for t in _tokens(w)]
        given_letters = given_letters or [(c, False) for c in parsed.given_initials]
        particle_letters = [(t.raw[0], True) for w in parsed.particles for t in _tokens(w)]
        surname_letters = [(t.raw[0], False) for w in parsed.surname for t in _tokens(w)]
        variants = [given_letters]
        if given_letters and surname_letters:
            variants += [given_letters + surname_letters,
                         given_letters + particle_letters + surname_letters]
        seen: set[str] = set()
        for letters in variants:
            pattern = _initials_pattern(letters)
            if pattern is not None and pattern.pattern not in seen:
                seen.add(pattern.pattern)
                self._initials.append((pattern, index))

    # -- matching ---------------------------------------------------------------------

    def _capital_ok(self, token: _Token, base: str) -> bool:
        return base not in COMMON_WORDS or token.raw[:1].isupper()

    def _match_at(self, text: str, tokens: list[_Token], i: int) -> tuple[_Hit, int] | None:
        token = tokens[i]
        for form in self._multi.get(token.norm, ()):
            end = i + len(form.tokens)
            if end > len(tokens):
                continue
            possessive = False
            ok = True
            for k, expected in enumerate(form.tokens):
                current = tokens[i + k]
                if k and not _GAP_IN_NAME.fullmatch(text[tokens[i + k - 1].end:current.start]):
                    ok = False
                    break
                last = k == len(form.tokens) - 1
                bases = _bases(current.norm) if last else [(current.norm, False)]
                found = next((p for b, p in bases
                              if b == expected and self._capital_ok(current, b)), None)
                if found is None:
                    ok = False
                    break
                possessive = found
            if ok:
                return _Hit(token.start, tokens[end - 1].end, form.person, possessive), end
        if token.norm[:2] not in self._starts:
            return None
        for base, possessive in _bases(token.norm):
            entries = self._single.get(base)
            if entries and self._capital_ok(token, base):
                return _Hit(token.start, token.end, entries[0][0], possessive), i + 1
        return None

    def _hits(self, text: str, tokens: list[_Token]) -> list[_Hit]:
        hits: list[_Hit] = []
        i = 0
        while i < len(tokens):
            found = self._match_at(text, tokens, i)
            if found is None:
                i += 1
                continue
            hit, i = found
            hits.append(hit)
        for pattern, person in self._initials:
            for match in pattern.finditer(text):
                if not any(h.start < match.end() and match.start() < h.end for h in hits):
                    hits.append(_Hit(match.start(), match.end(), person))
        hits.sort(key=lambda h: h.start)
        return hits

    def _grow(self, text: str, tokens: list[_Token], hit: _Hit) -> None:
        """Take in what belongs to the name: title, initials, short tussenvoegsels."""
        particles = self._particles.get(hit.person, frozenset())
        changed = True
        while changed:
            changed = False
            before = [t for t in tokens if t.end <= hit.start]
            if before:
                prev = before[-1]
                gap = text[prev.end:hit.start]
                initial = prev.raw.isalpha() and len(prev.raw) == 1 and gap.startswith(".")
                short = prev.norm in SHORT_PARTICLES and bool(particles)
                title = prev.norm in TITLES
                if (re.fullmatch(r"\.?[\s/(]*", gap) and (initial and prev.raw.isupper()
                                                         or short or title)):
                    hit.start = prev.start
                    changed = True
                    if title and prev.norm == "heer" and len(before) > 1:
                        pre = before[-2]
                        if pre.norm == "de" and not text[pre.end:prev.start].strip():
                            hit.start = pre.start
        # After the name: short or own tussenvoegsels, then one initial ("Noor v.d. B.").
        after = [t for t in tokens if t.start >= hit.end]
        end = hit.end
        for token in after:
            gap = text[end:token.start]
            if not re.fullmatch(r"[.\s/]*", gap) or "\n" in gap:
                break
            if token.norm in SHORT_PARTICLES or token.norm in particles:
                end = token.end
                continue
            if (len(token.raw) == 1 and token.raw.isupper()
                    and text[token.end:token.end + 1] == "."):
                hit.end = token.end + 1
            break

    def replace(self, text: str) -> Replaced:
        """``text`` with every registered name replaced by its stand-in."""
        if not self.people or not text:
            return Replaced(text)
        tokens = _tokens(text)
        hits = self._hits(text, tokens)
        if not hits:
            return Replaced(text)
        for hit in hits:
            self._grow(text, tokens, hit)
        merged: list[_Hit] = []
        for hit in hits:
            if merged and hit.start < merged[-1].end:
                last = merged[-1]
                last.end = max(last.end, hit.end)
                continue
            if merged and merged[-1].person == hit.person and self._joins(
                    text[merged[-1].end:hit.start], hit.person):
                merged[-1].end = hit.end
                merged[-1].possessive = hit.possessive
                continue
            merged.append(hit)
        out: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        length = 0
        for hit in merged:
            start, end = self._balance(text, hit.start, hit.end)
            start = max(start, pos)
            chunk = text[pos:start]
            out.append(chunk)
            length += len(chunk)
            stand_in = self.people[hit.person].stand_in
            if hit.possessive:
                stand_in += "’s"
            if stand_in[:1].islower() and _SENTENCE_END.search("".join(out)):
                stand_in = stand_in[0].upper() + stand_in[1:]
            out.append(stand_in)
            spans.append((length, length + len(stand_in)))
            length += len(stand_in)
            pos = end
        out.append(text[pos:])
        return Replaced("".join(out), tuple(spans))

    def _joins(self, gap: str, person: int) -> bool:
        """Two hits of one person with only brackets, dots or tussenvoegsels between: one name."""
        words = [fold(w) for w in _TOKEN.findall(gap)]
        rest = _TOKEN.sub(" ", gap)
        allowed = SHORT_PARTICLES | self._particles.get(person, frozenset())
        return ("\n" not in gap and bool(_GAP_BETWEEN_PARTS.fullmatch(rest))
                and all(w in allowed for w in words))

    @staticmethod
    def _balance(text: str, start: int, end: int) -> tuple[int, int]:
        """Widen a span so that it holds both brackets of a pair or neither."""
        inside = text[start:end]
        if inside.count("(") > inside.count(")") and text[end:end + 1] == ")":
            end += 1
        if inside.count(")") > inside.count("(") and text[start - 1:start] == "(":
            start -= 1
        return start, end

    def apply(self, text: str) -> str:
        return self.replace(text).text


NO_NAMES = NameRegister()


class RecordingRegister(NameRegister):
    """A register that keeps every text it replaced: what a second pass must look at."""

    def __init__(self, people: tuple[Person, ...]) -> None:
        super().__init__(people)
        self.seen: list[Replaced] = []

    def replace(self, text: str) -> Replaced:
        replaced = super().replace(text)
        if text.strip():
            self.seen.append(replaced)
        return replaced


def other_person(entry: str) -> Person:
    """An entry of the "andere personen" list: "Sem (broer)" stands in as "de broer"."""
    match = re.fullmatch(r"\s*(.*?)\s*\(\s*([^()]*?)\s*\)\s*", entry)
    if match and match.group(1) and match.group(2) and not match.group(2)[:1].isupper():
        return Person(match.group(1), f"de {match.group(2)}")
    return Person(entry.strip(), UNKNOWN_PERSON)


UNKNOWN_PERSON = "[naam]"
_LIST_SEPARATOR = re.compile(r"[,;\n](?![^()]*\))")


def split_other_people(text: str) -> tuple[str, ...]:
    """'Sem (broer), Lotte (zus); Karim' -> three entries (a comma in brackets stays)."""
    entries = (" ".join(part.split()) for part in _LIST_SEPARATOR.split(text))
    return tuple(dict.fromkeys(e for e in entries if e))


def join_other_people(entries: Iterable[str]) -> str:
    """The list as one line for a form field: 'Sem (broer), Lotte (zus)'."""
    return ", ".join(entries)


def register_for(session: Session) -> NameRegister:
    """Pupil -> initials; participants -> their role; facilitator; the other people."""
    meta = session.meta
    people: list[Person] = []
    if meta.pupil.strip():
        people.append(Person(meta.pupil, initials(meta.pupil) or "de leerling"))
    for participant in meta.participants:
        if participant.name.strip():
            label = participant.role or session.veld.party(participant.party).label
            people.append(Person(participant.name, f"de {label}"))
    if meta.facilitator.strip():
        people.append(Person(meta.facilitator, "de gespreksleider"))
    people += [other_person(entry) for entry in meta.other_people if entry.strip()]
    return NameRegister(tuple(people))
