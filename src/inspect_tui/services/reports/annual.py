"""The annual performance report (業務履行報告書（年次）, issue 15 item 5; seed 001 §15): the
fiscal year's monthly figures side by side and summed (each month as its monthly report
has it: a closed month from its frozen snapshot), the year's SLA and KGI/KPI results, the
complaints and incidents by month, and the improvements (problems closed in the year).
Free text (the problems' titles and fixes) is masked: the report goes to the city.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.core.document import Doc, Section, Table
from inspect_tui.core.jpdate import fiscal_year_label, format_era
from inspect_tui.core.metrics import Period, month_period
from inspect_tui.core.months import fiscal_year_span
from inspect_tui.core.records import record
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.core.today import today_jp
from inspect_tui.services.session import Session

__all__ = ["AnnualReport", "build_annual"]

#: the monthly counts the annual table shows, in order (services.reports.monthly_terms.COUNT_KEYS)
ANNUAL_COUNTS = ("received", "visited", "submitted", "accepted", "cancelled")
DEADLINE = "standard"  # the deadline rule whose keeping the table shows (標準提出期限)


@record(frozen=True)
class MonthFigures:
    month: Period
    counts: dict[str, int]
    due: int  # standard deadline: due in the month
    on_time: int
    billed: int | None  # 本市 total (yen, tax included), None when not shown
    closed: bool  # frozen: the month was closed for billing


@record
class AnnualReport:
    fy: int
    as_of: dt.date
    issued_on: dt.date
    months: list[MonthFigures]
    sla: Any  # services.reports.sla.SlaReport
    kpi: Any  # services.reports.kpi.KpiReport
    complaints: dict[str, tuple[int, int]]  # month key -> (complaints, serious)
    incidents: dict[str, int]
    improvements: list[tuple[str, str, str]]  # (closed_on, title, fix), masked

    def totals(self) -> dict[str, int]:
        return {k: sum(m.counts.get(k, 0) for m in self.months) for k in ANNUAL_COUNTS}

    def as_doc(self, full: bool = False) -> Doc:
        from inspect_tui.services.reports.monthly_terms import COUNT_LABELS

        start, end = fiscal_year_span(self.fy)
        facts = [
            (
                "対象年度",
                f"{fiscal_year_label(self.fy, western=False)}（{start.isoformat()}〜{end.isoformat()}）",
            ),
            ("集計日", format_era(min(self.as_of, end))),
            ("発行日", format_era(self.issued_on)),
        ]
        headers = ["月", *(COUNT_LABELS[k] for k in ANNUAL_COUNTS), "標準提出期限の遵守", "締め"]
        rows: list[list[Any]] = []
        for m in self.months:
            rate = f"{m.on_time:,}/{m.due:,}" if m.due else "－"
            rows.append(
                [
                    m.month.unit_label(),
                    *(m.counts.get(k, 0) for k in ANNUAL_COUNTS),
                    rate,
                    "済" if m.closed else "－",
                ]
            )
        t = self.totals()
        due = sum(m.due for m in self.months)
        on_time = sum(m.on_time for m in self.months)
        rows.append(["計", *(t[k] for k in ANNUAL_COUNTS), f"{on_time:,}/{due:,}" if due else "－", ""])
        months = Table(
            headers,
            rows,
            ["l", *("r" * len(ANNUAL_COUNTS)), "r", "c"],
            "各月の数値は月次報告と同じ（締めた月は締めた時点の数値）",
        )
        quality = Table(
            ["月", "苦情", "うち重大", "事故・インシデント"],
            [
                [
                    m.month.unit_label(),
                    self.complaints.get(m.month.key, (0, 0))[0],
                    self.complaints.get(m.month.key, (0, 0))[1],
                    self.incidents.get(m.month.key, 0),
                ]
                for m in self.months
            ],
            list("lrrr"),
        )
        improvements = Table(
            ["完了日", "課題", "対策"],
            [list(x) for x in self.improvements],
            list("lll"),
            "年度中に完了した課題",
        )
        sla_doc = self.sla.as_doc()
        kpi_doc = self.kpi.as_doc()
        sections = [
            Section("1. 月別の処理件数と期限の遵守", [months]),
            Section("2. サービス水準（SLA）の達成状況", [t for sec in sla_doc.sections for t in sec.tables]),
            Section("3. KGI・KPI の達成状況", [t for sec in kpi_doc.sections for t in sec.tables]),
            Section("4. 苦情・事故", [quality]),
            Section("5. 改善（完了した課題）", [improvements]),
        ]
        return Doc("業務履行報告書（年次）", facts, sections)

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "annual",
            "version": 1,
            "fiscal_year": self.fy,
            "as_of": self.as_of.isoformat(),
            "months": [
                {
                    "month": m.month.key,
                    "counts": {k: m.counts.get(k, 0) for k in ANNUAL_COUNTS},
                    "standard_deadline": {"due": m.due, "on_time": m.on_time},
                    "closed": m.closed,
                }
                for m in self.months
            ],
            "totals": self.totals(),
            "sla": self.sla.to_json(),
            "kpi": self.kpi.to_json(),
            "complaints": {k: {"count": v[0], "serious": v[1]} for k, v in self.complaints.items()},
            "incidents": self.incidents,
            "improvements": [{"closed_on": c, "title": t, "fix": f} for c, t, f in self.improvements],
        }

    def default_filename(self, fmt: str) -> str:
        return f"annual_FY{self.fy}.{EXTENSIONS[fmt]}"


def build_annual(s: Session, fy: int, as_of: dt.date | None = None) -> AnnualReport:
    """The fiscal year's annual report as of a day (default today: a year in progress shows
    its months so far)."""
    from inspect_tui.core.metrics import parse_period
    from inspect_tui.services.quality.complaints import list_complaints
    from inspect_tui.services.quality.incidents import list_incidents
    from inspect_tui.services.quality.problems import list_problems
    from inspect_tui.services.reports.kpi import build_kpi
    from inspect_tui.services.reports.monthly import ClosedMonthReport, build_monthly
    from inspect_tui.services.reports.sla import build_sla
    from inspect_tui.services.trust.free_text import printer

    today = today_jp()
    as_of = as_of or today
    start, end = fiscal_year_span(fy)
    months: list[MonthFigures] = []
    y, mo = start.year, start.month
    while dt.date(y, mo, 1) <= min(end, as_of):
        period = month_period(y, mo)
        report = build_monthly(s, period, as_of)
        data = report.to_json()
        std = data.get("deadlines", {}).get(DEADLINE, {})
        months.append(
            MonthFigures(
                period,
                dict(data["counts"]),
                int(std.get("due") or 0),
                int(std.get("on_time") or 0),
                (data.get("billing", {}).get("home") or {}).get("total"),
                isinstance(report, ClosedMonthReport) or bool(getattr(report, "billing_closed_at", None)),
            )
        )
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    complaints: dict[str, tuple[int, int]] = {}
    for c in list_complaints(s, start, min(end, as_of)):
        key = c.received_at[:7]
        n, serious = complaints.get(key, (0, 0))
        complaints[key] = (n + 1, serious + int(c.serious))
    incidents: dict[str, int] = {}
    for i in list_incidents(s, start, min(end, as_of)):
        incidents[i.occurred_at[:7]] = incidents.get(i.occurred_at[:7], 0) + 1
    view = printer(s)
    improvements = [
        (p.closed_on.isoformat() if p.closed_on else "", view(p.title), view(p.fix))
        for p in sorted(
            list_problems(s, closed_from=start, closed_to=end), key=lambda p: (p.closed_on or end, p.id)
        )
    ]
    return AnnualReport(
        fy,
        as_of,
        today,
        months,
        build_sla(s, parse_period(f"FY{fy}"), as_of),
        build_kpi(s, fy, as_of),
        complaints,
        incidents,
        improvements,
    )
