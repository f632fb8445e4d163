"""The inspection tables (migration 0010) and the review checks that count as inspections.

Plain SQL; the rules live in core/inspection.py and the transactions in
services/cases/inspection.py. A form's cycle (how many returns for fixing and
re-surveys it had) is read from its case events here, in ``cycle_of``, the one
place that knows where those events are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from inspect_tui.core.inspection import CYCLE_RESET_STEPS, INSPECTED, Finding
from inspect_tui.core.records import record
from inspect_tui.store.connection import Database

#: The review checks that are an inspection of the form (not follow-ups of the surveyor,
#: not a finding that came back from the office after submission).
REVIEW_KINDS = ("focused", "routine")


@record(frozen=True)
class InspectionRow:
    source: str  # "inspection:12" or "review_check:5"
    inspector: str  # login
    inspector_code: str | None  # surveyor code of the inspector, if they are one
    finished_at: str  # ISO time, Japan
    result: str  # ok | findings
    findings: tuple[Finding, ...]
    cycle: int | None  # None: a review check (its cycle is known by time: see reset_at)


@record(frozen=True)
class Cycle:
    number: int  # returns for fixing and re-surveys so far
    reset_at: str | None  # when the last of them was recorded (ISO), None when none


def cycle_of(db: Database, case_id: int) -> Cycle:
    marks = ",".join("?" * len(CYCLE_RESET_STEPS))
    r = db.conn.execute(
        # a voided re-survey or return does not start a new cycle; the pre-event side log
        # (source 'legacy', kept by migration 0008) is not history
        f"SELECT COUNT(*), MAX(e.recorded_at) FROM case_events e WHERE e.case_id = ? AND e.kind IN ({marks})"
        " AND e.source <> 'legacy'"
        " AND NOT EXISTS (SELECT 1 FROM case_events v WHERE v.case_id = e.case_id AND v.void_of = e.id)",
        (case_id, *CYCLE_RESET_STEPS),
    ).fetchone()
    return Cycle(int(r[0]), r[1])


def insert_inspection(
    db: Database,
    case_id: int,
    inspector: str,
    inspector_code: str | None,
    cycle: int,
    result: str,
    findings: Iterable[Finding],
    finished_at: str,
) -> int:
    cur = db.conn.execute(
        "INSERT INTO inspections (case_id, inspector, inspector_code, cycle, result, finished_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (case_id, inspector, inspector_code, cycle, result, finished_at),
    )
    new_id = int(cur.lastrowid or 0)
    db.conn.executemany(
        "INSERT INTO inspection_findings (inspection_id, seq, aspect, severity, note) VALUES (?, ?, ?, ?, ?)",
        [(new_id, i, f.aspect, f.severity, f.note) for i, f in enumerate(findings, 1)],
    )
    return new_id


def inspections_of(db: Database, case_id: int) -> list[InspectionRow]:
    """Every finished inspection of the form, oldest first: the inspections table and the
    review's finished checks of it (their inspector's login from the users table)."""
    conn = db.conn
    found: dict[int, list[Finding]] = {}
    for f in conn.execute(
        "SELECT f.inspection_id, f.aspect, f.severity, f.note FROM inspection_findings f"
        " JOIN inspections i ON i.id = f.inspection_id WHERE i.case_id = ? ORDER BY f.inspection_id, f.seq",
        (case_id,),
    ):
        found.setdefault(f[0], []).append(Finding(f[1], f[2], f[3]))
    out = [
        InspectionRow(
            f"inspection:{r['id']}",
            r["inspector"],
            r["inspector_code"],
            r["finished_at"],
            r["result"],
            tuple(found.get(r["id"], ())),
            int(r["cycle"]),
        )
        for r in conn.execute("SELECT * FROM inspections WHERE case_id = ? ORDER BY id", (case_id,))
    ]
    kinds = ",".join("?" * len(REVIEW_KINDS))
    checks = conn.execute(
        "SELECT c.id, c.inspector, c.who,"
        # finished when first completed (its audit row); a later correction does not move it
        " COALESCE((SELECT MIN(a.at) FROM audit_log a WHERE a.entity = 'review_check'"
        "   AND a.key = CAST(c.id AS TEXT) AND a.action = 'review.complete'), c.updated_at) AS finished_at,"
        " (SELECT MIN(u.login) FROM users u WHERE u.surveyor_code = c.inspector) AS login"
        f" FROM review_checks c WHERE c.case_id = ? AND c.state = 'done' AND c.kind IN ({kinds})"
        " ORDER BY c.id",
        (case_id, *REVIEW_KINDS),
    ).fetchall()
    for c in checks:
        review_findings = tuple(
            Finding(f["point"], f["severity"], f["note"])
            for f in conn.execute(
                "SELECT point, severity, note FROM review_findings WHERE check_id = ? ORDER BY id", (c["id"],)
            )
        )
        out.append(
            InspectionRow(
                f"review_check:{c['id']}",
                c["login"] or c["who"],
                c["inspector"],
                c["finished_at"],
                "findings" if review_findings else "ok",
                review_findings,
                None,
            )
        )
    out.sort(key=lambda r: r.finished_at)
    return out


def record_submission(
    db: Database,
    case_id: int,
    step: str,
    submitted_on: dt.date,
    basis: str,
    source: str | None,
    reason: str,
    who: str,
    now: str,
) -> None:
    db.conn.execute(
        "INSERT INTO submission_checks (case_id, step, submitted_on, basis, source, reason, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case_id,
            step,
            submitted_on.isoformat(),
            basis,
            source if basis == INSPECTED else None,
            reason,
            now,
            who,
        ),
    )


def inspectors_with(db: Database, roles: Iterable[str], author_code: str | None) -> list[str]:
    """Logins with one of the roles, other than the form's author (by surveyor code)."""
    roles = tuple(roles)
    marks = ",".join("?" * len(roles))
    return [
        r[0]
        for r in db.conn.execute(
            f"SELECT login FROM users WHERE role IN ({marks})"
            " AND (surveyor_code IS NULL OR surveyor_code IS NOT ?) ORDER BY role <> 'chief', login",
            (*roles, author_code),
        )
    ]
