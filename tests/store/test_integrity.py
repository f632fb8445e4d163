"""A damaged database file is refused before anything is reported from it or written to it.

The attack (issue 11): a few bytes flipped in a data page; ``report monthly`` used to exit
0 with nonsense figures. Now every command that opens the database runs
``PRAGMA quick_check`` first (remembered while the file is unchanged), and so does the
app in its open worker before any figure is shown.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from inspect_tui.store.integrity import sidecar_path, verify_on_open


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _quick_check(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()


def flip_bytes_in_a_data_page(path: Path) -> int:
    """XOR four cell pointers of a leaf page of the cases table (page 1, the header and
    the schema, stays intact, so the file still opens and answers queries). Returns the page."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    leaves = [
        r[0]
        for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'cases' AND pagetype = 'leaf' ORDER BY pageno"
        )
    ]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    page = leaves[len(leaves) // 2]
    assert page > 1
    data = bytearray(path.read_bytes())
    start = (page - 1) * page_size + 8  # a leaf page's header is 8 bytes; the cell pointers follow
    for i in range(start, start + 8):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return page


def _no_wal_content(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return not wal.exists() or wal.stat().st_size == 0


@pytest.fixture
def damaged(demo_db: Path, cli) -> Path:
    """The demo database, checked once (so an ok result is remembered), then damaged."""
    code, out, err = cli("report", "monthly", "--month", "2027-05", "--format", "json", db=demo_db)
    assert code == 0, err
    assert json.loads(out)  # sound: the report works
    flip_bytes_in_a_data_page(demo_db)
    assert _quick_check(demo_db) != ["ok"]  # the damage is real
    return demo_db


def test_report_monthly_on_a_damaged_file_refuses_and_names_the_file(damaged, cli):
    before = _digest(damaged)
    code, out, err = cli("report", "monthly", "--month", "2027-05", "--format", "json", db=damaged)
    assert code == 1 and out == ""
    assert f"{damaged} は壊れています" in err and "quick_check" in err
    assert "inspect-tui restore" in err and "Traceback" not in err
    assert _digest(damaged) == before and _no_wal_content(damaged)


@pytest.mark.parametrize(
    "command",
    [
        ["case", "step", "2027-002091", "visit", "--on", "2027-06-15"],
        ["report", "note", "2027-05", "problems", "書き込もうとする"],
        ["purge"],
        ["backup"],
    ],
)
def test_a_write_on_a_damaged_file_refuses_and_writes_nothing(damaged, cli, command):
    before = _digest(damaged)
    backups_before = sorted((damaged.parent / "backups").glob("*")) if command == ["backup"] else None
    code, _, err = cli(*command, db=damaged)
    assert code == 1, err
    assert "壊れています" in err and "Traceback" not in err
    assert _digest(damaged) == before and _no_wal_content(damaged)
    if backups_before is not None:
        assert sorted((damaged.parent / "backups").glob("*")) == backups_before


def test_the_message_names_the_newest_backup_that_passes_its_check(demo_db, cli):
    from inspect_tui.services.session import open_session
    from inspect_tui.store.backup import make_backup

    with open_session(demo_db) as s:
        import datetime as dt

        older = make_backup(s.db, when=dt.datetime(2027, 6, 13, 9, 0)).path
        newer = make_backup(s.db, when=dt.datetime(2027, 6, 14, 9, 0)).path
    newer.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)  # a broken backup is skipped
    flip_bytes_in_a_data_page(demo_db)
    code, _, err = cli("whoami", db=demo_db)
    assert code == 1
    assert f"inspect-tui restore {older} --db {demo_db}" in err
    assert str(newer) not in err


def test_the_check_is_remembered_until_the_file_changes(session, db_path):
    from builders import add_case

    add_case(session, "C-1")
    assert verify_on_open(session.db.conn, db_path) is True  # ran
    assert verify_on_open(session.db.conn, db_path) is False  # remembered: the file is unchanged
    add_case(session, "C-2")  # any write changes the stamps
    assert verify_on_open(session.db.conn, db_path) is True


def test_damage_that_puts_the_modification_time_back_is_still_found(demo_db, cli):
    """An ok check was remembered; then the file was damaged and its mtime set back
    (touch -r): the change time, which nobody can set back, gives it away."""
    code, _, err = cli("report", "monthly", "--month", "2027-05", db=demo_db)
    assert code == 0, err
    assert sidecar_path(demo_db).exists()
    st = demo_db.stat()
    flip_bytes_in_a_data_page(demo_db)
    os.utime(demo_db, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (demo_db.stat().st_size, demo_db.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    code, _, err = cli("report", "monthly", "--month", "2027-05", db=demo_db)
    assert code == 1 and "壊れています" in err


def test_a_sidecar_others_may_write_or_a_stale_one_is_not_believed(session, db_path):
    from builders import add_case

    add_case(session, "C-1")
    assert verify_on_open(session.db.conn, db_path) is True
    side = sidecar_path(db_path)
    assert "C-1" not in side.read_text() and oct(side.stat().st_mode & 0o777) == "0o600"
    side.chmod(0o666)
    assert verify_on_open(session.db.conn, db_path) is True  # group/other-writable: ignored
    record = json.loads(side.read_text())
    record["checked_at"] -= 25 * 3600
    side.write_text(json.dumps(record))
    side.chmod(0o600)
    assert verify_on_open(session.db.conn, db_path) is True  # older than a day: checked again


# --------------------------------------------------------------------------- the app


async def test_the_app_shows_the_damage_and_records_nothing(damaged):
    from inspect_tui.tui.screens.today import TodayScreen
    from tui.conftest import make_app, settle
    from tui.test_app_pilot import text_of

    before = _digest(damaged)
    app = make_app(damaged)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert app.session is None  # nothing can be recorded without a session
        summary = text_of(app.screen, "#summary")
        assert "壊れています" in summary and "inspect-tui restore" in summary
        assert "未完了" not in summary  # no figures from a damaged file
        await pilot.press("2")
        await settle(pilot)
        assert "壊れています" in text_of(app.screen, "#filter-line")
    assert _digest(damaged) == before and _no_wal_content(damaged)
    assert not (damaged.parent / "backups").exists()  # no daily backup of a damaged file
