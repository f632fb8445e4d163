"""Connections to the case database: a connection per thread, the app's settings, and a
rollback that never hides the first error. store/db.py opens (and migrates) a file."""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from inspect_tui.store.chain_functions import register as register_chain_functions

BUSY_TIMEOUT_MS = 10_000
#: Page cache per connection while it reads, in KiB. The screens and reports read a few
#: pages per query, or scan an index once (which the OS's file cache keeps anyway), and a
#: TUI worker's connection lives for one job; at 1M cases 64 MB of it was most of the TUI's
#: memory above hello-world's. In process at 1M: 2 MB made the dashboard 86 ms against
#: 58-62 ms with 8 or 16 MB; reports and the case list were the same with each.
CACHE_KIB = 8_192
#: ... while it writes (store/tx.write sets it for the transaction): a bulk write touches the
#: audit log's indexes at random places (the chain's hashes), and with 2 MB they thrash.
WRITE_CACHE_KIB = 65_536
#: What all of a long-running process's connections may keep in memory together, in KiB
#: (SQLite's soft heap limit: past it, a connection's page cache reuses its least recently
#: used pages instead of growing). The TUI's workers each have a connection, several at once
#: (the figures, the case list, a report, the backup), and each filled its own 8 MB cache:
#: at 1M cases, VmHWM after every screen 120 MB, with this limit 103 MB (hello-world 32 MB);
#: the figures at start-up, read by one connection, keep their 8 MB. Lifted while a write
#: transaction runs (``write_cache``): a purge from the TUI is a bulk write.
SHARED_CACHE_KIB = CACHE_KIB
#: Connections kept open between jobs for the next one (``Database.release``). One: a
#: keystroke's count and its first page run at once, but the first page has a thread (and
#: so a connection) of its own (services/cases/listing.py).
IDLE_KEEP = 1


class DatabaseError(Exception):
    """A database we cannot use; the message says what to do."""


class Database:
    """One database file, with a connection per thread.

    ``conn`` is the calling thread's own connection: the thread that opened the
    database gets the one it was opened with, and any other thread (a TUI worker)
    gets one of its own, opened on first use with the same settings. A
    ``sqlite3.Connection`` must never be used by two threads at once: the UI
    thread typing into a dialog while a worker waited for the write lock on the
    shared connection crashed the process. A connection whose thread has ended is
    taken over by the next thread that asks, and ``close`` closes them all.

    A thread that lives on between jobs (the TUI's pool of worker threads) gives its
    connection back with ``release`` after each job: the next job, on any thread, takes it
    instead of opening one. Each connection holds its own parsed copy of the schema (1.8 MB:
    the ~165 history triggers), and each pool thread had kept one for good: four after
    the review queue's three loads ran at once, where a job at a time needs one.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._local = threading.local()
        self._local.conn = conn
        self._lock = threading.Lock()
        #: thread -> its connection (the thread object, not its ident: idents are reused)
        self._conns: dict[threading.Thread, sqlite3.Connection] = {threading.current_thread(): conn}
        #: connections given back by threads between jobs, for the next job (at most IDLE_KEEP)
        self._idle: list[sqlite3.Connection] = []
        self._closed = False

    def __repr__(self) -> str:
        return f"Database(path={self.path!r})"

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if self._closed:
            if conn is not None:  # closed while this thread held it: see close()
                self._let_go(conn)
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        if conn is None:
            with self._lock:
                ended = [t for t in self._conns if not t.is_alive()]
                stale = [*self._idle, *(self._conns.pop(t) for t in ended)]
                self._idle = []
            # a connection given back, or a finished thread's, is taken over (nobody else can be
            # using it): a new one cost 6-14 ms at 1M cases (the schema's ~165 triggers parsed on
            # its first statement), on every keystroke's worker
            conn = next((c for c in stale if is_open(c) and not c.in_transaction), None)
            if conn is None:
                conn = connect(self.path, self.readonly)
                conn.execute("PRAGMA foreign_keys = ON")
                conn.row_factory = sqlite3.Row
            with self._lock:
                closed_meanwhile = self._closed  # close() ran while this thread was opening
                if not closed_meanwhile:
                    self._conns[threading.current_thread()] = conn
                    self._local.conn = conn
            self._give_back([c for c in stale if c is not conn])
            if closed_meanwhile:
                conn.close()
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return conn

    def _give_back(self, conns: list[sqlite3.Connection]) -> None:
        """Keep these for the next job while there is room (IDLE_KEEP) and they are usable;
        close the rest (one a thread left inside a transaction: closing it rolls it back and
        frees its lock)."""
        unused = []
        with self._lock:  # decided here: a kept one may be taken by another thread at once
            for c in conns:
                if not self._closed and len(self._idle) < IDLE_KEEP and is_open(c) and not c.in_transaction:
                    self._idle.append(c)
                else:
                    unused.append(c)
        for c in unused:
            c.close()

    def release(self) -> None:
        """The calling thread is done with the database until its next job: its connection
        is kept for whichever thread asks next (IDLE_KEEP at most; more are closed). One in
        a transaction stays with its thread."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        if self._closed or not is_open(conn):  # the database was closed meanwhile (the app quitting)
            self._let_go(conn)
            return
        if conn.in_transaction:
            return
        self._local.conn = None
        with self._lock:
            self._conns.pop(threading.current_thread(), None)
        self._give_back([conn])

    def open_connections(self) -> int:
        """How many connections are open (the app's thread's and its workers')."""
        with self._lock:
            return sum(1 for c in [*self._conns.values(), *self._idle] if is_open(c))

    def close(self) -> None:
        """Close every connection that no other live thread holds. A connection a worker still
        holds (the app quitting while a report is being built) has its statement interrupted,
        and the worker closes it itself when it lets go of it (release, or its next ``conn``):
        closing a connection under a statement another thread is running crashed the process
        (a segfault in CPython's sqlite3, quitting from the Reports screen at 1M cases).
        sqlite3_interrupt is made to be called from another thread; it runs under the lock,
        so the holder cannot be closing that connection at the same moment."""
        me = threading.current_thread()
        with self._lock:
            self._closed = True
            held = {t: c for t, c in self._conns.items() if t is not me and t.is_alive()}
            free = [c for t, c in self._conns.items() if t not in held] + self._idle
            self._conns, self._idle = held, []
            for c in held.values():
                if is_open(c):
                    c.interrupt()
        for c in free:
            c.close()

    def stopped_by_close(self, exc: BaseException) -> bool:
        """``exc`` is what a statement got because close() ran: its statement interrupted, or
        the connection refused after it (not an error of the job's own)."""
        return self._closed and isinstance(exc, (sqlite3.OperationalError, sqlite3.ProgrammingError))

    def _let_go(self, conn: sqlite3.Connection) -> None:
        """This thread's connection, after close(): no longer registered, and closed (closing
        rolls back a transaction it was left in)."""
        self._local.conn = None
        with self._lock:
            if self._conns.get(threading.current_thread()) is conn:
                del self._conns[threading.current_thread()]
        conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def utils_view(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """A sqlite-utils view of conn (table.transform(), columns and indexes), changing none
    of its settings: no recursive_triggers pragma, no plugins."""
    import sqlite_utils  # deferred: 150-420 ms at start-up (python -X importtime); only migrations need it

    return sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)


