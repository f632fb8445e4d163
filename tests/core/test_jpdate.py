from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspect_tui.core.jpdate import (
    ERAS,
    DateError,
    era_year,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_range,
    format_era,
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
        ("R1.4.1", "「R1.4.1」はありません（令和は 2019-05-01 から"),
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


# -- eras: each one's real first and last day ---------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明治6年1月1日", dt.date(1873, 1, 1)),  # the first Gregorian day in Japan
        ("M45.7.29", dt.date(1912, 7, 29)),  # the last day of 明治
        ("大正元年7月30日", dt.date(1912, 7, 30)),
        ("T15.12.24", dt.date(1926, 12, 24)),
        ("昭和元年12月25日", dt.date(1926, 12, 25)),
        ("S64.1.7", dt.date(1989, 1, 7)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("平成1年1月8日", dt.date(1989, 1, 8)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("ｍ４５．７．２９", dt.date(1912, 7, 29)),
        ("ｔ１５年１２月２４日", dt.date(1926, 12, 24)),
        ("Ｓ６４／１／７", dt.date(1989, 1, 7)),
    ],
)
def test_every_era_from_its_first_to_its_last_day(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成31年5月1日", "「平成31年5月1日」はありません（平成は 1989-01-08 から 2019-04-30。"
                            "2019-05-01 なら令和元年5月1日）"),
        ("昭和64年1月8日", "「昭和64年1月8日」はありません（昭和は 1926-12-25 から 1989-01-07。"
                            "1989-01-08 なら平成元年1月8日）"),
        ("平成99年1月1日", "「平成99年1月1日」はありません（平成は 1989-01-08 から 2019-04-30。"),
        ("令和元年4月30日", "「令和元年4月30日」はありません（令和は 2019-05-01 から。"),
        ("S1.12.24", "「S1.12.24」はありません（昭和は 1926-12-25 から 1989-01-07。"
                     "1926-12-24 なら大正15年12月24日）"),
        ("大正元年7月29日", "（大正は 1912-07-30 から 1926-12-24。1912-07-29 なら明治45年7月29日）"),
        ("T15.12.25", "（大正は 1912-07-30 から 1926-12-24。1926-12-25 なら昭和元年12月25日）"),
        ("明治45年7月30日", "（明治は 1873-01-01 から 1912-07-29。1912-07-30 なら大正元年7月30日）"),
        ("明治5年12月2日", "「明治5年12月2日」は旧暦の日付のため西暦に換算できません（明治は 1873-01-01"),
        ("明治元年1月25日", "旧暦の日付"),
        ("平成0年1月1日", "元号の年は1以上です"),
        ("平成31年2月29日", "「平成31年2月29日」は存在しない日付です"),
    ],
)  # fmt: skip
def test_a_day_outside_its_era_is_refused_naming_the_era(text, message):
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert message in str(info.value)


def test_the_era_table_has_no_gap_and_no_overlap():
    assert ERAS[0].last is None  # 令和 goes on
    for later, earlier in itertools.pairwise(ERAS):
        assert earlier.last is not None and (later.first - earlier.last).days == 1


@given(st.dates(min_value=dt.date(1873, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_day_written_in_its_era_reads_back(day):
    written = format_era(day)
    assert parse_date(written) == day
    # the same day written in the era before or after it does not exist
    for era in ERAS:
        if era.name not in written:
            year = day.year - era.first.year + 1
            if 1 <= year <= 99:
                with pytest.raises(DateError):
                    parse_date(f"{era.name}{year}年{day.month}月{day.day}日")


@given(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99))
def test_the_iso_shortcut_reads_what_the_general_path_reads(y, m, d):
    """2027-04-01 is read without normalizing (the form files mostly use); the same date
    written 2027/04/01 goes the general way: the same day, or the same kind of error."""
    from inspect_tui.core.jpdate import DateError, parse_date

    iso, slashed = f"{y:04d}-{m:02d}-{d:02d}", f"{y:04d}/{m:02d}/{d:02d}"

    def read(text):
        try:
            return parse_date(text)
        except DateError as exc:
            return str(exc).replace(text, "<text>")

    assert read(iso) == read(slashed)
