"""The review tables (migration 0004): form numbers, checks, points, findings,
closures, accompanied visits. Plain SQL; the rules live in core/review.py and
the transactions in services/review*.py."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence

from inspect_tui.core.records import field, record
from inspect_tui.core.review import POINT_IDS, CaseForNumbering
from inspect_tui.store.connection import Database


def _d(v: str | None) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


# --------------------------------------------------------------------------- surveyors and cases
@record(frozen=True)
class SurveyorInfo:
    code: str
    name: str
    placed_on: dt.date | None
    is_chief: bool
    left_on: dt.date | None


def surveyor(db: Database, code: str) -> SurveyorInfo | None:
    r = db.conn.execute(
        "SELECT code, name, COALESCE(placed_on, hired_on) AS placed, is_chief, left_on"
        " FROM surveyors WHERE code = ?",
        (code,),
    ).fetchone()
    return _surveyor(r) if r else None


def _surveyor(r: sqlite3.Row) -> SurveyorInfo:
    return SurveyorInfo(r["code"], r["name"], _d(r["placed"]), bool(r["is_chief"]), _d(r["left_on"]))


def all_surveyors(db: Database) -> list[SurveyorInfo]:
    return [
        _surveyor(r)
        for r in db.conn.execute(
            "SELECT code, name, COALESCE(placed_on, hired_on) AS placed, is_chief, left_on"
            " FROM surveyors ORDER BY code"
        )
    ]


def chief_codes(db: Database) -> frozenset[str]:
    return frozenset(r[0] for r in db.conn.execute("SELECT code FROM surveyors WHERE is_chief = 1"))


def login_surveyor_code(db: Database, login: str) -> str | None:
    """The surveyor code a manager registered for a login (users.surveyor_code), else None.

    A login is never taken for a surveyor because its name looks like a code: who
    someone is comes from the users table only.
    """
    r = db.conn.execute("SELECT surveyor_code FROM users WHERE login = ?", (login,)).fetchone()
    return r[0] if r and r[0] else None


def cases_for_numbering(db: Database, code: str) -> list[CaseForNumbering]:
    """The surveyor's visited cases since placement: a visit before it is not one of their forms."""
    return [
        CaseForNumbering(
            r["id"],
            r["case_no"],
            _d(r["visited_on"]),
            r["accompanied_by"],
            bool(r["cancelled_on"]),
            bool(r["returned_on"]),
        )
        for r in db.conn.execute(
            "SELECT c.id, c.case_no, c.visited_on, c.accompanied_by, c.cancelled_on, c.returned_on"
            " FROM cases c JOIN surveyors me ON me.code = c.surveyor"
            " WHERE c.surveyor = ? AND c.visited_on IS NOT NULL"
            " AND c.visited_on >= COALESCE(me.placed_on, me.hired_on, '')",
            (code,),
        )
    ]


@record(frozen=True)
class CaseBrief:
    """What the review shows of a case: no applicant name, no insured number."""

    id: int
    case_no: str
    surveyor: str | None
    ward: str
    visited_on: dt.date | None
    submitted_on: dt.date | None
    standard_due: dt.date | None
    status: str


_CASE_SQL = "SELECT id, case_no, surveyor, ward, visited_on, submitted_on, standard_due, status FROM cases"


def _case(r: sqlite3.Row) -> CaseBrief:
    return CaseBrief(
        r["id"],
        r["case_no"],
        r["surveyor"],
        r["ward"],
        _d(r["visited_on"]),
        _d(r["submitted_on"]),
        _d(r["standard_due"]),
        r["status"],
    )


def case_by_no(db: Database, case_no: str) -> CaseBrief | None:
    r = db.conn.execute(_CASE_SQL + " WHERE case_no = ?", (case_no,)).fetchone()
    return _case(r) if r else None


def case_by_id(db: Database, case_id: int) -> CaseBrief | None:
    r = db.conn.execute(_CASE_SQL + " WHERE id = ?", (case_id,)).fetchone()
    return _case(r) if r else None


def latest_case_of(db: Database, code: str) -> CaseBrief | None:
    r = db.conn.execute(
        _CASE_SQL + " WHERE surveyor = ? AND visited_on IS NOT NULL ORDER BY visited_on DESC, case_no DESC",
        (code,),
    ).fetchone()
    return _case(r) if r else None


# --------------------------------------------------------------------------- form numbers
def fixed_forms(db: Database, code: str) -> dict[int, int]:
    """{case_id: form_no} already numbered for a surveyor."""
    return {
        r[0]: r[1]
        for r in db.conn.execute("SELECT case_id, form_no FROM review_forms WHERE surveyor = ?", (code,))
    }


