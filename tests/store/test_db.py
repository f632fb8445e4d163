from __future__ import annotations

import sqlite3
import stat
import threading

import pytest

from inspect_tui.store.connection import is_open
from inspect_tui.store.db import DatabaseError, open_database, permission_warning
from inspect_tui.store.schema import SCHEMA_VERSION


def in_a_thread(job):
    """job's result, run in a thread of its own that has ended when this returns (a worker)."""
    out: list = []
    t = threading.Thread(target=lambda: out.append(job()))
    t.start()
    t.join()
    return out[0] if out else None


def test_new_database_is_owner_only_wal_and_migrated(db_path):
    db = open_database(db_path)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert permission_warning(db_path) is None
    db.close()


def test_the_first_session_on_a_new_file_registers_its_owner_as_manager(db_path):
    from inspect_tui.services.session import open_session

    with open_session(db_path) as s:
        rows = [tuple(r) for r in s.db.conn.execute("SELECT login, role FROM users")]
    assert rows == [("tester", "manager")]


def test_older_file_is_upgraded_in_place(db_path):
    db_path.parent.mkdir(mode=0o700)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    db = open_database(db_path)
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_newer_schema_is_refused(db_path):
    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(DatabaseError, match="新しい版"):
        open_database(db_path)


def test_corrupt_file_is_a_clear_error(db_path):
    db_path.parent.mkdir(mode=0o700)
    db_path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="使えるデータベースではありません"):
        open_database(db_path)


def test_world_readable_file_is_warned_about(db_path):
    open_database(db_path).close()
    db_path.chmod(0o644)
    assert "他のユーザーからも読めます" in permission_warning(db_path)


def test_missing_database_for_a_command_is_a_clear_error(tmp_path, capsys):
    from inspect_tui.cli.main import main

    assert main(["deadlines", "rederive", "--db", str(tmp_path / "nope.db")]) == 1
    assert "データベースがありません" in capsys.readouterr().err


def test_each_thread_gets_its_own_connection_and_ended_threads_give_theirs_back(db_path):
    import threading

    from inspect_tui.services.session import open_session

    with open_session(db_path) as s:
        mine = s.db.conn
        seen = []

        def job() -> None:
            seen.append(s.db.conn)
            s.db.conn.execute("SELECT COUNT(*) FROM cases").fetchone()

        for _ in range(20):  # a worker thread per job, as Textual runs them
            t = threading.Thread(target=job)
            t.start()
            t.join()
        assert all(c is not mine for c in seen)
        # a worker takes over the connection of one that ended (no new connection per job)
        assert all(c is seen[0] for c in seen)
        assert s.db.open_connections() <= 2  # the opener's and the last worker's, not 21
        assert s.db.conn is mine
        # workers running at once each get their own
        go, held = threading.Barrier(3), []

        def at_once() -> None:
            held.append(s.db.conn)
            go.wait()

        together = [threading.Thread(target=at_once) for _ in range(3)]
        for t in together:
            t.start()
        for t in together:
            t.join()
        assert len({id(c) for c in held}) == 3 and mine not in held


def test_a_connection_left_in_a_transaction_is_not_taken_over(db_path):
    """A worker that died inside a transaction leaves its connection to be closed, not reused."""

    db = open_database(db_path)
    left: list = []

    def dies_mid_write() -> None:
        c = db.conn
        c.execute("BEGIN")
        c.execute("SELECT 1").fetchone()
        left.append(c)

    in_a_thread(dies_mid_write)
    got = in_a_thread(lambda: db.conn)
    assert got is not left[0] and not got.in_transaction
    db.close()


def test_a_connection_reads_with_a_small_page_cache_and_writes_with_a_large_one(db_path):
    """8 MB while reading (the TUI's memory at 1M cases), 64 MB inside a write (the chain's
    index pages at random places), and back after it, committed or not."""
    from inspect_tui.store.connection import CACHE_KIB, WRITE_CACHE_KIB
    from inspect_tui.store.tx import granted, write

    db = open_database(db_path)

    def cache() -> int:
        return -db.conn.execute("PRAGMA cache_size").fetchone()[0]

    assert (CACHE_KIB, WRITE_CACHE_KIB) == (8_192, 65_536) and cache() == CACHE_KIB
    with granted("test"), write(db):
        assert cache() == WRITE_CACHE_KIB
    assert cache() == CACHE_KIB
    with pytest.raises(RuntimeError), granted("test"), write(db):
        raise RuntimeError("a failed write")
    assert cache() == CACHE_KIB
    db.close()


