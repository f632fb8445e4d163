"""The audit trail: every change leaves a row, personal fields redacted, rows
append-only, and tampering behind the app's back is found by `audit verify`."""

from __future__ import annotations

import json
import sqlite3

import pytest

from builders import D, add_case
from inspect_tui.services.cases.steps import ConflictError, add_deadline_exception, record_step
from inspect_tui.services.trust.audit import AuditFilter, audit_rows, record_audit
from inspect_tui.store.audit import query_audit, verify_chain


def test_a_case_step_writes_an_audit_row_with_before_and_after(session):
    add_case(session, "C-0001")
    record_step(session, "C-0001", "contact", D(2027, 6, 9))
    [row] = query_audit(session.db, entity="case", key="C-0001")
    assert (row.who, row.action, row.entity) == ("tester", "contact", "case")
    event_id = session.db.conn.execute("SELECT MAX(id) FROM case_events").fetchone()[0]
    assert row.before == {"contacted_on": None, "status": "received", "phase": "received", "version": 1}
    assert row.after == {
        "contacted_on": "2027-06-09",
        "status": "contacted",
        "phase": "contacted",
        "version": 2,
        "event": event_id,
        "on": "2027-06-09",
    }


def test_deadline_exceptions_are_audited(session):
    add_case(session, "C-0001")
    add_deadline_exception(session, "C-0001", "standard", "extend", "市と合意", "city", D(2027, 6, 30))
    add_deadline_exception(session, "C-0001", "target20", "exclude", "市の事由", "city")
    actions = [r.action for r in query_audit(session.db, key="C-0001", newest_first=False)]
    assert actions == ["deadline_extend", "deadline_exclude"]


def test_record_audit_redacts_personal_fields_at_any_depth(session):
    record_audit(
        session.db,
        "tester",
        "import",
        "case",
        "C-9",
        {"applicant_name": "山田 太郎", "ward": "長田区"},
        {"applicant_name": "山田 花子", "rows": [{"insured_no": "1234567890", "birth_date": D(1940, 1, 1)}]},
    )
    raw = session.db.conn.execute(
        "SELECT before_json || after_json FROM audit_log WHERE entity = 'case'"
    ).fetchone()[0]
    for secret in ("山田", "1234567890", "1940"):
        assert secret not in raw
    [row] = query_audit(session.db, entity="case")
    assert row.before == {"applicant_name": "［非表示］", "ward": "長田区"}
    assert row.after["rows"] == [{"insured_no": "［非表示］", "birth_date": "［非表示］"}]


def test_audit_rows_cannot_be_changed_or_deleted_through_sqlite(session, db_path):
    add_case(session, "C-0001")
    record_step(session, "C-0001", "contact", D(2027, 6, 9))
    raw = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE audit_log SET who = 'someone'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM audit_log")
    raw.close()
    assert verify_chain(session.db).ok


def _tamper(db_path, *sql):
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("DROP TRIGGER audit_log_no_delete")
    for stmt in sql:
        raw.execute(stmt)
    raw.commit()
    raw.close()


def _five_rows(session):
    for i in range(5):
        record_audit(session.db, "tester", "update", "setting", f"k{i}", {"v": i}, {"v": i + 1})


def test_verify_reports_an_altered_row(session, db_path, cli):
    _five_rows(session)
    _tamper(db_path, "UPDATE audit_log SET after_json = '{\"v\":99}' WHERE id = 3")
    report = verify_chain(session.db)
    assert [p.row_id for p in report.problems] == [3]
    code, _, err = cli("audit", "verify")
    assert code == 1 and "id 3" in err and "Traceback" not in err


def test_verify_reports_a_deleted_row(session, db_path, cli):
    _five_rows(session)
    _tamper(db_path, "DELETE FROM audit_log WHERE id = 2")
    assert [p.row_id for p in verify_chain(session.db).problems] == [3]
    code, _, err = cli("audit", "verify")
    assert code == 1 and "id 3" in err and "id 2" in err


def test_verify_reports_the_newest_rows_deleted(session, db_path, cli):
    _five_rows(session)  # after the owner's registration (and the history rows of each)
    newest = session.db.conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    _tamper(db_path, f"DELETE FROM audit_log WHERE id >= {newest - 3}")
    report = verify_chain(session.db)
    assert not report.ok and report.problems[0].row_id == newest
    # the app keeps writing after the tampering, and the gap stays visible
    record_audit(session.db, "tester", "update", "setting", "k9", None, {"v": 1})
    assert not verify_chain(session.db).ok
    assert cli("audit", "verify")[0] == 1


def test_verify_passes_on_an_untouched_chain(session, cli):
    _five_rows(session)
    rows = session.db.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    code, out, _ = cli("audit", "verify")
    assert code == 0 and f"{rows} 件" in out  # the owner's registration and the five, with their history


def test_audit_list_filters_and_is_for_managers_only(session, cli, as_user):
    add_case(session, "C-0001")
    record_step(session, "C-0001", "contact", D(2027, 6, 9))
    record_audit(session.db, "bob", "update", "setting", "theme", {"v": "a"}, {"v": "b"})
    code, out, _ = cli("audit", "list", "--who", "tester", "--entity", "case")
    assert code == 0 and "C-0001" in out and "theme" not in out
    code, out, _ = cli("audit", "list", "--since", "2000-01-01")
    assert "theme" in out and "C-0001" in out
    as_user("mona", "monitor")
    from inspect_tui.services.trust.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        audit_rows(session, AuditFilter())


def test_audit_rows_pages_newest_first(session):
    _five_rows(session)
    page1 = audit_rows(session, {"entity": "setting"}, limit=2, offset=0)
    page2 = audit_rows(session, AuditFilter(entity="setting"), limit=2, offset=2)
    assert [r.key for r in page1 + page2] == ["k4", "k3", "k2", "k1"]


def test_a_stale_save_says_what_changed_with_personal_values_hidden(session):
    add_case(session, "C-0001")
    seen = 1
    record_step(session, "C-0001", "contact", D(2027, 6, 9))
    record_audit(
        session.db,
        "alice",
        "update",
        "case",
        "C-0001",
        {"applicant_name": "試験 花子", "version": 2},
        {"applicant_name": "試験 華子", "version": 3},
    )
    with pytest.raises(ConflictError) as info:
        record_step(session, "C-0001", "visit", D(2027, 6, 14), expected_version=seen)
    msg = str(info.value)
    assert "日程調整日: （空） から 2027-06-09" in msg
    assert "申請者氏名: ［非表示］ から ［非表示・変更あり］" in msg and "alice" in msg
    assert "花子" not in msg and "華子" not in msg


def test_audit_json_is_canonical(session):
    record_audit(session.db, "t", "a", "e", "k", {"b": 1, "a": 2}, None)
    raw = session.db.conn.execute("SELECT before_json FROM audit_log WHERE entity = 'e'").fetchone()[0]
    assert raw == json.dumps({"a": 2, "b": 1}, separators=(",", ":"))
