"""What a user does with a case: record a step, extend or exclude a deadline,
re-derive deadlines after the closure list changed."""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.case_columns import FIELD_LABELS
from inspect_tui.core.case_events import VOID, Event
from inspect_tui.core.deadlines import case_rule, case_rules
from inspect_tui.core.history import check_insert, check_void
from inspect_tui.core.records import record
from inspect_tui.core.steps import STEPS, StepError
from inspect_tui.core.text import control_problem
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.cases.closed_months import correction_note
from inspect_tui.services.cases.inspection import guard_submission
from inspect_tui.services.session import Session
from inspect_tui.services.trust.audit import audit_change, changes_since
from inspect_tui.services.trust.permissions import DatabaseBusy, PermissionDenied, require, writes
from inspect_tui.store.cases import (
    add_event,
    derived_columns,
    get_case,
    update_case,
)
from inspect_tui.store.events import DerivedConflict, NewEvent, append, derive, events_for
from inspect_tui.store.tx import ConflictError, write

__all__ = [
    "CaseNotFound",
    "ConflictError",
    "DatabaseBusy",
    "PermissionDenied",
    "StepError",
    "add_deadline_exception",
    "record_step",
    "rederive_deadlines",
    "void_event",
]


class CaseNotFound(LookupError):
    pass


def _load(s: Session, case_no: str):
    row = get_case(s.db, case_no)
    if row is None:
        raise CaseNotFound(f"依頼番号 {case_no} は見つかりません")
    return row


def case_labels() -> dict[str, str]:
    """Column -> what a person calls it, for the lines that say what others changed."""
    return {
        **FIELD_LABELS,
        "status": "状態",
        **{rule.due_column: rule.due_title for rule in case_rules()},
        "applicant_name": "申請者氏名",
        "insured_no": "被保険者番号",
        "birth_date": "生年月日",
        "surveyor": "調査員",
        "ward": "区",
    }


NOTE_CONTROLS = "\t\n"  # a note may have tabs and line breaks, no other control character


def _conflict(s: Session, case_no: str, read_version: int) -> ConflictError:
    """A ConflictError that says what others changed since the user read the case."""
    now_row = get_case(s.db, case_no)
    lines = changes_since(s, "case", case_no, read_version, case_labels())
    head = (
        f"他の人がこの依頼（{case_no}）を先に更新しました"
        f"（開いたときは版 {read_version}、今は版 {now_row['version'] if now_row else '?'}）。"
    )
    body = ("\n  変わった内容:\n" + "\n".join(f"  - {x}" for x in lines[-10:])) if lines else ""
    return ConflictError(head + body + "\n  開き直してから記録してください")


def _audit_case(s: Session, action: str, row, changes: dict, **extra) -> None:
    before = {k: row[k] for k in changes if k in row.keys()}
    before["version"] = row["version"]
    after = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in changes.items()}
    after["version"] = row["version"] + 1
    after.update(extra)
    audit_change(s, action, "case", row["case_no"], before, after)


def _check_note(note: str) -> None:
    bad_note = control_problem(note, allow=NOTE_CONTROLS)
    if bad_note:
        raise StepError(f"メモの{bad_note}")


@writes("case.step")
def record_step(
    s: Session,
    case_no: str,
    step_id: str,
    on: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
    cause: str | None = None,
    *,
    without_inspection: str | None = None,
    correction_of: str | None = None,
) -> str:
    """Append a step event (core.case_events.USER_STEPS) and derive the case's state from its events.

    Permission first (the decorator, then the case's ward), then the order rules
    (core.history.check_append: dates after today in Japan or before the case was
    received are refused), then the event and the derived row in one transaction.
    expected_version (the version the user saw) guards against someone else's
    change in between. cause (city / office / surveyor) says whose the correction
    is. Returns the new status.

    A submission needs a finished inspection of the form by someone other than its
    author (services/cases/inspection.py), unless a manager gives
    ``without_inspection`` (the reason), which is recorded and counted.

    A step dated in a closed month needs ``correction_of`` naming that month
    (services/cases/closed_months.py); the event's note says so.
    """
    today = today_jp()
    on = on or today
    _check_note(note)
    note = f"{note}{correction_note(s, on, correction_of)}"
    if step_id not in STEPS:
        raise StepError(f"知らない手順です: {step_id}（{' / '.join(STEPS)}）")
    row = _load(s, case_no)
    require(s, "case.step", ward=row["ward"])
    if expected_version is not None and row["version"] != expected_version:
        raise _conflict(s, case_no, expected_version)
    event = Event(0, step_id, on, cause=cause)
    check_insert(events_for(s.db, row["id"]), event, today)  # say what is wrong before the lock
    now = now_jp_iso()
    with write(s.db):
        # Read again under the write lock: someone may have written in between. With
        # the version the user saw, that is a conflict; without one (the CLI), the
        # step is checked against the case as it is now.
        fresh = _load(s, case_no)
        if fresh["version"] != row["version"]:
            if expected_version is not None:
                raise _conflict(s, case_no, expected_version)
            require(s, "case.step", ward=fresh["ward"])
        row = fresh
        state = check_insert(events_for(s.db, row["id"]), event, today)
        # inspection before submission (one call; refuses, or records how it went through)
        unchecked = guard_submission(s, row, step_id, on, without_inspection, now)
        note = f"{note} {unchecked}".strip() if unchecked else note
        event_id = append(
            s.db, NewEvent(row["id"], step_id, on, now, s.who, note or STEPS[step_id].label, cause=cause)
        )
        try:
            _state, changes, _row = derive(s.db, row["id"], now, expected_version=row["version"])
        except DerivedConflict:
            raise _conflict(s, case_no, row["version"]) from None
        _audit_case(s, step_id, row, changes, event=event_id, on=on.isoformat())
    return state.status()


