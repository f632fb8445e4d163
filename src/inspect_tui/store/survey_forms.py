"""The survey forms' content and the inspector's marks on their points (migration 0013).

Plain SQL; the rules live in core/survey_form.py and core/form_rules.py, the transactions in
services/forms/. A form belongs to a case and a survey cycle (store/inspections.py
``cycle_of``); its newest version is the form.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from inspect_tui.core.records import record
from inspect_tui.core.survey_form import SurveyForm, form_from_json, form_to_json
from inspect_tui.store.connection import Database
from inspect_tui.store.history import forget_salt

#: Note texts shorter than this are not looked for in the file's bytes after a purge: "なし"
#: or "特になし" are in many forms, and in the bytes of any of them proves nothing.
NOTE_SCAN_MIN = 8

MARKS = ("explained", "finding", "cleared")
MARK_LABELS = {"explained": "確認済", "finding": "指摘にした", "cleared": "未確認"}


@record(frozen=True)
class StoredForm:
    id: int
    case_id: int
    cycle: int
    version: int
    form: SurveyForm | None  # None: purged (the copy's retention is over)
    source: str  # import | entry
    recorded_at: str
    who: str

    def holds(self, form: SurveyForm) -> bool:
        """This version is that form (a re-import of the same file writes nothing)."""
        return self.form is not None and form_to_json(self.form) == form_to_json(form)


@record(frozen=True)
class PointMark:
    point_key: str
    mark: str  # explained | finding | cleared
    finding: str | None
    form_id: int
    recorded_at: str
    who: str


def _stored(r) -> StoredForm:
    form = None if r["form_answers"] is None else form_from_json(r["form_answers"], r["form_notes"] or "{}")
    return StoredForm(
        r["id"], r["case_id"], r["cycle"], r["version"], form, r["source"], r["recorded_at"], r["who"]
    )


def insert_form(
    db: Database,
    case_id: int,
    cycle: int,
    form: SurveyForm,
    *,
    source: str,
    file: str | None,
    recorded_at: str,
    who: str,
) -> tuple[int, int]:
    """A new version of the (case, cycle)'s form; (its id, its version)."""
    answers, notes = form_to_json(form)
    version = db.conn.execute(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM survey_forms WHERE case_id = ? AND cycle = ?",
        (case_id, cycle),
    ).fetchone()[0]
    cur = db.conn.execute(
        "INSERT INTO survey_forms (case_id, cycle, version, form_answers, form_notes, source, file,"
        " recorded_at, who) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (case_id, cycle, version, answers, notes, source, file, recorded_at, who),
    )
    return int(cur.lastrowid or 0), int(version)


def current_form(db: Database, case_id: int, cycle: int) -> StoredForm | None:
    """The newest version of the (case, cycle)'s form, or None when none was recorded."""
    r = db.conn.execute(
        "SELECT * FROM survey_forms WHERE case_id = ? AND cycle = ? ORDER BY version DESC LIMIT 1",
        (case_id, cycle),
    ).fetchone()
    return _stored(r) if r is not None else None


def forms_of(db: Database, case_id: int) -> list[StoredForm]:
    """Every version of every cycle's form of the case, oldest first."""
    return [
        _stored(r)
        for r in db.conn.execute(
            "SELECT * FROM survey_forms WHERE case_id = ? ORDER BY cycle, version", (case_id,)
        )
    ]


def latest_forms(
    db: Database, case_ids: Iterable[int] | None = None
) -> Iterator[tuple[int, int, StoredForm]]:
    """(case_id, cycle, newest version) of every form that still has its content."""
    sql = (
        "SELECT f.* FROM survey_forms f WHERE f.form_answers IS NOT NULL AND f.version ="
        " (SELECT MAX(g.version) FROM survey_forms g WHERE g.case_id = f.case_id AND g.cycle = f.cycle)"
    )
    params: tuple = ()
    if case_ids is not None:
        ids = list(case_ids)
        if not ids:
            return
        sql += f" AND f.case_id IN ({','.join('?' * len(ids))})"
        params = tuple(ids)
    for r in db.conn.execute(sql + " ORDER BY f.case_id, f.cycle", params):
        yield r["case_id"], r["cycle"], _stored(r)


