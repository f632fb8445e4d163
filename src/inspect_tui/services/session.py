"""A working session: the database, the config, the calendar and who is working.

Every service takes a Session; the TUI, the CLI and the reports build one the
same way (``open_session``), so they agree on the calendar and the config.
"""

from __future__ import annotations

from pathlib import Path

from inspect_tui.core.calendar import BusinessCalendar, get_calendar
from inspect_tui.core.records import field, record
from inspect_tui.services.config import Config, load_config
from inspect_tui.store.db import Database, open_database, permission_warning
from inspect_tui.store.users import ensure_first_manager
from inspect_tui.system.osuser import current_login


@record
class Session:
    db: Database
    config: Config = field(default_factory=Config)
    who: str = field(default_factory=current_login)

    @property
    def calendar(self) -> BusinessCalendar:
        return get_calendar(self.config.extra_closures)

    def release_connection(self) -> None:
        """The calling worker thread's job is done: its connection goes back for the next job
        (store.connection.Database.release)."""
        self.db.release()

    def close(self) -> None:
        self.db.close()

    def stopped_by_close(self, exc: BaseException) -> bool:
        """A worker's error that is only the database closing under it (the app quitting)."""
        return self.db.stopped_by_close(exc)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_session(
    db_path: Path | str,
    config: Config | None = None,
    *,
    create: bool = True,
    check: bool = True,
    readonly: bool = False,
) -> Session:
    """A session on the database at db_path. With check (the default: the CLI and the app),
    an existing file must pass ``PRAGMA quick_check`` first (store.integrity): a damaged
    one raises DamagedDatabase, and nothing is reported from it or written to it. A readonly
    session's connection cannot write (SQLite's mode=ro) and migrates nothing: an old file
    raises DatabaseError."""
    db = open_database(db_path, create=create and not readonly, check=check, readonly=readonly)
    try:
        ensure_first_manager(db)
    except BaseException:
        db.close()
        raise
    from inspect_tui.services.holidays import install

    install()  # the year's holidays from this machine's cache of jpholiday's answers
    return Session(db, config or load_config())


def file_stamps(db_path: Path | str) -> list[int] | None:
    """The database file's stamps (store.integrity.file_key: they change whenever anything
    writes it or its -wal), or None if it cannot be looked at."""
    from inspect_tui.store.integrity import file_key

    try:
        return file_key(Path(db_path).expanduser())
    except OSError:
        return None


def share_page_cache() -> None:
    """For a process that stays open (the TUI): its connections' page caches together stay
    within store.connection.SHARED_CACHE_KIB, not each within its own (a worker's each)."""
    from inspect_tui.store.connection import limit_shared_cache

    limit_shared_cache()


def reopen(s: Session) -> Session:
    """A session of its own on the same file, for the same person (a background job that must
    not share the app's session, which the app may close while the job still runs)."""
    return Session(open_database(s.db.path, create=False), s.config, s.who)


__all__ = ["Session", "file_stamps", "open_session", "permission_warning", "reopen", "share_page_cache"]
