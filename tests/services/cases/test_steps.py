from __future__ import annotations

import datetime as dt

import pytest

from builders import add_case
from inspect_tui.core.calendar import get_calendar
from inspect_tui.services.cases.detail import deadlines_of, describe_case
from inspect_tui.services.cases.steps import (
    ConflictError,
    StepError,
    add_deadline_exception,
    record_step,
    rederive_deadlines,
)
from inspect_tui.services.config import Config
from inspect_tui.services.session import Session
from inspect_tui.store.cases import get_case

D = dt.date


def test_deadlines_are_stored_when_created(session):
    add_case(session, "C-0001")
    row = get_case(session.db, "C-0001")
    assert (row["contact_due"], row["standard_due"], row["target20_due"]) == (
        "2027-06-11",
        "2027-06-16",
        "2027-06-28",
    )
    assert row["status"] == "received"


def test_recording_a_step_writes_an_event(session):
    add_case(session, "C-0001")
    assert record_step(session, "C-0001", "contact", D(2027, 6, 9), "電話で調整") == "contacted"
    assert record_step(session, "C-0001", "visit", D(2027, 6, 14)) == "visited"
    row = get_case(session.db, "C-0001")
    assert row["visited_on"] == "2027-06-14" and row["version"] == 3
    events = session.db.conn.execute("SELECT kind, on_date, who, note FROM case_events").fetchall()
    assert [tuple(e) for e in events] == [
        ("contact", "2027-06-09", "tester", "電話で調整"),
        ("visit", "2027-06-14", "tester", "訪問調査"),
    ]


def test_invalid_step_changes_nothing(session):
    add_case(session, "C-0001")
    with pytest.raises(StepError, match="依頼受理日"):
        record_step(session, "C-0001", "visit", D(2027, 6, 1))
    assert get_case(session.db, "C-0001")["version"] == 1
    assert session.db.conn.execute("SELECT count(*) FROM case_events").fetchone()[0] == 0


def test_second_save_from_a_stale_view_is_refused(session):
    add_case(session, "C-0001")
    seen = get_case(session.db, "C-0001")["version"]
    record_step(session, "C-0001", "contact", D(2027, 6, 9), expected_version=seen)
    with pytest.raises(ConflictError, match="先に更新"):
        record_step(session, "C-0001", "visit", D(2027, 6, 14), expected_version=seen)


def test_extension_and_exclusion(session):
    add_case(session, "C-0001")
    add_deadline_exception(
        session, "C-0001", "standard", "extend", "入院のため市と合意", "applicant", D(2027, 6, 30)
    )
    add_deadline_exception(session, "C-0001", "target20", "exclude", "市の事由", "city")
    row = get_case(session.db, "C-0001")
    assert row["standard_due"] == "2027-06-30"
    views = {v.rule: v for v in deadlines_of(session, row, D(2027, 6, 15))}
    assert views["target20"].state == "excluded"
    assert views["contact"].state == "overdue"
    with pytest.raises(ValueError, match="後ではありません"):
        add_deadline_exception(session, "C-0001", "standard", "extend", "x", "city", D(2027, 6, 1))


def test_rederive_moves_only_what_the_new_calendar_changes(session, db_path):
    add_case(session, "C-0001")
    add_case(session, "C-0002", received_on=D(2027, 8, 13), dispatched_on=D(2027, 8, 13))
    closure = Config(extra_closures=frozenset({D(2027, 8, 16)}))
    s2 = Session(session.db, closure, "tester")
    dry = rederive_deadlines(s2, dry_run=True)
    assert {(m.case_no, m.rule, m.old, m.new) for m in dry} == {
        ("C-0002", "contact", "2027-08-18", "2027-08-19"),
        ("C-0002", "standard", "2027-08-23", "2027-08-24"),
    }
    assert get_case(session.db, "C-0002")["contact_due"] == "2027-08-18"
    rederive_deadlines(s2)
    assert get_case(session.db, "C-0002")["contact_due"] == "2027-08-19"
    kinds = [r[0] for r in session.db.conn.execute("SELECT kind FROM case_events")]
    assert kinds == ["deadline_rederive", "deadline_rederive"]


def test_describe_case_explains_deadlines_without_personal_data(session):
    add_case(session, "C-0001", received_on=D(2026, 12, 24), dispatched_on=D(2026, 12, 25))
    text = describe_case(session, "C-0001")
    assert "12/29-1/3 閉庁" in text
    assert "試験" not in text and "9900000001" not in text
    assert get_calendar() is session.calendar
