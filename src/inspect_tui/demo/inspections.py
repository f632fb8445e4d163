"""The demo's inspections before submission (点検, seed 001 §4(5)), so the demo's monthly
report, its Today screen and its 点検実施率 look like an office that uses the app.

Every submission and resubmission dated from the start of the fiscal year before today
was inspected by the chief of the case's ward (another chief of the district when that
chief wrote the form), on the day it went out: one in six with a finding, the rest
問題なし; a form of a new hire's focused review counts by its review check. A few in
the last two months went out without one (a manager's override, with the reason), so
the lists of forms submitted without inspection are not empty. Older submissions have
no record in the app, as forms that came with the city's list (点検記録なし（取込）).

Deterministic: the choices follow the event ids, so a seed and a today give the same rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from inspect_tui.core.inspection import ASPECTS, CYCLE_RESET_STEPS, INSPECTED, UNCHECKED
from inspect_tui.core.metrics import fiscal_year_of
from inspect_tui.demo.staff import Surveyor

#: every sixth inspection has a finding; every 211th recent submission went out unchecked
FINDING_EVERY = 6
UNCHECKED_EVERY = 211
UNCHECKED_DAYS = 61
UNCHECKED_REASON = "主任不在のため至急提出（翌営業日に点検）"
_ASPECT_IDS = tuple(ASPECTS)
_SEVERITIES = ("minor", "fix")
_FINDING_NOTES = {
    "typo": "特記事項に誤字",
    "omission": "選択漏れ（1-12 視力）",
    "wording": "特記事項の言い回しが不適切",
    "choice_note": "選択肢と特記事項が合っていない",
    "cross_item": "2-1 と 2-2 の選択が矛盾",
    "notes_quality": "介助の頻度が特記事項にない",
}


def _inspector_for(staff: list[Surveyor]) -> dict[tuple[str, str], str]:
    """{(ward, author code): the inspecting chief's code} resolver data: each ward's chief,
    and for a chief's own form another chief of the district."""
    out: dict[tuple[str, str], str] = {}
    chiefs = [s for s in staff if s.is_chief]
    for chief in chiefs:
        others = [c for c in chiefs if c.district == chief.district and c.code != chief.code]
        for ward in chief.wards:
            out[(ward, "")] = chief.code
            out[(ward, chief.code)] = others[0].code if others else chief.code
    return out


def seed_inspections(conn: sqlite3.Connection, staff: list[Surveyor], today: dt.date) -> int:
    """Write the inspections and submission records; return how many submissions were covered."""
    start = dt.date(fiscal_year_of(today) - 1, 4, 1)
    unchecked_from = today - dt.timedelta(days=UNCHECKED_DAYS)
    by_ward = _inspector_for(staff)
    manager = conn.execute("SELECT login FROM users WHERE role = 'manager' ORDER BY login LIMIT 1").fetchone()
    resets = ",".join(f"'{k}'" for k in CYCLE_RESET_STEPS)
    reviewed = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT case_id, MIN(id) FROM review_checks WHERE state = 'done'"
            " AND kind IN ('focused', 'routine') AND case_id IS NOT NULL GROUP BY case_id"
        )
    }
    rows = conn.execute(
        "SELECT e.id, e.case_id, e.kind, e.on_date, c.ward, c.surveyor,"
        f" (SELECT COUNT(*) FROM case_events r WHERE r.case_id = e.case_id AND r.kind IN ({resets})"
        "   AND r.id < e.id AND NOT EXISTS (SELECT 1 FROM case_events v WHERE v.void_of = r.id))"
        " FROM case_events e JOIN cases c ON c.id = e.case_id"
        " WHERE e.kind IN ('submit', 'resubmit') AND e.on_date BETWEEN ? AND ?"
        " AND NOT EXISTS (SELECT 1 FROM case_events v WHERE v.void_of = e.id)"
        " ORDER BY e.id",
        (start.isoformat(), today.isoformat()),
    ).fetchall()
    next_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM inspections").fetchone()[0] + 1
    inspections: list[tuple] = []
    findings: list[tuple] = []
    checks: list[tuple] = []
    for event_id, case_id, kind, on_date, ward, author, cycle in rows:
        day = dt.date.fromisoformat(on_date)
        chief = by_ward.get((ward, author or ""), by_ward.get((ward, ""))) if ward else None
        recorded = f"{on_date}T17:00:00+09:00"
        if manager and day >= unchecked_from and event_id % UNCHECKED_EVERY == 0:
            checks.append((case_id, kind, on_date, UNCHECKED, None, UNCHECKED_REASON, recorded, manager[0]))
            continue
        if kind == "submit" and case_id in reviewed:
            source = f"review_check:{reviewed[case_id]}"
        elif chief is None:
            continue  # a ward outside the demo's districts: left as imported
        else:
            login = f"demo-{chief.lower()}"
            found = event_id % FINDING_EVERY == 0
            inspections.append(
                (
                    next_id,
                    case_id,
                    login,
                    chief,
                    cycle,
                    "findings" if found else "ok",
                    f"{on_date}T09:30:00+09:00",
                )
            )
            if found:
                aspect = _ASPECT_IDS[event_id % len(_ASPECT_IDS)]
                severity = _SEVERITIES[event_id % len(_SEVERITIES)]
                findings.append((next_id, 1, aspect, severity, _FINDING_NOTES[aspect]))
            source = f"inspection:{next_id}"
            next_id += 1
        who = f"demo-{chief.lower()}" if chief else (manager[0] if manager else "demo")
        checks.append((case_id, kind, on_date, INSPECTED, source, "", recorded, who))
    conn.executemany(
        "INSERT INTO inspections (id, case_id, inspector, inspector_code, cycle, result, finished_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        inspections,
    )
    conn.executemany(
        "INSERT INTO inspection_findings (inspection_id, seq, aspect, severity, note) VALUES (?, ?, ?, ?, ?)",
        findings,
    )
    conn.executemany(
        "INSERT INTO submission_checks (case_id, step, submitted_on, basis, source, reason, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        checks,
    )
    return len(checks)
