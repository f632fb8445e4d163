"""A case's events in ``case_events`` (append-only: triggers abort UPDATE and DELETE)
and the state ``cases`` keeps derived from them (core.history.fold).

``append`` / ``append_many`` are the only writers of an event (the one place a hash
chain over events hooks in: both go through ``_INSERT``), and ``derive`` writes the
case's derived columns; callers do both inside one ``store.tx.write``.
``drift`` re-derives every case from its events and lists what differs from
``cases`` (a row changed behind the app's back, or an event lost).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from inspect_tui.core.case_events import CaseState, Event
from inspect_tui.core.history import DATE_STEPS as _DATE_COLUMNS
from inspect_tui.core.history import fold
from inspect_tui.core.records import record
from inspect_tui.store.connection import Database

#: the columns of ``cases`` derived from events (CaseState.columns)
DERIVED_COLUMNS = (
    "received_on",
    "contacted_on",
    "visited_on",
    "submitted_on",
    "accepted_on",
    "cancelled_on",
    "returned_on",
    "status",
    "phase",
    "cycles",
    "last_submitted_on",
)
_INSERT = (
    "INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note, void_of, cause, source)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class DerivedConflict(Exception):
    """Someone else changed the case since it was read (its version moved)."""


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


def to_event(row: Mapping[str, Any]) -> Event:
    return Event(
        id=row["id"],
        kind=row["kind"],
        on_date=dt.date.fromisoformat(row["on_date"]) if row["on_date"] else None,
        recorded_at=row["recorded_at"],
        who=row["who"],
        note=row["note"],
        void_of=row["void_of"],
        cause=row["cause"],
        source=row["source"],
    )


def events_for(db: Database, case_id: int) -> list[Event]:
    """Every event of a case (steps, voids and notes), in the order recorded."""
    rows = db.conn.execute("SELECT * FROM case_events WHERE case_id = ? ORDER BY id", (case_id,))
    return [to_event(r) for r in rows]


@record(frozen=True)
class NewEvent:
    case_id: int
    kind: str
    on_date: dt.date | None
    recorded_at: str
    who: str
    note: str = ""
    void_of: int | None = None
    cause: str | None = None
    source: str = "app"

    def params(self) -> tuple[Any, ...]:
        return (
            self.case_id,
            self.kind,
            _iso(self.on_date),
            self.recorded_at,
            self.who,
            self.note,
            self.void_of,
            self.cause,
            self.source,
        )


def append(db: Database, event: NewEvent) -> int:
    """Append one event; returns its id."""
    cur = db.conn.execute(_INSERT, event.params())
    return int(cur.lastrowid or 0)


def append_many(db: Database, events: Iterable[NewEvent]) -> None:
    """Append events in the order given (ids increase in that order)."""
    db.conn.executemany(_INSERT, (e.params() for e in events))


def stored_columns(row: Mapping[str, Any]) -> dict[str, Any]:
    return {c: row[c] for c in DERIVED_COLUMNS}


def state_columns(state: CaseState) -> dict[str, Any]:
    """The derived columns as ``cases`` stores them (ISO text)."""
    return {c: _iso(v) for c, v in state.columns().items()}


def derive(
    db: Database, case_id: int, now: str, expected_version: int | None = None
) -> tuple[CaseState, dict[str, Any], Mapping[str, Any]]:
    """Fold the case's events and write what changed into ``cases`` (version + 1).

    Returns (state, the columns written, the row before). With expected_version,
    a case changed since it was read raises DerivedConflict.
    """
    row = db.conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
    if row is None:
        raise LookupError(f"case id {case_id} not found")
    if expected_version is not None and row["version"] != expected_version:
        raise DerivedConflict(case_id)
    state = fold(events_for(db, case_id))
    new = state_columns(state)
    changes = {c: v for c, v in new.items() if row[c] != v}
    if changes:
        sets = ", ".join(f"{c} = ?" for c in changes)
        cur = db.conn.execute(
            f"UPDATE cases SET {sets}, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
            (*changes.values(), now, case_id, row["version"]),
        )
        if cur.rowcount != 1:
            raise DerivedConflict(case_id)
    return state, changes, row


def seed_events(
    db: Database,
    ids: Sequence[int],
    rows: Sequence[Sequence[Any]],
    columns: Sequence[str],
    who: str,
    source: str,
) -> None:
    """The step events of newly inserted cases (ids, in the order of their rows: values in
    columns' order, ISO dates), one per date the row holds, in the order the steps happen
    (core.history.DATE_STEPS)."""
    at = {c: i for i, c in enumerate(columns)}
    stamp = at["updated_at"]
    steps = [(at[column], kind) for column, kind in _DATE_COLUMNS]
    db.conn.executemany(
        _INSERT,
        (
            (case_id, kind, row[i], row[stamp] or "", who, "", None, None, source)
            for case_id, row in zip(ids, rows, strict=True)
            for i, kind in steps
            if row[i]
        ),
    )


# --------------------------------------------------------------------------- drift
@record(frozen=True)
class Drift:
    case_no: str
    column: str
    stored: Any
    derived: Any


def _grouped_events(conn: sqlite3.Connection) -> Iterator[tuple[int, list[Event]]]:
    rows = conn.execute(
        "SELECT * FROM case_events WHERE source <> 'legacy' AND (kind <> 'void' OR void_of IS NOT NULL)"
        " ORDER BY case_id, id"
    )
    case_id, bucket = None, []
    for r in rows:
        if r["case_id"] != case_id:
            if case_id is not None:
                yield case_id, bucket
            case_id, bucket = r["case_id"], []
        bucket.append(to_event(r))
    if case_id is not None:
        yield case_id, bucket


def drift(db: Database) -> list[Drift]:
    """Every difference between ``cases`` and what its events derive, in case order."""
    conn = db.conn
    folded = {case_id: state_columns(fold(evs)) for case_id, evs in _grouped_events(conn)}
    empty = state_columns(CaseState())
    out = []
    cols = ", ".join(DERIVED_COLUMNS)
    for r in conn.execute(f"SELECT id, case_no, {cols} FROM cases ORDER BY id"):
        derived = folded.pop(r["id"], empty)
        for c in DERIVED_COLUMNS:
            if r[c] != derived[c]:
                out.append(Drift(r["case_no"], c, r[c], derived[c]))
    return out


# --------------------------------------------------------------------------- corrections
#: a correction after submission (core.case_events.CORRECTION_KINDS) that counts: not voided,
#: not from the side log, and (a re-survey) after a submission of the form
_CORRECTION_SQL = """
SELECT e.case_id, e.on_date, e.cause, c.surveyor FROM case_events e JOIN cases c ON c.id = e.case_id
WHERE e.kind IN ({kinds}) AND e.on_date >= :s AND e.on_date < :next AND e.source <> 'legacy'
  AND NOT EXISTS (SELECT 1 FROM case_events v WHERE v.void_of = e.id)
  AND EXISTS (SELECT 1 FROM case_events p WHERE p.case_id = e.case_id AND p.kind IN ('submit', 'resubmit')
              AND p.on_date <= e.on_date AND p.source <> 'legacy'
              AND NOT EXISTS (SELECT 1 FROM case_events pv WHERE pv.void_of = p.id)){cases}
"""
# A post-submission check the review feature recorded by hand for a form with no such
# event in that month (a check from before events, or one typed without the step).
_POST_CHECK_SQL = """
SELECT r.case_id, r.checked_on, NULL, r.surveyor FROM review_checks r
WHERE r.kind = 'post' AND r.state = 'done' AND r.blind_of IS NULL
  AND r.checked_on >= :s AND r.checked_on < :next{cases}
"""


@record(frozen=True)
class Correction:
    case_id: int | None
    on_date: str
    city: bool
    surveyor: str | None


def corrections(
    conn: sqlite3.Connection, start: dt.date, cutoff: dt.date, case_ids: Sequence[int] | None = None
) -> list[Correction]:
    """Corrections after submission dated start..cutoff (of these cases only, if given): the
    events 照会, 返戻, 受理取消 and 再調査 after a submission, plus hand-recorded
    post-submission checks of forms that have no such event in the month. City-caused ones
    are marked (--cause city)."""
    from inspect_tui.core.case_events import CORRECTION_KINDS

    if case_ids is not None and not case_ids:
        return []
    params = {"s": start.isoformat(), "next": (cutoff + dt.timedelta(days=1)).isoformat()}
    kinds = ", ".join(f"'{k}'" for k in CORRECTION_KINDS)
    ids = ", ".join(str(int(i)) for i in case_ids) if case_ids is not None else None
    found = [
        Correction(r[0], r[1], r[2] == "city", r[3])
        for r in conn.execute(
            _CORRECTION_SQL.format(kinds=kinds, cases=f" AND e.case_id IN ({ids})" if ids else ""), params
        )
    ]
    by_month = {(c.case_id, c.on_date[:7]) for c in found}
    try:
        checks = conn.execute(
            _POST_CHECK_SQL.format(cases=f" AND r.case_id IN ({ids})" if ids else ""), params
        ).fetchall()
    except sqlite3.OperationalError:  # the review feature's table is not in this database
        checks = []
    found += [
        Correction(r[0], r[1], False, r[3])
        for r in checks
        if r[0] is None or (r[0], r[1][:7]) not in by_month
    ]
    return found


def corrections_by_case(conn: sqlite3.Connection, case_ids: Sequence[int]) -> dict[int, int]:
    """{case id: corrections after submission} of these cases, whenever dated, city-caused
    ones left out (the same rule as ``corrections``: the first-ten review's trend)."""
    out: dict[int, int] = {}
    for c in corrections(conn, dt.date(1989, 1, 1), dt.date(2099, 12, 31), case_ids):
        if c.case_id is not None and not c.city:
            out[c.case_id] = out.get(c.case_id, 0) + 1
    return out
