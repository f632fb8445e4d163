"""Which forms a chief checks: the one place that decides (the queue, the check's start,
the CLI and the screens all ask here).

The rule is data: config ``[review] chiefs_check``.
- ``"own_wards"`` (the default; seed 001 §3(3): a chief per ward): a chief checks the
  forms of their own wards (their surveyor record's wards), and what a manager assigned
  them outside those (help across wards, seed 001 §3(4); services/review/assignments.py).
  A focused check (重点チェック) is in the chief's wards when its case's ward is one of
  theirs; a follow-up (3か月後・6か月後の確認, no case) when the surveyor's wards meet theirs.
  An assignment covers one form (its case) or a whole surveyor's review (forms and
  follow-ups), from its first day to its last (or until a manager ends it).
- ``"any"``: every chief checks every form (the app before this rule).

Not bound by it: managers (業務責任者), blind checks (a manager asked that chief by name:
already an assignment), and ordinary inspections and post-submission findings, which any
surveyor other than the author may record (001 §4(5)).
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core import review as rules
from inspect_tui.core.records import record
from inspect_tui.core.today import today_jp
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import role_of
from inspect_tui.store import review_assignments as assigned
from inspect_tui.store import reviews as store
from inspect_tui.store.reviews import CaseBrief
from inspect_tui.store.users import surveyor_wards

__all__ = ["UNBOUND", "WARD_BOUND_KINDS", "Scope", "may_check", "refusal", "scope", "ward_names"]

#: The kinds of check the rule binds (blind checks, routine inspections and post-submission
#: findings are not: see the module's docstring).
WARD_BOUND_KINDS = frozenset({"focused", *rules.FOLLOWUP_MONTHS})
WAY_OUT = "業務責任者に応援の割り当てを依頼してください"


def ward_names(wards: frozenset[str] | set[str]) -> str:
    return "・".join(sorted(wards)) or "（未登録）"


@record(frozen=True)
class Scope:
    """What one inspector may check on one day. ``bound`` False: everything."""

    bound: bool
    inspector: str | None = None
    wards: frozenset[str] = frozenset()
    cases: frozenset[int] = frozenset()  # case ids assigned to them
    surveyors: frozenset[str] = frozenset()  # surveyors whose whole review is assigned to them


UNBOUND = Scope(False)


def scope(s: Session, inspector: str | None = None, today: dt.date | None = None) -> Scope:
    """The logged-in person's scope (inspector: their surveyor code, looked up if not given).
    Bound only for a chief under ``chiefs_check = "own_wards"``."""
    if s.config.chiefs_check == "any" or role_of(s) != "chief":
        return UNBOUND
    if inspector is None:
        inspector = store.login_surveyor_code(s.db, s.who)
    if not inspector:
        return Scope(True)
    today = today or today_jp()
    live = [a for a in assigned.assignments(s.db, inspector) if a.in_force(today)]
    return Scope(
        True,
        inspector,
        surveyor_wards(s.db, inspector),
        frozenset(a.case_id for a in live if a.case_id is not None),
        frozenset(a.surveyor for a in live if a.surveyor is not None),
    )


def refusal(
    s: Session,
    sc: Scope,
    kind: str,
    *,
    case: CaseBrief | None = None,
    surveyor: str | None = None,
) -> str | None:
    """Why the scope's inspector may not do this check (Japanese, naming the ward and the way
    out), or None when they may. ``case``: the form (focused); ``surveyor``: whose follow-up."""
    if not sc.bound or kind not in WARD_BOUND_KINDS:
        return None
    mine = ward_names(sc.wards)
    if kind == "focused":
        if case is None:
            return None  # not a form: start_check refuses it on its own terms
        if case.ward in sc.wards or case.id in sc.cases or (case.surveyor and case.surveyor in sc.surveyors):
            return None
        return f"{case.case_no} は{case.ward}の調査票です。担当区は{mine}です。{WAY_OUT}"
    code = surveyor or (case.surveyor if case else None)
    if not code:
        return None
    theirs = surveyor_wards(s.db, code)
    if theirs & sc.wards or code in sc.surveyors:
        return None
    info = store.surveyor(s.db, code)
    who = f"{info.name}（{code}）" if info else code
    return f"{who}は{ward_names(theirs)}の調査員です。担当区は{mine}です。{WAY_OUT}"


def may_check(s: Session, kind: str, *, case: CaseBrief | None = None, surveyor: str | None = None) -> bool:
    """Whether the logged-in person may do this check today (for offering a key)."""
    return refusal(s, scope(s), kind, case=case, surveyor=surveyor) is None
