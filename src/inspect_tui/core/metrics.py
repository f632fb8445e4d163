"""The definitions behind the reports: periods, deadline outcomes, billing, achievement.

Pure functions on dates and integers (no SQLite, no Textual). The SQL in
``store/report_queries.py`` counts the same things in bulk; the tests check the
two agree on hand-built cases.

Periods: a month (2027-05), a fiscal quarter (2027Q2) or a fiscal year
(FY2027); those are the keys in JSON and file names. Japanese fiscal years run
April-March, so FY2027 (令和9年度) is 2027-04-01 .. 2028-03-31 and its quarters are
Q1 = Apr-Jun, Q2 = Jul-Sep, Q3 = Oct-Dec, Q4 = Jan-Mar (of 2028), printed
第1四半期…第4四半期. People type them in 西暦 or 和暦 (parse_month / parse_fy /
parse_period); the eras' boundaries are core/jpdate.py's.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from inspect_tui.core.jpdate import (
    ERA_KEYS,
    DateError,
    era_fiscal_year,
    era_month,
    era_named,
    era_year_number,
    fiscal_year_label,
    month_label,
)
from inspect_tui.core.lazy_re import LazyPattern
from inspect_tui.core.months import fiscal_quarter_span, fiscal_year_of, fiscal_year_span, month_of
from inspect_tui.core.records import record

# --------------------------------------------------------------------------- periods


class PeriodError(ValueError):
    """Text that is not a period we understand; the message says why."""


@record(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "fy"
    start: dt.date
    end: dt.date  # inclusive
    key: str  # 2027-05 / 2027Q2 / FY2027 (also used in file names and settings keys)

    @property
    def fy(self) -> int:
        return fiscal_year_of(self.start)

    def label(self, western: bool = True) -> str:
        """令和9年5月 / 令和9年度 第2四半期（7月〜9月） / 令和9年度（2027年度）; a month in
        its own era (2019-04 is 平成31年4月)."""
        if self.kind == "month":
            text = month_label(self.start.year, self.start.month)
            return f"{text}（{self.start.year}年{self.start.month}月）" if western else text
        if self.kind == "quarter":
            q = int(self.key[-1])
            span = f"{self.start.month}月〜{self.end.month}月"
            return f"{fiscal_year_label(self.fy, western)} 第{q}四半期（{span}）"
        return fiscal_year_label(self.fy, western)

    def unit_label(self) -> str:
        """The short name of a month or quarter as a column heading: 5月, 第2四半期, 令和9年度."""
        if self.kind == "month":
            return f"{self.start.month}月"
        if self.kind == "quarter":
            return f"第{self.key[-1]}四半期"
        return fiscal_year_label(self.fy, western=False)

    def months(self) -> list[Period]:
        out, day = [], self.start
        while day <= self.end:
            out.append(month_period(day.year, day.month))
            day = out[-1].end + dt.timedelta(days=1)
        return out

    def quarters(self) -> list[Period]:
        if self.kind == "month":
            return []
        if self.kind == "quarter":
            return [self]
        return [quarter_period(self.fy, q) for q in (1, 2, 3, 4)]


def month_period(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError(f"月は1〜12です（{month} は使えません）")
    first, last = month_of(year, month)
    return Period("month", first, last, f"{year:04d}-{month:02d}")


def quarter_period(fy: int, q: int) -> Period:
    """Quarter q (1-4) of fiscal year fy: Q1 = April-June of fy, Q4 = January-March of fy+1."""
    if not 1 <= q <= 4:
        raise PeriodError(f"四半期は1〜4です（{q} は使えません）")
    first, last = fiscal_quarter_span(fy, q)
    return Period("quarter", first, last, f"{fy:04d}Q{q}")


def fy_period(fy: int) -> Period:
    first, last = fiscal_year_span(fy)
    return Period("fy", first, last, f"FY{fy:04d}")


# What a person types (after NFKC, spaces removed, upper-cased). The era forms go through
# core/jpdate.py, which knows each era's first and last day.
_ERA_YEAR = rf"(?P<era>{ERA_KEYS})(?P<ey>元|\d{{1,2}})"
_MONTH_PART = r"(?:[-/.](?P<m1>\d{1,2})|年(?P<m2>\d{1,2})月分?)"
_MONTH_WEST = LazyPattern(rf"^(?P<y>\d{{4}}){_MONTH_PART}$")
_MONTH_ERA = LazyPattern(rf"^{_ERA_YEAR}{_MONTH_PART}$")
# a fiscal year: FY2027 / 2027 / 2027年度 / R9 / R9年度 / 令和9年度; "marked" says which forms
# name a fiscal year on their own (2027 and R9 could be a calendar year, so a period needs
# FY2027, 2027年度 or 令和9年度)
_FY_PART = rf"(?:FY(?P<fyw>\d{{4}})|(?P<y>\d{{4}})(?P<nen>年度)?|{_ERA_YEAR}(?P<enen>年度)?)"
_FY = LazyPattern(rf"^{_FY_PART}$")
_QUARTER = LazyPattern(rf"^{_FY_PART}[-/]?(?:Q(?P<q1>\d)|第(?P<q2>\d|[一二三四])四半期)$")
_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}

_MONTH_EXAMPLES = "2027-05、2027年5月、令和9年5月、R9.5"
_FY_EXAMPLES = "令和9年度、R9、2027年度、FY2027、2027"


def _norm(text: str) -> str:
    """Full-width to ASCII (NFKC), no spaces anywhere, Latin letters upper-cased."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def _month_match(norm: str, raw: str) -> Period | None:
    """The month a normalized text names, None when it is not a month's shape, PeriodError
    when it is one but no such month exists (13月, 令和元年4月)."""
    m = _MONTH_WEST.match(norm)
    era_m = None if m else _MONTH_ERA.match(norm)
    if m is None and era_m is None:
        return None
    hit = m or era_m
    assert hit is not None
    month = int(hit.group("m1") or hit.group("m2"))
    if not 1 <= month <= 12:
        raise PeriodError(f"「{raw}」: 月は1〜12です")
    if m is not None:
        return month_period(int(m.group("y")), month)
    try:
        year, month = era_month(era_named(hit.group("era")), era_year_number(hit.group("ey")), month, raw)
    except DateError as exc:
        raise PeriodError(str(exc)) from None
    return month_period(year, month)


