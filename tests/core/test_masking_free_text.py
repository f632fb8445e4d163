"""Personal data typed into free text: what the detector names and what the masker hides.

Today is pinned (2027-06-15) so "a date more than 40 years ago" is 1987-06-15 or before.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspect_tui.core.masking import (
    ADDRESS_LIKE,
    BIRTH_LIKE,
    CASE_NAME,
    CASE_NUMBER,
    FREE_TEXT_MASK,
    INSURED_LIKE,
    LONG_NUMBER,
    mask_free_text,
    personal_data_hints,
)

TODAY = dt.date(2027, 6, 15)
NAME = "試験 花子"
NUMBER = "9900000001"


def hints(text: str, names=(), numbers=()) -> tuple[str, ...]:
    return personal_data_hints(text, names, numbers, today=TODAY)


def mask(text: str, names=(), numbers=()) -> str:
    return mask_free_text(text, names, numbers, today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "被保険者番号 0123456789 の方",
        "０１２３４５６７８９",  # full-width
        "01234 56789",
        "0123-456-789",
        "012ー345ー6789",  # the IME's long-vowel mark as a dash
        "０１２３４　５６７８９",
        "1 2 3 4 5 6 7 8 9 0",
        "0123-45 6789",
    ],
)
def test_ten_digits_however_written_look_like_an_insured_number(text):
    assert hints(text) == (INSURED_LIKE,)
    assert not re.search(r"\d", unicodedata.normalize("NFKC", mask(text)).replace("\u3000", " "))


@pytest.mark.parametrize("text", ["090-1234-5678", "1234 5678 9012", "12345678901234"])
def test_longer_numbers_are_masked_too(text):
    assert hints(text) == (LONG_NUMBER,)
    assert mask(text) == FREE_TEXT_MASK


@pytest.mark.parametrize(
    "text",
    [
        "R9-00123 の件、2027-06-15 10:30 に訪問",
        "R9-00123 R9-00124 R9-00125",
        "2027-0001 2027-0002 の苦情",  # two case numbers side by side: not one long number
        "12345 2027-06-15 67890",  # a visit date between two short numbers
        "2027/06/15 10:30-11:45",
        "H30.4.1 に登録、R9.6.15 訪問、令和9年6月14日 提出",
        "S037 の調査票、1-1 麻痺 2-12 の選択",
        "苦情 1,3 と事故 2 から",
        "2027/6/15に発生",  # 発生 is not 生 (born)
        "生活保護の方、令和9年6月1日",
        "第123456789号通知",  # nine digits: a rule number stays
        "",
    ],
)
def test_ordinary_notes_stay_readable(text):
    assert hints(text) == ()
    assert mask(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("生年月日 S15.1.2", "生年月日 ＊＊＊"),
        ("S15.1.2", "＊＊＊"),
        ("昭和15年1月2日生", "＊＊＊生"),
        ("昭和十五年一月二日", "＊＊＊"),
        ("Ｓ１５．１．２", "＊＊＊"),
        ("1940/1/2", "＊＊＊"),
        ("1940年1月2日", "＊＊＊"),
        ("1985/3/4生まれ", "＊＊＊生まれ"),  # within 40 years, but written as a birth date
        ("生年月日: 平成2年4月1日", "生年月日: ＊＊＊"),
        ("昭和15年生まれ", "＊＊＊"),
        ("1987-06-14 の出来事", "＊＊＊ の出来事"),  # more than 40 years ago
    ],
)
def test_dates_of_birth(text, masked):
    assert hints(text) == (BIRTH_LIKE,)
    assert mask(text) == masked


def test_a_date_just_inside_forty_years_is_an_ordinary_date():
    assert hints("1987-06-16 の出来事") == ()


@pytest.mark.parametrize("text", ["長田区北町3丁目5-2", "須磨区5番地の2", "3番5号", "三丁目"])
def test_street_numbers(text):
    assert hints(text) == (ADDRESS_LIKE,)
    assert FREE_TEXT_MASK in mask(text)


@pytest.mark.parametrize(
    "text", ["試験 花子さんの件", "試験花子さんの件", "試験　花子さん", "試験  花子", "ｼｹﾝ" + "試験 花子"]
)
def test_the_cases_own_name_with_or_without_the_space(text):
    assert CASE_NAME in hints(text, [NAME])
    assert "花子" not in mask(text, [NAME])


def test_the_name_given_name_first_is_found_too():
    assert hints("冬美 鈴原 ではなく", ["鈴原 冬美"]) == (CASE_NAME,)
    assert hints("冬美鈴原", ["鈴原 冬美"]) == (CASE_NAME,)


def test_a_family_name_alone_or_another_name_is_not_the_applicants_name():
    assert hints("試験の結果、花子さんとは別", [NAME]) == ()
    assert hints("試験 花子", ["", "x"]) == (), "names shorter than 2 characters are ignored"


@pytest.mark.parametrize(
    "text", ["9900000001", "9900-000-001", "９９００　０００００１", "番号は 99000 00001 です"]
)
def test_the_cases_own_insured_number_however_split(text):
    assert hints(text, numbers=[NUMBER]) == (CASE_NUMBER,)
    assert "0001" not in unicodedata.normalize("NFKC", mask(text, numbers=[NUMBER]))


def test_a_short_known_number_matches_only_as_a_whole_number():
    assert hints("12345 の件", numbers=["1234"]) == ()
    assert hints("番号 1234 の件", numbers=["1234"]) == (CASE_NUMBER,)


def test_several_kinds_are_named_in_a_fixed_order_without_the_values():
    text = "試験花子 様 0123456789 S15.1.2生 3丁目"
    got = hints(text, [NAME])
    assert got == (CASE_NAME, INSURED_LIKE, BIRTH_LIKE, ADDRESS_LIKE)
    assert not any("花子" in k or "0123" in k for k in got)
    assert mask(text, [NAME]) == "＊＊＊ 様 ＊＊＊ ＊＊＊生 ＊＊＊"


def test_without_today_it_uses_today_in_japan(monkeypatch):
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2100-01-01")
    assert personal_data_hints("2055-01-01 訪問") == (BIRTH_LIKE,)
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-06-15")
    assert personal_data_hints("2055-01-01 訪問") == ()


# --------------------------------------------------------------------------- properties
TEXT_CHARS = st.sampled_from(
    list("0123456789０１２３４５６７８９ -ー－　.・/年月日生丁目番地号")
    + list("SHR昭和平成令和十五一二三試験花子様aZ\n")
)
TEXTS = st.text(TEXT_CHARS, max_size=60) | st.text(max_size=40)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_no_ten_digit_run_is_left(text):
    masked = mask(text, [NAME], [NUMBER])
    assert not re.search(r"\d{10}", unicodedata.normalize("NFKC", masked))
    assert not {INSURED_LIKE, LONG_NUMBER, CASE_NUMBER, CASE_NAME} & set(hints(masked, [NAME], [NUMBER]))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_masking_is_idempotent(text):
    once = mask(text, [NAME], [NUMBER])
    assert mask(once, [NAME], [NUMBER]) == once
    assert hints(once, [NAME], [NUMBER]) == ()


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_hints_and_masking_agree(text):
    assert (hints(text, [NAME], [NUMBER]) == ()) == (mask(text, [NAME], [NUMBER]) == text)


DIGITS = st.text(st.sampled_from(list("0123456789０１２３４５６７８９")), min_size=10, max_size=30)


@settings(max_examples=200, deadline=None)
@given(DIGITS, TEXTS, TEXTS)
def test_a_digit_run_of_ten_or_more_is_always_found(digits, before, after):
    text = f"{before}x{digits}x{after}"
    assert {INSURED_LIKE, LONG_NUMBER} & set(hints(text))
