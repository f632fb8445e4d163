"""Quitting while an export is written: at 1M cases the monthly report's PDF takes ~17 s,
and a thread worker cannot be stopped, so the process went on writing it after ``q`` on a
blank terminal, with no word of the file. Now ``q`` asks first, and on yes the launcher says
which file it waits for and then where it went (tui/exports.py)."""

from __future__ import annotations

import threading

import pytest

from builders import add_case
from inspect_tui.tui.screens.confirm import ConfirmDialog
from tui.conftest import make_app, settle, until


@pytest.fixture
def app_db(session, db_path):
    add_case(session, received_on="2027-05-10", contacted_on="2027-05-14")
    return db_path


def _question(app) -> str:
    return str(app.screen.query_one("#confirm-question").render())


async def _export_then_quit(pilot, begun: list[str]) -> str:
    """Reports, `e` (held in its write), then `q`: the question asked."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    await pilot.press("e")
    await until(pilot, lambda: begun, workers=False)
    await pilot.press("q")
    await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), workers=False)
    assert app.screen.title_text == "書き出し中"
    return _question(app)


async def test_q_while_exporting_asks_and_no_keeps_the_app_and_the_export(app_db, tmp_path, held_write):
    go, begun = held_write
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "monthly_2027-05.xlsx を書き出しています。" in await _export_then_quit(pilot, begun)
        await pilot.press("enter")  # No is the default
        await until(pilot, lambda: not isinstance(app.screen, ConfirmDialog), workers=False)
        assert app.is_running
        go.set()
        await until(pilot, lambda: not app.exports.running())
        await settle(pilot)
        assert (tmp_path / "exports" / "monthly_2027-05.xlsx").stat().st_size > 0
        await pilot.press("q")  # nothing running now: q quits at once
        await until(pilot, lambda: not app.is_running, workers=False)


def test_yes_quits_and_the_launcher_says_it_waits_for_the_file_and_where_it_went(
    app_db, tmp_path, held_write, monkeypatch, capfd
):
    """Through tui/launch.py as the command runs it (the real app, headless, real keys):
    after the screen has closed, standard error says what it waits for, then the file."""
    from inspect_tui.tui import launch

    go, begun = held_write
    seen: dict[str, object] = {}

    async def keys(pilot) -> None:
        app = pilot.app
        seen["question"] = await _export_then_quit(pilot, begun)
        await pilot.press("ctrl+q")  # Textual's quit again on the question is the answer
        await pilot.pause()
        if app.is_running:  # not quit: end with a status the test sees, rather than hang
            app.exit(9)

    real_build = launch.build_app

    def build(path, theme=None, demo=False, **options):
        app = real_build(path, theme, demo, **options)
        run = app.run

        exiting = app.exports.exiting

        def ending() -> list[str]:  # the file is done only once the app has begun to end
            threading.Timer(0.2, go.set).start()
            return exiting()

        app.exports.exiting = ending
        app.run = lambda: run(headless=True, size=(80, 24), auto_pilot=keys)
        seen["app"] = app
        return app

    monkeypatch.setattr(launch, "build_app", build)
    assert launch.run_app(app_db) == 0
    path = tmp_path / "exports" / "monthly_2027-05.xlsx"
    assert "終わってから閉じます" in str(seen["question"])
    assert capfd.readouterr().err.splitlines() == [
        "inspect-tui: monthly_2027-05.xlsx の書き出しが終わるのを待っています…",
        f"inspect-tui: 書き出しました: {path}",
    ]
    assert path.stat().st_size > 0 and not seen["app"].exports.running()
