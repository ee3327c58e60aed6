"""Reading what the facilitator typed in the capture bar.

``@ouders tekst`` routes the note to a party (any unique start of a party's key
or label works: ``@o``, ``@swv``); ``!`` in front marks it important (the big
post-it); ``#leren`` (or ``#le``, ``#wh``, ``#gd``, ``#gz``, or a unique start)
tags it with a domain of the Dialooginstrument. They may be combined in any order.
"""

from __future__ import annotations

from dataclasses import dataclass

from arrangeren_tui.core.domains import DOMAIN_SHORT, DOMAINS, match_domain
from arrangeren_tui.core.veld import Veld


@dataclass(frozen=True)
class Capture:
    """A parsed capture line: text plus routing, or a Dutch problem."""

    text: str
    party: str | None = None
    important: bool = False
    problem: str | None = None
    domain: str = ""


def parse_capture(line: str, veld: Veld) -> Capture:
    text = line.strip()
    party: str | None = None
    important = False
    domain = ""
    for _ in range(3):
        if text.startswith("!"):
            important = True
            text = text[1:].lstrip()
        elif text.startswith("@") and party is None:
            word, _, rest = text[1:].partition(" ")
            if not word:
                break
            matches = veld.match_party(word)
            if not matches:
                labels = ", ".join(p.key for p in veld.parties)
                return Capture(text=line, problem=f"‘@{word}’ is geen partij (kies uit {labels})")
            if len(matches) > 1:
                names = " of ".join(p.label for p in matches)
                return Capture(text=line, problem=f"‘@{word}’ kan {names} zijn; typ meer letters")
            party = matches[0].key
            text = rest.lstrip()
        elif text.startswith("#") and not domain:
            word, _, rest = text[1:].partition(" ")
            if not word:
                break
            found = match_domain(word)
            if len(found) != 1:
                short = " ".join(f"#{DOMAIN_SHORT[d]}" for d in (found or DOMAINS))
                what = "is geen domein" if not found else "is niet eenduidig"
                return Capture(text=line, problem=f"‘#{word}’ {what} (typ {short})")
            domain = found[0]
            text = rest.lstrip()
    if not text:
        return Capture(text="", party=party, important=important, domain=domain,
                       problem="de notitie is leeg")
    return Capture(text=text, party=party, important=important, domain=domain)


def lays_again(line: str, laid: str, veld: Veld) -> bool:
    """True if Enter on ``line`` would lay the note ``laid`` once more.

    A crash right after a note was laid can keep its text as the draft (the capture
    bar had not emptied yet): put back on open, one Enter would lay it twice.
    """
    line, laid = line.strip(), laid.strip()
    if not line or not laid:
        return False
    if line == laid:
        return True
    capture = parse_capture(line, veld)
    return capture.problem is None and capture.text.strip() == laid
