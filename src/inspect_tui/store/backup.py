"""Backups of the case database, and restoring one.

A backup is a copy made with SQLite's online backup API (consistent even while
others write), in a ``backups`` folder beside the database, owner-only, named
``<db name>-YYYYMMDD-HHMMSS.db`` (no personal data in names), and checked with
``PRAGMA integrity_check`` before it counts. The newest ``keep`` are kept.

Restoring checks the file first (integrity, an inspect-tui schema not newer
than this app's), backs up the database it replaces, then copies the backup in
through the same backup API, so other connections see either the old or the
new database, never half of each.

Every copy is written to a ``.part`` file first and renamed when complete. A
copy holds applicants' personal data, so a ``.part`` left by a process that was
killed is removed by the next backup and on the app's start
(``remove_stale_parts``). A live one is told apart by its lock: the process
writing it holds ``flock`` on it until it is renamed, and the kernel lets go
when the process dies, however it dies. The ``.broken`` copies that restore keeps
of a database too damaged for the backup API are rotated like backups.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from inspect_tui.core.records import record
from inspect_tui.core.today import now_jp
from inspect_tui.store.chain_functions import register as register_chain_functions
from inspect_tui.store.connection import BUSY_TIMEOUT_MS, Database, DatabaseError
from inspect_tui.store.schema import SCHEMA_VERSION

DEFAULT_KEEP = 14
_PAGES_PER_STEP = 1024


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


class BackupCancelled(Exception):
    """The backup was stopped by its caller (the app quitting); nothing of it is left."""


#: asked between steps of a copy or a check: True stops it (BackupCancelled)
Cancelled = Callable[[], bool]

#: how many SQLite virtual-machine steps a check runs between two looks at ``cancelled``
_CHECK_STEPS = 100_000


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def _name_re(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(db_path.stem)}-(\d{{8}})-(\d{{6}})(?:-(\d+))?\.db$")


def list_backups(db_path: Path) -> list[Path]:
    """Backups of this database, oldest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    pat = _name_re(db_path)
    found = [(m, p) for p in folder.iterdir() if (m := pat.match(p.name))]
    # by date, time, then the -2, -3 … of backups made within the same second
    found.sort(key=lambda mp: (mp[0].group(1), mp[0].group(2), int(mp[0].group(3) or 1)))
    return [p for _, p in found]


def _broken_re(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(db_path.stem)}-(\d{{8}})-(\d{{6}})(?:-(\d+))?-before-restore\.broken$")


def list_broken(db_path: Path) -> list[Path]:
    """Byte copies of damaged databases kept by restore, oldest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    pat = _broken_re(db_path)
    found = [(m, p) for p in folder.iterdir() if (m := pat.match(p.name))]
    found.sort(key=lambda mp: (mp[0].group(1), mp[0].group(2), int(mp[0].group(3) or 1)))
    return [p for _, p in found]


#: the full check runs at least this often (days); the daily copy in between gets quick_check
FULL_CHECK_DAYS = 7
FULL, QUICK = "integrity_check", "quick_check"


def check_file(path: Path, *, full: bool = True, cancelled: Cancelled | None = None) -> int:
    """Integrity and schema of a database file; returns its schema version or raises BackupError.

    full: ``PRAGMA integrity_check`` (every page, and every index against its table), else
    ``quick_check`` (every page and the b-tree structure, not the index contents): 0.7 s
    against 5.3 s for a 580 MB file. A restore always checks in full.

    cancelled: asked every _CHECK_STEPS steps of the check; True stops it (BackupCancelled)."""
    if not path.is_file():
        raise BackupError(f"{path} はファイルではありません")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} を開けません（{exc}）") from None
    stopped: list[bool] = []
    if cancelled is not None:

        def handler() -> int:
            if cancelled():
                stopped.append(True)
                return 1  # non-zero: SQLite interrupts the statement
            return 0

        conn.set_progress_handler(handler, _CHECK_STEPS)
    try:
        pragma = FULL if full else QUICK
        try:
            result = conn.execute(f"PRAGMA {pragma}").fetchall()
        except sqlite3.OperationalError:
            if stopped:
                raise BackupCancelled from None
            raise
        if [tuple(r) for r in result] != [("ok",)]:
            first = "; ".join(str(r[0]) for r in result[:3])
            raise BackupError(f"{path} は壊れています（{pragma}: {first}）")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} は SQLite のデータベースではありません（{exc}）") from None
    finally:
        conn.close()
    if version > SCHEMA_VERSION:
        raise BackupError(
            f"{path} はこのアプリより新しい版（スキーマ {version}、対応は {SCHEMA_VERSION} まで）のものです"
        )
    if version < 1 or not {"cases", "users"} <= tables:
        raise BackupError(f"{path} は inspect-tui のデータベースではありません")
    return version


def newest_good_backup(db_path: Path) -> Path | None:
    """The newest backup that passes check_file (what restore checks first), or None."""
    for p in reversed(list_backups(db_path)):
        try:
            check_file(p)
        except BackupError:
            continue
        return p
    return None


def _private_file(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _copy(src: sqlite3.Connection, dest_path: Path, cancelled: Cancelled | None = None) -> None:
    """The online backup, _PAGES_PER_STEP pages (4 MB) a step; cancelled is asked after each
    (an exception in the progress callback makes the sqlite3 module abort the backup)."""

    def progress(_status: int, _remaining: int, _total: int) -> None:
        if cancelled is not None and cancelled():
            raise BackupCancelled

    dest = sqlite3.connect(dest_path)
    try:
        src.backup(dest, pages=_PAGES_PER_STEP, progress=progress)
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dest.close()


@record(frozen=True)
class BackupResult:
    path: Path
    size: int
    removed: tuple[Path, ...]
    head: str = ""  # the audit chain's head hash in the copy (kept beside it in ``.head``)
    check: str = FULL  # how the copy was checked: integrity_check or quick_check


@contextmanager
def part_file(path: Path) -> Iterator[None]:
    """Create path (owner-only, must not exist) and hold flock on it while the block writes it.

    Our descriptor is closed last, after the block: closing any descriptor of a file
    drops the POSIX locks this process holds on it, and SQLite's connections to the
    file (closed inside the block) use those.
    """
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _abandoned(path: Path) -> bool:
    """A partial file nobody is writing: its writer's lock is gone (killed, crashed)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # a live backup or restore is writing it
    finally:
        os.close(fd)
    return True


