"""Roles: chiefs record steps for their own wards, monitors read only, managers do all."""

from __future__ import annotations

import pytest

from builders import D, add_case, add_surveyor
from inspect_tui.services.cases.steps import PermissionDenied, add_deadline_exception, record_step
from inspect_tui.services.trust import identity
from inspect_tui.services.trust.permissions import may, remove_user, require, role_of, save_user
from inspect_tui.store.users import UserError


def test_the_creator_of_a_database_is_its_manager(session):
    assert role_of(session) == "manager"


def test_an_unregistered_login_reads_like_a_monitor(session, as_user):
    as_user("stranger")
    assert role_of(session) == "monitor"
    with pytest.raises(PermissionDenied, match="登録されていません"):
        require(session, "import")


def test_a_chief_records_steps_in_their_wards_only(session, as_user):
    add_surveyor(session, "S001", "長田区,須磨区", chief=True)
    add_case(session, "C-1", ward="長田区")
    add_case(session, "C-2", ward="垂水区")
    as_user("chika", "chief", "S001")
    assert record_step(session, "C-1", "contact", D(2027, 6, 9)) == "contacted"
    with pytest.raises(PermissionDenied, match=r"担当区は .+ です。垂水区の依頼"):
        record_step(session, "C-2", "contact", D(2027, 6, 9))
    with pytest.raises(PermissionDenied):
        add_deadline_exception(session, "C-2", "target20", "exclude", "市の事由", "city")


def test_a_monitor_cannot_record_anything(session, as_user):
    add_case(session, "C-0001")
    as_user("mona", "monitor")
    with pytest.raises(PermissionDenied, match="委託元担当者"):
        record_step(session, "C-0001", "contact", D(2027, 6, 9))
    for action in (
        "review.save",
        "complaint.save",
        "report.notes",
        "billing.close",
        "personal.read",
        "purge",
    ):
        assert not may(session, action)


def test_a_chief_may_not_manage_staff_or_settings(session, as_user):
    add_surveyor(session, chief=True)
    as_user("chika", "chief", "S001")
    for action in ("report.notes", "billing.close", "users.manage", "import", "audit.read", "review.manage"):
        assert not may(session, action)
    for action in ("review.save", "problem.save", "complaint.save", "incident.save", "personal.read"):
        assert may(session, action)


def test_a_chief_needs_a_surveyor_record(session):
    with pytest.raises(UserError, match="--surveyor"):
        save_user(session, "chika", "chief", None)
    with pytest.raises(UserError, match="名簿にありません"):
        save_user(session, "chika", "chief", "S999")


def test_the_last_manager_cannot_be_removed_or_demoted(session):
    with pytest.raises(UserError, match="最後の業務責任者"):
        remove_user(session, "tester")
    with pytest.raises(UserError, match="最後の業務責任者"):
        save_user(session, "tester", "monitor", None)


def test_users_commands(session, cli, as_user):
    add_surveyor(session, chief=True)
    code, out, _ = cli("users", "add", "alice", "--role", "chief", "--surveyor", "S001")
    assert code == 0 and "登録しました" in out
    code, out, _ = cli("users", "list")
    assert "alice" in out and "chief" in out and "S001" in out
    code, out, _ = cli("whoami")
    assert out.splitlines()[:2] == ["tester", "manager（業務責任者）"]
    code, out, _ = cli("users", "remove", "alice")
    assert code == 0
    code, _, err = cli("users", "add", "bad login", "--role", "monitor")
    assert code == 2 and "使えません" in err
    rows = session.db.conn.execute(
        "SELECT action, key FROM audit_log WHERE entity = 'user' ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [("add", "tester"), ("add", "alice"), ("remove", "alice")]


def test_users_commands_are_for_managers(session, cli, monkeypatch):
    save_user(session, "mona", "monitor", None)
    identity.act_as("mona")
    code, _, err = cli("users", "add", "eve", "--role", "manager")
    assert code == 1 and "権限がありません" in err and "Traceback" not in err


def test_a_chief_outside_their_wards_gets_a_clear_cli_message(session, cli, monkeypatch):
    add_surveyor(session, "S001", "長田区", chief=True)
    add_case(session, "C-2", ward="垂水区")
    save_user(session, "chika", "chief", "S001")
    identity.act_as("chika")
    code, _, err = cli("case", "step", "C-2", "contact", "--on", "2027-06-09")
    assert code == 1 and "垂水区の依頼" in err and "Traceback" not in err


def test_a_write_blocked_too_long_is_reported_in_plain_words(session, db_path, monkeypatch):
    import sqlite3

    from inspect_tui.services.cases.steps import DatabaseBusy
    from inspect_tui.store import tx

    add_case(session, "C-0001")
    monkeypatch.setattr(tx, "WAIT_BUDGET_S", 0.3)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # someone else holds the write lock
    try:
        with pytest.raises(DatabaseBusy, match="少し待ってから"):
            record_step(session, "C-0001", "contact", D(2027, 6, 9))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert record_step(session, "C-0001", "contact", D(2027, 6, 9)) == "contacted"
    assert session.db.conn.execute("SELECT COUNT(*) FROM case_events").fetchone()[0] == 1
