"""One surveyor's first-ten review as a whole: forms 1-10 side by side, the trend,
recurring points, the verdict (with the chief's override), follow-ups and
accompanied visits; the guidance completion report (指導終了報告) is built from it.

Findings per form count the focused check's findings plus findings that came
back from the office on the same form (post-submission), since both are
defects of that form. Personal data (applicant name, insured number) is read
only to find it in what chiefs typed (``review_viewer``): the guidance report
masks it, and so do the screens for a monitor.
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core import records
from inspect_tui.core import review as rules
from inspect_tui.core.records import field, record
from inspect_tui.core.review import REVIEW_FORMS, FormTally, Verdict
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.forms import teaching
from inspect_tui.services.review.followthrough import GuidancePoint, surveyor_points
from inspect_tui.services.review.queue import (
    Followup,
    ReviewError,
    _audit,
    _followups,
    _tx,
    sync_form_numbers,
)
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import AS_TYPED, Viewer, known_for_cases, sees_as_typed
from inspect_tui.services.trust.permissions import may, writes
from inspect_tui.store import reviews as store
from inspect_tui.store.events import corrections_by_case
from inspect_tui.store.reviews import AccompaniedVisit, CheckRecord, Finding


@record
class FormRow:
    form_no: int
    case_no: str
    visited_on: dt.date | None
    submitted_on: dt.date | None
    standard_due: dt.date | None
    check: CheckRecord | None  # the finished focused check
    post_findings: list[Finding] = field(default_factory=list)
    #: findings of the form's other finished focused checks (two chiefs checked it): never dropped
    other_findings: list[Finding] = field(default_factory=list)
    #: corrections after submission (照会・返戻・受理取消・再調査 after it went out; not city-caused)
    corrections: int = 0
    #: points the content rules raise on the form as stored (None: no form content recorded)
    form_points: int | None = None

    @property
    def checked(self) -> bool:
        return self.check is not None

    @property
    def findings(self) -> list[Finding]:
        return (self.check.findings if self.check else []) + self.other_findings + self.post_findings

    def result_on(self, point: str) -> str:
        """'OK', '未点検', or the findings' severities ('要修正', '軽微x2')."""
        if not self.check:
            return "未点検"
        found = [f for f in self.findings if f.point == point]
        if not found:
            return "OK" if self.check.outcomes.get(point) == "ok" else "-"
        worst = max(found, key=lambda f: rules.SEVERITY_RANK[f.severity])
        label = rules.SEVERITY_LABELS[worst.severity]
        return label if len(found) == 1 else f"{label}他{len(found) - 1}"

    def tally(self) -> FormTally:
        fs = self.findings
        return FormTally(
            self.form_no,
            self.checked,
            len(fs),
            sum(f.severity == "serious" for f in fs),
            frozenset(f.point for f in fs),
            tuple(sum(f.point == p for f in fs) for p in rules.POINT_IDS),
        )


