"""Board widgets: clock bar, step bar, party panes, capture bar and key bar.

Widgets get their data set from the board (attributes down) and report what
the user asked for with messages (messages up); they never reach into each
other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive, reactive, var
from textual.widget import Widget
from textual.widgets.option_list import Option

from arrangeren_tui.core.domains import DOMAIN_LABELS, DOMAIN_SHORT, DOMAINS
from arrangeren_tui.core.model import (
    DOCUMENT_LABELS,
    LaidCard,
    Note,
    Preparation,
    Session,
)
from arrangeren_tui.core.text import clip, one_line, safe_text
from arrangeren_tui.core.veld import Step
from arrangeren_tui.ui.widgets.plain import OptionList, Static
from arrangeren_tui.ui.widgets.typing import TextInput

if TYPE_CHECKING:  # DataTable is a big module; the board has none
    pass


class BarText(Static):
    """A piece of text on one of the board's bars: Textual's ``Label`` without its six
    colour variants, which nothing here uses. Their rules were parsed and matched against
    every label at each start, before the board was drawn (see BENCHMARKS.md)."""

    DEFAULT_CSS = "BarText { width: auto; height: auto; min-height: 1; }"


def _show(label: BarText, text: str | Text, old: str) -> None:
    """Put ``text`` in a label that shows ``old``: repaint only the label, and lay out the
    screen only if its width changed. ``Static.update`` lays out by default, and every layout
    of the board repaints each note list's scrollbar (a kilobyte over SSH)."""
    text = Text(text) if isinstance(text, str) else text
    label.update(text, layout=cell_len(old) != text.cell_len)


class ClockBar(Horizontal):
    """The top line: who the session is about, save state, and the meeting clock."""

    # ``var``, not ``reactive``: a reactive repaints its widget, and this one is the whole
    # top line. Each watcher repaints only its own label (see ``_show``).
    title: var[str] = var("")
    clock_text: var[str] = var("")
    save_text: var[str] = var("")

    def compose(self) -> ComposeResult:
        yield BarText(id="cb-title")
        yield BarText(id="cb-check")
        yield BarText(id="cb-save")
        yield BarText(id="cb-clock")

    _check_shown: str | None = ""  # the check's text, None while hidden ("" at first)

    def set_check(self, missing: int | None) -> None:
        """The completeness check: hidden (None), complete (0) or the number of open points."""
        text = None if missing is None else ("✓ compleet" if not missing else f"⚑ {missing} open")
        if text == self._check_shown:
            return  # the board asks on every refresh; most of the time nothing changed
        label = self.query_one("#cb-check", BarText)
        label.display = text is not None
        if text is not None:
            _show(label, text, self._check_shown or "")
            label.set_class(bool(missing), "-open")
        self._check_shown = text

    def watch_title(self, value: str) -> None:
        # The title takes the width the others leave (1fr): its text never needs a layout.
        self.query_one("#cb-title", BarText).update(Text(value), layout=False)

    def watch_clock_text(self, old: str, value: str) -> None:
        _show(self.query_one("#cb-clock", BarText), value, old)

    def watch_save_text(self, old: str, value: str) -> None:
        _show(self.query_one("#cb-save", BarText), value, old)

    def set_phase(self, phase: str, running: bool) -> None:
        clock = self.query_one("#cb-clock", BarText)
        for name in ("niet-gestart", "rustig", "laatste-15", "laatste-5", "uitloop"):
            clock.set_class(name == phase, f"-{name}")
        clock.set_class(not running, "-gepauzeerd")

    def set_save_state(self, failing: bool) -> None:
        self.query_one("#cb-save", BarText).set_class(failing, "-mislukt")


