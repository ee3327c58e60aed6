"""Textual's CSS parsed once per machine (``arrangeren_tui.ui.csscache``): the same rules
and the same screen from the file, CSS with errors still reported, and nothing lost when
the file is bad or was written under another theme or Textual."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, FakeClock, demo_now
from textual.css.stylesheet import Stylesheet, StylesheetParseError

from arrangeren_tui.core.storage.store import SessionStore
from arrangeren_tui.ui import csscache
from arrangeren_tui.ui.app import ArrangerenApp

BROKEN_CSS = "Static { colour: red; }"


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "cache" / "opmaak.bin"
    csscache.uninstall()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pieces of CSS Textual itself parses (the read_from of each)."""
    seen: list[str] = []
    textual_parse = csscache._textual_parse

    def counting(self, css, read_from, *args):  # type: ignore[no-untyped-def]
        seen.append(repr(read_from))
        return textual_parse(self, css, read_from, *args)

    monkeypatch.setattr(csscache, "_textual_parse", counting)
    return seen


def _rules(app: ArrangerenApp) -> list[tuple[object, ...]]:
    """Each rule's selectors, declarations (as text: a layout is an object of its own
    at every parse) and rank (``RuleSet.css`` fails on some of Textual's own rules)."""
    return [(repr(rule.selector_set), sorted((name, repr(value)) for name, value
                                             in rule.styles.get_rules().items()),
             sorted(rule.styles.important), rule.is_default_rules, rule.tie_breaker,
             sorted(rule.selector_names), sorted(rule.pseudo_classes))
            for rule in app.stylesheet.rules]


async def _run(store: SessionStore, veld, cache: Path, open_session: str | None = None,
               ) -> tuple[list[tuple[object, ...]], str]:
    """One start with the cache: the stylesheet's rules and the screen, once drawn."""
    app = ArrangerenApp(store=store, veld=veld, open_session=open_session,
                        now=FakeClock(demo_now()), today=lambda: TODAY, css_cache=cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rules, screen = _rules(app), app.export_screenshot()
    csscache.save()
    csscache.uninstall()
    return rules, screen


@pytest.mark.parametrize("open_session", [None, "20261123-demo"], ids=["home", "board"])
async def test_from_the_file_the_rules_and_the_screen_are_the_same(
        snapshot_store: SessionStore, veld, cache: Path, parses: list[str],
        open_session: str | None) -> None:
    store = snapshot_store  # the same "Opslag:" line in both screenshots
    cold_rules, cold_screen = await _run(store, veld, cache, open_session)
    assert parses and cache.is_file()  # the first start parsed and kept it
    parsed_cold = list(parses)
    parses.clear()
    written = cache.stat().st_mtime_ns

    warm_rules, warm_screen = await _run(store, veld, cache, open_session)
    assert parses == []  # nothing parsed: all of it came from the file
    assert warm_rules == cold_rules
    assert warm_screen == cold_screen
    assert cache.stat().st_mtime_ns == written  # nothing new to add
    assert cache.stat().st_mode & 0o777 == 0o600
    assert len(parsed_cold) >= 5  # the app's files, its and the widgets' defaults


def test_css_with_errors_is_reported_and_not_kept(cache: Path, parses: list[str]) -> None:
    csscache.install(cache)
    for _attempt in range(2):
        sheet = Stylesheet()
        sheet.add_source(BROKEN_CSS, read_from=("test", "broken"))
        with pytest.raises(StylesheetParseError):
            sheet.parse()
    assert len(parses) == 2  # parsed (and reported) both times
    assert not csscache.pending()


def _parse(css: str, variables: dict[str, str] | None = None) -> list[str]:
    sheet = Stylesheet(variables=variables)
    sheet.add_source(css, read_from=("test", "css"))
    sheet.parse()
    return [rule.css for rule in sheet.rules]


THEMED = "Static { background: $panel; color: $text; }"
DARK = {"panel": "#101010", "text": "#eeeeee"}


def test_other_variables_are_parsed_anew(cache: Path, parses: list[str]) -> None:
    dark = DARK
    light = {"panel": "#f0f0f0", "text": "#111111"}
    csscache.install(cache)
    first = _parse(THEMED, dark)
    csscache.save()
    csscache.uninstall()
    csscache.install(cache)
    assert _parse(THEMED, dark) == first
    assert len(parses) == 1
    other = _parse(THEMED, light)
    assert len(parses) == 2 and other != first
    assert "#F0F0F0" in other[0]


@pytest.mark.parametrize("damage", ["flipped byte", "cut short", "other header"])
def test_a_bad_file_is_passed_over_and_replaced(cache: Path, parses: list[str],
                                                damage: str) -> None:
    csscache.install(cache)
    expected = _parse(THEMED, DARK)
    csscache.save()
    csscache.uninstall()
    data = bytearray(cache.read_bytes())
    if damage == "flipped byte":
        data[-20] ^= 0x40
    elif damage == "cut short":
        del data[len(data) // 2:]
    else:
        data[:data.index(b"\n")] = b"arrangeren css rules, textual another build"
    cache.write_bytes(bytes(data))
    parses.clear()
    csscache.install(cache)
    assert _parse(THEMED, DARK) == expected
    assert len(parses) == 1  # parsed, as without a file
    csscache.save()
    csscache.uninstall()
    parses.clear()
    csscache.install(cache)
    _parse(THEMED, DARK)
    assert parses == []  # the file was written anew
