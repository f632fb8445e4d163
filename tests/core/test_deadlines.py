from __future__ import annotations

import datetime as dt

import pytest

from inspect_tui.core.calendar import get_calendar
from inspect_tui.core.deadlines import RuleError, case_deadlines, default_rules, load_rules

D = dt.date


def test_case_rules_from_data():
    rules = default_rules()
    assert (rules["contact"].base, rules["contact"].n, rules["contact"].unit) == (
        "received_on",
        3,
        "business_days",
    )
    assert (rules["standard"].base, rules["standard"].n) == ("dispatched_on", 6)
    assert (rules["target20"].n, rules["target20"].unit) == (20, "calendar_days")
    # seed 002 rules come from the same file, no code needed
    assert rules["opinion_request"].entity == "disability"


def test_case_deadlines_across_year_end():
    dues = case_deadlines({"received_on": D(2026, 12, 24), "dispatched_on": D(2026, 12, 25)}, get_calendar())
    # 12/25 Fri, 12/28 Mon, then closure to 1/3, 1/4 Mon: contact = 3rd business day after 12/24
    assert dues == {"contact": D(2027, 1, 4), "standard": D(2027, 1, 8), "target20": D(2027, 1, 13)}


def test_missing_base_gives_no_deadline():
    dues = case_deadlines({"received_on": D(2027, 6, 15), "dispatched_on": None}, get_calendar())
    assert dues["standard"] is None
    assert dues["contact"] == D(2027, 6, 18)


def test_explanation_names_what_was_skipped():
    cal = get_calendar()
    text = default_rules()["standard"].explain(D(2026, 12, 25), cal)
    assert text.startswith("+6 開庁日")
    assert "12/29-1/3 閉庁" in text
    text = default_rules()["standard"].explain(D(2027, 1, 5), cal)
    assert "1/11 成人の日" in text
    assert "暦日" in default_rules()["target20"].explain(D(2027, 1, 5), cal)


def test_bad_rules_file_is_reported(tmp_path):
    p = tmp_path / "r.toml"
    p.write_text('[rules.x]\nbase = "received_on"\nn = 3\nunit = "weeks"\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules\.x\.unit"):
        load_rules(p)
    p.write_text('[rules.x]\nbase = "received_on"\nunit = "business_days"\n', encoding="utf-8")
    with pytest.raises(RuleError, match="n がありません"):
        load_rules(p)


def test_a_past_deadline_is_never_zero_days_left():
    from inspect_tui.core.deadlines import business_days_left

    cal = get_calendar()
    # Fri 2026-11-20 seen on Mon 2026-11-23 (勤労感謝の日): no business day between, still late
    assert business_days_left(cal, D(2026, 11, 23), D(2026, 11, 20)) == -1
    assert business_days_left(cal, D(2026, 11, 24), D(2026, 11, 20)) == -1
    assert business_days_left(cal, D(2026, 11, 25), D(2026, 11, 20)) == -2
    assert business_days_left(cal, D(2026, 11, 20), D(2026, 11, 20)) == 0
    assert business_days_left(cal, D(2026, 11, 23), D(2026, 12, 2)) == 7
