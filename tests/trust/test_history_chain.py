"""Every row the app writes is in the hash chain (history triggers), and `audit verify`
catches each way of changing the file behind the app's back. Each attack is done as an
attacker with the sqlite3 shell would: a bare connection, the triggers dropped, plain SQL."""

from __future__ import annotations

import json
import sqlite3

import pytest

from builders import D, add_case, add_surveyor
from inspect_tui.services.cases.steps import record_step
from inspect_tui.services.trust.audit import head
from inspect_tui.store.audit_verify import DERIVATION_CHECKS
from inspect_tui.store.history import CHAINED_TABLES, TRIGGER_PREFIX

NAME = "改竄 花子"


def attack(db_path, *sql: str, cover_up: bool = True) -> None:
    """Plain SQL through a bare connection, after dropping every trigger that would stop it;
    then (cover_up) the triggers put back as they were, so only the change itself is left."""
    raw = sqlite3.connect(db_path)
    triggers = raw.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"  # every one, as an attacker would
    ).fetchall()
    assert any(name.startswith(TRIGGER_PREFIX) for name, _ in triggers)
    for name, _ in triggers:
        raw.execute(f'DROP TRIGGER "{name}"')
    for statement in sql:
        raw.execute(statement)
    if cover_up:
        for _, text in triggers:
            raw.execute(text)
    raw.commit()
    raw.close()


@pytest.fixture
def filled(session):
    """A case stepped by the app, a surveyor, a second user, a closed billing month."""
    from inspect_tui.services.trust.permissions import save_user

    add_surveyor(session)
    add_case(session, "C-0001", applicant_name=NAME, surveyor="S001")
    record_step(session, "C-0001", "contact", D(2027, 6, 9))
    save_user(session, "bob", "monitor")
    with session.db.conn:
        session.db.conn.execute(
            "INSERT INTO billing_months (month, closed_at, who) VALUES ('2027-05', 'x', 'tester')"
        )
        session.db.conn.execute(
            "INSERT INTO billed_cases (case_id, month, is_home) SELECT id, '2027-05', 1 FROM cases"
        )
    return session


def verify(cli, *extra):
    return cli("audit", "verify", *extra)


def test_every_app_write_leaves_a_chained_row_with_the_full_row(filled, cli):
    conn = filled.db.conn
    case_id = conn.execute("SELECT id FROM cases WHERE case_no = 'C-0001'").fetchone()[0]
    rows = conn.execute(
        "SELECT action, after_json FROM audit_log WHERE entity = 'cases' AND key = ? ORDER BY id",
        (str(case_id),),
    ).fetchall()
    assert [r[0] for r in rows] == ["row.insert", "row.update"]
    after = json.loads(rows[-1][1])
    assert after["contacted_on"] == "2027-06-09" and after["case_no"] == "C-0001"
    assert after["applicant_name"].startswith("h:") and NAME not in rows[-1][1]
    who = conn.execute("SELECT who FROM audit_log WHERE entity = 'cases' ORDER BY id DESC").fetchone()[0]
    assert who == "tester"  # the login the permission was checked for
    assert {r[0] for r in conn.execute("SELECT DISTINCT entity FROM audit_log")} >= {
        "cases",
        "case_events",
        "surveyors",
        "users",
        "billing_months",
        "billed_cases",
        "case",
    }
    code, out, err = verify(cli)
    assert code == 0 and "問題はありません" in out, err


def test_a_case_changed_behind_the_apps_back_is_named_without_its_values(filled, cli, db_path):
    attack(
        db_path,
        "UPDATE cases SET applicant_name = 'すり替え 太郎', ward = '須磨区' WHERE case_no = 'C-0001'",
    )
    code, out, err = verify(cli)
    case_id = filled.db.conn.execute("SELECT id FROM cases").fetchone()[0]
    assert code == 1
    assert f"cases {case_id}: 記録と違います（applicant_name、ward）" in err
    assert "すり替え" not in err + out and NAME not in err + out


def test_a_users_role_raised_behind_the_apps_back_is_found(filled, cli, db_path):
    attack(db_path, "UPDATE users SET role = 'manager' WHERE login = 'bob'")
    code, _, err = verify(cli)
    assert code == 1 and "users bob: 記録と違います（role）" in err


