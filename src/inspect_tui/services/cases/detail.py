"""A case as people read it: fields, deadlines with business days left and how
they were counted, and the event timeline. Used by the CLI and the TUI."""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.case_columns import CLOSED_STATUSES, FIELD_LABELS, STATUS_LABELS
from inspect_tui.core.deadlines import STATE_WORDS, Horizon, business_days_left, case_rules, deadline_state
from inspect_tui.core.records import record
from inspect_tui.core.today import today_jp
from inspect_tui.services.cases.history import event_label, voided_ids
from inspect_tui.services.cases.inspection import inspection_lines
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import printer
from inspect_tui.store.cases import events_of, exceptions_of, get_case


@record(frozen=True)
class DeadlineView:
    rule: str
    label: str
    due: dt.date | None
    done_on: dt.date | None
    days_left: int | None  # business days from today; negative = overdue
    state: str  # core.deadlines.deadline_state: done, late, overdue, today, soon, ok, excluded, closed, none
    explanation: str


def deadlines_of(s: Session, row, today: dt.date | None = None) -> list[DeadlineView]:
    today = today or today_jp()
    cal = s.calendar
    horizon = Horizon.on(today, cal)
    excluded = {e["rule"] for e in exceptions_of(s.db, row["id"]) if e["kind"] == "exclude"}
    closed = row["status"] in CLOSED_STATUSES
    out = []
    for rule in case_rules():
        due_s = row[rule.due_column]
        due = dt.date.fromisoformat(due_s) if due_s else None
        done_s = row[rule.ends_by] if rule.ends_by else None
        done = dt.date.fromisoformat(done_s) if done_s else None
        left = business_days_left(cal, today, due) if due else None
        base_s = row[rule.base]
        explanation = rule.explain(dt.date.fromisoformat(base_s), cal) if base_s else "起算日が未入力"
        state = deadline_state(due, horizon, done_on=done, closed=closed, excluded=rule.id in excluded)
        out.append(DeadlineView(rule.id, rule.label, due, done, left, state, explanation))
    return out


def describe_case(s: Session, case_no: str, show_personal: bool = False, view=None) -> str:
    """The case as text (``case show``). view shows the timeline's notes to the reader
    (services.free_text.viewer); without one they are masked, as for a monitor."""
    row = get_case(s.db, case_no)
    if row is None:
        raise LookupError(f"依頼番号 {case_no} は見つかりません")
    lines = [
        f"依頼番号 {row['case_no']}  状態: {STATUS_LABELS[row['status']]}  区: {row['ward']}"
        f"  申請区分: {row['application']}  {'緊急 ' if row['urgent'] else ''}"
        f"{'他市町村（' + row['insurer'] + '）' if not row['is_home'] else ''}"
    ]
    if show_personal and row["applicant_name"]:
        lines.append(f"氏名: {row['applicant_name']}")
    lines.append(
        f"調査員: {row['surveyor'] or '未割当'}"
        + (f"  同行: {row['accompanied_by']}" if row["accompanied_by"] else "")
    )
    for field, label in FIELD_LABELS.items():
        if row[field]:
            lines.append(f"  {label}: {row[field]}")
    lines.append("期限:")
    for d in deadlines_of(s, row):
        left = (
            ""
            if d.days_left is None or d.state in ("done", "late", "closed")
            else f"（残り {d.days_left} 開庁日）"
        )
        lines.append(f"  {d.label}: {d.due or '－'} [{STATE_WORDS[d.state]}]{left}")
        lines.append(f"    {d.explanation}")
    if view is None:
        view = printer(s, [case_no])
    lines += inspection_lines(s, row, view)
    events = events_of(s.db, row["id"])
    if events:
        voided = voided_ids(events)
        lines.append("経過（番号は case void に使えます。すべての記録は case history）:")
        for e in events:
            mark = "［取消済］" if e["id"] in voided else ""
            lines.append(
                f"  {e['id']:>5}  {e['on_date'] or e['recorded_at'][:10]}  {mark}{event_label(e['kind'])}"
                f"  {e['who']}  {view(e['note'])}"
            )
    return "\n".join(lines)
