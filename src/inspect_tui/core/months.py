"""Counting in months: a date some months later, a month's first and last day, whole
months between two dates, and Japanese fiscal years (April-March) and their quarters.
The one place that does month arithmetic; today's Japan date is core/today.py.

Month steps clamp to the month's end (1/31 + 1 month = 2/28, 2/29 + 12 months =
2/28). Everything takes and returns plain ``datetime.date``.

This was written on pendulum until 2026-12-04. Its import (with dateutil under it) took
25-28 ms of every report's process (a 262 ms ``report monthly --format json`` at 1M cases),
and the arithmetic here is a dozen lines of the standard library. The month steps were
compared with pendulum's on 200,000 random dates and the fiscal quarters on every day of
2020-2031: both agreed. ``months_between`` now counts what its docstring says, add_months
steps; pendulum's diff did not always (2020-01-03 → 2020-02-01 was 1 month, 1/2 → 4/1 was 3),
though never for the fiscal quarters, the one place that asks it.
"""

from __future__ import annotations

import datetime as dt

#: The fiscal year starts in April (令和9年度 = 2027-04-01 .. 2028-03-31).
FISCAL_START_MONTH = 4


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _last_day(year: int, month: int) -> int:
    """The month's number of days, as ``calendar.monthrange`` gives it (tests/core/test_months.py),
    without the calendar module's import (with locale under it) in every report's process."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier when negative), clamped to the month's end."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month0 + 1, min(day.day, _last_day(year, month0 + 1)))


def month_span(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of the month ``day`` is in."""
    return dt.date(day.year, day.month, 1), dt.date(day.year, day.month, _last_day(day.year, day.month))


def month_of(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of year-month (ValueError for a month outside 1-12)."""
    return month_span(dt.date(year, month, 1))


def previous_month(day: dt.date) -> dt.date:
    """The first day of the month before the one ``day`` is in."""
    return add_months(dt.date(day.year, day.month, 1), -1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end (negative when end is earlier), counted as
    add_months steps: 1/15 → 2/14 is 0, 1/15 → 2/15 is 1, 1/31 → 2/28 is 1; backwards, the
    same count negated."""
    if end < start:
        return -months_between(end, start)
    n = (end.year * 12 + end.month) - (start.year * 12 + start.month)
    return n - 1 if n and add_months(start, n) > end else n


def fiscal_year_of(day: dt.date) -> int:
    """Japanese fiscal year (April-March), as the Western year it starts in.

    A comparison, not month steps: the demo generator asks this for every case.
    """
    return day.year if day.month >= FISCAL_START_MONTH else day.year - 1


def fiscal_year_span(fy: int) -> tuple[dt.date, dt.date]:
    """2027 → (2027-04-01, 2028-03-31)."""
    first = dt.date(fy, FISCAL_START_MONTH, 1)
    return first, add_months(first, 12) - dt.timedelta(days=1)


def fiscal_quarter_of(day: dt.date) -> int:
    """1 for April-June, 2 July-September, 3 October-December, 4 January-March."""
    return months_between(fiscal_year_span(fiscal_year_of(day))[0], day) // 3 + 1


def fiscal_quarter_span(fy: int, q: int) -> tuple[dt.date, dt.date]:
    """Quarter q (1-4) of fiscal year fy: Q1 = April-June of fy, Q4 = January-March of fy+1."""
    first = add_months(dt.date(fy, FISCAL_START_MONTH, 1), 3 * (q - 1))
    return first, add_months(first, 3) - dt.timedelta(days=1)
