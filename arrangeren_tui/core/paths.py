"""Where things live: the store folder, the veld definition and the card decks.

Nothing here creates a folder at import time; callers ask.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

APP_NAME = "arrangeren"
STORE_ENV = "ARRANGEREN_STORE"
VELD_ENV = "ARRANGEREN_VELD"
DECKS_ENV = "ARRANGEREN_DECKS"
USER_DECKS_DIRNAME = "kaarten"
TEMPLATE_DIRNAME = "uitnodigingen"


def shipped_decks_dir() -> Path:
    """The decks that ship with the program.

    In an installed wheel they sit inside the package; in a source checkout
    (also an editable install) they are the repository's top-level ``decks/``.
    """
    inside = Path(__file__).resolve().parent.parent / "decks"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parent.parent.parent / "decks"


def shipped_fonts_dir() -> Path:
    """The fonts embedded in every PDF (DejaVu Sans; its licence lies beside it)."""
    return Path(__file__).resolve().parent.parent / "fonts" / "dejavu"


def user_config_dir() -> Path:
    from platformdirs import user_config_dir as _config

    return Path(_config(APP_NAME, appauthor=False))


def user_cache_dir() -> Path:
    from platformdirs import user_cache_dir as _cache

    return Path(_cache(APP_NAME, appauthor=False))


def deck_cache_path() -> Path:
    """The parsed-deck cache (``~/.cache/arrangeren/kaarten.json`` on Linux)."""
    return user_cache_dir() / "kaarten.json"


def method_cache_path() -> Path:
    """Compiled dataclass methods (``~/.cache/arrangeren/methoden-cpython-311.bin``;
    see ``arrangeren_tui.methodcache``), one file per Python version."""
    return user_cache_dir() / f"methoden-{sys.implementation.cache_tag}.bin"


def css_cache_path() -> Path:
    """Textual's parsed CSS (``~/.cache/arrangeren/opmaak-cpython-311.bin``; see
    ``arrangeren_tui.ui.csscache``), one file per Python version."""
    return user_cache_dir() / f"opmaak-{sys.implementation.cache_tag}.bin"


def user_data_dir() -> Path:
    from platformdirs import user_data_dir as _data

    return Path(_data(APP_NAME, appauthor=False))


def resolve_store_dir(cli_value: str | None, env: Mapping[str, str] | None = None) -> Path:
    """First that applies: ``--store``, ``$ARRANGEREN_STORE``, the user's data folder.

    Never a folder of the current directory: a ``sessions/`` folder in a project or a
    synced folder would otherwise silently receive a pupil's notes (and have its
    permissions changed), and the sessions would seem gone when run from elsewhere.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    if cli_value:
        return Path(cli_value).expanduser()
    if environ.get(STORE_ENV):
        return Path(environ[STORE_ENV]).expanduser()
    return user_data_dir() / "sessions"


def resolve_veld_path(cli_value: str | None, env: Mapping[str, str] | None = None) -> Path:
    """First that applies: ``--veld``, ``$ARRANGEREN_VELD``, the user's config dir, shipped."""
    environ: Mapping[str, str] = os.environ if env is None else env
    if cli_value:
        return Path(cli_value).expanduser()
    if environ.get(VELD_ENV):
        return Path(environ[VELD_ENV]).expanduser()
    own = user_config_dir() / "veld.toml"
    if own.is_file():
        return own
    return shipped_decks_dir() / "veld.toml"


def user_decks_dir() -> Path:
    """The user's own deck folder (``~/.config/arrangeren/kaarten`` on Linux); not created here."""
    return user_config_dir() / USER_DECKS_DIRNAME


def resolve_deck_dirs(
    cli_value: str | Sequence[str] | None, env: Mapping[str, str] | None = None
) -> list[Path]:
    """Every deck folder, in order of increasing priority; a later folder overrides an earlier one.

    The shipped decks, then the user's own ``kaarten`` folder if it exists, then the
    paths in ``$ARRANGEREN_DECKS`` (separated by ``os.pathsep``), then ``--decks``
    (one path or several). A ``--decks`` or environment path is kept even when it
    does not exist, so loading can report it. A path named twice keeps only its
    last (strongest) place.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    found: list[Path] = [shipped_decks_dir()]
    own = user_decks_dir()
    if own.is_dir():
        found.append(own)
    for part in environ.get(DECKS_ENV, "").split(os.pathsep):
        if part.strip():
            found.append(Path(part.strip()).expanduser())
    if isinstance(cli_value, str):
        cli_value = [cli_value]
    for value in cli_value or ():
        if value:
            found.append(Path(value).expanduser())
    result: list[Path] = []
    for path in reversed(found):
        if not any(_same_path(path, seen) for seen in result):
            result.append(path)
    result.reverse()
    return result


def resolve_template_dirs(cli_value: str | Sequence[str] | None = None,
                          env: Mapping[str, str] | None = None) -> list[Path]:
    """Invitation template folders, weakest first: shipped, the user's own, the extra decks.

    ``uitnodigingen`` beside the shipped decks, then ``~/.config/arrangeren/uitnodigingen``,
    then ``uitnodigingen`` inside every ``ARRANGEREN_DECKS``/``--decks`` folder.
    """
    shipped, *extra = resolve_deck_dirs(cli_value, env)
    own_cards = user_decks_dir()
    ordered = [shipped / TEMPLATE_DIRNAME, user_config_dir() / TEMPLATE_DIRNAME]
    ordered += [d / TEMPLATE_DIRNAME for d in extra if d != own_cards]
    return ordered


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


# -- names that every system accepts ----------------------------------------------------

_WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                     *(f"COM{n}" for n in "123456789¹²³"), *(f"LPT{n}" for n in "123456789¹²³")}
MAX_NAME_LENGTH = 255


def name_problem(name: str) -> str | None:
    """Why Windows (or FAT, or macOS) would refuse ``name`` as one file name; None if none would.

    The rules are Windows's, the strictest of the three: no ``<>:"/\\|?*``, no control
    characters, no trailing dot or space, no device name (``CON``, ``NUL.txt``, ``COM1``, ...),
    at most 255 characters.
    """
    if not name or name in (".", ".."):
        return "een lege naam"
    bad = sorted({c for c in name if c in _WINDOWS_FORBIDDEN or ord(c) < 32})
    if bad:
        return "tekens die Windows weigert: " + " ".join(repr(c) for c in bad)
    if name[-1] in ". ":
        return "eindigt op een punt of spatie"
    if name.split(".")[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        return "een apparaatnaam van Windows"
    if len(name) > MAX_NAME_LENGTH:
        return f"langer dan {MAX_NAME_LENGTH} tekens"
    return None
