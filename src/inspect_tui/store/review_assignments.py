"""Review assignments (migration 0015): a chief helping outside their wards, by a manager's
entry; append-only, an assignment ended by an entry naming it. Plain SQL; the rule that
reads them is services/review/wards.py."""

from __future__ import annotations

import datetime as dt
import sqlite3

from inspect_tui.core.records import record
from inspect_tui.store.connection import Database


@record(frozen=True)
class Assignment:
    id: int
    chief: str
    case_id: int | None
    case_no: str  # "" for a surveyor's review
    case_ward: str  # "" for a surveyor's review
    surveyor: str | None
    reason: str
    from_on: dt.date
    until_on: dt.date | None
    recorded_at: str
    who: str
    ended_at: str | None  # when an end entry named it
    ended_by: str | None

    def in_force(self, on: dt.date) -> bool:
        return self.ended_at is None and self.from_on <= on and (self.until_on is None or on <= self.until_on)


_SQL = (
    "SELECT a.*, c.case_no AS case_no, c.ward AS case_ward, e.recorded_at AS ended_at, e.who AS ended_by"
    " FROM review_assignments a LEFT JOIN cases c ON c.id = a.case_id"
    " LEFT JOIN review_assignments e ON e.ends_id = a.id WHERE a.ends_id IS NULL"
)


def _row(r: sqlite3.Row) -> Assignment:
    return Assignment(
        r["id"],
        r["chief"],
        r["case_id"],
        r["case_no"] or "",
        r["case_ward"] or "",
        r["surveyor"],
        r["reason"],
        dt.date.fromisoformat(r["from_on"]),
        dt.date.fromisoformat(r["until_on"]) if r["until_on"] else None,
        r["recorded_at"],
        r["who"],
        r["ended_at"],
        r["ended_by"],
    )


def assignments(db: Database, chief: str | None = None) -> list[Assignment]:
    """Every assignment (ended ones too), oldest first; of one chief when given."""
    where, params = ("", ()) if chief is None else (" AND a.chief = ?", (chief,))
    return [_row(r) for r in db.conn.execute(_SQL + where + " ORDER BY a.id", params)]


def assignment(db: Database, assignment_id: int) -> Assignment | None:
    r = db.conn.execute(_SQL + " AND a.id = ?", (assignment_id,)).fetchone()
    return None if r is None else _row(r)


def insert_assignment(db: Database, values: dict[str, object]) -> int:
    cols = ", ".join(values)
    cur = db.conn.execute(
        f"INSERT INTO review_assignments ({cols}) VALUES ({', '.join('?' * len(values))})",
        tuple(values.values()),
    )
    return int(cur.lastrowid or 0)


def insert_end(db: Database, ends_id: int, reason: str | None, recorded_at: str, who: str) -> int:
    cur = db.conn.execute(
        "INSERT INTO review_assignments (ends_id, reason, recorded_at, who) VALUES (?, ?, ?, ?)",
        (ends_id, reason, recorded_at, who),
    )
    return int(cur.lastrowid or 0)
