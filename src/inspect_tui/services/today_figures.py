"""What the Today screen shows, read in one call: the dashboard (services.today) and the line on
the contract's deliverables (services.contract). The screen's reload, the app's first read and
the read-ahead call ``today_figures``; a module of its own, since the contract's register
reads the dashboard too.

``read_ahead`` reads them before the app's session is open, from a read-only connection
(tui/read_ahead.py runs it in a child process, beside the import of Textual). It reads only
when that is certain to be what the app's session would read, and otherwise says None, so
the app reads them itself as it always did:

- the file exists and an ok ``quick_check`` of it as it is now is remembered
  (store.integrity): nothing is shown from a file the app has not found sound;
- its schema is the app's (a read-only connection migrates nothing: an old file raises);
- the connection is read-only (SQLite's mode=ro), so whatever the figures' code does, the
  file is never written.

The config is the app's; with indicator files, their usable part, as the app's session uses.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from inspect_tui.core.today import today_jp
from inspect_tui.services.config import Config
from inspect_tui.services.errors import DatabaseError
from inspect_tui.services.session import Session, open_session
from inspect_tui.services.today.dashboard import build_dashboard
from inspect_tui.services.today.figures import Dashboard, DeliverablesLine, StampedFigures
from inspect_tui.store.integrity import file_key, remembered_sound


def today_figures(s: Session, today: dt.date) -> Dashboard:
    """The Today screen's figures: the dashboard and the contract's deliverables' line."""
    from inspect_tui.services.contract.deliverables import today_summary

    d = build_dashboard(s, today)
    summary = today_summary(s, today)
    if summary is not None:
        d.deliverables = DeliverablesLine(summary.overdue, summary.due_soon, summary.line(today))
    return d


def read_ahead(db_path: Path, config: Config, today: dt.date | None = None) -> StampedFigures | None:
    """The Today figures of db_path for today (Japan) with the file's stamps as they were
    read, or None when the app must read them."""
    path = Path(db_path).expanduser()
    try:
        stamps = file_key(path) if path.is_file() else None
    except OSError:
        return None
    if stamps is None or not remembered_sound(path, stamps):  # the check of this very state
        return None
    if config.sla_file or config.kpi_file:  # a broken one: the shipped ones, as the app's session
        from inspect_tui.services.config_check import indicators_in_use

        config = indicators_in_use(config)[0]
    try:
        session = open_session(path, config, create=False, check=False, readonly=True)
    except DatabaseError:
        return None
    try:
        figures = today_figures(session, today or today_jp())
    except sqlite3.Error:  # (a write the figures tried: mode=ro refused it) the app reads them
        return None
    finally:
        session.close()
    if file_key(path) != stamps:  # written while they were read: not one state of the file
        return None
    return StampedFigures(stamps, figures)
