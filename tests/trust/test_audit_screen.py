"""The audit screen: rows newest first, filters, refusal for non-managers, verify."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, Static

from inspect_tui.store.audit import record_audit
from inspect_tui.tui.screens.trust.audit import AuditScreen, parse_filter


class Host(App):
    def __init__(self, session) -> None:
        super().__init__()
        self.session = session

    def on_mount(self) -> None:
        self.push_screen(AuditScreen())


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _rows(session, n=5):
    for i in range(n):
        record_audit(
            session.db, "alice" if i % 2 else "bob", "update", "setting", f"k{i}", {"v": i}, {"v": i + 1}
        )


async def test_rows_show_newest_first_and_filter(session):
    _rows(session)
    app = Host(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 6  # the five and, first, the owner registered as manager
        newest = session.db.conn.execute("SELECT max(id) FROM audit_log WHERE action NOT LIKE 'row.%'")
        assert table.get_row_at(0)[0] == str(newest.fetchone()[0])
        await pilot.press("slash")
        app.screen.query_one(Input).value = "who=alice"
        await pilot.press("enter")
        await _settle(pilot)
        assert table.row_count == 2
        await pilot.press("v")
        await _settle(pilot)
        assert "問題なし" in str(app.screen.query_one("#audit-title", Static).render())


async def test_a_monitor_is_refused(session, as_user):
    _rows(session)
    as_user("mona", "monitor")
    app = Host(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 0
        assert "権限がありません" in str(app.screen.query_one("#audit-status", Static).render())


def test_parse_filter():
    assert parse_filter("who=alice since=R9.6.1") == {"who": "alice", "since": "2027-06-01"}
    with pytest.raises(ValueError):
        parse_filter("name=山田")
