"""What a new facilitator meets in the first minutes: notices, the step bar, the keys.

Issue 14, items 12, 15, 19, 20 and 21: a notice never covers the notes or the line
being typed; the step bar names the steps as far as they fit; a key means one thing
on every screen, reaches the app in every terminal, and the command palette lists
the app's own actions in Dutch.
"""

from __future__ import annotations

from pathlib import Path

from conftest import TODAY, FakeClock, demo_now
from textual.binding import Binding
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget

from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.core.veld import Veld
from arrangeren_tui.ui.app import ArrangerenApp
from arrangeren_tui.ui.board.screen import BoardScreen
from arrangeren_tui.ui.board.widgets import (
    CaptureBar,
    CaptureInput,
    ClockBar,
    PartyPane,
    StepBar,
)


def make_app(store: SessionStore, veld: Veld, open_session: str | None = None,
             export_dir: Path | None = None) -> ArrangerenApp:
    return ArrangerenApp(store=store, veld=veld, open_session=open_session,
                         now=FakeClock(demo_now()), today=lambda: TODAY, export_dir=export_dir)


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if c == " " else c for c in text])


def toasts(app: ArrangerenApp) -> list[Widget]:
    # By name: the Toast class lives in a private Textual module (see ui.textual_private).
    return [w for w in app.screen.query("Toast") if w.region]


def rendered_lines(widget: Widget) -> list[str]:
    lines = widget.render_lines(Region(0, 0, widget.region.width, widget.region.height))
    return [strip.text for strip in lines]


async def test_a_notice_covers_no_pane_and_not_what_was_typed(store, veld, demo):
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.query_one(CaptureInput).value = ""  # the demo's draft
        app.clear_notifications()
        await type_text(pilot, "@jgz slaapt slecht")
        await pilot.press("enter")
        await type_text(pilot, "half getypt")
        await pilot.pause()
        await pilot.pause()
        shown = toasts(app)
        assert any("Genoteerd bij JGZ." in "".join(rendered_lines(t)) for t in shown), shown
        kept_in_sight = [*board.query(PartyPane), board.query_one(CaptureBar),
                         board.query_one(StepBar), board.query_one(ClockBar)]
        for toast in shown:
            for widget in kept_in_sight:
                assert not toast.region.overlaps(widget.region), (toast.region, widget)
        # Two at once, the newest long: that one shows whole, still below the capture line.
        app.notify("Vervolggesprek 20261201-abcd na 20261123-demo.")
        app.notify("Vervolggesprek: 2 afspraken uit het vorige gesprek om te evalueren. "
                   "^E opent ze, één voor één.")
        await pilot.pause()
        await pilot.pause()
        shown = toasts(app)
        assert len(shown) == 1
        assert shown[0].region.bottom <= 24
        assert "één voor één." in "".join(rendered_lines(shown[0]))
        assert not shown[0].region.overlaps(board.query_one(CaptureBar).region)


async def test_a_notice_on_the_export_screen_covers_no_verslag_and_keeps_the_file_name_whole(
        store, veld, demo, tmp_path):
    folder = tmp_path / "een-heel-lange-mapnaam-voor-de-verslagen-van-deze-school"
    app = make_app(store, veld, open_session=demo.id, export_dir=folder)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("m")
        await pilot.pause()
        await pilot.pause()
        assert (folder / f"verslag-{demo.id}.md").exists()
        shown = toasts(app)
        assert shown
        verslag = app.screen.query_one("#export-scroll")
        for toast in shown:
            assert not toast.region.overlaps(verslag.region)
        lines = [line for toast in shown for line in rendered_lines(toast)]
        assert any(f"verslag-{demo.id}.md" in line for line in lines), lines


# -- item 15: the step bar names the steps, the panes carry their F-key ------------------


async def test_the_step_bar_names_every_step_as_far_as_it_fits_at_80_columns(store, veld, demo):
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(StepBar)
        chips = bar.render().plain.splitlines()[0]
        assert len(chips) <= 80
        current = veld.steps[bar.current]
        assert f"{bar.current + 1} {current.short} {current.minutes}′" in chips
        for number, step in enumerate(veld.steps, start=1):
            # At least the first letters of each name, after its number.
            assert f"{number} {step.short[:3]}" in chips, (step.short, chips)