def test_a_review_row_deleted_and_one_added_are_found(filled, cli, db_path):
    attack(
        db_path,
        "INSERT INTO review_closures (surveyor, verdict, updated_at, who)"
        " VALUES ('S001', 'improving', 'x', 'x')",
        "DELETE FROM case_events",
    )
    code, _, err = verify(cli)
    assert code == 1
    assert "review_closures S001: 記録にない行です" in err
    assert "case_events 1: 記録にある行が消えています" in err


def test_a_billing_row_moved_to_another_month_is_found(filled, cli, db_path):
    attack(db_path, "UPDATE billed_cases SET is_home = 0")
    code, _, err = verify(cli)
    assert code == 1 and "billed_cases 1: 記録と違います（is_home）" in err


def test_a_wiped_log_does_not_verify(filled, cli, db_path):
    attack(db_path, "DELETE FROM audit_log", f"UPDATE audit_head SET last_id = 0, hash = '{'0' * 64}'")
    code, _, err = verify(cli)
    assert code == 1
    assert "cases 1: 記録にない行です" in err and "users bob: 記録にない行です" in err


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM audit_log WHERE id = 3",
        "UPDATE audit_log SET who = 'someone' WHERE id = 3",
        "UPDATE audit_log SET after_json = replace(after_json, '2027-06-09', '2027-06-08')"
        " WHERE entity = 'cases' AND action = 'row.update'",
    ],
    ids=["deleted", "edited", "edited-content"],
)
def test_a_log_row_deleted_or_edited_anywhere_breaks_the_chain(filled, cli, db_path, sql):
    attack(db_path, sql)
    code, _, err = verify(cli)
    assert code == 1 and "改ざんの跡" in err


def test_a_log_row_slipped_into_the_middle_breaks_the_chain(filled, cli, db_path):
    """Room made by renumbering the later rows, and a row with a correct hash of its own."""
    from inspect_tui.store.chain_functions import row_hash

    conn = filled.db.conn
    prev = conn.execute("SELECT hash FROM audit_log WHERE id = 4").fetchone()[0]
    forged = row_hash(prev, 5, "2027-06-01T00:00:00+09:00", "tester", "update", "setting", "k", None, "{}")
    attack(
        db_path,
        "UPDATE audit_log SET id = -id WHERE id >= 5",
        "UPDATE audit_log SET id = 1 - id WHERE id < 0",
        "UPDATE audit_head SET last_id = last_id + 1",
        "INSERT INTO audit_log (id, at, who, action, entity, key, before_json, after_json, prev_hash, hash)"
        " VALUES (5, '2027-06-01T00:00:00+09:00', 'tester', 'update', 'setting', 'k', NULL, '{}',"
        f" '{prev}x', '{forged}')",
    )
    code, _, err = verify(cli)
    assert code == 1 and "id 6: " in err


@pytest.mark.parametrize("newest", [1, 2, 3, 4])
def test_deleting_the_newest_rows_and_moving_the_head_back_is_found(filled, cli, db_path, newest):
    """The issue's attack: the newest rows of an app write gone, the head set to the row before
    them. Whatever the write's last rows are (the row, the app's audit row, the seal), the
    table they recorded no longer matches the log."""
    from inspect_tui.services.trust.permissions import save_user

    save_user(filled, "bob", "chief", "S001")
    attack(
        db_path,
        f"DELETE FROM audit_log WHERE id > (SELECT max(id) FROM audit_log) - {newest}",
        "UPDATE audit_head SET last_id = (SELECT max(id) FROM audit_log),"
        " hash = (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)",
    )
    code, _, err = verify(cli)
    assert code == 1
    assert "audit_seal 1: 記録と違います（last_id）" in err or "users bob: 記録と違います（role" in err


