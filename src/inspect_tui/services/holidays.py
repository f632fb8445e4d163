"""jpholiday's answers kept per machine, so a start does not recompute the year's holidays.

jpholiday decides each day of a year against every holiday rule: 35-70 ms a year, plus
20-45 ms to import it, on the path to the Today screen's figures. Its answers for a year
never change within one jpholiday version, so they are kept in
``$XDG_CACHE_HOME/inspect-tui/holidays-<version>.json`` (system/paths.cache_dir) (owner-only) and read back in
about a millisecond; a new jpholiday version starts a new file.

The file is read strictly: anything that is not exactly a year's list of dates in that
year with names (a broken write, an edit) is ignored and the year computed again. The
cache is the person's own, in their own cache folder, like the config file; deleting it
is always safe.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import sys
from pathlib import Path

from inspect_tui.core.calendar import jpholiday_year, use_holiday_source
from inspect_tui.system.paths import cache_dir


def cache_path() -> Path:
    return cache_dir() / f"holidays-{jpholiday_version()}.json"


@functools.cache
def jpholiday_version() -> str:
    """The installed jpholiday's version: the name of its ``.dist-info`` folder, found on
    sys.path in import order as importlib.metadata finds it. importlib.metadata itself (its
    import, email parsing and all, and the lookup) took 20-30 ms on the way to the first
    figures; it is asked only when no such folder is found (an egg or a source checkout).
    Looked up once a process: the Today screen's figures ask for five years, and each
    look listed every folder on sys.path (0.4 ms)."""
    prefix, suffix = "jpholiday-", ".dist-info"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if (
                name.startswith(prefix)
                and name.endswith(suffix)
                and "-" not in name[len(prefix) : -len(suffix)]
            ):
                return name[len(prefix) : -len(suffix)]
    from importlib import metadata

    try:
        return metadata.version("jpholiday")
    except metadata.PackageNotFoundError:
        return "unknown"


def install() -> None:
    """The calendar reads its holidays through this cache from now on (open_session)."""
    use_holiday_source(cached_year_holidays)


def _read(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _valid(year: int, entry: object) -> list[tuple[dt.date, str]] | None:
    if not isinstance(entry, list):
        return None
    out = []
    for item in entry:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) for v in item)):
            return None
        try:
            day = dt.date.fromisoformat(item[0])
        except ValueError:
            return None
        if day.year != year or not item[1]:
            return None
        out.append((day, item[1]))
    return out if out else None  # every year has holidays: an empty list is not an answer


def _write(path: Path, data: dict[str, object]) -> None:
    """The whole file or nothing (a temporary file renamed over it); a folder that cannot be
    written (a read-only home) only means the next start computes again."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, sort_keys=True)
        os.replace(tmp, path)
    except OSError:  # not written: the next start computes the year again
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def cached_year_holidays(year: int) -> list[tuple[dt.date, str]]:
    """The year's holidays as jpholiday gives them, from the cache when it holds them."""
    path = cache_path()
    data = _read(path)
    found = _valid(year, data.get(str(year)))
    if found is not None:
        return found
    days = jpholiday_year(year)
    data[str(year)] = [[d.isoformat(), name] for d, name in days]
    _write(path, {k: v for k, v in data.items() if k.isdigit() and _valid(int(k), v) is not None})
    return days