async def test_the_step_bar_shows_whole_names_when_there_is_room(store, veld, demo):
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        chips = app.screen.query_one(StepBar).render().plain.splitlines()[0]
        for number, step in enumerate(veld.steps, start=1):
            assert f"{number} {step.short}" in chips, (step.short, chips)


async def test_each_party_pane_carries_its_function_key(store, veld, demo):
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panes = list(app.screen.query(PartyPane))
        titles = [str(pane.border_title) for pane in panes]
        assert [t.split()[0] for t in titles] == ["F1", "F2", "F3", "F4", "F5", "F6"]
        assert titles[1].startswith("F2 Ouders")
        await pilot.press("f4")
        assert demo.id and app.screen.session.selected_party == veld.parties[3].key


# -- item 21: the command palette lists the app's own actions, in Dutch ------------------


async def palette_titles(app: ArrangerenApp, pilot) -> list[str]:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    for _ in range(20):
        await pilot.pause(0.05)
        options = list(app.screen.query("CommandList"))
        if options and options[0].option_count:  # type: ignore[attr-defined]
            break
    command_list = app.screen.query_one("CommandList")
    return [str(command_list.get_option_at_index(i).prompt).splitlines()[0].strip()  # type: ignore[attr-defined]
            for i in range(command_list.option_count)]  # type: ignore[attr-defined]


