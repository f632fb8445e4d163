"""Opening the case database: one local SQLite file.

WAL mode, foreign keys on, a busy timeout, the schema migrated in place, and
new files and folders readable by the owner only.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import stat
from collections.abc import Sequence
from pathlib import Path

from inspect_tui.store.chain_functions import acting_as
from inspect_tui.store.connection import (
    BUSY_TIMEOUT_MS,
    Database,
    DatabaseError,
    connect,
    rollback,
    utils_view,
)
from inspect_tui.store.integrity import restore_hint, verify_on_open
from inspect_tui.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration

__all__ = [
    "BUSY_TIMEOUT_MS",
    "Database",
    "DatabaseError",
    "migrate",
    "open_database",
    "permission_warning",
    "rollback",
]


def _make_private_dir(folder: Path) -> None:
    """Create folder and any missing parents, each readable by the owner only."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for p in reversed(missing):
        p.mkdir(mode=0o700)


def open_database(
    path: Path | str,
    *,
    create: bool = True,
    readonly: bool = False,
    check: bool = False,
) -> Database:
    """Open (and migrate) the database at path; create it owner-only if absent.

    With check, an existing file must pass ``PRAGMA quick_check`` (store.integrity)
    before anything is written to it (journal mode, migrations) or read from it.
    Who may use it is not decided here: services.session registers the file's
    owner as its one manager when nobody is registered (store.users).
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
        conn = connect(path, readonly)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise DatabaseError(
            "\n".join([f"{path} は使えるデータベースではありません（{exc}）。", *restore_hint(path)])
        ) from None
    if check and not is_new:
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
    return db


def migrate(db: Database, from_version: int, migrations: Sequence[Migration] | None = None) -> None:
    """Apply every migration numbered above from_version, one transaction each; then
    (re)make the history triggers from the new schema (store/history.py).

    A Python migration runs with foreign keys off (set before its transaction: SQLite
    ignores the pragma inside one), so a table rebuilt by ``table.transform()`` fires
    no ``ON DELETE`` on the rows that point at it; ``PRAGMA foreign_key_check`` must
    then come back empty before it commits.
    """
    for m in MIGRATIONS if migrations is None else migrations:
        if m.number <= from_version:
            continue
        try:
            if m.is_python:
                _apply_python(db, m)
            else:
                _apply_sql(db, m)
        except Exception as exc:  # a failed step of ours, whatever raised: roll back, say which
            rollback(db.conn)
            raise DatabaseError(f"{db.path}: スキーマ {m.number} への更新に失敗しました: {exc}") from None
        finally:
            if m.is_python:
                db.conn.execute("PRAGMA foreign_keys = ON")
    _install_history(db)


def _install_history(db: Database) -> None:
    """The history triggers for the schema as migrated, with a baseline of new tables' rows."""
    if db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_salt'").fetchone() is None:
        return  # a schema from before the history (tests that stop early)
    # here, not at the top: opening a file already migrated (every command but the first
    # after an upgrade) never makes triggers, and the trigger rules were ~1.2 ms of its imports
    from inspect_tui.store.history import install

    db.conn.execute("BEGIN IMMEDIATE")
    try:
        with acting_as("(移行)"):
            install(db.conn)
        db.conn.execute("COMMIT")
    except sqlite3.Error as exc:
        rollback(db.conn)
        raise DatabaseError(f"{db.path}: 変更履歴の準備に失敗しました: {exc}") from None


def _apply_sql(db: Database, m: Migration) -> None:
    db.conn.execute("BEGIN IMMEDIATE")
    for statement in _statements(m.sql()):
        db.conn.execute(statement)
    db.conn.execute(f"PRAGMA user_version = {m.number}")
    db.conn.execute("COMMIT")


def _apply_python(db: Database, m: Migration) -> None:
    spec = importlib.util.spec_from_file_location(f"inspect_tui_migration_{m.number:04d}", m.path)
    if spec is None or spec.loader is None:
        raise ValueError(f"{m.path.name} を読み込めません")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    step = getattr(module, "migrate", None)
    if not callable(step):
        raise ValueError(f"{m.path.name} に migrate(db) がありません")
    db.conn.execute("PRAGMA foreign_keys = OFF")
    db.conn.execute("BEGIN IMMEDIATE")
    step(utils_view(db.conn))
    broken = db.conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise ValueError(f"参照の切れた行が {len(broken)} 件あります（表 {broken[0][0]}）")
    db.conn.execute(f"PRAGMA user_version = {m.number}")
    db.conn.execute("COMMIT")


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
