"""Meetings (migration 0017): append-only records; a correction replaces an earlier one."""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.records import record
from inspect_tui.store.connection import Database

_COLS = "id, kind, held_on, attendees, agenda, decisions, replaces, recorded_at, who"


@record(frozen=True)
class MeetingRow:
    id: int
    kind: str
    held_on: dt.date
    attendees: str
    agenda: str
    decisions: str
    replaces: int | None
    recorded_at: str
    who: str


def _row(r) -> MeetingRow:
    return MeetingRow(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4], r[5], r[6], r[7], r[8])


def current(db: Database) -> list[MeetingRow]:
    """Every meeting as last recorded (rows no later row replaces), by date."""
    return [
        _row(r)
        for r in db.conn.execute(
            f"SELECT {_COLS} FROM meetings m WHERE NOT EXISTS"
            " (SELECT 1 FROM meetings n WHERE n.replaces = m.id) ORDER BY held_on, id"
        )
    ]


def get(db: Database, meeting_id: int) -> MeetingRow | None:
    r = db.conn.execute(f"SELECT {_COLS} FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
    return _row(r) if r else None


def replaced_by(db: Database, meeting_id: int) -> int | None:
    r = db.conn.execute("SELECT id FROM meetings WHERE replaces = ?", (meeting_id,)).fetchone()
    return r[0] if r else None


def insert(db: Database, values: dict[str, object]) -> int:
    cols = ", ".join(values)
    cur = db.conn.execute(
        f"INSERT INTO meetings ({cols}) VALUES ({', '.join('?' * len(values))})", tuple(values.values())
    )
    return int(cur.lastrowid or 0)
