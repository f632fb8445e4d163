"""The history triggers: what they add to a bulk write, and how long `audit verify` takes.

Write overhead: the same full-validation import of an N-row cases CSV
(``services.importing.import_file``, as m_import) into a fresh database twice,
once as the app makes it (every row recorded by the triggers into the chain)
and once with the history triggers dropped first (the import as it was before
the history). The ratio is the triggers' cost.

Verify: ``store.audit_verify.verify_all`` (the chain recomputed, the log
replayed against every table) on the imported database, and on a demo
database of about N cases when one is given (its history is what the demo's
own writes left: every case, event, review row and the app's audit rows).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from common import Result, repeat, time_ns
from m_import import empty_with_roster, write_csv


def _drop_history(path: Path) -> None:
    from inspect_tui.store.history import TRIGGER_PREFIX

    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in names:
        if name.startswith(TRIGGER_PREFIX):
            conn.execute(f'DROP TRIGGER "{name}"')
    conn.commit()
    conn.close()


def _copy(template: Path, dst: Path) -> None:
    for p in (dst, Path(f"{dst}-wal"), Path(f"{dst}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(template, dst)


def _verify(path: Path) -> tuple[int, int]:
    """(ns, chain rows) of one verify of the file; fails loudly if it does not verify."""
    from inspect_tui.store.audit_verify import verify_all
    from inspect_tui.store.db import open_database

    db = open_database(path, create=False)
    try:
        out: list = []
        ns = time_ns(lambda: out.append(verify_all(db)))
    finally:
        db.close()
    verdict = out[0]
    if not verdict.ok:
        raise AssertionError(f"{path.name} does not verify: {verdict.problems[:3]}")
    return ns, verdict.rows


def run_import(src_db: Path, rows: int, runs: int, work: Path, log=print) -> list[Result]:
    from inspect_tui.services.config import Config
    from inspect_tui.services.importing.importer import import_file
    from inspect_tui.services.session import Session
    from inspect_tui.store.db import open_database

    csv_path = work / f"history_cases_{rows}.csv"
    n = len(write_csv(src_db, csv_path, rows))
    with_t = empty_with_roster(src_db, work / "history_template.db")
    without_t = work / "history_template_bare.db"
    _copy(with_t, without_t)
    _drop_history(without_t)
    target = work / "history_import.db"
    session: list = []

    def fresh(template: Path):
        def setup() -> None:
            if session:
                session.pop().close()
            _copy(template, target)
            session.append(Session(open_database(target, create=False), Config()))

        return setup

    def once() -> None:
        summary = import_file(session[0], "cases", csv_path)
        if summary.added != n:
            raise AssertionError(f"import added {summary.added}, expected {n}")

    ours, ref = [], []
    for _ in range(runs):
        ref += repeat(once, 1, fresh(without_t))
        ours += repeat(once, 1, fresh(with_t))
    session.pop().close()  # the last one imported with the triggers: verify it
    verify_ns, chain = _verify(target)
    log(f"  import of {n:,} rows: chain {chain:,} rows; verify {verify_ns / 1e9:.2f} s")
    return [
        Result(
            f"import {n:,}-row cases CSV, history triggers on",
            ours,
            ref,
            "the same import, triggers dropped",
            note="the triggers' write overhead",
            info_only=True,
        ),
        Result(f"audit verify after that import ({chain:,} chain rows)", [verify_ns], info_only=True),
    ]


def counts(db_path: Path) -> tuple[int, int]:
    """(cases, case events) in the file."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return (
            conn.execute("SELECT count(*) FROM cases").fetchone()[0],
            conn.execute("SELECT count(*) FROM case_events").fetchone()[0],
        )
    finally:
        conn.close()


def run_verify(db_path: Path, label: str, runs: int, log=print) -> list[Result]:
    cases, events = counts(db_path)
    log(f"  {label} demo database: {cases:,} cases, {events:,} case events")
    times, chain = [], 0
    for _ in range(runs):
        ns, chain = _verify(db_path)
        times.append(ns)
    return [
        Result(
            f"audit verify, {label} demo database ({cases:,} cases, {events:,} events, {chain:,} chain rows)",
            times,
            info_only=True,
        )
    ]
