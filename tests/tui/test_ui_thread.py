"""No SQL on the UI thread (issue 12): every screen reaches the database from a thread
worker (tui/calls.py, or a screen's own ``@work(thread=True)``). Here any connection
used, or opened, on the main thread while the app runs fails the test: every main
screen is opened and a write is done on each that writes."""

from __future__ import annotations

import sqlite3
import threading
import traceback

import pytest
from textual.widgets import Input

from inspect_tui.store import connection
from inspect_tui.tui.screens.reports.reports import ReportsScreen
from tui.conftest import make_app, open_quality, open_review, settle


class UIThreadSQL:
    """While ``on``: the main thread may not touch a database connection."""

    def __init__(self, monkeypatch) -> None:
        self.on = False
        self.seen: list[str] = []
        real_conn = connection.Database.conn
        real_connect = connection.connect

        def guard(what: str) -> None:
            if self.on and threading.current_thread() is threading.main_thread():
                where = "".join(traceback.format_stack(limit=10)[:-2])
                self.seen.append(f"{what} on the UI thread:\n{where}")
                raise sqlite3.ProgrammingError(f"{what} on the UI thread")

        def conn(db):
            guard("Database.conn")
            return real_conn.fget(db)

        def connect(*args, **kwargs):
            guard("connect")
            return real_connect(*args, **kwargs)

        monkeypatch.setattr(connection.Database, "conn", property(conn))
        monkeypatch.setattr(connection, "connect", connect)

    def check(self) -> None:
        assert not self.seen, "\n\n".join(self.seen[:3])


@pytest.fixture
def review_db(tmp_path):
    """The review fixture and one fresh case (R9-09999, not contacted yet) to record a step on."""
    import datetime as dt

    from builders import build_review_db as build
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session
    from inspect_tui.store.cases import case_row, insert_cases

    path = build(tmp_path / "review" / "cases.db")
    s = open_session(path, Config())
    fields = {
        "case_no": "R9-09999",
        "application": "新規",
        "ward": "長田区",
        "received_on": dt.date(2027, 6, 10),
        "dispatched_on": dt.date(2027, 6, 10),
        "surveyor": "S020",
    }
    with s.db.conn:
        insert_cases(s.db, [case_row(fields, s.calendar, "2027-06-10T09:00:00+09:00")])
    s.close()
    return path


@pytest.fixture
def ui_thread(monkeypatch):
    return UIThreadSQL(monkeypatch)


def _as(app, login: str, guard: UIThreadSQL) -> None:
    """Work as another login (the test's own reading of the role is not the app's)."""
    from tui.conftest import switch_login

    guard.on = False
    try:
        switch_login(app, login)
    finally:
        guard.on = True


async def _walk_every_screen(app, ui_thread) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session is not None
        # 1 Today, 2 cases, a case and a step recorded (a write), 3 surveyors
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2", "slash", *"R9-09999", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")  # 日程調整連絡
        await settle(pilot)
        await pilot.press("tab", *"電話", "ctrl+s")
        await settle(pilot)
        said = " ".join(n.message for n in app._notifications)
        assert "記録しました" in said, (said, str(app.screen.query("#step-error").first().render()))
        await pilot.press("escape", "3")
        await settle(pilot)
        # 4 the review queue (it numbers forms: a write), a check with a point OK (a write),
        # the surveyor review with the verdict changed (a write)
        await open_review(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o", "tab", "tab", *"指導")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert "判定" in " ".join(n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        # 6 quality: a new complaint saved
        await open_quality(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#f-handled_by", Input).value = "主任"
        await pilot.press("ctrl+s")  # refused (fields missing): checked in a worker
        await settle(pilot)
        assert "保存していません" in str(form.query_one("#form-errors").render())
        await pilot.press("escape", "right", "enter")  # discard what was typed: yes
        await settle(pilot)
        # 5 reports, the monthly notes saved (a write, as a manager), audit, help
        _as(app, "boss", ui_thread)
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"問題", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)  # the notes dialog closed: saved
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)


async def test_no_screen_touches_the_database_on_the_ui_thread(review_db, ui_thread):
    app = make_app(review_db)
    ui_thread.on = True
    try:
        await _walk_every_screen(app, ui_thread)
    finally:
        ui_thread.on = False
        ui_thread.check()  # the statements run on the UI thread, with where they came from

    from builders import session_as
    from inspect_tui.core.metrics import parse_month
    from inspect_tui.services.reports.monthly import get_monthly_note

    s = session_as(review_db, "boss")
    assert get_monthly_note(s, parse_month("2027-05"), "problems") == "問題"
    # the contact step typed on the case screen (the others are the fixture's cases' own dates)
    notes = [e["note"] for e in s.db.conn.execute("SELECT note FROM case_events WHERE kind = 'contact'")]
    assert notes.count("電話") == 1
    s.close()
