from __future__ import annotations

import datetime as dt

import pytest

from inspect_tui.core.jpdate import (
    DateError,
    era_year,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_range,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-04-01", dt.date(2027, 4, 1)),
        ("2027/4/1", dt.date(2027, 4, 1)),
        ("2027/04/01", dt.date(2027, 4, 1)),
        ("R9.4.1", dt.date(2027, 4, 1)),
        ("r9.4.1", dt.date(2027, 4, 1)),
        ("令和9年4月1日", dt.date(2027, 4, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("２０２７－０４－０１", dt.date(2027, 4, 1)),
        ("Ｒ９．４．１", dt.date(2027, 4, 1)),
        ("令和９年４月１日", dt.date(2027, 4, 1)),
        (" 2027-04-01 ", dt.date(2027, 4, 1)),
        ("2027年4月1日", dt.date(2027, 4, 1)),
    ],
)
def test_parse_accepts_what_users_type(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2027-02-30", "存在しない"),
        ("2027-13-01", "存在しない"),
        ("", "空"),
        ("tomorrow", "読めません"),
        ("R1.4.1", "令和の始まり"),
        ("27-4-1", "読めません"),
    ],
)
def test_parse_rejects_with_reason(text, fragment):
    with pytest.raises(DateError, match=fragment):
        parse_date(text)


def test_reiwa_first_year_is_gannen():
    assert era_year(2019) == "令和元年"
    assert era_year(2020) == "令和2年"
    assert era_year(2027) == "令和9年"
    assert era_year(2018) == "平成30年"


def test_fiscal_years_run_april_to_march():
    assert fiscal_year_of(dt.date(2027, 3, 31)) == 2026
    assert fiscal_year_of(dt.date(2027, 4, 1)) == 2027
    assert fiscal_year_range(2027) == (dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    assert fiscal_year_label(2027) == "令和9年度（2027年度）"
    assert fiscal_year_label(2019, western=False) == "令和元年度"
