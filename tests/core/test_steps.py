from __future__ import annotations

import datetime as dt

import pytest

from inspect_tui.core.case_events import CaseState, Event
from inspect_tui.core.history import check_append, events_from_dates, fold
from inspect_tui.core.steps import StepError, check_dates, derive_status

D = dt.date
BASE = {"received_on": D(2027, 6, 1), "dispatched_on": D(2027, 6, 1)}


def apply_step(dates, step: str, on: dt.date, today: dt.date | None = None) -> CaseState:
    """A step appended to the history a row of dates stands for (core.history.check_append)."""
    return check_append(fold(events_from_dates(dates)), Event(99, step, on), today)


def test_status_follows_the_latest_step():
    assert derive_status(BASE) == "received"
    assert derive_status({**BASE, "contacted_on": D(2027, 6, 2)}) == "contacted"
    assert derive_status({**BASE, "visited_on": D(2027, 6, 8), "submitted_on": D(2027, 6, 9)}) == "submitted"
    assert derive_status({**BASE, "cancelled_on": D(2027, 6, 3)}) == "cancelled"


def test_visit_before_request_is_refused():
    with pytest.raises(StepError, match="訪問日 2027-05-31 が依頼受理日 2027-06-01 より前"):
        apply_step(BASE, "visit", D(2027, 5, 31))


def test_accept_needs_submission():
    with pytest.raises(StepError, match="提出がないのに受理はできません"):
        apply_step({**BASE, "visited_on": D(2027, 6, 8)}, "accept", D(2027, 6, 10))


def test_accept_before_submission_is_refused():
    cur = {**BASE, "visited_on": D(2027, 6, 8), "submitted_on": D(2027, 6, 10)}
    with pytest.raises(StepError, match="受理日 2027-06-09 が提出日 2027-06-10 より前"):
        apply_step(cur, "accept", D(2027, 6, 9))


def test_step_twice_is_refused():
    cur = {**BASE, "contacted_on": D(2027, 6, 2)}
    with pytest.raises(StepError, match="記録済み"):
        apply_step(cur, "contact", D(2027, 6, 3))


def test_nothing_after_cancel():
    with pytest.raises(StepError, match="中止"):
        apply_step({**BASE, "cancelled_on": D(2027, 6, 2)}, "visit", D(2027, 6, 3))


def test_resurvey_starts_a_new_survey_and_keeps_the_first_dates():
    cur = {**BASE, "visited_on": D(2027, 6, 8), "submitted_on": D(2027, 6, 9)}
    new = apply_step(cur, "resurvey", D(2027, 6, 12))
    assert new.visited_on is None and new.submitted_on is None  # this survey's
    assert new.columns()["visited_on"] == D(2027, 6, 8) and new.columns()["submitted_on"] == D(2027, 6, 9)
    assert new.status() == "received" and new.cycles == 2


def test_check_dates_lists_each_problem():
    problems = check_dates(
        {"received_on": D(2027, 6, 5), "visited_on": D(2027, 6, 1), "accepted_on": D(2027, 6, 9)}
    )
    fields = [f for f, _ in problems]
    assert "visited_on" in fields and "accepted_on" in fields


def test_the_office_dispatches_before_we_receive():
    # seed 001 §13: the office sends the request (発送), the contractor then receives it (受理)
    assert check_dates({"dispatched_on": D(2027, 6, 1), "received_on": D(2027, 6, 2)}) == []
    problems = check_dates({"dispatched_on": D(2027, 6, 3), "received_on": D(2027, 6, 2)})
    assert [f for f, _ in problems] == ["received_on"]


# -- no step after today (in Japan) -------------------------------------------------
TODAY = D(2027, 6, 15)


def test_a_date_after_today_is_refused_saying_what_today_is():
    from inspect_tui.core.steps import future_date_problem

    assert future_date_problem("訪問日", TODAY, TODAY) is None
    assert future_date_problem("訪問日", D(2027, 6, 14), TODAY) is None
    assert future_date_problem("訪問日", D(2027, 6, 16), TODAY) == (
        "訪問日 2027-06-16 は今日（日本時間 2027-06-15）より後です。先の日付は記録できません"
    )


@pytest.mark.parametrize("step", ["contact", "visit", "cancel", "return"])
def test_no_step_may_be_dated_after_today(step):
    with pytest.raises(StepError, match="今日（日本時間 2027-06-15）より後です"):
        apply_step(BASE, step, D(2027, 6, 16), TODAY)
    assert apply_step(BASE, step, TODAY, TODAY)  # today itself is fine


def test_a_resurvey_after_today_is_refused_too():
    cur = {**BASE, "visited_on": D(2027, 6, 8)}
    with pytest.raises(StepError, match="再調査の日 2027-06-16 は今日"):
        apply_step(cur, "resurvey", D(2027, 6, 16), TODAY)


def test_a_step_before_the_request_names_the_rule():
    with pytest.raises(StepError) as info:
        apply_step(BASE, "contact", D(2027, 5, 31), TODAY)
    assert str(info.value) == (
        "日程調整日 2027-05-31 が依頼受理日 2027-06-01 より前です（日程調整日は依頼受理日以降の日付です）"
    )
