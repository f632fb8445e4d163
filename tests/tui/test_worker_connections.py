"""The app's worker threads hand their database connection back after each job
(tui/executor.py, store.connection.Database.release): a pool thread lives on between jobs,
and each had kept a connection for good, with its own 1.8 MB copy of the schema (four
after the review queue at 1M cases). Visiting every screen now leaves at most two open:
the one kept for the next job and the case list's first-page thread's."""

from __future__ import annotations

import threading

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