@record
class SurveyorReview:
    code: str
    name: str
    placed_on: dt.date | None
    is_new: bool
    forms: list[FormRow]
    verdict_rule: Verdict
    verdict_override: str | None
    closing_comment: str
    followups: tuple[Followup, ...]
    followup_checks: list[CheckRecord]
    visits: list[AccompaniedVisit]
    chiefs: list[tuple[str, str]]  # (code, name) of the chiefs who did the focused checks
    #: the content rules that fired on the forms' stored content, most first (services.forms.teaching)
    form_rules: list = field(default_factory=list)
    form_rules_forms: int = 0  # forms with stored content
    #: every finding as a guidance point: its guidance and whether it took (followthrough.py)
    points: list[GuidancePoint] = field(default_factory=list)
    #: the chiefs' confirmations of the record, oldest first (the newest counts)
    confirmations: list[store.Confirmation] = field(default_factory=list)

    def aspect_rows(self) -> list[tuple[str, list[int | None], int]]:
        """Per aspect of §4(5): findings on forms 1-10 (None: not checked) and the total."""
        return rules.aspect_rows(self.padded_tallies())

    def open_points(self) -> list[GuidancePoint]:
        """Guidance points not improved yet (継続指導 or 未確認)."""
        return [p for p in self.points if p.state != "improved"]

    def follow_counts(self) -> dict[str, int]:
        """{improved / continue / open: how many points}."""
        out = {o.id: 0 for o in rules.FOLLOW_OUTCOMES} | {rules.FOLLOW_OPEN: 0}
        for p in self.points:
            out[p.state] += 1
        return out

    def follow_line(self) -> str:
        """指導の改善状況: 改善 5・継続指導 1・未確認 2（指摘 8 件）."""
        if not self.points:
            return "指導の改善状況: 指摘はありません"
        n = self.follow_counts()
        parts = "・".join(f"{rules.FOLLOW_STATE_LABELS[k]} {v}" for k, v in n.items())
        return f"指導の改善状況: {parts}（指摘 {len(self.points)} 件）"

    @property
    def confirmation(self) -> store.Confirmation | None:
        return self.confirmations[-1] if self.confirmations else None

    def form_rules_line(self) -> str:
        """The rules that fired most on forms 1-10 (a Pareto, in words)."""
        if not self.form_rules_forms:
            return "調査票の点検ポイント: 調査票の内容が記録されていません"
        if not self.form_rules:
            return f"調査票の点検ポイント: なし（内容を記録した {self.form_rules_forms} 件）"
        top = "、".join(f"{r.name}（{r.count}件）" for r in self.form_rules[:5])
        more = f" ほか {len(self.form_rules) - 5} 種" if len(self.form_rules) > 5 else ""
        return f"調査票の点検ポイント（内容を記録した {self.form_rules_forms} 件の多い順）: {top}{more}"

    @property
    def solo_start(self) -> dt.date | None:
        return self.forms[0].visited_on if self.forms else None

    @property
    def checked(self) -> int:
        return sum(f.checked for f in self.forms)

    @property
    def complete(self) -> bool:
        return self.checked >= REVIEW_FORMS

    @property
    def verdict_id(self) -> str:
        return self.verdict_override or self.verdict_rule.id

    @property
    def verdict_label(self) -> str:
        if self.verdict_override:
            return rules.VERDICT_LABELS[self.verdict_override] + "（主任の判断）"
        return self.verdict_rule.label

    def tallies(self) -> list[FormTally]:
        return [f.tally() for f in self.forms]

    def trend_lines(self) -> list[str]:
        return rules.trend_bars(self.padded_tallies())

    def sparkline(self) -> str:
        return rules.sparkline(self.padded_tallies())

    def padded_tallies(self) -> list[FormTally]:
        have = {t.form_no: t for t in self.tallies()}
        return [have.get(n, FormTally(n, False)) for n in range(1, REVIEW_FORMS + 1)]

    def recurring(self) -> list[tuple[str, int]]:
        return rules.recurring_points(self.tallies())

    def corrections_line(self) -> str:
        """The forms' corrections after submission, 1st to 10th (the trend the office sees)."""
        by_no = {f.form_no: f.corrections for f in self.forms}
        cells = "・".join(
            f"{n}件目 {by_no[n]}" if n in by_no else f"{n}件目 －" for n in range(1, REVIEW_FORMS + 1)
        )
        total = sum(by_no.values())
        return f"提出後の修正（照会・返戻・受理取消・再調査、市の事由を除く）: 計 {total} 件（{cells}）"

    def guidance_lines(self) -> list[tuple[int, str, str]]:
        """(form_no, methods, guidance text) of every form with guidance given."""
        out = []
        for f in self.forms:
            if f.check and (f.check.guidance.strip() or f.check.guidance_methods):
                methods = "・".join(rules.GUIDANCE_LABELS[m] for m in f.check.guidance_methods)
                out.append((f.form_no, methods, f.check.guidance.strip()))
        return out


def _post_findings(s: Session, case_id: int) -> list[Finding]:
    out: list[Finding] = []
    for rec in store.find_checks(
        s.db, "case_id = ? AND kind = 'post' AND state = 'done' AND blind_of IS NULL", (case_id,)
    ):
        out += rec.findings
    return out


