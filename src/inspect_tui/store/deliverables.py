"""The deliverables as delivered (migration 0016): append-only entries per occurrence."""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.records import record
from inspect_tui.store.connection import Database


@record(frozen=True)
class Delivery:
    id: int
    occurrence: str
    delivered_on: dt.date | None  # None: withdrawn
    note: str
    recorded_at: str
    who: str


def latest(db: Database) -> dict[str, Delivery]:
    """{occurrence: its newest entry}."""
    out: dict[str, Delivery] = {}
    for r in db.conn.execute(
        "SELECT id, occurrence, delivered_on, note, recorded_at, who FROM deliverable_records ORDER BY id"
    ):
        out[r[1]] = Delivery(r[0], r[1], dt.date.fromisoformat(r[2]) if r[2] else None, r[3], r[4], r[5])
    return out


def insert(db: Database, occurrence: str, on: dt.date | None, note: str, now: str, who: str) -> int:
    cur = db.conn.execute(
        "INSERT INTO deliverable_records (occurrence, delivered_on, note, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?)",
        (occurrence, on.isoformat() if on else None, note, now, who),
    )
    return int(cur.lastrowid or 0)
