"""The period's submissions by how they left inspection, for the reports and the Today
screen's figures: counted by month, and the ones let through without an inspection or with
no record in the app, listed.

Plain SQL over ``submission_checks`` (migration 0010) and ``cases``. A module apart from
store/inspections.py, whose inspection rows need core/inspection.py and its check terms
(~2 ms of imports a report or the start-up's figures never use).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from inspect_tui.core.records import record


def _span(start: dt.date, cutoff: dt.date) -> dict[str, str]:
    return {"s": start.isoformat(), "c": cutoff.isoformat()}


#: A recorded submission (sc) of the date its case (c) now has as its submission date.
_MATCH = "sc.case_id = c.id AND sc.submitted_on = c.submitted_on"


def submission_counts_by_month(
    conn: sqlite3.Connection, start: dt.date, cutoff: dt.date
) -> dict[str, dict[str, int]]:
    """{YYYY-MM: {inspected, unchecked, imported}} for submissions dated in [start, cutoff].

    inspected / unchecked: submissions and resubmissions recorded in the app, by how they
    were let through; imported: cases whose submission date is in the month with no
    such record (it came with the city's list, or before this feature).

    Counted by day in SQL, each day's rows in the order of its date index (submission_checks_on,
    cases_submitted), and by month here: grouping by the month made SQLite sort every row of
    the range (as in store/report_queries.py). The imported ones are the cases of the date
    index with no record of that date, each looked up in the index by case and date
    (migration 25). Before, all the cases submitted less those with a record, each record
    reading its case's row in the table: at 1M cases 18 -> 4 ms for a month, 168 -> 41 ms
    from April to November (bench/results.md).
    """
    out: dict[str, dict[str, int]] = {}
    for day, basis, n in conn.execute(
        "SELECT submitted_on, basis, COUNT(*) FROM submission_checks"
        " WHERE submitted_on BETWEEN :s AND :c GROUP BY submitted_on, basis"
        " UNION ALL"
        " SELECT c.submitted_on, 'imported', COUNT(*) FROM cases c"
        " WHERE c.submitted_on BETWEEN :s AND :c"
        f" AND NOT EXISTS (SELECT 1 FROM submission_checks sc WHERE {_MATCH})"
        " GROUP BY c.submitted_on",
        _span(start, cutoff),
    ):
        counts = out.setdefault(day[:7], {"inspected": 0, "unchecked": 0, "imported": 0})
        counts[basis] += n
    return dict(sorted(out.items()))


@record(frozen=True)
class ListedSubmission:
    case_no: str
    submitted_on: str
    who: str = ""  # who recorded it (an override); empty for an imported date
    reason: str = ""


def listed_submissions(
    conn: sqlite3.Connection, start: dt.date, cutoff: dt.date, *, imported: bool, limit: int
) -> list[ListedSubmission]:
    """The period's first ``limit`` submissions let through without an inspection (a
    manager's override), or, with ``imported``, with no record in the app; by date and
    case number."""
    sql = (
        "SELECT c.case_no, c.submitted_on, '', '' FROM cases c WHERE c.submitted_on BETWEEN :s AND :c"
        f" AND NOT EXISTS (SELECT 1 FROM submission_checks sc WHERE {_MATCH})"
        if imported
        else "SELECT c.case_no, sc.submitted_on, sc.who, sc.reason FROM submission_checks sc"
        " JOIN cases c ON c.id = sc.case_id"
        " WHERE sc.basis = 'unchecked' AND sc.submitted_on BETWEEN :s AND :c"
    )
    rows = conn.execute(sql + " ORDER BY 2, 1 LIMIT :n", {**_span(start, cutoff), "n": limit})
    return [ListedSubmission(*r) for r in rows]
