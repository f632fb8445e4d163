"""core/months.py: the one place that counts months and fiscal years."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from inspect_tui.core.months import (
    add_months,
    fiscal_quarter_of,
    fiscal_quarter_span,
    fiscal_year_of,
    fiscal_year_span,
    month_of,
    month_span,
    months_between,
    previous_month,
)

D = dt.date
days = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))


def test_month_steps_clamp_to_the_month_end():
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2028, 2, 29), 12) == D(2029, 2, 28)
    assert add_months(D(2027, 5, 31), -3) == D(2027, 2, 28)
    assert add_months(D(2027, 11, 15), 3) == D(2028, 2, 15)
    assert type(add_months(D(2027, 1, 1), 1)) is dt.date


@given(days, st.integers(-600, 600))
def test_a_month_step_keeps_the_day_unless_the_month_is_shorter(day, n):
    later = add_months(day, n)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == n
    assert later.day == day.day or (later.day < day.day and month_span(later)[1] == later)
    assert months_between(day, later) == n or later.day < day.day


@given(days)
def test_months_and_fiscal_years_tile_the_calendar(day):
    first, last = month_span(day)
    assert first.day == 1 and first <= day <= last and (last + dt.timedelta(days=1)).day == 1
    assert previous_month(day) == month_span(first - dt.timedelta(days=1))[0]
    fy = fiscal_year_of(day)
    start, end = fiscal_year_span(fy)
    assert start <= day <= end and start == D(fy, 4, 1) and end == D(fy + 1, 3, 31)
    q = fiscal_quarter_of(day)
    q_start, q_end = fiscal_quarter_span(fy, q)
    assert q_start <= day <= q_end


@given(days, days)
def test_months_between_counts_whole_month_steps_both_ways(start, end):
    """The most add_months steps from the earlier date that do not pass the later one,
    negative when end is earlier (pendulum's diff, used before 2026-12-04, said 1/3 → 2/1
    was a month)."""
    n = months_between(start, end)
    low, high = (start, end) if start <= end else (end, start)
    assert n == -months_between(end, start)
    assert add_months(low, abs(n)) <= high < add_months(low, abs(n) + 1)


def test_whole_months_are_counted_by_the_day_of_the_month():
    assert months_between(D(2020, 1, 3), D(2020, 2, 1)) == 0
    assert months_between(D(2020, 1, 3), D(2020, 2, 3)) == 1
    assert months_between(D(2027, 1, 2), D(2027, 4, 1)) == 2
    assert months_between(D(2027, 1, 31), D(2027, 2, 28)) == 1
    assert months_between(D(2020, 2, 1), D(2020, 1, 3)) == 0
    assert previous_month(D(2027, 3, 31)) == D(2027, 2, 1)
    assert month_span(D(2100, 2, 10)) == (D(2100, 2, 1), D(2100, 2, 28))


def test_fiscal_year_runs_april_to_march():
    assert fiscal_year_of(D(2027, 3, 31)) == 2026 and fiscal_year_of(D(2027, 4, 1)) == 2027
    assert [fiscal_quarter_span(2027, q) for q in (1, 4)] == [
        (D(2027, 4, 1), D(2027, 6, 30)),
        (D(2028, 1, 1), D(2028, 3, 31)),
    ]
    assert [fiscal_quarter_of(D(2027, m, 1)) for m in (4, 7, 10, 1, 3)] == [1, 2, 3, 4, 4]
    assert month_of(2028, 2) == (D(2028, 2, 1), D(2028, 2, 29))
    assert months_between(D(2027, 1, 15), D(2027, 2, 14)) == 0
    assert months_between(D(2027, 3, 1), D(2027, 1, 1)) == -2


def test_a_months_last_day_is_the_calendar_modules():
    """month_span counts the days itself (no ``calendar`` import in a report's process):
    every month of 1600-2400, the century rules included, as calendar.monthrange says."""
    import calendar

    for year in range(1600, 2401):
        for month in range(1, 13):
            assert month_span(D(year, month, 1))[1].day == calendar.monthrange(year, month)[1], (year, month)
