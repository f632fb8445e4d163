"""Purging applicants' personal data once its retention period is over.

Applicant name, insured number and date of birth go ``retention_months`` after
the form's last submission, accepted or not (cancelled or returned before any
submission: after that day; seed 001 §4(4)); the case
itself, its counts, deadlines, events, reviews and findings stay. The purge is
one transaction with ``secure_delete`` on and one audit row per case. The history
triggers record the blanked row (store/history.py); the log held the values only
as hashes salted per row, and the purge erases the row's salt with them.

Gone from the database is not gone from the disk: the old values stay in the
file's pages and in the write-ahead log until a checkpoint writes every page
back, and no checkpoint can finish while another connection reads an older
snapshot (it still sees the old rows). So the service checkpoints with TRUNCATE
(``checkpoint_truncate``) and then reads the raw bytes of the file and its -wal
for every purged value (``verify_gone``) before it says the data is gone.
(Backups made before the purge still hold them until rotated out: ``backup --keep``.)
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from inspect_tui.core.months import add_months
from inspect_tui.core.records import record
from inspect_tui.store.audit import record_audit
from inspect_tui.store.bytescan import find_values
from inspect_tui.store.connection import BUSY_TIMEOUT_MS, Database
from inspect_tui.store.history import forget_salt
from inspect_tui.store.survey_forms import form_note_values, notes_held_elsewhere, purge_forms
from inspect_tui.store.tx import write

PURGED_FIELDS = ("applicant_name", "insured_no", "birth_date")

# The date retention counts from (seed 001 §4(4): copies go 3 months after submission to
# the office): the form's LAST submission (a resubmission counts again), accepted or not;
# a case cancelled or returned before any submission counts from that day. A case being
# worked again (a re-survey not yet resubmitted: status received/contacted/visited) waits.
_CLOSED_ON = (
    "CASE WHEN last_submitted_on IS NOT NULL THEN last_submitted_on"
    " WHEN status = 'cancelled' THEN cancelled_on WHEN status = 'returned' THEN returned_on END"
)
_RETAINED_STATUSES = "('submitted', 'accepted', 'cancelled', 'returned')"


@record(frozen=True)
class DueCase:
    id: int
    case_no: str
    closed_on: str
    status: str


def _has_personal() -> str:
    return "(" + " OR ".join(f"({f} IS NOT NULL AND {f} <> '')" for f in PURGED_FIELDS) + ")"


#: the cases still holding personal data, by their partial index (migration 24, whose WHERE
#: is _has_personal() written out: a partial index serves only the same expression); at 1M
#: cases 46,000 of 1M rows, where the purge's question read every closed case (0.8-0.95 s
#: at every manager's start; now 87-118 ms, ~35 ms of it the query)
PERSONAL_HELD_INDEX = "cases_personal_held"


def due_for_purge(db: Database, today: dt.date, retention_months: int) -> list[DueCase]:
    """Cases whose personal data is past its retention: last submitted (or, never
    submitted, cancelled or returned) on or before the cut-off.

    A form last submitted on D is due from D + retention_months (3 months after 1/15 is 4/15).
    """
    # closed_on + N months <= today, for every day: equivalent to closed_on <= the
    # last day d with d + N months <= today; check exactly in Python on the few
    # candidates near the boundary.
    rough_cut = add_months(today, -retention_months) + dt.timedelta(days=3)
    # the cases holding something to purge, closed long enough: those with personal data, read
    # from their own partial index alone (migration 24; INDEXED BY: without statistics for it
    # the planner took the status index and read every closed case), and those with a stored
    # copy of the form's content, which goes with it (the contract keeps a copy only until 3
    # months after its submission, 001 §4(4)④), found from the small survey_forms
    closed = f"status IN {_RETAINED_STATUSES} AND {_CLOSED_ON} IS NOT NULL AND {_CLOSED_ON} <= :cut"
    columns = f"id, case_no, status, {_CLOSED_ON} AS closed_on"
    rows = db.conn.execute(
        f"SELECT {columns} FROM cases INDEXED BY {PERSONAL_HELD_INDEX} WHERE {_has_personal()} AND {closed}"
        f" UNION SELECT {columns} FROM cases WHERE id IN"
        f" (SELECT case_id FROM survey_forms WHERE form_answers IS NOT NULL) AND {closed}"
        " ORDER BY closed_on, case_no",
        {"cut": rough_cut.isoformat()},
    ).fetchall()
    out = []
    for r in rows:
        if add_months(dt.date.fromisoformat(r["closed_on"]), retention_months) <= today:
            out.append(DueCase(r["id"], r["case_no"], r["closed_on"], r["status"]))
    return out


def purge_personal(db: Database, who: str, due: list[DueCase], today: dt.date, now: str) -> int:
    """Blank the personal fields of the given cases, with ``secure_delete`` on, so SQLite
    zeroes the old bytes (cells, index entries, freed pages) instead of leaving them in
    the file; one audit row each. Returns how many. The caller checkpoints and checks."""
    if not due:
        return 0
    conn = db.conn
    before = conn.execute("PRAGMA secure_delete").fetchone()[0]
    if conn.execute("PRAGMA secure_delete = ON").fetchone()[0] != 1:
        raise RuntimeError("this SQLite cannot overwrite deleted content (secure_delete)")
    try:
        with write(db):
            done = 0
            for c in due:
                forms = purge_forms(db, [c.id], now)
                cur = conn.execute(
                    f"UPDATE cases SET {', '.join(f'{f} = NULL' for f in PURGED_FIELDS)},"
                    " personal_purged_on = ?, version = version + 1, updated_at = ?"
                    f" WHERE id = ? AND {_has_personal()} RETURNING version",
                    (today.isoformat(), now, c.id),
                )
                got = cur.fetchone()
                if got is None:  # no personal data left (purged meanwhile, or only a form copy)
                    if forms:
                        record_audit(db, who, "purge", "case", c.case_no, None, {"forms": forms}, at=now)
                        done += 1
                    continue
                forget_salt(conn, "cases", str(c.id))  # the log's hashes of the values: unguessable now
                record_audit(
                    db,
                    who,
                    "purge",
                    "case",
                    c.case_no,
                    {f: "x" for f in PURGED_FIELDS} | {"version": got[0] - 1},
                    {f: None for f in PURGED_FIELDS}
                    | {"personal_purged_on": today.isoformat(), "version": got[0], "forms": forms},
                    at=now,
                )
                done += 1
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(before)}")  # this build's default may be ON
    return done


# --------------------------------------------------------------------------- the bytes on disk
#: How long a checkpoint waits for other connections' reads to end (a report on a big
#: file reads for a second or two); past it, someone holds a snapshot open.
CHECKPOINT_WAIT_MS = 3000


def checkpoint_truncate(db: Database, wait_ms: int = CHECKPOINT_WAIT_MS) -> bool:
    """``wal_checkpoint(TRUNCATE)``: every page of the -wal written back into the file and the
    -wal emptied. False when another connection still reads an older snapshot (it would
    still see, and the file would still hold, the old pages)."""
    conn = db.conn
    conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return busy == 0


def no_old_snapshots(db: Database, wait_ms: int = CHECKPOINT_WAIT_MS) -> bool:
    """True when no other connection reads an older snapshot of the database.

    A checkpoint alone cannot tell when the -wal is empty: a reader of the file alone
    does not stop a checkpoint of nothing, yet it would stop the purge's. So one page
    is written first (the header's user_version, set to the value it has, under the
    write lock) and then checkpointed, which cannot complete while such a reader remains.
    """
    conn = db.conn
    with write(db):
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(f"PRAGMA user_version = {version}")
    return checkpoint_truncate(db, wait_ms)


def personal_values(db: Database, due: list[DueCase]) -> list[str]:
    """The stored personal values of the given cases (held in memory only, to look for
    them in the file's bytes after the purge; never written or shown)."""
    out: list[str] = []
    ids = [c.id for c in due]
    for i in range(0, len(ids), 500):
        rows = db.conn.execute(
            f"SELECT {', '.join(PURGED_FIELDS)} FROM cases WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids[i : i + 500]),),
        )
        out += [str(v) for r in rows for v in r if v not in (None, "")]
    out += form_note_values(db, ids)
    return sorted(set(out))


@record(frozen=True)
class ByteCheck:
    """What reading the file's bytes found after a purge (counts and places, never values)."""

    checked: int  # purged values looked for, byte by byte, in the file and its -wal
    shared: int  # values other cases or staff still hold: in the file for them, not checkable
    remains: tuple[str, ...]  # where purged values were still found (table, index, free page, WAL)

    @property
    def clean(self) -> bool:
        return not self.remains


def _held_by_others(db: Database, values: list[str]) -> set[str]:
    """Values still stored for a case or a surveyor that keeps them (exactly)."""
    wanted = json.dumps(values)
    conn = db.conn
    held: set[str] = set()
    rows = conn.execute(
        "SELECT applicant_name, insured_no, birth_date FROM cases"
        " WHERE applicant_name IN (SELECT value FROM json_each(:v))"
        " OR insured_no IN (SELECT value FROM json_each(:v))"
        " OR birth_date IN (SELECT value FROM json_each(:v))",
        {"v": wanted},
    )
    vals = set(values)
    for r in rows:
        held |= {x for x in r if x in vals}
    held |= {
        r[0]
        for r in conn.execute(
            "SELECT name FROM surveyors WHERE name IN (SELECT value FROM json_each(?))", (wanted,)
        )
    }
    held |= notes_held_elsewhere(db, [v for v in values if v not in held])
    return held


def _inside_a_kept_value(db: Database, value: str) -> bool:
    """A purged value found in the bytes may be part of a longer value someone keeps
    (山田 花 in 山田 花子): then finding it proves nothing."""
    q = (
        "SELECT 1 FROM cases WHERE instr(applicant_name, :v) OR instr(insured_no, :v)"
        " OR instr(birth_date, :v) UNION ALL SELECT 1 FROM surveyors WHERE instr(name, :v) LIMIT 1"
    )
    return db.conn.execute(q, {"v": value}).fetchone() is not None


def _place(db: Database, path: Path, offset: int) -> str:
    """Where in the file a hit is: the table or index owning the page, a free page, the WAL."""
    if path != db.path:
        return "WAL" if path.name.endswith("-wal") else path.name
    page_size = db.conn.execute("PRAGMA page_size").fetchone()[0]
    page = offset // page_size + 1
    try:
        row = db.conn.execute("SELECT name FROM dbstat WHERE pageno = ? LIMIT 1", (page,)).fetchone()
    except sqlite3.OperationalError:  # built without the dbstat table
        return f"ページ {page}"
    return row[0] if row else "空きページ"


def verify_gone(db: Database, values: list[str]) -> ByteCheck:
    """Look for every purged value in the raw bytes of the database file and its -wal."""

    held = _held_by_others(db, values)
    look_for = [v for v in values if v not in held]
    encoding = db.conn.execute("PRAGMA encoding").fetchone()[0]
    codec = {"UTF-8": "utf-8", "UTF-16le": "utf-16-le", "UTF-16be": "utf-16-be"}[encoding]
    by_bytes = {v.encode(codec): v for v in look_for}
    files = [db.path, Path(f"{db.path}-wal"), Path(f"{db.path}-journal")]
    places: set[str] = set()
    explained: set[str] = set()
    for hit in find_values(files, by_bytes):
        value = by_bytes[hit.value]
        if value in explained or _inside_a_kept_value(db, value):
            explained.add(value)
            continue
        places.add(_place(db, hit.path, hit.offset))
    return ByteCheck(len(look_for) - len(explained), len(held) + len(explained), tuple(sorted(places)))


#: The audit actions of the purge index (migration 23), as its WHERE writes them: a query
#: repeats this term so SQLite knows the partial index covers it.
PURGE_ACTIONS = "action IN ('purge', 'purge.checked')"


def unchecked_purges(db: Database) -> int:
    """Cases purged since the file's bytes were last checked (a purge whose checkpoint could
    not complete because another connection held an old snapshot). Both reads go through the
    purges' index (migration 23): a manager's every start asks, at 1M cases too."""
    last = db.conn.execute(
        f"SELECT MAX(id) FROM audit_log WHERE {PURGE_ACTIONS} AND action = 'purge.checked'"
    ).fetchone()[0]
    return db.conn.execute(
        f"SELECT COUNT(*) FROM audit_log WHERE {PURGE_ACTIONS} AND action = 'purge' AND id > ?",
        (last or 0,),
    ).fetchone()[0]


def record_checked(db: Database, who: str, cases: int, check: ByteCheck | None, now: str) -> None:
    """An audit row: the checkpoint completed (the -wal is empty) and, with check, what
    reading the bytes found (counts and places only)."""
    after: dict[str, object] = {"cases": cases, "wal_bytes": 0}
    if check is not None:
        after |= {
            "values_checked": check.checked,
            "values_shared": check.shared,
            "still_in_file_at": list(check.remains),
        }
    record_audit(db, who, "purge.checked", "database", db.path.name, None, after, at=now)
