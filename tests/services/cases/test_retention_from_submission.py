"""Retention counts 3 months from the form's last submission, accepted or not (seed 001 §4(4))."""

from __future__ import annotations

import datetime as dt

from builders import step
from inspect_tui.services.trust.retention import purge
from inspect_tui.store.cases import case_row, insert_cases

D = dt.date  # today is pinned to 2027-06-15 by tests/conftest.py


def _case(s, case_no, **dates):
    row = {
        "case_no": case_no,
        "application": "新規",
        "ward": "長田区",
        "received_on": D(2027, 2, 1),
        "applicant_name": "試験 花子",
        "insured_no": "9900000001",
        **dates,
    }
    with s.db.conn:
        insert_cases(s.db, [case_row(row, s.calendar, "2027-02-01T09:00:00+09:00")])


def test_purge_preview_counts_from_the_last_submission(session):
    s = session
    # submitted 3/10, never accepted: its copy goes on 6/10
    _case(s, "NEVER-ACCEPTED", visited_on=D(2027, 3, 1), submitted_on=D(2027, 3, 10))
    # submitted 3/12, accepted 3/20: from the submission (6/12), not the acceptance (6/20)
    _case(s, "ACCEPTED", visited_on=D(2027, 3, 1), submitted_on=D(2027, 3, 12), accepted_on=D(2027, 3, 20))
    # submitted 3/1, returned for fixing and resubmitted 4/1: the last submission counts (7/1)
    _case(s, "RESUBMITTED", visited_on=D(2027, 2, 20), submitted_on=D(2027, 3, 1))
    step(s, "RESUBMITTED", "return-for-fix", D(2027, 3, 5))
    step(s, "RESUBMITTED", "resubmit", D(2027, 4, 1))
    # cancelled before any submission: from the cancellation
    _case(s, "CANCELLED", cancelled_on=D(2027, 3, 14))
    # re-surveyed after a submission and not yet resubmitted: work goes on, nothing purged
    _case(s, "RESURVEYED", visited_on=D(2027, 2, 20), submitted_on=D(2027, 3, 1))
    step(s, "RESURVEYED", "resurvey", D(2027, 6, 1))
    preview = purge(s, dry_run=True)
    assert [c.case_no for c in preview.due] == ["NEVER-ACCEPTED", "ACCEPTED", "CANCELLED"]
    text = preview.describe()
    assert "最後の提出" in text and "NEVER-ACCEPTED  提出済 2027-03-10 から" in text
    assert "花子" not in text
