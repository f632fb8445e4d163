"""Every form inspected by someone other than its author before it leaves (seed 001
§4(5), §5(3)③; rules in core/inspection.py).

- ``record_inspection``: a finished inspection (点検) of a form by the person working,
  refused for the form's author (the case's surveyor, by the login's surveyor code).
- ``inspection_of``: a form's inspections, those recorded here and the first-ten
  review's finished checks (services/review: kinds focused and routine), which count
  when completed by someone other than the author.
- ``submission_gate``: may a submission of the form be recorded now, and if not, who
  may inspect it. ``guard_submission`` is the one call in the submit path of
  services/cases/steps.record_step: it refuses, or records how the submission was let
  through (inspected, or a manager's override with its reason and an audit row).
- the month's figures for the monthly report and the Today screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from inspect_tui.core import inspection as rules
from inspect_tui.core.document import Percent, Section, Table
from inspect_tui.core.inspection import Finding, InspectionRuleError
from inspect_tui.core.metrics import Period
from inspect_tui.core.records import field, record
from inspect_tui.core.roles import ACTIONS
from inspect_tui.core.steps import STEPS, StepError
from inspect_tui.core.today import now_jp_iso
from inspect_tui.services.cases.inspection_figures import figures
from inspect_tui.services.session import Session
from inspect_tui.services.trust.audit import audit_change
from inspect_tui.services.trust.permissions import PermissionDenied, require, writes
from inspect_tui.store import inspections as store
from inspect_tui.store import submission_counts
from inspect_tui.store import survey_forms as form_store
from inspect_tui.store.cases import get_case
from inspect_tui.store.inspections import Cycle, InspectionRow
from inspect_tui.store.tx import write
from inspect_tui.store.users import get_user

__all__ = [
    "AuthorMayNotInspect",
    "FormInspections",
    "InspectionRuleError",
    "SubmissionGate",
    "SubmissionRefused",
    "guard_submission",
    "inspection_of",
    "inspectors_for",
    "record_inspection",
    "submission_gate",
]


class AuthorMayNotInspect(PermissionDenied):
    """The form's own author tried to inspect it."""


class SubmissionRefused(StepError):
    """A submission without a finished inspection of the current cycle; says who may inspect."""

    def __init__(self, message: str, inspectors: list[str], case_no: str = "") -> None:
        super().__init__(message)
        self.inspectors = inspectors
        self.case_no = case_no


def _case(s: Session, case_no: str):
    row = get_case(s.db, case_no)
    if row is None:
        raise LookupError(f"依頼番号 {case_no} は見つかりません")
    return row


def _current(row: InspectionRow, cycle: Cycle, author: str | None) -> bool:
    """An inspection of the form's current cycle by someone other than its author."""
    if author and row.inspector_code == author:
        return False
    if row.cycle is not None:
        return row.cycle == cycle.number
    return cycle.reset_at is None or row.finished_at > cycle.reset_at


@record(frozen=True)
class FormInspections:
    case_no: str
    author: str | None  # surveyor code of the form's author
    cycle: Cycle
    inspections: list[InspectionRow]  # oldest first, both sources
    current: list[InspectionRow] = field(default_factory=list)  # of the current cycle, by others

    @property
    def inspected(self) -> bool:
        return bool(self.current)


def _form(s: Session, row) -> FormInspections:
    cycle = store.cycle_of(s.db, row["id"])
    found = store.inspections_of(s.db, row["id"])
    author = row["surveyor"]
    return FormInspections(
        row["case_no"], author, cycle, found, [r for r in found if _current(r, cycle, author)]
    )


def inspection_of(s: Session, case_no: str) -> FormInspections:
    """The form's inspections (recorded here and the review's finished checks of it)."""
    return _form(s, _case(s, case_no))


def inspectors_for(s: Session, author: str | None) -> list[str]:
    """The logins who may inspect a form by ``author`` (surveyor code): the roles with the
    permission, the author's own login left out."""
    return store.inspectors_with(s.db, ACTIONS["case.inspect"][0], author)


