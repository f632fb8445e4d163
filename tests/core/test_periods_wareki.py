"""Periods typed and printed in 和暦: every accepted form of a month, a fiscal year and a
quarter, the eras' boundaries to the month, and the refusals with what they say."""

from __future__ import annotations

import pytest

from inspect_tui.core.metrics import (
    PeriodError,
    fy_period,
    month_period,
    parse_fy,
    parse_month,
    parse_period,
    quarter_period,
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("令和8年10月", "2026-10"),
        ("R8.10", "2026-10"),
        ("R8/10", "2026-10"),
        ("R8-10", "2026-10"),
        ("r8.10", "2026-10"),
        ("R8年10月", "2026-10"),
        ("令和8年10月分", "2026-10"),
        ("令和 8年 10月", "2026-10"),
        ("令和８年１０月", "2026-10"),  # full-width digits
        ("Ｒ８．１０", "2026-10"),
        ("2026-10", "2026-10"),
        ("2026/10", "2026-10"),
        ("2026年10月", "2026-10"),
        ("2026年10月分", "2026-10"),
        ("２０２６年１０月", "2026-10"),
        ("　2026-10　", "2026-10"),  # ideographic spaces around
        ("平成31年4月", "2019-04"),
        ("H31.4", "2019-04"),
        ("令和元年5月", "2019-05"),
        ("R元.5", "2019-05"),
        ("昭和64年1月", "1989-01"),  # 1989-01-01..07
        ("平成元年1月", "1989-01"),  # 1989-01-08..31
    ],
)
def test_months_in_every_form(text, key):
    assert parse_month(text).key == key
    assert parse_period(text).key == key  # --period takes a month as well


@pytest.mark.parametrize(
    ("text", "fy"),
    [
        ("令和9年度", 2027),
        ("R9", 2027),
        ("R9年度", 2027),
        ("r9", 2027),
        ("2027", 2027),
        ("FY2027", 2027),
        ("fy2027", 2027),
        ("2027年度", 2027),
        ("令和９年度", 2027),
        ("令和元年度", 2019),
        ("R元", 2019),
        ("平成31年度", 2019),  # FY2019 began in 平成31年4月: its name then
        ("平成30年度", 2018),
        ("H30", 2018),
    ],
)
def test_fiscal_years_in_every_form(text, fy):
    assert parse_fy(text) == fy


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("令和9年度第1四半期", "2027Q1"),
        ("令和9年度 第1四半期", "2027Q1"),
        ("令和９年度　第１四半期", "2027Q1"),
        ("令和9年度第一四半期", "2027Q1"),
        ("R9Q1", "2027Q1"),
        ("r9q1", "2027Q1"),
        ("R9年度Q1", "2027Q1"),
        ("2027Q1", "2027Q1"),
        ("2027-Q1", "2027Q1"),
        ("FY2027Q1", "2027Q1"),
        ("2027年度第4四半期", "2027Q4"),
        ("令和元年度第1四半期", "2019Q1"),
        ("令和9年度", "FY2027"),
        ("R9年度", "FY2027"),
        ("2027年度", "FY2027"),
        ("FY2027", "FY2027"),
    ],
)
def test_quarters_and_fiscal_years_as_periods(text, key):
    assert parse_period(text).key == key


