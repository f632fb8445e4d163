"""Completing a check: every point OK or with a finding (a follow-up also needs its
proficiency note), the minutes it took, the day, and an audit row; or a draft thrown
away (a finished check is never deleted)."""

from __future__ import annotations

import datetime as dt
import math

from inspect_tui.core import review as rules
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.review.form_points import unmarked_for_check
from inspect_tui.services.review.marking import load_own, reload_check
from inspect_tui.services.review.queue import ReviewError, _audit, _tx, check_summary
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import reviews as store
from inspect_tui.store.reviews import CheckRecord

__all__ = ["complete_check", "discard_check", "missing_points"]


def missing_points(rec: CheckRecord) -> list[str]:
    return [p for p in rules.POINT_IDS if rec.outcomes.get(p) is None]


@writes("review.save")
def complete_check(
    s: Session, check_id: int, *, minutes: int | None = None, checked_on: dt.date | None = None
) -> CheckRecord:
    """Finish a check: every point must be OK or have a finding. Minutes default to the time
    the check was open. Recorded in the audit trail."""
    rec = load_own(s, check_id)
    missing = missing_points(rec)
    if missing:
        raise ReviewError(
            "まだ見ていない点検項目があります: " + "、".join(rules.POINT_LABELS[p] for p in missing)
        )
    if rec.kind in rules.FOLLOWUP_MONTHS and not rec.proficiency_note.strip():
        raise ReviewError("習熟度確認には習熟度の所見を書いてください")
    unmarked = unmarked_for_check(s, rec)
    if unmarked:
        raise ReviewError(unmarked)
    if minutes is None:
        minutes = rec.minutes if rec.minutes is not None else max(1, math.ceil(rec.open_seconds / 60))
    before = check_summary(rec)
    action = "review.update" if rec.state == "done" else "review.complete"
    with _tx(s):
        store.update_check(
            s.db,
            check_id,
            {
                "state": "done",
                "minutes": int(minutes),
                "checked_on": (checked_on or rec.checked_on or today_jp()).isoformat(),
                "updated_at": now_jp_iso(),
                "who": s.who,
            },
        )
        after = reload_check(s, check_id)
        _audit(s, action, check_id, before if rec.state == "done" else None, check_summary(after))
    return after


@writes("review.save")
def discard_check(s: Session, check_id: int) -> None:
    """Throw a draft away (a finished check is never deleted)."""
    rec = load_own(s, check_id)
    if rec.state == "done":
        raise ReviewError("点検済みの記録は削除できません")
    if rec.blind_of is not None:
        raise ReviewError("ブラインド点検の依頼は取り消せません（管理者に依頼してください）")
    with _tx(s):
        store.delete_check(s.db, check_id)
