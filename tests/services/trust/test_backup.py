"""Backups: consistent, owner-only, checked, rotated; restore checks first and keeps
what it replaces."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat

import pytest

from builders import D, add_case
from inspect_tui.services.trust.backup import maybe_daily_backup
from inspect_tui.store.backup import BackupError, check_file, list_backups, make_backup


def test_backup_is_owner_only_and_checked(session, cli, db_path):
    add_case(session, "C-0001")
    code, out, _ = cli("backup")
    assert code == 0 and "整合性検査 ok" in out
    [b] = list_backups(db_path)
    assert stat.S_IMODE(b.stat().st_mode) == 0o600
    assert stat.S_IMODE(b.parent.stat().st_mode) == 0o700
    assert check_file(b) >= 1
    conn = sqlite3.connect(b)
    assert conn.execute("SELECT case_no FROM cases").fetchall() == [("C-0001",)]
    conn.close()
    assert "C-0001" not in b.name and "試験" not in b.name


def test_backups_are_rotated(session, db_path):
    start = dt.datetime(2027, 6, 1, 9, 0, 0)
    for i in range(5):
        make_backup(session.db, keep=3, when=start + dt.timedelta(days=i))
    names = [p.name for p in list_backups(db_path)]
    assert names == ["cases-20270603-090000.db", "cases-20270604-090000.db", "cases-20270605-090000.db"]


def test_daily_backup_happens_once_a_day(session, db_path):
    first = maybe_daily_backup(session)
    assert first is not None and first.exists()
    # a backup dated today (Japan date from the wall clock) exists now
    from inspect_tui.core.today import today_jp

    assert f"{today_jp():%Y%m%d}" in first.name
    assert maybe_daily_backup(session) is None


def test_restore_refuses_without_a_terminal_unless_yes(session, cli, db_path, monkeypatch):
    add_case(session, "C-1")
    make_backup(session.db)
    add_case(session, "C-2")
    [b] = list_backups(db_path)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = cli("restore", str(b))
    assert code == 1 and "--yes" in err
    code, out, _ = cli("restore", str(b), "--yes")
    assert code == 0 and "置き換える前の内容" in out
    session.close()
    from inspect_tui.services.session import open_session

    with open_session(db_path) as s2:
        assert [r[0] for r in s2.db.conn.execute("SELECT case_no FROM cases")] == ["C-1"]
        newest = s2.db.conn.execute(
            "SELECT action FROM audit_log WHERE action NOT LIKE 'row.%' ORDER BY id DESC"
        ).fetchone()[0]
        assert newest == "restore"
        from inspect_tui.store.audit import verify_chain

        assert verify_chain(s2.db).ok
    # the replaced database (with C-2) was kept
    kept = [p for p in list_backups(db_path) if p != b]
    assert kept
    conn = sqlite3.connect(kept[-1])
    assert {r[0] for r in conn.execute("SELECT case_no FROM cases")} == {"C-1", "C-2"}
    conn.close()


def test_restore_refuses_a_corrupt_or_foreign_or_newer_file(session, cli, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    code, _, err = cli("restore", str(junk), "--yes")
    assert code == 1 and "Traceback" not in err
    foreign = tmp_path / "foreign.db"
    c = sqlite3.connect(foreign)
    c.execute("CREATE TABLE t (x)")
    c.commit()
    c.close()
    code, _, err = cli("restore", str(foreign), "--yes")
    assert code == 1 and "inspect-tui のデータベースではありません" in err
    newer = tmp_path / "newer.db"
    session.db.conn.execute(f"VACUUM INTO '{newer}'")
    c = sqlite3.connect(newer)
    c.execute("PRAGMA user_version = 999")
    c.commit()
    c.close()
    code, _, err = cli("restore", str(newer), "--yes")
    assert code == 1 and "新しい版" in err
    with pytest.raises(BackupError):
        check_file(tmp_path / "missing.db")


def test_backup_keep_must_be_positive(session, cli):
    code, _, err = cli("backup", "--keep", "0")
    assert code == 1 and "--keep" in err


def test_restore_over_a_broken_database_keeps_its_bytes(session, cli, db_path, monkeypatch):
    add_case(session, "C-1", received_on=D(2027, 6, 1), dispatched_on=D(2027, 6, 1))
    good = make_backup(session.db).path
    session.close()
    for p in db_path.parent.glob("cases.db-*"):
        p.unlink()
    db_path.write_bytes(b"garbage" * 1000)
    code, _, err = cli("restore", str(good), "--yes")
    assert code == 0, err
    assert any(p.suffix == ".broken" for p in (db_path.parent / "backups").iterdir())


def test_rotation_keeps_the_newest_of_backups_made_in_the_same_second(session, db_path):
    when = dt.datetime(2027, 6, 15, 9, 0, 0)
    made = [make_backup(session.db, keep=3, when=when).path for _ in range(12)]
    assert list_backups(db_path) == made[-3:]
    assert all(p.exists() for p in made[-3:])


def test_broken_copies_are_rotated_like_backups(session, db_path):
    from inspect_tui.store.backup import keep_broken_copy, list_broken

    session.close()
    db_path.write_bytes(b"garbage" * 1000)
    made = [keep_broken_copy(db_path, keep=3) for _ in range(5)]
    assert list_broken(db_path) == made[-3:]  # newest three, made within the same second
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in made[-3:])
    assert all(p.read_bytes() == db_path.read_bytes() for p in made[-3:])
    assert not list((db_path.parent / "backups").glob(".*"))  # no partial file left


def test_a_backup_rotates_the_broken_copies_too(session, db_path):
    from inspect_tui.store.backup import keep_broken_copy, list_broken

    for _ in range(4):
        keep_broken_copy(db_path, keep=14)
    make_backup(session.db, keep=2)
    assert len(list_broken(db_path)) == 2 and len(list_backups(db_path)) == 1


def test_a_partial_copy_being_written_is_left_alone(session, db_path):
    """Another process's backup in progress holds its lock: never removed under it."""
    import fcntl
    import os

    from inspect_tui.store.backup import backup_dir, remove_stale_parts

    folder = backup_dir(db_path)
    folder.mkdir(mode=0o700)
    live, dead = folder / ".cases-20270615-090000.db.4242.part", folder / ".cases-x.db.4243.part"
    dead.write_bytes(b"\x00")
    fd = os.open(live, os.O_CREAT | os.O_WRONLY, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as part_file does in the writing process
    try:
        assert remove_stale_parts(db_path) == [dead]
        assert live.exists() and not dead.exists()
    finally:
        os.close(fd)
    assert remove_stale_parts(db_path) == [live]


def test_a_killed_copys_journal_goes_with_it(session, db_path):
    """SQLite writes a rollback journal beside the copy (page images: personal data); a
    backup killed mid-way left it behind after its .part was removed. It goes too, unless
    its copy is still being written."""
    import fcntl
    import os

    from inspect_tui.store.backup import backup_dir, remove_stale_parts

    folder = backup_dir(db_path)
    folder.mkdir(mode=0o700)
    orphan = folder / ".cases-20270615-090000.db.4242.part-journal"
    orphan.write_bytes(b"\xd9\xd5\x05\xf9 page images")
    live = folder / ".cases-20270615-090001.db.4243.part"
    live_journal = live.with_name(live.name + "-journal")
    live_journal.write_bytes(b"x")
    fd = os.open(live, os.O_CREAT | os.O_WRONLY, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert remove_stale_parts(db_path) == [orphan]
        assert live_journal.exists()
    finally:
        os.close(fd)
    assert set(remove_stale_parts(db_path)) == {live, live_journal}
    assert not list(folder.glob(".*"))


def _check_line(backup) -> str:
    from inspect_tui.store.backup import head_path

    return next(
        line
        for line in head_path(backup).read_text(encoding="utf-8").splitlines()
        if line.startswith("check:")
    )


def test_the_full_check_runs_weekly_and_quick_check_between(session, db_path, cli):
    """integrity_check reads every index against its table (5.3 s for 580 MB, where the copy
    takes 0.8 s): the daily copy gets it once a week, quick_check on the other days."""
    start = dt.datetime(2027, 6, 1, 9, 0, 0)
    checks = [make_backup(session.db, when=start + dt.timedelta(days=i)).check for i in range(9)]
    assert checks == ["integrity_check", *["quick_check"] * 6, "integrity_check", "quick_check"]
    backups = list_backups(db_path)
    assert _check_line(backups[0]) == "check: integrity_check"
    assert _check_line(backups[1]) == "check: quick_check"
    # asked for: in full, whatever the day
    assert (
        make_backup(session.db, when=start + dt.timedelta(days=9), full_check=True).check == "integrity_check"
    )
    code, out, _ = cli("backup", "--full-check")
    assert code == 0 and "全体の整合性検査 ok" in out


def test_quick_check_still_refuses_a_damaged_copy(session, db_path, tmp_path):
    for i in range(200):
        add_case(session, f"Q-{i:04d}")
    b = make_backup(session.db).path
    damaged = tmp_path / "damaged.db"
    data = bytearray(b.read_bytes())
    page = 4096
    for at in range(3 * page, len(data) - page, 5 * page):  # scribble over several pages
        data[at + 8 : at + 200] = b"\xff" * 192
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError, match=r"quick_check|SQLite"):
        check_file(damaged, full=False)


@pytest.mark.parametrize("stage", ["copy", "check"])
def test_a_cancelled_backup_leaves_nothing_and_the_next_one_is_made(session, db_path, monkeypatch, stage):
    """The app quitting mid-backup: stopped at the next step of the copy, or of the check
    (SQLite's progress handler), the partial copy and its journal removed, no witness."""
    import inspect_tui.store.backup as store_backup
    from inspect_tui.store.backup import BackupCancelled

    for i in range(30):
        add_case(session, f"C-{i:04d}")
    monkeypatch.setattr(store_backup, "_PAGES_PER_STEP", 1)
    monkeypatch.setattr(store_backup, "_CHECK_STEPS", 10)
    asked: list[str] = []
    checking = {"now": False}
    real_check = store_backup.check_file

    def check(path, **kwargs):
        checking["now"] = True
        return real_check(path, **kwargs)

    monkeypatch.setattr(store_backup, "check_file", check)

    def cancelled() -> bool:
        asked.append("check" if checking["now"] else "copy")
        return asked[-1] == stage and asked.count(stage) >= 2

    with pytest.raises(BackupCancelled):
        maybe_daily_backup(session, cancelled=cancelled)
    assert asked.count(stage) == 2  # stopped at the second look, not run to its end
    folder = db_path.parent / "backups"
    assert sorted(p.name for p in folder.iterdir()) == []
    assert maybe_daily_backup(session) is not None  # not counted as the day's backup
