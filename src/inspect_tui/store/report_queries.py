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

from inspect_tui.core.case_columns import DATE_FIELDS
from inspect_tui.core.deadlines import case_rule
from inspect_tui.core.district import APPLICATION_KINDS
from inspect_tui.core.records import record
from inspect_tui.store.audit import record_audit
from inspect_tui.store.connection import Database
from inspect_tui.store.tx import write


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
    parts = [
        f"(SELECT COUNT(*) FROM cases WHERE {col} BETWEEN :s AND :c) AS {name}" for name, col in STEP_COUNTS
    ]
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
    out.update(
        accepted=int(acc["n"]),
        accepted_home=int(acc["home"]),
        accepted_other=int(acc["other"]),
        accepted_welfare=int(acc["welfare"]),
    )
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


@record(frozen=True)
class DeadlineCounts:
    due: int
    on_time: int
    late: int
    pending: int
    excluded: int
    excluded_city: int  # of excluded: by a deadline exception with cause 'city'


CLOSED, ON_TIME, LATE, PENDING = 0, 1, 2, 3


def _outcome_sql(rule: str, where: str, source: str = "cases c", extra: str = "") -> str:
    """Per case: its due date, its done date as of :a (NULL if later) and its outcome
    ignoring deadline exceptions, as a small integer: CLOSED (cancelled or returned on
    or before the deadline, as of :a), ON_TIME, LATE or PENDING."""
    deadline = case_rule(rule)  # the column names come from the rule (ValueError if there is none)
    due, done = f"c.{deadline.due_column}", f"c.{deadline.ends_by}"
    return (
        f"SELECT c.id AS id, c.case_no AS case_no, {due} AS due,"
        f" CASE WHEN {done} <= :a THEN {done} END AS done,"
        " CASE"
        f" WHEN c.cancelled_on <= {due} AND c.cancelled_on <= :a THEN {CLOSED}"
        f" WHEN c.returned_on <= {due} AND c.returned_on <= :a THEN {CLOSED}"
        f" WHEN {done} <= {due} AND {done} <= :a THEN {ON_TIME}"
        f" WHEN {done} <= :a OR {due} < :a THEN {LATE}"
        f" ELSE {PENDING} END AS outcome{extra}"
        f" FROM {source} WHERE {where}"
    )


_NAMES = {CLOSED: "closed", ON_TIME: "on_time", LATE: "late", PENDING: "pending"}


def _tally(conn: sqlite3.Connection, inner: str, params: dict, by_month: bool) -> dict[str, dict[str, int]]:
    """{month or "": {n, closed, on_time, late, pending, city}} from an _outcome_sql subquery.

    One row per deadline date, each outcome counted in it (``SUM(outcome = k)``), the
    months summed here: GROUP BY the *_due column walks its index in order, where grouping
    by the month and the outcome made SQLite sort every row in a temporary b-tree (up to
    the page cache's size in memory, 8 MB more at the peak for the 12-month trend at 1M
    cases; 0.21 -> 0.17 s for a year of 144,000 deadlines). Without months, one row.
    """
    kinds = ", ".join(f"SUM(outcome = {k}) AS k{k}" for k in _NAMES)
    due, group = ("due", " GROUP BY due") if by_month else ("NULL", "")
    rows = conn.execute(
        f"SELECT {due} AS due, COUNT(*) AS n, COALESCE(SUM(city), 0) AS city, {kinds} FROM ({inner}){group}",
        params,
    )
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        if not r["n"]:
            continue  # an aggregate without GROUP BY answers one row even for no cases
        t = out.setdefault(
            r["due"][:7] if by_month else "",
            {"n": 0, "closed": 0, "on_time": 0, "late": 0, "pending": 0, "city": 0},
        )
        for k, name in _NAMES.items():
            t[name] += r[f"k{k}"]
        t["n"] += r["n"]
        t["city"] += r["city"]
    return out


_ZERO = {"n": 0, "closed": 0, "on_time": 0, "late": 0, "pending": 0, "city": 0}


def _excluded_ids(rule: str) -> str:
    return (
        "SELECT case_id, MAX(cause = 'city') AS city FROM deadline_exceptions"
        f" WHERE rule = '{case_rule(rule).id}' AND kind = 'exclude' GROUP BY case_id"
    )


