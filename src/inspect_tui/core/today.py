"""Today, as a Japan date, whatever the server's time zone."""

from __future__ import annotations

import datetime as dt
import os


def today_jp() -> dt.date:
    """Today's date in Asia/Tokyo. INSPECT_TUI_TODAY=YYYY-MM-DD pins it (tests, demos)."""
    pinned = os.environ.get("INSPECT_TUI_TODAY")
    if pinned:
        return dt.date.fromisoformat(pinned)
    import pendulum

    now = pendulum.now("Asia/Tokyo")
    return dt.date(now.year, now.month, now.day)


def now_jp_iso() -> str:
    """Current Japan time as ISO text with offset, for 'recorded at' stamps."""
    import pendulum

    return pendulum.now("Asia/Tokyo").isoformat(timespec="seconds")
