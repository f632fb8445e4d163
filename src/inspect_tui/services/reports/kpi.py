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
from decimal import Decimal, InvalidOperation
from typing import Any

from inspect_tui.core.document import Cell, Doc, Mark, Num, Percent, Section, SeriesChart, Table
from inspect_tui.core.jpdate import fiscal_year_label
from inspect_tui.core.metrics import Achievement, Period, achievement, fy_period, meets
from inspect_tui.core.records import field, record
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.core.today import today_jp
from inspect_tui.services.reports.indicators import (
    CYCLE_WORDS,
    MANUAL,
    IndicatorFileError,
    KpiIndicator,
    load_kpi,
    tree_order,
)
from inspect_tui.services.reports.metrics import METRICS, OK, json_number, monthly_components, value_over
from inspect_tui.services.session import Session
from inspect_tui.services.trust import free_text
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import report_queries as q

__all__ = [
    "IndicatorFileError",
    "KpiInputError",
    "KpiReport",
    "build_kpi",
    "get_kpi_note",
    "kpi_indicator",
    "set_kpi_actual",
    "set_kpi_note",
]


class KpiInputError(ValueError):
    pass


def kpi_indicators(s: Session) -> list[KpiIndicator]:
    return load_kpi(s.config.kpi_file)


def kpi_indicator(s: Session, indicator_id: str) -> KpiIndicator:
    """The indicator of that id, or KpiInputError naming the ids there are."""
    inds = {i.id: i for i in kpi_indicators(s)}
    ind = inds.get(indicator_id)
    if ind is None:
        raise KpiInputError(f"指標「{indicator_id}」はありません（{', '.join(inds)}）")
    return ind


def actual_key(indicator_id: str, fy: int) -> str:
    return f"kpi_actual:{indicator_id}:{fy}"


@writes("report.notes")
def set_kpi_actual(s: Session, indicator_id: str, fy: int, value: str) -> str:
    """Store a hand-entered actual ("-" or "" clears it); returns a line saying what was stored."""
    ind = kpi_indicator(s, indicator_id)
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


NOTE_KINDS = {"self": "自己評価", "issues": "課題・今後の方向性"}
NOT_WRITTEN = "（未記入）"


def note_key(indicator_id: str, fy: int, kind: str) -> str:
    """Settings key of an indicator's evaluation text: kpi_note:accepted:2027:self."""
    return f"kpi_note:{indicator_id}:{fy}:{kind}"


def get_kpi_note(s: Session, indicator_id: str, fy: int, kind: str) -> str:
    return q.get_setting(s.db.conn, note_key(indicator_id, fy, kind)) or ""


@writes("report.notes")
def set_kpi_note(s: Session, indicator_id: str, fy: int, kind: str, text: str) -> str:
    """Save (empty text: clear) an indicator's 自己評価 or 課題・今後の方向性 for a fiscal
    year (managers only); returns a line saying what was stored. Each save is a new entry
    in the audit log: the earlier text stays there."""
    if kind not in NOTE_KINDS:
        raise KpiInputError(
            f"記入欄は {' / '.join(f'{k}（{v}）' for k, v in NOTE_KINDS.items())} のどれかです"
        )
    ind = kpi_indicator(s, indicator_id)
    q.set_setting(s.db, note_key(indicator_id, fy, kind), text.strip() or None, s.who)
    done = "保存しました" if text.strip() else "消しました"
    return f"{ind.name} {fiscal_year_label(fy)}: {NOTE_KINDS[kind]}を{done}"


@record(frozen=True)
class YearCell:
    fy: int
    target: Decimal | None  # the target the year is judged against (a relative one: resolved)
    actual: int | Decimal | None
    status: str  # ok | missing (未集計) | none (対象なし) | future (未到来) | manual_empty (未入力)
    achievement: Achievement
    running: bool
    #: where the target came from: "" (the number in kpi.toml) | "previous" (last year's actual)
    #: | "no_previous" (relative, and last year has no actual)
    target_from: str = ""