def _fy_of(m: re.Match[str], raw: str) -> int:
    if m.group("fyw"):
        return int(m.group("fyw"))
    if m.group("y"):
        return int(m.group("y"))
    try:
        return era_fiscal_year(era_named(m.group("era")), era_year_number(m.group("ey")), raw)
    except DateError as exc:
        raise PeriodError(str(exc)) from None


def parse_month(text: str) -> Period:
    """A month as a person types it, or PeriodError: 2027-05, 2027/5, 2027年5月(分),
    令和9年5月(分), R9.5, R9/5, R9-5 (元年 too; full-width digits and spaces are fine)."""
    month = _month_match(_norm(text), text)
    if month is None:
        raise PeriodError(f"「{text}」は月として読めません（例: {_MONTH_EXAMPLES}）")
    return month


def parse_fy(text: str) -> int:
    """A fiscal year as the Western year it starts in: 2027, FY2027, 2027年度, 令和9年度, R9,
    R9年度 (令和元年度 and 平成31年度 are both 2019), or PeriodError."""
    m = _FY.match(_norm(text))
    if not m:
        raise PeriodError(f"「{text}」は年度として読めません（例: {_FY_EXAMPLES}）")
    return _fy_of(m, text)


def parse_period(text: str) -> Period:
    """A month (as parse_month reads it), a fiscal quarter (2027Q2, FY2027Q2, R9Q2,
    令和9年度第2四半期: July-September 2027) or a fiscal year (FY2027, 2027年度, 令和9年度,
    R9年度), or PeriodError."""
    norm = _norm(text)
    month = _month_match(norm, text)
    if month is not None:
        return month
    m = _QUARTER.match(norm)
    if m:
        fy = _fy_of(m, text)
        q_text = m.group("q1") or m.group("q2")
        q = _KANJI_DIGITS.get(q_text) or int(q_text)
        if not 1 <= q <= 4:
            raise PeriodError(
                f"「{text}」: 四半期は Q1〜Q4（第1〜第4四半期）です（年度は4月始まり: Q1 = 4〜6月）"
            )
        return quarter_period(fy, q)
    m = _FY.match(norm)
    if m and (m.group("fyw") or m.group("nen") or m.group("enen")):
        return fy_period(_fy_of(m, text))
    if m:  # 2027 or R9: a calendar year or a fiscal year?
        fy = _fy_of(m, text)
        raise PeriodError(
            f"「{text}」は年か年度か分かりません（年度なら {fiscal_year_label(fy, western=False)} か "
            f"FY{fy}、月なら {month_label(fy, 5)} か {fy}-05）"
        )
    raise PeriodError(
        f"「{text}」は期間として読めません（例: 月 2027-05・令和9年5月、四半期 2027Q2・令和9年度第2四半期、"
        "年度 FY2027・令和9年度）"
    )


# --------------------------------------------------------------------------- deadlines

ON_TIME, LATE, PENDING, EXCLUDED = "on_time", "late", "pending", "excluded"


def deadline_outcome(
    due: dt.date,
    done_on: dt.date | None,
    as_of: dt.date,
    *,
    cancelled_on: dt.date | None = None,
    returned_on: dt.date | None = None,
    exception_excluded: bool = False,
) -> str:
    """How one deadline stands as of a date: excluded, on_time, late or pending.

    Everything is evaluated as of ``as_of``: a step, cancellation or return
    dated after it has not happened yet. Left out (``excluded``): a deadline
    excluded by agreement with the city, or a case cancelled or returned on or
    before its deadline. Otherwise on time when the step was done on or before
    the deadline; late when done after it, or not done and the deadline is
    before as_of; pending when not done and the deadline is as_of or later.
    """
    if exception_excluded:
        return EXCLUDED
    for closed in (cancelled_on, returned_on):
        if closed is not None and closed <= due and closed <= as_of:
            return EXCLUDED
    done = done_on if done_on is not None and done_on <= as_of else None
    if done is not None:
        return ON_TIME if done <= due else LATE
    return LATE if due < as_of else PENDING


