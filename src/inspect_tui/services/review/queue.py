"""The review as a chief works it: who is new, forms 1-10 numbered when first seen, and
the queue of forms and follow-ups waiting for a check. The check itself (walked
point by point, drafts saved on every change) is services/review/check.py, with
marking.py and completing.py. Rules are in core/review.py.

Who inspects: Session.who mapped to a surveyor code (users.surveyor_code, or a
surveyor whose code is the login). The inspector is never the form's author.
Focused checks, follow-ups and blind checks need a chief, and a chief's queue holds
only the forms of their wards and those assigned to them (services/review/wards.py,
the one rule for the queue, the check's start, the CLI and the screens); ordinary
inspections and post-submission findings may be recorded by any surveyor
other than the author (001 §4(5): 主任調査員や調査担当者以外).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from inspect_tui.core import review as rules
from inspect_tui.core.records import field, record
from inspect_tui.core.review import REVIEW_FORMS
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.review import wards
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import may, writes
from inspect_tui.store import reviews as store
from inspect_tui.store.audit import record_audit
from inspect_tui.store.reviews import CheckRecord
from inspect_tui.store.tx import write

__all__ = [
    "AuthorIsInspector",
    "NewSurveyor",
    "QueueItem",
    "QueueSummary",
    "ReviewError",
    "check_summary",
    "chiefs",
    "inspector_code",
    "my_code",
    "new_surveyors",
    "outside_wards",
    "review_queue",
    "review_queue_size",
    "review_queue_summary",
    "sync_form_numbers",
]


class ReviewError(Exception):
    """Something the user can fix; the message says what."""


class AuthorIsInspector(ReviewError):
    """The inspector wrote the form (or is the surveyor being followed up)."""


@contextmanager
def _tx(s: Session) -> Iterator[None]:
    """The review's writes: store.tx.write (permission checked by services.trust.writes)."""
    with write(s.db):
        yield


def _audit(s: Session, action: str, key: object, before: Any, after: Any) -> None:
    """An audit row in the current transaction."""
    record_audit(s.db, s.who, action, "review_check", str(key), before, after)


def check_summary(rec: CheckRecord) -> dict[str, Any]:
    """What the audit row keeps of a check (no personal data: case id, codes, results)."""
    return {
        "case_id": rec.case_id,
        "surveyor": rec.surveyor,
        "inspector": rec.inspector,
        "kind": rec.kind,
        "post_source": rec.post_source,
        "blind_of": rec.blind_of,
        "state": rec.state,
        "outcomes": rec.outcomes,
        "findings": [[f.point, f.severity, f.item_code] for f in rec.findings],
        "follows": [[fid, outcome] for fid, outcome in sorted(rec.follows.items())],
        "guidance_methods": list(rec.guidance_methods),
        "minutes": rec.minutes,
        "fixed_before_submission": rec.fixed_before_submission,
        "checked_on": rec.checked_on,
    }


# --------------------------------------------------------------------------- who
def inspector_code(s: Session) -> str:
    code = store.login_surveyor_code(s.db, s.who)
    if not code:
        raise ReviewError(
            f"ログイン名「{s.who}」が調査員コードに結び付いていません。"
            "利用者の設定で調査員コードを登録してください"
        )
    return code


def my_code(s: Session) -> str | None:
    """The logged-in user's surveyor code, or None (no error: for showing, not for checking)."""
    return store.login_surveyor_code(s.db, s.who)


def chiefs(s: Session) -> list[tuple[str, str]]:
    """(code, name) of every chief surveyor still working, by code."""
    return [(i.code, i.name) for i in store.all_surveyors(s.db) if i.is_chief and i.left_on is None]


def _is_chief(s: Session, code: str) -> bool:
    info = store.surveyor(s.db, code)
    return bool(info and info.is_chief)


# --------------------------------------------------------------------------- new surveyors and numbering
def _new_infos(s: Session, today: dt.date) -> list[store.SurveyorInfo]:
    return [
        i
        for i in store.all_surveyors(s.db)
        if rules.is_new_surveyor(i.placed_on, today, is_chief=i.is_chief, left_on=i.left_on)
    ]