def add_forms(db: Database, code: str, pairs: Iterable[tuple[int, int]], now: str) -> None:
    db.conn.executemany(
        "INSERT INTO review_forms (surveyor, form_no, case_id, assigned_at) VALUES (?, ?, ?, ?)",
        [(code, no, cid, now) for no, cid in pairs],
    )


@record(frozen=True)
class NumberedForm:
    form_no: int
    case: CaseBrief


def numbered_forms(db: Database, code: str) -> list[NumberedForm]:
    rows = db.conn.execute(
        "SELECT f.form_no, c.id, c.case_no, c.surveyor, c.ward, c.visited_on, c.submitted_on,"
        " c.standard_due, c.status FROM review_forms f JOIN cases c ON c.id = f.case_id"
        " WHERE f.surveyor = ? ORDER BY f.form_no",
        (code,),
    )
    return [NumberedForm(r["form_no"], _case(r)) for r in rows]


#: "x IN" a list bound as one JSON parameter (_json(values)): one statement for any number
_IN_LIST = "IN (SELECT value FROM json_each(?))"


def _json(values: Sequence[object]) -> str:
    return json.dumps(list(values))


def numbered_forms_of(db: Database, codes: Sequence[str]) -> dict[str, list[NumberedForm]]:
    """numbered_forms for several surveyors in one statement: {code: forms by number}."""
    out: dict[str, list[NumberedForm]] = {code: [] for code in codes}
    rows = db.conn.execute(
        "SELECT f.surveyor AS form_of, f.form_no, c.id, c.case_no, c.surveyor, c.ward, c.visited_on,"
        " c.submitted_on, c.standard_due, c.status FROM review_forms f JOIN cases c ON c.id = f.case_id"
        f" WHERE f.surveyor {_IN_LIST} ORDER BY f.surveyor, f.form_no",
        (_json(codes),),
    )
    for r in rows:
        out[r["form_of"]].append(NumberedForm(r["form_no"], _case(r)))
    return out


def cases_by_id(db: Database, ids: Sequence[int]) -> dict[int, CaseBrief]:
    """case_by_id for several cases in one statement: {id: case}; a missing id is left out."""
    rows = db.conn.execute(f"{_CASE_SQL} WHERE id {_IN_LIST}", (_json(ids),))
    return {r["id"]: _case(r) for r in rows}


def done_focused_of(db: Database, codes: Sequence[str]) -> dict[str, dict[int, int]]:
    """{code: {case_id: check_id}} of finished focused checks (not blind ones), latest per case."""
    out: dict[str, dict[int, int]] = {code: {} for code in codes}
    for r in db.conn.execute(
        f"SELECT surveyor, case_id, max(id) FROM review_checks WHERE surveyor {_IN_LIST}"
        " AND kind = 'focused' AND state = 'done' AND blind_of IS NULL GROUP BY surveyor, case_id",
        (_json(codes),),
    ):
        out[r[0]][r[1]] = r[2]
    return out


def first_done_of(db: Database, codes: Sequence[str], kinds: Sequence[str]) -> dict[tuple[str, str], dt.date]:
    """{(code, kind): the first day a check of that kind was finished} for several surveyors."""
    return {
        (r[0], r[1]): dt.date.fromisoformat(r[2])
        for r in db.conn.execute(
            "SELECT surveyor, kind, min(checked_on) FROM review_checks"
            f" WHERE surveyor {_IN_LIST} AND kind {_IN_LIST} AND state = 'done' GROUP BY surveyor, kind",
            (_json(codes), _json(kinds)),
        )
        if r[2]
    }


def form_no_of(db: Database, case_id: int) -> int | None:
    r = db.conn.execute("SELECT form_no FROM review_forms WHERE case_id = ?", (case_id,)).fetchone()
    return r[0] if r else None


# --------------------------------------------------------------------------- checks
@record
class Finding:
    point: str
    severity: str
    item_code: str = ""
    note: str = ""
    id: int | None = None
    guidance: str = ""  # 指導内容: the guidance given for this finding
    guidance_on: dt.date | None = None  # the day it was given