# --------------------------------------------------------------------------- billing

TAX_RATE_PERCENT = 10


@record(frozen=True)
class Bill:
    unit_price: int | None  # None: no price configured
    count: int
    subtotal: int | None
    tax: int | None
    total: int | None


def bill(unit_price: int | None, count: int) -> Bill:
    """Unit price × count, plus 10% consumption tax with fractions of a yen cut off (001 §14).

    Integer arithmetic only: total = subtotal * 110 // 100, tax = total - subtotal.
    7,777 × 3 -> subtotal 23,331, total 25,664, tax 2,333.
    """
    if unit_price is None:
        return Bill(None, count, None, None, None)
    if unit_price < 0 or count < 0:
        raise ValueError("単価と件数は0以上です")
    subtotal = unit_price * count
    total = subtotal * (100 + TAX_RATE_PERCENT) // 100
    return Bill(unit_price, count, subtotal, total - subtotal, total)


# --------------------------------------------------------------------------- targets

COMPARATORS = {"=": "＝", "<=": "≦", ">=": "≧", "<": "＜", ">": "＞"}
#: The same as words after the number (5件以下): ≦ ≧ are ambiguous-width in terminals.
COMPARATOR_WORDS = {"=": "", "<=": "以下", ">=": "以上", "<": "未満", ">": "超"}


def meets(actual: Decimal | int | float, comparator: str, target: Decimal | int | float) -> bool:
    """Does actual satisfy `actual <comparator> target`?"""
    a, t = Decimal(str(actual)), Decimal(str(target))
    if comparator == "=":
        return a == t
    if comparator == "<=":
        return a <= t
    if comparator == ">=":
        return a >= t
    if comparator == "<":
        return a < t
    if comparator == ">":
        return a > t
    raise ValueError(f"比較の記号は {' '.join(COMPARATORS)} のどれかです")


@record(frozen=True)
class Achievement:
    """達成度: a percentage, or (zero target) a plain achieved / not achieved."""

    percent: Decimal | None  # one decimal place, half up; None when not a ratio
    achieved: bool | None  # None: no actual yet

    def text(self) -> str:
        if self.achieved is None:
            return "－"
        if self.percent is None:
            return "達成" if self.achieved else "未達成"
        return f"{self.percent}%"


def achievement(
    actual: Decimal | int | float | None,
    target: Decimal | int | float | None,
    lower_is_better: bool = False,
) -> Achievement:
    """達成度 = actual ÷ target (higher is better) or target ÷ actual (lower is better), in %.

    One decimal place, rounded half up (seed 004: 987 / 1,152 -> 85.7%,
    1,191 / 1,152 -> 103.4%). A zero target cannot be divided by, and for
    "lower is better" a zero actual cannot either: those read 達成 / 未達成
    (zero target, lower is better: achieved iff actual is 0; zero target,
    higher is better: always achieved; zero actual, lower is better: 達成).
    ``achieved`` is actual >= target (or <= for lower is better).
    """
    if actual is None or target is None:
        return Achievement(None, None)
    a, t = Decimal(str(actual)), Decimal(str(target))
    achieved = a <= t if lower_is_better else a >= t
    if t == 0:
        return Achievement(None, achieved)
    if lower_is_better:
        if a == 0:
            return Achievement(None, True)
        ratio = t / a
    else:
        ratio = a / t
    pct = (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Achievement(pct, achieved)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator in %, one decimal place half up; None when the denominator is 0."""
    if denominator == 0:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def inspection_rate(inspected: int, unchecked: int) -> Decimal | None:
    """点検実施率 (001 §4(5)): submissions inspected by someone other than the author before
    they went out ÷ the submissions recorded in the app (inspected + a manager's override
    without inspection), in %; None when there were none. Submission dates that came with
    the city's list (点検記録なし（取込）) are counted apart and are not in it."""
    return percent(inspected, inspected + unchecked)


@record(frozen=True)
class InspectionFigures:
    """A period's submissions by how they left (services.cases.inspection_figures counts them):
    inspected first, without inspection (a manager's override; target 0), and 点検記録なし（取込）
    (the date came with the city's list: counted apart, not in the rate)."""

    inspected: int
    unchecked: int
    imported: int

    @property
    def rate(self):
        """点検実施率 (%), inspection_rate; None when nothing was submitted."""
        return inspection_rate(self.inspected, self.unchecked)

    def to_json(self) -> dict:
        rate = self.rate
        return {
            "inspected": self.inspected,
            "without_inspection": self.unchecked,
            "imported_no_record": self.imported,
            "inspection_rate": None if rate is None else float(rate),
        }
