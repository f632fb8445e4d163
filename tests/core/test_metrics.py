"""The pure definitions: periods, deadline outcomes, billing, achievement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import d
from inspect_tui.core.metrics import (
    PeriodError,
    achievement,
    bill,
    deadline_outcome,
    fy_period,
    parse_fy,
    parse_month,
    parse_period,
    quarter_period,
)


def test_fiscal_quarters_run_april_to_march():
    q2 = parse_period("2027Q2")
    assert (q2.start, q2.end) == (d("2027-07-01"), d("2027-09-30"))  # Q1 = Apr-Jun, so Q2 = Jul-Sep
    q4 = quarter_period(2027, 4)
    assert (q4.start, q4.end) == (d("2028-01-01"), d("2028-03-31"))  # Q4 of FY2027 is in 2028
    fy = parse_period("FY2027")
    assert (fy.start, fy.end) == (d("2027-04-01"), d("2028-03-31"))
    assert [m.key for m in fy.months()][:2] == ["2027-04", "2027-05"] and len(fy.months()) == 12
    assert [q.key for q in fy.quarters()] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    assert parse_period("ｆｙ２０２７") == fy  # full-width input


def test_period_labels_use_reiwa_with_gannen():
    assert fy_period(2027).label() == "令和9年度（2027年度）"
    assert fy_period(2019).label() == "令和元年度（2019年度）"
    assert parse_month("2019-05").label(western=False) == "令和元年5月"
    assert parse_period("2027Q2").label() == "令和9年度（2027年度） 第2四半期（7月〜9月）"


def test_february_in_a_leap_year():
    assert parse_month("2028-02").end == d("2028-02-29")


@pytest.mark.parametrize("text", ["2027-13", "2027-00", "27-05", "2027/05/01", "May 2027", ""])
def test_bad_months(text):
    with pytest.raises(PeriodError):
        parse_month(text)


@pytest.mark.parametrize("text", ["2027Q5", "2027Q0", "FY27", "2027-Q", "Q2"])
def test_bad_periods(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_fy_forms():
    assert parse_fy("2027") == parse_fy("FY2027") == parse_fy("fy２０２７") == 2027
    assert parse_fy("R9") == 2027  # 和暦 too: tests/core/test_periods_wareki.py
    with pytest.raises(PeriodError):
        parse_fy("27")


def test_tax_cuts_fractions_of_a_yen():
    # 7,777 × 3 = 23,331; × 1.1 = 25,664.1 -> 25,664; tax = 2,333
    b = bill(7777, 3)
    assert (b.subtotal, b.total, b.tax) == (23331, 25664, 2333)
    # 9 × 1 = 9; 9.9 -> 9; tax 0 (a fraction of a yen is cut, not rounded)
    assert (bill(9, 1).total, bill(9, 1).tax) == (9, 0)
    assert bill(0, 5).total == 0
    assert bill(None, 5).total is None and bill(None, 5).count == 5


@given(st.integers(0, 10**6), st.integers(0, 10**5))
def test_tax_is_integer_floor_of_ten_percent(price, count):
    b = bill(price, count)
    assert b.total == (price * count * 11) // 10
    assert b.tax == b.total - b.subtotal and 0 <= b.tax <= b.subtotal // 10


def test_achievement_as_in_seed_004():
    assert achievement(987, 1152).text() == "85.7%"  # 85.677…
    assert achievement(1191, 1152).text() == "103.4%"  # 103.385…
    assert achievement(Decimal("98.6"), 100).text() == "98.6%"
    # lower is better: target ÷ actual
    assert achievement(4, 2, lower_is_better=True).text() == "50.0%"
    assert achievement(1, 2, lower_is_better=True).achieved is True
    # zero target reads 達成 / 未達成
    assert achievement(0, 0, lower_is_better=True).text() == "達成"
    assert achievement(3, 0, lower_is_better=True).text() == "未達成"
    assert achievement(None, 100).text() == "－"


def test_half_up_rounding():
    assert achievement(1, 8).text() == "12.5%"
    assert achievement(1, 3).text() == "33.3%"
    assert achievement(2, 3).text() == "66.7%"
    assert achievement(1, 16).percent == Decimal("6.3")  # 6.25 -> 6.3 (half up, not banker's)


DUE = d("2027-05-20")


@pytest.mark.parametrize(
    "done, as_of, cancelled, returned, excluded, expected",
    [
        ("2027-05-20", "2027-06-15", None, None, False, "on_time"),  # on the deadline day
        ("2027-05-21", "2027-06-15", None, None, False, "late"),
        (None, "2027-06-15", None, None, False, "late"),  # not done, deadline passed
        (None, "2027-05-20", None, None, False, "pending"),  # deadline is as-of: still pending
        ("2027-05-19", "2027-05-18", None, None, False, "pending"),  # done after as-of: not yet done
        ("2027-05-22", "2027-05-21", None, None, False, "late"),  # done after as-of, deadline passed
        (None, "2027-06-15", "2027-05-20", None, False, "excluded"),  # cancelled on the deadline
        (None, "2027-06-15", "2027-05-21", None, False, "late"),  # cancelled after it
        (None, "2027-05-10", "2027-05-15", None, False, "pending"),  # cancellation after as-of
        (None, "2027-06-15", None, "2027-05-01", False, "excluded"),  # returned
        ("2027-05-30", "2027-06-15", None, None, True, "excluded"),  # city-caused exclusion
    ],
)
def test_deadline_outcome(done, as_of, cancelled, returned, excluded, expected):
    f = lambda x: d(x) if x else None  # noqa: E731
    assert (
        deadline_outcome(
            DUE,
            f(done),
            d(as_of),
            cancelled_on=f(cancelled),
            returned_on=f(returned),
            exception_excluded=excluded,
        )
        == expected
    )


_day = st.integers(0, 40).map(lambda n: d("2027-05-01") + dt.timedelta(days=n))


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            _day,
            st.one_of(st.none(), st.integers(0, 12)),
            st.one_of(st.none(), st.integers(0, 12)),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    ),
    _day,
)
def test_sql_counts_agree_with_the_definition(tmp_path_factory, cases, as_of):
    """store.report_queries.deadline_counts == core.metrics.deadline_outcome case by case."""
    from builders import add_case, exclude
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session
    from inspect_tui.store import report_queries as q

    s = open_session(tmp_path_factory.mktemp("db") / "h.db", Config())
    try:
        expected = {"on_time": 0, "late": 0, "pending": 0, "excluded": 0}
        for received, contact_after, close_after, is_cancel, excl in cases:
            contact_due = s.calendar.add_business_days(received, 3)
            contacted = received + dt.timedelta(days=contact_after) if contact_after is not None else None
            closed = received + dt.timedelta(days=close_after) if close_after is not None else None
            fields = {"received_on": received, "contacted_on": contacted}
            if closed is not None:
                fields["cancelled_on" if is_cancel else "returned_on"] = closed
            no = add_case(s, **fields)
            if excl:
                exclude(s, no, "contact")
            if d("2027-05-01") <= contact_due <= d("2027-05-31"):
                out = deadline_outcome(
                    contact_due,
                    contacted,
                    as_of,
                    cancelled_on=closed if is_cancel else None,
                    returned_on=None if is_cancel else closed,
                    exception_excluded=excl,
                )
                expected[out] += 1
        got = q.deadline_counts(s.db.conn, "contact", d("2027-05-01"), d("2027-05-31"), as_of)
        assert (got.on_time, got.late, got.pending, got.excluded) == (
            expected["on_time"],
            expected["late"],
            expected["pending"],
            expected["excluded"],
        )
        assert got.due == got.on_time + got.late + got.pending
    finally:
        s.close()
