"""A write from a main screen (not a dialog) while another process holds the write lock:
the screen says 待っています on top, stays responsive, and Esc cancels the write
before it lands (tui/calls.py WaitingDialog)."""

from __future__ import annotations

import sqlite3

import pytest

from inspect_tui.tui.calls import WaitingDialog
from inspect_tui.tui.screens.review.check import CheckScreen
from tui.conftest import make_app, open_review, settle, until


@pytest.fixture
def review_db(tmp_path):
    from builders import build_review_db as build

    return build(tmp_path / "review" / "cases.db")


def _outcome(db, point: str):
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT outcome FROM review_points WHERE point = ?", (point,)).fetchone()
    return None if row is None else row[0]


async def test_a_check_point_waiting_for_the_lock_says_so_and_escape_cancels_it(review_db):
    app = make_app(review_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot)
        await pilot.press("enter")
        await settle(pilot)
        check = app.screen
        assert isinstance(check, CheckScreen)
        before = _outcome(review_db, "typo")
        other = sqlite3.connect(review_db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process is writing, and keeps at it
        try:
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, WaitingDialog), workers=False)
            assert "待っています" in str(app.screen.query_one("#waiting-text").render())
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is check, workers=False)
        finally:
            other.execute("ROLLBACK")
            other.close()
        await settle(pilot)
        assert any("取り消しました" in n.message for n in app._notifications)
        assert check.ctx.check.outcomes.get("typo") is None  # the screen shows nothing recorded
    assert _outcome(review_db, "typo") == before  # and nothing landed later
