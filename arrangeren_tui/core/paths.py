"""Where things live: the store folder and the veld definition.

Nothing here creates a folder at import time; callers ask.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "arrangeren"
STORE_ENV = "ARRANGEREN_STORE"
VELD_ENV = "ARRANGEREN_VELD"


def shipped_decks_dir() -> Path:
    """The decks that ship with the program.

    In an installed wheel they sit inside the package; in a source checkout
    (also an editable install) they are the repository's top-level ``decks/``.
    """
    inside = Path(__file__).resolve().parent.parent / "decks"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parent.parent.parent / "decks"


def user_config_dir() -> Path:
    from platformdirs import user_config_dir as _config

    return Path(_config(APP_NAME, appauthor=False))


def user_data_dir() -> Path:
    from platformdirs import user_data_dir as _data

    return Path(_data(APP_NAME, appauthor=False))


def resolve_store_dir(cli_value: str | None, env: dict[str, str] | None = None) -> Path:
    """First that applies: ``--store``, ``$ARRANGEREN_STORE``, ``./sessions``, the user data dir."""
    env = os.environ if env is None else env
    if cli_value:
        return Path(cli_value).expanduser()
    if env.get(STORE_ENV):
        return Path(env[STORE_ENV]).expanduser()
    local = Path.cwd() / "sessions"
    if local.is_dir():
        return local
    return user_data_dir() / "sessions"


def resolve_veld_path(cli_value: str | None, env: dict[str, str] | None = None) -> Path:
    """First that applies: ``--veld``, ``$ARRANGEREN_VELD``, the user config dir, the shipped one."""
    env = os.environ if env is None else env
    if cli_value:
        return Path(cli_value).expanduser()
    if env.get(VELD_ENV):
        return Path(env[VELD_ENV]).expanduser()
    own = user_config_dir() / "veld.toml"
    if own.is_file():
        return own
    return shipped_decks_dir() / "veld.toml"
