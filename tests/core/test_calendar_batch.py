"""The numpy batch gives exactly what the single call gives: random pairs over
weekends, holidays, the year-end closure and extra closures, positive, zero
and negative counts, and the same out-of-range errors."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from inspect_tui.core.calendar import BusinessCalendar, OutOfRange, get_calendar

np = pytest.importorskip("numpy")

from inspect_tui.core.calendar_batch import add_business_days_batch  # noqa: E402

D = dt.date


def _random_pairs(rng: random.Random, count: int, lo: dt.date, hi: dt.date, n_lo: int, n_hi: int):
    span = hi.toordinal() - lo.toordinal()
    starts = [D.fromordinal(lo.toordinal() + rng.randrange(span + 1)) for _ in range(count)]
    ns = [rng.randint(n_lo, n_hi) for _ in range(count)]
    return starts, ns


@pytest.mark.parametrize("n_range", [(1, 30), (-30, 30), (0, 0), (-400, -1), (200, 600)])
def test_batch_equals_single_calls_on_random_pairs(n_range):
    cal = get_calendar()
    rng = random.Random(sum(n_range) + 7)
    starts, ns = _random_pairs(rng, 20_000, D(1995, 1, 1), D(2040, 12, 31), *n_range)
    got = add_business_days_batch(cal, np.array(starts, dtype="datetime64[D]"), ns).tolist()
    assert got == [cal.add_business_days(s, n) for s, n in zip(starts, ns, strict=True)]


def test_starts_on_weekends_holidays_and_in_the_closure():
    cal = get_calendar()
    days = [D(2026, 12, 24) + dt.timedelta(days=i) for i in range(14)]  # through the closure
    days += [D(2027, 4, 28) + dt.timedelta(days=i) for i in range(10)]  # Golden Week
    days += [D(2026, 9, 18) + dt.timedelta(days=i) for i in range(7)]  # silver week
    days += [D(2026, 11, 23), D(2027, 6, 12), D(2027, 6, 13)]  # holiday, Sat, Sun
    for n in (-6, -3, -1, 0, 1, 2, 3, 6, 20):
        got = add_business_days_batch(cal, days, [n] * len(days)).tolist()
        assert got == [cal.add_business_days(d, n) for d in days], n


def test_extra_closures_count_like_the_single_call():
    cal = BusinessCalendar({D(2027, 6, 15), D(2027, 6, 16), D(2027, 12, 28)})
    rng = random.Random(3)
    starts, ns = _random_pairs(rng, 5_000, D(2027, 5, 1), D(2028, 1, 31), -10, 10)
    got = add_business_days_batch(cal, starts, ns).tolist()
    assert got == [cal.add_business_days(s, n) for s, n in zip(starts, ns, strict=True)]
    assert add_business_days_batch(cal, [D(2027, 6, 14)], 1).tolist() == [D(2027, 6, 17)]


def test_inputs_as_dates_epoch_days_and_one_n_for_all():
    cal = get_calendar()
    starts = [D(2026, 12, 25), D(2027, 4, 30)]
    as_epoch = np.array(starts, dtype="datetime64[D]").view(np.int64)
    expected = [D(2027, 1, 8), D(2027, 5, 13)]
    assert add_business_days_batch(cal, starts, 6).tolist() == expected
    assert add_business_days_batch(cal, as_epoch, 6).tolist() == expected
    assert add_business_days_batch(cal, iter(starts), [6, 6]).tolist() == expected
    empty = add_business_days_batch(cal, np.array([], dtype="datetime64[D]"), [])
    assert empty.dtype == np.dtype("datetime64[D]") and empty.size == 0


def test_same_as_numpy_busday_offset_rolling_backward_for_positive_counts():
    """Our rule (strictly after the start) is numpy's roll='backward' when n > 0."""
    cal = get_calendar()
    from inspect_tui.core.calendar import YEAR_END_CLOSURE

    off = {d for d, _ in cal.holidays(2020, 2031)}
    off |= {D(y, m, d) for y in range(2020, 2032) for m, d in YEAR_END_CLOSURE}
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=sorted(off))
    rng = random.Random(11)
    starts, ns = _random_pairs(rng, 20_000, D(2021, 1, 1), D(2029, 12, 31), 1, 40)
    arr = np.array(starts, dtype="datetime64[D]")
    ours = add_business_days_batch(cal, arr, ns)
    assert (ours == np.busday_offset(arr, ns, roll="backward", busdaycal=busdaycal)).all()


def test_out_of_range_like_the_single_call():
    cal = get_calendar()
    with pytest.raises(OutOfRange):
        add_business_days_batch(cal, [D(1988, 12, 30)], [1])
    with pytest.raises(OutOfRange):
        add_business_days_batch(cal, [D(2099, 12, 28)], [5])
    with pytest.raises(OutOfRange):
        add_business_days_batch(cal, [D(1989, 1, 5)], [-10])
    with pytest.raises(OutOfRange):
        add_business_days_batch(cal, np.array(["NaT"], dtype="datetime64[D]"), [1])


def test_arrays_join_the_years():
    cal = get_calendar()
    lo, cum, bdays, is_bday = cal.arrays(2026, 2027)
    assert lo == D(2026, 1, 1).toordinal()
    assert len(cum) == len(is_bday) == 365 + 365
    assert cum[-1] == len(bdays) == sum(is_bday)
    for ordinal in bdays[:5] + bdays[-5:]:
        assert cal.is_business_day(D.fromordinal(ordinal))
    # the n-th business day strictly after a day is bdays[cum[i] + n - 1]
    i = D(2026, 12, 25).toordinal() - lo
    assert D.fromordinal(bdays[cum[i] + 6 - 1]) == D(2027, 1, 8)
