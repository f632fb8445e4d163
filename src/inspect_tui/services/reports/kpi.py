"""KGI / KPI achievement tables (seeds 003, 004; 000 §4(2), §4(8)).

Each indicator has a target per fiscal year; the table shows several years
side by side (目標値 / 実績値 / 達成度), like seed 003's 令和6年度…令和9年度
columns. Actuals come from the data where a metric exists, or are entered by
hand (settings key ``kpi_actual:<indicator>:<fy>``, ``inspect-tui report
kpi-set``). 達成度 = actual ÷ target (higher is better) or target ÷ actual
(lower is better), one decimal place; a zero target reads 達成 / 未達成.

Indicators measured monthly or quarterly also get a mark per month / quarter
of the chosen year (against ``unit_target``, or the year's target for a %).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from inspect_tui.core.document import EXTENSIONS, Doc, Mark, Section, Table
from inspect_tui.core.jpdate import fiscal_year_label
from inspect_tui.core.metrics import Achievement, Period, achievement, fy_period, meets
from inspect_tui.core.today import today_jp
from inspect_tui.services.reports.indicators import (
    CYCLE_WORDS,
    MANUAL,
    IndicatorFileError,
    KpiIndicator,
    load_kpi,
)
from inspect_tui.services.reports.metrics import METRICS, OK, json_number, monthly_components, value_over
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import report_queries as q

__all__ = ["IndicatorFileError", "KpiInputError", "KpiReport", "build_kpi", "set_kpi_actual"]


class KpiInputError(ValueError):
    pass


def kpi_indicators(s: Session) -> list[KpiIndicator]:
    return load_kpi(s.config.kpi_file)


def actual_key(indicator_id: str, fy: int) -> str:
    return f"kpi_actual:{indicator_id}:{fy}"


@writes("report.notes")
def set_kpi_actual(s: Session, indicator_id: str, fy: int, value: str) -> str:
    """Store a hand-entered actual ("-" or "" clears it); returns a line saying what was stored."""
    inds = {i.id: i for i in kpi_indicators(s)}
    ind = inds.get(indicator_id)
    if ind is None:
        raise KpiInputError(f"指標「{indicator_id}」はありません（{', '.join(inds)}）")
    if ind.metric != MANUAL:
        raise KpiInputError(
            f'「{ind.name}」の実績はデータから計算します（手入力は metric = "manual" の指標だけ）'
        )
    text = value.strip().replace(",", "").rstrip("%")
    if text in ("", "-"):
        q.set_setting(s.db, actual_key(indicator_id, fy), None, s.who)
        return f"{ind.name} {fiscal_year_label(fy)}: 実績値を消しました"
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise KpiInputError(f"「{value}」は数値ではありません") from None
    if not number.is_finite() or number < 0:
        raise KpiInputError("実績値は0以上の数値にしてください")
    q.set_setting(s.db, actual_key(indicator_id, fy), str(number), s.who)
    return f"{ind.name} {fiscal_year_label(fy)}: 実績値 {number}{ind.unit} を保存しました"


@dataclass(frozen=True)
class YearCell:
    fy: int
    target: Decimal | None
    actual: int | Decimal | None
    status: str  # ok | missing (未集計) | none (対象なし) | future (未到来) | manual_empty (未入力)
    achievement: Achievement
    running: bool


@dataclass(frozen=True)
class UnitMark:
    period: Period
    actual: int | Decimal | None
    achieved: bool | None
    status: str  # ok | missing | none | future


@dataclass(frozen=True)
class KpiRow:
    indicator: KpiIndicator
    years: list[YearCell]
    units: list[UnitMark]


@dataclass
class KpiReport:
    fy: int
    as_of: dt.date
    issued_on: dt.date
    years: list[int]
    rows: list[KpiRow]

    def to_json(self) -> dict[str, Any]:
        def num(v):
            return json_number(v)

        return {
            "fy": self.fy,
            "fy_label": fiscal_year_label(self.fy),
            "as_of": self.as_of.isoformat(),
            "years": self.years,
            "indicators": [
                {
                    "id": r.indicator.id,
                    "level": r.indicator.level,
                    "name": r.indicator.name,
                    "metric": r.indicator.metric,
                    "unit": r.indicator.unit,
                    "direction": r.indicator.direction,
                    "cycle": r.indicator.cycle,
                    "years": {
                        str(c.fy): {
                            "target": num(c.target),
                            "actual": num(c.actual),
                            "status": c.status,
                            "achievement_percent": num(c.achievement.percent),
                            "achieved": c.achievement.achieved,
                            "achievement": c.achievement.text(),
                            "running": c.running,
                        }
                        for c in r.years
                    },
                    "units": [
                        {
                            "period": u.period.key,
                            "actual": num(u.actual),
                            "achieved": u.achieved,
                            "status": u.status,
                        }
                        for u in r.units
                    ],
                }
                for r in self.rows
            ],
        }

    def as_doc(self, full: bool = False) -> Doc:
        return kpi_doc(self)

    def default_filename(self, fmt: str) -> str:
        """kpi_FY2027.xlsx: the kind and the fiscal year, never personal data."""
        return f"kpi_FY{self.fy}.{EXTENSIONS[fmt]}"


def _manual(s: Session, ind: KpiIndicator, fy: int) -> Decimal | None:
    raw = q.get_setting(s.db.conn, actual_key(ind.id, fy))
    return None if raw is None else Decimal(raw)


def build_kpi(
    s: Session, fy: int, as_of: dt.date | None = None, issued_on: dt.date | None = None
) -> KpiReport:
    today = today_jp()
    as_of = as_of or today
    indicators = kpi_indicators(s)
    years = sorted({fy, *(y for i in indicators for y in i.targets)})
    conn = s.db.conn
    memo: dict[Any, Any] = {}  # one grouped query per counter and year shown, shared by metrics
    rows = []
    for ind in indicators:
        metric = METRICS.get(ind.metric)
        cells = []
        for y in years:
            p = fy_period(y)
            target = ind.targets.get(y)
            if p.start > as_of:
                cells.append(YearCell(y, target, None, "future", Achievement(None, None), False))
                continue
            if metric is None:  # manual
                actual = _manual(s, ind, y)
                status = OK if actual is not None else "manual_empty"
            else:
                v = value_over(metric, monthly_components(metric, conn, p, as_of, memo), p)
                actual, status = v.value, v.status
            ach = (
                achievement(actual, target, ind.lower_is_better)
                if status == OK and target is not None
                else Achievement(None, None)
            )
            cells.append(YearCell(y, target, actual, status, ach, p.end >= as_of))
        units = []
        if ind.cycle in ("monthly", "quarterly") and metric is not None:
            p = fy_period(fy)
            unit_target = ind.unit_target if ind.unit_target is not None else ind.targets.get(fy)
            for u in p.months() if ind.cycle == "monthly" else p.quarters():
                if u.start > as_of:
                    units.append(UnitMark(u, None, None, "future"))
                    continue
                by_month = monthly_components(metric, conn, p, as_of, memo)
                v = value_over(metric, by_month, u)
                ok = None
                if v.status == OK and unit_target is not None and v.value is not None:
                    ok = meets(v.value, "<=" if ind.lower_is_better else ">=", unit_target)
                units.append(UnitMark(u, v.value, ok, v.status))
        rows.append(KpiRow(ind, cells, units))
    return KpiReport(fy, as_of, issued_on or today, years, rows)


# --------------------------------------------------------------------------- document


def _fmt(v: int | Decimal | None, unit: str) -> str:
    if v is None:
        return "－"
    if unit == "%":
        return f"{v}%"
    if isinstance(v, Decimal) and v == v.to_integral_value():
        v = int(v)
    return f"{v:,}{unit}" if isinstance(v, int) else f"{v}{unit}"


_STATUS = {"missing": "未集計", "none": "対象なし", "future": "－", "manual_empty": "未入力"}


def _actual_text(c: YearCell, unit: str) -> str:
    if c.status != OK:
        return _STATUS[c.status]
    return _fmt(c.actual, unit) + ("（途中）" if c.running else "")


def kpi_doc(r: KpiReport) -> Doc:
    facts = [
        ("対象年度", fiscal_year_label(r.fy)),
        ("基準日", f"{r.as_of.isoformat()}（この日までの記録で集計）"),
        ("発行日", r.issued_on.isoformat()),
    ]
    headers = ["区分", "指標", "", *[fiscal_year_label(y, western=False) for y in r.years]]
    rows = []
    for row in r.rows:
        ind = row.indicator
        rows.append([ind.level, ind.name, "目標値", *[_fmt(c.target, ind.unit) for c in row.years]])
        rows.append(["", "", "実績値", *[_actual_text(c, ind.unit) for c in row.years]])
        rows.append(["", "", "達成度", *[c.achievement.text() for c in row.years]])
    sections = [
        Section(
            "1. 年度別の目標値・実績値・達成度",
            [Table(headers, rows, align=["l", "l", "l", *["r"] * len(r.years)])],
            [
                "達成度 = 実績値／目標値（低いほど良い指標は 目標値／実績値）、小数第1位まで（四捨五入）。"
                "目標値が0の指標は 達成 / 未達成 で示します。",
                "年度は4月〜翌3月。" + "、".join(fiscal_year_label(y) for y in r.years) + "。",
            ],
        )
    ]
    mark_tables = []
    for row in r.rows:
        if not row.units:
            continue
        ind = row.indicator
        labels = [u.period.unit_label() for u in row.units]  # 5月 / 第1四半期
        pending = {"future": "－", "missing": "未集計", "none": "対象なし"}
        marks = [Mark(u.achieved, pending.get(u.status, "－")) for u in row.units]
        values = [
            _fmt(u.actual, ind.unit) if u.status == OK else _STATUS.get(u.status, "－") for u in row.units
        ]
        target = ind.unit_target if ind.unit_target is not None else ind.targets.get(r.fy)
        caption = (
            f"{ind.name}（{CYCLE_WORDS[ind.cycle]}・目標 {_fmt(target, ind.unit)}"
            f"{'以下' if ind.lower_is_better else '以上'}）"
        )
        # months in two halves (4-9月, 10-3月) so a table fits 80 columns
        step = 6 if len(labels) > 6 else len(labels)
        for i in range(0, len(labels), step):
            sl = slice(i, i + step)
            mark_tables.append(
                Table(
                    ["", *labels[sl]],
                    [["実績", *values[sl]], ["達成", *marks[sl]]],
                    align=["l", *["c"] * len(labels[sl])],
                    caption=caption if i == 0 else "",
                )
            )
    if mark_tables:
        sections.append(Section(f"2. {fiscal_year_label(r.fy)}の月・四半期ごとの達成", mark_tables))
    return Doc(title="KGI・KPI 達成状況", facts=facts, sections=sections)
