"""One check, walked through point by point: started or resumed here (two chiefs and one
form included), marked point by point in marking.py, completed in completing.py. This
module is the one name the screens use for all of it. Who may check what: queue.py.
"""

from __future__ import annotations

import math
from typing import Any

from inspect_tui.core import review as rules
from inspect_tui.core.records import field, record
from inspect_tui.core.today import now_jp_iso
from inspect_tui.services.review import wards
from inspect_tui.services.review.completing import complete_check, discard_check, missing_points
from inspect_tui.services.review.marking import (
    add_finding,
    edit_finding,
    mark_rest_ok,
    remove_finding,
    set_fields,
    set_follow,
    set_point,
)
from inspect_tui.services.review.queue import (
    AuthorIsInspector,
    QueueItem,
    ReviewError,
    _is_chief,
    _tx,
    inspector_code,
    review_queue,
    sync_form_numbers,
)
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import reviews as store
from inspect_tui.store.reviews import CaseBrief, CheckRecord

__all__ = [
    "CheckContext",
    "HeldByOther",
    "Holder",
    "add_finding",
    "complete_check",
    "discard_check",
    "edit_finding",
    "mark_rest_ok",
    "missing_points",
    "next_queue_item",
    "open_check",
    "queue_where",
    "remove_finding",
    "set_fields",
    "set_follow",
    "set_point",
    "start_check",
    "start_from_queue",
]


# --------------------------------------------------------------------------- one check
@record
class CheckContext:
    """An open check with what the screen shows about it."""

    check: CheckRecord
    case: CaseBrief | None
    form_no: int | None
    surveyor_name: str
    inspector_name: str
    resumed: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        kind = rules.KIND_LABELS[self.check.kind]
        if self.check.blind_of:
            kind = "ブラインド点検"
        if self.form_no and self.check.kind == "focused":
            kind += f" {self.form_no}件目"
        if self.check.post_source:
            kind += f"（{rules.POST_SOURCE_LABELS[self.check.post_source]}）"
        return kind

    @property
    def prefill_minutes(self) -> int:
        """Minutes the check has been open so far (at least 1)."""
        return max(1, math.ceil(self.check.open_seconds / 60))


def _context(s: Session, rec: CheckRecord, resumed: bool) -> CheckContext:
    case = store.case_by_id(s.db, rec.case_id) if rec.case_id else None
    author = store.surveyor(s.db, rec.surveyor)
    insp = store.surveyor(s.db, rec.inspector)
    return CheckContext(
        rec,
        case,
        store.form_no_of(s.db, rec.case_id) if rec.case_id else None,
        author.name if author else rec.surveyor,
        insp.name if insp else rec.inspector,
        resumed,
    )


# --------------------------------------------------------------------------- two chiefs, one form
@record(frozen=True)
class Holder:
    """Another inspector's unfinished check of the same form: who, since when, what is in it."""

    check_id: int
    inspector: str  # surveyor code
    inspector_name: str
    login: str  # the login that last wrote it
    since: str  # created_at (ISO, Japan time): when they opened it
    last: str  # updated_at: their last change (an open check screen writes every 30 s)
    findings: int
    serious: int

    def describe(self) -> str:
        """One line for the chief who wants the same form (no personal data: codes and counts)."""
        found = f"指摘 {self.findings} 件" + (f"・うち重大 {self.serious} 件" if self.serious else "")
        return (
            f"{self.login} さん（{self.inspector} {self.inspector_name}）が {_hm(self.since)} から点検中です"
            f"（最終更新 {_hm(self.last)}、{found}）"
        )


def _hm(iso: str) -> str:
    """'2027-06-15T09:05:00+09:00' -> '2027-06-15 09:05'."""
    return iso[:16].replace("T", " ")


class HeldByOther(ReviewError):
    """The form's check is open (a draft) with another inspector. Nothing was created: the
    caller may show theirs read-only (open_check) or start a separate draft (alongside=True)."""

    def __init__(self, holders: list[Holder]) -> None:
        self.holders = holders
        super().__init__(
            "\n".join(h.describe() for h in holders)
            + "\n閲覧のみで開くか、別の下書きを始めてください（どちらの下書きも消えません）"
        )