def test_a_long_running_process_shares_one_page_cache_budget_lifted_while_it_writes(tmp_path):
    """The TUI caps its connections' caches together (SQLite's soft heap limit, process-wide);
    a write transaction lifts the cap until the last of two overlapping writes ends, then the
    cap is back."""
    import threading

    from inspect_tui.store.connection import limit_shared_cache
    from inspect_tui.store.tx import granted, write

    one, two = open_database(tmp_path / "one.db"), open_database(tmp_path / "two.db")

    def limit() -> int:
        return two.conn.execute("PRAGMA soft_heap_limit").fetchone()[0]

    try:
        limit_shared_cache(4_096)
        assert limit() == 4_096 * 1024
        inside, release = threading.Event(), threading.Event()
        seen: list[int] = []

        def long_write() -> None:
            with granted("test"), write(one):
                inside.set()
                release.wait(10)

        t = threading.Thread(target=long_write)
        t.start()
        assert inside.wait(10)
        seen.append(limit())
        with granted("test"), write(two):
            seen.append(limit())
        seen.append(limit())  # the other write still runs
        release.set()
        t.join()
        assert seen == [0, 0, 0] and limit() == 4_096 * 1024
    finally:
        limit_shared_cache(0)
        one.close()
        two.close()
    assert limit_for_new() == 0


def limit_for_new() -> int:
    import sqlite3

    return sqlite3.connect(":memory:").execute("PRAGMA soft_heap_limit").fetchone()[0]


def test_pool_threads_give_their_connection_back_after_each_job(db_path):
    """A thread pool's threads live on between jobs (the TUI's workers): each job hands its
    connection back with release(), so three jobs that once ran at once leave one connection
    open, not three, and the next job on any thread takes it instead of opening another."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from inspect_tui.store.connection import IDLE_KEEP

    db = open_database(db_path)
    db.release()  # the opener's thread is done with it too
    go = threading.Barrier(3)

    def job(together: bool):
        c = db.conn
        c.execute("SELECT COUNT(*) FROM cases").fetchone()
        if together:
            go.wait()
        db.release()
        return c

    with ThreadPoolExecutor(max_workers=3) as pool:
        at_once = list(pool.map(job, [True] * 3))
        assert len({id(c) for c in at_once}) == 3  # at once: a connection each
        assert db.open_connections() == IDLE_KEEP == 1  # the other two were closed
        kept = [c for c in at_once if is_open(c)]
        one_by_one = [pool.submit(job, False).result() for _ in range(6)]
    assert all(c is kept[0] for c in one_by_one)  # taken again, whichever thread ran the job
    assert db.open_connections() == 1
    db.close()
    assert db.open_connections() == 0 and not is_open(kept[0])


def test_a_connection_in_a_transaction_stays_with_its_thread_on_release(db_path):
    db = open_database(db_path)
    c = db.conn
    c.execute("BEGIN")
    db.release()
    assert db.conn is c  # still this thread's: its transaction is not handed to another job
    c.execute("ROLLBACK")
    db.release()
    assert in_a_thread(lambda: db.conn) is c
    db.close()


def test_a_thread_that_ended_inside_a_write_leaves_no_lock_and_no_idle_connection_behind(db_path):
    """Of the connections of ended threads, the next thread takes a usable one and keeps
    another for later only if it is usable: one left inside a transaction is closed, which
    rolls it back and lets go of the write lock (kept idle, it held the lock until the
    database closed, and filled the one idle place so every job opened a new connection)."""
    db = open_database(db_path)
    db.release()

    def ends_inside_a_write() -> None:
        db.conn.execute("BEGIN IMMEDIATE")

    def ends_clean() -> None:
        db.conn.execute("SELECT 1").fetchone()

    for job in (ends_inside_a_write, ends_clean):
        in_a_thread(job)
    assert not in_a_thread(lambda: db.conn).in_transaction
    other = sqlite3.connect(db_path, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # the write lock is free
    other.rollback()
    other.close()
    assert db.open_connections() == 1  # the one taken; nothing stuck idle
    db.close()


def test_release_after_the_database_was_closed_is_quiet(db_path):
    """The app closes its database as it quits, while a worker may still be finishing; the
    worker's hand-back then has nothing to give back (it raised on the closed connection)."""
    db = open_database(db_path)
    db.conn.execute("SELECT 1").fetchone()
    db.close()
    db.release()  # no error
    with pytest.raises(sqlite3.ProgrammingError):
        db.conn  # noqa: B018


