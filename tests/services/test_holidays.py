"""The year's holidays kept per machine: the same answers as jpholiday, read back without it,
and never trusted when the file is not exactly what was written."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest

from inspect_tui.core import calendar as cal
from inspect_tui.services import holidays


@pytest.fixture
def no_jpholiday(monkeypatch):
    """After the first computation: any call to jpholiday fails the test."""

    def refuse(year):
        raise AssertionError(f"jpholiday asked for {year}")

    def arm():
        monkeypatch.setattr(holidays, "jpholiday_year", refuse)

    return arm


def test_the_cache_gives_jpholidays_answers_and_then_needs_no_jpholiday(no_jpholiday):
    years = range(2019, 2031)
    first = {y: holidays.cached_year_holidays(y) for y in years}
    assert all(first[y] == cal.jpholiday_year(y) for y in years)
    assert (dt.date(2019, 5, 1), "天皇の即位の日") in first[2019]  # the era change, from jpholiday
    no_jpholiday()
    assert {y: holidays.cached_year_holidays(y) for y in years} == first
    path = holidays.cache_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "jpholiday" not in path.name or path.name.startswith("holidays-")


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: "not json",
        lambda d: json.dumps([1, 2]),
        lambda d: json.dumps({**d, "2027": [["2028-01-01", "元日"]]}),  # a date of another year
        lambda d: json.dumps({**d, "2027": [["2027-13-01", "元日"]]}),
        lambda d: json.dumps({**d, "2027": []}),
        lambda d: json.dumps({**d, "2027": [["2027-01-01"]]}),
    ],
)
def test_a_damaged_or_edited_entry_is_computed_again(damage):
    right = holidays.cached_year_holidays(2027)
    path = holidays.cache_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(damage(data), encoding="utf-8")
    assert holidays.cached_year_holidays(2027) == right
    assert json.loads(path.read_text(encoding="utf-8"))["2027"][0] == ["2027-01-01", "元日"]


def test_an_unwritable_cache_folder_only_means_computing_again(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"  # a file where the folder would be: no one can write there, root neither
    blocked.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert holidays.cached_year_holidays(2027) == cal.jpholiday_year(2027)
    assert blocked.read_text(encoding="utf-8") == "x"


def test_business_days_are_the_same_through_the_cache():
    start = dt.date(2026, 12, 20)
    cal.use_holiday_source(None)
    plain = [cal.get_calendar().add_business_days(start, n) for n in range(1, 40)]
    holidays.install()
    try:
        assert cal._source is holidays.cached_year_holidays
        cached = [cal.get_calendar().add_business_days(start, n) for n in range(1, 40)]
        assert cached == plain
        assert dt.date(2027, 1, 4) in cached and dt.date(2027, 1, 11) not in cached  # 成人の日
    finally:
        cal.use_holiday_source(None)


def test_the_cache_is_named_by_jpholidays_version_without_importing_importlib_metadata():
    """The version comes from jpholiday's .dist-info folder name: importlib.metadata (20-30 ms
    with its lookup) was on the way to the first figures. Same answer as importlib.metadata."""
    import subprocess
    import sys
    from importlib import metadata

    code = (
        "import sys; from inspect_tui.services import holidays;"
        " print(holidays.cache_path().name, 'importlib.metadata' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [f"holidays-{metadata.version('jpholiday')}.json", "False"]


def test_the_version_is_looked_up_once_a_process(monkeypatch):
    """The Today screen's figures read five years through the cache; sys.path is listed for
    jpholiday's version once, not once a year."""
    import os
    import sys

    listed = []
    real = os.listdir
    monkeypatch.setattr(os, "listdir", lambda p=".": (listed.append(p), real(p))[1])
    getattr(holidays.jpholiday_version, "cache_clear", lambda: None)()  # (a fresh process)
    for year in range(2025, 2030):
        holidays.cached_year_holidays(year)
    assert 0 < len(listed) <= len(sys.path)
