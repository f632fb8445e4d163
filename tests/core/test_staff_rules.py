"""The staff records' rules (core/staff.py), by hand: the ID card's state, what needs doing,
which entry may follow which, and the non-care-manager share of seed 001 §5(2)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspect_tui.core import staff as rules
from inspect_tui.core.staff import Entry, Share

D = dt.date
TODAY = D(2027, 6, 15)


def test_the_card_is_held_from_issue_to_return_and_a_withdrawn_entry_does_not_count():
    issued = Entry(1, "card_issued", D(2026, 4, 1), "ID-1")
    again = Entry(2, "card_reissued", D(2026, 9, 1), "ID-1b")
    back = Entry(3, "card_returned", D(2027, 3, 31))
    assert rules.card([]).state == "none"
    assert rules.card([issued]) == rules.Card("held", "ID-1", D(2026, 4, 1))
    assert rules.card([issued, again]).card_no == "ID-1b"
    assert rules.card([issued, again, back]) == rules.Card("returned", "ID-1b", D(2027, 3, 31))
    undo = Entry(4, "withdrawn", D(2027, 4, 2), note="記録の誤り", withdraws=3)
    assert rules.card([issued, again, back, undo]).state == "held"  # the return was a mistake


def test_flags_say_what_needs_doing():
    new = Entry(1, "notified_new", D(2026, 4, 1))
    pledge = Entry(2, "pledge", D(2026, 4, 1))
    card = Entry(3, "card_issued", D(2026, 4, 1))
    assert rules.flags([], None, TODAY) == ["no_notification", "no_pledge"]
    assert rules.flags([new, pledge, card], None, TODAY) == []
    # left on 2027-05-31, card kept, no 取消 notification
    assert rules.flags([new, pledge, card], D(2027, 5, 31), TODAY) == ["card_not_returned", "no_cancel"]
    # leaving later this month is not leaving yet
    assert rules.flags([new, pledge, card], D(2027, 6, 30), TODAY) == []
    done = [
        new,
        pledge,
        card,
        Entry(4, "card_returned", D(2027, 5, 31)),
        Entry(5, "notified_cancel", D(2027, 6, 1)),
    ]
    assert rules.flags(done, D(2027, 5, 31), TODAY) == []


@pytest.mark.parametrize(
    ("kind", "on", "says"),
    [
        ("card_issued", D(2027, 1, 1), "2026-04-01 から交付中"),
        ("card_returned", D(2026, 3, 1), "交付中の調査員証がありません"),  # before the issue
        ("card_issued", D(2026, 3, 1), "2026-04-01 にあります"),  # nothing held then; a later card entry
        ("pledge", D(2027, 6, 16), "先の日付"),
        ("party", D(2027, 1, 1), "使えません"),
    ],
)
def test_an_entry_that_cannot_follow_is_refused_in_words(kind, on, says):
    held = [Entry(1, "card_issued", D(2026, 4, 1), "ID-1")]
    problem = rules.entry_problem(kind, on, held, TODAY)
    assert problem is not None and says in problem


def test_what_may_follow_an_issued_card():
    held = [Entry(1, "card_issued", D(2026, 4, 1), "ID-1")]
    assert rules.entry_problem("card_issued", D(2026, 3, 1), [], TODAY) is None
    assert rules.entry_problem("card_reissued", D(2026, 3, 1), [], TODAY) is not None
    assert rules.entry_problem("card_returned", D(2027, 6, 1), held, TODAY) is None
    assert rules.entry_problem("notified_cancel", D(2027, 6, 1), held, TODAY) is not None
    assert rules.entry_problem("notified_new", D(2027, 6, 1), held, TODAY) is None


@pytest.mark.parametrize(
    ("total", "other", "over", "text"),
    [
        (10, 3, False, "3/10 人（30%、目安30%以下）"),  # exactly 30% is within "about 30% or less"
        (13, 4, True, "4/13 人（31%、目安の30%を超えています）"),  # 30.8%
        (38, 9, False, "9/38 人（24%"),
        (0, 0, False, "0/0 人（0%"),
    ],
)
def test_the_non_care_manager_share(total, other, over, text):
    share = Share(total, other)
    assert share.over is over and text in share.text
