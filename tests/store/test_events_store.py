"""store.events and migration 0008: append-only events, the derived cases row, drift."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from inspect_tui.store.db import open_database
from inspect_tui.store.events import DERIVED_COLUMNS, drift

RELEASE = Path(__file__).parent.parent / "fixtures" / "db" / "release_schema7.db"
DATES = (
    "received_on",
    "contacted_on",
    "visited_on",
    "submitted_on",
    "accepted_on",
    "cancelled_on",
    "returned_on",
)


def _rows(path: Path, cols: tuple[str, ...]) -> dict[str, tuple]:
    conn = sqlite3.connect(path)
    try:
        return {r[0]: tuple(r[1:]) for r in conn.execute(f"SELECT case_no, {', '.join(cols)} FROM cases")}
    finally:
        conn.close()


@pytest.fixture
def upgraded(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "cases.db"
    path.parent.mkdir(mode=0o700)
    shutil.copyfile(RELEASE, path)
    return path


def test_the_release_database_upgrades_keeping_every_date_and_status(upgraded: Path):
    before = _rows(upgraded, (*DATES, "status"))
    assert sqlite3.connect(upgraded).execute("PRAGMA user_version").fetchone()[0] == 7
    assert set(s for *_, s in before.values()) == {
        "received",
        "contacted",
        "visited",
        "submitted",
        "accepted",
        "cancelled",
        "returned",
    }
    db = open_database(upgraded)
    try:
        assert drift(db) == []  # every case derives from its events what the release held
        after = _rows(upgraded, (*DATES, "status"))
        assert after == before
        # each date is now a step event of its own
        n_dates = sum(1 for row in before.values() for v in row[:-1] if v)
        got = db.conn.execute("SELECT COUNT(*) FROM case_events WHERE source = 'migration'").fetchone()[0]
        assert got == n_dates
        # the release's own side log is kept, read as notes
        legacy = db.conn.execute("SELECT COUNT(*) FROM case_events WHERE source = 'legacy'").fetchone()[0]
        assert legacy == 8
    finally:
        db.close()


def test_events_cannot_be_edited_or_deleted(upgraded: Path):
    db = open_database(upgraded)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute("UPDATE case_events SET on_date = '2027-01-01' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute("DELETE FROM case_events WHERE id = 1")
    finally:
        db.close()


def test_drift_names_a_case_changed_behind_the_apps_back(upgraded: Path):
    db = open_database(upgraded)
    try:
        db.conn.execute(
            "UPDATE cases SET accepted_on = '2027-05-01', status = 'accepted' WHERE case_no = 'R-submitted'"
        )
        found = {(d.case_no, d.column, d.stored, d.derived) for d in drift(db)}
        assert found == {
            ("R-submitted", "accepted_on", "2027-05-01", None),
            ("R-submitted", "status", "accepted", "submitted"),
        }
        assert set(DERIVED_COLUMNS) >= {c for _, c, _, _ in found}
    finally:
        db.close()