def _holders(s: Session, rec_filter: tuple[int | None, str, str], me: str) -> list[Holder]:
    """Unfinished checks of the same form (case, surveyor, kind) by inspectors other than me
    (blind checks aside: those are asked of one chief on purpose)."""
    case_id, surveyor, kind = rec_filter
    if kind in rules.FOLLOWUP_MONTHS:
        where, params = "surveyor = ? AND kind = ?", [surveyor, kind]
    else:
        where, params = (
            "COALESCE(case_id, 0) = COALESCE(?, 0) AND surveyor = ? AND kind = ?",
            [
                case_id,
                surveyor,
                kind,
            ],
        )
    out = []
    for rec in store.find_checks(
        s.db, where + " AND inspector != ? AND state = 'draft' AND blind_of IS NULL", (*params, me)
    ):
        info = store.surveyor(s.db, rec.inspector)
        out.append(
            Holder(
                rec.id,
                rec.inspector,
                info.name if info else rec.inspector,
                rec.who,
                rec.created_at,
                rec.updated_at,
                len(rec.findings),
                sum(f.severity == "serious" for f in rec.findings),
            )
        )
    return out


def _finished_by_others(s: Session, case_id: int, me: str) -> list[CheckRecord]:
    return store.find_checks(
        s.db,
        "case_id = ? AND kind = 'focused' AND state = 'done' AND blind_of IS NULL AND inspector != ?",
        (case_id, me),
    )


def _refuse_author(inspector: str, author: str | None, name: str) -> None:
    if author and inspector == author:
        raise AuthorIsInspector(
            f"この調査票は {name}（{author}）が書いたものです。自分の調査票は点検できません。"
            "ほかの主任調査員に依頼してください"
        )


@writes("review.save")
def start_check(
    s: Session,
    *,
    case_no: str | None = None,
    case_id: int | None = None,
    kind: str | None = None,
    surveyor: str | None = None,
    post_source: str | None = None,
    check_id: int | None = None,
    alongside: bool = False,
) -> CheckContext:
    """Open (or resume) the logged-in inspector's check.

    The inspector's own unfinished check of the form is always resumed first (even when
    another chief has finished one meanwhile: nothing of theirs is hidden). When another
    inspector has the form's check open (a draft), HeldByOther says who and since when,
    and nothing is created, unless ``alongside`` asks for a separate draft of one's own.

    - a form: case_no or case_id; kind defaults to 'focused' for a numbered form
      not yet checked and 'routine' otherwise; 'post' needs post_source;
    - a follow-up: kind 'followup3'/'followup6' and surveyor (attached to the
      surveyor's latest visited case, if any);
    - a blind check asked of this inspector: check_id.
    A finished focused check of the form is opened again for correction.
    """
    me = inspector_code(s)
    if check_id is not None:
        return _start_blind(s, me, check_id)
    case: CaseBrief | None = None
    if case_no is not None or case_id is not None:
        case = (
            store.case_by_no(s.db, case_no) if case_no is not None else store.case_by_id(s.db, case_id or 0)
        )
        if case is None:
            raise ReviewError(f"依頼番号 {case_no or case_id} は見つかりません")
        if not case.surveyor:
            raise ReviewError(f"{case.case_no} には調査員が割り当てられていません")
        if case.visited_on is None:
            raise ReviewError(f"{case.case_no} はまだ訪問していません（調査票がありません）")
        surveyor = case.surveyor
        sync_form_numbers(s)
    if surveyor is None:
        raise ReviewError("点検する調査票（依頼番号）か調査員を指定してください")
    author = store.surveyor(s.db, surveyor)
    if author is None:
        raise ReviewError(f"調査員 {surveyor} は登録されていません")
    _refuse_author(me, surveyor, author.name)
    if kind is None:
        kind = "routine"
        if case and store.form_no_of(s.db, case.id):
            kind = "focused"
    rules.check_choice(kind, rules.CHECK_KINDS, "点検の種類")
    if kind == "post":
        if post_source is None:
            raise ReviewError("提出後の指摘には、照会・返戻・再調査のどれかを指定してください")
        rules.check_choice(post_source, rules.POST_SOURCES, "指摘の出どころ")
        if case is None:
            raise ReviewError("提出後の指摘は依頼番号を指定して記録します")
    else:
        post_source = None
    if kind in ("focused", "followup3", "followup6") and not _is_chief(s, me):
        raise ReviewError(f"{rules.KIND_LABELS[kind]}は主任調査員が行います")
    if kind == "focused" and (case is None or not store.form_no_of(s.db, case.id)):
        raise ReviewError(f"{case.case_no if case else ''} は重点チェックの対象（1-10件目）ではありません")
    outside = wards.refusal(s, wards.scope(s, me), kind, case=case, surveyor=surveyor)
    if outside:
        raise ReviewError(outside)  # another ward's form or surveyor, not assigned to this chief
    if kind in rules.FOLLOWUP_MONTHS and case is None:
        case = store.latest_case_of(s.db, surveyor)
    cid = case.id if case else None
    if kind in rules.FOLLOWUP_MONTHS:
        # one follow-up draft per surveyor and kind, whichever case it started on
        found = store.find_checks(
            s.db, "surveyor = ? AND kind = ? AND inspector = ? AND state = 'draft'", (surveyor, kind, me)
        )
        existing = found[0] if found else None
    else:
        existing = store.open_check_for(s.db, cid, surveyor, me, kind, None)
    others = _holders(s, (cid, surveyor, kind), me)
    if existing is not None:  # my own draft first, whatever others did meanwhile
        ctx = _context(s, existing, True)
        ctx.notes += [f"{h.describe()}（別の下書き）" for h in others]
        if kind == "focused" and case is not None:
            ctx.notes += [
                f"{r.who} さん（{r.inspector}）がこの調査票の重点チェックを {_hm(r.updated_at)} に"
                "保存しました。あなたの下書きはそのまま続けられ、保存すると両方の結果が残ります"
                for r in _finished_by_others(s, case.id, me)
            ]
        return ctx
    if kind == "focused" and case is not None:
        done = store.find_checks(
            s.db, "case_id = ? AND kind = 'focused' AND state = 'done' AND blind_of IS NULL", (case.id,)
        )
        if done:
            ctx = _context(s, done[-1], True)
            ctx.notes.append("点検済みの記録を開きました（変更はすぐに保存されます）")
            return ctx
    if others and not alongside:
        raise HeldByOther(others)
    now = now_jp_iso()
    with _tx(s):
        new_id = store.insert_check(
            s.db,
            {
                "case_id": cid,
                "surveyor": surveyor,
                "inspector": me,
                "kind": kind,
                "post_source": post_source,
                "state": "draft",
                "created_at": now,
                "updated_at": now,
                "who": s.who,
            },
        )
    rec = store.get_check(s.db, new_id)
    assert rec is not None
    ctx = _context(s, rec, False)
    ctx.notes += [f"{h.describe()}。その下書きとは別の、あなたの下書きです" for h in others]
    return ctx