class StepBar(Widget):
    """Every step with its minutes, the current one marked, its prompt and time left.

    The time left is a label of its own over the right end of the second line: it changes
    every second, and Textual rewrites a widget's line from the widget's left edge up to
    the end of what changed, so as part of this widget each tick sent the whole prompt.
    """

    DEFAULT_CSS = """
    StepBar { height: 2; }
    StepBar > #step-time { dock: right; width: auto; height: 1; margin: 1 0 0 0;
                           background: transparent; }
    """

    current: reactive[int] = reactive(0)
    step_time: var[str] = var("")
    overrun: var[bool] = var(False)

    def __init__(self, steps: tuple[Step, ...], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.steps = steps

    def compose(self) -> ComposeResult:
        yield BarText(id="step-time")

    @staticmethod
    def _time_text(step_time: str) -> str:
        return f" stap {step_time} " if step_time else ""  # none when closed

    def on_mount(self) -> None:
        self._show_time()

    def watch_step_time(self, old: str, value: str) -> None:
        self._show_time()
        if cell_len(self._time_text(old)) != cell_len(self._time_text(value)):
            self.refresh()  # the prompt is cut to leave room for the time

    def watch_overrun(self) -> None:
        self._show_time()

    def _show_time(self) -> None:
        if not self.is_mounted:
            return
        label = self.query_one("#step-time", BarText)
        style = "bold italic red" if self.overrun else "bold italic"
        _show(label, Text(self._time_text(self.step_time), style=style),
              str(label.render()))

    def _chips(self, limit: int | None, all_minutes: bool) -> Text:
        """One chip per step: its number and short name, the name cut to ``limit``
        characters (None: whole, 0: none); the current step always whole, with minutes."""
        line = Text()
        for index, step in enumerate(self.steps):
            is_current = index == self.current
            name = step.short
            if not is_current and limit is not None:
                name = name if len(name) <= limit else name[: max(0, limit - 1)] + "…"
                name = "" if limit == 0 else name
            label = f"{index + 1} {name}".rstrip()
            if is_current or all_minutes:
                label += f" {step.minutes}′"
            style = "bold reverse" if is_current else ("dim" if index < self.current else "")
            line.append(f" {label} ", style=style)
        return line

    def _fitting_chips(self, width: int) -> Text:
        """Names as far as they fit: every name and minutes; else every name, minutes only
        on the current step; else the names cut evenly, longest first; else numbers."""
        for all_minutes in (True, False):
            chips = self._chips(None, all_minutes)
            if chips.cell_len <= width:
                return chips
        longest = max(len(step.short) for step in self.steps)
        for limit in range(longest - 1, 2, -1):
            chips = self._chips(limit, False)
            if chips.cell_len <= width:
                return chips
        return self._chips(0, False)

    def render(self) -> Text:
        width = self.size.width or 80
        chips = self._fitting_chips(width)
        chips.truncate(width, overflow="ellipsis")
        step = self.steps[self.current]
        right = self._time_text(self.step_time)  # drawn by the #step-time label over it
        prompt_width = max(0, width - len(right) - 1)
        prompt = Text(" " + one_line(step.prompt, prompt_width - 1), style="italic")
        prompt.truncate(prompt_width)
        prompt.pad_right(width - prompt.cell_len)
        return Text("\n").join([chips, prompt])


class NoteCommand(Message):
    """A party's note list asks the board to do something with a note.

    Messages here are written out as Textual writes its own (see ``ui.messages``).
    """

    def __init__(self, action: str, note_id: int | None, party: str,
                 card_id: int | None = None) -> None:
        super().__init__()
        self.action = action  # edit | delete | important | move | domain | leave
        self.note_id = note_id
        self.party = party
        self.card_id = card_id  # set instead of note_id for a laid card


def note_prompt(note: Note) -> Text:
    text = Text()
    if note.important:
        text.append("★ ", style="bold yellow")
        text.append(safe_text(clip(note.text), keep_newlines=True), style="bold")
    else:
        text.append("• ", style="dim")
        text.append(safe_text(clip(note.text), keep_newlines=True))
    if note.domain:
        text.append(f" #{DOMAIN_SHORT[note.domain]}", style="italic magenta")
    return text


def card_prompt(card: LaidCard) -> Text:
    text = Text("▣ ", style="bold cyan")
    text.append(safe_text(clip(card.title, 200)), style="cyan")
    if card.intensity:
        text.append(f" ({card.intensity})", style="dim")
    if card.wie or card.wanneer:
        text.append(f" → {safe_text(clip(card.wie, 60))} {card.wanneer}".rstrip(), style="dim")
    return text


class PartyPane(OptionList):
    """One party's square on the veld: its notes (and laid cards) in the current step.

    One widget, the list with the pane's border and title: a container around a list
    was a widget more per party to compose, style and lay out at every start.
    """

    BINDINGS = [
        Binding("enter,e", "command('edit')", "Bewerk", id="note.edit"),
        Binding("delete,d,x", "command('delete')", "Wis", id="note.delete"),
        Binding("i,exclamation_mark", "command('important')", "Belangrijk", id="note.important"),
        Binding("m", "command('move')", "Verplaats", id="note.move"),
        Binding("number_sign", "command('domain')", "Domein", key_display="#",
                id="note.domain"),
        Binding("escape", "command('leave')", "Terug naar typen", id="note.leave"),
    ]

    # As in CaptureInput: OptionList sets its virtual size (the height of its notes) each
    # time its options change, and on Widget that is a layout reactive, so every new step
    # or note laid out the whole board and repainted every pane's scrollbar in two more
    # frames. A pane's size never depends on its notes; the list scrolls on its own.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    class Focused(Message):
        def __init__(self, party: str) -> None:
            super().__init__()
            self.party = party

    def __init__(self, party: str, label: str, key: str = "", **kwargs: object) -> None:
        """``key`` is the key that selects this party ("F2"), shown before its label."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.party = party
        self.label = label
        self.title_label = f"{key} {label}" if key else label
        self.border_title = self.title_label
        self._shown: list[tuple[object, ...]] = []

    def show_notes(self, notes: list[Note], keep: int | str | None = None,
                   cards: Sequence[LaidCard] = ()) -> None:
        """Show these notes and laid cards; repaint only if they differ from what is shown.

        ``keep`` is a note id, or ``"k<id>"`` for a card, to keep highlighted.
        """
        shown: list[tuple[object, ...]] = [(n.id, n.text, n.important, n.domain) for n in notes]
        shown += [(f"k{c.id}", c.title, c.intensity, c.wie, c.wanneer) for c in cards]
        count = len(notes) + len(cards)
        title = f"{self.title_label} ({count})" if count else self.title_label
        if title != self.border_title:  # every assignment repaints the whole pane
            self.border_title = title
        if shown == self._shown:
            return
        self._shown = shown
        previous = keep if keep is not None else self._highlighted_id()
        # set_options, not clear_options and add_options: an empty list in between hides
        # the scrollbar and shows it again, a layout of the whole board each time.
        self.set_options(
            [Option(note_prompt(n), id=str(n.id)) for n in notes]
            + [Option(card_prompt(c), id=f"k{c.id}") for c in cards]
        )
        if count:
            ids = [str(n.id) for n in notes] + [f"k{c.id}" for c in cards]
            previous = str(previous) if previous is not None else ""
            self.highlighted = ids.index(previous) if previous in ids else count - 1

    def on_focus(self, event: events.Focus) -> None:
        self.post_message(self.Focused(self.party))

    def action_command(self, action: str) -> None:
        note_id = self.highlighted_note_id
        card_id = self.highlighted_card_id
        if note_id is None and card_id is None and action != "leave":
            return
        self.post_message(
            NoteCommand(action=action, note_id=note_id, party=self.party, card_id=card_id)
        )

    def _highlighted_id(self) -> str:
        if self.highlighted is None or not self.option_count:
            return ""
        return self.get_option_at_index(self.highlighted).id or ""

    @property
    def highlighted_note_id(self) -> int | None:
        option_id = self._highlighted_id()
        return int(option_id) if option_id.isdigit() else None

    @property
    def highlighted_card_id(self) -> int | None:
        option_id = self._highlighted_id()
        return int(option_id[1:]) if option_id.startswith("k") else None


CAPTURE_PLACEHOLDER = "Typ een notitie; Enter legt hem neer (@partij ! #domein vooraan mag)"


class CaptureInput(TextInput):
    """The one-line capture bar (one line keeps repaint per keystroke small).

    A paste with several lines, or a long one, is handed to the board instead of
    being cut to its first line (Textual's Input keeps only that).
    """

    PASTE_LIMIT = 500

    # Textual's Input sets its virtual size (the text's width) on every change of its
    # value, and on Widget that is a layout reactive: every keystroke laid out the
    # whole board again, which repaints the scrollbar of each party's note list
    # (about 1.1 kB per key over SSH, and a few ms). This line is one row of fixed
    # width; scrolling it needs the virtual size, not a layout. So: repaint only.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    # Set by the board: takes the text on Enter, says whether to empty the bar.
    submit_handler: Callable[[str], bool] | None = None

    class LongPaste(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    async def take_key_here(self, event: events.Key) -> bool:
        # Enter lays the note at once, in its turn among the keys (ui.widgets.typing):
        # with "a\rb" in one read, "b" starts the next note.
        if event.key == "enter" and self.submit_handler is not None:
            if self.submit_handler(self.value):
                self.value = ""
            return True
        return await super().take_key_here(event)

    def _on_paste(self, event: events.Paste) -> None:
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if "\n" in text.strip("\n") or len(text) > self.PASTE_LIMIT:
            event.stop()
            event.prevent_default()
            self.post_message(self.LongPaste(text.strip("\n")))
        # Otherwise Textual goes on to Input._on_paste (handlers run along the MRO).
        # A private Textual name: see ui.textual_private.


class CaptureBar(Horizontal):
    """Party label plus the capture input.

    The label is as wide as the longest party's, the name set right against the ›: a
    label that changed width with the party moved the input and laid out the whole board
    on every Tab (each note list's scrollbar repainted, ~2 kB over SSH).
    """

    def __init__(self, labels: Sequence[str] = (), **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._width = max((cell_len(self._text(label)) for label in labels), default=0)
        self._party = ""

    @staticmethod
    def _text(label: str) -> str:
        return f" {label} ›"

    def compose(self) -> ComposeResult:
        label = BarText(id="capture-party")
        if self._width:
            label.styles.width = self._width
        yield label
        yield CaptureInput(
            placeholder=CAPTURE_PLACEHOLDER,
            id="capture",
        )

    def set_party(self, label: str) -> None:
        text = self._text(label)
        text = " " * max(0, self._width - cell_len(text)) + text
        if text != self._party:
            _show(self.query_one("#capture-party", BarText), text, self._party)
            self._party = text


PREP_LINES = 3  # content lines of the short voorbereiding (plus its heading line)


class PreparationPanel(VerticalScroll):
    """The voorbereiding on the board: short in the veld's puzzel and beeld steps, in full on
    ^D, or hidden. The board mounts it only when it first has something to show: most
    sessions have no voorbereiding, and a scroll container with its text cost ~3 ms of the
    start.

    It never takes focus, so typing stays in the capture bar; the text is rebuilt
    only when the session's voorbereiding, the step or the mode changed.
    """

    DEFAULT_CSS = """
    PreparationPanel { height: auto; max-height: 4; display: none; background: $boost;
                       padding: 0 1; scrollbar-size-vertical: 1; }
    PreparationPanel.-full { height: 1fr; max-height: 100%; }
    PreparationPanel > Static { width: 1fr; }
    """

    can_focus = False

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.full = False
        self._shown: tuple[object, ...] = ()
        self._text: Text = Text()

    def compose(self) -> ComposeResult:
        # The text shown before the panel was composed (the board mounts it the moment it
        # first has something to show, and fills it at once).
        yield Static(self._text, id="prep-text")

    @staticmethod
    def visible_for(session: Session, mode: str) -> bool:
        """Whether the panel shows anything for this session, in its step, in this mode."""
        in_step = session.current_step in session.veld.prep_steps
        return not session.preparation.is_empty() and (
            mode == "vol" or (mode == "kort" and in_step))

    def show(self, session: Session, mode: str) -> None:
        prep = session.preparation
        step = session.current_step
        visible = self.visible_for(session, mode)
        self.full = visible and mode == "vol"
        self.display = visible
        self.set_class(self.full, "-full")
        if not visible:
            return
        key = (mode, step if not self.full else "", prep)
        if key == self._shown:
            return
        self._shown = key
        self._text = preparation_text(prep, session) if self.full else preparation_short(
            prep, puzzle=step == session.veld.puzzle_step
        )
        for label in self.query("#prep-text").results(Static):  # none before compose
            label.update(self._text)


def preparation_short(prep: Preparation, *, puzzle: bool) -> Text:
    """Three lines at most: what matters in this step, each clipped to one line.

    The puzzel step shows the teacher's puzzel and the pupil's view; the other
    voorbereiding step (beeld) the domains and the documents brought along.
    """
    lines: list[tuple[str, str]] = []
    if puzzle:
        lines = [("Puzzel", prep.puzzle), ("Kind wil", prep.pupil_wants),
                 ("Ideeën kind", prep.pupil_ideas)]
    else:
        for domain in DOMAINS:
            part = prep.domain(domain)
            if part.is_empty():
                continue
            tried = f" · geprobeerd: {part.tried}" if part.tried.strip() else ""
            effect = f" → {part.effect}" if part.effect.strip() else ""
            lines.append((DOMAIN_LABELS[domain], f"{part.needs}{tried}{effect}"))
        docs = [DOCUMENT_LABELS.get(d, d).lower() for d in prep.documents]
        if prep.other_documents.strip():
            docs.append(prep.other_documents)
        if docs:
            lines.append(("Mee", ", ".join(docs)))
    lines = [(label, value) for label, value in lines if value.strip()]
    text = Text("Voorbereiding", style="bold")
    text.append("  ^D alles · ^X bewerken", style="dim")
    for label, value in lines[:PREP_LINES]:
        text.append(f"\n{label}: ", style="bold")
        text.append(one_line(value, 64))
    if len(lines) > PREP_LINES:
        text.append(f"  (+{len(lines) - PREP_LINES})", style="dim")
    if not lines:
        text.append("\nNiets voor deze stap; ^D toont de hele voorbereiding.", style="dim")
    return text


def preparation_text(prep: Preparation, session: Session) -> Text:
    """The whole voorbereiding, wrapped by the widget."""
    text = Text("Voorbereiding", style="bold")
    text.append("  ^D verbergen · ^X bewerken", style="dim")

    def section(title: str, body: str) -> None:
        if body.strip():
            text.append(f"\n{title}\n", style="bold underline")
            text.append(safe_text(body.strip(), keep_newlines=True))

    section("Puzzel van de leraar", prep.puzzle)
    section("Kind wil opgelost zien", prep.pupil_wants)
    section("Ideeën van de leerling", prep.pupil_ideas)
    for domain in DOMAINS:
        part = prep.domain(domain)
        if not part.is_empty():
            text.append(f"\n{DOMAIN_LABELS[domain]}", style="bold underline")
            for label, value in (("Nodig", part.needs), ("Geprobeerd", part.tried),
                                 ("Effect", part.effect)):
                if value.strip():
                    text.append(f"\n{label}: ", style="bold")
                    text.append(safe_text(value.strip()))
    docs = [DOCUMENT_LABELS.get(d, d) for d in prep.documents]
    if prep.other_documents.strip():
        docs.append(prep.other_documents.strip())
    section("Documenten", ", ".join(docs))
    answers = [f"{session.veld.party(k).label}: {prep.invite_consent.get(k, 'niet gevraagd')}"
               for k in session.external_parties()]
    section("Ouders akkoord met uitnodigen", " · ".join(answers))
    return text

