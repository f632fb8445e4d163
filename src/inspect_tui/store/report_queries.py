"""SQL aggregates behind the reports: every count is done in SQLite.

Each function runs a handful of aggregate queries over indexed date columns
(received_on, accepted_on, the *_due columns, and the step dates indexed by
migration 0003); none reads case rows into Python except the short lists of
late case numbers. Dates are ISO text, so ranges compare as strings.

The definitions match ``core.metrics`` (``deadline_outcome``, ``bill``): a
date after ``as_of`` (the "cutoff") has not happened yet.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

#: Which step ends each deadline (same as services.case_view.DONE_BY).
DONE_COLUMN = {"contact": "contacted_on", "standard": "submitted_on", "target20": "submitted_on"}
RULES = tuple(DONE_COLUMN)


def _d(day: dt.date) -> str:
    return day.isoformat()


# --------------------------------------------------------------------------- monthly counts

STEP_COUNTS = (
    ("received", "received_on"),
    ("contacted", "contacted_on"),
    ("visited", "visited_on"),
    ("submitted", "submitted_on"),
    ("cancelled", "cancelled_on"),
)


def step_counts(conn: sqlite3.Connection, start: dt.date, cutoff: dt.date) -> dict[str, int]:
    """Cases whose step date falls in [start, cutoff], per step, plus the accepted split.

    accepted = accepted_on in range and not cancelled by the cutoff; split into
    home (is_home=1) and other (is_home=0); welfare = home and welfare=1.
    """
    s, c = _d(start), _d(cutoff)
    parts = [f"(SELECT COUNT(*) FROM cases WHERE {col} BETWEEN :s AND :c) AS {name}"
             for name, col in STEP_COUNTS]
    row = conn.execute(f"SELECT {', '.join(parts)}", {"s": s, "c": c}).fetchone()
    out = {name: int(row[name]) for name, _ in STEP_COUNTS}
    acc = conn.execute(
        "SELECT COUNT(*) AS n,"
        " COALESCE(SUM(is_home = 1), 0) AS home,"
        " COALESCE(SUM(is_home = 0), 0) AS other,"
        " COALESCE(SUM(is_home = 1 AND welfare = 1), 0) AS welfare"
        " FROM cases WHERE accepted_on BETWEEN :s AND :c"
        " AND (cancelled_on IS NULL OR cancelled_on > :c)",
        {"s": s, "c": c},
    ).fetchone()
    out.update(accepted=int(acc["n"]), accepted_home=int(acc["home"]),
               accepted_other=int(acc["other"]), accepted_welfare=int(acc["welfare"]))
    return out


_OPEN_AT = (
    "received_on <= :c"
    " AND (accepted_on IS NULL OR accepted_on > :c)"
    " AND (cancelled_on IS NULL OR cancelled_on > :c)"
    " AND (returned_on IS NULL OR returned_on > :c)"
)


def backlog_at(conn: sqlite3.Connection, cutoff: dt.date) -> int:
    """Cases received by the cutoff and, at the cutoff, neither accepted, cancelled nor returned.

    Counted as the union of the cases open now (status index) and those closed
    after the cutoff (indexes on accepted_on, cancelled_on, returned_on), so a
    recent cutoff does not scan the whole history.
    """
    row = conn.execute(
        "SELECT COUNT(*) FROM cases WHERE id IN ("
        "  SELECT id FROM cases WHERE status IN ('received', 'contacted', 'visited', 'submitted')"
        "  UNION SELECT id FROM cases WHERE accepted_on > :c"
        "  UNION SELECT id FROM cases WHERE cancelled_on > :c"
        "  UNION SELECT id FROM cases WHERE returned_on > :c"
        f") AND {_OPEN_AT}",
        {"c": _d(cutoff)},
    ).fetchone()
    return int(row[0])


# --------------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class DeadlineCounts:
    due: int
    on_time: int
    late: int
    pending: int
    excluded: int
    excluded_city: int  # of excluded: by a deadline exception with cause 'city'


def _outcome_sql(rule: str) -> str:
    """A subquery with, per case whose deadline falls in [:s, :e], its due date,
    its done date as of :a (NULL if after), and whether it is left out."""
    if rule not in DONE_COLUMN:
        raise ValueError(f"知らない期限です: {rule}")
    due, done = f"{rule}_due", DONE_COLUMN[rule]
    return (
        f"SELECT c.case_no AS case_no, c.{due} AS due,"
        f" CASE WHEN c.{done} <= :a THEN c.{done} END AS done,"
        " (SELECT MAX(x.cause = 'city') FROM deadline_exceptions x"
        "   WHERE x.case_id = c.id AND x.rule = :rule AND x.kind = 'exclude') AS exc,"
        f" (c.cancelled_on <= c.{due} AND c.cancelled_on <= :a)"
        f"  OR (c.returned_on <= c.{due} AND c.returned_on <= :a) AS closed_early"
        f" FROM cases c WHERE c.{due} BETWEEN :s AND :e"
    )


def deadline_counts(
    conn: sqlite3.Connection, rule: str, start: dt.date, end: dt.date, as_of: dt.date
) -> DeadlineCounts:
    """Outcome counts for the deadlines of one rule falling in [start, end], as of as_of."""
    sql = (
        "SELECT COUNT(*) AS n,"
        " COALESCE(SUM(left_out), 0) AS excluded,"
        " COALESCE(SUM(exc = 1), 0) AS excluded_city,"
        " COALESCE(SUM(NOT left_out AND done <= due), 0) AS on_time,"
        " COALESCE(SUM(NOT left_out AND (done > due OR (done IS NULL AND due < :a))), 0) AS late,"
        " COALESCE(SUM(NOT left_out AND done IS NULL AND due >= :a), 0) AS pending"
        " FROM (SELECT *, (exc IS NOT NULL OR COALESCE(closed_early, 0)) AS left_out"
        f" FROM ({_outcome_sql(rule)}))"
    )
    row = conn.execute(sql, {"s": _d(start), "e": _d(end), "a": _d(as_of), "rule": rule}).fetchone()
    n, excluded = int(row["n"]), int(row["excluded"])
    return DeadlineCounts(
        due=n - excluded, on_time=int(row["on_time"]), late=int(row["late"]),
        pending=int(row["pending"]), excluded=excluded, excluded_city=int(row["excluded_city"]),
    )


def late_case_numbers(
    conn: sqlite3.Connection, rule: str, start: dt.date, end: dt.date, as_of: dt.date
) -> list[tuple[str, str, str | None]]:
    """(case number, due, done or None) of the late deadlines of one rule in [start, end]."""
    sql = (
        f"SELECT case_no, due, done FROM ({_outcome_sql(rule)})"
        " WHERE exc IS NULL AND NOT COALESCE(closed_early, 0)"
        " AND (done > due OR (done IS NULL AND due < :a))"
        " ORDER BY due, case_no"
    )
    rows = conn.execute(sql, {"s": _d(start), "e": _d(end), "a": _d(as_of), "rule": rule})
    return [(r["case_no"], r["due"], r["done"]) for r in rows]


# --------------------------------------------------------------------------- settings


def get_setting(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def settings_with_prefix(conn: sqlite3.Connection, prefix: str) -> dict[str, str]:
    # settings.key is the primary key, so this is an index range.
    rows = conn.execute(
        "SELECT key, value FROM settings WHERE key >= ? AND key < ?", (prefix, prefix + "\U0010ffff")
    )
    return {r[0]: r[1] for r in rows}


def set_setting(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    """Store (or with None / empty text, delete) one setting, in its own transaction."""
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        if value is None or value == "":
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
