"""The form's content points inside a check (issue 18): the check screen shows the points
of the form it checks (services/forms/points.py) and marks each with one key: 確認済, or a
finding of this check under the point's aspect. A focused or routine check (an inspection
of the form) cannot be completed while a point is unmarked (completing.py asks here).
"""

from __future__ import annotations

from inspect_tui.core import review as rules
from inspect_tui.core.records import record
from inspect_tui.core.review import ReviewRuleError
from inspect_tui.services.forms.points import FormPoints, points_of, record_mark, unmarked_message
from inspect_tui.services.forms.records import save_form
from inspect_tui.services.review.marking import _touch, load_own, reload_check
from inspect_tui.services.review.queue import ReviewError, _tx
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import viewer
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import reviews as store
from inspect_tui.store.inspections import REVIEW_KINDS
from inspect_tui.store.reviews import CheckRecord, Finding

#: The checks that are an inspection of the form: the ones its content points gate.
INSPECTION_KINDS = REVIEW_KINDS

__all__ = [
    "INSPECTION_KINDS",
    "ScreenPoints",
    "check_points",
    "explain_point",
    "finding_from_point",
    "save_check_form",
    "screen_points",
    "unmarked_for_check",
]


def check_points(s: Session, rec: CheckRecord) -> FormPoints | None:
    """The points of the form a check is about (None: a check without a case)."""
    if not rec.case_id:
        return None
    case = store.case_by_id(s.db, rec.case_id)
    if case is None:
        return None
    return points_of(s.db, rec.case_id, case.case_no)


def unmarked_for_check(s: Session, rec: CheckRecord) -> str | None:
    """Why an inspection check cannot be completed yet because of its form's points."""
    if rec.kind not in REVIEW_KINDS:
        return None
    fp = check_points(s, rec)
    return unmarked_message(fp) if fp is not None else None


def _item_of(items: tuple[str, ...]) -> str:
    """The first of the point's items the review's vocabulary knows ("6" alone is not one)."""
    for code in items:
        try:
            return rules.normalize_item_code(code)
        except ReviewRuleError:
            continue
    return ""


def _target(s: Session, check_id: int, point_key: str):
    rec = load_own(s, check_id)
    fp = check_points(s, rec)
    if fp is None or fp.stored is None or fp.stored.form is None:
        raise ReviewError("この点検には調査票の内容が記録されていません")
    target = fp.find(point_key)
    if target is None:
        raise ReviewError(f"点検ポイント {point_key} はこの調査票にありません（調査票が直されました）")
    return rec, fp, target


@writes("review.save")
def explain_point(s: Session, check_id: int, point_key: str) -> CheckRecord:
    """確認済: the 特記事項 explains the point, or it is real (or clear the mark when it is)."""
    rec, fp, target = _target(s, check_id, point_key)
    mark = "cleared" if target.mark is not None and target.mark.mark == "explained" else "explained"
    with _tx(s):
        record_mark(s, fp, point_key, mark, check=check_id)
        _touch(s, rec)
    return reload_check(s, check_id)


@writes("review.save")
def finding_from_point(s: Session, check_id: int, point_key: str, severity: str = "fix") -> CheckRecord:
    """The point made a finding of this check: under its aspect, on its first item, with
    the point's words as the note (no free text typed: nothing personal)."""
    rules.check_choice(severity, rules.SEVERITIES, "重さ")
    rec, fp, target = _target(s, check_id, point_key)
    if target.mark is not None and target.mark.mark == "finding":
        raise ReviewError("この点検ポイントはもう指摘にしています（指摘の取消は x）")
    point = target.point
    with _tx(s):
        finding_id = store.insert_finding(
            s.db, check_id, Finding(point.aspect, severity, _item_of(point.items), point.text()[:400])
        )
        store.set_outcome(s.db, check_id, point.aspect, "finding")
        record_mark(s, fp, point_key, "finding", f"review_finding:{finding_id}", check=check_id)
        _touch(s, rec)
    return reload_check(s, check_id)


@record(frozen=True)
class ScreenPoints:
    """What the check screen shows of the form: its points with marks, and the 特記事項 as
    the reader may see them (masked for a monitor)."""

    points: FormPoints | None
    notes: dict[str, str]

    @property
    def form(self):
        fp = self.points
        return fp.stored.form if fp is not None and fp.stored is not None else None


def screen_points(s: Session, check_id: int) -> ScreenPoints:
    """In a worker: the points of the check's form, for its screen."""
    rec = store.get_check(s.db, check_id)
    if rec is None:
        return ScreenPoints(None, {})
    fp = check_points(s, rec)
    form = fp.stored.form if fp is not None and fp.stored is not None else None
    if fp is None or form is None:
        return ScreenPoints(fp, {})
    view = viewer(s, case_ids=[fp.case_id])
    return ScreenPoints(fp, {code: view(text) for code, text in form.notes.items()})


@writes("form.save")
def save_check_form(s: Session, check_id: int, form) -> ScreenPoints:
    """The form typed in the check screen, recorded for the check's case; its points."""
    rec = store.get_check(s.db, check_id)
    if rec is None or not rec.case_id:
        raise ReviewError("この点検には依頼がありません（調査票を記録できません）")
    case = store.case_by_id(s.db, rec.case_id)
    assert case is not None
    save_form(s, case.case_no, form)
    return screen_points(s, check_id)
