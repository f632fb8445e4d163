"""Marking a check: each point OK or a finding (severity, survey item, note), the
findings edited or removed, and the guidance given. Every change is its own small
transaction, so nothing typed is lost if the app is closed half way; a finished
check corrected afterwards leaves an audit row per change. Only the check's own
inspector may change it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.core import review as rules
from inspect_tui.core.review import ReviewRuleError
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.review.queue import ReviewError, _audit, _tx, check_summary
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import reviews as store
from inspect_tui.store import survey_forms as form_store
from inspect_tui.store.reviews import CheckRecord, Finding

__all__ = [
    "add_finding",
    "edit_finding",
    "load_own",
    "mark_rest_ok",
    "reload_check",
    "remove_finding",
    "set_fields",
    "set_follow",
    "set_point",
]


def load_own(s: Session, check_id: int) -> CheckRecord:
    """The check, when it is the logged-in inspector's own (ReviewError otherwise)."""
    rec = store.get_check(s.db, check_id)
    if rec is None:
        raise ReviewError("この点検の記録は見つかりません（削除されました）")
    me = store.login_surveyor_code(s.db, s.who)
    if rec.inspector != me:
        raise ReviewError("ほかの人の点検は変更できません")
    return rec


def _touch(s: Session, rec: CheckRecord, extra: dict[str, object] | None = None) -> None:
    values: dict[str, object] = {"updated_at": now_jp_iso(), "who": s.who}
    if rec.state == "requested":
        values["state"] = "draft"
    values.update(extra or {})
    store.update_check(s.db, rec.id, values)
    if rec.state == "done" and not (extra and set(extra) <= {"open_seconds"}):
        # a finished check corrected afterwards: every change leaves an audit row
        after = store.get_check(s.db, rec.id)
        _audit(s, "review.edit", rec.id, check_summary(rec), check_summary(after) if after else None)


@writes("review.save")
def set_point(s: Session, check_id: int, point: str, outcome: str | None) -> CheckRecord:
    """Mark a point OK ('ok', removing its findings) or not looked at (None)."""
    rules.check_choice(point, rules.CHECK_POINTS, "点検項目")
    if outcome not in ("ok", None):
        raise ReviewError("指摘ありにするには add_finding を使います")
    rec = load_own(s, check_id)
    with _tx(s):
        for f in rec.findings_on(point):
            store.delete_finding(s.db, f.id or 0)
        store.set_outcome(s.db, check_id, point, outcome)
        _touch(s, rec)
    return reload_check(s, check_id)


@writes("review.save")
def mark_rest_ok(s: Session, check_id: int) -> CheckRecord:
    """Every point not looked at yet marked OK (points with findings stay)."""
    rec = load_own(s, check_id)
    with _tx(s):
        for p in rules.POINT_IDS:
            if rec.outcomes.get(p) is None:
                store.set_outcome(s.db, check_id, p, "ok")
        _touch(s, rec)
    return reload_check(s, check_id)


@writes("review.save")
def add_finding(
    s: Session, check_id: int, point: str, severity: str, item_code: str = "", note: str = ""
) -> CheckRecord:
    rules.check_choice(point, rules.CHECK_POINTS, "点検項目")
    rules.check_choice(severity, rules.SEVERITIES, "重さ")
    item_code = _item(item_code)
    rec = load_own(s, check_id)
    with _tx(s):
        store.insert_finding(s.db, check_id, Finding(point, severity, item_code, note))
        store.set_outcome(s.db, check_id, point, "finding")
        _touch(s, rec)
    return reload_check(s, check_id)


def _item(code: str) -> str:
    try:
        return rules.normalize_item_code(code)
    except ReviewRuleError as exc:
        raise ReviewError(str(exc)) from None