@writes("review.save")
def sync_form_numbers(s: Session, today: dt.date | None = None) -> int:
    """Number new solo forms of new surveyors (fixed once stored). Returns how many were added.

    A database opened read-only is left alone (the queue then shows what is stored).
    """
    today = today or today_jp()
    chiefs = store.chief_codes(s.db)
    plan: list[tuple[str, list[tuple[int, int]]]] = []
    for info in _new_infos(s, today):
        fixed = store.fixed_forms(s.db, info.code)
        if len(fixed) >= REVIEW_FORMS:
            continue
        new = rules.assign_form_numbers(fixed, store.cases_for_numbering(s.db, info.code), chiefs)
        if new:
            plan.append((info.code, new))
    if not plan:
        return 0

    now = now_jp_iso()
    try:
        with _tx(s):
            for code, pairs in plan:
                # re-read inside the transaction: another window may have numbered meanwhile
                fixed = store.fixed_forms(s.db, code)
                pairs = rules.assign_form_numbers(fixed, store.cases_for_numbering(s.db, code), chiefs)
                store.add_forms(s.db, code, pairs, now)
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc):
            return 0
        raise
    return sum(len(p) for _, p in plan)


@record(frozen=True)
class Followup:
    kind: str  # followup3 | followup6
    due: dt.date  # 3 or 6 months after placement, as the calendar falls
    done_on: dt.date | None
    #: due, or the next business day when due is a closed day of the municipal calendar;
    #: the date the follow-up is late after (due on a Sunday, not late on Monday).
    business_due: dt.date

    @property
    def label(self) -> str:
        return rules.KIND_LABELS[self.kind]

    def overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.business_due < today

    def due_text(self, today: dt.date | None = None, sep: str = rules.DUE_MOVED) -> str:
        """2027-01-03(日)は閉庁日のため 2027-01-04(月), or 2027-06-01(火) on a business day."""
        return rules.due_text(self.due, self.business_due, today, sep)


