"""Complaints, incidents, problems and their links in SQLite (migration 0006).

Rows go in and out as plain dicts of column values; the services check them
first. Every write runs in one ``store.tx.write`` transaction together with
its audit row, so a change and its audit entry land together or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from inspect_tui.store.audit import record_audit
from inspect_tui.store.connection import Database
from inspect_tui.store.tx import write

COMPLAINT_COLUMNS = (
    "received_at",
    "complainant",
    "complainant_note",
    "handled_by",
    "ward",
    "case_no",
    "surveyor",
    "category",
    "content",
    "outcome",
    "serious",
    "city_caused",
    "reported_to_city_at",
)
INCIDENT_COLUMNS = (
    "kind",
    "occurred_at",
    "place",
    "people",
    "ward",
    "case_no",
    "surveyor",
    "what_happened",
    "impact",
    "direct_cause",
    "root_cause",
    "immediate_response",
    "countermeasure",
    "prevention",
    "cause_category",
    "city_caused",
    "phoned_city_at",
    "written_report_at",
)
PROBLEM_COLUMNS = ("title", "owner", "opened_on", "due_on", "status", "root_cause_note", "fix", "closed_on")
TABLES = {
    "complaint": ("complaints", COMPLAINT_COLUMNS),
    "incident": ("incidents", INCIDENT_COLUMNS),
    "problem": ("problems", PROBLEM_COLUMNS),
}


def _audit(
    db: Database,
    who: str,
    action: str,
    entity: str,
    key: int,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    record_audit(db, who, action, entity, key, before, after)


def _row(r: sqlite3.Row | None) -> dict[str, Any] | None:
    return None if r is None else dict(r)


def get(db: Database, entity: str, row_id: int) -> dict[str, Any] | None:
    table, _ = TABLES[entity]
    return _row(db.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone())


def save(
    db: Database,
    entity: str,
    values: Mapping[str, Any],
    *,
    who: str,
    now: str,
    row_id: int | None = None,
    links: Iterable[tuple[str, int]] | None = None,
) -> int:
    """Insert (row_id None) or update one record, its problem links and its audit row."""
    table, columns = TABLES[entity]
    vals = {c: values.get(c) for c in columns}
    conn = db.conn
    with write(db):
        if row_id is None:
            cols = (*columns, "recorded_at", "who", "updated_at")
            cur = conn.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                (*vals.values(), now, who, now),
            )
            rid = int(cur.lastrowid or 0)
            before = None
            action = "create"
        else:
            before = _row(conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone())
            if before is None:
                raise LookupError(f"{entity} {row_id} がありません")
            sets = ", ".join(f"{c} = ?" for c in columns)
            conn.execute(
                f"UPDATE {table} SET {sets}, updated_at = ? WHERE id = ?", (*vals.values(), now, row_id)
            )
            rid = row_id
            action = "update"
        after = dict(vals)
        if links is not None and entity == "problem":
            link_list = sorted(set(links))
            conn.execute("DELETE FROM problem_links WHERE problem_id = ?", (rid,))
            conn.executemany(
                "INSERT INTO problem_links (problem_id, source, source_id) VALUES (?, ?, ?)",
                [(rid, s, i) for s, i in link_list],
            )
            after["links"] = [f"{s}:{i}" for s, i in link_list]
        _audit(db, who, action, entity, rid, before, after)
    return rid


def exists(db: Database, table: str, column: str, value: Any) -> bool:
    assert table in ("cases", "surveyors", "complaints", "incidents", "problems", "meetings")
    return db.conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (value,)).fetchone() is not None


def select(
    db: Database, entity: str, where: list[str], params: list[Any], order: str
) -> list[dict[str, Any]]:
    table, _ = TABLES[entity]
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return [dict(r) for r in db.conn.execute(f"SELECT * FROM {table}{clause} ORDER BY {order}", params)]


def links_of(db: Database, problem_ids: Iterable[int]) -> dict[int, list[tuple[str, int]]]:
    ids = list(problem_ids)
    out: dict[int, list[tuple[str, int]]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = db.conn.execute(
        "SELECT problem_id, source, source_id FROM problem_links"
        f" WHERE problem_id IN ({','.join('?' * len(ids))})"
        " ORDER BY source, source_id",
        ids,
    )
    for r in rows:
        out[r[0]].append((r[1], r[2]))
    return out


def count_by(db: Database, table: str, column: str, where: list[str], params: list[Any]) -> dict[str, int]:
    assert table in ("complaints", "incidents")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = db.conn.execute(f"SELECT {column}, COUNT(*) FROM {table}{clause} GROUP BY {column}", params)
    return {r[0]: r[1] for r in rows}


def findings_by_point(
    db: Database,
    start: str,
    end: str,
    *,
    ward: str | None = None,
    surveyor: str | None = None,
    kind: str | None = None,
) -> dict[str, int]:
    """Findings per check point over finished, non-blind review checks start..end (inclusive),
    narrowed by the case's ward, the checked surveyor or the check kind (migration 0004's tables)."""
    sql = (
        "SELECT f.point, count(*) FROM review_findings f JOIN review_checks c ON c.id = f.check_id"
        " LEFT JOIN cases k ON k.id = c.case_id"
        " WHERE c.state = 'done' AND c.blind_of IS NULL AND c.checked_on BETWEEN ? AND ?"
    )
    params: list[Any] = [start, end]
    for col, val in (("k.ward", ward), ("c.surveyor", surveyor), ("c.kind", kind)):
        if val:
            sql += f" AND {col} = ?"
            params.append(val)
    return {r[0]: r[1] for r in db.conn.execute(sql + " GROUP BY f.point", params)}