@writes("case.step")
def void_event(s: Session, case_no: str, event_id: int, reason: str) -> str:
    """Void one step event with a reason (a new event; nothing is deleted or edited).

    Refused when the rest of the history would break an order rule without it
    (voiding a visit that a submission follows). Returns the new status.
    """
    _check_note(reason)
    row = _load(s, case_no)
    require(s, "case.step", ward=row["ward"])
    check_void(events_for(s.db, row["id"]), event_id, reason)
    now = now_jp_iso()
    with write(s.db):
        row = _load(s, case_no)
        require(s, "case.step", ward=row["ward"])
        events = events_for(s.db, row["id"])
        state = check_void(events, event_id, reason)
        target = next(e for e in events if e.id == event_id)
        void_id = append(s.db, NewEvent(row["id"], VOID, None, now, s.who, reason.strip(), void_of=event_id))
        try:
            _state, changes, _row = derive(s.db, row["id"], now, expected_version=row["version"])
        except DerivedConflict:
            raise _conflict(s, case_no, row["version"]) from None
        _audit_case(s, "void", row, changes, event=void_id, void_of=event_id, voided_kind=target.kind)
    return state.status()


EXCEPTION_CAUSES = {"city": "市の事由", "applicant": "申請者の事由", "other": "その他（市と合意）"}


@writes("case.deadline")
def add_deadline_exception(
    s: Session,
    case_no: str,
    rule: str,
    kind: str,
    reason: str,
    cause: str = "city",
    new_due: dt.date | None = None,
) -> None:
    """Extend (kind='extend', new_due) or exclude (kind='exclude') one deadline of a case."""
    deadline = case_rule(rule)  # ValueError for a rule that is not one
    if kind not in ("extend", "exclude"):
        raise ValueError("kind は extend か exclude です")
    if cause not in EXCEPTION_CAUSES:
        raise ValueError(f"理由の区分は {' / '.join(EXCEPTION_CAUSES)} のどれかです")
    if not reason.strip():
        raise ValueError("理由を書いてください")
    row = _load(s, case_no)
    require(s, "case.deadline", ward=row["ward"])
    original = row[deadline.due_column]
    if kind == "extend":
        if new_due is None:
            raise ValueError("延長後の期限を指定してください")
        if original and new_due.isoformat() <= original:
            raise ValueError(f"延長後の期限 {new_due.isoformat()} が今の期限 {original} より後ではありません")
    now = now_jp_iso()
    label = deadline.label
    with write(s.db):
        s.db.conn.execute(
            "INSERT INTO deadline_exceptions (case_id, rule, kind, cause, original_due, new_due,"
            " reason, recorded_at, who) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                row["id"],
                rule,
                kind,
                cause,
                original,
                new_due.isoformat() if new_due else None,
                reason,
                now,
                s.who,
            ),
        )
        if kind == "extend":
            try:
                update_case(s.db, row["id"], row["version"], {deadline.due_column: new_due}, now)
            except ConflictError:
                raise _conflict(s, case_no, row["version"]) from None
            _audit_case(s, "deadline_extend", row, {deadline.due_column: new_due}, reason=reason, cause=cause)
            note = f"{label}を {original} から {new_due} に延長: {reason}"
        else:
            audit_change(
                s,
                "deadline_exclude",
                "case",
                case_no,
                None,
                {"rule": rule, "kind": kind, "cause": cause, "reason": reason, "due": original},
            )
            note = f"{label}を集計から除外（{EXCEPTION_CAUSES[cause]}）: {reason}"
        add_event(s.db, row["id"], f"deadline_{kind}", None, s.who, note, now)


@record(frozen=True)
class Moved:
    case_no: str
    rule: str
    old: str | None
    new: str | None


@writes("case.rederive")
def rederive_deadlines(s: Session, *, dry_run: bool = False) -> list[Moved]:
    """Recompute stored deadlines with today's calendar; record every one that moves.

    Extended deadlines are left alone (they were agreed by hand).
    """
    extended = {
        (r["case_id"], r["rule"])
        for r in s.db.conn.execute("SELECT case_id, rule FROM deadline_exceptions WHERE kind='extend'")
    }
    rules = case_rules()
    moved: list[tuple[int, Moved]] = []
    for row in s.db.conn.execute("SELECT * FROM cases"):
        derived = derived_columns(dict(row), s.calendar)
        for rule in rules:
            col = rule.due_column
            if (row["id"], rule.id) in extended:
                continue
            if derived[col] != row[col]:
                moved.append((row["id"], Moved(row["case_no"], rule.id, row[col], derived[col])))
    if dry_run or not moved:
        return [m for _, m in moved]
    now = now_jp_iso()
    with write(s.db):
        for case_id, m in moved:
            deadline = case_rule(m.rule)
            s.db.conn.execute(
                f"UPDATE cases SET {deadline.due_column} = ?, version = version + 1, updated_at = ?"
                " WHERE id = ?",
                (m.new, now, case_id),
            )
            add_event(
                s.db,
                case_id,
                "deadline_rederive",
                None,
                s.who,
                f"{deadline.label}を再計算: {m.old} から {m.new}",
                now,
            )
            audit_change(
                s,
                "deadline_rederive",
                "case",
                m.case_no,
                {deadline.due_column: m.old},
                {deadline.due_column: m.new},
            )
    return [m for _, m in moved]
