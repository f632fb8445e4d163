"""The definitions behind the reports: periods, deadline outcomes, billing, achievement.

Pure functions on dates and integers (no SQLite, no Textual). The SQL in
``store/report_queries.py`` counts the same things in bulk; the tests check the
two agree on hand-built cases.

Periods: a month (2027-05), a fiscal quarter (2027Q2) or a fiscal year
(FY2027). Japanese fiscal years run April-March, so FY2027 is 2027-04-01 ..
2028-03-31 and its quarters are Q1 = Apr-Jun, Q2 = Jul-Sep, Q3 = Oct-Dec,
Q4 = Jan-Mar (of 2028).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from inspect_tui.core.jpdate import era_year, fiscal_year_label
from inspect_tui.core.months import fiscal_quarter_span, fiscal_year_of, fiscal_year_span, month_of

# --------------------------------------------------------------------------- periods


class PeriodError(ValueError):
    """Text that is not a period we understand; the message says why."""


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "fy"
    start: dt.date
    end: dt.date  # inclusive
    key: str  # 2027-05 / 2027Q2 / FY2027 (also used in file names and settings keys)

    @property
    def fy(self) -> int:
        return fiscal_year_of(self.start)

    def label(self, western: bool = True) -> str:
        """令和9年5月 / 令和9年度 第2四半期（7月〜9月） / 令和9年度（2027年度）."""
        if self.kind == "month":
            text = f"{era_year(self.start.year)}{self.start.month}月"
            return f"{text}（{self.start.year}年{self.start.month}月）" if western else text
        if self.kind == "quarter":
            q = int(self.key[-1])
            span = f"{self.start.month}月〜{self.end.month}月"
            return f"{fiscal_year_label(self.fy, western)} 第{q}四半期（{span}）"
        return fiscal_year_label(self.fy, western)

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


_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_QUARTER = re.compile(r"^(?:FY)?(\d{4})[-/]?Q(\d)$")
_FY = re.compile(r"^FY(\d{4})$")


def parse_month(text: str) -> Period:
    """2027-05 (or 2027/5, full-width too) as a month period, or PeriodError."""
    norm = unicodedata.normalize("NFKC", text).strip()
    m = _MONTH.match(norm)
    if not m:
        raise PeriodError(f"「{text}」は月として読めません（例: 2027-05）")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(f"「{text}」: 月は1〜12です")
    return month_period(year, month)


def parse_fy(text: str) -> int:
    """2027 or FY2027 (the Western year the fiscal year starts in)."""
    norm = unicodedata.normalize("NFKC", text).strip().upper()
    m = re.match(r"^(?:FY)?(\d{4})$", norm)
    if not m:
        raise PeriodError(f"「{text}」は年度として読めません（例: 2027 または FY2027 = 令和9年度）")
    return int(m.group(1))


def parse_period(text: str) -> Period:
    """2027-05 (month), 2027Q2 (fiscal quarter: July-September 2027) or FY2027."""
    norm = unicodedata.normalize("NFKC", text).strip().upper()
    if _MONTH.match(norm):
        return parse_month(norm)
    m = _QUARTER.match(norm)
    if m:
        q = int(m.group(2))
        if not 1 <= q <= 4:
            raise PeriodError(f"「{text}」: 四半期は Q1〜Q4 です（年度は4月始まり: Q1 = 4〜6月）")
        return quarter_period(int(m.group(1)), q)
    m = _FY.match(norm)
    if m:
        return fy_period(int(m.group(1)))
    raise PeriodError(
        f"「{text}」は期間として読めません（例: 2027-05 = 月、2027Q2 = 2027年7〜9月、FY2027 = 令和9年度）"
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
