from __future__ import annotations

import datetime as dt

import pytest

from inspect_tui.core.steps import StepError, apply_step, check_dates, derive_status

D = dt.date
BASE = {"received_on": D(2027, 6, 1), "dispatched_on": D(2027, 6, 1)}


def test_status_follows_the_latest_step():
    assert derive_status(BASE) == "received"
    assert derive_status({**BASE, "contacted_on": D(2027, 6, 2)}) == "contacted"
    assert derive_status({**BASE, "visited_on": D(2027, 6, 8), "submitted_on": D(2027, 6, 9)}) == "submitted"
    assert derive_status({**BASE, "cancelled_on": D(2027, 6, 3)}) == "cancelled"


def test_visit_before_request_is_refused():
    with pytest.raises(StepError, match="訪問日 2027-05-31 が依頼受理日 2027-06-01 より前"):
        apply_step(BASE, "visit", D(2027, 5, 31))


def test_accept_needs_submission():
    with pytest.raises(StepError, match="提出日がないのに受理日"):
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


def test_resurvey_clears_visit_and_later():
    cur = {**BASE, "visited_on": D(2027, 6, 8), "submitted_on": D(2027, 6, 9)}
    new = apply_step(cur, "resurvey", D(2027, 6, 12))
    assert new["visited_on"] is None and new["submitted_on"] is None
    assert derive_status(new) == "received"


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
