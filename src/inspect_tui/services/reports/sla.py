"""SLA achievement (サービス水準達成状況報告書, seed 002 §3-4, 001 §16).

For a month, a fiscal quarter or a fiscal year: per indicator the target, the
actual over the period, and whether it was achieved. An indicator measured
monthly is judged month by month and a quarterly one quarter by quarter; the
period is achieved when every measured month / quarter that has started is.
A quarterly indicator asked for one month is shown for that month with
「四半期指標（当月分）」. Months not yet begun as of the as-of date are
「未到来」; a month or quarter still running is judged on the figures so far
and marked 集計中.

Deadlines excluded by agreement with the city (city-caused, or the
applicant's reasons) and cases cancelled or returned by their deadline are
not counted (002 §3(3)); the city-caused ones are listed by case number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.core.deadlines import case_rule, case_rules
from inspect_tui.core.document import Doc, Mark, Section, Table
from inspect_tui.core.metrics import Period, meets
from inspect_tui.core.records import record
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.core.today import today_jp
from inspect_tui.services.reports.indicators import (
    CYCLE_WORDS,
    IndicatorFileError,
    SlaIndicator,
    load_sla,
)
from inspect_tui.services.reports.metrics import (
    METRICS,
    OK,
    MetricValue,
    json_number,
    monthly_components,
    value_over,
)
from inspect_tui.services.session import Session
from inspect_tui.store import report_queries as q

__all__ = ["IndicatorFileError", "SlaReport", "build_sla", "sla_indicators"]


def sla_indicators(s: Session) -> list[SlaIndicator]:
    return load_sla(s.config.sla_file)


@record(frozen=True)
class UnitResult:
    period: Period
    value: MetricValue | None  # None: not started yet
    achieved: bool | None
    running: bool  # the month / quarter has not ended as of as_of


@record(frozen=True)
class SlaResult:
    indicator: SlaIndicator
    actual: MetricValue
    achieved: bool | None
    units: list[UnitResult]
    partial_cycle: bool  # a quarterly indicator shown for one month


@record
class SlaReport:
    period: Period
    as_of: dt.date
    issued_on: dt.date
    results: list[SlaResult]
    excluded_city_cases: dict[str, list[str]]

    def to_json(self) -> dict[str, Any]:
        def num(v):
            return json_number(v)

        return {
            "period": self.period.key,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "indicators": [
                {
                    "id": r.indicator.id,
                    "name": r.indicator.name,
                    "metric": r.indicator.metric,
                    "level": r.indicator.level,
                    "cycle": r.indicator.cycle,
                    "comparator": r.indicator.comparator,
                    "target": num(r.indicator.target),
                    "unit": METRICS[r.indicator.metric].unit,
                    "actual": num(r.actual.value),
                    "status": r.actual.status,
                    "achieved": r.achieved,
                    "excluded": r.actual.components.get("excluded"),
                    "excluded_city": r.actual.components.get("excluded_city"),
                    "deadline": _deadline_json(METRICS[r.indicator.metric].rule),
                    "units": [
                        {
                            "period": u.period.key,
                            "started": u.value is not None,
                            "actual": num(u.value.value) if u.value else None,
                            "status": u.value.status if u.value else "not_started",
                            "achieved": u.achieved,
                            "running": u.running,
                        }
                        for u in r.units
                    ],
                }
                for r in self.results
            ],
            "excluded_city_cases": self.excluded_city_cases,
        }

    def as_doc(self, full: bool = False) -> Doc:
        return sla_doc(self)

    def default_filename(self, fmt: str) -> str:
        """sla_2027Q2.xlsx: the kind and the period, never personal data."""
        return f"sla_{self.period.key}.{EXTENSIONS[fmt]}"


def _deadline_json(rule_id: str | None) -> dict[str, str] | None:
    """The deadline rule a metric counts, as the rules file says it (None for other metrics)."""
    if rule_id is None:
        return None
    rule = case_rule(rule_id)
    return {"rule": rule.id, "label": rule.label, "span": rule.span}


def _rules_counted(r: SlaReport) -> list:
    """The deadline rules behind the report's indicators, in the rules file's order."""
    used = {METRICS[res.indicator.metric].rule for res in r.results}
    return [rule for rule in case_rules() if rule.id in used]


def _judge(ind: SlaIndicator, v: MetricValue) -> bool | None:
    if v.status != OK or v.value is None:
        return None
    return meets(v.value, ind.comparator, ind.target)


def build_sla(
    s: Session, period: Period, as_of: dt.date | None = None, issued_on: dt.date | None = None
) -> SlaReport:
    today = today_jp()
    as_of = as_of or today
    indicators = sla_indicators(s)
    conn = s.db.conn
    memo: dict[Any, Any] = {}
    results = []
    for ind in indicators:
        metric = METRICS[ind.metric]
        by_month = monthly_components(metric, conn, period, as_of, memo)
        if ind.cycle == "monthly" or period.kind == "month":
            units = period.months()
        else:
            units = period.quarters()
        unit_results = []
        for u in units:
            if u.start > as_of:
                unit_results.append(UnitResult(u, None, None, False))
                continue
            v = value_over(metric, by_month, u)
            unit_results.append(UnitResult(u, v, _judge(ind, v), u.end >= as_of))
        judged = [u.achieved for u in unit_results if u.achieved is not None]
        if any(x is False for x in judged):
            achieved: bool | None = False
        elif judged and len(judged) == sum(1 for u in unit_results if u.value is not None):
            achieved = True
        else:
            achieved = None
        results.append(
            SlaResult(
                ind,
                value_over(metric, by_month, period),
                achieved,
                unit_results,
                ind.cycle == "quarterly" and period.kind == "month",
            )
        )
    rules = sorted({METRICS[i.metric].rule for i in indicators if METRICS[i.metric].rule})
    excluded = {r: q.excluded_case_numbers(conn, r, period.start, period.end, "city") for r in rules}
    return SlaReport(period, as_of, issued_on or today, results, excluded)


def _unit_label(p: Period) -> str:
    return p.unit_label()  # 5月 / 第1四半期


def _unit_mark(u: UnitResult) -> Mark:
    if u.value is None:
        return Mark(None, "未到来")
    if u.achieved is None:
        return Mark(None, "未集計" if u.value.status == "missing" else "対象なし")
    return Mark(u.achieved)


def sla_doc(r: SlaReport) -> Doc:
    facts = [
        ("対象期間", f"{r.period.label()}（{r.period.start.isoformat()}〜{r.period.end.isoformat()}）"),
        ("基準日", f"{r.as_of.isoformat()}（この日までの記録で集計）"),
        ("発行日", r.issued_on.isoformat()),
    ]
    rows = []
    for res in r.results:
        ind, unit = res.indicator, METRICS[res.indicator.metric].unit
        exc = res.actual.components.get("excluded")
        city = res.actual.components.get("excluded_city")
        rows.append(
            [
                ind.name,
                ind.level,
                CYCLE_WORDS[ind.cycle],
                ind.target_text,
                res.actual.cell(unit),
                Mark(res.achieved, "未集計" if res.actual.status == "missing" else "－"),
                None if exc is None else f"{exc:,}（{city:,}）",
            ]
        )
    main = Table(
        ["指標", "区分", "周期", "目標", "実績", "達成", "除外（市）"],
        rows,
        align=["l", "l", "l", "l", "r", "c", "r"],
    )
    sections = [
        Section(
            "1. 指標ごとの達成状況",
            [main],
            [
                "達成: 毎月・四半期ごとに判定し、始まった月・四半期がすべて目標を満たせば達成。",
                "除外: 市と合意して期限を除外したもの、期限までに中止・返却したもの、"
                "市の事由による苦情・事故。括弧内はそのうち市の事由によるもの。",
            ],
        )
    ]
    counted = _rules_counted(r)
    if counted:
        sections[0].paragraphs.append(
            "期限の数え方: " + "、".join(f"{rule.label} = {rule.span}" for rule in counted) + "。"
        )
    if any(res.partial_cycle for res in r.results):
        sections[0].paragraphs.append("四半期指標を月で指定したときは、当月分だけで判定しています（参考）。")
    # breakdown by month / quarter
    breakdown = []
    for res in r.results:
        unit = METRICS[res.indicator.metric].unit
        for u in res.units:
            value = u.value.cell(unit) if u.value else "－"
            breakdown.append(
                [
                    res.indicator.name,
                    _unit_label(u.period),
                    value,
                    _unit_mark(u),
                    "集計中" if u.running else "",
                ]
            )
    if breakdown and (r.period.kind != "month"):
        sections.append(
            Section(
                "2. 月・四半期ごとの判定",
                [
                    Table(
                        ["指標", "月・四半期", "実績", "達成", "備考"],
                        breakdown,
                        align=["l", "l", "r", "c", "l"],
                    )
                ],
            )
        )
    exc_section = Section(f"{len(sections) + 1}. 除外した市の事由の依頼（依頼番号）")
    for rule, nos in r.excluded_city_cases.items():
        exc_section.paragraphs.append(f"{case_rule(rule).label}: " + ("、".join(nos) if nos else "なし"))
    if not r.excluded_city_cases:
        exc_section.paragraphs.append("なし")
    sections.append(exc_section)
    missing = [res.indicator.name for res in r.results if res.actual.status == "missing"]
    if missing:
        sections.append(
            Section(
                f"{len(sections) + 1}. 未集計の指標",
                paragraphs=["次の指標は記録する機能がまだないため集計していません: " + "、".join(missing)],
            )
        )
    return Doc(title="サービス水準達成状況報告書", facts=facts, sections=sections)
