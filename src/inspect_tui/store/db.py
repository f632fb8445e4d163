"""Opening the case database: one local SQLite file.

WAL mode, foreign keys on, a busy timeout, the schema migrated in place, and
new files and folders readable by the owner only.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

from inspect_tui.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000


class DatabaseError(Exception):
    """A database we cannot use; the message says what to do."""


class Database:
    """One database file, with a connection per thread.

    ``conn`` is the calling thread's own connection: the thread that opened the
    database gets the one it was opened with, and any other thread (a TUI worker)
    gets one of its own, opened on first use with the same settings. A
    ``sqlite3.Connection`` must never be used by two threads at once: the UI
    thread typing into a dialog while a worker waited for the write lock on the
    shared connection crashed the process. ``close`` closes them all.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._local = threading.local()
        self._local.conn = conn
        self._lock = threading.Lock()
        self._conns: list[sqlite3.Connection] = [conn]
        self._closed = False

    def __repr__(self) -> str:
        return f"Database(path={self.path!r})"

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            conn = _connect(self.path, self.readonly)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
            with self._lock:
                self._conns = [c for c in self._conns if _is_open(c)] + [conn]
        return conn

    def close(self) -> None:
        """Close every thread's connection (call it once the workers are done)."""
        self._closed = True
        with self._lock:
            conns, self._conns = self._conns, []
        for c in conns:
            c.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def utils(self):
        """A sqlite-utils view of the same connection (for upserts and introspection)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)


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
        import sys

        first = sys.exc_info()[1]
        if first is not None:
            first.add_note(f"ROLLBACK も失敗しました: {second}")


def _make_private_dir(folder: Path) -> None:
    """Create folder and any missing parents, each readable by the owner only."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for p in reversed(missing):
        p.mkdir(mode=0o700)


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    """A connection with the app's settings (autocommit; transactions go through store.tx)."""
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(
        uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _is_open(conn: sqlite3.Connection) -> bool:
    try:
        conn.total_changes  # noqa: B018 (raises once the connection is closed)
    except sqlite3.ProgrammingError:
        return False
    return True


def open_database(
    path: Path | str,
    *,
    create: bool = True,
    readonly: bool = False,
    check: bool = False,
    register_owner: bool = True,
) -> Database:
    """Open (and migrate) the database at path; create it owner-only if absent.

    With check, an existing file must pass ``PRAGMA quick_check`` (store.integrity)
    before anything is written to it (journal mode, migrations) or read from it.
    A file nobody is registered in gets its owner as its one manager, unless
    ``register_owner`` is False (the demo builder registers the owner itself).
    """
    path = Path(path).expanduser()
    is_new = not path.exists()
    if is_new and not create:
        raise DatabaseError(f"データベースがありません: {path}")
    if is_new:
        try:
            _make_private_dir(path.parent)
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except FileNotFoundError:
            raise DatabaseError(f"フォルダを作れません: {path.parent}") from None
        except PermissionError:
            raise DatabaseError(f"書き込む権限がありません: {path.parent}") from None
    elif path.is_dir():
        raise DatabaseError(f"{path} はフォルダです。データベースファイルのパスを指定してください")
    elif not readonly:
        if not os.access(path, os.W_OK):
            raise DatabaseError(f"{path} は読み取り専用です。ファイルの権限を確かめてください")
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise DatabaseError(
                f"{path.parent} に書き込めません（WAL の作業ファイルに書き込み権限が要ります）"
            )
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(path, readonly)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        from inspect_tui.store.integrity import restore_hint

        raise DatabaseError(
            "\n".join([f"{path} は使えるデータベースではありません（{exc}）。", *restore_hint(path)])
        ) from None
    if check and not is_new:
        from inspect_tui.store.integrity import verify_on_open

        try:
            verify_on_open(conn, path)
        except BaseException:
            conn.close()
            raise
    try:
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseError(
            f"{path} は使えるデータベースではありません（{exc}）。"
            "バックアップから戻すか、別のファイルを指定してください"
        ) from None
    conn.row_factory = sqlite3.Row
    db = Database(path, conn, readonly=readonly)
    if version > SCHEMA_VERSION:
        conn.close()
        raise DatabaseError(
            f"{path} はこのアプリより新しい版（スキーマ {version}、対応は {SCHEMA_VERSION} まで）で"
            "作られています。inspect-tui を更新してください"
        )
    if version < SCHEMA_VERSION:
        if readonly:
            conn.close()
            raise DatabaseError(f"{path} は古い版です。書き込みできる状態で一度開いて更新してください")
        migrate(db, version)
    if register_owner and not readonly:
        _register_first_manager(db)
    return db


def file_owner_login(path: Path) -> str:
    """The OS account that owns the file at path."""
    from inspect_tui.services.trust.identity import login_of_uid

    return login_of_uid(path.stat().st_uid)


def _register_first_manager(db: Database) -> None:
    """A database nobody is registered in gets exactly one manager: the OS user owning the file.

    This runs for a new file, a 0-byte file being initialised and an old file
    from before the users table; an empty users table never means "everyone is
    a manager" (services.trust.role_of treats unregistered logins as monitors).
    """
    conn = db.conn
    if conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None:
        return
    from inspect_tui.core.today import now_jp_iso

    conn.execute("BEGIN IMMEDIATE")
    try:
        register_owner_as_manager(db, now_jp_iso())
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise


def register_owner_as_manager(db: Database, at: str) -> str:
    """Register the file's owner as a manager, audited (inside the caller's transaction)."""
    from inspect_tui.store.audit import record_audit

    owner = file_owner_login(db.path)
    db.conn.execute(
        "INSERT OR IGNORE INTO users (login, role, created_at) VALUES (?, 'manager', ?)", (owner, at)
    )
    record_audit(db, owner, "add", "user", owner, None, {"role": "manager", "surveyor_code": None}, at=at)
    return owner


def migrate(db: Database, from_version: int) -> None:
    """Apply every migration numbered above from_version, one transaction each."""
    for number, script in MIGRATIONS:
        if number <= from_version:
            continue
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                db.conn.execute(statement)
            db.conn.execute(f"PRAGMA user_version = {number}")
            db.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            rollback(db.conn)
            raise DatabaseError(f"{db.path}: スキーマ {number} への更新に失敗しました: {exc}") from None


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside our SQL strings)."""
    out, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        if line.rstrip().endswith(";"):
            stmt = "\n".join(buf).strip()
            if stmt:
                out.append(stmt)
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        out.append(rest)
    return out


def permission_warning(path: Path) -> str | None:
    """A warning when the database file or its folder can be read by others."""
    try:
        for p in (path, path.parent):
            mode = p.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                return (
                    f"{p} は他のユーザーからも読めます（{stat.filemode(mode)}）。"
                    f"chmod {'700' if p.is_dir() else '600'} {p} で本人だけにしてください"
                )
    except OSError:
        return None
    return None
