"""The app's worker threads hand their database connection back after each job
(tui/executor.py, store.connection.Database.release): a pool thread lives on between jobs,
and each had kept a connection for good, with its own 1.8 MB copy of the schema (four
after the review queue at 1M cases). Visiting every screen now leaves at most two open:
the one kept for the next job and the case list's first-page thread's."""

from __future__ import annotations

import threading
import time

from inspect_tui.tui.widgets.case_table import CaseTable
from tui.conftest import make_app, settle

#: the names of the event loop's default executor's threads: ours (tui/executor.py), asyncio's
POOL_THREADS = ("worker", "asyncio")


async def test_visiting_every_screen_leaves_two_connections_at_most(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        held_by = set()
        for key in "1234567":
            await pilot.press(key)
            await settle(pilot)
            # every job's threads, while it ran at once with others: more than one is needed
            held_by |= {t.name for t in threading.enumerate() if t.name.startswith(POOL_THREADS)}
        assert len(held_by) >= 2  # jobs did run at once (else this would prove nothing)
        assert app.session.db.open_connections() <= 2
        # and the next jobs still read, on whichever thread takes the kept connection
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("f")  # 全件: a new count and first page
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        assert table.total > 0 and table.row_at(0) is not None
        assert app.session.db.open_connections() <= 2


async def test_quitting_while_a_report_is_built_stops_its_statement_quietly(sample_db, monkeypatch):
    """q on the Reports screen while the monthly report is still being built (0.8 s at 1M
    cases): the app closed the worker's connection under its running statement, and the
    process died of a segfault (exit 139) in CPython's sqlite3. Now the statement is
    interrupted, the worker lets its connection go, and nothing is logged as an error."""
    import sqlite3

    import inspect_tui.tui.screens.reports.reports as reports

    running, outcome = threading.Event(), []

    def slow_build(session, kind, period_text, width=80):
        c = session.db.conn
        running.set()
        try:  # ~10 s unless interrupted
            c.execute(
                "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 50000000)"
                " SELECT count(*) FROM n"
            ).fetchone()
        except sqlite3.Error as exc:
            outcome.append(str(exc))
            raise
        return None, "finished"

    monkeypatch.setattr(reports, "_build_report", slow_build)
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        assert running.wait(10)
    # the app has closed its database; the worker's statement was stopped, not run to its end
    for _ in range(100):
        if outcome and app.session.db.open_connections() == 0:
            break
        time.sleep(0.05)
    assert outcome == ["interrupted"]
    assert app.session.db.open_connections() == 0


async def test_a_statement_stopped_by_the_quit_is_not_logged_as_an_error(sample_db):
    """What the app's own workers (the session's, the backup's) report from a statement the
    quit interrupted is not an unexpected error: no log line, no message. Any other error
    still is."""
    import sqlite3

    from inspect_tui.system.paths import log_path

    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
    app.report_unexpected(sqlite3.OperationalError("interrupted"))
    app.report_unexpected(sqlite3.ProgrammingError("Cannot operate on a closed database."))
    assert not log_path().exists()
    app.report_unexpected(RuntimeError("a bug"))
    assert "builtins.RuntimeError" in log_path().read_text(encoding="utf-8")
