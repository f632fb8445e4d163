"""Snapshots of the main screens at 80x24 and 120x40, on the sample database
(tests/tui/sample.py: fixed rows, today pinned to 2027-06-15, user "tester"; not the demo
(seed 1) database, whose generator may still change). Regenerate with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs."""

from __future__ import annotations

import pytest

from tui.conftest import make_app, settle

SIZES = [(80, 24), (120, 40)]


def _run(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_today(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cases(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("2"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_case_detail(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("2", "enter"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_surveyors(snap_compare, sample_db, size):
    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=_run("3"))


def test_step_dialog_with_error(snap_compare, sample_db):
    async def run_before(pilot) -> None:
        await _run("2", "enter", "a")(pilot)
        pilot.app.screen.query_one("#step-date").value = "R9.1.1"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(sample_db), terminal_size=(80, 24), run_before=run_before)


def test_help(snap_compare, sample_db):
    assert snap_compare(make_app(sample_db), terminal_size=(120, 40), run_before=_run("2", "question_mark"))


def test_light_theme(snap_compare, sample_db):
    assert snap_compare(make_app(sample_db, theme="light"), terminal_size=(80, 24), run_before=_run())