@record(frozen=True)
class UnitMark:
    period: Period
    actual: int | Decimal | None
    achieved: bool | None
    status: str  # ok | missing | none | future


@record(frozen=True)
class KpiRow:
    indicator: KpiIndicator
    years: list[YearCell]
    units: list[UnitMark]
    depth: int = 0  # KGI 0 → KPI 1 → 計画 2
    notes: dict[str, str] = field(default_factory=dict)  # kind -> text (masked: it is printed)


@record
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
                    "parent": r.indicator.parent or None,
                    "depth": r.depth,
                    "name": r.indicator.name,
                    "metric": r.indicator.metric,
                    "unit": r.indicator.unit,
                    "direction": r.indicator.direction,
                    "cycle": r.indicator.cycle,
                    "cumulative": r.indicator.cumulative,
                    "years": {
                        str(c.fy): {
                            "target": num(c.target),
                            "target_rule": r.indicator.target_rule(c.fy),
                            "target_from": c.target_from or "file",
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
                    "notes": {k: r.notes.get(k, "") for k in NOTE_KINDS},
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


class _Actuals:
    """A year's actual of an indicator (from the data or entered by hand), each computed
    once: a relative target needs last year's, a cumulative actual every year since the
    first."""

    def __init__(self, s: Session, as_of: dt.date) -> None:
        self.s, self.as_of = s, as_of
        self.memo: dict[Any, Any] = {}  # one grouped query per counter and year, shared by metrics
        self.done: dict[tuple[str, int], tuple[int | Decimal | None, str]] = {}

    def yearly(self, ind: KpiIndicator, fy: int) -> tuple[int | Decimal | None, str]:
        key = (ind.id, fy)
        if key not in self.done:
            p = fy_period(fy)
            metric = METRICS.get(ind.metric)
            if p.start > self.as_of:
                self.done[key] = (None, "future")
            elif metric is None:  # manual
                actual = _manual(self.s, ind, fy)
                self.done[key] = (actual, OK if actual is not None else "manual_empty")
            else:
                v = value_over(
                    metric, monthly_components(metric, self.s.db.conn, p, self.as_of, self.memo), p
                )
                self.done[key] = (v.value, v.status)
        return self.done[key]

    def actual(self, ind: KpiIndicator, fy: int) -> tuple[int | Decimal | None, str]:
        """The year's actual; a cumulative indicator's is the sum since its first year (a
        year in between without a figure leaves the sum unknown: its status)."""
        if not ind.cumulative:
            return self.yearly(ind, fy)
        value, status = self.yearly(ind, fy)
        if status != OK:
            return value, status
        total: int | Decimal = 0
        for y in range(min(ind.since, fy), fy + 1):
            v, st = self.yearly(ind, y)
            if st == "none":
                continue
            if st != OK or v is None:
                return None, st
            total += v
        return total, OK


def _target_of(ind: KpiIndicator, fy: int, acts: _Actuals) -> tuple[Decimal | None, str]:
    """The target the year is judged against, and where it came from (YearCell.target_from):
    a relative target is last year's actual; with a number too, the stricter of the two."""
    fixed = ind.targets.get(fy)
    if fy not in ind.previous:
        return fixed, ""
    prev, status = acts.actual(ind, fy - 1)
    if status != OK or prev is None:
        return fixed, "no_previous"
    prev = Decimal(prev)
    if fixed is None:
        return prev, "previous"
    stricter = min(fixed, prev) if ind.lower_is_better else max(fixed, prev)
    return stricter, ("previous" if stricter == prev and stricter != fixed else "")


def build_kpi(
    s: Session, fy: int, as_of: dt.date | None = None, issued_on: dt.date | None = None
) -> KpiReport:
    today = today_jp()
    as_of = as_of or today
    indicators = kpi_indicators(s)
    years = sorted({fy, *(y for i in indicators for y in i.targets)})
    conn = s.db.conn
    acts = _Actuals(s, as_of)
    rows = []
    for ind, depth in tree_order(indicators):
        metric = METRICS.get(ind.metric)
        cells = []
        for y in years:
            p = fy_period(y)
            target, target_from = _target_of(ind, y, acts)
            actual, status = acts.actual(ind, y)
            if status == "future":
                cells.append(YearCell(y, target, None, "future", Achievement(None, None), False, target_from))
                continue
            ach = (
                achievement(actual, target, ind.lower_is_better)
                if status == OK and target is not None
                else Achievement(None, None)
            )
            cells.append(YearCell(y, target, actual, status, ach, p.end >= as_of, target_from))
        units = []
        if ind.cycle in ("monthly", "quarterly") and metric is not None:
            p = fy_period(fy)
            unit_target = ind.unit_target if ind.unit_target is not None else ind.targets.get(fy)
            for u in p.months() if ind.cycle == "monthly" else p.quarters():
                if u.start > as_of:
                    units.append(UnitMark(u, None, None, "future"))
                    continue
                by_month = monthly_components(metric, conn, p, as_of, acts.memo)
                v = value_over(metric, by_month, u)
                ok = None
                if v.status == OK and unit_target is not None and v.value is not None:
                    ok = meets(v.value, "<=" if ind.lower_is_better else ">=", unit_target)
                units.append(UnitMark(u, v.value, ok, v.status))
        notes = {k: free_text.mask(get_kpi_note(s, ind.id, fy, k)) for k in NOTE_KINDS}
        rows.append(KpiRow(ind, cells, units, depth, {k: v for k, v in notes.items() if v}))
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


def _num(v: int | Decimal | None, unit: str, note: str = "") -> Cell:
    """A target or actual as a cell printing exactly ``_fmt(v, unit)`` (+ note): a number
    with its unit, which an xlsx keeps as a number."""
    if v is None:
        return "－"
    if unit == "%":
        return Percent(Decimal(v), note)
    return Num(v, unit, note)


def _target_cell(c: YearCell, ind: KpiIndicator) -> Cell:
    """The year's target; one taken from last year's actual says so (（対前年度）), and a
    relative target with no actual last year reads 前年度実績なし."""
    if c.target_from == "no_previous" and c.target is None:
        return "前年度実績なし"
    return _num(c.target, ind.unit, "（対前年度）" if c.target_from == "previous" else "")


def _actual_cell(c: YearCell, ind: KpiIndicator) -> Cell:
    if c.status != OK:
        return _STATUS[c.status]
    notes = [w for w, on in (("累計", ind.cumulative), ("途中", c.running)) if on]
    return _num(c.actual, ind.unit, f"（{'・'.join(notes)}）" if notes else "")


def _achievement_cell(a: Achievement) -> Cell:
    if a.achieved is not None and a.percent is not None:
        return Percent(a.percent)
    return a.text()


def _float(v: int | Decimal | None) -> float | None:
    return None if v is None else float(v)


def kpi_charts(r: KpiReport) -> list[SeriesChart]:
    """Each indicator's target and actual over the fiscal years (an indicator with no figure
    in any year has none)."""
    labels = tuple(fiscal_year_label(y, western=False) for y in r.years)
    out = []
    for row in r.rows:
        targets = tuple(_float(c.target) for c in row.years)
        actuals = tuple(_float(c.actual) if c.status == OK else None for c in row.years)
        if all(v is None for v in targets + actuals):
            continue
        ind = row.indicator
        series = (("目標値", targets), ("実績値", actuals))
        out.append(SeriesChart(f"{ind.name}（{ind.level}）", labels, series, ind.unit, "line"))
    return out


#: a KPI table this many fiscal years wide prints on A4 landscape (2 + 3 columns a year)
LANDSCAPE_YEARS = 3


def _rule_lines(r: KpiReport) -> list[str]:
    """How the targets that are not a plain number are read, one line per indicator."""
    out = []
    for row in r.rows:
        ind = row.indicator
        relative = [y for y in r.years if y in ind.previous]
        if relative:
            rules = "、".join(f"{fiscal_year_label(y, western=False)} {ind.target_rule(y)}" for y in relative)
            out.append(
                f"{ind.name}: {rules}（前年度の実績値を目標とし、数値の目標もあるときは厳しい方。"
                "前年度の実績がない年度は数値の目標だけで判定）"
            )
        if ind.cumulative:
            out.append(f"{ind.name}: {fiscal_year_label(ind.since, western=False)}からの累計で判定")
    return out


def kpi_doc(r: KpiReport) -> Doc:
    facts = [
        ("対象年度", fiscal_year_label(r.fy)),
        ("基準日", f"{r.as_of.isoformat()}（この日までの記録で集計）"),
        ("発行日", r.issued_on.isoformat()),
    ]
    year_labels = [fiscal_year_label(y, western=False) for y in r.years]
    headers = ["区分", "指標", *["目標値", "実績値", "達成度"] * len(r.years)]
    rows: list[list[Cell]] = []
    for row in r.rows:
        ind = row.indicator
        cells: list[Cell] = [ind.level, ind.name]
        for c in row.years:
            cells += [_target_cell(c, ind), _actual_cell(c, ind), _achievement_cell(c.achievement)]
        rows.append(cells)
    table = Table(
        headers,
        rows,
        align=["l", "l", *["r"] * (3 * len(r.years))],
        groups=(("", 2), *((label, 3) for label in year_labels)),
        levels=tuple(row.depth for row in r.rows),
        tree_column=1,
        landscape=len(r.years) >= LANDSCAPE_YEARS,
    )
    sections = [
        Section(
            "1. 指標ごとの目標値・実績値・達成度",
            [table],
            [
                "達成度 = 実績値／目標値（低いほど良い指標は 目標値／実績値）、小数第1位まで（四捨五入）。"
                "目標値が0の指標は 達成 / 未達成 で示します。",
                "KPI はそれが支える KGI の下に、計画は KPI（または KGI）の下に字下げして示します。",
                *_rule_lines(r),
                "年度は4月〜翌3月。" + "、".join(fiscal_year_label(y) for y in r.years) + "。",
            ],
            charts=kpi_charts(r),
        )
    ]
    evaluation = Table(
        ["区分", "指標", *NOTE_KINDS.values()],
        [
            [row.indicator.level, row.indicator.name, *(row.notes.get(k) or NOT_WRITTEN for k in NOTE_KINDS)]
            for row in r.rows
        ],
        align=["l", "l", "l", "l"],
        levels=tuple(row.depth for row in r.rows),
        tree_column=1,
    )
    sections.append(
        Section(
            f"2. {fiscal_year_label(r.fy)}の評価",
            [evaluation],
            [
                "業務責任者が記入します（inspect-tui report kpi-note、帳票画面の n）。"
                "個人情報は伏せて印刷します。"
            ],
        )
    )
    mark_tables = []
    for row in r.rows:
        if not row.units:
            continue
        ind = row.indicator
        labels = [u.period.unit_label() for u in row.units]  # 5月 / 第1四半期
        pending = {"future": "－", "missing": "未集計", "none": "対象なし"}
        marks = [Mark(u.achieved, pending.get(u.status, "－")) for u in row.units]
        values = [
            _num(u.actual, ind.unit) if u.status == OK else _STATUS.get(u.status, "－") for u in row.units
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
        sections.append(Section(f"3. {fiscal_year_label(r.fy)}の月・四半期ごとの達成", mark_tables))
    return Doc(title="KGI・KPI 達成状況", facts=facts, sections=sections)
