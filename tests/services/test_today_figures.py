"""The Today figures read ahead (services/today_figures.py): the app's own figures, or None,
and never a write to the file."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from conftest import TODAY
from inspect_tui.services import today_figures as ahead
from inspect_tui.services.config import Config
from inspect_tui.services.session import open_session
from inspect_tui.services.today_figures import today_figures
from inspect_tui.store.integrity import sidecar_path


def checked(path: Path) -> Path:
    """Open it as the app does (quick_check of an existing file, remembered), then close."""
    open_session(path, Config()).close()
    assert sidecar_path(path).exists()
    return path


def digest(path: Path) -> str:
    """The file and its write-ahead log, as bytes on disk."""
    h = hashlib.sha256(path.read_bytes())
    wal = Path(f"{path}-wal")
    h.update(wal.read_bytes() if wal.exists() else b"")
    return h.hexdigest()


def test_the_figures_read_ahead_are_the_ones_the_app_reads(demo_db):
    from inspect_tui.store.integrity import file_key

    checked(demo_db)
    got = ahead.read_ahead(demo_db, Config())
    with open_session(demo_db, Config()) as s:
        want = today_figures(s, TODAY)
    assert got is not None and got.figures.today == TODAY
    assert got.figures == want
    assert got.figures.open_cases > 0 and got.figures.deliverables is not None  # a real dashboard
    assert got.stamps == file_key(demo_db)  # the file as the app's session then finds it


def test_figures_read_while_another_process_wrote_are_not_given(demo_db, monkeypatch):
    """Not one state of the file: the app reads them itself."""
    checked(demo_db)
    real = ahead.today_figures

    def meanwhile(s, today):
        figures = real(s, today)
        with sqlite3.connect(demo_db) as other:  # another chief records a step
            other.execute("UPDATE cases SET urgent = 1 WHERE id = (SELECT min(id) FROM cases)")
        other.close()
        return figures

    monkeypatch.setattr(ahead, "today_figures", meanwhile)
    assert ahead.read_ahead(demo_db, Config()) is None


def test_nothing_is_read_ahead_from_a_file_not_found_sound(demo_db):
    """No remembered quick_check: the app's own open checks it first, then reads."""
    assert not sidecar_path(demo_db).exists()
    assert ahead.read_ahead(demo_db, Config()) is None
    assert not sidecar_path(demo_db).exists()  # and it did not run the check itself


def test_nothing_is_read_ahead_once_the_file_changed_after_its_check(demo_db):
    checked(demo_db)
    with sqlite3.connect(demo_db) as conn:  # another process writes after the check
        conn.execute("UPDATE cases SET urgent = 1 WHERE id = (SELECT min(id) FROM cases)")
    conn.close()
    assert ahead.read_ahead(demo_db, Config()) is None


def test_no_file_no_figures_and_no_file_made(tmp_path):
    missing = tmp_path / "none" / "cases.db"
    assert ahead.read_ahead(missing, Config()) is None
    assert not missing.exists() and not missing.parent.exists()


def test_the_read_ahead_never_writes_the_file(demo_db, monkeypatch):
    """Whatever the figures' code does, the connection is read-only (mode=ro): a write is
    refused, the answer is None (the app reads them itself), and the bytes on disk stay."""
    checked(demo_db)
    before = digest(demo_db)

    def writes(s, today):
        s.db.conn.execute("UPDATE cases SET urgent = 1")
        return today_figures(s, today)

    monkeypatch.setattr(ahead, "today_figures", writes)
    assert ahead.read_ahead(demo_db, Config()) is None
    assert digest(demo_db) == before


def test_an_old_schema_is_not_read_ahead(demo_db):
    """A file the app would migrate first: the read-only connection migrates nothing."""
    import time

    from inspect_tui.store.integrity import _remember_ok, file_key

    with sqlite3.connect(demo_db) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA user_version = {version - 1}")
    conn.close()
    _remember_ok(demo_db, file_key(demo_db), time.time(), 0)  # found sound as it is now
    before = digest(demo_db)
    assert ahead.read_ahead(demo_db, Config()) is None
    assert digest(demo_db) == before


@pytest.mark.parametrize("kind", ["sla_file", "kpi_file"])
def test_a_broken_indicator_file_reads_ahead_with_the_shipped_one(demo_db, tmp_path, kind):
    """As the app's session: a broken [sla]/[kpi] file means the shipped indicators."""
    checked(demo_db)
    broken = tmp_path / "broken.toml"
    broken.write_text("this is = = not toml", encoding="utf-8")
    got = ahead.read_ahead(demo_db, Config(**{kind: broken}))
    assert got is not None
    assert got.figures == ahead.read_ahead(demo_db, Config()).figures


def test_the_pickle_holds_no_service_class(demo_db):
    """What crosses the pipe unpickles with the records' own light modules (services.today
    .figures, core.metrics, core.staff): none of the services that read them."""
    import pickle
    import pickletools

    checked(demo_db)
    data = pickle.dumps(ahead.read_ahead(demo_db, Config()), protocol=pickle.HIGHEST_PROTOCOL)
    modules = {
        arg
        for op, arg, _pos in pickletools.genops(data)
        if op.name in ("SHORT_BINUNICODE", "BINUNICODE") and str(arg).startswith("inspect_tui.")
    }
    light = {"inspect_tui.services.today.figures", "inspect_tui.core.metrics", "inspect_tui.core.staff"}
    assert modules == light
