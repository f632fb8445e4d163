"""Shared fixtures: every test runs with its own config, data dirs and a pinned 'today'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

TODAY = dt.date(2027, 6, 15)  # a Tuesday


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's config, database or logs."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("INSPECT_TUI_TODAY", TODAY.isoformat())
    monkeypatch.setenv("INSPECT_TUI_USER", "tester")
    for var in ("INSPECT_TUI_DB", "INSPECT_TUI_CONFIG", "NO_COLOR", "SSH_ORIGINAL_COMMAND"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cases.db"


@pytest.fixture
def session(db_path: Path):
    from inspect_tui.config import Config
    from inspect_tui.services.session import open_session

    s = open_session(db_path, Config())
    yield s
    s.close()
