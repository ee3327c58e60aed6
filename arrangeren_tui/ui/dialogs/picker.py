"""The card picker, the blanco kaart, and the afspraak dialogs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Select
from textual.widgets.option_list import Option

from arrangeren_tui.core.decks.types import INTENSITIES, Card
from arrangeren_tui.core.domains import DOMAINS
from arrangeren_tui.core.fields import FieldError, iso_date
from arrangeren_tui.core.model import AFSPRAAK_STATUSES, LaidCard
from arrangeren_tui.core.text import clip, one_line, safe_text
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.dialogs.cardsearch import CardIndex, Filters
from arrangeren_tui.ui.widgets.datehint import DateHint
from arrangeren_tui.ui.widgets.plain import Label, OptionList, Static
from arrangeren_tui.ui.widgets.tick import Tick
from arrangeren_tui.ui.widgets.typing import TextInput

ANY = ""  # the filter value for "alle"
SHOWN = 60  # results listed at most: a screen shows ~15; fewer options repaint faster
INTENSITY_MARK = {"licht": "○", "middel": "◐", "zwaar": "●"}


@dataclass(frozen=True)
class PickResult:
    """A card to lay, and for which party."""

    card: Card | None  # None: a blanco kaart, described by ``blank``
    party: str
    blank: BlankCard | None = None


@dataclass(frozen=True)
class BlankCard:
    """What the facilitator wrote on a blanco kaart."""

    title: str
    description: str
    party: str
    domains: tuple[str, ...]
    intensity: str
    keep: bool


def card_line(card: Card, labels: dict[str, str], width: int = 42, party: bool = True) -> Text:
    mark = INTENSITY_MARK.get(card.intensity, "·")
    text = Text(f"{mark} ", style="bold")
    text.append(one_line(card.title, width - (14 if party else 3)))
    if party:
        text.append(f"  {one_line(labels.get(card.party, card.party), 10)}", style="dim")
    return text


def card_preview(card: Card, labels: dict[str, str]) -> Text:
    text = Text(one_line(card.title), style="bold")
    text.append("\n")
    text.append(
        f"{labels.get(card.party, card.party)} · {', '.join(card.domains)} · {card.intensity}",
        style="italic",
    )
    if card.own:
        text.append(" · eigen kaart", style="italic")
    text.append("\n\n")
    text.append(safe_text(clip(card.description), keep_newlines=True))
    return text


class CardPicker(ModalScreen[PickResult | None]):
    """Search as you type, filter by party, domain and intensity, preview, lay with Enter."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("down", "move(1)", "Volgende", show=False, priority=True, id="picker.down"),
        Binding("up", "move(-1)", "Vorige", show=False, priority=True, id="picker.up"),
        Binding("pagedown", "move(8)", show=False, priority=True, id="picker.pagedown"),
        Binding("pageup", "move(-8)", show=False, priority=True, id="picker.pageup"),
        Binding("ctrl+n", "blank", "Blanco kaart", key_display="^N", priority=True,
                id="picker.blank"),
        Binding("ctrl+w", "all_parties", "Alle partijen", key_display="^W", priority=True,
                id="picker.all_parties"),
        Binding("escape", "cancel", "Annuleren", key_display="Esc", id="picker.cancel"),
        # On a closed filter Enter lays the card, as the help line says; space or the
        # arrows open the filter's list (Select's own keys), Enter there chooses.
        Binding("enter", "lay", show=False, priority=True, id="picker.lay"),
    ]

    def __init__(self, index: CardIndex, veld: Veld, party: str, step_name: str, *,
                 all_parties: bool = False) -> None:
        """``party`` is the selected party; ``all_parties`` starts the party filter on
        "alle partijen" (the board remembers that choice between one ^K and the next)."""
        super().__init__()
        self.index = index
        self.veld = veld
        self.labels = {p.key: p.label for p in veld.parties}
        self.start_party = party
        self.all_parties = all_parties
        self.step_name = step_name
        self.results: list[Card] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker", classes="dialog"):
            yield Label(f"Kaart kiezen · {self.step_name}", classes="dialog-title")
            yield TextInput(placeholder="zoek op titel, tekst, partij of domein",
                            id="picker-search", compact=True)
            with Horizontal(id="picker-filters"):
                yield Select(
                    [("alle partijen", ANY)] + [(p.label, p.key) for p in self.veld.parties],
                    value=ANY if self.all_parties else self.start_party, allow_blank=False,
                    id="picker-party", compact=True,
                )
                yield Select(
                    [("alle domeinen", ANY)] + [(d, d) for d in DOMAINS],
                    value=ANY, allow_blank=False, id="picker-domain", compact=True,
                )
                yield Select(
                    [("elke intensiteit", ANY)] + [(i, i) for i in INTENSITIES],
                    value=ANY, allow_blank=False, id="picker-intensity", compact=True,
                )
            with Horizontal(id="picker-body"):
                yield OptionList(id="picker-results")
                yield Static("", id="picker-preview")
            yield Static("", id="picker-help", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#picker-results", OptionList).can_focus = False
        self.refresh_results()
        self.query_one("#picker-search", Input).focus()

    # -- searching ----------------------------------------------------------------

    def filters(self) -> Filters:
        def value(widget_id: str) -> str | None:
            chosen = self.query_one(widget_id, Select).value
            return None if chosen in (ANY, Select.NULL) else str(chosen)

        return Filters(
            party=value("#picker-party"),
            domain=value("#picker-domain"),
            intensity=value("#picker-intensity"),
        )

    def refresh_results(self) -> None:
        query = self.query_one("#picker-search", Input).value
        self.results = self.index.search(query, self.filters(), limit=SHOWN)
        results = self.query_one("#picker-results", OptionList)
        results.clear_options()
        show_party = self.filters().party is None
        results.add_options(
            [Option(card_line(card, self.labels, party=show_party), id=card.id)
             for card in self.results]
        )
        if self.results:
            results.highlighted = 0
        self._show_preview()

    @on(Input.Changed, "#picker-search")
    def _search_changed(self) -> None:
        self.refresh_results()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        if event.select.id == "picker-party":
            self.all_parties = event.value == ANY
        self.refresh_results()

    def action_all_parties(self) -> None:
        """Party filter: "alle partijen", or back to the selected party."""
        party = self.query_one("#picker-party", Select)
        party.value = self.start_party if party.value == ANY else ANY

    def _elsewhere(self) -> str:
        """With a party filter and no hit: how many cards other parties have for the search."""
        filters = self.filters()
        query = self.query_one("#picker-search", Input).value
        if filters.party is None or not query.strip():
            return ""
        others = self.index.search(query, Filters(None, filters.domain, filters.intensity),
                                   limit=SHOWN)
        if not others:
            return ""
        counts: dict[str, int] = {}
        for card in others:
            counts[card.party] = counts.get(card.party, 0) + 1
        per_party = ", ".join(f"{self.labels.get(key, key)} {count}"
                              for key, count in counts.items())
        return (f"Geen kaart bij {self.labels.get(filters.party, filters.party)}, wel "
                f"{len(others)} bij andere partijen ({per_party}). ^W: alle partijen.\n\n")

    @on(OptionList.OptionHighlighted, "#picker-results")
    def _highlighted(self) -> None:
        self._show_preview()

    def highlighted_card(self) -> Card | None:
        results = self.query_one("#picker-results", OptionList)
        if results.highlighted is None or not self.results:
            return None
        return self.results[results.highlighted]

    def target_party(self, card: Card | None) -> str:
        chosen = self.filters().party
        if chosen:
            return chosen
        return card.party if card is not None else self.start_party

    def _show_preview(self) -> None:
        card = self.highlighted_card()
        preview = self.query_one("#picker-preview", Static)
        help_line = self.query_one("#picker-help", Static)
        found = len(self.results)
        count = f"{found}{'+' if found >= SHOWN else ''} kaart{'' if found == 1 else 'en'}"
        if card is None:
            elsewhere = self._elsewhere()
            preview.update(Text(f"{elsewhere or 'Geen kaart gevonden. '}"
                                "^N: schrijf een blanco kaart.", style="italic"))
            help_line.update(f"{count} · {'^W: alle partijen · ' if elsewhere else ''}"
                             "^N: blanco kaart · Esc: terug")
            return
        preview.update(card_preview(card, self.labels))
        party = self.labels.get(self.target_party(card), "")
        help_line.update(
            f"{count} · Enter: leggen bij {party} · Tab: filters · ^N: blanco · Esc"
        )

    # -- actions ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The arrows move through the results only while typing the search;
        # on a filter they belong to that filter.
        if action == "move":
            return isinstance(self.focused, Input)
        if action == "lay":  # only on a closed filter; the search field submits itself
            focused = self.focused
            return isinstance(focused, Select) and not focused.expanded
        return True

    def action_lay(self) -> None:
        self._lay()

    def action_move(self, delta: int) -> None:
        results = self.query_one("#picker-results", OptionList)
        if not self.results:
            return
        current = results.highlighted or 0
        results.highlighted = max(0, min(len(self.results) - 1, current + delta))

    @on(Input.Submitted, "#picker-search")
    def _lay(self) -> None:
        card = self.highlighted_card()
        if card is None:
            self.action_blank()
            return
        self.dismiss(PickResult(card=card, party=self.target_party(card)))

    @on(OptionList.OptionSelected, "#picker-results")
    def _selected(self) -> None:
        self._lay()

    def action_blank(self) -> None:
        title = self.query_one("#picker-search", Input).value.strip()

        def written(blank: BlankCard | None) -> None:
            if blank is None:
                self.query_one("#picker-search", Input).focus()
                return
            self.dismiss(PickResult(card=None, party=blank.party, blank=blank))

        self.app.push_screen(
            BlankCardDialog(self.veld, party=self.target_party(None), title=title), written
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class BlankCardDialog(ModalScreen[BlankCard | None]):
    """Write a card on the spot; optionally keep it in the user's own deck."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Neerleggen", key_display="^S", priority=True,
                id="blank.save"),
        Binding("escape", "cancel", "Annuleren", key_display="Esc", id="blank.cancel"),
    ]

    def __init__(self, veld: Veld, *, party: str, title: str = "") -> None:
        super().__init__()
        self.veld = veld
        self.party = party
        self.initial_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="blank-dialog", classes="dialog"):
            yield Label("Blanco kaart", classes="dialog-title")
            yield Label("Titel *", classes="field-label")
            yield TextInput(self.initial_title, id="blank-title", max_length=120, compact=True)
            yield Label("Wat houdt het in?", classes="field-label")
            yield TextInput(id="blank-description", max_length=600, compact=True)
            with Horizontal(classes="dialog-row"):
                yield Select([(p.label, p.key) for p in self.veld.parties], value=self.party,
                             allow_blank=False, id="blank-party", compact=True)
                yield Select([(i, i) for i in INTENSITIES], value="licht", allow_blank=False,
                             id="blank-intensity", compact=True)
            with Horizontal(classes="dialog-row", id="blank-domains"):
                for domain in DOMAINS:
                    yield Tick(domain, id=f"blank-{domain}", compact=True)
            with Horizontal(classes="dialog-row"):
                # Off by default: a card written about one pupil would otherwise outlive
                # that session's retention and deletion in the own deck.
                yield Tick("Bewaar in mijn eigen stapel", False, id="blank-keep",
                               compact=True)
                yield Button("Neerleggen ^S", variant="primary", id="blank-save", compact=True)
            yield Label("", id="blank-error", classes="field-error")
            yield Static("Tab: volgend veld · Spatie: vinkje aan/uit · ^S: neerleggen · Esc",
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#blank-error", Label).display = False
        self.query_one("#blank-title", Input).focus()

    def _error(self, message: str, focus: str) -> None:
        label = self.query_one("#blank-error", Label)
        label.update(message)
        label.display = True
        self.query_one(focus).focus()

    def action_save(self) -> None:
        title = " ".join(self.query_one("#blank-title", Input).value.split())
        if not title:
            self._error("Geef de kaart een titel.", "#blank-title")
            return
        domains = tuple(d for d in DOMAINS if self.query_one(f"#blank-{d}", Checkbox).value)
        if not domains:
            self._error("Kies minstens één domein.", f"#blank-{DOMAINS[0]}")
            return
        self.dismiss(
            BlankCard(
                title=title,
                description=self.query_one("#blank-description", Input).value.strip(),
                party=str(self.query_one("#blank-party", Select).value),
                domains=domains,
                intensity=str(self.query_one("#blank-intensity", Select).value),
                keep=self.query_one("#blank-keep", Checkbox).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save()


@dataclass(frozen=True)
class AfspraakEdit:
    wie: str
    wat: str
    wanneer: str
    status: str


def _optional_date(text: str, today: dt.date) -> str | None:
    """``core.fields.iso_date`` with the forms said at the table ('14-1', 'over 8 weken'):
    '' for empty, None if invalid."""
    if not text.strip():
        return ""
    try:
        return iso_date(text, today=today)
    except FieldError:
        return None


class AfspraakDialog(ModalScreen[AfspraakEdit | None]):
    """Wie, wat, wanneer and status of one laid card."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Opslaan", key_display="^S", priority=True,
                id="afspraak.save"),
        Binding("escape", "cancel", "Annuleren", key_display="Esc", id="afspraak.cancel"),
    ]

    def __init__(self, laid: LaidCard, party_label: str, people: list[str],
                 today: dt.date) -> None:
        super().__init__()
        self.today = today
        self.laid = laid
        self.party_label = party_label
        self.people = people

    def compose(self) -> ComposeResult:
        laid = self.laid
        with Vertical(id="afspraak-dialog", classes="dialog"):
            yield Label(f"Afspraak · {one_line(laid.title, 50)} ({self.party_label})",
                        classes="dialog-title")
            yield Label("Wie", classes="field-label")
            yield TextInput(laid.wie, id="afspraak-wie", placeholder="naam of rol",
                            suggester=SuggestFromList(self.people, case_sensitive=False),
                            max_length=80, compact=True)
            yield Label("Wat", classes="field-label")
            yield TextInput(laid.wat, id="afspraak-wat", max_length=300, compact=True)
            with Horizontal(classes="dialog-row"):
                yield Label("Wanneer", classes="consent-label")
                yield TextInput(laid.wanneer, id="afspraak-wanneer", placeholder="bv. 14-1",
                                compact=True)
                yield Label("Status", classes="consent-label")
                yield Select([(s, s) for s in AFSPRAAK_STATUSES], value=laid.status,
                             allow_blank=False, id="afspraak-status", compact=True)
            yield DateHint("afspraak-wanneer", self.today, id="afspraak-wanneer-hint")
            yield Label("", id="afspraak-error", classes="field-error")
            yield Static("Tab: volgend veld · →: naam aanvullen · ^S: opslaan · Esc",
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#afspraak-error", Label).display = False
        self.query_one("#afspraak-wie", Input).focus()

    def action_save(self) -> None:
        when = _optional_date(self.query_one("#afspraak-wanneer", Input).value, self.today)
        if when is None:
            error = self.query_one("#afspraak-error", Label)
            error.update("Geen datum: schrijf bv. 14-1-2027, 14-1, morgen of over 8 weken.")
            error.display = True
            self.query_one("#afspraak-wanneer", Input).focus()
            return
        self.dismiss(
            AfspraakEdit(
                wie=self.query_one("#afspraak-wie", Input).value.strip(),
                wat=self.query_one("#afspraak-wat", Input).value.strip() or self.laid.title,
                wanneer=when,
                status=str(self.query_one("#afspraak-status", Select).value),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "afspraak-wanneer":
            self.action_save()
        else:
            self.focus_next()


class RegieDialog(ModalScreen[tuple[str, str] | None]):
    """Who holds the casusregie, and the evaluatiedatum."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Opslaan", key_display="^S", priority=True, id="regie.save"),
        Binding("escape", "cancel", "Annuleren", key_display="Esc", id="regie.cancel"),
    ]

    def __init__(self, casusregie: str, evaluation: str, people: list[str],
                 today: dt.date) -> None:
        super().__init__()
        self.today = today
        self.casusregie = casusregie
        self.evaluation = evaluation
        self.people = people

    def compose(self) -> ComposeResult:
        with Vertical(id="regie-dialog", classes="dialog"):
            yield Label("Casusregie en evaluatie", classes="dialog-title")
            yield Label("Wie houdt het overzicht (casusregie)?", classes="field-label")
            yield TextInput(self.casusregie, id="regie-wie", max_length=80, compact=True,
                            suggester=SuggestFromList(self.people, case_sensitive=False))
            yield Label("Evaluatiedatum", classes="field-label")
            yield TextInput(self.evaluation, id="regie-datum", placeholder="bv. over 8 weken",
                            compact=True)
            yield DateHint("regie-datum", self.today, id="regie-datum-hint")
            yield Label("", id="regie-error", classes="field-error")
            yield Static("Tab: volgend veld · ^S: opslaan · Esc: annuleren",
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#regie-error", Label).display = False
        self.query_one("#regie-wie", Input).focus()

    def action_save(self) -> None:
        when = _optional_date(self.query_one("#regie-datum", Input).value, self.today)
        if when is None:
            error = self.query_one("#regie-error", Label)
            error.update("Geen datum: schrijf bv. 14-1-2027, 14-1, morgen of over 8 weken.")
            error.display = True
            self.query_one("#regie-datum", Input).focus()
            return
        self.dismiss((self.query_one("#regie-wie", Input).value.strip(), when))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "regie-datum":
            self.action_save()
        else:
            self.focus_next()