@record
class CheckRecord:
    id: int
    case_id: int | None
    surveyor: str
    inspector: str
    kind: str
    post_source: str | None
    blind_of: int | None
    state: str
    guidance: str
    guidance_methods: tuple[str, ...]
    fixed_before_submission: bool | None
    minutes: int | None
    open_seconds: int
    proficiency_note: str
    checked_on: dt.date | None
    created_at: str
    updated_at: str
    outcomes: dict[str, str | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    who: str = ""  # the login that last wrote it (who has a draft open)
    #: {finding id: 'improved' | 'continue'}: this check's looks at earlier findings
    follows: dict[int, str] = field(default_factory=dict)

    def findings_on(self, point: str) -> list[Finding]:
        return [f for f in self.findings if f.point == point]


CHECK_COLUMNS = (
    "id, case_id, surveyor, inspector, kind, post_source, blind_of, state, guidance, guidance_methods,"
    " fixed_before_submission, minutes, open_seconds, proficiency_note, checked_on, created_at, updated_at,"
    " who"
)


def _check(db: Database, r: sqlite3.Row) -> CheckRecord:
    rec = CheckRecord(
        r["id"],
        r["case_id"],
        r["surveyor"],
        r["inspector"],
        r["kind"],
        r["post_source"],
        r["blind_of"],
        r["state"],
        r["guidance"],
        tuple(m for m in r["guidance_methods"].split(",") if m),
        None if r["fixed_before_submission"] is None else bool(r["fixed_before_submission"]),
        r["minutes"],
        r["open_seconds"],
        r["proficiency_note"],
        _d(r["checked_on"]),
        r["created_at"],
        r["updated_at"],
        who=r["who"],
    )
    rec.outcomes = {p: None for p in POINT_IDS}
    for p in db.conn.execute("SELECT point, outcome FROM review_points WHERE check_id = ?", (rec.id,)):
        rec.outcomes[p["point"]] = p["outcome"]
    rec.findings = [
        Finding(
            f["point"], f["severity"], f["item_code"], f["note"], f["id"], f["guidance"], _d(f["guidance_on"])
        )
        for f in db.conn.execute(
            "SELECT id, point, severity, item_code, note, guidance, guidance_on FROM review_findings"
            " WHERE check_id = ? ORDER BY id",
            (rec.id,),
        )
    ]
    rec.follows = {
        r[0]: r[1]
        for r in db.conn.execute(
            "SELECT finding_id, outcome FROM review_followthrough WHERE check_id = ? ORDER BY finding_id",
            (rec.id,),
        )
    }
    return rec


def get_check(db: Database, check_id: int) -> CheckRecord | None:
    r = db.conn.execute(f"SELECT {CHECK_COLUMNS} FROM review_checks WHERE id = ?", (check_id,)).fetchone()
    return _check(db, r) if r else None


def find_checks(db: Database, where: str, params: Iterable[object] = ()) -> list[CheckRecord]:
    rows = db.conn.execute(
        f"SELECT {CHECK_COLUMNS} FROM review_checks WHERE {where} ORDER BY id", tuple(params)
    )
    return [_check(db, r) for r in rows.fetchall()]


def open_check_for(
    db: Database, case_id: int | None, surveyor: str, inspector: str, kind: str, blind_of: int | None
) -> CheckRecord | None:
    """The unfinished (requested or draft) check with these keys, if any."""
    r = db.conn.execute(
        f"SELECT {CHECK_COLUMNS} FROM review_checks WHERE COALESCE(case_id, 0) = COALESCE(?, 0)"
        " AND surveyor = ? AND inspector = ? AND kind = ? AND COALESCE(blind_of, 0) = COALESCE(?, 0)"
        " AND state != 'done'",
        (case_id, surveyor, inspector, kind, blind_of),
    ).fetchone()
    return _check(db, r) if r else None


def insert_check(db: Database, values: dict[str, object]) -> int:
    cols = ", ".join(values)
    cur = db.conn.execute(
        f"INSERT INTO review_checks ({cols}) VALUES ({', '.join('?' * len(values))})", tuple(values.values())
    )
    return int(cur.lastrowid or 0)


def update_check(db: Database, check_id: int, values: dict[str, object]) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    db.conn.execute(f"UPDATE review_checks SET {sets} WHERE id = ?", (*values.values(), check_id))


def set_outcome(db: Database, check_id: int, point: str, outcome: str | None) -> None:
    db.conn.execute(
        "INSERT INTO review_points (check_id, point, outcome) VALUES (?, ?, ?)"
        " ON CONFLICT (check_id, point) DO UPDATE SET outcome = excluded.outcome",
        (check_id, point, outcome),
    )


def insert_finding(db: Database, check_id: int, f: Finding) -> int:
    cur = db.conn.execute(
        "INSERT INTO review_findings (check_id, point, severity, item_code, note, guidance, guidance_on)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            check_id,
            f.point,
            f.severity,
            f.item_code,
            f.note,
            f.guidance,
            f.guidance_on.isoformat() if f.guidance_on else None,
        ),
    )
    return int(cur.lastrowid or 0)


def update_finding(db: Database, finding_id: int, values: dict[str, object]) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    db.conn.execute(f"UPDATE review_findings SET {sets} WHERE id = ?", (*values.values(), finding_id))


def delete_finding(db: Database, finding_id: int) -> None:
    db.conn.execute("DELETE FROM review_findings WHERE id = ?", (finding_id,))


