"""The benchmark's databases: the product's own demo generator, cached.

``demo_db(cases)`` returns the path of a demo database of about that many
cases, built by ``inspect_tui.demo.build.build_demo`` (the same generator as
``inspect-tui demo``, so the benchmark sees the data a user sees) and kept in
bench/_work/ under a name keyed by BENCH_DB_VERSION and a hash of the
schema and of demo/*.py: a change to either rebuilds, a rerun reuses.

Sizes: the "city" keeps one span (YEARS, ending at TODAY) and scales by the
number of districts: 100k cases = 1 district (district C, the config's
default wards, so its rows import without a config), 1M cases = 10 districts.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import shutil
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WORK = BENCH_DIR / "_work"
BENCH_DB_VERSION = "1"

#: "today" everywhere in the benchmark (the demo's scenarios and the TUI's clock).
TODAY = dt.date(2026, 11, 20)
#: A span ending at TODAY that gives ~100,000 cases per district.
YEARS = 6.9
CASES_PER_DISTRICT = 100_000


@functools.cache
def _source_hash() -> str:
    """BENCH_DB_VERSION, the schema and the demo generator's sources, read once per run (a
    source edited while a run is going must not make it rebuild a database half-way).

    A new migration or any change to demo/*.py rebuilds the databases
    (stale demo data once made the import benchmark read rows the current
    validation rejects); a rerun with the same code reuses them.
    """
    import inspect_tui.demo as demo
    from inspect_tui.store.schema import MIGRATIONS

    h = hashlib.sha256(BENCH_DB_VERSION.encode())
    for m in MIGRATIONS:
        h.update(m.path.name.encode())
        h.update(m.path.read_bytes())
    for src in sorted(Path(demo.__file__).parent.glob("*.py")):
        h.update(src.name.encode())
        h.update(src.read_bytes())
    return h.hexdigest()[:10]


def districts_for(cases: int) -> tuple[int, float]:
    """(districts, years) for about `cases` cases: whole districts over YEARS, or part of one."""
    if cases >= CASES_PER_DISTRICT:
        return round(cases / CASES_PER_DISTRICT), YEARS
    return 1, YEARS * cases / CASES_PER_DISTRICT


def demo_db(cases: int, *, log=print, rebuild: bool = False, work: Path = WORK) -> tuple[Path, float | None]:
    """(path, seconds spent building or None if cached) of a demo DB of about `cases` cases."""
    from inspect_tui.demo.build import build_demo

    districts, years = districts_for(cases)
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"demo_{cases}_{_source_hash()}.db"
    if path.exists() and not rebuild:
        return path, None
    for old in work.glob(f"demo_{cases}_*.db*"):
        old.unlink()
    log(f"  building {path.name}: {districts} district(s) x {years:g} years ...")
    t0 = time.perf_counter()
    build_demo(path, seed=1, today=TODAY, years=years, force=True, districts=districts)
    took = time.perf_counter() - t0
    log(f"  built in {took:.1f} s")
    return path, took


def fresh_copy(src: Path, dst: Path) -> Path:
    """A copy of a (checkpointed) database file, for runs that write."""
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(dst) + suffix)
        if p.exists():
            p.unlink()
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)
    return dst
