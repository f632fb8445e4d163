"""The points a form's content raises (core/form_rules.py), with the inspector's marks.

Points are for the inspector, not verdicts: each is marked 確認済 (the 特記事項 explains
it, or it is real) or made a finding of the check (項目間の整合性, 選択肢と特記事項の整合性
or, for a form written wrongly, 選択漏れ・記載漏れ). A form is not inspected while a point
of its current cycle's form is unmarked: the review's ``complete_check`` and ``case
inspect`` both ask ``unmarked`` first.
"""

from __future__ import annotations

from functools import cache

from inspect_tui.core.form_rules import Point, RuleSet, check_form
from inspect_tui.core.form_rules_file import load_rules
from inspect_tui.core.records import record
from inspect_tui.core.today import now_jp_iso
from inspect_tui.services.session import Session
from inspect_tui.services.trust.audit import audit_change
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import survey_forms as store
from inspect_tui.store.cases import get_case
from inspect_tui.store.connection import Database
from inspect_tui.store.inspections import cycle_of
from inspect_tui.store.survey_forms import MARK_LABELS, PointMark, StoredForm
from inspect_tui.store.tx import write

__all__ = [
    "MARK_LABELS",
    "FormPoints",
    "MarkedPoint",
    "PointsNotMarked",
    "form_points",
    "mark_point",
    "record_mark",
    "rules",
    "unmarked_message",
]


@cache
def rules() -> RuleSet:
    """data/form_rules.toml, read once per process."""
    return load_rules()


class PointsNotMarked(ValueError):
    """A form inspected while points of its content are unmarked; names them."""


@record(frozen=True)
class MarkedPoint:
    point: Point
    mark: PointMark | None

    @property
    def state(self) -> str:
        """未確認 / 確認済 / 指摘にした (in words: never only a colour)."""
        return MARK_LABELS[self.mark.mark] if self.mark else "未確認"


@record(frozen=True)
class FormPoints:
    case_no: str
    case_id: int
    cycle: int
    stored: StoredForm | None  # None: no form recorded for the cycle
    points: tuple[MarkedPoint, ...]

    @property
    def purged(self) -> bool:
        return self.stored is not None and self.stored.form is None

    @property
    def unmarked(self) -> tuple[Point, ...]:
        return tuple(p.point for p in self.points if p.mark is None)

    def find(self, key: str) -> MarkedPoint | None:
        for p in self.points:
            if p.point.key == key:
                return p
        return None


def points_of(db: Database, case_id: int, case_no: str) -> FormPoints:
    cycle = cycle_of(db, case_id).number
    stored = store.current_form(db, case_id, cycle)
    if stored is None or stored.form is None:
        return FormPoints(case_no, case_id, cycle, stored, ())
    marks = store.marks_of(db, case_id, cycle)
    found = check_form(stored.form, rules())
    return FormPoints(case_no, case_id, cycle, stored, tuple(MarkedPoint(p, marks.get(p.key)) for p in found))


def form_points(s: Session, case_no: str) -> FormPoints:
    """The points of the case's current form (its survey cycle's newest version)."""
    row = get_case(s.db, case_no)
    if row is None:
        raise LookupError(f"依頼番号 {case_no} は見つかりません")
    return points_of(s.db, row["id"], case_no)


def unmarked_message(fp: FormPoints) -> str | None:
    """Why the form cannot be marked inspected yet (None: every point is marked)."""
    left = fp.unmarked
    if not left:
        return None
    shown = "\n".join(f"  {p.key}  {p.text()}" for p in left[:10])
    more = f"\n  ほか {len(left) - 10} 件" if len(left) > 10 else ""
    return (
        f"{fp.case_no} の調査票に、まだ確認していない点検ポイントが {len(left)} 件あります"
        "（確認済にするか、指摘にしてから点検を終えます）:\n" + shown + more
    )


@writes("case.inspect")
def mark_point(
    s: Session, case_no: str, point_key: str, mark: str, *, finding: str | None = None
) -> FormPoints:
    """Mark a point of the case's current form: explained (確認済), finding (made a finding;
    ``finding`` names it: review_finding:ID or inspection:ID) or cleared (unmarked again)."""
    if mark not in MARK_LABELS:
        raise ValueError(f"印「{mark}」は使えません（explained = 確認済 / finding = 指摘 / cleared = 取消）")
    fp = form_points(s, case_no)
    if fp.stored is None:
        raise LookupError(f"{case_no} の調査票（今の調査の回）は記録されていません")
    if fp.stored.form is None:
        raise LookupError(f"{case_no} の調査票は保存期間が過ぎて消去されています")
    target = fp.find(point_key)
    if target is None:
        keys = "、".join(p.point.key for p in fp.points) or "（ありません）"
        raise LookupError(f"{case_no} の調査票に点検ポイント {point_key} はありません。ポイント: {keys}")
    with write(s.db):
        record_mark(s, fp, point_key, mark, finding)
    return points_of(s.db, fp.case_id, case_no)


def record_mark(
    s: Session, fp: FormPoints, point_key: str, mark: str, finding: str | None = None, **context: object
) -> None:
    """The one writer of a point's mark: the row and its audit row, in the caller's
    transaction (the form's current version must be stored). ``context`` goes into the
    audit row (the check it was marked in)."""
    assert fp.stored is not None
    store.insert_mark(s.db, fp.case_id, fp.cycle, fp.stored.id, point_key, mark, finding, now_jp_iso(), s.who)
    audit_change(
        s,
        "form.mark",
        "case",
        fp.case_no,
        None,
        {"point": point_key, "mark": mark, "cycle": fp.cycle, **context},
    )
