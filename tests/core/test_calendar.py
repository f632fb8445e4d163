"""The business-day calendar against the Cabinet Office's own holiday list and
the cases the contract cares about (year-end closure, Golden Week, 振替休日,
国民の休日, the 2019-2021 special years, starts on weekends and holidays)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from inspect_tui.core.calendar import BusinessCalendar, OutOfRange, add_calendar_days, get_calendar

D = dt.date
#: The Cabinet Office's holiday list, vendored (provenance: tests/fixtures/README.md).
CAO = Path(__file__).resolve().parents[1] / "fixtures" / "syukujitsu.csv"


def cabinet_office_holidays(first_year: int) -> dict[dt.date, str]:
    """Date -> name from the vendored list, for first_year..2027."""
    with CAO.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["国民の祝日・休日月日", "国民の祝日・休日名称"]
    official = {D(*map(int, r[0].split("/"))): r[1] for r in rows[1:]}
    assert len(official) == len(rows) - 1, "a date is listed twice"
    return {d: n for d, n in official.items() if d.year >= first_year}


@pytest.fixture(scope="module")
def cal() -> BusinessCalendar:
    return get_calendar()


def test_the_vendored_list_is_the_whole_cabinet_office_file():
    official = cabinet_office_holidays(1955)
    assert len(official) == 1067
    assert min(official) == D(1955, 1, 1) and official[D(1955, 1, 1)] == "元日"
    assert max(official) == D(2027, 11, 23) and official[D(2027, 11, 23)] == "勤労感謝の日"


def test_jpholiday_agrees_with_the_cabinet_office_from_1986():
    """The calendar is built from jpholiday: its dates must be the official ones (it is
    wrong on 27 dates before 1986, which is why the calendar starts in 1989)."""
    import jpholiday

    official = cabinet_office_holidays(1986)
    theirs = {d for year in range(1986, 2028) for d, _ in jpholiday.year_holidays(year)}
    assert sorted(theirs - set(official)) == [], "jpholiday has holidays the Cabinet Office does not"
    assert sorted(set(official) - theirs) == [], "jpholiday misses official holidays"


def test_every_cabinet_office_holiday_from_1989_is_a_day_off(cal):
    official = cabinet_office_holidays(1989)
    assert len(official) > 600
    for day, name in official.items():
        assert not cal.is_business_day(day), f"{day} {name} should be a day off"
        if day.weekday() < 5 and (day.month, day.day) not in ((1, 1), (1, 2), (1, 3)):
            assert cal.day_off_reason(day) not in ("土曜", "日曜", None)
    # and no other weekday outside the closure is a holiday
    ours = {d for d, _ in cal.holidays(1989, 2027)}
    assert ours == set(official)


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"),
    [
        # year-end closure 12/29-1/3 (2026-12-28 Mon is the last business day)
        (D(2026, 12, 25), 1, D(2026, 12, 28), "Fri -> Mon before the closure"),
        (D(2026, 12, 25), 2, D(2027, 1, 4), "closure 12/29-1/3 skipped"),
        (D(2026, 12, 25), 6, D(2027, 1, 8), "standard deadline across the closure"),
        (D(2027, 12, 28), 1, D(2028, 1, 4), "12/29-1/3, 2028-01-04 is a Tuesday"),
        (D(2026, 12, 30), 1, D(2027, 1, 4), "start inside the closure"),
        # Golden Week 2027: 4/29 Thu, 5/3 Mon, 5/4 Tue, 5/5 Wed
        (D(2027, 4, 28), 1, D(2027, 4, 30), "Showa Day skipped"),
        (D(2027, 4, 30), 1, D(2027, 5, 6), "5/3-5/5 and the weekend skipped"),
        (D(2027, 4, 28), 3, D(2027, 5, 7), "contact deadline through Golden Week"),
        # 振替休日: 2026-05-06 (Constitution Day fell on Sunday)
        (D(2026, 5, 1), 1, D(2026, 5, 7), "5/4, 5/5, 振替 5/6 skipped"),
        # 国民の休日: 2026-09-22 between 敬老の日 9/21 and 秋分の日 9/23
        (D(2026, 9, 18), 1, D(2026, 9, 24), "silver week 9/19-9/23"),
        # 2019: the 10-day Golden Week for the enthronement (4/30, 5/1, 5/2)
        (D(2019, 4, 26), 1, D(2019, 5, 7), "2019 enthronement holidays"),
        # 2019-10-22 即位礼正殿の儀
        (D(2019, 10, 21), 1, D(2019, 10, 23), "即位礼正殿の儀"),
        # 2020 Olympics moved holidays: 7/23 海の日, 7/24 スポーツの日, 8/10 山の日
        (D(2020, 7, 22), 1, D(2020, 7, 27), "2020 Olympic holidays"),
        (D(2020, 8, 7), 1, D(2020, 8, 11), "2020 山の日 8/10"),
        # 2021: 7/22, 7/23, 8/9 (振替 for 8/8)
        (D(2021, 7, 21), 1, D(2021, 7, 26), "2021 Olympic holidays"),
        (D(2021, 8, 6), 1, D(2021, 8, 10), "2021 山の日 振替 8/9"),
        # starts on a weekend or holiday never count
        (D(2027, 6, 12), 1, D(2027, 6, 14), "Saturday start -> Monday"),
        (D(2027, 6, 13), 3, D(2027, 6, 16), "Sunday start"),
        (D(2026, 11, 23), 1, D(2026, 11, 24), "勤労感謝の日 start"),
        (D(2027, 6, 15), 0, D(2027, 6, 15), "zero days is the start"),
        (D(2027, 6, 15), -1, D(2027, 6, 14), "one business day before"),
        (D(2027, 1, 4), -1, D(2026, 12, 28), "one business day before, across the closure"),
    ],
)
def test_add_business_days(cal, start, n, expected, why):
    assert cal.add_business_days(start, n) == expected, why


def test_many_matches_single(cal):
    pairs = [(D(2026, 12, 20) + dt.timedelta(days=i), n) for i in range(40) for n in (0, 1, 3, 6, -2)]
    assert cal.add_business_days_many(pairs) == [cal.add_business_days(s, n) for s, n in pairs]


def test_count_between_is_inverse_of_add(cal):
    start = D(2026, 12, 20)
    for n in range(0, 30):
        end = cal.add_business_days(start, n)
        assert cal.business_days_between(start, end) == n
        assert cal.business_days_between(end, start) == -n


def test_is_business_day_and_next(cal):
    assert cal.is_business_day(D(2027, 6, 15))
    assert not cal.is_business_day(D(2027, 1, 3))
    assert not cal.is_business_day(D(2027, 12, 29))
    assert cal.add_business_days(D(2027, 12, 28), 1) == D(2028, 1, 4)  # the next business day
    assert cal.day_off_reason(D(2026, 9, 22)) == "国民の休日"
    assert cal.day_off_reason(D(2027, 1, 2)) == "年末年始閉庁"


def test_extra_closure_from_config_is_a_day_off():
    extra = frozenset({D(2027, 8, 16)})
    cal = get_calendar(extra)
    assert not cal.is_business_day(D(2027, 8, 16))
    assert cal.add_business_days(D(2027, 8, 13), 1) == D(2027, 8, 17)
    assert cal.day_off_reason(D(2027, 8, 16)) == "臨時閉庁"
    assert get_calendar().add_business_days(D(2027, 8, 13), 1) == D(2027, 8, 16)


def test_calendar_is_cached():
    assert get_calendar() is get_calendar()


def test_out_of_range_is_a_clear_error(cal):
    with pytest.raises(OutOfRange, match="対応範囲外"):
        cal.add_business_days(D(1988, 12, 31), 1)
    with pytest.raises(OutOfRange, match="対応範囲外"):
        cal.add_business_days(D(2099, 12, 30), 5)


def test_calendar_days():
    assert add_calendar_days(D(2027, 6, 15), 20) == D(2027, 7, 5)
    assert add_calendar_days(D(2026, 12, 20), 20) == D(2027, 1, 9)


def test_on_or_after_moves_a_closed_day_to_the_next_business_day(cal):
    assert cal.on_or_after(D(2027, 1, 3)) == D(2027, 1, 4)  # 日曜・年末年始閉庁 -> 月曜
    assert cal.on_or_after(D(2027, 4, 3)) == D(2027, 4, 5)  # 土曜 -> 月曜
    assert cal.on_or_after(D(2027, 5, 3)) == D(2027, 5, 6)  # 憲法記念日・みどりの日・こどもの日 -> 木曜
    assert cal.on_or_after(D(2027, 6, 1)) == D(2027, 6, 1)  # a business day stays
    assert get_calendar([D(2027, 6, 1)]).on_or_after(D(2027, 6, 1)) == D(2027, 6, 2)  # 臨時閉庁
