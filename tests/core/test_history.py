"""core.history: the order rules, the fold, voids (issue 13 items 1-3)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspect_tui.core.case_events import CaseState, Event
from inspect_tui.core.history import (
    HistoryError,
    check_append,
    check_void,
    fold,
)

D = dt.date
TODAY = D(2027, 10, 20)


def run(*steps: tuple[str, dt.date], today: dt.date = TODAY) -> tuple[CaseState, list[Event]]:
    """Append the steps one by one through check_append, as the app does."""
    events: list[Event] = []
    st = CaseState()
    for i, (kind, on) in enumerate(steps, 1):
        e = Event(i, kind, on)
        st = check_append(st, e, today)
        events.append(e)
        assert fold(events) == st, f"fold disagrees with check_append after {kind}"
    return st, events


ACCEPTED_IN_SEPTEMBER = (
    ("received", D(2027, 9, 1)),
    ("contact", D(2027, 9, 2)),
    ("visit", D(2027, 9, 6)),
    ("submit", D(2027, 9, 10)),
    ("accept", D(2027, 9, 15)),
)


def test_a_resurvey_keeps_the_first_dates_and_the_standing_acceptance():
    st, _ = run(*ACCEPTED_IN_SEPTEMBER, ("resurvey", D(2027, 10, 5)))
    cols = st.columns()
    assert cols["visited_on"] == D(2027, 9, 6) and cols["submitted_on"] == D(2027, 9, 10)
    assert cols["accepted_on"] == D(2027, 9, 15)  # September's acceptance still stands
    assert st.cycles == 2 and st.phase == "resurvey" and st.status() == "contacted"
    # the new cycle starts from the visit; its acceptance is not billed again
    st, _ = run(
        *ACCEPTED_IN_SEPTEMBER,
        ("resurvey", D(2027, 10, 5)),
        ("visit", D(2027, 10, 8)),
        ("submit", D(2027, 10, 12)),
        ("accept", D(2027, 10, 14)),
    )
    assert st.columns()["accepted_on"] == D(2027, 9, 15)
    assert st.last_submitted_on == D(2027, 10, 12) and st.status() == "accepted"


def test_no_acceptance_without_a_submission_in_the_current_cycle():
    with pytest.raises(HistoryError, match="今の調査（第2回）で提出がないのに受理はできません"):
        run(*ACCEPTED_IN_SEPTEMBER, ("resurvey", D(2027, 10, 5)), ("accept", D(2027, 10, 6)))


def test_submit_after_a_resurvey_needs_the_new_visit():
    with pytest.raises(HistoryError, match="訪問がないのに提出はできません"):
        run(*ACCEPTED_IN_SEPTEMBER, ("resurvey", D(2027, 10, 5)), ("submit", D(2027, 10, 6)))


def test_query_answer_return_for_fix_and_resubmit():
    base = ACCEPTED_IN_SEPTEMBER[:4]
    with pytest.raises(HistoryError, match="照会がないのに照会回答は記録できません"):
        run(*base, ("answer", D(2027, 9, 11)))
    with pytest.raises(HistoryError, match="回答していない照会があります"):
        run(*base, ("query", D(2027, 9, 11)), ("accept", D(2027, 9, 12)))
    st, _ = run(*base, ("query", D(2027, 9, 11)), ("answer", D(2027, 9, 12)), ("accept", D(2027, 9, 13)))
    assert st.status() == "accepted"
    with pytest.raises(HistoryError, match="返戻か受理取消がないのに再提出はできません"):
        run(*base, ("resubmit", D(2027, 9, 11)))
    with pytest.raises(HistoryError, match="再提出がないと受理できません"):
        run(*base, ("return-for-fix", D(2027, 9, 11)), ("accept", D(2027, 9, 12)))
    st, _ = run(
        *base, ("return-for-fix", D(2027, 9, 11)), ("resubmit", D(2027, 9, 14)), ("accept", D(2027, 9, 16))
    )
    assert st.columns()["submitted_on"] == D(2027, 9, 10) and st.last_submitted_on == D(2027, 9, 14)
    assert st.columns()["accepted_on"] == D(2027, 9, 16)


def test_an_accept_cancel_moves_the_acceptance_to_the_resubmission():
    st, _ = run(*ACCEPTED_IN_SEPTEMBER, ("accept-cancel", D(2027, 9, 20)))
    assert st.columns()["accepted_on"] is None and st.status() == "submitted"
    st, _ = run(
        *ACCEPTED_IN_SEPTEMBER,
        ("accept-cancel", D(2027, 9, 20)),
        ("resubmit", D(2027, 10, 1)),
        ("accept", D(2027, 10, 2)),
    )
    assert st.columns()["accepted_on"] == D(2027, 10, 2)  # §4(8): accepted again on the resubmission
    with pytest.raises(HistoryError, match="受理がないのに受理取消はできません"):
        run(*ACCEPTED_IN_SEPTEMBER[:4], ("accept-cancel", D(2027, 9, 20)))


def test_nothing_after_cancel_or_return():
    for kind, word in (("cancel", "中止"), ("return", "返却")):
        with pytest.raises(HistoryError, match=f"{word}した依頼には記録できません"):
            run(("received", D(2027, 9, 1)), (kind, D(2027, 9, 2)), ("visit", D(2027, 9, 3)))
    with pytest.raises(HistoryError, match="受理された依頼は中止・返却できません"):
        run(*ACCEPTED_IN_SEPTEMBER, ("cancel", D(2027, 9, 20)))


def test_dates_after_today_in_japan_or_before_the_request_are_refused():
    with pytest.raises(HistoryError, match=r"訪問日 2027-10-21 は今日（日本時間 2027-10-20）より後です"):
        run(("received", D(2027, 10, 1)), ("visit", D(2027, 10, 21)))
    run(("received", D(2027, 10, 1)), ("visit", TODAY))  # today itself is fine
    with pytest.raises(HistoryError, match="訪問日 2027-09-30 が依頼受理日 2027-10-01 より前です"):
        run(("received", D(2027, 10, 1)), ("visit", D(2027, 9, 30)))
    with pytest.raises(HistoryError, match="提出日 2027-09-05 が訪問日 2027-09-06 より前です"):
        run(*ACCEPTED_IN_SEPTEMBER[:3], ("submit", D(2027, 9, 5)))


def test_a_void_cancels_an_event_and_fold_skips_it():
    _, events = run(*ACCEPTED_IN_SEPTEMBER[:3])
    st = check_void(events, 3, "日付の誤り")
    assert st.columns()["visited_on"] is None and st.status() == "contacted"
    events.append(Event(4, "void", None, note="日付の誤り", void_of=3))
    assert fold(events).columns()["visited_on"] is None
    with pytest.raises(HistoryError, match="取り消し済みです"):
        check_void(events, 3, "もう一度")
    with pytest.raises(HistoryError, match="理由を書いてください"):
        check_void(events, 2, " ")


def test_a_void_that_would_break_a_later_step_is_refused():
    _, events = run(*ACCEPTED_IN_SEPTEMBER[:4])
    with pytest.raises(HistoryError, match=r"記録 3（訪問調査 2027-09-06）を取り消すと、あとの記録 4（提出"):
        check_void(events, 3, "誤り")


def test_fold_keeps_an_old_out_of_order_event_and_names_the_rule():
    events = [Event(1, "received", D(2027, 9, 1)), Event(2, "accept", D(2027, 9, 5))]
    st = fold(events)
    assert st.columns()["accepted_on"] == D(2027, 9, 5)
    assert st.anomalies and "提出がないのに受理" in st.anomalies[0][1]
