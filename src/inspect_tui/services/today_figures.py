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
from inspect_tui.services.today.figures import Dashboard, DeliverablesLine, ReadAhead
from inspect_tui.store.integrity import file_key, remembered_sound


def today_figures(s: Session, today: dt.date) -> Dashboard:
    """The Today screen's figures: the dashboard and the contract's deliverables' line."""
    from inspect_tui.services.contract.deliverables import today_summary

    d = build_dashboard(s, today)
    summary = today_summary(s, today)
    if summary is not None:
        d.deliverables = DeliverablesLine(summary.overdue, summary.due_soon, summary.line(today))
    return d


def read_ahead(db_path: Path, config: Config, today: dt.date | None = None) -> ReadAhead | None:
    """The Today figures of db_path for today (Japan) with the file's stamps as they were
    read, or None when the app must read them."""
    path = Path(db_path).expanduser()
    if not path.is_file() or not remembered_sound(path):
        return None
    config = usable_config(config)
    try:
        stamps = file_key(path)
        session = open_session(path, config, create=False, check=False, readonly=True)
    except (OSError, DatabaseError):
        return None
    try:
        figures = today_figures(session, today or today_jp())
    except sqlite3.Error:  # (a write the figures tried: mode=ro refused it) the app reads them
        return None
    finally:
        session.close()
    if file_key(path) != stamps:  # written while they were read: not one state of the file
        return None
    return ReadAhead(stamps, figures)


def usable_config(config: Config) -> Config:
    """The config as the app's session uses it: with a broken indicator file, the shipped
    indicators (the app says what is wrong; tui/app.py)."""
    if not (config.sla_file or config.kpi_file):
        return config
    from inspect_tui.services.config_check import indicator_problems
    from inspect_tui.system.textfile import TextFileError, read_text

    try:
        text = read_text(config.path) if config.path else ""
    except TextFileError:
        text = ""
    return indicator_problems(config, text)[0]