def remove_stale_parts(db_path: Path) -> list[Path]:
    """Remove partial copies left by killed backups and restores (they hold personal data)."""
    candidates = [*db_path.parent.glob(f".{db_path.name}.restoring*")]
    folder = backup_dir(db_path)
    if folder.is_dir():
        candidates += folder.glob(".*.part")
    removed = []
    for p in candidates:
        if p.is_file() and _abandoned(p):
            p.unlink(missing_ok=True)
            removed.append(p)
    # SQLite's side files of a copy (its rollback journal holds page images: personal data)
    # go with it: once their .part is gone, nobody writes them
    if folder.is_dir():
        for side in ("-journal", "-wal", "-shm"):
            for p in folder.glob(f".*.part{side}"):
                if not p.with_name(p.name.removesuffix(side)).exists():
                    p.unlink(missing_ok=True)
                    removed.append(p)
    return removed


def _next_name(folder: Path, stem: str, when: dt.datetime, suffix: str, existing: list[Path]) -> Path:
    """stem-YYYYMMDD-HHMMSS{suffix}, or -2, -3 … after the newest made within the same second."""
    stamp = f"{when:%Y%m%d-%H%M%S}"
    pat = re.compile(rf"^{re.escape(stem)}-{stamp}(?:-(\d+))?{re.escape(suffix)}$")
    same_second = [int(m.group(1) or 1) for p in existing if (m := pat.match(p.name))]
    n = max(same_second, default=0) + 1  # always after the newest, even when older ones were rotated out
    return folder / (f"{stem}-{stamp}{suffix}" if n == 1 else f"{stem}-{stamp}-{n}{suffix}")


def last_full_check(db_path: Path) -> dt.date | None:
    """The day of the newest backup checked with integrity_check (its .head says so)."""
    for p in reversed(list_backups(db_path)):
        try:
            lines = head_path(p).read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        if f"check: {FULL}" in lines:
            m = _name_re(db_path).match(p.name)
            if m:
                return dt.datetime.strptime(m.group(1), "%Y%m%d").date()
    return None


def full_check_due(db_path: Path, today: dt.date) -> bool:
    """No backup checked in full within FULL_CHECK_DAYS days (or none at all)."""
    last = last_full_check(db_path)
    return last is None or (today - last).days >= FULL_CHECK_DAYS