@writes("case.inspect")
def record_inspection(s: Session, case_no: str, result: str, findings: Sequence[Finding | str] = ()) -> int:
    """Record a finished inspection of the form by the person working; its id.

    Findings are Finding values or ASPECT:SEVERITY[:NOTE] text. Refused for the form's
    author (AuthorMayNotInspect, naming the rule and who may inspect instead), for a
    form not yet written (no visit) and for a case cancelled or handed back.
    """
    parsed = [
        f if isinstance(f, Finding) else rules.parse_finding(f, f"{i}番目の --finding")
        for i, f in enumerate(findings, 1)
    ]
    if result not in rules.RESULTS:
        rules.check_result(result, parsed)
    row = _case(s, case_no)
    me = get_user(s.db, s.who)
    my_code = me["surveyor_code"] if me is not None else None
    if row["surveyor"] and my_code == row["surveyor"]:
        others = inspectors_for(s, row["surveyor"])
        raise AuthorMayNotInspect(
            rules.refusal_for_author(case_no, row["surveyor"])
            + f"\n  点検できる人: {rules.who_may_text(others)}"
        )
    if not row["visited_on"]:
        raise InspectionRuleError(f"{case_no} はまだ訪問していません（点検する調査票がありません）")
    if row["cancelled_on"] or row["returned_on"]:
        raise InspectionRuleError(f"{case_no} は中止・返却された依頼です（点検は記録できません）")
    # here, not at the top: the Today screen's figures import this module at start-up, and
    # the points' import chain (form rules, the survey form) cost ~20 ms of it
    from inspect_tui.services.forms import points as form_points

    now = now_jp_iso()
    with write(s.db):
        cycle = store.cycle_of(s.db, row["id"])
        # the form's content points (issue 18): none left unmarked; those made findings are
        # findings of this inspection (under their aspect, 要修正, the point as the note)
        fp = form_points.points_of(s.db, row["id"], case_no)
        unmarked = form_points.unmarked_message(fp)
        if unmarked:
            raise form_points.PointsNotMarked(unmarked)
        to_link = [  # points marked "finding" from the command line (form mark), not yet a finding
            p for p in fp.points if p.mark is not None and p.mark.mark == "finding" and p.mark.finding is None
        ]
        if to_link and result == "ok":
            raise InspectionRuleError(
                f"{case_no} の調査票に指摘にした点検ポイントが {len(to_link)} 件あります"
                "（結果は findings: 指摘あり で記録します）"
            )
        parsed = parsed + [Finding(p.point.aspect, "fix", p.point.text()[: rules.NOTE_MAX]) for p in to_link]
        rules.check_result(result, parsed)
        new_id = store.insert_inspection(s.db, row["id"], s.who, my_code, cycle.number, result, parsed, now)
        for p in to_link:  # each mark now names the finding it became (a new mark: marks are append-only)
            form_store.insert_mark(
                s.db,
                row["id"],
                fp.cycle,
                p.mark.form_id,
                p.point.key,
                "finding",
                f"inspection:{new_id}",
                now,
                s.who,
            )
        audit_change(
            s,
            "inspect",
            "case",
            case_no,
            None,
            {
                "inspection": new_id,
                "result": result,
                "cycle": cycle.number,
                "findings": [f"{f.aspect}:{f.severity}" for f in parsed],
            },
        )
    return new_id


@record(frozen=True)
class SubmissionGate:
    case_no: str
    allowed: bool
    by: InspectionRow | None  # the current-cycle inspection that lets it through
    inspectors: list[str]  # who may inspect the form
    cycle_reset: bool  # the form was returned for fixing or re-surveyed

    def refusal(self, step_id: str = "submit") -> str:
        return rules.refusal_for_submission(
            self.case_no, STEPS[step_id].label if step_id in STEPS else step_id, self.inspectors,
            cycle_reset=self.cycle_reset,
        )  # fmt: skip


def _gate(s: Session, row) -> SubmissionGate:
    form = _form(s, row)
    return SubmissionGate(
        row["case_no"],
        form.inspected,
        form.current[-1] if form.current else None,
        inspectors_for(s, row["surveyor"]),
        form.cycle.number > 0,
    )


def submission_gate(s: Session, case_no: str) -> SubmissionGate:
    """Whether a submission of the form may be recorded now (a finished inspection of its
    current cycle by someone other than its author), and who may inspect it."""
    return _gate(s, _case(s, case_no))


