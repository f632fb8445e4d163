"""Months closed for billing (seed 001 §14): the close, the billable counts of a month,
the report frozen with it, and the later events that touch a closed month
(前月以前分の訂正). Split from store.report_queries, which keeps the reports' aggregates.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

from inspect_tui.core.records import record
from inspect_tui.store.audit import record_audit
from inspect_tui.store.connection import Database
from inspect_tui.store.tx import write


def _d(day: dt.date) -> str:
    return day.isoformat()


_BILLABLE = (
    "accepted_on BETWEEN :s AND :c AND (cancelled_on IS NULL OR cancelled_on > :c)"
    " AND id NOT IN (SELECT case_id FROM billed_cases WHERE month != :m)"
)


_BILL_INSERT = (
    "INSERT INTO billed_cases (case_id, month, is_home) SELECT id, :m, is_home FROM cases WHERE " + _BILLABLE
)


def billing_closed_at(conn: sqlite3.Connection, month_key: str) -> str | None:
    row = conn.execute("SELECT closed_at FROM billing_months WHERE month = ?", (month_key,)).fetchone()
    return row[0] if row else None


def billable_counts(
    conn: sqlite3.Connection, month_key: str, start: dt.date, cutoff: dt.date
) -> dict[str, int]:
    """{home, other, repaid}: the forms to bill for a month (seed 001 §14).

    A closed month bills exactly the cases frozen when it was closed. An open month
    bills the forms accepted in it (not cancelled) that no closed month has paid for;
    ``repaid`` counts the accepted ones left out because an earlier month paid them
    (a form accepted again after a re-survey is not paid again).
    """
    if billing_closed_at(conn, month_key):
        row = conn.execute(
            "SELECT COALESCE(SUM(is_home = 1), 0), COALESCE(SUM(is_home = 0), 0)"
            " FROM billed_cases WHERE month = ?",
            (month_key,),
        ).fetchone()
        return {"home": int(row[0]), "other": int(row[1]), "repaid": 0}
    params = {"s": _d(start), "c": _d(cutoff), "m": month_key}
    row = conn.execute(
        f"SELECT COALESCE(SUM(is_home = 1), 0), COALESCE(SUM(is_home = 0), 0) FROM cases WHERE {_BILLABLE}",
        params,
    ).fetchone()
    repaid = conn.execute(
        "SELECT COUNT(*) FROM cases WHERE accepted_on BETWEEN :s AND :c"
        " AND (cancelled_on IS NULL OR cancelled_on > :c)"
        " AND id IN (SELECT case_id FROM billed_cases WHERE month != :m)",
        params,
    ).fetchone()[0]
    return {"home": int(row[0]), "other": int(row[1]), "repaid": int(repaid)}


def close_billing_month(
    db: Database,
    month_key: str,
    start: dt.date,
    end: dt.date,
    who: str,
    now: str,
    snapshot: Callable[[], str] | None = None,
    previous_key: str | None = None,
) -> int:
    """Freeze a month's billing: record the cases it pays for and, when ``snapshot`` is
    given, the month's report as built inside the same transaction (after the freeze,
    so it shows the month closed). Months close in order: once one month is closed,
    ``previous_key`` must be closed before this one. Returns how many cases it pays for."""

    conn = db.conn
    params = {"s": _d(start), "c": _d(end), "m": month_key}
    with write(db):
        if billing_closed_at(conn, month_key):
            raise ValueError(f"{month_key} はもう締めてあります")
        latest = conn.execute("SELECT MAX(month) FROM billing_months").fetchone()[0]
        if latest is not None and previous_key is not None and not billing_closed_at(conn, previous_key):
            raise ValueError(
                f"{previous_key} がまだ締めてありません（月は順に締めます。最後に締めた月: {latest}）"
            )
        conn.execute(
            "INSERT INTO billing_months (month, closed_at, who) VALUES (?, ?, ?)", (month_key, now, who)
        )
        cur = conn.execute(
            _BILL_INSERT,
            params,
        )
        n = cur.rowcount
        if snapshot is not None:
            from hashlib import sha256  # deferred: only a month's close hashes its snapshot

            text = snapshot()
            digest = sha256(text.encode("utf-8")).hexdigest()
            conn.execute(
                "INSERT INTO month_snapshots (month, closed_at, who, json, sha256, last_event)"
                " VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM case_events))",
                (month_key, now, who, text, digest),
            )
        record_audit(db, who, "close", "billing_month", month_key, None, {"cases": n})
    return n


@record(frozen=True)
class MonthSnapshot:
    month: str
    closed_at: str
    who: str
    json: str
    sha256: str


def month_snapshot(conn: sqlite3.Connection, month_key: str) -> tuple[str | None, MonthSnapshot | None]:
    """(closed_at, the report frozen when the month was closed), in one query: (None, None)
    for an open month; (closed_at, None) for a month closed before snapshots were kept."""
    row = conn.execute(
        "SELECT bm.closed_at, ms.month, ms.closed_at, ms.who, ms.json, ms.sha256"
        " FROM billing_months bm LEFT JOIN month_snapshots ms ON ms.month = bm.month WHERE bm.month = ?",
        (month_key,),
    ).fetchone()
    if row is None:
        return None, None
    return row[0], (MonthSnapshot(*row[1:]) if row[1] is not None else None)


def closed_months(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """[(month, closed_at)] of every closed month, oldest first."""
    return [(r[0], r[1]) for r in conn.execute("SELECT month, closed_at FROM billing_months ORDER BY month")]


# --------------------------------------------------------------------------- corrections of closed months


@record(frozen=True)
class LateEvent:
    """An event recorded after a month was closed that touches a closed month."""

    case_no: str
    event_id: int
    kind: str
    on_date: str
    recorded_at: str
    closed_month: str  # the closed month it belongs to


def earlier_corrections(conn: sqlite3.Connection, month_key: str) -> list[LateEvent]:
    """前月以前分の訂正 for an open month whose previous month is closed: the events
    recorded after that close whose business date falls in a closed month, or that change
    a case a closed month paid for (the closed month: the event's own month if closed,
    else the month that billed the case). [] when the previous month is not closed (the
    list belongs to the next open month only)."""
    year, mon = int(month_key[:4]), int(month_key[5:7])
    previous = f"{year - (mon == 1):04d}-{12 if mon == 1 else mon - 1:02d}"
    since = billing_closed_at(conn, previous)
    if since is None:
        return []
    # after the close: events above the newest one at the close (a month closed before
    # snapshots were kept: recorded after its closed_at)
    row = conn.execute("SELECT last_event FROM month_snapshots WHERE month = ?", (previous,)).fetchone()
    after, arg = ("e.id > ?", row[0]) if row else ("e.recorded_at > ?", since)
    rows = conn.execute(
        "SELECT c.case_no, e.id, e.kind, COALESCE(e.on_date, ''), e.recorded_at,"
        " CASE WHEN bm.month IS NOT NULL THEN bm.month ELSE bc.month END"
        " FROM case_events e JOIN cases c ON c.id = e.case_id"
        " LEFT JOIN billing_months bm ON bm.month = substr(e.on_date, 1, 7)"
        " LEFT JOIN billed_cases bc ON bc.case_id = e.case_id"
        f" WHERE {after} AND e.source NOT IN ('legacy', 'migration')"
        " AND (bm.month IS NOT NULL OR bc.month IS NOT NULL)"
        " ORDER BY e.id",
        (arg,),
    ).fetchall()
    return [LateEvent(*r) for r in rows]
