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


def _rules_file(tmp_path, body: str):
    p = tmp_path / "r.toml"
    p.write_text(body, encoding="utf-8")
    return p


CONTACT = '[rules.contact]\nbase = "received_on"\nn = 3\nunit = "business_days"\nends_by = "contacted_on"\n'


def test_a_rule_knows_its_words_column_and_the_step_that_ends_it(tmp_path):
    words = 'label = "日程調整連絡"\nshort = "連絡"\nbase_label = "受理"\n'
    rules = load_rules(_rules_file(tmp_path, CONTACT + words))
    rule = rules["contact"]
    assert (rule.span, rule.title) == ("受理から3開庁日", "日程調整連絡（受理から3開庁日）")
    assert (rule.due_column, rule.ends_by, rule.due_title) == ("contact_due", "contacted_on", "連絡期限")
    shipped = default_rules()
    assert [(r.id, r.span, r.ends_by) for r in shipped.values() if r.entity == "case"] == [
        ("contact", "受理から3開庁日", "contacted_on"),
        ("standard", "発送から6開庁日", "submitted_on"),
        ("target20", "受理から20日", "submitted_on"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (CONTACT + 'lable = "x"\n', r"rules\.contact\.lable: 知らないキー"),
        (CONTACT.replace("[rules.contact]", '[rules."contact; DROP"]'), "規則の ID"),
        (CONTACT.replace('"received_on"', '"received_on) OR (1"'), r"rules\.contact\.base: 英小文字"),
        (CONTACT.replace('"contacted_on"', '"called_on"'), r"rules\.contact\.ends_by: 依頼の日付"),
        (CONTACT.replace('ends_by = "contacted_on"\n', ""), "ends_by（期限を満たす手順の"),
        (CONTACT.replace("n = 3", "n = true"), r"rules\.contact\.n: 0以上の整数"),
        (CONTACT + 'short = ""\n', r"rules\.contact\.short: 空でない"),
    ],
    ids=["unknown key", "id not a name", "base not a name", "ends_by not a date", "no ends_by", "n", "short"],
)
def test_a_rule_that_would_reach_the_sql_wrong_is_refused(tmp_path, body, message):
    with pytest.raises(RuleError, match=message):
        load_rules(_rules_file(tmp_path, body))


def test_deadline_state_is_one_function_for_every_screen():
    from inspect_tui.core.deadlines import Horizon, deadline_state

    cal = get_calendar()
    h = Horizon.on(D(2027, 6, 15), cal)  # Tue; soon = due by Thu 6/17 (2 business days)
    assert h.soon_until == D(2027, 6, 18)
    states = [deadline_state(D(2027, 6, day), h) for day in (14, 15, 16, 17, 18)]
    assert states == ["overdue", "today", "soon", "soon", "ok"]
    assert deadline_state(None, h) == "none"
    assert deadline_state(D(2027, 6, 14), h, done_on=D(2027, 6, 14)) == "done"
    assert deadline_state(D(2027, 6, 14), h, done_on=D(2027, 6, 15)) == "late"
    assert deadline_state(D(2027, 6, 14), h, closed=True) == "closed"
    assert deadline_state(D(2027, 6, 14), h, done_on=D(2027, 6, 15), excluded=True) == "excluded"