def _components(
    conn: sqlite3.Connection, rule: str, start: dt.date, end: dt.date, as_of: dt.date, by_month: bool
) -> dict[str, dict[str, int]]:
    """Two grouped queries: every deadline in the range (an index range on the *_due
    column), then the few with a deadline exception (driven from the small
    deadline_exceptions table), whose outcomes are taken back out."""
    params = {"s": _d(start), "e": _d(end), "a": _d(as_of)}
    where = f"c.{case_rule(rule).due_column} BETWEEN :s AND :e"
    all_ = _tally(conn, _outcome_sql(rule, where, extra=", 0 AS city"), params, by_month)
    # CROSS JOIN keeps the order: each excluded case id, then its row by primary key
    exc = _tally(
        conn,
        _outcome_sql(
            rule,
            where,
            source=f"({_excluded_ids(rule)}) x CROSS JOIN cases c ON c.id = x.case_id",
            extra=", x.city AS city",
        ),
        params,
        by_month,
    )
    out: dict[str, dict[str, int]] = {}
    for m, a in all_.items():
        x = exc.get(m, _ZERO)
        excluded = a["closed"] + x["n"] - x["closed"]
        out[m] = {
            "due": a["n"] - excluded,
            "on_time": a["on_time"] - x["on_time"],
            "late": a["late"] - x["late"],
            "pending": a["pending"] - x["pending"],
            "excluded": excluded,
            "excluded_city": x["city"],
        }
    return out


def deadline_counts(
    conn: sqlite3.Connection, rule: str, start: dt.date, end: dt.date, as_of: dt.date
) -> DeadlineCounts:
    """Outcome counts for the deadlines of one rule falling in [start, end], as of as_of."""
    c = _components(conn, rule, start, end, as_of, by_month=False).get("")
    if c is None:
        return DeadlineCounts(0, 0, 0, 0, 0, 0)
    return DeadlineCounts(**c)


def late_case_numbers(
    conn: sqlite3.Connection, rule: str, start: dt.date, end: dt.date, as_of: dt.date
) -> list[tuple[str, str, str | None]]:
    """(case number, due, done or None) of the late deadlines of one rule in [start, end]."""
    in_range = f"c.{case_rule(rule).due_column} BETWEEN :s AND :e"
    sql = (
        f"SELECT case_no, due, done FROM ({_outcome_sql(rule, in_range)})"
        f" WHERE outcome = {LATE} AND id NOT IN (SELECT case_id FROM ({_excluded_ids(rule)}))"
        " ORDER BY due, case_no"
    )
    rows = conn.execute(sql, {"s": _d(start), "e": _d(end), "a": _d(as_of)})
    return [(r["case_no"], r["due"], r["done"]) for r in rows]


def excluded_case_numbers(
    conn: sqlite3.Connection, rule: str, start: dt.date, end: dt.date, cause: str | None = "city"
) -> list[str]:
    """Case numbers whose deadline of one rule in [start, end] was excluded (by cause)."""
    due = case_rule(rule).due_column  # ValueError for a rule that is not one
    sql = (
        f"SELECT DISTINCT c.case_no FROM deadline_exceptions x JOIN cases c ON c.id = x.case_id"
        f" WHERE x.rule = :rule AND x.kind = 'exclude' AND c.{due} BETWEEN :s AND :e"
        + (" AND x.cause = :cause" if cause else "")
        + " ORDER BY c.case_no"
    )
    rows = conn.execute(sql, {"rule": rule, "s": _d(start), "e": _d(end), "cause": cause})
    return [r[0] for r in rows]


# --------------------------------------------------------------------------- settings


def get_setting(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_setting(db: Database, key: str, value: str | None, who: str) -> None:
    """Store (or with None / empty text, delete) one setting, with its audit row, in one transaction."""

    conn = db.conn
    with write(db):
        old = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        old_value = old[0] if old else None
        if (value or None) == old_value:
            return
        record_audit(db, who, "update", "setting", key, {"value": old_value}, {"value": value or None})
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
    """{YYYY-MM of the deadline: {due, on_time, late, pending, excluded, excluded_city}}."""
    return _components(conn, rule, start, end, as_of, by_month=True)


def step_counts_by_month(
    conn: sqlite3.Connection, column: str, start: dt.date, cutoff: dt.date, where: str = ""
) -> dict[str, int]:
    """{YYYY-MM: cases whose <column> date is in that month, within [start, cutoff]}."""
    if column not in DATE_FIELDS:  # a column name goes into the SQL: only the case's dates
        raise ValueError(f"知らない列です: {column}")
    # by day, in the column's index order (no sort), the months summed here: see _tally
    rows = conn.execute(
        f"SELECT {column} AS d, COUNT(*) AS n FROM cases"
        f" WHERE {column} BETWEEN :s AND :c {where} GROUP BY {column}",
        {"s": _d(start), "c": _d(cutoff)},
    )
    out: dict[str, int] = {}
    for r in rows:
        m = r["d"][:7]
        out[m] = out.get(m, 0) + int(r["n"])
    return out


#: Records other features keep, counted by the month of a date/time column:
#: table -> (date column, extra condition per metric is passed in by the caller).
DATED_TABLES = {
    "complaints": "received_at",
    "incidents": "occurred_at",
    "review_checks": "checked_on",
}


def _unless_absent(conn: sqlite3.Connection, sql: str, params: dict) -> list[sqlite3.Row] | None:
    """The rows of a query on another feature's tables; None when this database has no such
    table or column (the feature that keeps them is not there)."""
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc) or "no such column" in str(exc):
            return None
        raise


