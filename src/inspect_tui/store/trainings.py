"""Trainings (migration 0018): append-only records with their attendees."""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.records import record
from inspect_tui.store.connection import Database

_COLS = "id, held_on, title, areas, organizer, minutes, replaces, recorded_at, who"


@record(frozen=True)
class TrainingRow:
    id: int
    held_on: dt.date
    title: str
    areas: tuple[str, ...]
    organizer: str
    minutes: int | None
    replaces: int | None
    attendees: tuple[str, ...]  # surveyor codes


def _rows(db: Database, where: str, params: tuple = ()) -> list[TrainingRow]:
    rows = db.conn.execute(
        f"SELECT {_COLS} FROM trainings t WHERE {where} ORDER BY held_on, id", params
    ).fetchall()
    out = []
    for r in rows:
        who = tuple(
            x[0]
            for x in db.conn.execute(
                "SELECT surveyor FROM training_attendees WHERE training_id = ? ORDER BY surveyor", (r[0],)
            )
        )
        out.append(
            TrainingRow(
                r[0],
                dt.date.fromisoformat(r[1]),
                r[2],
                tuple(a for a in r[3].split(",") if a),
                r[4],
                r[5],
                r[6],
                who,
            )
        )
    return out


def current(db: Database) -> list[TrainingRow]:
    """Every training as last recorded, by date."""
    return _rows(db, "NOT EXISTS (SELECT 1 FROM trainings n WHERE n.replaces = t.id)")


def get(db: Database, training_id: int) -> TrainingRow | None:
    found = _rows(db, "id = ?", (training_id,))
    return found[0] if found else None


def replaced_by(db: Database, training_id: int) -> int | None:
    r = db.conn.execute("SELECT id FROM trainings WHERE replaces = ?", (training_id,)).fetchone()
    return r[0] if r else None


def insert(db: Database, values: dict[str, object], attendees: list[str]) -> int:
    cols = ", ".join(values)
    cur = db.conn.execute(
        f"INSERT INTO trainings ({cols}) VALUES ({', '.join('?' * len(values))})", tuple(values.values())
    )
    tid = int(cur.lastrowid or 0)
    db.conn.executemany(
        "INSERT INTO training_attendees (training_id, surveyor) VALUES (?, ?)", [(tid, c) for c in attendees]
    )
    return tid
