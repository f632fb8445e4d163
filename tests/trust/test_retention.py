"""Personal data goes retention_months after a case closes; everything else stays."""

from __future__ import annotations

import dataclasses

import pytest

from inspect_tui.services.retention import purge, purge_due_count
from inspect_tui.store.audit import query_audit, verify_chain
from inspect_tui.store.retention import add_months

from .conftest import D, add_case

# today is pinned to 2027-06-15 by tests/conftest.py


def _closed(session):
    add_case(
        session,
        "C-OLD",
        visited_on=D(2027, 3, 1),
        contacted_on=D(2027, 2, 26),
        received_on=D(2027, 2, 25),
        dispatched_on=D(2027, 2, 25),
        submitted_on=D(2027, 3, 5),
        accepted_on=D(2027, 3, 15),
        applicant_name="消える 太郎",
    )
    add_case(
        session,
        "C-EDGE",
        received_on=D(2027, 3, 1),
        dispatched_on=D(2027, 3, 1),
        cancelled_on=D(2027, 3, 16),
        applicant_name="残る 次郎",
    )
    add_case(session, "C-OPEN", applicant_name="開いて 三郎")


def test_add_months_clamps_to_the_month_end():
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2027, 11, 15), 3) == D(2028, 2, 15)


def test_only_cases_past_retention_are_due(session):
    _closed(session)
    assert purge_due_count(session) == 1  # C-OLD: 3/15 + 3 months = 6/15 = today


def test_dry_run_lists_case_numbers_never_personal_values(session, cli):
    _closed(session)
    code, out, _ = cli("purge", "--dry-run")
    assert code == 0 and "C-OLD" in out and "1 件" in out
    assert "太郎" not in out and "9900000001" not in out
    assert session.db.conn.execute("SELECT applicant_name FROM cases WHERE case_no='C-OLD'").fetchone()[0]


def test_purge_blanks_personal_fields_and_keeps_the_rest(session, db_path):
    _closed(session)
    result = purge(session)
    assert result.purged == 1
    row = session.db.conn.execute("SELECT * FROM cases WHERE case_no = 'C-OLD'").fetchone()
    assert (row["applicant_name"], row["insured_no"], row["birth_date"]) == (None, None, None)
    assert row["personal_purged_on"] == "2027-06-15"
    assert row["accepted_on"] == "2027-03-15" and row["standard_due"]
    other = session.db.conn.execute("SELECT applicant_name FROM cases WHERE case_no='C-EDGE'").fetchone()
    assert other[0] == "残る 次郎"
    [audit] = query_audit(session.db, action="purge")
    assert audit.key == "C-OLD" and audit.after["personal_purged_on"] == "2027-06-15"
    assert verify_chain(session.db).ok
    assert purge_due_count(session) == 0
    # the old values are not left in the file's free pages or the WAL
    session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob("cases.db*"))
    assert "消える 太郎".encode() not in raw


def test_retention_months_comes_from_the_config(session):
    _closed(session)
    session.config = dataclasses.replace(session.config, retention_months=0)
    assert purge_due_count(session) == 2


def test_purge_is_for_managers(session, as_user):
    from inspect_tui.services.trust import PermissionDenied

    as_user("mona", "monitor")
    with pytest.raises(PermissionDenied):
        purge(session, dry_run=True)
