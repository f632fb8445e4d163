"""The case importer's writes: plain executemany (store.cases.insert_cases, what the
importer does) against sqlite-utils ``insert_all`` and ``upsert_all`` of the same rows.

Run: ``.venv/bin/python bench/m_upsert.py [10000 100000]``. Each size: a fresh database
with the app's schema, N new cases written in one transaction, then the same N rows
again with one column changed (the re-import: executemany UPDATE keyed by case_no
against ``upsert_all(pk="case_no")``). Medians of 3 runs, milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from inspect_tui.store.cases import CASE_COLUMNS, due_columns, insert_cases
from inspect_tui.store.connection import utils_view
from inspect_tui.store.db import open_database

COLS = (*CASE_COLUMNS, "status", *due_columns(), "updated_at")


def rows(n: int, ward: str = "北区") -> list[dict]:
    base = dict.fromkeys(COLS)
    base.update(insurer="", is_home=1, welfare=0, application="新規", urgent=0, status="received")
    return [{**base, "case_no": f"R9-{i:06d}", "ward": ward, "received_on": "2027-04-01"} for i in range(n)]


def timed(fn) -> float:
    t = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - t) / 1e6


def one_run(n: int, folder: Path, way: str) -> tuple[float, float]:
    path = folder / f"{way}.db"
    for p in folder.glob(f"{way}.db*"):
        p.unlink()
    db = open_database(path)
    conn = db.conn
    fresh, changed = rows(n), rows(n, ward="南区")

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        if way == "executemany":
            insert_cases(db, fresh)
        else:
            utils_view(conn)["cases"].insert_all(fresh, batch_size=1000)
        conn.execute("COMMIT")

    def upsert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        if way == "executemany":
            conn.executemany(
                "UPDATE cases SET ward = ? WHERE case_no = ?", ((r["ward"], r["case_no"]) for r in changed)
            )
        else:
            utils_view(conn)["cases"].upsert_all(changed, pk="case_no", batch_size=1000)
        conn.execute("COMMIT")

    a, b = timed(insert), timed(upsert)
    assert conn.execute("SELECT count(*) FROM cases WHERE ward = '南区'").fetchone()[0] == n
    db.close()
    return a, b


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(
            "| rows | insert: executemany | insert_all | ratio | update: executemany | upsert_all | ratio |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for n in sizes:
            runs: dict[str, list[tuple[float, float]]] = {"executemany": [], "sqlite-utils": []}
            for _ in range(3):
                for way in runs:
                    runs[way].append(one_run(n, folder, way))
            (ei, eu), (si, su) = (
                tuple(statistics.median(r[k] for r in runs[w]) for k in (0, 1)) for w in runs
            )
            cells = [f"{n:,}", f"{ei:,.0f} ms", f"{si:,.0f} ms", f"{si / ei:.2f}x"]
            cells += [f"{eu:,.0f} ms", f"{su:,.0f} ms", f"{su / eu:.2f}x"]
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
