"""The jaarplanning: a school year by month, series of slots, and the year as one .ics."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Input, Select, TextArea
from textual.widgets.option_list import Option

from arrangeren_tui.core.planning.calendar import (
    PlanRow,
    calendar_name,
    ics_filename,
    plan_rows,
    planning_events,
)
from arrangeren_tui.core.planning.rules import (
    FREE,
    LAST,
    MONTH_NAMES,
    MONTHS,
    RULE_MONTH,
    RULE_WEEKS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    DamagedPlanningError,
    PlanningError,
    Series,
    Slot,
    by_month,
    generate_dates,
    parse_date,
    parse_holidays,
    parse_time,
    school_year,
    school_year_label,
)
from arrangeren_tui.core.planning.store import PlanningStore
from arrangeren_tui.core.storage.store import SessionSummary
from arrangeren_tui.core.text import one_line
from arrangeren_tui.ui import SCREENS_CSS
from arrangeren_tui.ui.context import AppContext
from arrangeren_tui.ui.dialogs.common import ConfirmDialog
from arrangeren_tui.ui.messages import PlanInSlot
from arrangeren_tui.ui.screens.base import read_sessions
from arrangeren_tui.ui.screens.export import default_export_dir, write_for_the_file
from arrangeren_tui.ui.widgets.keybar import KeyBar, cursor_row_key
from arrangeren_tui.ui.widgets.plain import Label, OptionList, Static
from arrangeren_tui.ui.widgets.table import PlainTable
from arrangeren_tui.ui.widgets.textbox import TextBox
from arrangeren_tui.ui.widgets.typing import TextInput

SESSION_KEY = "gesprek:"  # row key prefix of a planned session without a slot


def _month_label(year: int, month: int, rows: list[PlanRow]) -> Text:
    free = sum(1 for r in rows if r.status == FREE)
    label = Text(f"{MONTHS[month - 1]} {year}  ")
    if not rows:
        label.append("–", style="dim")
        return label
    label.append(f"{len(rows):>2}")
    if free:
        label.append(f" · {free} vrij", style="green")
    return label


class PlanningScreen(Screen[None]):
    """The school year month by month: slots, who is planned, what is still free."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("right", "month(1)", "Maand", key_display="←→", priority=True,
                id="planning.next_month"),
        Binding("left", "month(-1)", "Vorige maand", show=False, priority=True,
                id="planning.previous_month"),
        Binding("right_square_bracket,pagedown", "year(1)", "Schooljaar", key_display="[ ]",
                priority=True, id="planning.next_year"),
        Binding("left_square_bracket,pageup", "year(-1)", "Vorig schooljaar", show=False,
                priority=True, id="planning.previous_year"),
        Binding("n", "new_series", "Nieuwe reeks", key_display="n", id="planning.new_series"),
        Binding("enter", "plan", "Inplannen", key_display="Enter", priority=True,
                id="planning.plan"),
        Binding("delete,d", "remove_slot", "Wissen", key_display="Del", id="planning.remove"),
        Binding("i", "export_ics", "Agenda (.ics)", key_display="i", id="planning.ics"),
        Binding("escape", "back", "Terug", key_display="Esc", id="planning.back"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.store = context.store
        self.veld = context.veld
        self.planning = PlanningStore(context.store.root)
        self.year_start = dt.date(2000, 8, 1)
        self.month = 0  # 0 = August .. 11 = July
        self.slots: list[Slot] = []
        self.summaries: list[SessionSummary] = []
        self.months: list[tuple[int, int, list[PlanRow]]] = []
        self.problem = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="plan-title")
        with Horizontal(id="plan-main"):
            yield OptionList(id="plan-months")
            yield PlainTable(id="plan-slots", cursor_type="row", zebra_stripes=True)
        yield Static("", id="plan-detail")
        yield KeyBar()

    async def on_mount(self) -> None:
        today = self.context.today()
        self.year_start = school_year(today)[0]
        self.month = (today.month - 8) % 12
        months = self.query_one("#plan-months", OptionList)
        months.can_focus = False
        table = self.query_one("#plan-slots", DataTable)
        for label, key, width in (("Datum", "datum", 5), ("Dag", "dag", 3), ("Tijd", "tijd", 5),
                                  ("School", "school", 11), ("Status", "status", 8),
                                  ("Leerling", "leerling", 12)):
            table.add_column(label, key=key, width=width)
        await self.reload()
        table.focus()

    async def on_screen_resume(self) -> None:
        await self.reload()

    # -- showing -----------------------------------------------------------------

    async def reload(self) -> None:
        """Read the planning and the sessions again (in a thread) and redraw."""
        try:
            self.slots = await asyncio.to_thread(self.planning.slots)
            self.problem = ""
        except PlanningError as error:
            self.slots = []
            self.problem = (
                "De jaarplanning is beschadigd en blijft staan; herstel: arrangeren plan herstel"
                if isinstance(error, DamagedPlanningError) else str(error)
            )
            self.notify(str(error), severity="error", timeout=12)
        self.summaries, problems = await read_sessions(self.store)
        for problem in problems:
            self.notify(problem, severity="warning", timeout=8)
        self._show_year()

    def _year_rows(self) -> list[PlanRow]:
        year_end = school_year(self.year_start)[1]
        return plan_rows(self.slots, self.summaries, self.year_start, until=year_end)

    def _show_year(self) -> None:
        rows = self._year_rows()
        self.months = by_month(rows, self.year_start)
        free = sum(1 for r in rows if r.status == FREE)
        self.query_one("#plan-title", Static).update(Text(
            f" Jaarplanning {school_year_label(self.year_start)} · {len(rows)} "
            f"{'moment' if len(rows) == 1 else 'momenten'}, {free} vrij"
        ))
        months = self.query_one("#plan-months", OptionList)
        months.clear_options()
        months.add_options(
            [Option(_month_label(y, m, r), id=f"{y}-{m}") for y, m, r in self.months]
        )
        months.highlighted = self.month
        self._show_month()

    def _show_month(self, keep: str | None = None) -> None:
        table = self.query_one("#plan-slots", DataTable)
        keep = keep if keep is not None else cursor_row_key(table)
        table.clear()
        year, month, rows = self.months[self.month]
        for row in rows:
            table.add_row(*self._cells(row), key=self._row_key(row))
        keys = [self._row_key(r) for r in rows]
        if keep in keys:
            table.move_cursor(row=keys.index(keep))
        self.query_one("#plan-months", OptionList).highlighted = self.month
        self._show_detail()

    @staticmethod
    def _row_key(row: PlanRow) -> str:
        return row.slot or f"{SESSION_KEY}{row.session}"

    @staticmethod
    def _cells(row: PlanRow) -> tuple[object, ...]:
        day = dt.date.fromisoformat(row.date)
        free = row.status == FREE
        status = Text(row.status, style="green" if free else "bold" if row.slot else "")
        who = Text(FREE, style="green dim") if free else Text(one_line(row.pupil, 12))
        return (f"{day:%d-%m}", WEEKDAYS[day.weekday()], row.time or "–",
                one_line(row.school, 11), status, who)

    def _selected(self) -> PlanRow | None:
        key = cursor_row_key(self.query_one("#plan-slots", DataTable))
        if key is None or not self.months:
            return None
        return next((r for r in self.months[self.month][2] if self._row_key(r) == key), None)

    def _show_detail(self) -> None:
        detail = self.query_one("#plan-detail", Static)
        year, month, rows = self.months[self.month]
        row = self._selected()
        if self.problem:
            text = Text(" " + one_line(self.problem, 78), style="bold red")
        elif not rows:
            text = Text(f" Niets gepland in {MONTH_NAMES[month - 1]} {year}. "
                        "n: nieuwe reeks momenten.", style="dim")
        elif row is None:
            text = Text("")
        else:
            text = Text(" " + one_line(self._describe(row), 78), style="dim")
        detail.update(text)

    @staticmethod
    def _describe(row: PlanRow) -> str:
        day = dt.date.fromisoformat(row.date)
        parts = [f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"]
        if row.time:
            parts.append(f"{row.time}, {row.minutes} min")
        if row.place:
            parts.append(row.place)
        parts.append(f"moment {row.slot}" if row.slot else "zonder vast moment")
        if row.session:
            parts.append(f"gesprek {row.session}")
        return " · ".join(parts)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A month clicked with the mouse (the keys are ← and →)."""
        event.stop()
        if event.option_index != self.month:
            self.month = event.option_index
            self._show_month(keep="")

    # -- moving ---------------------------------------------------------------------

    def action_month(self, step: int) -> None:
        month = self.month + step
        if 0 <= month < 12:
            self.month = month
            self._show_month(keep="")
            return
        self._change_year(step)
        self.month = 0 if step > 0 else 11
        self._show_month(keep="")

    def action_year(self, step: int) -> None:
        self._change_year(step)
        self._show_month(keep="")

    def _change_year(self, step: int) -> None:
        self.year_start = self.year_start.replace(year=self.year_start.year + step)
        self._show_year()

    def action_back(self) -> None:
        self.app.pop_screen()

    # -- acting -----------------------------------------------------------------

    def _slot(self, row: PlanRow) -> Slot | None:
        return next((s for s in self.slots if s.id == row.slot), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_plan()

    def action_plan(self) -> None:
        row = self._selected()
        if row is None:
            return
        slot = self._slot(row)
        if slot is None or not slot.free:
            who = f"gesprek {row.session}" + (f" ({one_line(row.pupil, 30)})" if row.pupil else "")
            self.notify(f"Dit moment is bezet door {who}.", timeout=5)
            return
        self.post_message(PlanInSlot(slot))

    def action_remove_slot(self) -> None:
        row = self._selected()
        if row is None:
            return
        slot = self._slot(row)
        if slot is None or not slot.free:
            self.notify("Alleen een vrij moment kan weg; dit moment is bezet.",
                        severity="warning", timeout=6)
            return
        day = dt.date.fromisoformat(slot.date)
        when = f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.planning.remove_slot(slot.id)
            except PlanningError as error:
                self.notify(f"Niet verwijderd: {error}", severity="error", timeout=10)
                return
            self.notify(f"Moment {when} {slot.time} is verwijderd.", timeout=4)
            self.call_later(self.reload)

        self.app.push_screen(
            ConfirmDialog(f"Het vrije moment van {when} om {slot.time} verwijderen?",
                          yes="Verwijderen", no="Bewaren"),
            answer,
        )

    def action_new_series(self) -> None:
        def done(slots: list[Slot] | None) -> None:
            if not slots:
                return
            first = slots[0].day
            self.year_start = school_year(first)[0]
            self.month = (first.month - 8) % 12
            self.call_later(self.reload)
            self.notify(f"{len(slots)} {'moment' if len(slots) == 1 else 'momenten'} gepland.",
                        timeout=5)

        today = self.context.today()
        start, end = school_year(self.year_start)
        self.app.push_screen(
            SeriesForm(self.planning.add_series, start=max(today, start), end=end,
                       minutes=self.veld.total_minutes),
            done,
        )

    def action_export_ics(self) -> None:
        from arrangeren_tui.core.export.ics import CalendarError, calendar_bytes

        folder = self.context.export_dir or default_export_dir()
        events = planning_events(self.slots, self.summaries,
                                 between=school_year(self.year_start))
        stamp = dt.datetime.fromtimestamp(self.context.now()).astimezone()
        try:
            payload = calendar_bytes(events, name=calendar_name(self.year_start), stamp=stamp)
        except CalendarError as error:
            self.notify(f"Agenda niet geschreven: {error}", severity="error", timeout=10)
            return
        write_for_the_file(self, folder, ics_filename(self.year_start), payload)


# -- the form for a new series ---------------------------------------------------------

_T = TypeVar("_T")


def _attempt(errors: dict[str, str], name: str, parse: Callable[[], _T], fallback: _T) -> _T:
    """The parsed value, or ``fallback`` with the Dutch error noted under ``name``."""
    try:
        return parse()
    except PlanningError as error:
        errors[name] = str(error)
        return fallback


FIELDS = {  # core field name -> form field
    "name": "naam", "school": "school", "place": "plaats", "weekday": "weekdag",
    "rule": "regel", "n": "n", "start": "van", "end": "tot", "time": "tijd",
    "minutes": "duur", "skip": "vakanties",
}


class SeriesForm(ModalScreen[list[Slot] | None]):
    """A new series of slots. Errors show at the field; nothing is saved half."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("ctrl+s", "save", "Plannen", key_display="^S", priority=True,
                id="series.save"),
        Binding("escape", "cancel", "Annuleren", key_display="Esc", id="series.cancel"),
    ]

    def __init__(self, save: Callable[[Series], list[Slot]], *, start: dt.date, end: dt.date,
                 minutes: int) -> None:
        super().__init__()
        self.save = save
        self.start = start
        self.end = end
        self.minutes = minutes

    def compose(self) -> ComposeResult:
        with Vertical(id="series-dialog", classes="dialog"):
            yield Label("Nieuwe reeks momenten", classes="dialog-title")
            with VerticalScroll(id="series-form", can_focus=False):
                with Horizontal(classes="form-row"):
                    yield from self._input("Naam van de reeks", "naam", "bv. dinsdagmiddag")
                    yield from self._input("School", "school")
                    yield from self._input("Plaats", "plaats", "bv. kamer 2")
                with Horizontal(classes="form-row"):
                    yield from self._select("Weekdag", "weekdag", [
                        (name, str(n)) for n, name in enumerate(WEEKDAY_NAMES[:5])
                    ], "0")
                    yield from self._select("Regel", "regel", [
                        ("n-de van de maand", RULE_MONTH), ("om de n weken", RULE_WEEKS),
                    ], RULE_MONTH)
                    yield from self._input("n (1-4 of laatste)", "n", "bv. 3")
                with Horizontal(classes="form-row"):
                    yield from self._input("Van *", "van", value=self.start.isoformat())
                    yield from self._input("Tot en met *", "tot", value=self.end.isoformat())
                    yield from self._input("Tijd *", "tijd", "bv. 13:30")
                    yield from self._input("Duur (min)", "duur", value=str(self.minutes))
                yield Label("Vakanties overslaan: één per regel, JJJJ-MM-DD tot JJJJ-MM-DD",
                            classes="plan-label")
                yield TextBox(id="f-vakanties", compact=True, soft_wrap=False,
                              show_line_numbers=False)
                yield Label("", id="err-vakanties", classes="field-error")
            with Horizontal(classes="dialog-row"):
                yield Button("Plannen ^S", variant="primary", id="series-save", compact=True)
                yield Button("Annuleren", id="series-cancel", compact=True)
            yield KeyBar()

    def _input(self, label: str, name: str, placeholder: str = "", value: str = ""
               ) -> ComposeResult:
        with Vertical():
            yield Label(label, classes="plan-label")
            yield TextInput(value=value, placeholder=placeholder, id=f"f-{name}", max_length=120,
                            compact=True)
            yield Label("", id=f"err-{name}", classes="field-error")

    def _select(self, label: str, name: str, options: list[tuple[str, str]], value: str
                ) -> ComposeResult:
        with Vertical():
            yield Label(label, classes="plan-label")
            yield Select(options, value=value, allow_blank=False, id=f"f-{name}", compact=True)
            yield Label("", id=f"err-{name}", classes="field-error")

    def on_mount(self) -> None:
        for error in self.query(".field-error"):
            error.display = False
        self.query_one("#f-naam", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "series-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _value(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value.strip()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name in FIELDS.values():
            label = self.query_one(f"#err-{name}", Label)
            label.update(errors.get(name, ""))
            label.display = name in errors
        if errors:
            self.query_one(f"#f-{next(iter(errors))}").focus()

    def series(self) -> tuple[Series | None, dict[str, str]]:
        """The form as a Series, or None and the Dutch errors per field."""
        errors: dict[str, str] = {}
        rule = str(self.query_one("#f-regel", Select).value)
        holidays = self.query_one("#f-vakanties", TextArea).text.splitlines()
        n = _attempt(errors, "n", lambda: self._parse_n(rule), 0)
        start = _attempt(errors, "van", lambda: parse_date(self._value("van")), self.start)
        end = _attempt(errors, "tot", lambda: parse_date(self._value("tot")), self.end)
        clock = _attempt(errors, "tijd", lambda: self._parse_clock(self._value("tijd")), "")
        minutes = _attempt(errors, "duur", lambda: self._parse_minutes(self._value("duur")), 0)
        no_holidays: tuple[tuple[dt.date, dt.date], ...] = ()
        skip = _attempt(errors, "vakanties", lambda: parse_holidays(holidays), no_holidays)
        if errors:
            return None, errors
        series = Series(
            id="", name=self._value("naam"), rule=rule,
            weekday=int(str(self.query_one("#f-weekdag", Select).value)), n=n,
            start=start, end=end, time=clock, minutes=minutes,
            place=self._value("plaats"), school=self._value("school"), skip=skip,
        )
        try:
            if not generate_dates(series):
                return None, {"van": "Deze reeks levert geen enkele datum op; kijk naar van, "
                                     "tot en de vakanties."}
        except PlanningError as error:
            return None, {FIELDS.get(error.field, "van"): str(error)}
        return series, {}

    def _parse_n(self, rule: str) -> int:
        text = self._value("n").casefold()
        if rule == RULE_MONTH and text in ("laatste", "-1", "l"):
            return LAST
        try:
            return int(text)
        except ValueError:
            hint = "1 tot en met 4, of 'laatste'" if rule == RULE_MONTH else "om de hoeveel weken"
            raise PlanningError(f"Vul een getal in: {hint}.", "n") from None

    @staticmethod
    def _parse_clock(text: str) -> str:
        if not text:
            raise PlanningError("Vul de begintijd in, bv. 13:30.", "time")
        return parse_time(text)

    @staticmethod
    def _parse_minutes(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise PlanningError("Een heel aantal minuten, bv. 90.", "minutes") from None

    def action_save(self) -> None:
        series, errors = self.series()
        if series is None:
            self._show_errors(errors)
            return
        try:
            slots = self.save(series)
        except PlanningError as error:
            self._show_errors({FIELDS.get(error.field, "van"): str(error)})
            return
        self._show_errors({})
        self.dismiss(slots)