@record(frozen=True)
class NewSurveyor:
    code: str
    name: str
    placed_on: dt.date
    numbered: int  # solo forms numbered so far (<= 10)
    checked: int  # of those, with a finished focused check
    solo_start: dt.date | None  # visit date of form 1
    followups: tuple[Followup, ...]
    #: forms 1-10 as the queue shows them (_forms), and {case_id: check_id} of their
    #: finished focused checks: read once here, so review_queue(new=…) asks no more
    forms: tuple[store.NumberedForm, ...] = field(default=(), repr=False, compare=False)
    done: Mapping[int, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def progress(self) -> str:
        return f"{self.checked}/{REVIEW_FORMS}"


def _forms(
    s: Session, code: str, chiefs: frozenset[str], stored: list[store.NumberedForm] | None = None
) -> list[store.NumberedForm]:
    """Forms 1-10 of a surveyor: the stored numbers (stored, when the caller read them for
    several surveyors at once), plus the ones the next sync would store (so a read-only
    caller sees the same queue). chiefs: store.chief_codes, read once by the caller for
    every surveyor (at 1M cases the Today screen asked 60 times)."""
    forms = list(store.numbered_forms(s.db, code) if stored is None else stored)
    if len(forms) < REVIEW_FORMS:
        fixed = {f.case.id: f.form_no for f in forms}
        pairs = rules.assign_form_numbers(fixed, store.cases_for_numbering(s.db, code), chiefs)
        cases = store.cases_by_id(s.db, [cid for _, cid in pairs])
        forms.extend(store.NumberedForm(no, cases[cid]) for no, cid in pairs if cid in cases)
    return forms


def _followups(
    s: Session, code: str, placed: dt.date, done: Mapping[tuple[str, str], dt.date] | None = None
) -> tuple[Followup, ...]:
    """The 3- and 6-month follow-ups of a surveyor placed on `placed`; done: the first
    finished check of each (store.first_done_of), when the caller read them for several."""
    cal = s.calendar
    if done is None:
        done = store.first_done_of(s.db, [code], list(rules.FOLLOWUP_MONTHS))
    out = []
    for kind in rules.FOLLOWUP_MONTHS:
        due = rules.followup_due(placed, kind)
        out.append(Followup(kind, due, done.get((code, kind)), cal.on_or_after(due)))
    return tuple(out)


def new_surveyors(s: Session, today: dt.date | None = None, *, sync: bool = False) -> list[NewSurveyor]:
    """New surveyors with their progress. Reads only unless sync (numbers not yet stored are
    counted as the next sync would store them). Each table is read once for all of them
    (at 1M cases the Today screen ran ~300 statements, five per surveyor, in three passes)."""
    today = today or today_jp()
    if sync and may(s, "review.save"):  # a monitor reads what is stored; it never numbers forms
        sync_form_numbers(s, today)
    infos = _new_infos(s, today)
    if not infos:
        return []
    codes = [i.code for i in infos]
    chiefs = store.chief_codes(s.db)
    stored = store.numbered_forms_of(s.db, codes)
    done_of = store.done_focused_of(s.db, codes)
    followups_done = store.first_done_of(s.db, codes, list(rules.FOLLOWUP_MONTHS))
    out = []
    for info in infos:
        assert info.placed_on is not None
        forms = _forms(s, info.code, chiefs, stored[info.code])
        done = done_of[info.code]
        out.append(
            NewSurveyor(
                info.code,
                info.name,
                info.placed_on,
                len(forms),
                sum(f.case.id in done for f in forms),
                forms[0].case.visited_on if forms else None,
                _followups(s, info.code, info.placed_on, followups_done),
                tuple(forms),
                done,
            )
        )
    return out


# --------------------------------------------------------------------------- the queue
@record(frozen=True)
class QueueItem:
    kind: str  # focused | followup3 | followup6 | blind
    surveyor: str
    surveyor_name: str
    due: dt.date | None
    form_no: int | None = None
    case_id: int | None = None
    case_no: str = ""
    submitted: bool = False
    draft: bool = False  # someone has a draft of this check
    check_id: int | None = None  # blind: the requested check
    draft_by: str | None = None  # whose draft (the inspector's own first)

    @property
    def what(self) -> str:
        if self.kind == "focused":
            return f"重点チェック {self.form_no}件目"
        if self.kind == "blind":
            return "ブラインド点検（主任間の較正）"
        return rules.KIND_LABELS[self.kind]


def _draft_keys(s: Session, me: str | None = None) -> dict[tuple[int, str, str], str]:
    """{(case id, surveyor, kind): inspector} of drafts, `me` first; case id 0 for follow-ups
    (one per surveyor and kind)."""
    out: dict[tuple[int, str, str], str] = {}
    for r in s.db.conn.execute(
        "SELECT case_id, surveyor, kind, inspector FROM review_checks WHERE state = 'draft'"
        " AND blind_of IS NULL ORDER BY id"
    ):
        key = (0 if r[2] in rules.FOLLOWUP_MONTHS else (r[0] or 0), r[1], r[2])
        if key not in out or r[3] == me:
            out[key] = r[3]
    return out


def review_queue(
    s: Session,
    today: dt.date | None = None,
    *,
    inspector: str | None = None,
    sync: bool = False,
    all_wards: bool = False,
    new: list[NewSurveyor] | None = None,
) -> list[QueueItem]:
    """Forms waiting for their focused check, follow-ups not yet done, and blind checks asked
    of `inspector` (default: the logged-in chief, if known); by due date (standard_due for
    forms), undated last. A chief sees only what they may check (services/review/wards.py:
    their wards and their assignments); a manager sees every form. Reads only unless
    sync=True (numbers not yet stored are shown as the next sync would store them), so it
    is safe from a worker thread. all_wards: every ward's forms, whoever asks (to count
    what a chief's queue leaves out: outside_wards). new: new_surveyors(s, today), when the
    caller has it already (the Today screen shows both)."""
    today = today or today_jp()
    if sync and may(s, "review.save"):
        sync_form_numbers(s, today)
    if inspector is None:
        inspector = store.login_surveyor_code(s.db, s.who)
    drafts = _draft_keys(s, inspector)
    scope = wards.UNBOUND if all_wards else wards.scope(s, inspector, today)
    items: list[QueueItem] = []
    for ns in new_surveyors(s, today, sync=False) if new is None else new:
        done = ns.done
        for f in ns.forms:
            key = (f.case.id, ns.code, "focused")
            if f.case.id in done and not (inspector and drafts.get(key) == inspector):
                continue  # checked; unless my own draft of it is still open (it stays mine to finish)
            if wards.refusal(s, scope, "focused", case=f.case):
                continue  # another ward's form, not assigned to this chief
            items.append(
                QueueItem(
                    "focused",
                    ns.code,
                    ns.name,
                    f.case.standard_due,
                    f.form_no,
                    f.case.id,
                    f.case.case_no,
                    f.case.submitted_on is not None,
                    key in drafts,
                    draft_by=drafts.get(key),
                )
            )
        for fu in ns.followups:
            if fu.done_on is None and not wards.refusal(s, scope, fu.kind, surveyor=ns.code):
                items.append(
                    QueueItem(
                        fu.kind,
                        ns.code,
                        ns.name,
                        fu.business_due,
                        draft=(0, ns.code, fu.kind) in drafts,
                        draft_by=drafts.get((0, ns.code, fu.kind)),
                    )
                )
    if inspector:
        for rec in store.find_checks(
            s.db, "inspector = ? AND blind_of IS NOT NULL AND state != 'done'", (inspector,)
        ):
            case = store.case_by_id(s.db, rec.case_id) if rec.case_id else None
            info = store.surveyor(s.db, rec.surveyor)
            items.append(
                QueueItem(
                    "blind",
                    rec.surveyor,
                    info.name if info else rec.surveyor,
                    case.standard_due if case else None,
                    store.form_no_of(s.db, rec.case_id or 0),
                    rec.case_id,
                    case.case_no if case else "",
                    bool(case and case.submitted_on),
                    rec.state == "draft",
                    rec.id,
                    rec.inspector if rec.state == "draft" else None,
                )
            )
    far = dt.date.max
    items.sort(key=lambda i: (i.due or far, i.case_no, i.surveyor, i.form_no or 0, i.kind))
    return items


def outside_wards(s: Session, today: dt.date | None = None) -> int:
    """How many forms and follow-ups waiting are outside the logged-in chief's wards and not
    assigned to them (0 for a manager, or with chiefs_check = "any"). Reads only."""
    if not wards.scope(s, today=today).bound:
        return 0

    def kept(items: list[QueueItem]) -> int:
        return sum(1 for i in items if i.kind != "blind")

    return kept(review_queue(s, today, all_wards=True)) - kept(review_queue(s, today))


def review_queue_size(s: Session) -> int:
    """How many items wait in the review queue (for the dashboard). Reads only."""
    return len(review_queue(s, sync=False))


@record(frozen=True)
class QueueSummary:
    """The review queue in numbers, for the dashboard panel."""

    new_surveyors: int
    forms_waiting: int  # forms 1-10 not yet checked
    forms_overdue: int  # of those, past the standard submission deadline
    followups_due: int  # follow-ups due within 14 days or overdue
    blind: int  # blind checks asked of the logged-in chief
    total: int  # every item in the queue (review_queue_size)


def review_queue_summary(s: Session, today: dt.date | None = None) -> QueueSummary:
    """Counts for the dashboard (reads only; safe from a worker thread)."""
    today = today or today_jp()
    items = review_queue(s, today, sync=False)
    soon = today + dt.timedelta(days=14)
    forms = [i for i in items if i.kind == "focused"]
    return QueueSummary(
        len(new_surveyors(s, today, sync=False)),
        len(forms),
        sum(1 for i in forms if i.due and i.due < today),
        sum(1 for i in items if i.kind in rules.FOLLOWUP_MONTHS and i.due and i.due <= soon),
        sum(1 for i in items if i.kind == "blind"),
        len(items),
    )