def rollback(conn: sqlite3.Connection) -> None:
    """Undo the open transaction after a failed statement, keeping the first error.

    Call it inside ``except``, then re-raise. SQLite rolls a transaction back by
    itself after some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM); a plain
    ``ROLLBACK`` then raises "cannot rollback - no transaction is active" and that
    second error replaced the real one (a full disk was reported as
    "書き込めません（OperationalError）"). A ROLLBACK that fails for another reason
    is noted on the error being handled, which stays the one raised.
    """
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error as second:
        first = sys.exc_info()[1]
        if first is not None:
            first.add_note(f"ROLLBACK も失敗しました: {second}")


def connect(path: Path, readonly: bool) -> sqlite3.Connection:
    """A connection with the app's settings (autocommit; transactions go through store.tx)."""
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(
        uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # WRITE_CACHE_KIB while it writes
    register_chain_functions(conn)
    return conn


_heap_lock = threading.Lock()
_shared_limit_kib = 0  # 0: no limit (a command line's process)
_writers = 0


def _soft_heap_limit(kib: int) -> None:
    """PRAGMA soft_heap_limit is process-wide: set on a connection of its own, so it never
    depends on the state of a caller's (one closed mid-write must not leave the limit off)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"PRAGMA soft_heap_limit = {kib * 1024}")
    finally:
        conn.close()


def limit_shared_cache(kib: int = SHARED_CACHE_KIB) -> None:
    """Caps the memory of every connection in this process together (those opened later too);
    0 lifts the cap."""
    global _shared_limit_kib
    with _heap_lock:
        _shared_limit_kib = kib
        if not _writers:
            _soft_heap_limit(kib)


@contextlib.contextmanager
def write_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """While one write transaction runs on conn: its page cache may grow to WRITE_CACHE_KIB,
    and the process's shared limit (if any) is lifted until the last writer ends."""
    global _writers
    with _heap_lock:
        _writers += 1
        if _writers == 1 and _shared_limit_kib:
            _soft_heap_limit(0)
    try:
        conn.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):  # a closed connection has no cache to shrink
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        with _heap_lock:
            _writers -= 1
            if not _writers and _shared_limit_kib:
                _soft_heap_limit(_shared_limit_kib)


def is_open(conn: sqlite3.Connection) -> bool:
    try:
        conn.total_changes  # noqa: B018 (raises once the connection is closed)
    except sqlite3.ProgrammingError:
        return False
    return True