def guard_submission(
    s: Session, row, step_id: str, on: dt.date, without_inspection: str | None, now: str
) -> str:
    """The submit path's one call (inside record_step's transaction): for a submission or
    resubmission, refuse it without a current inspection (SubmissionRefused, saying who
    may inspect), unless a manager overrides with a reason; record how it went through.
    Returns what the step's note gains ('' unless overridden). Other steps: nothing."""
    if step_id not in rules.SUBMIT_STEPS:
        if without_inspection is not None:
            raise StepError("--without-inspection は提出・再提出にだけ使えます")
        return ""
    gate = _gate(s, row)
    if gate.allowed and gate.by is not None:
        store.record_submission(s.db, row["id"], step_id, on, rules.INSPECTED, gate.by.source, "", s.who, now)
        return ""
    if without_inspection is None:
        raise SubmissionRefused(gate.refusal(step_id), gate.inspectors, row["case_no"])
    reason = without_inspection.strip()
    if not reason:
        raise StepError("--without-inspection には理由（点検なしで提出する訳）を書いてください")
    require(s, "case.submit_unchecked")
    store.record_submission(s.db, row["id"], step_id, on, rules.UNCHECKED, None, reason, s.who, now)
    audit_change(
        s,
        "submit_unchecked",
        "case",
        row["case_no"],
        None,
        {"step": step_id, "submitted_on": on.isoformat(), "reason": reason},
    )
    return f"【{rules.UNCHECKED_LABEL}】{reason}"


def inspection_lines(s: Session, row, view) -> list[str]:
    """``case show``'s part: the form's inspections (who, when, the result, the findings;
    notes through ``view``, services.free_text) and, for a form not yet submitted, whether
    it may be and who may inspect it."""
    if not row["visited_on"]:
        return []
    form = _form(s, row)
    lines = ["点検:"]
    for r in form.inspections:
        mark = "（今回の点検）" if r in form.current else ""
        lines.append(
            f"  {r.finished_at[:16].replace('T', ' ')}  {r.inspector}  {rules.RESULTS[r.result]}{mark}"
        )
        lines += [f"    {f.aspect}:{f.severity} {view(f.note)}".rstrip() for f in r.findings]
    if not form.inspections:
        lines.append("  （点検の記録はありません）")
    if row["status"] in ("visited",):
        if form.inspected:
            lines.append("  提出できます（点検済み）")
        else:
            who = rules.who_may_text(inspectors_for(s, row["surveyor"]))
            lines.append(f"  提出の前に点検が必要です。点検できる人: {who}")
    return lines


# --------------------------------------------------------------------------- the month's figures


LIST_LIMIT = 100


def inspection_section(s: Session, month: Period, as_of: dt.date) -> Section:
    """The monthly report's part: the month's submissions by inspection, the forms that went
    out without one (target 0), and those whose submission came with the city's list."""
    from inspect_tui.services.trust.free_text import known_for_month, mask

    cutoff = min(month.end, as_of)
    f = figures(s, month.start, cutoff)
    rate = f.rate
    table = Table(
        ["項目", "件数"],
        [
            ["点検後に提出", f.inspected],
            [f"{rules.UNCHECKED_LABEL}（目標 0 件）", f.unchecked],
            [rules.IMPORTED_LABEL, f.imported],
            [f"{rules.RATE_LABEL}（目標 100%・必達）", "対象なし" if rate is None else Percent(rate)],
        ],
        align=["l", "r"],
    )
    sec = Section("調査票の点検（提出前の点検）", [table])
    sec.paragraphs.append(
        f"{rules.RATE_LABEL} = 点検後に提出 /（点検後に提出 ＋ {rules.UNCHECKED_LABEL}）。"
        f"{rules.IMPORTED_LABEL}は市の一覧の取込で提出日が入ったもの（アプリで提出を記録していない）で、"
        "率には含めず別に数えます。"
    )
    unchecked = submission_counts.listed_submissions(
        s.db.conn, month.start, cutoff, imported=False, limit=LIST_LIMIT
    )
    if unchecked:
        known = known_for_month(s, month)
        sec.tables.append(
            Table(
                ["依頼番号", "提出日", "記録者", "理由"],
                [[u.case_no, u.submitted_on, u.who, mask(u.reason, known)] for u in unchecked],
                align=["l", "l", "l", "l"],
                caption=f"{rules.UNCHECKED_LABEL}: {f.unchecked:,} 件",
            )
        )
    imported = submission_counts.listed_submissions(
        s.db.conn, month.start, cutoff, imported=True, limit=LIST_LIMIT
    )
    if imported:
        sec.tables.append(
            Table(
                ["依頼番号", "提出日"],
                [[i.case_no, i.submitted_on] for i in imported],
                align=["l", "l"],
                caption=f"{rules.IMPORTED_LABEL}: {f.imported:,} 件",
            )
        )
    if max(f.unchecked, f.imported) > LIST_LIMIT:
        sec.paragraphs.append(f"一覧は各 {LIST_LIMIT} 件まで表示しています。")
    return sec