@writes("review.save")
def edit_finding(
    s: Session,
    check_id: int,
    finding_id: int,
    *,
    severity: str | None = None,
    item_code: str | None = None,
    note: str | None = None,
    guidance: str | None = None,
    guidance_on: dt.date | None = None,
) -> CheckRecord:
    """Change a finding: its severity, survey item, note, or the guidance given for it
    (指導内容) and the day (default: today, the first time guidance is written)."""
    rec = load_own(s, check_id)
    old = next((f for f in rec.findings if f.id == finding_id), None)
    if old is None:
        raise ReviewError("この指摘は見つかりません")
    values: dict[str, object] = {}
    if guidance is not None:
        values["guidance"] = guidance
        if guidance_on is None and guidance.strip() and old.guidance_on is None:
            guidance_on = today_jp()
    if guidance_on is not None:
        if guidance_on > today_jp():
            raise ReviewError("指導した日に先の日付は書けません")
        values["guidance_on"] = guidance_on.isoformat()
    if severity is not None:
        values["severity"] = rules.check_choice(severity, rules.SEVERITIES, "重さ")
    if item_code is not None:
        values["item_code"] = _item(item_code)
    if note is not None:
        values["note"] = note
    if values:
        with _tx(s):
            store.update_finding(s.db, finding_id, values)
            _touch(s, rec)
    return reload_check(s, check_id)


@writes("review.save")
def remove_finding(s: Session, check_id: int, finding_id: int) -> CheckRecord:
    rec = load_own(s, check_id)
    gone = next((f for f in rec.findings if f.id == finding_id), None)
    if gone is None:
        raise ReviewError("この指摘は見つかりません")
    with _tx(s):
        store.delete_finding(s.db, finding_id)
        if len(rec.findings_on(gone.point)) == 1:
            store.set_outcome(s.db, check_id, gone.point, None)
        # a finding made of a form's content point: the point is unmarked again
        form_store.clear_marks_of_finding(s.db, f"review_finding:{finding_id}", now_jp_iso(), s.who)
        _touch(s, rec)
    return reload_check(s, check_id)


@writes("review.save")
def set_follow(s: Session, check_id: int, finding_id: int, outcome: str | None) -> CheckRecord:
    """This check's look at an earlier finding of the same surveyor: 'improved' (改善),
    'continue' (継続指導), or None (withdrawn while the check is open)."""
    from inspect_tui.services.review.followthrough import points_for_check

    if outcome is not None:
        rules.check_choice(outcome, rules.FOLLOW_OUTCOMES, "改善状況")
    rec = load_own(s, check_id)
    if rec.kind not in rules.FOLLOW_KINDS or rec.blind_of is not None:
        raise ReviewError(
            "この点検では前回までの指導の改善を記録しません（重点チェック・習熟度確認で記録します）"
        )
    if not any(p.id == finding_id for p in points_for_check(s, rec)):
        raise ReviewError(
            "この指摘は前回までの指導の一覧にありません（改善済み、または別の調査員の指摘です）"
        )
    with _tx(s):
        store.set_follow(s.db, check_id, finding_id, outcome)
        _touch(s, rec)
    return reload_check(s, check_id)


_FIELDS = (
    "guidance",
    "guidance_methods",
    "fixed_before_submission",
    "minutes",
    "open_seconds",
    "proficiency_note",
)


@writes("review.save")
def set_fields(s: Session, check_id: int, **values: Any) -> CheckRecord:
    """Change guidance, guidance_methods (iterable of ids), fixed_before_submission (bool/None),
    minutes, open_seconds or proficiency_note of a check."""
    unknown = set(values) - set(_FIELDS)
    if unknown:
        raise ReviewError(f"変更できない欄です: {', '.join(sorted(unknown))}")
    row: dict[str, object] = {}
    for k, v in values.items():
        if k == "guidance_methods":
            row[k] = ",".join(rules.check_choice(m, rules.GUIDANCE_METHODS, "指導の方法") for m in v)
        elif k == "fixed_before_submission":
            row[k] = None if v is None else int(bool(v))
        elif k in ("minutes", "open_seconds"):
            if v is not None and (int(v) < 0 or int(v) > 24 * 3600):
                raise ReviewError("時間の値が範囲外です")
            row[k] = None if v is None else int(v)
        else:
            row[k] = str(v)
    rec = load_own(s, check_id)
    with _tx(s):
        _touch(s, rec, row)
    return reload_check(s, check_id)


def reload_check(s: Session, check_id: int) -> CheckRecord:
    """The check as stored now (after a change)."""
    rec = store.get_check(s.db, check_id)
    assert rec is not None
    return rec
