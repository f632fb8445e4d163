"""Help across wards (seed 001 §3(4)): a manager assigns a chief one form (a case) or a
whole surveyor's review outside the chief's wards, with a reason and the days it is in
force; the rule that reads them is wards.py. Append-only (migration 0015): an assignment
is ended by a new entry, and every write leaves an audit row.
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.text import control_problem
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.review.queue import ReviewError, _tx
from inspect_tui.services.review.wards import ward_names
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import NOTHING, FieldWarning, Known, field_warnings, known_for_cases
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import review_assignments as store
from inspect_tui.store import reviews
from inspect_tui.store.audit import record_audit
from inspect_tui.store.review_assignments import Assignment
from inspect_tui.store.users import surveyor_wards

__all__ = [
    "Assignment",
    "assign",
    "chief_choices",
    "chief_wards_text",
    "end_assignment",
    "list_assignments",
    "reason_warnings",
    "what",
]

REASON_LABEL = "理由"
REASON_MAX = 500


def reason_warnings(s: Session, reason: str | None, case_no: str | None = None) -> list[FieldWarning]:
    """What in the reason looks like personal data (the case's applicant too), for the UIs."""
    known: Known = known_for_cases(s, [case_no]) if case_no else NOTHING
    return field_warnings({REASON_LABEL: reason}, known)


def _reason(text: str | None, *, required: bool) -> str | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise ReviewError("割り当ての理由を書いてください（例: 須磨区の主任が休暇のため）")
        return None
    bad = control_problem(text, allow="\t\n")
    if bad:
        raise ReviewError(f"理由の{bad}")
    if len(text) > REASON_MAX:
        raise ReviewError(f"理由は{REASON_MAX}文字以内にしてください")
    return text


def what(a: Assignment) -> str:
    """What an assignment covers, in words: 依頼 R9-00100（長田区） / 調査員 S010 の点検すべて."""
    if a.case_id is not None:
        return f"調査票 {a.case_no}（{a.case_ward}）"
    return f"調査員 {a.surveyor} の点検すべて"


@writes("review.assign")
def assign(
    s: Session,
    chief: str | None = None,
    *,
    case_no: str | None = None,
    surveyor: str | None = None,
    reason: str | None = None,
    from_on: dt.date | None = None,
    until_on: dt.date | None = None,
) -> int:
    """A manager assigns ``chief`` one form (case_no) or a surveyor's whole review, from
    ``from_on`` (default today) to ``until_on`` (None: until ended). Returns its id."""
    if (case_no is None) == (surveyor is None):
        raise ReviewError("割り当てる調査票（依頼番号）か調査員のどちらか一つを指定してください")
    info = reviews.surveyor(s.db, chief or "")
    if info is None or not info.is_chief or info.left_on is not None:
        raise ReviewError(f"{chief} は主任調査員ではありません（在籍中の主任を指定してください）")
    assert chief is not None
    text = _reason(reason, required=True)
    from_on = from_on or today_jp()
    if until_on is not None and until_on < from_on:
        raise ReviewError(f"終わりの日 {until_on} が始まりの日 {from_on} より前です")
    case_id = None
    if case_no is not None:
        case = reviews.case_by_no(s.db, case_no)
        if case is None:
            raise ReviewError(f"依頼番号 {case_no} は見つかりません")
        case_id, author = case.id, case.surveyor
    else:
        if reviews.surveyor(s.db, surveyor or "") is None:
            raise ReviewError(f"調査員 {surveyor} は登録されていません")
        author = surveyor
    if author == chief:
        raise ReviewError(f"{chief} 本人の調査票です。自分の調査票は点検できません")
    now = now_jp_iso()
    values = {
        "chief": chief,
        "case_id": case_id,
        "surveyor": surveyor,
        "reason": text,
        "from_on": from_on.isoformat(),
        "until_on": until_on.isoformat() if until_on else None,
        "recorded_at": now,
        "who": s.who,
    }
    with _tx(s):
        aid = store.insert_assignment(s.db, values)
        record_audit(
            s.db, s.who, "review.assign", "review_assignment", str(aid), None, {**values, "case_no": case_no}
        )
    return aid


@writes("review.assign")
def end_assignment(s: Session, assignment_id: int | None = None, reason: str | None = None) -> Assignment:
    """A manager ends an assignment (a new entry naming it; the assignment stays on record)."""
    a = store.assignment(s.db, assignment_id or 0)
    if a is None:
        raise ReviewError(f"割り当て {assignment_id} は見つかりません")
    if a.ended_at is not None:
        raise ReviewError(f"割り当て {a.id} は {a.ended_at[:10]} に終えています")
    text = _reason(reason, required=False)
    now = now_jp_iso()
    with _tx(s):
        eid = store.insert_end(s.db, a.id, text, now, s.who)
        record_audit(
            s.db,
            s.who,
            "review.assign_end",
            "review_assignment",
            str(a.id),
            {"chief": a.chief, "case_id": a.case_id, "surveyor": a.surveyor},
            {"ended_by_entry": eid, "reason": text},
        )
    ended = store.assignment(s.db, a.id)
    assert ended is not None
    return ended


def list_assignments(s: Session, chief: str | None = None) -> list[Assignment]:
    """Every assignment, ended ones too, oldest first (reads only; reasons are free text:
    show them through services.trust.free_text.viewer)."""
    return store.assignments(s.db, chief)


def chief_choices(s: Session, but: str | None = None) -> list[tuple[str, str]]:
    """(code, 氏名（コード・担当区）) of every working chief but ``but`` (the form's author)."""
    return [
        (info.code, f"{info.name}（{info.code}・{chief_wards_text(s, info.code)}）")
        for info in reviews.all_surveyors(s.db)
        if info.is_chief and info.left_on is None and info.code != but
    ]


def chief_wards_text(s: Session, chief: str) -> str:
    """A chief's own wards, for a listing: 長田区・須磨区."""
    return ward_names(surveyor_wards(s.db, chief))
