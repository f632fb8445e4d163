"""Fixtures for driving the app with Pilot: a small fixed database, an app factory,
and ``settle`` to wait until the database workers have answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.sample import build_sample


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    folder = tmp_path / "sample"
    folder.mkdir(mode=0o700)
    path = build_sample(folder / "cases.db")
    path.chmod(0o600)
    return path


@pytest.fixture
def held_write(tmp_path, monkeypatch):
    """The Reports screen's export held in its write (the real file, once the test sets go),
    into tmp_path/exports; (go, the formats begun)."""
    import threading

    import inspect_tui.render.formats as formats

    monkeypatch.setenv("INSPECT_TUI_REPORT_DIR", str(tmp_path / "exports"))
    go, begun = threading.Event(), []
    real = formats.write

    def held(report, fmt, path):
        begun.append(fmt)
        assert go.wait(10)
        return real(report, fmt, path)

    monkeypatch.setattr(formats, "write", held)
    yield go, begun
    go.set()  # never leave a worker waiting


def make_app(path: Path, **config_fields):
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp

    theme = config_fields.pop("theme_arg", None)
    from inspect_tui.tui.keymap import keymap_problems

    return InspectApp(path, config=Config(**config_fields), theme=theme, check_keys=keymap_problems)


async def settle(pilot, rounds: int = 4) -> None:
    """Let workers finish and their messages land (a few rounds: loads start loads)."""
    import time

    app = pilot.app
    deadline = time.monotonic() + 10
    # the database opens after the first paint, in a worker: wait for it first
    while getattr(app, "session", None) is None and not getattr(app, "open_error", None):
        assert time.monotonic() < deadline, "the database never opened"
        await app.workers.wait_for_complete()
        await pilot.pause()
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            break


def switch_login(app, login: str) -> None:
    """Work as another login in the running app (in-process, as the identity rewrite asks of
    tests): its role, permissions and keys follow."""
    from inspect_tui.services.cases.listing import viewer_role
    from inspect_tui.tui.permissions import load_permissions

    app.session.who = login
    app.role = viewer_role(app.session)
    app.permissions = load_permissions(app.session)
    app.refresh_bindings()
    app.data_changed()


async def open_review(pilot, login: str | None = None, screen=None) -> None:
    """In the real app: work as ``login`` (default: tester), then the review queue (key 4)
    or ``screen`` pushed on top, with its data loaded."""
    await settle(pilot)
    if login:
        switch_login(pilot.app, login)
        await settle(pilot)
    if screen is None:
        await pilot.press("4")
    else:
        pilot.app.push_screen(screen)
    await settle(pilot)


async def open_quality(pilot, tab: str = "complaints", login: str | None = None) -> None:
    """In the real app: the quality screen (key 6) on ``tab``, its data loaded."""
    await settle(pilot)
    if login:
        switch_login(pilot.app, login)
        await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    pilot.app.screen.query_one("#tabs").active = tab
    await settle(pilot)


async def until(pilot, predicate, seconds: float = 10.0, *, workers: bool = True) -> None:
    """Wait for a condition (the workers answering, the messages handled), not for a time;
    fail after ``seconds``. ``workers=False`` while a worker is meant to keep waiting (for
    another process's write lock): only the messages are waited for."""
    import time

    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the screen never showed it")
        if workers:
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