def test_a_quarter_typed_in_wareki_is_the_same_months():
    q = parse_period("令和9年度 第4四半期")
    assert (q.start.isoformat(), q.end.isoformat()) == ("2028-01-01", "2028-03-31")  # Q4 is in 2028


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        # each era to the month: what that month was called
        (
            parse_month,
            "平成31年5月",
            "「平成31年5月」はありません（2019年5月は令和元年5月。平成は 1989-01-08 から 2019-04-30）",
        ),
        (
            parse_month,
            "令和元年4月",
            "「令和元年4月」はありません（2019年4月は平成31年4月。令和は 2019-05-01 から）",
        ),
        (parse_month, "H31.5", "2019年5月は令和元年5月"),
        (parse_month, "昭和64年2月", "1989年2月は平成元年2月"),
        (parse_month, "令和8年13月", "「令和8年13月」: 月は1〜12です"),
        (parse_month, "2027-13", "「2027-13」: 月は1〜12です"),
        (parse_month, "R0.5", "「R0.5」: 元号の年は1以上です"),
        (
            parse_month,
            "May 2027",
            "「May 2027」は月として読めません（例: 2027-05、2027年5月、令和9年5月、R9.5）",
        ),
        (parse_month, "R9.5.1", "は月として読めません"),  # a date is not a month
        (
            parse_fy,
            "平成32年度",
            "「平成32年度」はありません（2020年度は令和2年度。平成は 1989-01-08 から 2019-04-30）",
        ),
        (parse_fy, "昭和64年度", "1989年度は平成元年度"),
        (parse_fy, "9年度", "「9年度」は年度として読めません（例: 令和9年度、R9、2027年度、FY2027、2027）"),
        (parse_fy, "R9.5", "は年度として読めません"),
        (
            parse_period,
            "R9Q5",
            "「R9Q5」: 四半期は Q1〜Q4（第1〜第4四半期）です（年度は4月始まり: Q1 = 4〜6月）",
        ),
        (parse_period, "令和9年度第5四半期", "四半期は Q1〜Q4"),
        (parse_period, "平成32年度第1四半期", "2020年度は令和2年度"),
        (
            parse_period,
            "R9",
            "「R9」は年か年度か分かりません（年度なら 令和9年度 か FY2027、月なら 令和9年5月 か 2027-05）",
        ),
        (parse_period, "2027", "「2027」は年か年度か分かりません"),
        (
            parse_period,
            "第1四半期",
            "「第1四半期」は期間として読めません（例: 月 2027-05・令和9年5月、"
            "四半期 2027Q2・令和9年度第2四半期、年度 FY2027・令和9年度）",
        ),
    ],
)
def test_refusals_say_what_is_wrong(parse, text, message):
    with pytest.raises(PeriodError) as exc:
        parse(text)
    assert message in str(exc.value)


def test_a_month_prints_in_its_own_era():
    assert month_period(2019, 4).label(western=False) == "平成31年4月"
    assert month_period(2019, 4).label() == "平成31年4月（2019年4月）"
    assert month_period(2019, 5).label(western=False) == "令和元年5月"
    assert month_period(1989, 1).label(western=False) == "昭和64年1月"  # the era of its first day
    assert month_period(2026, 10).label(western=False) == "令和8年10月"


def test_quarters_print_as_shihanki_and_keep_their_keys():
    q = quarter_period(2027, 1)
    assert q.label(western=False) == "令和9年度 第1四半期（4月〜6月）"
    assert q.unit_label() == "第1四半期"
    assert q.key == "2027Q1"  # the machine key (JSON, file names) is unchanged
    assert [p.unit_label() for p in parse_period("FY2027").quarters()] == [
        "第1四半期",
        "第2四半期",
        "第3四半期",
        "第4四半期",
    ]
    assert month_period(2027, 5).unit_label() == "5月"
    assert parse_period("FY2019").label(western=False) == "令和元年度"  # not 平成31年度


def test_every_printed_month_and_fiscal_year_reads_back():
    """What a report prints is what a person may type: every month from 1873 (the first
    Gregorian year in Japan) to 2100, and every fiscal year, through its own label."""
    for year in range(1873, 2101):
        for month in range(1, 13):
            p = month_period(year, month)
            assert parse_month(p.label(western=False)) == p, p.key
        if year < 2100:
            fy = fy_period(year)
            assert parse_fy(fy.label(western=False)) == year
            assert parse_period(fy.label(western=False)) == fy
            assert (
                parse_period(quarter_period(year, 3).label(western=False).split("（")[0]).key == f"{year}Q3"
            )


def test_a_month_is_in_an_era_exactly_when_one_of_its_days_is():
    """era_month agrees with era_date (the day-exact check) for every era and month around
    each change of era: accepted iff the 1st or the last day of the month is in the era."""
    import calendar

    from inspect_tui.core.jpdate import ERAS, DateError, era_date, era_month

    for era in ERAS:
        for year in range(1, 66):
            for month in range(1, 13):
                western = era.first.year + year - 1
                if western > 2100:
                    continue
                days_ok = []
                for day in (1, calendar.monthrange(western, month)[1]):
                    try:
                        era_date(era, year, month, day)
                        days_ok.append(True)
                    except DateError:
                        days_ok.append(False)
                try:
                    got = era_month(era, year, month) == (western, month)
                except DateError:
                    got = False
                assert got == any(days_ok), (era.name, year, month)