def form_case_ids(
    db: Database,
    *,
    visited: tuple[str, str] | None = None,
    among: list[int] | None = None,
    ward: str | None = None,
    surveyor: str | None = None,
) -> list[int]:
    """Ids of the cases with a stored form: visited in the span (ISO dates) and/or among the
    given ids, narrowed by ward and surveyor (each optional)."""
    if among is not None and not among:
        return []
    sql = "SELECT DISTINCT c.id FROM cases c JOIN survey_forms f ON f.case_id = c.id WHERE 1"
    params: list = []
    for clause, value in (
        (" AND c.visited_on BETWEEN ? AND ?", visited),
        (" AND c.id IN (SELECT value FROM json_each(?))", None if among is None else (json.dumps(among),)),
        (" AND c.ward = ?", (ward,) if ward else None),
        (" AND c.surveyor = ?", (surveyor,) if surveyor else None),
    ):
        if value is not None:
            sql += clause
            params.extend(value)
    return [r[0] for r in db.conn.execute(sql + " ORDER BY c.id", params)]


def insert_mark(
    db: Database,
    case_id: int,
    cycle: int,
    form_id: int,
    point_key: str,
    mark: str,
    finding: str | None,
    recorded_at: str,
    who: str,
) -> int:
    if mark not in MARKS:
        raise ValueError(mark)
    cur = db.conn.execute(
        "INSERT INTO form_point_marks (case_id, cycle, form_id, point_key, mark, finding, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (case_id, cycle, form_id, point_key, mark, finding, recorded_at, who),
    )
    return int(cur.lastrowid or 0)


def clear_marks_of_finding(db: Database, finding: str, recorded_at: str, who: str) -> int:
    """A finding made of a point was removed: the point's mark is withdrawn ('cleared')."""
    rows = db.conn.execute(
        "SELECT m.* FROM form_point_marks m WHERE m.finding = ? AND m.id = (SELECT MAX(n.id)"
        " FROM form_point_marks n WHERE n.case_id = m.case_id AND n.cycle = m.cycle"
        " AND n.point_key = m.point_key)",
        (finding,),
    ).fetchall()
    for r in rows:
        insert_mark(
            db, r["case_id"], r["cycle"], r["form_id"], r["point_key"], "cleared", None, recorded_at, who
        )
    return len(rows)


def marks_of(db: Database, case_id: int, cycle: int) -> dict[str, PointMark]:
    """The newest mark of each point of the (case, cycle) ('cleared' ones left out)."""
    out: dict[str, PointMark] = {}
    for r in db.conn.execute(
        "SELECT * FROM form_point_marks WHERE case_id = ? AND cycle = ? ORDER BY id", (case_id, cycle)
    ):
        out[r["point_key"]] = PointMark(
            r["point_key"], r["mark"], r["finding"], r["form_id"], r["recorded_at"], r["who"]
        )
    return {k: m for k, m in out.items() if m.mark != "cleared"}


def purge_forms(db: Database, case_ids: Iterable[int], now: str) -> int:
    """Empty the forms of these cases (the retention purge, in its transaction, with
    ``secure_delete`` on) and forget their log salts; how many form versions were emptied."""
    ids = list(case_ids)
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    rows = db.conn.execute(
        f"SELECT id FROM survey_forms WHERE purged_at IS NULL AND case_id IN ({marks})", ids
    ).fetchall()
    db.conn.executemany(
        "UPDATE survey_forms SET form_answers = NULL, form_notes = NULL, purged_at = ? WHERE id = ?",
        [(now, r[0]) for r in rows],
    )
    for r in rows:
        forget_salt(db.conn, "survey_forms", str(r[0]))
    return len(rows)


def _on_disk(text: str) -> str:
    """A note as it lies in the file: inside the JSON of form_notes."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def form_note_values(db: Database, case_ids: list[int]) -> list[str]:
    """The note texts of these cases' forms as stored (to look for them in the file's bytes
    after the purge; held in memory only, never written or shown)."""
    out: list[str] = []
    for i in range(0, len(case_ids), 500):
        chunk = case_ids[i : i + 500]
        for r in db.conn.execute(
            "SELECT form_notes FROM survey_forms WHERE form_notes IS NOT NULL"
            " AND case_id IN (SELECT value FROM json_each(?))",
            (json.dumps(chunk),),
        ):
            out += [_on_disk(t) for t in json.loads(r[0]).values() if len(t.strip()) >= NOTE_SCAN_MIN]
    return out


def notes_held_elsewhere(db: Database, values: list[str]) -> set[str]:
    """Of these values, the ones a form that keeps its content still holds in its notes."""
    if not values:
        return set()
    return {
        v
        for v in values
        if db.conn.execute(
            "SELECT 1 FROM survey_forms WHERE form_notes IS NOT NULL AND instr(form_notes, ?) LIMIT 1", (v,)
        ).fetchone()
    }