def test_a_chain_rebuilt_from_scratch_verifies_only_without_the_witness(filled, cli, db_path, tmp_path):
    """The whole log rebuilt consistently (the attacker ran the app's own baseline): nothing in
    the file can tell; the witness kept outside it can."""
    from inspect_tui.store.chain_functions import acting_as
    from inspect_tui.store.history import install

    witness = head(filled).hash
    (tmp_path / "kept.head").write_text(f"{witness}\n", encoding="utf-8")
    attack(
        db_path,
        "UPDATE users SET role = 'manager' WHERE login = 'bob'",
        "DELETE FROM audit_log",
        f"UPDATE audit_head SET last_id = 0, hash = '{'0' * 64}'",
        cover_up=False,
    )
    conn = filled.db.conn
    with acting_as("tester"), conn:
        install(conn)
    code, _, err = verify(cli)
    assert code == 0, err  # consistent in itself
    code, _, err = verify(cli, "--witness", witness)
    assert code == 1 and f"証拠のハッシュ {witness[:16]}… が記録のつながりにありません" in err
    code, _, err = verify(cli, "--witness", str(tmp_path / "kept.head"))
    assert code == 1 and "証拠のハッシュ" in err


def test_a_witness_from_before_later_writes_still_verifies(filled, cli):
    witness = head(filled).hash
    record_step(filled, "C-0001", "visit", D(2027, 6, 10))
    code, out, err = verify(cli, "--witness", witness)
    assert code == 0 and "証拠のハッシュは" in out, err


def test_dropped_triggers_are_named(filled, cli, db_path):
    attack(db_path, cover_up=False)
    code, _, err = verify(cli)
    assert code == 1 and "cases: 変更を記録するトリガーが外されています" in err


def test_a_surveyor_changed_with_the_triggers_put_back_is_still_found(filled, cli, db_path):
    attack(db_path, "UPDATE surveyors SET wards = '須磨区'")
    code, _, err = verify(cli)
    assert code == 1 and "surveyors S001: 記録と違います（wards）" in err


def test_without_the_apps_functions_a_chained_table_cannot_be_written(filled, db_path):
    raw = sqlite3.Connection(db_path)  # the sqlite3 shell: no chain functions (not the tests' connect)
    with pytest.raises(sqlite3.OperationalError, match="no such function"):
        raw.execute("UPDATE cases SET ward = '須磨区'")
    raw.close()


def test_a_registered_derivation_check_fails_verify(filled, cli):
    """The hook where re-derivations (a case's state from its events) are registered."""

    def accepted_cases_are_accepted(db):
        rows = db.conn.execute(
            "SELECT case_no FROM cases WHERE accepted_on IS NOT NULL AND status <> 'accepted'"
        ).fetchall()
        return [f"cases {r[0]}: 受理日があるのに状態が受理ではありません" for r in rows]

    DERIVATION_CHECKS.append(accepted_cases_are_accepted)
    try:
        assert verify(cli)[0] == 0
        with filled.db.conn:
            filled.db.conn.execute("UPDATE cases SET accepted_on = '2027-06-12'")
        code, _, err = verify(cli)
        assert code == 1 and "cases C-0001: 受理日があるのに状態が受理ではありません" in err
    finally:
        DERIVATION_CHECKS.remove(accepted_cases_are_accepted)


def test_a_case_row_that_its_events_do_not_explain_fails_verify(filled, cli):
    """Written through a connection with the chain's functions (so the log agrees with the
    table), a case marked submitted with no submission event is still found: audit verify
    folds every case's events again (store.events.drift) and compares."""
    assert verify(cli)[0] == 0
    with filled.db.conn:
        filled.db.conn.execute(
            "UPDATE cases SET status = 'submitted', submitted_on = '2027-06-12' WHERE case_no = 'C-0001'"
        )
    code, _, err = verify(cli)
    assert code == 1
    assert "cases C-0001: status が経過（case_events）から導いた値と違います" in err
    assert "cases C-0001: submitted_on が経過" in err


def test_audit_head_prints_the_chains_newest_hash(filled, cli):
    last = filled.db.conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    code, out, _ = cli("audit", "head")
    assert code == 0 and out.splitlines()[0] == last[1] and f"{last[0]} 件目" in out
    code, out, _ = cli("audit", "head", "--format", "json")
    assert json.loads(out) == {"audit_head": {"hash": last[1], "count": last[0]}}


@pytest.mark.parametrize("bad", ["abc", "zz" * 32, "/no/such/file.head"])
def test_a_bad_witness_is_refused_plainly(filled, cli, bad):
    code, _, err = verify(cli, "--witness", bad)
    assert code == 2 and "--witness:" in err and "Traceback" not in err


