"""Today and now, in Japan time, whatever the server's time zone: the one place that asks
the clock (core/months.py counts months and fiscal years from the dates this gives).

Japan time is UTC+9 all year (no daylight saving since 1951), so a fixed offset is exact
and needs no time-zone database (a Windows Python has none without the tzdata package).
"""

from __future__ import annotations

import datetime as dt
import os

JAPAN = dt.timezone(dt.timedelta(hours=9), "JST")


def _now() -> dt.datetime:
    return dt.datetime.now(JAPAN)


def today_jp() -> dt.date:
    """Today's date in Asia/Tokyo. INSPECT_TUI_TODAY=YYYY-MM-DD pins it (tests, demos)."""
    pinned = os.environ.get("INSPECT_TUI_TODAY")
    if pinned:
        return dt.date.fromisoformat(pinned)
    now = _now()
    return dt.date(now.year, now.month, now.day)


def now_jp() -> dt.datetime:
    """Japan date (pinned like today_jp) and Japan time of day, naive (backup file names)."""
    t = _now()
    return dt.datetime.combine(today_jp(), dt.time(t.hour, t.minute, t.second))


def now_jp_iso() -> str:
    """Current Japan time as ISO text with offset, for 'recorded at' stamps."""
    return _now().isoformat(timespec="seconds")
