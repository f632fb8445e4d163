"""The integrity check on open (store.integrity, issue 11).

``PRAGMA quick_check`` on the 100k and 1M databases, beside reading every byte of
the file once (its floor: quick_check visits every page); then what every command
pays once an ok check is remembered (the sidecar beside the database), beside an
open with no check at all. The numbers decide the design: a check on every CLI
call would add the first row's time to a 60 ms report.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from common import Result, time_ns


def _read_all(path: Path) -> None:
    with open(path, "rb", buffering=0) as f:
        while f.read(1 << 20):
            pass


def _interleaved(ours, ref, runs: int) -> tuple[list[int], list[int]]:
    a, b = [], []
    for _ in range(runs):
        a.append(time_ns(ours))
        b.append(time_ns(ref))
    return a, b


def run(dbs: list[tuple[Path, str]], runs: int) -> list[Result]:
    from inspect_tui.store.db import open_database
    from inspect_tui.store.integrity import quick_check, sidecar_path

    results = []
    for path, label in dbs:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            assert quick_check(conn) == [], f"{path} fails quick_check"

            def check(conn=conn) -> None:
                quick_check(conn)

            ours, ref = _interleaved(check, lambda path=path: _read_all(path), runs)
        finally:
            conn.close()
        mb = path.stat().st_size / 2**20
        results.append(
            Result(
                f"integrity: PRAGMA quick_check, {label} cases ({mb:,.0f} MB), not remembered",
                ours,
                ref,
                "reading every byte of the file",
                info_only=True,
            )
        )
    path, label = dbs[-1]
    sidecar_path(path).unlink(missing_ok=True)
    open_database(path, create=False, check=True).close()  # checks once and remembers
    assert sidecar_path(path).exists()

    def remembered() -> None:
        open_database(path, create=False, check=True).close()

    def unchecked() -> None:
        open_database(path, create=False, check=False).close()

    ours, ref = _interleaved(remembered, unchecked, max(runs, 10))
    results.append(
        Result(
            f"integrity: open with the ok check remembered, {label} cases",
            ours,
            ref,
            "the same open with no check",
            max_delta=5e6,
        )
    )
    return results
