"""Quitting while a backup is being made: at 1M cases the day's backup (copy and check)
takes about a minute, and ``q`` used to leave a blank screen until it ended. Now the app
asks; yes stops the backup at its next step and leaves nothing of it; No lets it finish."""

from __future__ import annotations

import time

import pytest

from inspect_tui.tui.screens.confirm import ConfirmDialog
from tui.conftest import make_app, settle, until

#: each step of the slowed backup sleeps this long: the sample's 191 pages then take ~10 s
STEP_S = {"sleep": 0.05}


@pytest.fixture
def slow_backup(monkeypatch):
    """The real backup, one page a step and a pause at every look at ``cancelled``:
    the copy of the sample database then takes as long as a big one's."""
    import inspect_tui.services.trust.backup as services_backup
    import inspect_tui.store.backup as store_backup

    real = store_backup.make_backup
    monkeypatch.setattr(store_backup, "_PAGES_PER_STEP", 1)

    def slowed(db, **kwargs):
        cancelled = kwargs.pop("cancelled", None) or (lambda: False)

        def slow() -> bool:
            time.sleep(STEP_S["sleep"])
            return cancelled()

        return real(db, cancelled=slow, **kwargs)

    monkeypatch.setattr(services_backup, "make_backup", slowed)


def leftovers(db_path):
    folder = db_path.parent / "backups"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def stopped_within(db_path, seconds: float) -> float:
    """How long until nothing of the cancelled backup is left (the worker thread's cleanup:
    a real process waits for it as it exits); fails after ``seconds``."""
    started = time.monotonic()
    while leftovers(db_path):
        took = time.monotonic() - started
        assert took < seconds, f"the backup went on {took:.1f} s after quitting: {leftovers(db_path)}"
        time.sleep(0.01)
    return time.monotonic() - started


async def test_quitting_during_the_days_backup_asks_and_yes_stops_it_leaving_nothing(
    sample_db, slow_backup, monkeypatch
):
    monkeypatch.setitem(STEP_S, "sleep", STEP_S["sleep"])  # put back after the test
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.backup_running == "daily", workers=False)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), workers=False)
        question = str(app.screen.query_one("#confirm-question").render())
        assert "今日のバックアップを作っています" in question and "次に開いたときに作り直します" in question
        await pilot.press("enter")  # No is the default: the app stays, the backup goes on
        await until(pilot, lambda: not isinstance(app.screen, ConfirmDialog), workers=False)
        assert app.is_running and app.backup_running == "daily"
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), workers=False)
        await pilot.press("right", "enter")
        await until(pilot, lambda: not app.is_running, workers=False)
    stopped_within(sample_db, 2.0)  # no .part, no journal, no .head: nothing half-made
    STEP_S["sleep"] = 0.0
    app = make_app(sample_db)  # the next start makes the day's backup again
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert [n for n in leftovers(sample_db) if n.endswith(".db")], leftovers(sample_db)


async def test_no_lets_the_backup_finish_and_says_so(sample_db, slow_backup, monkeypatch):
    monkeypatch.setitem(STEP_S, "sleep", 0.005)  # ~1 s
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.backup_running == "daily", workers=False)
        await pilot.press("ctrl+q")  # Textual's quit asks too
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), workers=False)
        await pilot.press("escape")
        await until(pilot, lambda: app.backup_running is None, workers=False)
        await settle(pilot)
        told = [n.message for n in app._notifications]
        assert any("今日のバックアップが終わりました" in m for m in told), told
        assert app.is_running
        await pilot.press("q")  # nothing running now: q quits at once
        await until(pilot, lambda: not app.is_running, workers=False)
    backups = [n for n in leftovers(sample_db) if n.endswith(".db")]
    assert len(backups) == 1 and f"{backups[0]}.head" in leftovers(sample_db)


async def test_ctrl_q_on_the_question_is_the_answer(sample_db, slow_backup):
    """Someone who presses ctrl+q twice means it."""
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.backup_running == "daily", workers=False)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), workers=False)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, workers=False)
    stopped_within(sample_db, 2.0)


async def test_the_app_ending_any_other_way_stops_the_backup_too(sample_db, slow_backup):
    """A lost SSH connection ends the app without a question: the backup stops with it
    (the process would otherwise linger a minute holding a half-made copy)."""
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.backup_running == "daily", workers=False)
        app.exit(0)
    stopped_within(sample_db, 2.0)
