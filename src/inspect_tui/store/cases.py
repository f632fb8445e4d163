"""Cases in the database: create with stored deadlines, read, update with events.

Deadlines are derived from the calendar when a case is created and stored with
it; a later change to the closure list does not move them (see
``rederive_deadlines``, an explicit command that records what moved).
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from inspect_tui.core.calendar import BusinessCalendar
from inspect_tui.core.case_columns import DATE_FIELDS
from inspect_tui.core.deadlines import case_deadlines, case_rules
from inspect_tui.core.history import fold_dates
from inspect_tui.store.connection import Database
from inspect_tui.store.events import NewEvent, append, seed_events
from inspect_tui.store.tx import ConflictError

CASE_COLUMNS = (
    "case_no",
    "insurer",
    "is_home",
    "welfare",
    "application",
    "ward",
    "insured_no",
    "applicant_name",
    "birth_date",
    "received_on",
    "dispatched_on",
    "urgent",
    "surveyor",
    "accompanied_by",
    "contacted_on",
    "visited_on",
    "submitted_on",
    "accepted_on",
    "cancelled_on",
    "returned_on",
)


def due_columns() -> tuple[str, ...]:
    """The stored deadline columns, one per case rule (core.deadlines): contact_due, …"""
    return tuple(rule.due_column for rule in case_rules())


@functools.cache
def _iso_date(day: dt.date) -> str:
    return day.isoformat()


def _iso(v: Any) -> Any:
    # a date's text made once per date: an import's rows share a few thousand dates, and a
    # string each was 11.7 MB of a 20,000-row import's 47 MB (tracemalloc at its peak)
    if type(v) is dt.date:
        return _iso_date(v)
    return v.isoformat() if isinstance(v, dt.date) else v


def to_dates(row: Mapping[str, Any]) -> dict[str, dt.date | None]:
    """The date fields of a row as dates."""
    return {f: dt.date.fromisoformat(row[f]) if row[f] else None for f in DATE_FIELDS}


def derived_columns(fields: Mapping[str, Any], calendar: BusinessCalendar) -> dict[str, Any]:
    """Status and the stored deadlines for a case's fields (dates or ISO text)."""
    dates = {
        f: (dt.date.fromisoformat(v) if isinstance(v, str) and v else v or None)
        for f in DATE_FIELDS
        for v in (fields.get(f),)
    }
    dues = case_deadlines(dates, calendar)
    state = fold_dates(dates)
    out: dict[str, Any] = {
        "status": state.status(),
        "phase": state.phase,
        "cycles": state.cycles,
        "last_submitted_on": _iso(state.last_submitted_on),
    }
    for rule in case_rules():
        out[rule.due_column] = _iso(dues[rule.id])
    return out


def row_columns() -> tuple[str, ...]:
    """The columns of a new case's row, in the order ``case_row`` gives its values."""
    return (*INSERT_COLUMNS, *due_columns(), "updated_at")


def case_row(fields: Mapping[str, Any], calendar: BusinessCalendar, now: str) -> tuple[Any, ...]:
    """A new case's row ready to insert (ISO dates), its values in ``row_columns()`` order.

    A tuple, not a dict: an import holds every new row until its one transaction, and a
    dict each was ~770 bytes a row more (15 MB of a 20,000-row import's 47 MB)."""
    row = {c: _iso(fields.get(c)) for c in CASE_COLUMNS}
    for flag in ("is_home", "welfare", "urgent"):
        row[flag] = int(bool(fields.get(flag, 1 if flag == "is_home" else 0)))
    row["insurer"] = row["insurer"] or ""
    row.update(derived_columns(fields, calendar))
    row["updated_at"] = now
    return tuple(row[c] for c in row_columns())


def get_case(db: Database, case_no: str) -> sqlite3.Row | None:
    return db.conn.execute("SELECT * FROM cases WHERE case_no = ?", (case_no,)).fetchone()


def events_of(db: Database, case_id: int) -> list[sqlite3.Row]:
    return db.conn.execute(
        "SELECT * FROM case_events WHERE case_id = ? ORDER BY COALESCE(on_date, ''), id",
        (case_id,),
    ).fetchall()


def exceptions_of(db: Database, case_id: int) -> list[sqlite3.Row]:
    return db.conn.execute(
        "SELECT * FROM deadline_exceptions WHERE case_id = ? ORDER BY id", (case_id,)
    ).fetchall()


def add_event(
    db: Database, case_id: int, kind: str, on: dt.date | None, who: str, note: str, now: str
) -> None:
    """A note in the case's history that is not a step (a deadline extended, say)."""
    append(db, NewEvent(case_id, kind, on, now, who, note))


def update_case(
    db: Database,
    case_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    now: str,
) -> None:
    """Write changes if nobody else changed the case since it was read (version check)."""
    cols = {k: _iso(v) for k, v in changes.items()}
    cols["updated_at"] = now
    assignments = ", ".join(f"{c} = ?" for c in cols)
    cur = db.conn.execute(
        f"UPDATE cases SET {assignments}, version = version + 1 WHERE id = ? AND version = ?",
        (*cols.values(), case_id, expected_version),
    )
    if cur.rowcount != 1:
        raise ConflictError("他の人がこの依頼を先に更新しました。開き直してから記録してください")


INSERT_COLUMNS = (*CASE_COLUMNS, "status", "phase", "cycles", "last_submitted_on")


def insert_cases(
    db: Database, rows: Iterable[Sequence[Any]], who: str = "system", source: str = "app"
) -> list[int]:
    """Insert cases (rows from case_row) with the step events their dates stand for; their ids."""
    cols = row_columns()
    rows = list(rows)
    before = db.conn.execute("SELECT COALESCE(MAX(id), 0) FROM cases").fetchone()[0]
    db.conn.executemany(f"INSERT INTO cases ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
    # new rows take the next ids in order (one transaction, nothing else writes meanwhile)
    ids = [r[0] for r in db.conn.execute("SELECT id FROM cases WHERE id > ? ORDER BY id", (before,))]
    seed_events(db, ids, rows, cols, who, source)
    return ids