def test_a_connection_opened_while_the_database_closes_is_not_left_open(db_path, monkeypatch):
    """close() running while another thread is opening its connection: that connection is
    closed too, and the thread is told the database is closed (it was left open, in use)."""
    import inspect_tui.store.connection as connection

    db = open_database(db_path)  # this thread keeps its connection: the job opens its own
    real = connection.connect
    opened: list = []

    def connect_while_closing(path, readonly):
        c = real(path, readonly)
        opened.append(c)
        db.close()  # as the app quits, between the open and the registration
        return c

    monkeypatch.setattr(connection, "connect", connect_while_closing)
    errors: list = []

    def job() -> None:
        try:
            db.conn  # noqa: B018
        except sqlite3.ProgrammingError as exc:
            errors.append(exc)

    in_a_thread(job)
    assert len(errors) == 1 and len(opened) == 1 and not is_open(opened[0])
    # the opener's connection was this thread's, alive: left to it, and closed at its next use
    assert db.open_connections() == 1
    with pytest.raises(sqlite3.ProgrammingError):
        db.conn  # noqa: B018
    assert db.open_connections() == 0


_CLOSE_UNDER_A_STATEMENT = r"""
import sqlite3, sys, threading, time
from inspect_tui.store.db import open_database

db = open_database(sys.argv[1])
db.conn.execute("SELECT 1").fetchone()
started, seen = threading.Event(), []

def job():
    c = db.conn
    started.set()
    try:  # ~10 s unless interrupted
        c.execute(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 50000000)"
            " SELECT count(*) FROM n"
        ).fetchone()
        seen.append("finished")
    except sqlite3.Error as exc:
        seen.append(f"{type(exc).__name__}: {exc}")
    try:
        db.conn.execute("SELECT 1")
        seen.append("ran again")
    except sqlite3.ProgrammingError as exc:
        seen.append(f"then {exc}")
    db.release()

worker = threading.Thread(target=job)
worker.start()
started.wait(10)
time.sleep(0.3)  # the statement is running
t0 = time.perf_counter()
db.close()
worker.join(30)
print(seen, round(time.perf_counter() - t0, 1), db.open_connections())
"""


def test_closing_under_a_workers_running_statement_interrupts_it_and_crashes_nothing(db_path):
    """The app closes its database as it quits; a worker may be in the middle of a statement
    (the Reports screen building the monthly report at 1M cases). Closing that connection
    from the app's thread crashed the process (exit 139, a segfault in CPython's sqlite3).
    Now its statement is interrupted, the worker's next use is refused, and its connection
    is closed by the worker as it lets go. Run in a child process: a crash is its exit code."""
    import subprocess
    import sys

    open_database(db_path).close()
    out = subprocess.run(
        [sys.executable, "-c", _CLOSE_UNDER_A_STATEMENT, str(db_path)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    seen, seconds, still_open = out.stdout.rsplit(" ", 2)
    interrupted, refused = "OperationalError: interrupted", "then Cannot operate on a closed database."
    assert seen == repr([interrupted, refused]), out.stdout
    assert float(seconds) < 5 and int(still_open) == 0, out.stdout


def test_a_worker_holding_its_connection_when_the_database_closes_closes_it_itself(db_path):
    """A worker between two statements as the app quits: close() leaves its connection to it
    (no close under its feet), and its next ``conn`` is refused and closes it."""
    db = open_database(db_path)
    db.conn.execute("SELECT 1").fetchone()
    holding, closed = threading.Event(), threading.Event()
    kept: list = []
    errors: list = []

    def job() -> None:
        kept.append(db.conn)
        kept[0].execute("SELECT 1").fetchone()
        holding.set()
        closed.wait(10)
        assert is_open(kept[0])  # not closed under the worker
        try:
            db.conn  # noqa: B018
        except sqlite3.ProgrammingError as exc:
            errors.append(exc)

    t = threading.Thread(target=job)
    t.start()
    holding.wait(10)
    db.close()
    closed.set()
    t.join(10)
    assert len(errors) == 1 and not is_open(kept[0]) and db.open_connections() == 0