# --------------------------------------------------------------------------- guidance follow-through
def set_follow(db: Database, check_id: int, finding_id: int, outcome: str | None) -> None:
    """This check's look at an earlier finding ('improved' / 'continue'), or withdrawn (None)."""
    if outcome is None:
        db.conn.execute(
            "DELETE FROM review_followthrough WHERE check_id = ? AND finding_id = ?", (check_id, finding_id)
        )
        return
    db.conn.execute(
        "INSERT INTO review_followthrough (check_id, finding_id, outcome) VALUES (?, ?, ?)"
        " ON CONFLICT (check_id, finding_id) DO UPDATE SET outcome = excluded.outcome",
        (check_id, finding_id, outcome),
    )


@record(frozen=True)
class Look:
    """A finished check's look at an earlier finding."""

    finding_id: int
    check_id: int
    kind: str
    case_id: int | None
    checked_on: dt.date | None
    outcome: str


def looks_at_findings_of(db: Database, surveyor: str) -> dict[int, list[Look]]:
    """{finding id: looks of finished checks, oldest first} for a surveyor's findings."""
    out: dict[int, list[Look]] = {}
    for r in db.conn.execute(
        "SELECT t.finding_id, t.check_id, c.kind, c.case_id, c.checked_on, t.outcome"
        " FROM review_followthrough t JOIN review_checks c ON c.id = t.check_id"
        " WHERE c.surveyor = ? AND c.state = 'done' ORDER BY c.checked_on, c.id",
        (surveyor,),
    ):
        out.setdefault(r[0], []).append(Look(r[0], r[1], r[2], r[3], _d(r[4]), r[5]))
    return out


@record(frozen=True)
class Confirmation:
    id: int
    chief: str
    confirmed_on: dt.date
    verdict: str
    checked: int
    chief_name: str = ""


def confirmations(db: Database, surveyor: str) -> list[Confirmation]:
    """The chiefs' confirmations of a surveyor's review record, oldest first."""
    return [
        Confirmation(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4], r[5] or r[1])
        for r in db.conn.execute(
            "SELECT c.id, c.chief, c.confirmed_on, c.verdict, c.checked, s.name FROM review_confirmations c"
            " LEFT JOIN surveyors s ON s.code = c.chief WHERE c.surveyor = ? ORDER BY c.id",
            (surveyor,),
        )
    ]


def insert_confirmation(
    db: Database, surveyor: str, chief: str, on: dt.date, verdict: str, checked: int, now: str, who: str
) -> int:
    cur = db.conn.execute(
        "INSERT INTO review_confirmations (surveyor, chief, confirmed_on, verdict, checked, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (surveyor, chief, on.isoformat(), verdict, checked, now, who),
    )
    return int(cur.lastrowid or 0)


def delete_check(db: Database, check_id: int) -> None:
    db.conn.execute("DELETE FROM review_checks WHERE id = ?", (check_id,))


# --------------------------------------------------------------------------- closures and visits
def closure(db: Database, code: str) -> tuple[str | None, str]:
    r = db.conn.execute(
        "SELECT verdict, closing_comment FROM review_closures WHERE surveyor = ?", (code,)
    ).fetchone()
    return (r[0], r[1]) if r else (None, "")


def save_closure(db: Database, code: str, verdict: str | None, comment: str, now: str, who: str) -> None:
    db.conn.execute(
        "INSERT INTO review_closures (surveyor, verdict, closing_comment, updated_at, who)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (surveyor) DO UPDATE SET verdict = excluded.verdict,"
        " closing_comment = excluded.closing_comment, updated_at = excluded.updated_at, who = excluded.who",
        (code, verdict, comment, now, who),
    )


@record(frozen=True)
class AccompaniedVisit:
    id: int
    surveyor: str
    chief: str | None
    on_date: dt.date
    purpose: str
    case_no: str | None


def accompanied_visits(db: Database, code: str) -> list[AccompaniedVisit]:
    return [
        AccompaniedVisit(
            r["id"],
            r["surveyor"],
            r["chief"],
            dt.date.fromisoformat(r["on_date"]),
            r["purpose"],
            r["case_no"],
        )
        for r in db.conn.execute(
            "SELECT v.id, v.surveyor, v.chief, v.on_date, v.purpose, c.case_no FROM accompanied_visits v"
            " LEFT JOIN cases c ON c.id = v.case_id WHERE v.surveyor = ? ORDER BY v.on_date, v.id",
            (code,),
        )
    ]


def insert_visit(
    db: Database,
    code: str,
    chief: str | None,
    on: dt.date,
    purpose: str,
    case_id: int | None,
    now: str,
    who: str,
) -> int:
    cur = db.conn.execute(
        "INSERT INTO accompanied_visits (surveyor, chief, on_date, purpose, case_id, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (code, chief, on.isoformat(), purpose, case_id, now, who),
    )
    return int(cur.lastrowid or 0)