def dutch_descriptions(screen: Screen[object], app: ArrangerenApp) -> set[str]:
    """The descriptions of the app's own bindings (each has an id), and the theme command."""
    names = {"Thema wisselen"}
    # Actions without a key of their own, listed by name (the board's Namen).
    names.update(title for title, _help, _action in getattr(type(screen), "PALETTE_COMMANDS", ()))
    for node in [app, *screen.ancestors_with_self, *screen.walk_children()]:
        for binding in getattr(node, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.id and binding.description:
                names.add(binding.description)
    return names


async def test_the_command_palette_lists_the_boards_actions_in_dutch(store, veld, demo):
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        titles = await palette_titles(app, pilot)
        placeholder = app.screen.query_one("CommandInput").placeholder  # type: ignore[attr-defined]
        assert "Search" not in placeholder and "actie" in placeholder.lower()
        assert "Copy selected text" not in titles
        allowed = dutch_descriptions(board, app)
        assert set(titles) <= allowed, set(titles) - allowed
        for action in ("Kaart", "Toestemming", "Verslag", "Gesprek afsluiten", "Klok"):
            assert action in titles


# -- items 19 and 20: one meaning per key, keys that reach the app, shown -----------------

# A control key may name different things only where it means the same: ^S keeps what is
# in front of you, ^N makes a new one, ^F/^Y go forward/back. Every other control key has
# one description.
SAME_MEANING = {
    "ctrl+s": {"Opslaan", "Nu opslaan", "Gesprek aanmaken", "Vastleggen", "Neerleggen",
               "Plannen", "Opnieuw opslaan", "Aanmaken", "Bewaren"},
    "ctrl+n": {"Deelnemer erbij", "Blanco kaart"},
    "ctrl+o": {"Overzicht", "Terug"},  # opens the overview, and closes it again
    "ctrl+f": {"Stap ▶", "Volgende"},  # forward: the next step, the next afspraak
    "ctrl+y": {"◀ Stap", "Vorige"},
}
# Taken before they reach the program: by terminals (F10 menu, F11 full screen, F12
# drop-down terminals), by tmux (^B) and GNU screen (^A), or never sent by an xterm.
UNREACHABLE = {"f10", "f11", "f12", "ctrl+a", "ctrl+b"}


def all_bindings() -> list[tuple[str, Binding, str]]:
    """(key, binding, class name) for every binding the app declares, on every screen."""
    import importlib
    import pkgutil

    from textual.dom import DOMNode

    import arrangeren_tui.ui as ui

    for module in pkgutil.walk_packages(ui.__path__, "arrangeren_tui.ui."):
        importlib.import_module(module.name)
    found: list[tuple[str, Binding, str]] = []
    todo: list[type] = [DOMNode]
    classes: set[type] = set()
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in classes:
                classes.add(sub)
                todo.append(sub)
    for cls in classes:
        if not cls.__module__.startswith("arrangeren_tui"):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                for key in binding.key.split(","):
                    found.append((key.strip(), binding, cls.__name__))
    return found


def test_a_control_key_means_one_thing_on_every_screen():
    meanings: dict[str, set[str]] = {}
    for key, binding, _cls in all_bindings():
        if key.startswith("ctrl+") and binding.description:
            meanings.setdefault(key, set()).add(binding.description)
    for key, descriptions in meanings.items():
        if key in SAME_MEANING:
            assert descriptions <= SAME_MEANING[key], (key, descriptions)
        else:
            assert len(descriptions) == 1, (key, descriptions)


def test_every_key_reaches_the_app_in_a_plain_xterm_under_tmux():
    for key, binding, cls in all_bindings():
        assert key not in UNREACHABLE, (cls, key, binding.description)
        assert not key.startswith("ctrl+shift+"), (cls, key)
        if key.startswith("ctrl+"):
            assert not key.removeprefix("ctrl+").isdigit(), (cls, key)


async def test_the_voorbereiding_keys_are_control_keys(store, veld):
    from conftest import PLANNED_ID, planned_session

    from arrangeren_tui.ui.screens.preparation import PreparationScreen
    from arrangeren_tui.ui.widgets.keybar import KeyBar

    store.save(planned_session(veld))
    app = make_app(store, veld, open_session=PLANNED_ID)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert "^D" in board.query_one(KeyBar).render().plain  # shown: there is one
        await pilot.press("ctrl+d")
        assert board.prep_mode == "vol"
        await pilot.press("ctrl+d")
        assert board.prep_mode == "uit"
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert isinstance(app.screen, PreparationScreen)


async def test_a_vervolggesprek_shows_its_evaluation_key_and_rates_with_plain_letters(
        store, veld):
    from conftest import demo_session

    from arrangeren_tui.core.model import Evaluation
    from arrangeren_tui.ui.dialogs.evaluation import EvaluationDialog
    from arrangeren_tui.ui.widgets.keybar import KeyBar

    session = demo_session(veld)
    session.set_draft("", 0)
    session.evaluations = [Evaluation("ouders", "Vaste avondroutine", "Sanne de Jong"),
                           Evaluation("swv", "Observatie in de klas")]
    store.save(session)
    app = make_app(store, veld, open_session=session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert "^E  Evalueren" in board.query_one(KeyBar).render().plain
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, EvaluationDialog)
        await pilot.press("g")  # gedaan; the cursor goes to the toelichting
        await type_text(pilot, "loopt goed")
        await pilot.press("enter")  # kept, on to the next
        await pilot.press("n", "enter")
        await pilot.press("escape")
        await pilot.pause()
        assert board.session.evaluations[0].outcome == "gedaan"
        assert board.session.evaluations[0].note == "loopt goed"
        assert board.session.evaluations[1].outcome == "niet"
        assert app.screen is board
        await pilot.press("ctrl+g")  # on the board ^G still means: to the list of sessions
        await pilot.pause()
        assert not isinstance(app.screen, BoardScreen)


def test_textuals_key_names_are_known_without_unicodes_name_table():
    """The table gives every ``Keys`` name the character Textual's own lookup gives it."""
    from textual.keys import Keys, key_to_character

    from arrangeren_tui.ui.textual_private import NAMED_KEY_CHARACTERS, _key_to_character

    for key in Keys:
        assert _key_to_character(key.value) == key_to_character(key.value), key
    assert set(NAMED_KEY_CHARACTERS) <= {key.value for key in Keys}
    assert _key_to_character("question_mark") == "?"  # other names: Textual's own lookup


async def test_the_board_reads_no_unicode_names_for_its_keys(store, veld, demo, monkeypatch):
    """A lookup by name reads most of Unicode's name table (~0.7 MiB resident, issue 17):
    the board's bindings (Tab, PgDn, F1-F6 above the capture line) need none."""
    import unicodedata

    from textual.keys import key_to_character

    key_to_character.cache_clear()  # answers cached by earlier tests would hide lookups
    looked_up: list[str] = []
    real_lookup = unicodedata.lookup

    def lookup(name: str) -> str:
        looked_up.append(name)
        return real_lookup(name)

    monkeypatch.setattr(unicodedata, "lookup", lookup)
    app = make_app(store, veld, open_session=demo.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        active = app.screen.active_bindings  # what the key bar and the palette read
        assert {"tab", "pagedown", "f1"} <= set(active)
    assert looked_up == []
