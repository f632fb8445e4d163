"""Purging applicants' personal data once its retention period is over.

Applicant name, insured number and date of birth go ``retention_months`` after
the case was closed (accepted, cancelled or returned; seed 001 §4(4)); the case
itself, its counts, deadlines, events, reviews and findings stay. The purge is
one transaction, writes one audit row per case, and is done with
``secure_delete`` on and a WAL checkpoint after, so the old values do not linger
in free pages of the file or in the write-ahead log. (Backups made before the
purge still hold them until they are rotated out: ``backup --keep``.)
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from inspect_tui.store.audit import record_audit
from inspect_tui.store.db import Database
from inspect_tui.store.tx import write

PURGED_FIELDS = ("applicant_name", "insured_no", "birth_date")

# The date a closed case was closed on, by its status.
_CLOSED_ON = (
    "CASE status WHEN 'accepted' THEN accepted_on WHEN 'cancelled' THEN cancelled_on"
    " WHEN 'returned' THEN returned_on END"
)


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (clamped to the month's last day: 1/31 + 1 → 2/28)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def subtract_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 - months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DueCase:
    id: int
    case_no: str
    closed_on: str
    status: str


def _has_personal() -> str:
    return "(" + " OR ".join(f"({f} IS NOT NULL AND {f} <> '')" for f in PURGED_FIELDS) + ")"


def due_for_purge(db: Database, today: dt.date, retention_months: int) -> list[DueCase]:
    """Closed cases whose personal data is past its retention (closed on or before the cut-off).

    A case closed on D is due from D + retention_months (3 months after 1/15 is 4/15).
    """
    # closed_on + N months <= today, for every day: equivalent to closed_on <= the
    # last day d with d + N months <= today; check exactly in Python on the few
    # candidates near the boundary.
    rough_cut = subtract_months(today, retention_months) + dt.timedelta(days=3)
    rows = db.conn.execute(
        f"SELECT id, case_no, status, {_CLOSED_ON} AS closed_on FROM cases"
        f" WHERE status IN ('accepted', 'cancelled', 'returned') AND {_has_personal()}"
        f" AND {_CLOSED_ON} IS NOT NULL AND {_CLOSED_ON} <= ? ORDER BY closed_on, case_no",
        (rough_cut.isoformat(),),
    ).fetchall()
    out = []
    for r in rows:
        if add_months(dt.date.fromisoformat(r["closed_on"]), retention_months) <= today:
            out.append(DueCase(r["id"], r["case_no"], r["closed_on"], r["status"]))
    return out


def purge_personal(db: Database, who: str, due: list[DueCase], today: dt.date, now: str) -> int:
    """Blank the personal fields of the given cases; one audit row each. Returns how many."""
    if not due:
        return 0
    conn = db.conn
    conn.execute("PRAGMA secure_delete = ON")
    try:
        with write(db):
            done = 0
            for c in due:
                cur = conn.execute(
                    f"UPDATE cases SET {', '.join(f'{f} = NULL' for f in PURGED_FIELDS)},"
                    " personal_purged_on = ?, version = version + 1, updated_at = ?"
                    f" WHERE id = ? AND {_has_personal()} RETURNING version",
                    (today.isoformat(), now, c.id),
                )
                got = cur.fetchone()
                if got is None:  # purged meanwhile by someone else
                    continue
                record_audit(
                    db,
                    who,
                    "purge",
                    "case",
                    c.case_no,
                    {f: "x" for f in PURGED_FIELDS} | {"version": got[0] - 1},
                    {f: None for f in PURGED_FIELDS}
                    | {"personal_purged_on": today.isoformat(), "version": got[0]},
                    at=now,
                )
                done += 1
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.execute("PRAGMA secure_delete = OFF")
    return done
