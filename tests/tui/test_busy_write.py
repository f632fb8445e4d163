"""A step recorded while another process holds the write lock: the app stays responsive,
says it is waiting, and Esc really cancels (nothing lands later). When the other writer
finishes first, the step is recorded."""

from __future__ import annotations

import sqlite3

from inspect_tui.tui.screens.cases.detail import CaseDetailScreen
from inspect_tui.tui.screens.cases.step_dialog import StepDialog
from tui.conftest import make_app, settle, until


def _events(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM case_events").fetchone()[0]


def _error_text(screen) -> str:
    return str(screen.query_one("#step-error").render())


async def _open_visit_dialog(pilot):
    await settle(pilot)
    await pilot.press("2", "slash", *"R9-01011", "enter")
    await until(pilot, lambda: pilot.app.screen.filter.text == "R9-01011")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseDetailScreen)
    await pilot.press("v")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StepDialog)
    pilot.app.screen.query_one("#step-date").value = "2027/6/14"


async def _wait_for(pilot, predicate, seconds: float = 10.0) -> None:
    """Wait for what the screen shows (the write's worker keeps running meanwhile, so this
    waits for messages, not for the workers)."""
    import time

    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the screen never showed it"
        await pilot.pause()


async def test_a_waiting_write_says_so_and_escape_cancels_it(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_visit_dialog(pilot)
        before = _events(sample_db)
        other = sqlite3.connect(sample_db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process is writing, and keeps at it
        try:
            dialog = app.screen
            await pilot.press("ctrl+s")
            await _wait_for(pilot, lambda: "待っています" in _error_text(dialog))
            assert "Esc で取り消せます" in _error_text(dialog)
            # the app is not frozen: the dialog still takes keys while the write waits
            dialog.query_one("#step-note").focus()
            await pilot.press(*"メモ")
            assert dialog.query_one("#step-note").value.endswith("メモ")
            await pilot.press("escape")
            await _wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        finally:
            other.execute("ROLLBACK")
            other.close()
        await settle(pilot)  # the cancelled write's worker has ended: nothing can land later
        assert _events(sample_db) == before
        assert app.screen.detail.fields["visited_on"] in (None, "")


async def test_a_write_that_gets_the_lock_is_recorded(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_visit_dialog(pilot)
        before = _events(sample_db)
        other = sqlite3.connect(sample_db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        dialog = app.screen
        await pilot.press("ctrl+s")
        await _wait_for(pilot, lambda: "待っています" in _error_text(dialog))
        other.execute("ROLLBACK")  # the other writer finishes
        other.close()
        await _wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await settle(pilot)
        assert _events(sample_db) == before + 1
        assert app.screen.detail.fields["visited_on"] == "2027-06-14"