def dated_counts_by_month(
    conn: sqlite3.Connection,
    table: str,
    start: dt.date,
    cutoff: dt.date,
    where: str = "",
    city_column: str | None = "city_caused",
) -> dict[str, dict[str, int]] | None:
    """{YYYY-MM: {n, excluded, excluded_city}} of rows dated in [start, cutoff]; rows the
    city caused are left out of n and counted as excluded. None when the table does
    not exist in this database (the feature that keeps it is not there)."""
    column = DATED_TABLES[table]
    city = f"COALESCE(SUM({city_column} = 1), 0)" if city_column else "0"
    rows = _unless_absent(
        conn,
        f"SELECT substr({column}, 1, 7) AS m, COUNT(*) AS total, {city} AS city FROM {table}"
        f" WHERE {column} >= :s AND {column} < :next {where} GROUP BY m",
        {"s": _d(start), "next": _d(cutoff + dt.timedelta(days=1))},
    )
    if rows is None:
        return None
    return {
        r["m"]: {"n": r["total"] - r["city"], "excluded": r["city"], "excluded_city": r["city"]} for r in rows
    }


def first_ten_checks(
    conn: sqlite3.Connection, start: dt.date, cutoff: dt.date
) -> list[tuple[str, int, str]] | None:
    """(surveyor code, form number 1-10, checked on) of the focused first-ten checks
    finished in [start, cutoff]; None when the review tables are absent."""
    rows = _unless_absent(
        conn,
        "SELECT rc.surveyor AS surveyor, rf.form_no AS form_no, substr(rc.checked_on, 1, 10) AS day"
        " FROM review_checks rc JOIN review_forms rf ON rf.case_id = rc.case_id"
        " WHERE rc.kind = 'focused' AND rc.state = 'done' AND rc.blind_of IS NULL"
        " AND rc.checked_on >= :s AND rc.checked_on < :next"
        " ORDER BY rc.surveyor, rf.form_no",
        {"s": _d(start), "next": _d(cutoff + dt.timedelta(days=1))},
    )
    if rows is None:
        return None
    return [(r["surveyor"], int(r["form_no"]), r["day"]) for r in rows]


APPLICATIONS = APPLICATION_KINDS


def by_ward(conn: sqlite3.Connection, start: dt.date, cutoff: dt.date) -> dict[str, dict[str, int]]:
    """{ward: {received, 新規, 区分変更, 更新 (accepted by kind of application), accepted}}
    for [start, cutoff]."""
    params = {"s": _d(start), "c": _d(cutoff)}
    out: dict[str, dict[str, int]] = {}

    def row(ward: str) -> dict[str, int]:
        return out.setdefault(ward, {"received": 0, **dict.fromkeys(APPLICATIONS, 0), "accepted": 0})

    for r in conn.execute(
        "SELECT ward, COUNT(*) AS n FROM cases WHERE received_on BETWEEN :s AND :c GROUP BY ward", params
    ):
        row(r["ward"])["received"] = int(r["n"])
    for r in conn.execute(
        "SELECT ward, application, COUNT(*) AS n FROM cases WHERE accepted_on BETWEEN :s AND :c"
        " AND (cancelled_on IS NULL OR cancelled_on > :c) GROUP BY ward, application",
        params,
    ):
        t = row(r["ward"])
        t[r["application"]] = t.get(r["application"], 0) + int(r["n"])
        t["accepted"] += int(r["n"])
    return dict(sorted(out.items()))