def _start_blind(s: Session, me: str, check_id: int) -> CheckContext:
    rec = store.get_check(s.db, check_id)
    if rec is None or rec.blind_of is None:
        raise ReviewError("このブラインド点検の依頼は見つかりません")
    if rec.inspector != me:
        raise ReviewError("このブラインド点検はほかの主任調査員への依頼です")
    return _context(s, rec, rec.state == "draft")


def open_check(s: Session, check_id: int) -> CheckContext:
    """A check by id, for viewing or correcting (only its inspector may change it)."""
    rec = store.get_check(s.db, check_id)
    if rec is None:
        raise ReviewError("この点検の記録は見つかりません")
    return _context(s, rec, True)


def next_queue_item(s: Session, after: QueueItem | None = None) -> QueueItem | None:
    """The first queue item the logged-in inspector may check (not their own forms)."""
    me = store.login_surveyor_code(s.db, s.who)
    for item in review_queue(s, sync=True):
        if item.surveyor == me:
            continue
        if after is not None and (item.kind, item.case_id, item.surveyor) == (
            after.kind,
            after.case_id,
            after.surveyor,
        ):
            continue
        return item
    return None


def queue_where(item: QueueItem) -> dict[str, Any]:
    """start_check's arguments for a queue item."""
    if item.kind == "blind":
        return {"check_id": item.check_id}
    if item.kind == "focused":
        return {"case_id": item.case_id, "kind": "focused"}
    return {"kind": item.kind, "surveyor": item.surveyor}


def start_from_queue(s: Session, item: QueueItem, *, alongside: bool = False) -> CheckContext:
    where = queue_where(item)
    if item.kind != "blind":
        where["alongside"] = alongside
    return start_check(s, **where)
