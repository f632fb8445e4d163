"""Pareto analysis over a period and filters: complaints by category, incidents by
cause category, or first-ten review findings by check point.

``pareto_report(session, source, date_from, date_to, ward=, surveyor=, kind=)``
returns a ``ParetoReport`` that every report format renders (reports/pareto.py)
and the TUI chart screen draws.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from inspect_tui.core import records
from inspect_tui.core.document import Chart, Doc, Percent, Section, Table
from inspect_tui.core.pareto import THRESHOLD, ParetoRow, bar, pareto
from inspect_tui.core.records import field, record
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.core.review import KIND_LABELS, POINT_LABELS
from inspect_tui.core.today import today_jp
from inspect_tui.services.forms.teaching import period_rule_counts
from inspect_tui.services.quality import records as q
from inspect_tui.services.quality.input import QualityInputError
from inspect_tui.services.review.surveyor import findings_by_point
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import mask
from inspect_tui.store import quality as store

SOURCES = {
    "complaints": ("苦情", "区分"),
    "incidents": ("事故・インシデント", "原因区分"),
    "findings": ("点検の指摘", "点検項目"),
    "form_rules": ("調査票の点検ポイント", "規則"),
}
#: form_rules narrowed: only the forms corrected after submission (照会・返戻・受理取消・再調査)
FORM_RULE_KINDS = {"corrected": "提出後の修正があった調査票"}
LAST = ("その他",)


class SourceUnavailable(Exception):
    """The source cannot be counted here (the review feature is not installed); says why."""


@record(frozen=True)
class ParetoReport:
    source: str
    date_from: dt.date
    date_to: dt.date
    rows: list[ParetoRow]
    ward: str | None = None
    surveyor: str | None = None
    kind: str | None = None
    issued_on: dt.date = field(default_factory=today_jp)

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def source_label(self) -> str:
        return SOURCES[self.source][0]

    @property
    def item_label(self) -> str:
        return SOURCES[self.source][1]

    @property
    def title(self) -> str:
        return f"パレート分析（{self.source_label}）"

    def filter_text(self) -> str:
        parts = []
        if self.ward:
            parts.append(f"区: {self.ward}")
        if self.surveyor:
            parts.append(f"調査員: {self.surveyor}")
        if self.kind:
            labels = {**q.COMPLAINT_KINDS, **q.INCIDENT_KINDS, **finding_kinds()}
            parts.append(f"種別: {labels.get(self.kind, self.kind)}")
        return "、".join(parts) or "なし（全件）"

    @property
    def vital_few(self) -> list[ParetoRow]:
        return [r for r in self.rows if r.vital]

    def as_doc(self, full: bool = False) -> Doc:
        return pareto_doc(self)

    def default_filename(self, fmt: str) -> str:
        """pareto_complaints_20270401-20270630.xlsx: what and when, never a person."""
        return f"pareto_{self.source}_{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}.{EXTENSIONS[fmt]}"

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "pareto",
            "source": self.source,
            "period": {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()},
            "filters": {"ward": self.ward, "surveyor": self.surveyor, "kind": self.kind},
            "issued_on": self.issued_on.isoformat(),
            "total": self.total,
            "threshold": 0.8,
            "rows": [
                {
                    "rank": r.rank,
                    "name": r.name,
                    "count": r.count,
                    "share": float(round(r.share, 6)),
                    "cumulative": float(round(r.cumulative, 6)),
                    "share_pct": r.share_pct,
                    "cumulative_pct": r.cumulative_pct,
                    "vital_few": r.vital,
                }
                for r in self.rows
            ],
        }


def source_key(text: str) -> str:
    aliases = {
        "complaint": "complaints",
        "苦情": "complaints",
        "incident": "incidents",
        "事故": "incidents",
        "finding": "findings",
        "指摘": "findings",
        "form-rules": "form_rules",
        "rules": "form_rules",
        "点検ポイント": "form_rules",
    }
    key = aliases.get(text, text)
    if key not in SOURCES:
        raise QualityInputError(
            [("集計対象", f"「{text}」は選べません（complaints / incidents / findings / form-rules）")]
        )
    return key


def check_filters(
    session: Session,
    source: str,
    date_from: dt.date,
    date_to: dt.date,
    ward: str | None,
    surveyor: str | None,
    kind: str | None,
) -> str | None:
    problems: list[tuple[str, str]] = []
    if date_to < date_from:
        problems.append(("期間", f"終わり（{date_to}）が始め（{date_from}）より前です"))
    if ward and ward not in session.config.wards:
        problems.append(("区", f"「{ward}」は担当の区ではありません（{' / '.join(session.config.wards)}）"))
    if surveyor and not store.exists(session.db, "surveyors", "code", surveyor):
        problems.append(("調査員", f"調査員コード「{surveyor}」は名簿にありません"))
    key = None
    if kind and source == "form_rules":
        key = next((k for k, jp in FORM_RULE_KINDS.items() if kind in (k, jp)), None)
        if key is None:
            names = " / ".join(f"{k}（{jp}）" for k, jp in FORM_RULE_KINDS.items())
            problems.append(("種別", f"「{kind}」は選べません（{names}）"))
    elif kind and source != "findings":
        try:
            key = q.kind_key(source, kind)
        except QualityInputError as exc:
            problems += exc.problems
    elif kind:
        kinds = finding_kinds()
        key = next((k for k, jp in kinds.items() if kind in (k, jp)), None)
        if key is None:
            names = " / ".join(f"{k}（{jp}）" for k, jp in kinds.items())
            problems.append(("種別", f"「{kind}」は選べません（{names}）"))
    if problems:
        raise QualityInputError(problems)
    return key


def pareto_counts(
    session: Session,
    source: str,
    date_from: dt.date,
    date_to: dt.date,
    *,
    ward: str | None = None,
    surveyor: str | None = None,
    kind: str | None = None,
) -> dict[str, int]:
    if source == "complaints":
        where, params = q.complaint_where(date_from, date_to, ward, surveyor, kind)
        return store.count_by(session.db, "complaints", "category", where, params)
    if source == "incidents":
        where, params = q.incident_where(date_from, date_to, ward, surveyor, kind)
        return store.count_by(session.db, "incidents", "cause_category", where, params)
    if source == "form_rules":
        return period_rule_counts(
            session, date_from, date_to, ward=ward, surveyor=surveyor, corrected=kind == "corrected"
        )
    return _findings_counts(session, date_from, date_to, ward=ward, surveyor=surveyor, kind=kind)


def _findings_counts(
    session: Session,
    date_from: dt.date,
    date_to: dt.date,
    *,
    ward: str | None = None,
    surveyor: str | None = None,
    kind: str | None = None,
) -> dict[str, int]:
    """Review findings by check point (label) over finished checks, from the first-ten review.

    Without a ward or surveyor filter this is the review feature's own
    ``findings_by_point`` (blind calibration checks left out); with one, the
    same count narrowed by the case's ward or the checked surveyor.
    """
    if not ward and not surveyor and kind in (None, "post"):
        rows = findings_by_point(session, date_from, date_to, post_only=kind == "post")
        return {label: n for _pid, label, n in rows}
    counts = store.findings_by_point(
        session.db, date_from.isoformat(), date_to.isoformat(), ward=ward, surveyor=surveyor, kind=kind
    )
    return {POINT_LABELS.get(pid, pid): n for pid, n in counts.items()}


def finding_kinds() -> dict[str, str]:
    """Check kinds a findings Pareto can be narrowed to (id -> label), empty without the review feature."""
    return dict(KIND_LABELS)


def printed_labels(rows: list[ParetoRow]) -> list[ParetoRow]:
    """Labels as printed: categories are chosen from lists, but a label is free text to the
    page it lands on, so anything in it that looks like personal data is masked."""

    return [records.replace(r, name=mask(r.name)) for r in rows]


def pareto_report(
    session: Session,
    source: str,
    date_from: dt.date,
    date_to: dt.date,
    *,
    ward: str | None = None,
    surveyor: str | None = None,
    kind: str | None = None,
) -> ParetoReport:
    """Check the filters, count and order: raises QualityInputError or SourceUnavailable."""
    source = source_key(source)
    kind = check_filters(session, source, date_from, date_to, ward or None, surveyor or None, kind or None)
    counts = pareto_counts(
        session, source, date_from, date_to, ward=ward or None, surveyor=surveyor or None, kind=kind
    )
    return ParetoReport(
        source,
        date_from,
        date_to,
        printed_labels(pareto(counts, last=LAST)),
        ward=ward or None,
        surveyor=surveyor or None,
        kind=kind,
    )


# --------------------------------------------------------------------------- the document
VITAL = "重点"
BAR_WIDTH = 20
HEADERS = ["順位", "項目", "件数", "構成比", "累積比率", "重点", "グラフ"]


def _percent(text: str) -> Percent:
    """'41.7%' (core.pareto.percent) as a cell printing the same, a number in an xlsx."""
    return Percent(Decimal(text.removesuffix("%")))


def _table(report: ParetoReport) -> Table:
    largest = max((r.count for r in report.rows), default=0)
    rows = [
        [
            r.rank,
            r.name,
            r.count,
            _percent(r.share_pct),
            _percent(r.cumulative_pct),
            VITAL if r.vital else "",
            bar(r.count, largest, BAR_WIDTH),
        ]
        for r in report.rows
    ]
    if rows:
        rows.append(["", "合計", report.total, Percent(Decimal("100.0")), "", "", ""])
    headers = list(HEADERS)
    headers[1] = report.item_label
    chart = Chart(
        title=report.title,
        label_column=1,
        bar_column=2,
        bar_title="件数",
        rows=len(report.rows),
        line_values=tuple(float(r.cumulative) for r in report.rows),
        line_title="累積比率",
        line_column=4,  # 累積比率, a number in the xlsx: the line draws from the table itself
        line_mark=float(THRESHOLD),  # the dashed 80% line (html, pdf)
    )
    return Table(headers, rows, align=["r", "l", "r", "r", "r", "c", "l"], chart=chart, chart_stand_ins=(6,))


def pareto_doc(report: ParetoReport) -> Doc:
    vital = report.vital_few
    summary = (
        f"重点項目（累積比率80%まで、80%を超える項目を含む）: {'、'.join(r.name for r in vital)}"
        f"（{len(vital)}項目で{vital[-1].cumulative_pct}）"
        if vital
        else "この期間・条件に該当する記録はありません。"
    )
    return Doc(
        title=report.title,
        facts=[
            ("対象期間", f"{report.date_from.isoformat()} 〜 {report.date_to.isoformat()}"),
            ("条件", report.filter_text()),
            ("件数", f"{report.total:,} 件"),
            ("発行日", report.issued_on.isoformat()),
        ],
        sections=[
            Section(
                f"{report.item_label}別の件数（多い順）",
                tables=[_table(report)] if report.rows else [],
                paragraphs=[summary, "同じ件数の項目は名前の順、「その他」は最後に置いています。"],
            )
        ],
        seals=(),
        note="",
    )
