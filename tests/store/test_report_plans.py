"""The reports' month-by-month counts group by the date column itself, walked in its index's
order, and sum the months in Python: grouping by the month (or by the outcome) made SQLite
sort every row of the range in a temporary b-tree, up to the page cache's size in memory
(8 MB more at the peak of the monthly report's 12-month trend at 1M cases). The submissions
by how they left inspection (store/submission_counts.py) likewise. The counts are
the same (the reports' tests hold them to hand-computed figures)."""

from __future__ import annotations

import datetime as dt

from builders import add_case
from inspect_tui.core.deadlines import case_rules
from inspect_tui.store import report_queries as q
from inspect_tui.store.submission_counts import submission_counts_by_month


def _plans(conn, call) -> dict[str, str]:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    plans = {}
    for sql in seen:
        if sql.lstrip().upper().startswith("SELECT") and "FROM cases" in sql:
            rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
            plans[sql] = " | ".join(str(r[-1]) for r in rows)
    return plans


def test_the_month_by_month_counts_sort_nothing(session):
    for i in range(3):
        add_case(session, f"C-{i:04d}")
    conn = session.db.conn
    start, end = dt.date(2027, 4, 1), dt.date(2028, 3, 31)

    def every_count() -> None:
        for rule in case_rules():
            q.deadline_components_by_month(conn, rule.id, start, end, end)
            q.deadline_counts(conn, rule.id, start, end, end)
        q.step_counts_by_month(conn, "received_on", start, end)
        q.step_counts_by_month(conn, "submitted_on", start, end)
        submission_counts_by_month(conn, start, end)

    plans = _plans(conn, every_count)
    # the scans of the date range (not the few cases with a deadline exception, read by id)
    ranges = {sql: plan for sql, plan in plans.items() if "deadline_exceptions" not in sql}
    assert len(ranges) >= 5, plans
    assert any("submission_checks" in sql for sql in ranges), plans
    sorted_ = {sql[:90]: plan for sql, plan in ranges.items() if "TEMP B-TREE" in plan}
    assert not sorted_, sorted_


def test_the_submission_counts_read_indexes_only(session):
    """The imported submissions are the cases with no record of their date: each case is looked
    up in submission_checks_case (case, date) without reading a record's row (migration 25;
    on the index by case alone, 8,000 row reads a month at 1M cases)."""
    add_case(session, "C-0001")
    conn = session.db.conn
    plans = _plans(conn, lambda: submission_counts_by_month(conn, dt.date(2027, 4, 1), dt.date(2028, 3, 31)))
    (plan,) = plans.values()
    searches = [p.strip() for p in plan.split("|") if p.strip().startswith("SEARCH")]
    assert len(searches) == 3, plan
    assert all("COVERING INDEX" in p for p in searches), plan
    assert any("submission_checks_case (case_id=? AND submitted_on=?)" in p for p in searches), plan