def test_the_chain_covers_every_listed_table(session):
    conn = session.db.conn
    for table in CHAINED_TABLES:
        names = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE tbl_name = ? AND type = 'trigger'", (table,)
            )
        }
        assert {f"{TRIGGER_PREFIX}{table}_{op}" for op in ("insert", "update", "rekey", "delete")} <= names, (
            table
        )


def test_a_purge_verifies_and_leaves_no_personal_value_in_the_file(session, cli, db_path):
    """Retention is a legitimate write: the chain still verifies, the log held the name only
    as a salted hash, and the salt went with the name (no guess can be tested against it)."""
    from inspect_tui.store.bytescan import find_values

    add_case(
        session,
        "C-OLD",
        received_on=D(2027, 2, 25),
        dispatched_on=D(2027, 2, 25),
        contacted_on=D(2027, 2, 26),
        visited_on=D(2027, 3, 1),
        submitted_on=D(2027, 3, 5),
        applicant_name="消去 五郎",
        insured_no="9900000077",
    )
    record_step(session, "C-OLD", "accept", D(2027, 3, 15))  # one more history row with the hashes
    conn = session.db.conn
    case_id = conn.execute("SELECT id FROM cases WHERE case_no = 'C-OLD'").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM audit_salt WHERE key = ?", (str(case_id),)).fetchone()[0] == 1
    code, out, err = cli("purge")
    assert code == 0 and "消去しました: 1 件" in out, err
    code, out, err = cli("audit", "verify")
    assert code == 0, err
    assert conn.execute("SELECT count(*) FROM audit_salt WHERE key = ?", (str(case_id),)).fetchone()[0] == 0
    session.close()
    found = find_values(
        [db_path, db_path.with_name(db_path.name + "-wal")], ["消去 五郎".encode(), b"9900000077"]
    )
    assert not found


def test_every_backup_keeps_the_head_beside_itself_and_it_is_a_witness(filled, cli, db_path):
    from inspect_tui.services.trust.backup import backup_now
    from inspect_tui.store.backup import head_path, list_backups, make_backup

    code, out, err = cli("backup")
    assert code == 0, err
    [b] = list_backups(db_path)
    kept = head_path(b)
    assert kept.name == b.name + ".head" and oct(kept.stat().st_mode & 0o777) == "0o600"
    assert kept.read_text(encoding="utf-8").splitlines()[0] == head(filled).hash
    assert head(filled).hash in out
    record_step(filled, "C-0001", "visit", D(2027, 6, 10))
    code, out, err = verify(cli, "--witness", str(kept))
    assert code == 0, err
    for _ in range(3):  # rotated out with its backup
        backup_now(filled, keep=1)
    assert not kept.exists() and len(list(b.parent.glob("*.head"))) == 1
    assert make_backup(filled.db, keep=1).head == head(filled).hash


def test_every_report_carries_the_head_in_its_footer_and_json(filled, cli):
    witness = head(filled).hash
    code, out, err = cli("report", "monthly", "--month", "2027-06", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["audit_head"] == {"hash": witness, "count": head(filled).count}
    for fmt in ("text", "md", "csv", "html"):
        code, out, err = cli("report", "monthly", "--month", "2027-06", "--format", fmt)
        assert code == 0 and f"監査記録の先頭ハッシュ（{head(filled).count} 件目）: {witness}" in out, fmt


def test_a_review_assignment_edited_behind_the_apps_back_is_found(cli, db_path):
    """Help across wards (migration 0015) is in the chain like every other table: a chief
    moved onto another ward's form with the sqlite3 shell fails `audit verify`."""
    from builders import build_review_db, session_as
    from inspect_tui.services.review.assignments import assign
    from inspect_tui.services.trust import identity

    build_review_db(db_path)
    boss = session_as(db_path, "boss")
    aid = assign(boss, "S002", case_no="R9-00100", reason="応援")
    boss.close()
    identity.act_as("boss")  # audit verify is a manager's
    try:
        code, _, err = verify(cli)
        assert code == 0, err
        attack(db_path, f"UPDATE review_assignments SET chief = 'S001' WHERE id = {aid}")
        code, _, err = verify(cli)
    finally:
        identity.act_as(None)
    assert code == 1 and f"review_assignments {aid}: 記録と違います（chief）" in err
