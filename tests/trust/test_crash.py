"""Crashes: kill -9 in the middle of a big import-like transaction or a backup,
several times at random moments. Every time the file passes integrity_check,
everything committed is there, nothing half-written is, and the audit chain holds."""

from __future__ import annotations

import contextlib
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from inspect_tui.store.audit import verify_chain
from inspect_tui.store.backup import check_file, list_backups

pytestmark = pytest.mark.slow
BATCH = 5000
WORKER = Path(__file__).with_name("_crash_worker.py")


def _run_and_kill(db_path: Path, mode: str, after: float) -> list[str]:
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), str(db_path), mode, str(BATCH)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    ready, committed = threading.Event(), threading.Event()

    def read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line.strip())
            if line.startswith("ready"):
                ready.set()
            elif line.startswith("committed"):
                committed.set()
        ready.set()  # the worker ended: stop waiting (the asserts below say why)
        committed.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(timeout=30) and "ready" in lines, proc.stderr.read() if proc.stderr else ""
    if mode == "import":  # let one batch land first, so there is committed work to lose
        assert committed.wait(timeout=30)
    # The kill comes at a random moment: `after` seconds on, unless the worker ends first.
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=after)
    assert proc.poll() is None, (
        f"the worker ended before the kill: {proc.stderr.read() if proc.stderr else ''}"
    )
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    reader.join(timeout=5)
    assert proc.returncode == -signal.SIGKILL
    return lines


def _check(db_path: Path) -> int:
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return raw.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    finally:
        raw.close()


def test_kill_9_during_big_transactions_keeps_committed_work(session, db_path):
    session.close()
    rng = random.Random(20271122)
    committed_before = 0
    for _round in range(5):
        lines = _run_and_kill(db_path, "import", rng.uniform(0.0, 0.8))
        printed = [int(x.split()[1]) for x in lines if x.startswith("committed")]
        committed = printed[-1] if printed else committed_before
        count = _check(db_path)
        # all or nothing per batch; a commit that landed just before its print is allowed
        assert count % BATCH == 0
        assert count in (committed, committed + BATCH)
        committed_before = count
        from inspect_tui.store.db import open_database

        with open_database(db_path, create=False) as db:
            report = verify_chain(db)
            assert report.ok, report.problems
            batches = db.conn.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'import'").fetchone()[0]
            assert batches == count // BATCH  # each batch and its audit row landed together
    assert committed_before > 0


def test_kill_9_during_backups_leaves_good_files(session, db_path):
    from builders import add_case

    for i in range(300):
        add_case(session, f"C-{i:04d}")
    session.close()
    rng = random.Random(7)
    for _round in range(4):
        _run_and_kill(db_path, "backup", rng.uniform(0.05, 0.6))
        assert _check(db_path) == 300
        for b in list_backups(db_path):  # a listed backup is always a complete, checked one
            check_file(b)
    assert list_backups(db_path)


NAME = "試験 花子".encode()


def _has_data(path: Path) -> bool:
    """The .part already holds applicants' names (a page of cases was copied into it)."""
    try:
        return NAME in path.read_bytes()
    except FileNotFoundError:  # renamed meanwhile
        return False


def _kill_while_a_part_exists(db_path: Path, rounds: int = 40) -> Path:
    """Kill -9 the backup worker while it is writing a .part; return the .part it leaves."""
    folder = db_path.parent / "backups"
    for _round in range(rounds):
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(db_path), "backup", str(BATCH)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if folder.is_dir() and any(_has_data(p) for p in folder.glob(".*.part")):
                proc.send_signal(signal.SIGKILL)
                break
        proc.kill()
        proc.wait(timeout=10)
        left = [p for p in folder.glob(".*.part") if _has_data(p)] if folder.is_dir() else []
        if left:
            return left[0]
        for p in folder.glob(".*.part"):  # killed just after creating it: try again
            p.unlink()
    raise AssertionError(f"no .part survived a kill in {rounds} rounds")


def test_a_killed_backup_leaves_no_personal_data_after_the_next_start(session, db_path):
    """The .part of a backup killed mid-copy holds applicants' data; the next start removes
    it (even when the day's backup is already made), and so does the next backup."""
    from builders import add_case
    from inspect_tui.services.trust.backup import maybe_daily_backup
    from inspect_tui.store.backup import make_backup

    for i in range(3000):
        add_case(session, f"C-{i:04d}")
    session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    make_backup(session.db)  # today's backup exists: the start makes no new one
    part = _kill_while_a_part_exists(db_path)
    assert NAME in part.read_bytes()  # applicants' names, on disk
    assert maybe_daily_backup(session) is None
    assert not part.exists()
    part = _kill_while_a_part_exists(db_path)
    make_backup(session.db)
    assert not part.exists()
    assert not list((db_path.parent / "backups").glob(".*.part"))
    for b in list_backups(db_path):
        check_file(b)
