"""core/today.py: today and now in Japan, whatever the server's clock is set to."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

ASK = (
    "import datetime as dt\n"
    "from inspect_tui.core.today import now_jp, now_jp_iso, today_jp\n"
    "utc = dt.datetime.now(dt.timezone.utc)\n"
    "print(utc.isoformat(), today_jp().isoformat(), now_jp().isoformat(), now_jp_iso())\n"
)


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Kiritimati", "UTC"])
def test_today_and_now_are_japan_time_whatever_the_servers_time_zone(zone):
    """UTC+9 (Japan keeps no daylight saving): Los Angeles is 16-17 hours behind it and
    Kiritimati 5 ahead, so on most hours of the day one of them is on another date."""
    env = {k: v for k, v in os.environ.items() if k != "INSPECT_TUI_TODAY"} | {"TZ": zone}
    out = subprocess.run([sys.executable, "-c", ASK], capture_output=True, text=True, check=True, env=env)
    utc_text, today, now, iso = out.stdout.split()
    japan = dt.datetime.fromisoformat(utc_text) + dt.timedelta(hours=9)
    stamped = dt.datetime.fromisoformat(iso)
    assert iso.endswith("+09:00")
    assert abs(stamped - dt.datetime.fromisoformat(utc_text)) < dt.timedelta(seconds=5)
    assert today in {japan.date().isoformat(), (japan + dt.timedelta(seconds=5)).date().isoformat()}
    assert abs(dt.datetime.fromisoformat(now) - japan.replace(tzinfo=None)) < dt.timedelta(seconds=5)


def test_a_pinned_day_keeps_japans_time_of_day(monkeypatch):
    from inspect_tui.core.today import now_jp, today_jp

    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-04-01")
    assert today_jp() == dt.date(2027, 4, 1)
    assert now_jp().date() == dt.date(2027, 4, 1)
