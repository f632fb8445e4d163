"""The metrics SLA and KPI indicators can name, and how each is counted.

A metric is counted per month in SQL (one grouped query per metric for the
whole period) as a few integer components, e.g. {late, on_time, excluded};
a month, a quarter or a fiscal year adds the components of its months, and
the metric's value comes from the sums (a count, or a rate from summed
numerator and denominator), so quarter and year figures are exactly the
months' figures added up.

Complaints, incidents (personal-data ones: kind 'security') and first-ten
checks and post-submission corrections (the review feature's 'post' checks)
are counted from the quality and review features' tables, the inspection of
forms before submission (点検実施率) from the inspection tables (migration 0010); a counter returns
None when its table is absent. Metrics nothing records yet (phone
complaints as such) are known by name
but have no counter: reports say 未集計 instead of printing 0. A feature that
records them calls ``register_metric`` with a counter.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from functools import cache

from inspect_tui.core.deadlines import case_rules
from inspect_tui.core.document import Cell, Num, Percent
from inspect_tui.core.metrics import Period, inspection_rate, percent
from inspect_tui.core.records import record
from inspect_tui.store import report_queries as q
from inspect_tui.store.events import corrections
from inspect_tui.store.submission_counts import submission_counts_by_month

Components = dict[str, int]
#: (connection, first day, last day, as_of) -> {YYYY-MM: components}
Counter = Callable[[sqlite3.Connection, dt.date, dt.date, dt.date], dict[str, Components] | None]

MISSING, NONE_DUE, OK = "missing", "none", "ok"
STATUS_WORDS = {MISSING: "未集計", NONE_DUE: "対象なし", OK: ""}


@record(frozen=True)
class Metric:
    id: str
    label: str
    unit: str  # "件" or "%"
    counter: Counter | None  # None: the source is not recorded yet (未集計)
    value_of: Callable[[Components], int | Decimal | None] = lambda c: c.get("n", 0)
    rule: str | None = None  # the deadline rule behind it, for excluded-case lists

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"


@record(frozen=True)
class MetricValue:
    value: int | Decimal | None
    status: str  # ok | missing (未集計) | none (対象なし: a rate with nothing to divide by)
    components: Components

    def text(self, unit: str) -> str:
        if self.status != OK or self.value is None:
            return STATUS_WORDS[self.status] or "－"
        return f"{self.value}%" if unit == "%" else f"{self.value:,}{unit}"

    def cell(self, unit: str) -> Cell:
        """The value as a table cell: a number with its unit (an xlsx keeps the number),
        printing exactly ``text(unit)``; the status word when there is no value."""
        if self.status != OK or self.value is None:
            return self.text(unit)
        if unit == "%":
            return Percent(Decimal(self.value))
        if isinstance(self.value, int):
            return Num(self.value, unit)
        return self.text(unit)


@cache
def _deadline_counter(rule: str) -> Counter:
    """One counter per rule, shared by late_<rule> and ontime_rate_<rule> (so a cache keyed
    by counter runs the query once)."""

    def count(conn, start, end, as_of):
        return q.deadline_components_by_month(conn, rule, start, end, as_of)

    return count


def _step_counter(column: str, where: str = "") -> Counter:
    def count(conn, start, end, as_of):
        cutoff = min(end, as_of)
        if cutoff < start:
            return {}
        return {m: {"n": n} for m, n in q.step_counts_by_month(conn, column, start, cutoff, where).items()}

    return count


def _rate(c: Components) -> Decimal | None:
    return percent(c.get("on_time", 0), c.get("on_time", 0) + c.get("late", 0))


_NOT_CANCELLED = "AND (cancelled_on IS NULL OR cancelled_on > :c)"

METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> None:
    """Add a metric, or give a known one (e.g. complaints) its counter."""
    METRICS[metric.id] = metric


# two metrics per deadline rule (core.deadlines): late_contact, ontime_rate_contact, …
for _rule in case_rules():
    register_metric(
        Metric(
            f"late_{_rule.id}",
            f"{_rule.label}の遅延",
            "件",
            _deadline_counter(_rule.id),
            lambda c: c.get("late", 0),
            _rule.id,
        )
    )
    register_metric(
        Metric(
            f"ontime_rate_{_rule.id}",
            f"{_rule.label}の期限内率",
            "%",
            _deadline_counter(_rule.id),
            _rate,
            _rule.id,
        )
    )
register_metric(Metric("received", "依頼受理件数", "件", _step_counter("received_on")))
register_metric(Metric("accepted", "履行件数（受理）", "件", _step_counter("accepted_on", _NOT_CANCELLED)))
register_metric(
    Metric(
        "accepted_home",
        "履行件数（本市）",
        "件",
        _step_counter("accepted_on", _NOT_CANCELLED + " AND is_home = 1"),
    )
)
register_metric(
    Metric(
        "accepted_other",
        "履行件数（他市町村）",
        "件",
        _step_counter("accepted_on", _NOT_CANCELLED + " AND is_home = 0"),
    )
)


def _dated_counter(table: str, where: str = "", city_column: str | None = "city_caused") -> Counter:
    def count(conn, start, end, as_of):
        cutoff = min(end, as_of)
        if cutoff < start:
            return {}
        return q.dated_counts_by_month(conn, table, start, cutoff, where, city_column)

    return count


# Records kept by the quality and review features (tables from their migrations); a
# complaint or incident the city caused is left out of the count (002 §3(3)).
register_metric(Metric("complaints", "苦情", "件", _dated_counter("complaints")))
register_metric(Metric("incidents", "事故・インシデント", "件", _dated_counter("incidents")))
register_metric(
    Metric(
        "privacy_incidents",
        "個人情報の漏えい・紛失",
        "件",
        _dated_counter("incidents", "AND kind = 'security'"),
    )
)
register_metric(
    Metric(
        "first_ten_reviews",
        "初任者の重点チェック実施",
        "件",
        _dated_counter(
            "review_checks", "AND kind = 'focused' AND state = 'done' AND blind_of IS NULL", city_column=None
        ),
    )
)


def _corrections_counter(conn, start, end, as_of):
    """{month: {n, excluded, excluded_city}} of corrections after submission
    (store.events.corrections); city-caused ones (--cause city) are excluded."""
    cutoff = min(end, as_of)
    if cutoff < start:
        return {}
    out: dict[str, Components] = {}
    for c in corrections(conn, start, cutoff):
        m = out.setdefault(c.on_date[:7], {"n": 0, "excluded": 0, "excluded_city": 0})
        if c.city:
            m["excluded"] += 1
            m["excluded_city"] += 1
        else:
            m["n"] += 1
    return out


# A form corrected after submission: the case events 照会, 返戻, 受理取消 and 再調査 after a
# submission, and the review feature's post-submission checks of forms without one.
register_metric(Metric("corrections", "提出後の修正", "件", _corrections_counter))


# Inspection before submission (001 §4(5)): the submissions recorded in the app, by how
# they went out (store.submission_counts: inspected / unchecked = a manager's override), and the
# submission dates that came with the city's list (imported: counted apart, not in the rate).
def _inspection_counter(conn, start, end, as_of):
    cutoff = min(end, as_of)
    if cutoff < start:
        return {}
    return submission_counts_by_month(conn, start, cutoff)


def _inspection_rate(c: Components) -> Decimal | None:
    return inspection_rate(c.get("inspected", 0), c.get("unchecked", 0))


register_metric(Metric("inspection_rate", "点検実施率", "%", _inspection_counter, _inspection_rate))
register_metric(
    Metric(
        "submitted_unchecked", "点検なしで提出", "件", _inspection_counter, lambda c: c.get("unchecked", 0)
    )
)

# Not recorded anywhere yet: known by name, reported as 未集計.
register_metric(Metric("phone_complaints", "電話対応の苦情", "件", None))


def monthly_components(
    metric: Metric, conn: sqlite3.Connection, period: Period, as_of: dt.date, memo: dict | None = None
) -> dict[str, Components] | None:
    """The metric's components per month of the period (None when not recorded).

    ``memo`` (a dict the caller keeps for one report) shares one query between
    metrics with the same counter, e.g. late_contact and ontime_rate_contact.
    """
    if metric.counter is None:
        return None
    key = (metric.counter, period.start, period.end, as_of)  # counters may return None too
    if memo is not None and key in memo:
        return memo[key]
    out = metric.counter(conn, period.start, period.end, as_of)
    if memo is not None:
        memo[key] = out
    return out


def value_over(metric: Metric, by_month: dict[str, Components] | None, period: Period) -> MetricValue:
    """Add up the months of a period and take the metric's value."""
    if by_month is None:
        return MetricValue(None, MISSING, {})
    total: Components = {}
    for m in period.months():
        for k, v in by_month.get(m.key, {}).items():
            total[k] = total.get(k, 0) + v
    value = metric.value_of(total)
    return MetricValue(value, OK if value is not None else NONE_DUE, total)


def json_number(v: int | Decimal | None) -> int | float | None:
    """A count or a Decimal for JSON: integral values as int, others as float (one decimal)."""
    if v is None:
        return None
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return int(v)
