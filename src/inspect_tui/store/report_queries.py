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

    Two equivalent ways, picked by where the cutoff lies in the data so that
    neither reads the whole history: for a recent cutoff, the cases open now
    (status index) plus those closed after the cutoff (index ranges on the
    closing dates), checked against the definition; for an older cutoff,
    (received by the cutoff) − (closed by the cutoff) from index-only counts.
    """
    c = _d(cutoff)
    # two queries: SQLite reads a lone MIN() or MAX() off the index end, not both at once
    lo = conn.execute("SELECT MIN(received_on) FROM cases").fetchone()[0]
    hi = conn.execute("SELECT MAX(received_on) FROM cases").fetchone()[0]
    if lo is None or c < lo:
        return 0
    first, last = dt.date.fromisoformat(lo), dt.date.fromisoformat(hi)
    if cutoff >= last or (last - cutoff) * 2 < (last - first):
        return _backlog_recent(conn, c)
    return _backlog_old(conn, c)


def _backlog_recent(conn: sqlite3.Connection, c: str) -> int:
    row = conn.execute(
        "SELECT COUNT(*) FROM cases WHERE id IN ("
        "  SELECT id FROM cases WHERE status IN ('received', 'contacted', 'visited', 'submitted')"
        "  UNION SELECT id FROM cases WHERE accepted_on > :c"
        "  UNION SELECT id FROM cases WHERE cancelled_on > :c"
        "  UNION SELECT id FROM cases WHERE returned_on > :c"
        f") AND {_OPEN_AT}",
        {"c": c},
    ).fetchone()
    return int(row[0])


def _backlog_old(conn: sqlite3.Connection, c: str) -> int:
    # A closing date is never before the received date (core.steps.ORDER_RULES,
    # checked on import and on every step), so every case closed by the cutoff
    # was received by it; inclusion-exclusion covers a case with two closing dates.
    one = "SELECT COUNT(*) FROM cases WHERE {col} <= :c"
    row = conn.execute(
        "SELECT (" + one.format(col="received_on") + ") AS received,"
        " (" + one.format(col="accepted_on") + ") AS a,"
        " (" + one.format(col="cancelled_on") + ") AS b,"
        " (" + one.format(col="returned_on") + ") AS r",
        {"c": c},
    ).fetchone()
    both = conn.execute(
        "SELECT COALESCE(SUM(accepted_on <= :c), 0) AS ab, COALESCE(SUM(returned_on <= :c), 0) AS br,"
        " COALESCE(SUM(accepted_on <= :c AND returned_on <= :c), 0) AS abr"
        " FROM cases WHERE cancelled_on <= :c",
        {"c": c},
    ).fetchone()
    ar = conn.execute(
        "SELECT COUNT(*) FROM cases WHERE returned_on <= :c AND accepted_on <= :c", {"c": c}
    ).fetchone()[0]
    closed = row["a"] + row["b"] + row["r"] - both["ab"] - both["br"] - ar + both["abr"]
    return int(row["received"] - closed)


# --------------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class DeadlineCounts:
    due: int
    on_time: int
    late: int
    pending: int
    excluded: int
    excluded_city: int  # of excluded: by a deadline exception with cause 'city'


def _outcome_sql(rule: str, where: str, source: str = "cases c", extra: str = "") -> str:
    """Per case: its due date, its done date as of :a (NULL if later), whether it
    was cancelled or returned on or before the deadline (as of :a), and its
    outcome ignoring exceptions: 'closed', 'on_time', 'late' or 'pending'."""
    if rule not in DONE_COLUMN:
        raise ValueError(f"知らない期限です: {rule}")
    due, done = f"c.{rule}_due", f"c.{DONE_COLUMN[rule]}"
    done_as_of = f"(CASE WHEN {done} <= :a THEN {done} END)"
    return (
        f"SELECT c.id AS id, c.case_no AS case_no, {due} AS due, {done_as_of} AS done,"
        " CASE"
        f" WHEN c.cancelled_on <= {due} AND c.cancelled_on <= :a THEN 'closed'"
        f" WHEN c.returned_on <= {due} AND c.returned_on <= :a THEN 'closed'"
        f" WHEN {done_as_of} <= {due} THEN 'on_time'"
        f" WHEN {done_as_of} IS NOT NULL OR {due} < :a THEN 'late'"
        f" ELSE 'pending' END AS outcome{extra}"
        f" FROM {source} WHERE {where}"
    )


_TALLY = (
    "SELECT COUNT(*) AS n, COALESCE(SUM(outcome = 'closed'), 0) AS closed,"
    " COALESCE(SUM(outcome = 'on_time'), 0) AS on_time, COALESCE(SUM(outcome = 'late'), 0) AS late,"
    " COALESCE(SUM(outcome = 'pending'), 0) AS pending"
)


def _excluded_ids(rule: str) -> str:
    return (
        "SELECT case_id, MAX(cause = 'city') AS city FROM deadline_exceptions"
        f" WHERE rule = '{rule}' AND kind = 'exclude' GROUP BY case_id"
    )


def deadline_counts(
    conn: sqlite3.Connection, rule: str, start: dt.date, end: dt.date, as_of: dt.date
) -> DeadlineCounts:
    """Outcome counts for the deadlines of one rule falling in [start, end], as of as_of.

    Two queries: every deadline in the range (an index range on the *_due
    column), then the few with a deadline exception (driven from the small
    deadline_exceptions table), whose outcomes are taken back out.
    """
    params = {"s": _d(start), "e": _d(end), "a": _d(as_of)}
    all_ = conn.execute(
        _TALLY + f" FROM ({_outcome_sql(rule, f'c.{rule}_due BETWEEN :s AND :e')})", params
    ).fetchone()
    # CROSS JOIN keeps the order: each excluded case id, then its row by primary key
    exc = conn.execute(
        _TALLY + ", COALESCE(SUM(city), 0) AS city FROM ("
        + _outcome_sql(rule, f"c.{rule}_due BETWEEN :s AND :e",
                       source=f"({_excluded_ids(rule)}) x CROSS JOIN cases c ON c.id = x.case_id",
                       extra=", x.city AS city")
        + ")",
        params,
    ).fetchone()
    excluded = all_["closed"] + exc["n"] - exc["closed"]
    return DeadlineCounts(
        due=all_["n"] - excluded,
        on_time=all_["on_time"] - exc["on_time"],
        late=all_["late"] - exc["late"],
        pending=all_["pending"] - exc["pending"],
        excluded=excluded,
        excluded_city=int(exc["city"]),
    )


def late_case_numbers(
    conn: sqlite3.Connection, rule: str, start: dt.date, end: dt.date, as_of: dt.date
) -> list[tuple[str, str, str | None]]:
    """(case number, due, done or None) of the late deadlines of one rule in [start, end]."""
    sql = (
        f"SELECT case_no, due, done FROM ({_outcome_sql(rule, f'c.{rule}_due BETWEEN :s AND :e')})"
        f" WHERE outcome = 'late' AND id NOT IN (SELECT case_id FROM ({_excluded_ids(rule)}))"
        " ORDER BY due, case_no"
    )
    rows = conn.execute(sql, {"s": _d(start), "e": _d(end), "a": _d(as_of)})
    return [(r["case_no"], r["due"], r["done"]) for r in rows]


def excluded_case_numbers(
    conn: sqlite3.Connection, rule: str, start: dt.date, end: dt.date, cause: str | None = "city"
) -> list[str]:
    """Case numbers whose deadline of one rule in [start, end] was excluded (by cause)."""
    sql = (
        f"SELECT DISTINCT c.case_no FROM deadline_exceptions x JOIN cases c ON c.id = x.case_id"
        f" WHERE x.rule = :rule AND x.kind = 'exclude' AND c.{rule}_due BETWEEN :s AND :e"
        + (" AND x.cause = :cause" if cause else "") + " ORDER BY c.case_no"
    )
    if rule not in DONE_COLUMN:
        raise ValueError(f"知らない期限です: {rule}")
    rows = conn.execute(sql, {"rule": rule, "s": _d(start), "e": _d(end), "cause": cause})
    return [r[0] for r in rows]


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


# --------------------------------------------------------------------------- by month (SLA, KPI)


def deadline_components_by_month(
    conn: sqlite3.Connection, rule: str, start: dt.date, end: dt.date, as_of: dt.date
) -> dict[str, dict[str, int]]:
    """{YYYY-MM of the deadline: {due, on_time, late, pending, excluded, excluded_city}} in two queries."""
    params = {"s": _d(start), "e": _d(end), "a": _d(as_of)}
    where = f"c.{rule}_due BETWEEN :s AND :e"
    all_rows = conn.execute(
        _TALLY + ", substr(due, 1, 7) AS m FROM (" + _outcome_sql(rule, where) + ") GROUP BY m", params
    ).fetchall()
    exc_rows = conn.execute(
        _TALLY + ", COALESCE(SUM(city), 0) AS city, substr(due, 1, 7) AS m FROM ("
        + _outcome_sql(rule, where,
                       source=f"({_excluded_ids(rule)}) x CROSS JOIN cases c ON c.id = x.case_id",
                       extra=", x.city AS city")
        + ") GROUP BY m",
        params,
    ).fetchall()
    exc = {r["m"]: r for r in exc_rows}
    out: dict[str, dict[str, int]] = {}
    for r in all_rows:
        x = exc.get(r["m"])
        xn, xc, xo, xl, xp, city = (
            (x["n"], x["closed"], x["on_time"], x["late"], x["pending"], x["city"]) if x else (0,) * 6
        )
        excluded = r["closed"] + xn - xc
        out[r["m"]] = {
            "due": r["n"] - excluded, "on_time": r["on_time"] - xo, "late": r["late"] - xl,
            "pending": r["pending"] - xp, "excluded": excluded, "excluded_city": int(city),
        }
    return out


def step_counts_by_month(
    conn: sqlite3.Connection, column: str, start: dt.date, cutoff: dt.date, where: str = ""
) -> dict[str, int]:
    """{YYYY-MM: cases whose <column> date is in that month, within [start, cutoff]}."""
    allowed = {"received_on", "contacted_on", "visited_on", "submitted_on", "accepted_on",
               "cancelled_on", "returned_on"}
    if column not in allowed:
        raise ValueError(f"知らない列です: {column}")
    rows = conn.execute(
        f"SELECT substr({column}, 1, 7) AS m, COUNT(*) AS n FROM cases"
        f" WHERE {column} BETWEEN :s AND :c {where} GROUP BY m",
        {"s": _d(start), "c": _d(cutoff)},
    )
    return {r["m"]: int(r["n"]) for r in rows}
