"""Hand-built cases for the report tests: each test states its expected figures by hand."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from inspect_tui.store.cases import case_row, insert_cases

_numbers = itertools.count(1)


def add_case(session, **fields) -> str:
    """Insert one case (deadlines derived by the real calendar); returns its case number.

    Fields are dates or ISO text; defaults: home insured, not welfare, 新規, 長田区,
    dispatched the day it was received.
    """
    no = fields.pop("case_no", None) or f"R9-{next(_numbers):05d}"
    base = {
        "case_no": no,
        "application": "新規",
        "ward": "長田区",
        "insurer": "",
        "applicant_name": "試験 花子",
        "insured_no": "0123456789",
    }
    base.update(fields)
    if "dispatched_on" not in fields:
        base["dispatched_on"] = base["received_on"]
    row = case_row(base, session.calendar, "2027-01-01T00:00:00+09:00")
    insert_cases(session.db, [row])
    return no


def exclude(session, case_no: str, rule: str, cause: str = "city") -> None:
    from inspect_tui.services.cases.steps import add_deadline_exception

    add_deadline_exception(session, case_no, rule, "exclude", "市の事由で調査できず", cause)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def add(session):
    return lambda **f: add_case(session, **f)
