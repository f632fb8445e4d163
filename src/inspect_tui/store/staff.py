"""Staff entries (migration 0019): notifications, pledge and ID card, append-only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from inspect_tui.core.staff import Entry
from inspect_tui.store.connection import Database

_COLS = "id, surveyor, kind, on_date, card_no, note, withdraws"


def _entry(r) -> Entry:
    return Entry(r[0], r[2], dt.date.fromisoformat(r[3]), r[4], r[5], r[6])


def entries(db: Database, surveyor: str | None = None) -> dict[str, list[Entry]]:
    """{surveyor code: its entries in entry order} (one surveyor's, or everyone's)."""
    where, params = ("WHERE surveyor = ?", (surveyor,)) if surveyor else ("", ())
    out: dict[str, list[Entry]] = defaultdict(list)
    for r in db.conn.execute(f"SELECT {_COLS} FROM staff_entries {where} ORDER BY id", params):
        out[r[1]].append(_entry(r))
    return dict(out)


def get(db: Database, entry_id: int) -> tuple[str, Entry] | None:
    r = db.conn.execute(f"SELECT {_COLS} FROM staff_entries WHERE id = ?", (entry_id,)).fetchone()
    return (r[1], _entry(r)) if r else None


def insert(
    db: Database,
    surveyor: str,
    kind: str,
    on: dt.date,
    now: str,
    who: str,
    *,
    card_no: str | None = None,
    note: str = "",
    withdraws: int | None = None,
) -> int:
    cur = db.conn.execute(
        "INSERT INTO staff_entries (surveyor, kind, on_date, card_no, note, withdraws, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (surveyor, kind, on.isoformat(), card_no, note, withdraws, now, who),
    )
    return int(cur.lastrowid or 0)
