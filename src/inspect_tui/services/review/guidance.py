"""The guidance completion report (指導終了報告, 001 §5(3)②) as a document and as JSON.

Built from services.review.surveyor.SurveyorReview: the surveyor's code and
name, placement and solo-start dates, the chiefs, each form's date, case
number and result per point, the findings and guidance given, the trend, the
verdict and the chief's closing comment, with a signature line. No applicant
names or insured numbers; free text (notes, guidance, comments) arrives masked
(services.review.surveyor.guidance_report). Every format prints it (render/):
the html with the two seal boxes at the end. The JSON shape is documented in
docs/guidance-report.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.core import review as rules
from inspect_tui.core.document import Chart, Doc, Section, Table
from inspect_tui.core.jpdate import format_era
from inspect_tui.core.records import record
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.core.review import REVIEW_FORMS
from inspect_tui.core.today import today_jp
from inspect_tui.services.review.queue import ReviewError
from inspect_tui.services.review.surveyor import (
    SurveyorReview,
    masked_review,
    review_viewer,
    surveyor_review,
)
from inspect_tui.services.session import Session

TITLE = "指導終了報告（新規調査員 1〜10件目 重点チェック記録）"
JSON_VERSION = 2  # 2: guidance per finding and whether it took, findings per aspect, confirmation


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else "－"


def _jp(day: dt.date | None) -> str:
    if not day:
        return "－"
    return format_era(day)  # in the day's own era: 2019-04-30 is 平成31年4月30日


def _yes_no(v: bool | None) -> str:
    return "－" if v is None else ("済" if v else "未")


def facts(r: SurveyorReview, issued: dt.date) -> list[tuple[str, str]]:
    chiefs = "、".join(f"{name}（{code}）" for code, name in r.chiefs) or "－"
    return [
        ("調査員", f"{r.name}（{r.code}）"),
        ("配置日", _jp(r.placed_on)),
        ("単独調査開始日", _jp(r.solo_start)),
        ("重点チェック担当主任", chiefs),
        ("点検済み", f"{r.checked} / {rules.REVIEW_FORMS} 件"),
        ("改善状況の判定", r.verdict_label),
        ("改善状況の確認", _confirmed(r)),
        ("発行日", _jp(issued)),
    ]


def _confirmed(r: SurveyorReview) -> str:
    c = r.confirmation
    if c is None:
        return "未確認"
    verdict = rules.VERDICT_LABELS.get(c.verdict, c.verdict)
    return f"{c.chief_name}（{c.chief}） {_jp(c.confirmed_on)}（{verdict}）"


def _forms_table(r: SurveyorReview) -> Table:
    headers = [
        "件目",
        "訪問日",
        "依頼番号",
        *(rules.POINT_SHORT[p] for p in rules.POINT_IDS),
        "指摘",
        "ポイント",
        "提出前修正",
        "分",
    ]
    rows: list[list[Any]] = []
    for f in r.forms:
        c = f.check
        rows.append(
            [
                f.form_no,
                _d(f.visited_on),
                f.case_no,
                *(f.result_on(p) for p in rules.POINT_IDS),
                len(f.findings) if c else None,
                f.form_points,
                _yes_no(c.fixed_before_submission) if c else "－",
                c.minutes if c else None,
            ]
        )
    legend = (
        "点検項目: "
        + "／".join(f"{rules.POINT_SHORT[p]}={rules.POINT_LABELS[p]}" for p in rules.POINT_IDS)
        + "。ポイント=調査票の内容に規則が挙げた点検ポイントの数（空欄: 内容の記録なし）"
    )
    return Table(headers, rows, ["r", "l", "l", *("c" * len(rules.POINT_IDS)), "r", "r", "c", "r"], legend)


def _form_rules_table(r: SurveyorReview) -> Table:
    """The content rules that fired on forms 1-10, most first (a Pareto of forms per rule)."""
    rows = [[x.rank, x.name, x.count, x.share_pct, x.cumulative_pct] for x in r.form_rules]
    return Table(
        ["順位", "規則", "調査票数", "構成比", "累積"],
        rows,
        list("rlrrr"),
        "調査票の点検ポイント（規則別。警告コード・特記事項の不足・項目間・記入）",
    )


def _findings_table(r: SurveyorReview) -> Table:
    """Every finding with the guidance given for it and whether it took (改善 / 継続指導 /
    未確認, and at which later form)."""
    rows: list[list[Any]] = []
    for p in r.points:
        x = p.finding
        rows.append(
            [
                p.where,
                rules.POINT_LABELS[x.point],
                rules.SEVERITY_LABELS[x.severity],
                rules.item_label(x.item_code) if x.item_code else "－",
                x.note or "－",
                x.guidance or "－",
                _d(x.guidance_on),
                p.history_text,
            ]
        )
    return Table(
        ["件目", "点検項目", "重さ", "調査項目", "内容", "指導内容", "指導日", "改善状況"],
        rows,
        list("llllllll"),
        "改善状況: 後の点検で主任が確かめた結果（改善／継続指導、確かめた件目）。未確認: まだ確かめていない",
        landscape=True,
    )


def _aspects_table(r: SurveyorReview) -> Table:
    """The small chart of findings per aspect (§4(5)) across forms 1-10."""
    rows: list[list[Any]] = [[rules.POINT_SHORT[pid], *cells, total] for pid, cells, total in r.aspect_rows()]
    headers = ["観点", *(str(n) for n in range(1, REVIEW_FORMS + 1)), "計"]
    return Table(
        headers,
        rows,
        ["l", *("r" * (REVIEW_FORMS + 1))],
        "観点別の指摘数（1〜10件目。－: 未点検）",
        chart=Chart("観点別の指摘数（1〜10件目の計）", 0, REVIEW_FORMS + 1, "指摘数", len(rows)),
    )


def _guidance_table(r: SurveyorReview) -> Table:
    return Table(
        ["件目", "方法", "指導の内容"],
        [[n, m or "－", t or "－"] for n, m, t in r.guidance_lines()],
        list("rll"),
    )


def _trend_table(r: SurveyorReview) -> Table:
    rows: list[list[Any]] = []
    for t in r.padded_tallies():
        bar = ("#" * min(t.findings, 20)) if t.checked else "未点検"
        rows.append([f"{t.form_no}件目", t.findings if t.checked else None, "あり" if t.serious else "", bar])
    return Table(
        ["件目", "指摘数", "重大", "推移"],
        rows,
        list("lrcl"),
        chart=Chart("指摘数の推移（1〜10件目）", 0, 1, "指摘数", len(rows)),
        chart_stand_ins=(3,),
    )


def _followups_table(r: SurveyorReview) -> Table:
    rows: list[list[Any]] = []
    notes = {c.kind: c for c in r.followup_checks}
    for fu in r.followups:
        c = notes.get(fu.kind)
        rows.append([fu.label, fu.due_text(), _d(fu.done_on), c.proficiency_note if c else "－"])
    return Table(
        ["確認", "予定日", "実施日", "習熟度の所見"], rows, list("llll"), "習熟度の確認（配置後3か月・6か月）"
    )


def _visits_table(r: SurveyorReview) -> Table:
    return Table(
        ["日付", "目的", "主任", "依頼番号"],
        [[_d(v.on_date), v.purpose, v.chief or "－", v.case_no or "－"] for v in r.visits],
        list("llll"),
        "同行訪問",
    )


def guidance_doc(r: SurveyorReview, issued: dt.date) -> Doc:
    recurring = r.recurring()
    rec_text = (
        "繰り返し見られた指摘: " + "、".join(f"{rules.POINT_LABELS[p]}（{n}件）" for p, n in recurring)
        if recurring
        else "繰り返し見られた指摘: なし"
    )
    verdict = [f"判定: {r.verdict_label}", f"判定の根拠: {r.verdict_rule.reason}"]
    if r.verdict_override and r.verdict_override != r.verdict_rule.id:
        verdict.append(f"（判定基準による結果は「{r.verdict_rule.label}」、主任が変更しました）")
    sections = [
        Section("1. 各調査票の点検結果", [_forms_table(r)]),
        Section("2. 指摘と指導、その改善", [_findings_table(r)], [r.follow_line()]),
        Section("3. 指導の内容（点検ごと）", [_guidance_table(r)]),
        Section(
            "4. 改善の推移",
            [_trend_table(r), _aspects_table(r), _form_rules_table(r)],
            [
                f"指摘数の推移（1〜10件目）: {r.sparkline()}",
                r.corrections_line(),
                rec_text,
                r.form_rules_line(),
                *verdict,
            ],
        ),
        Section("5. 習熟度の確認と同行訪問", [_followups_table(r), _visits_table(r)]),
        Section(
            "6. 主任調査員の所見と確認",
            [],
            [r.closing_comment.strip() or "（未記入）", f"改善状況の確認: {_confirmed(r)}"],
        ),
    ]
    note = "" if r.complete else "注: 10件目の重点チェックが終わっていないため、作成途中の記録です。"
    return Doc(
        TITLE, facts(r, issued), sections, seals=("主任調査員", "業務責任者"), note=note, seals_at_end=True
    )


def guidance_json(r: SurveyorReview, issued: dt.date) -> dict[str, Any]:
    """The report's content as plain data (see docs/guidance-report.md)."""
    follow = {p.id: _follow_json(p) for p in r.points}
    forms = []
    for f in r.forms:
        c = f.check
        post_ids = {id(x) for x in f.post_findings}
        points = {}
        for p in rules.POINT_IDS:
            found = [x for x in f.findings if x.point == p]
            result = "finding" if found else (c.outcomes.get(p) if c else None)
            points[p] = {
                "label": rules.POINT_LABELS[p],
                "result": result,
                "findings": [
                    {
                        "severity": x.severity,
                        "severity_label": rules.SEVERITY_LABELS[x.severity],
                        "item_code": x.item_code or None,
                        "item_name": rules.survey_items()[x.item_code].name if x.item_code else None,
                        "note": x.note,
                        "post_submission": id(x) in post_ids,
                        "guidance": x.guidance,
                        "guidance_on": _iso(x.guidance_on),
                        "followthrough": follow.get(x.id or 0),
                    }
                    for x in found
                ],
            }
        forms.append(
            {
                "form_no": f.form_no,
                "case_no": f.case_no,
                "visited_on": _iso(f.visited_on),
                "submitted_on": _iso(f.submitted_on),
                "checked": c is not None,
                "checked_on": _iso(c.checked_on) if c else None,
                "inspector": c.inspector if c else None,
                "minutes": c.minutes if c else None,
                "fixed_before_submission": c.fixed_before_submission if c else None,
                "findings_total": len(f.findings) if c else None,
                "content_points": f.form_points,
                "points": points,
                "guidance": {"methods": list(c.guidance_methods), "text": c.guidance} if c else None,
            }
        )
    notes = {c.kind: c.proficiency_note for c in r.followup_checks}
    return {
        "report": "guidance_completion",
        "version": JSON_VERSION,
        "issued_on": issued.isoformat(),
        "complete": r.complete,
        "surveyor": {
            "code": r.code,
            "name": r.name,
            "placed_on": _iso(r.placed_on),
            "solo_start": _iso(r.solo_start),
        },
        "chiefs": [{"code": c, "name": n} for c, n in r.chiefs],
        "checked": r.checked,
        "forms": forms,
        "trend": {
            "findings_per_form": [t.findings if t.checked else None for t in r.padded_tallies()],
            "recurring_points": [
                {"point": p, "label": rules.POINT_LABELS[p], "forms": n} for p, n in r.recurring()
            ],
            "content_rules": [
                {"rule": x.name, "forms": x.count, "share": x.share_pct, "vital": x.vital}
                for x in r.form_rules
            ],
            "content_forms": r.form_rules_forms,
            "by_aspect": [
                {"point": pid, "label": rules.POINT_LABELS[pid], "per_form": cells, "total": total}
                for pid, cells, total in r.aspect_rows()
            ],
        },
        "followthrough": {k: v for k, v in r.follow_counts().items()},
        "open_points": [_point_json(p) for p in r.open_points()],
        "confirmation": _confirmation_json(r),
        "verdict": {
            "rule": r.verdict_rule.id,
            "provisional": r.verdict_rule.provisional,
            "reason": r.verdict_rule.reason,
            "override": r.verdict_override,
            "final": r.verdict_id,
            "label": r.verdict_label,
        },
        "followups": [
            {
                "kind": fu.kind,
                "due": _iso(fu.due),
                "business_due": _iso(fu.business_due),
                "done_on": _iso(fu.done_on),
                "proficiency_note": notes.get(fu.kind),
            }
            for fu in r.followups
        ],
        "accompanied_visits": [
            {"on": _iso(v.on_date), "purpose": v.purpose, "chief": v.chief, "case_no": v.case_no}
            for v in r.visits
        ],
        "closing_comment": r.closing_comment,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _follow_json(p) -> dict[str, Any]:
    last = p.looks[-1] if p.looks else None
    return {
        "state": p.state,
        "label": rules.FOLLOW_STATE_LABELS[p.state],
        "looked_at": [
            {"where": p.look_where(x), "checked_on": _iso(x.checked_on), "outcome": x.outcome}
            for x in p.looks
        ],
        "last_where": p.look_where(last) if last else None,
    }


def _point_json(p) -> dict[str, Any]:
    x = p.finding
    return {
        "where": p.where,
        "form_no": p.form_no,
        "point": x.point,
        "severity": x.severity,
        "item_code": x.item_code or None,
        "note": x.note,
        "guidance": x.guidance,
        "guidance_on": _iso(x.guidance_on),
        "state": p.state,
    }


def _confirmation_json(r: SurveyorReview) -> dict[str, Any] | None:
    c = r.confirmation
    if c is None:
        return None
    return {"chief": c.chief, "on": c.confirmed_on.isoformat(), "verdict": c.verdict, "checked": c.checked}


def default_filename(code: str, fmt: str, issued: dt.date) -> str:
    """A file name with the surveyor code only (never a person's name)."""
    return f"guidance_{code}_{issued:%Y%m%d}.{EXTENSIONS[fmt]}"


@record(frozen=True)
class GuidanceReport:
    """The report as every renderer takes it (as_doc / to_json), for one surveyor on one day."""

    review: SurveyorReview
    issued: dt.date

    def as_doc(self, full: bool = False) -> Doc:
        return guidance_doc(self.review, self.issued)

    def to_json(self) -> dict[str, Any]:
        return guidance_json(self.review, self.issued)

    def default_filename(self, fmt: str) -> str:
        return default_filename(self.review.code, fmt, self.issued)


class ReportNotReady(ReviewError):
    """Form 10 is not checked yet."""


def guidance_report(
    s: Session, code: str, *, allow_draft: bool = False, issued: dt.date | None = None
) -> GuidanceReport:
    """The guidance completion report (指導終了報告) of a surveyor, for every renderer.

    Ready once form 10 is checked; before that only with allow_draft (marked 作成途中)."""
    review = surveyor_review(s, code)
    if not review.forms:
        raise ReportNotReady(f"{code} には重点チェックの対象の調査票（単独調査）がありません")
    if not review.complete and not allow_draft:
        raise ReportNotReady(
            f"{code} の重点チェックは {review.checked}/{REVIEW_FORMS} 件です。"
            "10件目の点検が終わると指導終了報告を出せます（途中の記録は --draft）"
        )
    # the report goes to the city: free text is masked for everyone
    printed = masked_review(review, review_viewer(s, review, printed=True))
    return GuidanceReport(printed, issued or today_jp())
