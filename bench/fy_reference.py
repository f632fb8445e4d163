"""The bare-SQL floor for the SLA and KPI reports of a fiscal year.

What those reports count from the database: per month, the outcome of each
deadline rule (due / on time / late / pending / excluded / excluded by the
city) and the step counts (received, accepted with its home/other split), and
the case numbers of city-caused exclusions. Here that is one grouped query per
rule and per step metric, written independently of store/report_queries.py.
With ``check=`` (the report's JSON) it returns a description of the first
figure that differs, or None.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from inspect_tui.core.metrics import Period, fy_period, percent

DONE = {"contact": "contacted_on", "standard": "submitted_on", "target20": "submitted_on"}
NOT_CANCELLED = "AND (cancelled_on IS NULL OR cancelled_on > :c)"
STEP_METRICS = {
    "received": ("received_on", ""),
    "accepted": ("accepted_on", NOT_CANCELLED),
    "accepted_home": ("accepted_on", NOT_CANCELLED + " AND is_home = 1"),
    "accepted_other": ("accepted_on", NOT_CANCELLED + " AND is_home = 0"),
}


def deadlines_by_month(conn: sqlite3.Connection, rule: str, start: str, end: str, as_of: str) -> dict:
    due, done = f"{rule}_due", DONE[rule]
    exc = (
        "EXISTS (SELECT 1 FROM deadline_exceptions x WHERE x.case_id = c.id AND x.rule = :r"
        " AND x.kind = 'exclude'{})"
    )
    rows = conn.execute(
        "SELECT substr(due, 1, 7), COUNT(*), TOTAL(out), TOTAL(NOT out AND d <= due),"
        " TOTAL(NOT out AND (d > due OR (d IS NULL AND due < :a))),"
        " TOTAL(NOT out AND d IS NULL AND due >= :a), TOTAL(city)"
        f" FROM (SELECT c.{due} AS due, CASE WHEN c.{done} <= :a THEN c.{done} END AS d,"
        f"  COALESCE({exc.format('')}"
        f"   OR (c.cancelled_on <= c.{due} AND c.cancelled_on <= :a)"
        f"   OR (c.returned_on <= c.{due} AND c.returned_on <= :a), 0) AS out,"
        f"  {exc.format(' AND x.cause = ' + chr(39) + 'city' + chr(39))} AS city"
        f"  FROM cases c WHERE c.{due} BETWEEN :s AND :e) GROUP BY 1",
        {"a": as_of, "r": rule, "s": start, "e": end},
    ).fetchall()
    return {
        m: {
            "due": int(n - out),
            "on_time": int(ok),
            "late": int(late),
            "pending": int(pending),
            "excluded": int(out),
            "excluded_city": int(city),
        }
        for m, n, out, ok, late, pending, city in rows
    }


def steps_by_month(conn: sqlite3.Connection, metric: str, start: str, cutoff: str) -> dict:
    column, where = STEP_METRICS[metric]
    rows = conn.execute(
        f"SELECT substr({column}, 1, 7), COUNT(*) FROM cases WHERE {column} BETWEEN :s AND :c {where}"
        " GROUP BY 1",
        {"s": start, "c": cutoff},
    )
    return {m: {"n": n} for m, n in rows}


def city_cases(conn: sqlite3.Connection, rule: str, start: str, end: str) -> list[str]:
    rows = conn.execute(
        f"SELECT DISTINCT c.case_no FROM deadline_exceptions x JOIN cases c ON c.id = x.case_id"
        f" WHERE x.rule = ? AND x.kind = 'exclude' AND x.cause = 'city' AND c.{rule}_due BETWEEN ? AND ?"
        " ORDER BY c.case_no",
        (rule, start, end),
    )
    return [r[0] for r in rows]


def _metric_months(conn, metric: str, period: Period, as_of: dt.date) -> dict | None:
    s, e, a = period.start.isoformat(), period.end.isoformat(), as_of.isoformat()
    for prefix in ("late_", "ontime_rate_"):
        if metric.startswith(prefix):
            return deadlines_by_month(conn, metric[len(prefix) :], s, e, a)
    if metric in STEP_METRICS:
        cutoff = min(period.end, as_of)
        return steps_by_month(conn, metric, s, cutoff.isoformat()) if cutoff >= period.start else {}
    return None  # not counted from cases (complaints, incidents, manual)


def value(metric: str, by_month: dict, period: Period):
    total: dict[str, int] = {}
    for m in period.months():
        for k, v in by_month.get(m.key, {}).items():
            total[k] = total.get(k, 0) + v
    if metric.startswith("late_"):
        return total.get("late", 0), total
    if metric.startswith("ontime_rate_"):
        ok, late = total.get("on_time", 0), total.get("late", 0)
        return percent(ok, ok + late), total
    return total.get("n", 0), total


def _num(v):
    from inspect_tui.services.reports.metrics import json_number

    return json_number(v)


SLA_METRICS = ("late_contact", "late_standard", "late_target20")


def reference_sla(
    conn: sqlite3.Connection,
    period: Period,
    as_of: dt.date,
    metrics: tuple[str, ...] = SLA_METRICS,
    check: dict | None = None,
) -> str | None:
    months = {m: _metric_months(conn, m, period, as_of) for m in metrics}
    rules = sorted({m.split("_")[-1] for m in metrics if m.startswith(("late_", "ontime_rate_"))})
    cases = {r: city_cases(conn, r, period.start.isoformat(), period.end.isoformat()) for r in rules}
    if check is None:
        return None
    for ind in check["indicators"]:
        by_month = months.get(ind["metric"])
        if by_month is None:
            continue
        v, total = value(ind["metric"], by_month, period)
        got = (ind["actual"], ind["excluded"], ind["excluded_city"])
        want = (_num(v), total.get("excluded"), total.get("excluded_city"))
        if got != want:
            return f"{ind['id']} ({ind['metric']}): report {got} != bare SQL {want}"
    if check["excluded_city_cases"] != cases:
        return "excluded_city_cases differ"
    return None


def reference_kpi(
    conn: sqlite3.Connection,
    years: list[int],
    as_of: dt.date,
    metrics: tuple[str, ...],
    check: dict | None = None,
) -> str | None:
    span = Period("fy", fy_period(years[0]).start, fy_period(years[-1]).end, "span")
    months = {m: _metric_months(conn, m, span, as_of) for m in metrics}
    if check is None:
        return None
    for ind in check["indicators"]:
        by_month = months.get(ind["metric"])
        if by_month is None:
            continue
        for y, cell in ind["years"].items():
            p = fy_period(int(y))
            if p.start > as_of:
                continue
            want = _num(value(ind["metric"], by_month, p)[0])
            if cell["actual"] != want:
                return f"{ind['id']} FY{y}: report {cell['actual']} != bare SQL {want}"
    return None
