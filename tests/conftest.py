"""Shared fixtures: every test runs with its own config, data dirs and a pinned 'today'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trust.netguard import block_network  # noqa: F401  (no test may open a network connection)

TODAY = dt.date(2027, 6, 15)  # a Tuesday


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """No test reads or writes the real user's config, database or logs."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("INSPECT_TUI_TODAY", TODAY.isoformat())
    for var in ("INSPECT_TUI_DB", "INSPECT_TUI_CONFIG", "NO_COLOR", "SSH_ORIGINAL_COMMAND", "SSH_CONNECTION"):
        monkeypatch.delenv(var, raising=False)
    _login_as_tester(monkeypatch)
    yield home
    from inspect_tui import identity

    identity.act_as(None)  # an --as established by a test ends with it


def _login_as_tester(mp: pytest.MonkeyPatch) -> None:
    """In-process, this test's OS account is called "tester" (it creates and owns its files).

    Identity comes from the real uid, never from the environment; tests rename the
    account in-process only, so a subprocess sees the real account name.
    """
    import os

    from inspect_tui import identity

    real = identity.login_of_uid
    mp.setattr(identity, "login_of_uid", lambda uid: "tester" if uid == os.getuid() else real(uid))


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


# --------------------------------------------------------------------------- demo database
@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database per test session (today=2027-06-15, seed=1, 1.5 years); do not modify it."""
    from inspect_tui.store.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        _login_as_tester(mp)
        build_demo(path, seed=1, today=TODAY)
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the session's demo database (a single file, no -wal)."""
    import shutil

    path = tmp_path / "demo" / "demo.db"
    path.parent.mkdir(mode=0o700)
    shutil.copyfile(demo_template, path)
    path.chmod(0o600)
    return path
