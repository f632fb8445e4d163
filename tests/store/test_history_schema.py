"""The history covers every table: a table in the schema is either chained or exempt
with a reason, and a file from before the history starts its chain with a baseline."""

from __future__ import annotations

import json
import sqlite3

from inspect_tui.store.chain_functions import GENESIS, row_hash
from inspect_tui.store.db import _statements, open_database
from inspect_tui.store.history import CHAINED_TABLES, EXEMPT_TABLES, chained_shapes, installed, triggers_sql
from inspect_tui.store.schema import MIGRATIONS


def _tables(conn) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }


def test_every_table_is_chained_or_exempt(tmp_path):
    db = open_database(tmp_path / "c.db")
    tables = _tables(db.conn)
    assert tables - set(CHAINED_TABLES) - set(EXEMPT_TABLES) == set(), "add the table to CHAINED_TABLES"
    assert set(CHAINED_TABLES) & set(EXEMPT_TABLES) == set()
    assert set(CHAINED_TABLES) <= tables, "a chained table that no migration creates"
    db.close()


def test_the_triggers_record_every_column(tmp_path):
    """Made from the live schema: a column added by a later migration is in the JSON."""
    db = open_database(tmp_path / "c.db")
    for t in chained_shapes(db.conn):
        for sql in triggers_sql(t).values():
            if "json_object(" in sql:
                assert all(f"'{c}', " in sql for c in t.columns), t.name
    assert len(installed(db.conn)) == 4 * len(CHAINED_TABLES)
    db.close()


def _old_file(path):
    """A file as the release before the history left it: schema 7, rows, an audit chain."""
    conn = sqlite3.connect(path, isolation_level=None)
    for m in MIGRATIONS:
        if m.number <= 7:
            for statement in _statements(m.sql()):
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 7")
    conn.execute(
        "INSERT INTO surveyors (code, name, qualification, wards)"
        " VALUES ('S1', '調査 一郎', 'care_manager', '長田区')"
    )
    conn.execute(
        "INSERT INTO cases (case_no, application, ward, received_on, status, applicant_name, insured_no)"
        " VALUES ('C-1', '新規', '長田区', '2027-06-01', 'received', '旧版 花子', '9900000001')"
    )
    conn.execute("INSERT INTO users (login, role, created_at) VALUES ('tester', 'manager', 'x')")
    conn.execute("INSERT INTO settings (key, value) VALUES ('theme', 'dark')")
    prev = GENESIS
    for i in (1, 2):
        after = json.dumps({"v": i})
        h = row_hash(
            prev, i, "2027-06-01T09:00:00+09:00", "tester", "update", "setting", "theme", None, after
        )
        conn.execute(
            "INSERT INTO audit_log"
            " (id, at, who, action, entity, key, before_json, after_json, prev_hash, hash)"
            " VALUES (?, '2027-06-01T09:00:00+09:00', 'tester', 'update', 'setting', 'theme', NULL, ?, ?, ?)",
            (i, after, prev, h),
        )
        prev = h
    conn.execute("INSERT INTO audit_head (one, last_id, hash) VALUES (1, 2, ?)", (prev,))
    conn.close()
    return prev


def test_an_old_file_keeps_its_audit_rows_and_gets_a_baseline_of_every_row(tmp_path):
    from inspect_tui.store.audit_verify import verify_all

    path = tmp_path / "old.db"
    old_head = _old_file(path)
    db = open_database(path)
    conn = db.conn
    assert conn.execute("SELECT hash FROM audit_log WHERE id = 2").fetchone()[0] == old_head
    baseline = conn.execute(
        "SELECT entity, key, who FROM audit_log WHERE action = 'row.baseline' ORDER BY id"
    ).fetchall()
    assert [(r[0], r[1]) for r in baseline] == [
        ("surveyors", "S1"),
        ("cases", "1"),
        ("case_events", "1"),  # the case's receipt, written as its first event by migration 0008
        ("users", "tester"),
        ("settings", "theme"),
    ]
    assert {r[2] for r in baseline} == {"(移行)"}
    verdict = verify_all(db, witness=old_head)
    assert verdict.ok, verdict.problems
    assert "旧版 花子".encode() not in b"".join(
        r[0].encode() for r in conn.execute("SELECT after_json FROM audit_log WHERE after_json IS NOT NULL")
    )
    db.close()
    again = open_database(path)  # nothing to migrate: no second baseline
    assert (
        again.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'row.baseline'").fetchone()[0] == 5
    )
    again.close()