def make_backup(
    db: Database,
    *,
    keep: int = DEFAULT_KEEP,
    when: dt.datetime | None = None,
    full_check: bool | None = None,
    cancelled: Cancelled | None = None,
) -> BackupResult:
    """Copy the open database to a new timestamped file, check it, rotate old ones.

    full_check: True / False, or None for the rule: integrity_check when no backup of the
    last FULL_CHECK_DAYS days had one, else quick_check (the copy's pages and b-trees).
    cancelled: asked between steps of the copy and of the check; when it answers True the
    partial copy is removed and BackupCancelled raised (the app quitting mid-backup: at 1M
    cases the copy and its check take about a minute)."""
    if keep < 1:
        raise BackupError("--keep は 1 以上にしてください")
    folder = backup_dir(db.path)
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"バックアップ用のフォルダを作れません: {folder}（{exc.strerror}）") from None
    remove_stale_parts(db.path)
    when = when or now_jp()
    target = _next_name(folder, db.path.stem, when, ".db", list_backups(db.path))
    full = full_check_due(db.path, when.date()) if full_check is None else full_check
    tmp = folder / f".{target.name}.{os.getpid()}.part"
    try:
        with part_file(tmp):
            _copy(db.conn, tmp, cancelled)
            check_file(tmp, full=full, cancelled=cancelled)
            count, head = _head_of(tmp)
            _write_head(head_path(target), head, count, FULL if full else QUICK)
            os.replace(tmp, target)
    except (OSError, sqlite3.Error, BackupError, BackupCancelled) as exc:
        tmp.unlink(missing_ok=True)  # nothing of a copy that did not complete is left
        head_path(target).unlink(missing_ok=True)
        if isinstance(exc, BackupCancelled):
            raise
        if isinstance(exc, OSError):
            raise BackupError(f"バックアップを書けません: {target}（{exc.strerror}）") from None
        raise BackupError(f"バックアップに失敗しました: {exc}") from None
    size = target.stat().st_size
    removed = rotate(db.path, keep, spare=target)
    return BackupResult(target, size, tuple(removed), head, FULL if full else QUICK)


def head_path(backup: Path) -> Path:
    """Where a backup's witness is kept: the audit chain's head hash, beside the copy."""
    return backup.with_name(backup.name + ".head")


def _head_of(path: Path) -> tuple[int, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT last_id, hash FROM audit_head WHERE one = 1").fetchone()
    finally:
        conn.close()
    return (row[0], row[1]) if row else (0, "0" * 64)


def _write_head(path: Path, head: str, count: int, check: str = FULL) -> None:
    """The witness file, whole or not at all: the hash on its first line (what
    ``audit verify --witness FILE`` reads), then how many rows the chain had, then how
    the copy was checked (``check: integrity_check``: what last_full_check looks for)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(
            fd,
            f"{head}\n監査記録 {count} 件目のハッシュ"
            "（inspect-tui audit verify --witness このファイル）\n"
            f"check: {check}\n".encode(),
        )
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def keep_broken_copy(db_path: Path, keep: int = DEFAULT_KEEP) -> Path:
    """The bytes of a database too damaged for the backup API, as they are (for the record),
    owner-only, beside the backups; the newest ``keep`` are kept, like backups."""

    folder = backup_dir(db_path)
    folder.mkdir(mode=0o700, exist_ok=True)
    remove_stale_parts(db_path)
    target = _next_name(folder, db_path.stem, now_jp(), "-before-restore.broken", list_broken(db_path))
    tmp = folder / f".{target.name}.{os.getpid()}.part"
    try:
        with part_file(tmp):
            with open(db_path, "rb") as src, open(tmp, "r+b") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    rotate_broken(db_path, keep, spare=target)
    return target


def rotate(db_path: Path, keep: int, spare: Path | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` backups (never ``spare``, the one just made), and
    all but the newest ``keep`` .broken copies."""
    backups = list_backups(db_path)
    old = [p for p in (backups[:-keep] if keep > 0 else []) if p != spare]
    for p in old:
        p.unlink(missing_ok=True)
        head_path(p).unlink(missing_ok=True)
    return old + rotate_broken(db_path, keep, spare)


def rotate_broken(db_path: Path, keep: int, spare: Path | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` .broken copies (never ``spare``)."""
    broken = list_broken(db_path)
    old = [p for p in (broken[:-keep] if keep > 0 else []) if p != spare]
    for p in old:
        p.unlink(missing_ok=True)
    return old


def backed_up_on(db_path: Path, day: dt.date) -> bool:
    stamp = f"{day:%Y%m%d}"
    return any(_name_re(db_path).match(p.name).group(1) == stamp for p in list_backups(db_path))  # type: ignore[union-attr]


def restore_into(db: Database, source: Path) -> None:
    """Replace the open database's content with the backup at source (already checked)."""
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{source} を開けません（{exc}）") from None
    try:
        src.backup(db.conn, pages=_PAGES_PER_STEP)
    except sqlite3.Error as exc:
        raise BackupError(f"復元に失敗しました: {exc}") from None
    finally:
        src.close()


def open_for_restore(path: Path) -> Database:
    """The database to restore into, without migrating it (it may be broken)."""

    if path.is_dir():
        raise DatabaseError(f"{path} はフォルダです。データベースファイルのパスを指定してください")
    if not path.parent.is_dir():
        raise DatabaseError(f"フォルダがありません: {path.parent}")
    if not path.exists():
        _private_file(path)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.row_factory = sqlite3.Row
    register_chain_functions(conn)
    return Database(path, conn)
