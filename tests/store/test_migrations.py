"""Python migrations (``NNNN_what.py`` with ``migrate(db)``) run in number order with the
SQL ones, once, recorded in user_version; ``table.transform()`` keeps every row."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from inspect_tui.store import db as store_db
from inspect_tui.store.db import DatabaseError, open_database
from inspect_tui.store.schema import MIGRATIONS, SCHEMA_VERSION, load_migrations

TRANSFORM = """
def migrate(db):
    db.execute("UPDATE cases SET updated_at = '' WHERE updated_at IS NULL")
    db["cases"].transform(not_null={"updated_at"}, defaults={"updated_at": ""})
    db["migration_runs"].insert({"number": 99})
"""


def _filled(path: Path, cases: int = 30) -> None:
    db = open_database(path)
    conn = db.conn
    conn.execute("INSERT INTO surveyors (code, name, qualification) VALUES ('S01', 'x', 'other')")
    for i in range(cases):
        conn.execute(
            "INSERT INTO cases (case_no, application, ward, received_on, status, surveyor, updated_at)"
            " VALUES (?, '新規', '北区', '2027-04-01', 'received', 'S01', ?)",
            (f"R9-{i:05d}", None if i % 2 else "2027-04-01T09:00:00+09:00"),
        )
        conn.execute(
            "INSERT INTO case_events (case_id, kind, recorded_at, who) VALUES (?, 'x', 'now', 'a')", (i + 1,)
        )
    db.close()


def _snapshot(path: Path) -> tuple[list[tuple], list[tuple], list[str]]:
    conn = sqlite3.connect(path)
    cases = conn.execute(
        "SELECT id, case_no, surveyor, COALESCE(updated_at, '') FROM cases ORDER BY id"
    ).fetchall()
    events = conn.execute("SELECT id, case_id, kind FROM case_events ORDER BY id").fetchall()
    indexes = sorted(
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL"
        )
    )
    conn.close()
    return cases, events, indexes


@pytest.fixture
def with_python_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "migrations"
    shutil.copytree(Path(MIGRATIONS[0].path).parent, folder, ignore=shutil.ignore_patterns("__pycache__"))

    def install(source: str) -> list:
        (folder / "0099_cases_updated_at_required.py").write_text(source, encoding="utf-8")
        migrations = load_migrations(folder)
        monkeypatch.setattr(store_db, "MIGRATIONS", migrations)
        monkeypatch.setattr(store_db, "SCHEMA_VERSION", migrations[-1].number)
        return migrations

    return install


def test_python_and_sql_migrations_load_in_one_number_order(tmp_path, with_python_migration):
    migrations = with_python_migration(TRANSFORM)
    numbers = [m.number for m in migrations]
    assert numbers == sorted(numbers) and numbers[-1] == 99
    assert migrations[-1].is_python and migrations[-1].path.name == "0099_cases_updated_at_required.py"
    kinds = {m.path.name: m.is_python for m in migrations}
    assert kinds["0020_meeting_followups.sql"] is False and kinds["0021_case_number_search.py"] is True


def test_a_transform_migration_on_a_copy_runs_once_is_recorded_and_keeps_every_row(
    db_path, tmp_path, with_python_migration
):
    _filled(db_path)
    copy = tmp_path / "copy.db"
    shutil.copy(db_path, copy)
    before = _snapshot(copy)
    with_python_migration(TRANSFORM)

    db = open_database(copy)
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == 99
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # switched back on
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
        db.conn.execute("UPDATE cases SET updated_at = NULL WHERE id = 1")
    db.close()
    assert _snapshot(copy) == before  # every case, every event (no ON DELETE CASCADE fired), every index

    open_database(copy).close()  # opened again: already at 99, not run again
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT count(*) FROM migration_runs").fetchone()[0] == 1
    conn.close()
    conn = sqlite3.connect(db_path)  # the original was never touched
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_failing_python_migration_leaves_the_file_as_it_was(db_path, with_python_migration):
    _filled(db_path)
    before = _snapshot(db_path)
    with_python_migration(
        TRANSFORM.replace('db["migration_runs"]', 'db.execute("SELECT nope FROM cases"); db["x"]')
    )

    with pytest.raises(DatabaseError, match="スキーマ 99 への更新に失敗しました"):
        open_database(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "migration_runs" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert _snapshot(db_path) == before


def test_a_python_migration_that_breaks_a_reference_is_refused(db_path, with_python_migration):
    _filled(db_path)
    with_python_migration('def migrate(db):\n    db.execute("DELETE FROM surveyors")\n')

    with pytest.raises(DatabaseError, match="参照の切れた行"):
        open_database(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM surveyors").fetchone()[0] == 1
    conn.close()
