"""Pareto figures against hand-computed ones (core/pareto.py)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from inspect_tui.core.pareto import bar, pareto, percent


def table(rows):
    return [(r.rank, r.name, r.count, r.share_pct, r.cumulative_pct, r.vital) for r in rows]


def test_textbook_case_with_ties_and_the_crossing_item():
    counts = {"遅延": 2, "接遇・態度": 5, "日程調整": 5, "説明不足": 3, "個人情報": 0, "調査内容": 1}
    # total 16 (個人情報 0 is left out). By hand:
    #   接遇・態度 5  5/16 = 31.25% -> 31.3%  running  5/16 = 31.3%  before 0%      vital
    #   日程調整   5  tie with 接遇・態度: by name, 接 (U+63A5) < 日 (U+65E5)
    #                 5/16 = 31.3%              running 10/16 = 62.5%  before 31.3%  vital
    #   説明不足   3  3/16 = 18.75% -> 18.8%   running 13/16 = 81.25% -> 81.3%
    #                 before 62.5% < 80%: this is the item that crosses 80%  -> vital
    #   遅延       2  2/16 = 12.5%             running 15/16 = 93.75% -> 93.8%  before 81.3%  not
    #   調査内容   1  1/16 = 6.25% -> 6.3%     running 16/16 = 100.0%                     not
    assert table(pareto(counts)) == [
        (1, "接遇・態度", 5, "31.3%", "31.3%", True),
        (2, "日程調整", 5, "31.3%", "62.5%", True),
        (3, "説明不足", 3, "18.8%", "81.3%", True),
        (4, "遅延", 2, "12.5%", "93.8%", False),
        (5, "調査内容", 1, "6.3%", "100.0%", False),
    ]


def test_an_item_landing_exactly_on_80_percent_is_vital_and_the_next_is_not():
    # 4 + 4 + 2 = 10: A 40%, B 80% (exactly: vital, it does not cross but reaches 80%), C 100%
    rows = pareto({"C": 2, "B": 4, "A": 4})
    assert [(r.name, r.cumulative, r.vital) for r in rows] == [
        ("A", Fraction(2, 5), True),
        ("B", Fraction(4, 5), True),
        ("C", Fraction(1), False),
    ]


def test_ties_at_the_boundary_are_decided_by_name():
    # 3 items of 1 each: 33.3%, 66.7% (vital), 100% — the third crosses 80% and is vital too.
    assert [r.vital for r in pareto({"c": 1, "b": 1, "a": 1})] == [True, True, True]
    # 5 items of 1 each: running 20, 40, 60, 80 (exactly: vital), 100 (before 80%: not vital)
    rows = pareto({n: 1 for n in "edcba"})
    assert [(r.name, r.cumulative_pct, r.vital) for r in rows] == [
        ("a", "20.0%", True),
        ("b", "40.0%", True),
        ("c", "60.0%", True),
        ("d", "80.0%", True),
        ("e", "100.0%", False),
    ]


def test_the_first_item_is_always_vital_even_when_it_alone_is_over_80_percent():
    rows = pareto({"大": 9, "小": 1})
    assert [(r.name, r.share_pct, r.vital) for r in rows] == [("大", "90.0%", True), ("小", "10.0%", False)]


def test_other_goes_last_whatever_its_count():
    # その他 6 of 10 would be first; placed last it is reached at 100%: before it 40% -> still vital.
    rows = pareto({"その他": 6, "遅延": 3, "調査内容": 1}, last=("その他",))
    assert [(r.name, r.cumulative_pct, r.vital) for r in rows] == [
        ("遅延", "30.0%", True),
        ("調査内容", "40.0%", True),
        ("その他", "100.0%", True),
    ]


def test_running_share_is_exact_so_the_last_row_is_100_percent():
    rows = pareto({"a": 1, "b": 1, "c": 1})
    assert [r.share_pct for r in rows] == ["33.3%", "33.3%", "33.3%"]
    assert rows[-1].cumulative == 1 and rows[-1].cumulative_pct == "100.0%"


def test_empty_and_negative():
    assert pareto({}) == []
    assert pareto({"a": 0}) == []
    with pytest.raises(ValueError, match="負"):
        pareto({"a": -1})


def test_percent_rounds_half_up():
    assert percent(Fraction(1, 8)) == "12.5%"
    assert percent(Fraction(1, 16)) == "6.3%"  # 6.25 -> 6.3 (half up, not banker's 6.2)
    assert percent(Fraction(1, 3)) == "33.3%"


def test_bar_scales_to_the_largest_and_never_hides_a_small_item():
    assert bar(10, 10, 20) == "#" * 20
    assert bar(5, 10, 20) == "#" * 10
    assert bar(1, 100, 20) == "#"
    assert bar(0, 10, 20) == ""


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 50), max_size=12))
def test_properties(counts):
    rows = pareto(counts)
    if not rows:
        assert sum(counts.values()) == 0
        return
    assert rows[-1].cumulative == 1
    assert [r.count for r in rows] == sorted((r.count for r in rows), reverse=True)
    vital = [r.vital for r in rows]
    assert vital[0] and vital == sorted(vital, reverse=True)  # the vital few are a prefix
    k = sum(vital)
    assert rows[k - 1].cumulative >= Fraction(4, 5)  # they reach 80%
    if k > 1:
        assert rows[k - 2].cumulative < Fraction(4, 5)  # and stop at the item that gets there