def surveyor_review(s: Session, code: str, today: dt.date | None = None) -> SurveyorReview:
    today = today or today_jp()
    info = store.surveyor(s.db, code)
    if info is None:
        raise ReviewError(f"調査員 {code} は登録されていません")
    is_new = rules.is_new_surveyor(info.placed_on, today, is_chief=info.is_chief, left_on=info.left_on)
    if is_new and may(s, "review.save"):  # a monitor reads what is stored
        sync_form_numbers(s, today)
    rows: list[FormRow] = []
    chief_codes: list[str] = []
    numbered = list(store.numbered_forms(s.db, code))
    for nf in numbered:
        done = store.find_checks(
            s.db, "case_id = ? AND kind = 'focused' AND state = 'done' AND blind_of IS NULL", (nf.case.id,)
        )
        check = done[-1] if done else None
        for rec in done:
            if rec.inspector not in chief_codes:
                chief_codes.append(rec.inspector)
        c = nf.case
        rows.append(
            FormRow(
                nf.form_no,
                c.case_no,
                c.visited_on,
                c.submitted_on,
                c.standard_due,
                check,
                _post_findings(s, c.id),
                [f for rec in done[:-1] for f in rec.findings],
            )
        )
    case_ids = [nf.case.id for nf in numbered]
    fixes = corrections_by_case(s.db.conn, case_ids)
    content = teaching.tally(s, case_ids)  # each stored form checked once
    for row, nf in zip(rows, numbered, strict=True):
        row.corrections = fixes.get(nf.case.id, 0)
        row.form_points = content.per_case.get(nf.case.id)
    override, comment = store.closure(s.db, code)
    tallies = [r.tally() for r in rows]
    chiefs = []
    for cc in chief_codes:
        ci = store.surveyor(s.db, cc)
        chiefs.append((cc, ci.name if ci else cc))
    return SurveyorReview(
        code,
        info.name,
        info.placed_on,
        is_new,
        rows,
        rules.verdict(tallies),
        override,
        comment,
        _followups(s, code, info.placed_on) if info.placed_on else (),
        store.find_checks(
            s.db, "surveyor = ? AND kind IN ('followup3', 'followup6') AND state = 'done'", (code,)
        ),
        store.accompanied_visits(s.db, code),
        chiefs,
        content.pareto(),
        content.forms,
        surveyor_points(s, code),
        store.confirmations(s.db, code),
    )


_KEEP = object()


@writes("review.save")
def set_closure(s: Session, code: str, *, verdict: object = _KEEP, comment: str | None = None) -> None:
    """Override the verdict ('improving' / 'not_yet', None = back to the rule) and/or set the
    chief's closing comment."""
    if store.surveyor(s.db, code) is None:
        raise ReviewError(f"調査員 {code} は登録されていません")
    old_verdict, old_comment = store.closure(s.db, code)
    new_verdict = old_verdict if verdict is _KEEP else verdict
    if new_verdict not in (None, "improving", "not_yet"):
        raise ReviewError("判定は improving（改善している）か not_yet（まだ）です")
    new_comment = old_comment if comment is None else comment
    with _tx(s):
        store.save_closure(s.db, code, new_verdict, new_comment, now_jp_iso(), s.who)
        _audit(
            s,
            "review.closure",
            code,
            {"verdict": old_verdict, "comment": old_comment},
            {"verdict": new_verdict, "comment": new_comment},
        )


@writes("review.save")
def confirm_review(s: Session, code: str, on: dt.date | None = None) -> store.Confirmation:
    """The chief's confirmation of the record of forms 1-10 (001 §5(3)②: 記録内容をもとに改善状況を
    確認): who, when, and the verdict and count confirmed. Only a chief, once form 10 is
    checked; a later confirmation is a new entry (the first stays as it was)."""
    from inspect_tui.services.review.queue import _is_chief, inspector_code

    me = inspector_code(s)
    if not _is_chief(s, me):
        raise ReviewError("改善状況の確認は主任調査員が記録します")
    r = surveyor_review(s, code)
    if me == code:
        raise ReviewError("自分自身の記録は確認できません")
    if not r.complete:
        raise ReviewError(
            f"{code} の重点チェックは {r.checked}/{REVIEW_FORMS} 件です。10件目の点検のあとで確認します"
        )
    on = on or today_jp()
    if on > today_jp():
        raise ReviewError("確認日に先の日付は書けません")
    with _tx(s):
        store.insert_confirmation(s.db, code, me, on, r.verdict_id, r.checked, now_jp_iso(), s.who)
        after = {"chief": me, "on": on, "verdict": r.verdict_id, "checked": r.checked}
        _audit(s, "review.confirm", code, None, after)
    return store.confirmations(s.db, code)[-1]


VISIT_PURPOSES = ("配置時の指導", "習熟度の確認", "困難ケースへの対応", "その他")


@writes("review.save")
def log_accompanied_visit(
    s: Session, code: str, on: dt.date, purpose: str, *, case_no: str | None = None, chief: str | None = None
) -> int:
    """Record an accompanied visit (同行訪問) of a chief (default: the logged-in one)."""
    if store.surveyor(s.db, code) is None:
        raise ReviewError(f"調査員 {code} は登録されていません")
    if not purpose.strip():
        raise ReviewError("同行訪問の目的を書いてください")
    chief = chief or store.login_surveyor_code(s.db, s.who)
    if chief == code:
        raise ReviewError("自分自身への同行訪問は記録できません")
    case_id = None
    if case_no:
        case = store.case_by_no(s.db, case_no)
        if case is None:
            raise ReviewError(f"依頼番号 {case_no} は見つかりません")
        case_id = case.id
    with _tx(s):
        vid = store.insert_visit(s.db, code, chief, on, purpose.strip(), case_id, now_jp_iso(), s.who)
        _audit(s, "review.visit", vid, None, {"surveyor": code, "chief": chief, "on": on, "purpose": purpose})
    return vid


