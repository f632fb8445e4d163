"""Is the database file sound? ``PRAGMA quick_check`` when it is opened, before anything
is reported from it or written to it.

A damaged file (a few flipped bytes) still answers queries, with nonsense: the
monthly report once printed negative counts and exited 0. quick_check walks every
page and every b-tree (everything integrity_check does except matching indexes to
their tables); it reads the whole file, so its cost grows with it: about 0.13 s at
100,000 cases (89 MB) and 1.5 s at 1,000,000 (905 MB) here, where a report takes
0.06 s. An ok result is therefore remembered in a sidecar beside the database
(``.cases.db.checked``), keyed by what changes whenever anything writes the file:
device, inode, size, mtime and ctime of the file, and of its ``-wal`` when that
holds anything (ctime cannot be set back by ``touch``). It is good for 24 hours, so
damage that leaves the stamps alone (a failing disk) is found within a day. The
sidecar holds numbers only and is believed only when it is a regular file owned by
the user running the app and writable by nobody else. A failed check is never
remembered: every open checks again until the file is restored.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from pathlib import Path

from inspect_tui.store.connection import DatabaseError

#: How long an ok check of an unchanged file is believed.
CHECK_VALID_SECONDS = 24 * 3600
_SIDECAR_VERSION = 1


class DamagedDatabase(DatabaseError):
    """quick_check failed: nothing may be reported from or written to the file."""


def sidecar_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.checked")


def file_key(db_path: Path) -> list[int]:
    """Stamps that change whenever the database (or its write-ahead log) is written."""
    st = os.stat(db_path)
    key = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    try:
        wal = os.stat(f"{db_path}-wal")
    except FileNotFoundError:
        return [*key, 0]
    # An empty -wal is created by every connection and removed by the last one to
    # close: its stamps say nothing about the content.
    if wal.st_size == 0:
        return [*key, 0]
    return [*key, wal.st_size, wal.st_mtime_ns, wal.st_ctime_ns]


def remembered_sound(db_path: Path, key: list[int] | None = None) -> bool:
    """True when an ok check of the file as it is now (or as ``key``, its file_key, says it
    was) is remembered (its sidecar, within CHECK_VALID_SECONDS): opening it with check would
    not run quick_check."""
    try:
        return _remembered_ok(db_path, file_key(db_path) if key is None else key, time.time())
    except OSError:
        return False


def quick_check(conn: sqlite3.Connection, limit: int = 3) -> list[str]:
    """The problems quick_check finds (at most limit); [] when the file is sound."""
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA quick_check({int(limit)})").fetchall()]
    except sqlite3.DatabaseError as exc:  # too damaged to even walk
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def _remembered_ok(db_path: Path, key: list[int], now: float) -> bool:
    side = sidecar_path(db_path)
    try:
        st = os.lstat(side)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
            return False
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict) or data.get("v") != _SIDECAR_VERSION or data.get("result") != "ok":
        return False
    checked_at = data.get("checked_at")
    if not isinstance(checked_at, int | float) or not 0 <= now - checked_at < CHECK_VALID_SECONDS:
        return False
    return data.get("key") == key


def _remember_ok(db_path: Path, key: list[int], now: float, took_ms: int) -> None:
    side = sidecar_path(db_path)
    tmp = side.with_name(f"{side.name}.{os.getpid()}.tmp")
    record = {"v": _SIDECAR_VERSION, "key": key, "checked_at": now, "result": "ok", "took_ms": took_ms}
    try:
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(tmp, side)
    except OSError:
        # Only a saving of time: without the sidecar the next open checks again.
        tmp.unlink(missing_ok=True)


def verify_on_open(conn: sqlite3.Connection, db_path: Path) -> bool:
    """Raise DamagedDatabase if quick_check fails; True if it ran, False if remembered ok."""
    now = time.time()
    key = file_key(db_path)
    if _remembered_ok(db_path, key, now):
        return False
    t0 = time.perf_counter()
    problems = quick_check(conn)
    if problems:
        raise DamagedDatabase(damaged_message(db_path, problems[0]))
    if file_key(db_path) == key:  # nobody wrote while we looked
        _remember_ok(db_path, key, now, round((time.perf_counter() - t0) * 1000))
    return True


def damaged_message(db_path: Path, detail: str) -> str:
    """What is wrong and what to do (first, so a screen with room for a few lines shows it),
    then what quick_check said."""
    detail = " ".join(detail.replace("*** in database main ***", "").split())
    if len(detail) > 80:
        detail = detail[:77] + "..."
    return "\n".join(
        [
            f"{db_path} は壊れています。報告も記録もしません（何も書き込んでいません）",
            *restore_hint(db_path),
            f"  （PRAGMA quick_check: {detail}）",
        ]
    )


def restore_hint(db_path: Path) -> list[str]:
    """The restore command for the newest backup that passes restore's own check."""
    # imported here, on the way to an error: every command opens the file through this module
    from inspect_tui.store.backup import backup_dir, newest_good_backup

    good = newest_good_backup(db_path)
    if good is None:
        return [
            f"  正常なバックアップが見つかりません（{backup_dir(db_path)}）。"
            "ファイルはこのまま残し、バックアップの写しがあれば inspect-tui restore FILE で戻してください"
        ]
    return [f"  いちばん新しい正常なバックアップで戻すには: inspect-tui restore {good} --db {db_path}"]
