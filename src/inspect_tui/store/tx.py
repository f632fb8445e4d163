"""The one way the app writes to its database: ``write(db)``.

- It refuses to start unless a permission was checked first: services mark
  each writing function with ``services.trust.writes(action)``, which checks
  the role before the function sees its input and opens a grant for its
  duration. A write with no grant is a programming error
  (``PermissionNotChecked``), so a new write that forgets its check fails in
  every test that reaches it.
- It takes the write lock with ``BEGIN IMMEDIATE``, waiting while another
  process holds it: in short slices, so a waiting TUI stays responsive, can
  show that it is waiting and can cancel for real (``WriteCancelled``); after
  ``WAIT_BUDGET_S`` it gives up with ``DatabaseBusy`` and a plain message.
- It commits, or rolls back on any error and re-raises that first error: a
  failed ROLLBACK (after SQLITE_FULL, say) never hides what went wrong.
- Nested ``write`` blocks on the same connection join the outer transaction.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from inspect_tui.core.records import record
from inspect_tui.store.chain_functions import acting_as
from inspect_tui.store.connection import BUSY_TIMEOUT_MS, Database, rollback, write_cache

#: How long a write waits for another writer before giving up, in seconds.
WAIT_BUDGET_S = 30.0
#: The busy timeout of one attempt at the lock while waiting (ms): short, so cancel is quick.
SLICE_MS = 100
#: How long before a waiting write says so (seconds).
SAY_WAITING_AFTER_S = 0.3


class PermissionNotChecked(RuntimeError):
    """A write was started without a permission check (a bug: see services.trust.writes)."""


class DatabaseBusy(Exception):
    """The database stayed locked by other writers for the whole wait."""


class WriteCancelled(Exception):
    """The person cancelled a write that was waiting for the lock; nothing was written."""


class ConflictError(Exception):
    """Someone else changed the record since it was read (store.cases checks a case's
    version). Here with the other errors a write can meet, so services.errors, which the
    app loads as it opens the database, does not bring the case store and the event store."""


_grant: ContextVar[str | None] = ContextVar("inspect_tui_write_grant", default=None)


@contextlib.contextmanager
def granted(action: str, who: str | None = None) -> Iterator[None]:
    """The permission for ``action`` was checked (for login ``who``): writes may run inside
    this block, and the history rows they leave name ``who``."""
    token = _grant.set(action)
    try:
        with acting_as(who):
            yield
    finally:
        _grant.reset(token)


@record
class Waiting:
    """How a write waiting for the lock reports and cancels (set by the TUI for its workers)."""

    cancelled: Callable[[], bool] = lambda: False
    on_wait: Callable[[float], None] = lambda _seconds: None


_waiting = threading.local()


@contextlib.contextmanager
def waiting(control: Waiting) -> Iterator[None]:
    """Writes in this thread, inside this block, report their wait to ``control`` and obey its cancel."""
    old = getattr(_waiting, "control", None)
    _waiting.control = control
    try:
        yield
    finally:
        _waiting.control = old


#: Times a write had to wait for another writer (per process; read by the load test).
WAITS = {"count": 0}

_depth: dict[int, int] = {}
_depth_lock = threading.Lock()


def _is_locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _begin(conn: sqlite3.Connection) -> None:
    control: Waiting = getattr(_waiting, "control", None) or Waiting()
    start = time.monotonic()
    said = False
    conn.execute(f"PRAGMA busy_timeout = {SLICE_MS}")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_locked(exc):
                    raise
            WAITS["count"] += 1
            waited = time.monotonic() - start
            if control.cancelled():
                raise WriteCancelled("取り消しました（何も記録していません）")
            if waited >= WAIT_BUDGET_S:
                raise DatabaseBusy(
                    "ほかの人の書き込みが続いていて記録できませんでした。"
                    "少し待ってからもう一度記録してください（何も記録していません）"
                )
            if not said and waited >= SAY_WAITING_AFTER_S:
                said = True
                control.on_wait(waited)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


@contextlib.contextmanager
def write(db: Database) -> Iterator[sqlite3.Connection]:
    """One write transaction (see the module docstring); yields the connection."""
    if _grant.get() is None:
        raise PermissionNotChecked(
            "a write was started without a permission check: mark the service function with"
            " services.trust.writes(action)"
        )
    conn = db.conn
    key = id(conn)
    with _depth_lock:
        depth = _depth.get(key, 0)
        _depth[key] = depth + 1
    try:
        if depth:
            yield conn  # joins the outer write
            return
        with write_cache(conn):
            _begin(conn)
            try:
                yield conn
            except BaseException:
                _rollback(conn)
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
    finally:
        with _depth_lock:
            if depth:
                _depth[key] = depth
            else:
                _depth.pop(key, None)


_rollback = rollback  # store.db.rollback: a failing ROLLBACK never replaces the first error


@contextlib.contextmanager
def read(db: Database) -> Iterator[sqlite3.Connection]:
    """A read transaction (one snapshot for several queries; used by dry runs). Always rolled back."""
    conn = db.conn
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        _rollback(conn)