# --------------------------------------------------------------------------- for reports
def post_submission_findings(s: Session, start: dt.date, end: dt.date) -> int:
    """Findings that came back from the office (照会・返戻・再調査) recorded start..end (inclusive)."""
    return int(
        s.db.conn.execute(
            "SELECT count(*) FROM review_findings f JOIN review_checks c ON c.id = f.check_id"
            " WHERE c.kind = 'post' AND c.state = 'done' AND c.blind_of IS NULL"
            " AND c.checked_on BETWEEN ? AND ?",
            (start.isoformat(), end.isoformat()),
        ).fetchone()[0]
    )


def findings_by_point(
    s: Session, start: dt.date, end: dt.date, *, post_only: bool = False, include_blind: bool = False
) -> list[tuple[str, str, int]]:
    """(point id, label, findings) over finished checks start..end, most first (for Pareto).

    Blind calibration checks are left out by default: they re-check a form already counted.
    """
    sql = (
        "SELECT f.point, count(*) FROM review_findings f JOIN review_checks c ON c.id = f.check_id"
        " WHERE c.state = 'done' AND c.checked_on BETWEEN ? AND ?"
    )
    if post_only:
        sql += " AND c.kind = 'post'"
    if not include_blind:
        sql += " AND c.blind_of IS NULL"
    counts = dict(
        s.db.conn.execute(sql + " GROUP BY f.point", (start.isoformat(), end.isoformat())).fetchall()
    )
    out = [(p.id, p.label, int(counts.get(p.id, 0))) for p in rules.CHECK_POINTS]
    return sorted(out, key=lambda t: (-t[2], rules.POINT_IDS.index(t[0])))


# --------------------------------------------------------------------------- free text
def review_known(s: Session, r: SurveyorReview):
    """The names and numbers of every case in the review (its forms, visits and follow-ups):
    what the chiefs' free text must not quote."""

    return known_for_cases(
        s,
        [f.case_no for f in r.forms] + [v.case_no for v in r.visits],
        [c.case_id for c in r.followup_checks],
    )


def review_viewer(s: Session, r: SurveyorReview, *, printed: bool = False):
    """How the review's free text (finding notes, guidance, proficiency notes, visit purposes,
    the closing comment) is shown: masked in print and for a monitor, as typed on screen
    for managers and chiefs."""

    if not printed and sees_as_typed(s):
        return AS_TYPED
    return Viewer(True, review_known(s, r))


def masked_check(rec: CheckRecord, view) -> CheckRecord:
    """A copy of a check with its free text shown through view (the stored record is untouched)."""
    return records.replace(
        rec,
        guidance=view(rec.guidance),
        proficiency_note=view(rec.proficiency_note),
        findings=[masked_finding(f, view) for f in rec.findings],
    )


def masked_finding(f: Finding, view) -> Finding:
    return records.replace(f, note=view(f.note), guidance=view(f.guidance))


def masked_review(r: SurveyorReview, view) -> SurveyorReview:
    """A copy of the review with every free text shown through view."""
    if not getattr(view, "masks", True):
        return r
    forms = [
        records.replace(
            f,
            check=masked_check(f.check, view) if f.check else None,
            post_findings=[masked_finding(x, view) for x in f.post_findings],
            other_findings=[masked_finding(x, view) for x in f.other_findings],
        )
        for f in r.forms
    ]
    return records.replace(
        r,
        forms=forms,
        closing_comment=view(r.closing_comment),
        followup_checks=[masked_check(c, view) for c in r.followup_checks],
        visits=[records.replace(v, purpose=view(v.purpose)) for v in r.visits],
        points=[records.replace(p, finding=masked_finding(p.finding, view)) for p in r.points],
    )


def inspection_coverage(s: Session, start: dt.date, end: dt.date) -> tuple[int, int]:
    """(forms submitted start..end with a finished check by someone other than the author
    before or on the submission day, forms submitted start..end) — 001 §4(5), §5(3)③:
    every form is inspected before it goes to the office. Post-submission and blind
    checks do not count."""
    row = s.db.conn.execute(
        "SELECT count(*), sum(EXISTS (SELECT 1 FROM review_checks r WHERE r.case_id = c.id"
        " AND r.state = 'done' AND r.kind != 'post' AND r.blind_of IS NULL"
        " AND r.inspector != c.surveyor AND r.checked_on <= c.submitted_on))"
        " FROM cases c WHERE c.submitted_on BETWEEN ? AND ?",
        (start.isoformat(), end.isoformat()),
    ).fetchone()
    return int(row[1] or 0), int(row[0] or 0)
