"""A case as people read it: fields, deadlines with business days left and how
they were counted, and the event timeline. Used by the CLI and the TUI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspect_tui.core.deadlines import business_days_left, case_rules
from inspect_tui.core.steps import FIELD_LABELS, STATUS_LABELS
from inspect_tui.core.today import today_jp
from inspect_tui.services.session import Session
from inspect_tui.store.cases import events_of, exceptions_of, get_case

#: Which step ends each deadline: it is met once this date is set.
DONE_BY = {"contact": "contacted_on", "standard": "submitted_on", "target20": "submitted_on"}


@dataclass(frozen=True)
class DeadlineView:
    rule: str
    label: str
    due: dt.date | None
    done_on: dt.date | None
    days_left: int | None  # business days from today; negative = overdue
    state: str  # "done", "late", "overdue", "today", "soon", "ok", "excluded", "closed", "none"
    explanation: str


STATE_WORDS = {
    "done": "済",
    "late": "遅延済",
    "overdue": "超過",
    "today": "本日",
    "soon": "間近",
    "ok": "余裕",
    "excluded": "除外",
    "closed": "終了",
    "none": "－",
}


def deadline_state(
    due: dt.date | None,
    done_on: dt.date | None,
    closed: bool,
    today: dt.date,
    days_left: int | None,
    excluded: bool = False,
    soon_days: int = 2,
) -> str:
    if due is None:
        return "none"
    if excluded:
        return "excluded"
    if done_on:
        return "done" if done_on <= due else "late"
    if closed:
        return "closed"
    if days_left is None:
        return "none"
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    return "soon" if days_left <= soon_days else "ok"


def deadlines_of(s: Session, row, today: dt.date | None = None) -> list[DeadlineView]:
    today = today or today_jp()
    cal = s.calendar
    excluded = {e["rule"] for e in exceptions_of(s.db, row["id"]) if e["kind"] == "exclude"}
    closed = row["status"] in ("accepted", "cancelled", "returned")
    out = []
    for rule in case_rules():
        due_s = row[f"{rule.name}_due"]
        due = dt.date.fromisoformat(due_s) if due_s else None
        done_s = row[DONE_BY.get(rule.name, "")] if rule.name in DONE_BY else None
        done = dt.date.fromisoformat(done_s) if done_s else None
        left = business_days_left(cal, today, due) if due else None
        base_s = row[rule.base]
        explanation = rule.explain(dt.date.fromisoformat(base_s), cal) if base_s else "起算日が未入力"
        out.append(
            DeadlineView(
                rule.name,
                rule.label,
                due,
                done,
                left,
                deadline_state(due, done, closed, today, left, rule.name in excluded),
                explanation,
            )
        )
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
        lines.append(f"  {d.label}: {d.due or '—'} [{STATE_WORDS[d.state]}]{left}")
        lines.append(f"    {d.explanation}")
    events = events_of(s.db, row["id"])
    if events:
        if view is None:
            from inspect_tui.services.trust.free_text import printer

            view = printer(s, [case_no])
        lines.append("経過:")
        for e in events:
            lines.append(
                f"  {e['on_date'] or e['recorded_at'][:10]}  {e['kind']}  {e['who']}  {view(e['note'])}"
            )
    return "\n".join(lines)
