"""Where things live: shipped data, the user's config and database (XDG)."""

from __future__ import annotations

import os
from pathlib import Path

APP = "inspect-tui"
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the inspect_tui package


def _shipped(name: str) -> Path:
    # installed wheel: inspect_tui/_data; source checkout: <repo>/data
    for base in (PACKAGE_DIR / "_data", PACKAGE_DIR.parent.parent / "data"):
        if (base / name).exists():
            return base / name
    return PACKAGE_DIR / "_data" / name


def data_file(name: str) -> Path:
    """A file shipped in data/."""
    return _shipped(name)


def themes_dir() -> Path:
    for base in (PACKAGE_DIR / "_themes", PACKAGE_DIR.parent.parent / "themes"):
        if base.is_dir():
            return base
    return PACKAGE_DIR / "_themes"


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value and os.path.isabs(value) else Path.home() / default


def config_path() -> Path:
    env = os.environ.get("INSPECT_TUI_CONFIG")
    if env:
        return Path(env)
    return _xdg("XDG_CONFIG_HOME", ".config") / APP / "config.toml"


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / APP


def cache_dir() -> Path:
    """What can always be rebuilt (services/holidays.py's answers from jpholiday)."""
    return _xdg("XDG_CACHE_HOME", ".cache") / APP


def state_dir() -> Path:
    return _xdg("XDG_STATE_HOME", ".local/state") / APP


def default_db_path() -> Path:
    env = os.environ.get("INSPECT_TUI_DB")
    if env:
        return Path(env)
    return data_dir() / "cases.db"


def demo_db_path() -> Path:
    """The demo database: apart from the user's own, never touching it."""
    return data_dir() / "demo" / "demo.db"


def log_path() -> Path:
    return state_dir() / "inspect-tui.log"
