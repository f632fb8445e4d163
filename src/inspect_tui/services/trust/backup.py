"""Backups: the daily automatic one (seed 002, データバックアップ), ``inspect-tui backup``
and ``inspect-tui restore``."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from inspect_tui.core.today import today_jp
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store.audit import record_audit
from inspect_tui.store.backup import (
    DEFAULT_KEEP,
    BackupCancelled,
    BackupError,
    BackupResult,
    Cancelled,
    backed_up_on,
    check_file,
    keep_broken_copy,
    make_backup,
    open_for_restore,
    part_file,
    remove_stale_parts,
    restore_into,
)
from inspect_tui.store.db import Database, open_database

__all__ = [
    "DEFAULT_KEEP",
    "BackupCancelled",
    "BackupError",
    "backup_now",
    "check_file",
    "maybe_daily_backup",
    "restore",
]


@writes("backup")
def backup_now(
    s: Session, keep: int = DEFAULT_KEEP, full_check: bool | None = None, cancelled: Cancelled | None = None
) -> BackupResult:
    """A backup now; full_check None: integrity_check once a week, quick_check between.
    cancelled: see store.backup.make_backup (BackupCancelled, nothing left behind)."""
    return make_backup(s.db, keep=keep, full_check=full_check, cancelled=cancelled)


def maybe_daily_backup(
    s: Session, keep: int = DEFAULT_KEEP, cancelled: Cancelled | None = None
) -> Path | None:
    """On the first start of a (Japan) day, back up; returns the new file or None.

    Runs for whoever starts the app first that day, whatever their role: the
    copy stays beside the database, owner-only. Every start also removes the
    partial copies a killed backup or restore left (they hold personal data).
    A cancelled one (the app quit) leaves nothing, so the next start makes it again.
    """
    remove_stale_parts(s.db.path)
    if backed_up_on(s.db.path, today_jp()):
        return None
    return make_backup(s.db, keep=keep, cancelled=cancelled).path


def restore(db_path: Path, source: Path, who: str, keep: int = DEFAULT_KEEP) -> Path | None:
    """Replace db_path with the checked backup at source; the replaced file is backed up first.

    Returns the safety copy of the replaced database (None if there was none).
    The caller asks the user first (the CLI refuses without a terminal unless --yes),
    and checks the person is a manager of the current database.
    """
    source = source.expanduser().resolve()
    if db_path.exists() and source == db_path.resolve():
        raise BackupError("復元元と復元先が同じファイルです")
    check_file(source)
    safety: Path | None = None
    db = open_for_restore(db_path)
    try:
        if db_path.stat().st_size > 0:
            safety = _safety_copy(db, keep)
        if safety is not None and safety.suffix == ".broken":
            # Not a database any more: SQLite cannot write into it; swap the file instead.
            db.close()
            _replace_file(db_path, source)
            db = open_for_restore(db_path)
        else:
            restore_into(db, source)
        _audit_restore(db, who, source, safety)
    finally:
        db.close()
    return safety


def _replace_file(db_path: Path, source: Path) -> None:

    tmp = db_path.with_name(f".{db_path.name}.restoring.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    with part_file(tmp):  # a copy with personal data: removed on the next start if we are killed
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dest = sqlite3.connect(tmp)
        try:
            src.backup(dest)
        finally:
            dest.close()
            src.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, db_path)


def _safety_copy(db: Database, keep: int) -> Path:
    try:
        return make_backup(db, keep=max(keep, 1) + 1).path
    except BackupError:
        # A broken database cannot go through the backup API: keep its bytes as they are.
        return keep_broken_copy(db.path, keep)


def _audit_restore(db: Database, who: str, source: Path, safety: Path | None) -> None:

    db.conn.close()
    with open_database(db.path, create=False) as fresh:  # migrates an older backup in place
        record_audit(
            fresh,
            who,
            "restore",
            "database",
            db.path.name,
            None,
            {"from": source.name, "replaced_copy": safety.name if safety else None},
        )
