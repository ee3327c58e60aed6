"""Reading what the facilitator typed in the capture bar.

``@ouders tekst`` routes the note to a party (any unique start of a party's key
or label works: ``@o``, ``@swv``); ``!`` in front marks it important (the big
post-it). Both may be combined in either order.
"""

from __future__ import annotations

from dataclasses import dataclass

from arrangeren_tui.core.veld import Veld


@dataclass(frozen=True)
class Capture:
    """A parsed capture line: text plus routing, or a Dutch problem."""

    text: str
    party: str | None = None
    important: bool = False
    problem: str | None = None


def parse_capture(line: str, veld: Veld) -> Capture:
    text = line.strip()
    party: str | None = None
    important = False
    for _ in range(2):
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
    if not text:
        return Capture(text="", party=party, important=important, problem="de notitie is leeg")
    return Capture(text=text, party=party, important=important)
