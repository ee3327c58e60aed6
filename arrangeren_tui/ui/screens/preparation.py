"""The voorbereiding of a meeting: when and where, the teacher's puzzel, the kindperspectief,
the earlier Dialooginstrument outcome per domain, the documents and whom to invite.

Every change goes into the session at once and onto disk half a second after the
last key, through the same writer thread as the board (``ui.saving``): there is no
save key to remember. Leaving, quitting, a crash or a hang-up writes what is pending
first (``emergency_save``). A field that does not
parse (a date, a time) says so in red and keeps its old value until it does.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Checkbox, Input, Select, TextArea

from arrangeren_tui.core.domains import DOMAIN_LABELS, DOMAINS
from arrangeren_tui.core.fields import FieldError, iso_date, parse_time
from arrangeren_tui.core.model import (
    DOCUMENT_LABELS,
    DOCUMENTS,
    DomainPrep,
    Preparation,
    Session,
    SessionError,
)
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.context import AppContext
from arrangeren_tui.ui.saving import SaveResult, SessionSaver, unsaved_text
from arrangeren_tui.ui.screens.base import EmergencySave
from arrangeren_tui.ui.widgets.datehint import DateHint
from arrangeren_tui.ui.widgets.keybar import KeyBar
from arrangeren_tui.ui.widgets.plain import Label, Static
from arrangeren_tui.ui.widgets.textbox import TextBox
from arrangeren_tui.ui.widgets.tick import Tick
from arrangeren_tui.ui.widgets.typing import TextInput

SAVE_DELAY = 0.5
CONSENT_CHOICES = [("ouders nog niet gevraagd", ""), ("ouders akkoord", "ja"),
                   ("ouders niet akkoord", "nee")]
PREP_FIELDS = ("needs", "tried", "effect")


class PreparationScreen(EmergencySave, Screen[None]):
    """Edit the voorbereiding of one session, saved through ``saver`` (None: read-only)."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("escape", "done", "Klaar", key_display="Esc", id="prep.done"),
        Binding("ctrl+s", "save_now", "Nu opslaan", key_display="^S", priority=True,
                id="prep.save"),
        Binding("ctrl+u", "invitations", "Uitnodigingen", key_display="^U", priority=True,
                id="prep.invitations"),
    ]

    def __init__(self, context: AppContext, session: Session, saver: SessionSaver | None, *,
                 read_only: str = "", on_close: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.context = context
        self.session = session
        self.saver = saver
        self.read_only = read_only
        self.on_close = on_close
        self._timer: Timer | None = None
        self.pending = False  # changed in memory, not yet handed to the writer

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        session = self.session
        meta = session.meta
        prep = session.preparation
        title = f" Voorbereiding · {one_line(meta.pupil, 30)}"
        if meta.school:
            title += f" · {one_line(meta.school, 20)}"
        yield Static(title, id="home-title")
        yield Static("", id="prep-status")
        with VerticalScroll(id="prep-form"):
            with Horizontal(classes="prep-row"):
                yield Label("Datum", classes="prep-label")
                yield TextInput(meta.date, id="p-date", max_length=40, compact=True,
                                placeholder="bv. 14-1")
                yield Label("Tijd", classes="prep-label-short")
                yield TextInput(meta.time, id="p-time", max_length=5, compact=True,
                                placeholder="UU:MM")
                yield Label("Plaats", classes="prep-label-short")
                yield TextInput(meta.place, id="p-place", max_length=80, compact=True)
            yield DateHint("p-date", self.context.today(), id="p-date-hint")
            yield Label("", id="p-error", classes="field-error")
            yield Label("Puzzel van de leraar: waar loopt zij of hij vast?", classes="field-label")
            yield TextBox(prep.puzzle, id="p-puzzle", classes="prep-text",
                          show_line_numbers=False, compact=True)
            yield Label("Kindperspectief: wat wil de leerling opgelost zien? (in eigen woorden)",
                        classes="field-label")
            yield TextBox(prep.pupil_wants, id="p-wants", classes="prep-text",
                          show_line_numbers=False, compact=True)
            yield Label("Ideeën van de leerling zelf", classes="field-label")
            yield TextBox(prep.pupil_ideas, id="p-ideas", classes="prep-text",
                          show_line_numbers=False, compact=True)
            yield Label("Dialooginstrument per domein: nodig · geprobeerd · effect",
                        classes="field-label")
            for domain in DOMAINS:
                values = prep.domain(domain)
                with Horizontal(classes="prep-row"):
                    yield Label(DOMAIN_LABELS[domain], classes="prep-label")
                    for name, hint in zip(PREP_FIELDS, ("nodig", "geprobeerd", "effect"),
                                          strict=True):
                        yield TextInput(getattr(values, name), id=f"p-{domain}-{name}",
                                        placeholder=hint, compact=True, classes="prep-cell")
            yield Label("Documenten die meekomen", classes="field-label")
            with Horizontal(classes="prep-row prep-checks"):
                for doc in DOCUMENTS:
                    yield Tick(DOCUMENT_LABELS[doc], doc in prep.documents,
                                   id=f"p-doc-{doc}", compact=True)
            with Horizontal(classes="prep-row"):
                yield Label("Anders", classes="prep-label")
                yield TextInput(prep.other_documents, id="p-other", compact=True,
                                placeholder="bv. verslag van de logopedist")
            yield Label("Uitnodigen: externe partijen, met toestemming van de ouders",
                        classes="field-label")
            for key in session.external_parties():
                label = session.veld.party(key).label
                with Horizontal(classes="prep-row"):
                    yield Label(label, classes="prep-label")
                    yield Tick("uitnodigen", key in meta.invited, id=f"p-inv-{key}",
                                   compact=True)
                    yield Select(CONSENT_CHOICES, value=prep.invite_consent.get(key, ""),
                                 allow_blank=False, id=f"p-ok-{key}", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.saver is not None:
            self.saver.listen(self)
        self.query_one("#p-error", Label).display = False
        if self.read_only:
            for widget in self.query("Input, TextArea, Checkbox, Select"):
                widget.disabled = True
            self._status(f"ALLEEN LEZEN: {self.read_only}", warning=True)
        else:
            self._status("Alles wordt vanzelf bewaard.")
        self.query_one("#p-puzzle", TextArea).focus()

    def _status(self, text: str, *, warning: bool = False) -> None:
        status = self.query_one("#prep-status", Static)
        status.update(f" {text}")
        status.set_class(warning, "-warning")

    # -- reading the form -------------------------------------------------------------------

    def _value(self, widget_id: str) -> str:
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, TextArea):
            return widget.text
        return str(widget.value)  # type: ignore[attr-defined]

    def preparation(self) -> Preparation:
        domains = {}
        for domain in DOMAINS:
            values = {name: self._value(f"p-{domain}-{name}").strip() for name in PREP_FIELDS}
            if any(values.values()):
                domains[domain] = DomainPrep(**values)
        consent = {}
        for key in self.session.external_parties():
            answer = self._value(f"p-ok-{key}")
            if answer:
                consent[key] = answer
        return Preparation(
            puzzle=self._value("p-puzzle").strip(),
            pupil_wants=self._value("p-wants").strip(),
            pupil_ideas=self._value("p-ideas").strip(),
            domains=domains,
            documents=tuple(d for d in DOCUMENTS if self.query_one(f"#p-doc-{d}", Checkbox).value),
            other_documents=self._value("p-other").strip(),
            invite_consent=consent,
        )

    def plan(self) -> tuple[dict[str, object], str]:
        """The plan fields that parse, and a Dutch problem for those that do not."""
        changes: dict[str, object] = {"place": self._value("p-place").strip()}
        problems = []
        date = self._value("p-date").strip()
        try:
            changes["date"] = iso_date(date, today=self.context.today())
        except FieldError:
            problems.append("geen datum; schrijf bv. 14-1-2027, 14-1 of over 8 weken")
        clock = self._value("p-time").strip()
        if not clock:
            changes["time"] = ""
        else:
            try:
                changes["time"] = parse_time(clock)
            except FieldError:
                problems.append("schrijf de tijd als UU:MM, bv. 13:30")
        changes["invited"] = tuple(
            key for key in self.session.external_parties()
            if self.query_one(f"#p-inv-{key}", Checkbox).value
        )
        return changes, "; ".join(problems)

    # -- keeping it ------------------------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        if self.read_only:
            return
        # Widgets also say "changed" when they are first filled; only a form that
        # differs from the session is a change worth saving.
        if not self._apply(only_if_changed=True):
            return
        self.pending = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY, self._write)

    def _form(self) -> tuple[Preparation, dict[str, object], str]:
        changes, problem = self.plan()
        return self.preparation(), changes, problem

    def _differs(self, preparation: Preparation, changes: dict[str, object]) -> bool:
        meta = self.session.meta
        return preparation != self.session.preparation or any(
            getattr(meta, key) != value for key, value in changes.items())

    def _apply(self, *, only_if_changed: bool = False) -> bool:
        """Put the form into the session (memory only).

        False if a value was refused, or (``only_if_changed``) if nothing differed.
        """
        preparation, changes, problem = self._form()
        error = self.query_one("#p-error", Label)
        error.update(f"Niet bewaard: {problem}." if problem else "")
        error.display = bool(problem)
        if only_if_changed and not self._differs(preparation, changes):
            return False
        refused = self._take(preparation, changes)
        if refused:
            self._status(f"Niet bewaard: {refused}", warning=True)
        return not refused

    def _take(self, preparation: Preparation, changes: dict[str, object]) -> str:
        """Put these values into the session; why they were refused, or ""."""
        now = self.context.now()
        try:
            self.session.set_preparation(preparation, now)
            self.session.set_plan(now, **changes)
        except (SessionError, ValueError, KeyError) as bad:
            return str(bad)
        return ""

    def _write(self) -> None:
        """Hand the session to the writer thread; it reports back with a SaveResult."""
        self._timer = None
        if self.saver is not None and not self.read_only:
            self.pending = False
            self.saver.save()

    def on_save_result(self, message: SaveResult) -> None:
        if message.ok:
            self._status("✓ bewaard")
        else:
            self._status(unsaved_text(message.problem), warning=True)

    def on_unmount(self) -> None:
        if self.saver is not None:
            self.saver.stop_listening(self)

    @property
    def problem(self) -> str:
        """Why the last save failed ("" if it did not)."""
        return self.saver.problem if self.saver is not None else ""

    def _catch_up(self) -> None:
        """Take over what the form shows but its Changed messages have not brought in yet.

        Keys are on screen before their Changed message is handled; a hang-up in that
        moment must not lose them. Only reads widgets, so it is safe from a signal
        handler; a form that is already being torn down leaves the model as it is.
        """
        try:
            preparation, changes, _problem = self._form()
        except Exception:  # noqa: BLE001 - leaving: what the model holds is written
            return
        if self._differs(preparation, changes) and not self._take(preparation, changes):
            self.pending = True

    @property
    def save_problem(self) -> str:
        return self.problem

    def emergency_save(self, timeout: float = 3.0, *, rescue: bool = False) -> bool:
        """Write what is pending, synchronously; reads but never changes a widget, so safe
        when leaving (and from a signal handler)."""
        if self.read_only or self.saver is None:
            return True
        self._catch_up()
        if not self.pending and not self.saver.unsaved:
            return True
        write = self.saver.emergency_write if rescue else self.saver.write_now
        if not write(timeout=timeout):
            return False
        self.pending = False
        return True

    def keep(self) -> bool:
        """Put the form into the session and save it now; False if either failed."""
        if self.read_only:
            return True
        if self._timer is not None:
            self._timer.stop()
        applied = self._apply()
        self.pending = True
        return self.emergency_save() and applied

    def action_save_now(self) -> None:
        self.keep()

    def action_done(self) -> None:
        if self.pending or self.problem or (self.saver is not None and self.saver.unsaved):
            if not self.keep() and self.problem:
                self.notify("De voorbereiding is niet opgeslagen. Los het probleem op "
                            "(bv. schijf vol) en druk ^S, of kopieer de tekst.",
                            severity="error", timeout=10)
                return
        self.let_go()
        self.dismiss(None)

    def let_go(self) -> None:
        on_close, self.on_close = self.on_close, None  # once: the saver and the lock
        if on_close is not None:
            on_close()

    def action_invitations(self) -> None:
        if self.pending:
            self.keep()
        from arrangeren_tui.ui.screens.invitations import InvitationsScreen

        self.app.push_screen(InvitationsScreen(self.context, self.session))
