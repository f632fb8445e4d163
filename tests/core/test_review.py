"""The rules of the first-ten review (core/review.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspect_tui.core import review as r
from inspect_tui.core.review import CaseForNumbering as C
from inspect_tui.core.review import FormTally as T

D = dt.date
CHIEFS = frozenset({"S001"})


def test_new_within_one_year_of_placement():
    placed = D(2026, 6, 15)
    assert r.is_new_surveyor(placed, D(2027, 6, 14))
    assert not r.is_new_surveyor(placed, D(2027, 6, 15))
    assert r.is_new_surveyor(placed, placed)
    assert not r.is_new_surveyor(placed, D(2026, 6, 14))
    assert not r.is_new_surveyor(placed, D(2027, 1, 1), is_chief=True)
    assert not r.is_new_surveyor(placed, D(2027, 1, 1), left_on=D(2026, 12, 31))
    assert not r.is_new_surveyor(None, D(2027, 1, 1))
    assert r.is_new_surveyor(D(2028, 2, 29), D(2029, 2, 27))
    assert not r.is_new_surveyor(D(2028, 2, 29), D(2029, 2, 28))


def test_followups_due_3_and_6_months_after_placement():
    assert r.followup_due(D(2027, 3, 31), "followup3") == D(2027, 6, 30)
    assert r.followup_due(D(2027, 8, 31), "followup6") == D(2028, 2, 29)


def test_followup_date_with_weekday_and_the_next_business_day():
    assert r.due_text(D(2027, 1, 3), D(2027, 1, 4)) == "2027-01-03(日)は閉庁日のため 2027-01-04(月)"
    assert r.due_text(D(2027, 6, 1), D(2027, 6, 1)) == "2027-06-01(火)"
    assert r.due_text(D(2027, 1, 3), D(2027, 1, 4), D(2027, 1, 1), "->") == "01-03(日)->01-04(月)"
    other_year = r.due_text(D(2028, 1, 3), D(2028, 1, 4), D(2027, 12, 1))
    assert other_year == "2028-01-03(月)は閉庁日のため 2028-01-04(火)"


def test_accompanied_by_a_chief_is_not_solo_but_by_a_colleague_is():
    assert not r.is_solo(C(1, "A", D(2027, 1, 5), "S001"), CHIEFS)
    assert r.is_solo(C(1, "A", D(2027, 1, 5), "S020"), CHIEFS)
    assert r.is_solo(C(1, "A", D(2027, 1, 5), None), CHIEFS)
    assert not r.is_solo(C(1, "A", None), CHIEFS)
    assert not r.is_solo(C(1, "A", D(2027, 1, 5), cancelled=True), CHIEFS)
    assert not r.is_solo(C(1, "A", D(2027, 1, 5), returned=True), CHIEFS)


def test_numbering_by_visit_date_ties_by_case_number():
    cases = [
        C(1, "R9-003", D(2027, 1, 6)),
        C(2, "R9-002", D(2027, 1, 6)),
        C(3, "R9-009", D(2027, 1, 5)),
        C(4, "R9-001", D(2027, 1, 4), "S001"),  # accompanied: skipped
    ]
    assert r.assign_form_numbers({}, cases, CHIEFS) == [(1, 3), (2, 2), (3, 1)]


def test_numbering_stops_at_ten():
    cases = [C(i, f"R9-{i:03d}", D(2027, 1, 1) + dt.timedelta(days=i)) for i in range(1, 15)]
    got = r.assign_form_numbers({}, cases, CHIEFS)
    assert [n for n, _ in got] == list(range(1, 11))
    assert [c for _, c in got] == list(range(1, 11))


def test_later_import_of_an_earlier_visit_never_renumbers():
    first = [C(10, "R9-010", D(2027, 2, 1)), C(11, "R9-011", D(2027, 2, 3))]
    fixed = dict((c, n) for n, c in r.assign_form_numbers({}, first, CHIEFS))
    assert fixed == {10: 1, 11: 2}
    late = [*first, C(9, "R9-009", D(2027, 1, 20)), C(12, "R9-012", D(2027, 2, 5))]
    new = r.assign_form_numbers(fixed, late, CHIEFS)
    assert new == [(3, 9), (4, 12)]  # appended after the highest fixed number


def test_full_fixed_list_takes_no_more():
    fixed = {i: i for i in range(1, 11)}
    assert r.assign_form_numbers(fixed, [C(99, "R9-0", D(2020, 1, 1))], CHIEFS) == []


def _forms(counts, serious=()):
    return [
        T(i + 1, True, n, int(i + 1 in serious), frozenset({"typo"} if n else set()))
        for i, n in enumerate(counts)
    ]


def test_verdict_improving_when_late_forms_have_fewer_findings():
    v = r.verdict(_forms([3, 2, 2, 1, 2, 1, 1, 0, 0, 0]))
    assert v.id == "improving" and not v.provisional
    assert v.label == "改善している"


def test_verdict_not_yet_with_a_serious_finding_in_the_last_three():
    v = r.verdict(_forms([3, 2, 2, 1, 2, 1, 1, 0, 1, 0], serious={9}))
    assert v.id == "not_yet"
    assert "9件目" in v.reason


def test_verdict_not_yet_when_findings_do_not_drop():
    assert r.verdict(_forms([1, 1, 0, 1, 0, 1, 1, 1, 0, 0])).id == "not_yet"


def test_verdict_no_findings_at_all_is_improving():
    assert r.verdict(_forms([0] * 10)).id == "improving"


def test_verdict_pending_and_provisional():
    assert r.verdict(_forms([1, 1, 0])).id == "pending"
    v = r.verdict(_forms([2, 2, 1, 0]))
    assert v.id == "improving" and v.provisional and v.label == "改善している（暫定）"


def test_verdict_ten_forms_compares_1_5_with_6_10_and_says_so():
    # 3+2+2+1+2 = 10 against 1+1+0+0+0 = 2
    v = r.verdict(_forms([3, 2, 2, 1, 2, 1, 1, 0, 0, 0]))
    assert v.reason == (
        "1-5件目 10件、6-10件目 2件（同じ5件ずつで比べました）。"
        "後の5件の方が少なく、直近3件（8-10件目）に重大な指摘はありません"
    )


def test_verdict_odd_count_leaves_the_middle_form_out():
    # 4 3 3 2 2: the old halves (4+3 = 7 against 3+2+2 = 7) said まだ; 1-2 (7) against 4-5 (4) is fair
    v = r.verdict(_forms([4, 3, 3, 2, 2]))
    assert v.id == "improving" and v.provisional and v.label == "改善している（暫定）"
    assert v.reason == (
        "1-2件目 7件、4-5件目 4件（同じ2件ずつで比べました。3件目は除く）。"
        "後の2件の方が少なく、直近3件（3-5件目）に重大な指摘はありません"
    )


def test_verdict_odd_count_seven_forms():
    # 1-3: 2+2+1 = 5, form 4 left out, 5-7: 2+2+1 = 5: not fewer
    v = r.verdict(_forms([2, 2, 1, 9, 2, 2, 1]))
    assert v.id == "not_yet" and v.provisional
    assert v.reason.startswith("1-3件目 5件、5-7件目 5件（同じ3件ずつで比べました。4件目は")
    assert v.reason.endswith("後の3件の指摘が減っていません")


def test_verdict_equal_halves_is_not_yet():
    v = r.verdict(_forms([2, 1, 1, 2, 1, 1]))  # 2+1+1 = 4 against 2+1+1 = 4
    assert v.id == "not_yet" and v.provisional
    assert v.reason == "1-3件目 4件、4-6件目 4件（同じ3件ずつで比べました）。後の3件の指摘が減っていません"


def test_verdict_worsening_trend_is_not_yet():
    v = r.verdict(_forms([0, 1, 1, 2, 3, 2, 3, 4, 4, 5]))  # 0+1+1+2+3 = 7 against 2+3+4+4+5 = 18
    assert v.id == "not_yet" and not v.provisional
    assert v.reason.startswith("1-5件目 7件、6-10件目 18件")


def test_verdict_serious_finding_in_forms_8_10_wins_over_fewer_findings():
    v = r.verdict(_forms([3, 3, 3, 3, 3, 0, 0, 0, 0, 1], serious={10}))
    assert v.id == "not_yet" and not v.provisional
    assert v.reason.endswith("直近3件（8-10件目）のうち10件目に重大な指摘があります")


def test_verdict_names_the_checked_forms_when_one_is_missing():
    forms = [*_forms([3, 3]), T(3, False), *(T(i, True, 1) for i in (4, 5, 6))]  # 5 checked
    v = r.verdict(forms)
    assert v.reason.startswith("1-2件目 6件、5-6件目 2件（同じ2件ずつで比べました。4件目は除く）")
    assert "直近3件（4-6件目）" in v.reason
    assert r.form_span([1, 2, 4, 6, 7]) == "1-2・4・6-7件目"


def test_recurring_points():
    forms = [
        T(1, True, 2, 0, frozenset({"typo", "omission"})),
        T(2, True, 1, 0, frozenset({"typo"})),
        T(3, True, 1, 0, frozenset({"typo"})),
        T(4, True, 1, 0, frozenset({"wording"})),
        T(5, True, 1, 0, frozenset({"wording"})),
    ]
    assert r.recurring_points(forms) == [("typo", 3), ("wording", 2)]


def test_trend_is_plain_ascii():
    lines = r.trend_bars([T(1, True, 3, 1), T(2, False)])
    assert lines[0].startswith(" 1件目  ###")
    assert "重大あり" in lines[0] and "未点検" in lines[1]
    assert all(ord(ch) < 0x2500 or ord(ch) > 0x25FF for line in lines for ch in line)
    assert r.sparkline([T(1, True, 3), T(2, False)]) == "3 -"


def test_survey_items_cover_the_national_form():
    items = r.survey_items()
    assert items["1-1"].name == "麻痺等の有無" and items["5-6"].name == "簡単な調理"
    groups = {g: sum(1 for i in items.values() if i.group == g) for g in range(1, 8)}
    assert groups == {1: 13, 2: 12, 3: 9, 4: 15, 5: 6, 6: 12, 7: 2}
    # the '74 basic items' count the parts of 1-1 and 1-2 and the 12 special medical items
    assert sum(max(1, len(i.parts)) for i in items.values() if i.group <= 6) == 74
    assert r.normalize_item_code("４－１２") == "4-12"
    with pytest.raises(r.ReviewRuleError):
        r.normalize_item_code("8-1")


def test_calibration_agreement():
    assert r.agrees("ok", "ok") and r.agrees("minor", "serious")
    assert not r.agrees("ok", "fix") and not r.agrees(None, "ok")
    assert r.point_outcome("finding", ["minor", "serious"]) == "serious"
    assert r.point_outcome("ok", []) == "ok"


# --------------------------------------------------------------------------- properties

_case = st.builds(
    lambda i, day, acc: C(i, f"R9-{i:05d}", D(2027, 1, 1) + dt.timedelta(days=day), acc),
    st.integers(1, 10_000),
    st.integers(0, 60),
    st.sampled_from([None, None, None, "S001", "S020"]),
)


@given(st.lists(_case, max_size=25, unique_by=lambda c: c.case_id), st.integers(0, 25))
@settings(max_examples=100, deadline=None)
def test_numbers_once_fixed_never_move_whatever_is_imported_later(cases, split):
    first, later = cases[:split], cases[split:]
    fixed = {c: n for n, c in r.assign_form_numbers({}, first, CHIEFS)}
    added = r.assign_form_numbers(fixed, first + later, CHIEFS)
    assert all(cid not in fixed for _, cid in added)
    numbers = sorted([*fixed.values(), *(n for n, _ in added)])
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) <= 10
    solo = [c for c in cases if r.is_solo(c, CHIEFS)]
    assert len(numbers) == min(10, len(solo))


@given(st.lists(_case, max_size=25, unique_by=lambda c: c.case_id))
@settings(max_examples=100, deadline=None)
def test_numbering_all_at_once_follows_visit_date_then_case_number(cases):
    got = r.assign_form_numbers({}, cases, CHIEFS)
    by_id = {c.case_id: c for c in cases}
    keys = [r.solo_order_key(by_id[cid]) for _, cid in got]
    assert keys == sorted(keys)
    assert all(by_id[cid].accompanied_by != "S001" for _, cid in got)
