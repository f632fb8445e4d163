"""Import of a 100,000-row cases CSV, against plain executemany of the same rows.

The CSV is written from the 100k demo database (the city's column names in
Japanese, UTF-8 with BOM, blanks where the demo purged personal data). Each
run imports it into a fresh copy of an empty database that holds only the
surveyor roster (so the surveyor codes validate), with full validation:
``services.importing.import_file(session, "cases", path)``.

The reference, on another fresh copy: read and decode the file, csv.reader,
and executemany the same rows (status and stored deadlines precomputed, not
timed) plus its step events and one import event per case, in one transaction: the writes the
import makes, without the checking. After the first run the two databases
are compared: same cases, same status and deadlines.

Then each side imports the file once more in a process of its own, and its peak memory
(VmHWM) is compared: ours against the reference with its inputs as timed (the file read
whole, the derived columns a list).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from common import Result, repeat

#: CSV header (the city's names) -> column.
HEADERS = {
    "依頼番号": "case_no",
    "保険者": "insurer",
    "生活保護": "welfare",
    "申請区分": "application",
    "区": "ward",
    "被保険者番号": "insured_no",
    "氏名": "applicant_name",
    "生年月日": "birth_date",
    "依頼受理日": "received_on",
    "発送日": "dispatched_on",
    "緊急": "urgent",
    "調査員": "surveyor",
    "同行者": "accompanied_by",
    "日程調整日": "contacted_on",
    "訪問日": "visited_on",
    "提出日": "submitted_on",
    "受理日": "accepted_on",
    "中止日": "cancelled_on",
    "返却日": "returned_on",
}
DERIVED = ("is_home", "status", "contact_due", "standard_due", "target20_due")
#: (date column, step kind) each imported date becomes (core.history.DATE_STEPS)
STEP_COLUMNS = (
    ("received_on", "received"),
    ("contacted_on", "contact"),
    ("visited_on", "visit"),
    ("submitted_on", "submit"),
    ("accepted_on", "accept"),
    ("cancelled_on", "cancel"),
    ("returned_on", "return"),
)
COMPARE = (
    "SELECT case_no, is_home, status, contact_due, standard_due, target20_due FROM cases ORDER BY case_no"
)


REF_COLUMNS = (*HEADERS.values(), *DERIVED, "updated_at")
REF_INSERT = f"INSERT INTO cases ({', '.join(REF_COLUMNS)}) VALUES ({', '.join('?' * len(REF_COLUMNS))})"
STAMP = "2026-11-20T09:00:00+09:00"


def reference_import(conn: sqlite3.Connection, csv_path: Path, derived: list) -> None:
    """The reference: read and decode the file, csv.reader, executemany the rows with their
    derived columns, then their step events and one import event per case, one transaction."""
    text = csv_path.read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        REF_INSERT,
        ((*(c or None for c in cells), *d, STAMP) for cells, d in zip(reader, derived, strict=True)),
    )
    for column, kind in STEP_COLUMNS:  # each date is a step event (store.events), in step order
        conn.execute(
            "INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note, source)"
            f" SELECT id, ?, {column}, ?, 'bench', '', 'import' FROM cases WHERE {column} IS NOT NULL",
            (kind, STAMP),
        )
    conn.execute(
        "INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note)"
        " SELECT id, 'import', NULL, ?, 'bench', '取込' FROM cases",
        (STAMP,),
    )
    conn.execute("COMMIT")


def reference_connection(path: Path) -> sqlite3.Connection:
    """The reference's connection: the app's chain functions (the history triggers record its
    writes too) and the app's journal settings."""
    from inspect_tui.store.chain_functions import register as register_chain_functions

    conn = sqlite3.connect(path, isolation_level=None)
    register_chain_functions(conn)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


#: a child process doing one import into a fresh copy of the template, printing its peak memory
_PEAK_CHILD = textwrap.dedent(
    """
    import json, shutil, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    import m_import
    mode, template, target, csv_path, derived_json = sys.argv[2], *map(Path, sys.argv[3:7])
    shutil.copyfile(template, target)
    if mode == "ours":
        from inspect_tui.services.config import Config
        from inspect_tui.services.importing.importer import import_file
        from inspect_tui.services.session import Session
        from inspect_tui.store.db import open_database

        wards = tuple(json.loads(sys.argv[8]))  # the source's districts (ten at 1M), else the default
        s = Session(open_database(target, create=False), Config(wards=wards) if wards else Config())
        summary = import_file(s, "cases", csv_path)
        assert summary.added == int(sys.argv[7]), summary
        s.close()
    else:
        derived = [tuple(d) for d in json.loads(derived_json.read_text(encoding="utf-8"))]
        conn = m_import.reference_connection(target)
        m_import.reference_import(conn, csv_path, derived)
        conn.close()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(int(line.split()[1]) * 1024)
    """
)


def peak_memory(
    mode: str, template: Path, target: Path, csv_path: Path, derived: list, wards: tuple[str, ...] = ()
) -> int:
    """VmHWM of a process importing csv_path into a copy of template: ours or the reference.
    wards: the source database's districts when they are not the default config's (1M)."""
    derived_json = csv_path.with_suffix(".derived.json")
    derived_json.write_text(json.dumps([list(d) for d in derived]), encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            _PEAK_CHILD,
            str(Path(__file__).resolve().parent),
            mode,
            str(template),
            str(target),
            str(csv_path),
            str(derived_json),
            str(len(derived)),
            json.dumps(list(wards), ensure_ascii=False),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    for p in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        p.unlink(missing_ok=True)
    return int(out.stdout.split()[-1])


def write_csv(src_db: Path, out: Path, rows: int) -> list[tuple]:
    """The CSV of the first `rows` cases; returns their derived columns in file order."""
    conn = sqlite3.connect(f"file:{src_db}?mode=ro", uri=True)
    cols = ", ".join(HEADERS.values())
    data = conn.execute(
        f"SELECT {cols}, {', '.join(DERIVED)} FROM cases"
        # a row of dates is one survey: re-surveyed or resubmitted forms need their events
        " WHERE cycles = 1 AND last_submitted_on IS submitted_on ORDER BY id LIMIT ?",
        (rows,),
    ).fetchall()
    conn.close()
    n = len(HEADERS)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS)
    for r in data:
        w.writerow(["" if v is None else v for v in r[:n]])
    out.write_text(buf.getvalue(), encoding="utf-8-sig", newline="")
    return [r[n:] for r in data]


def empty_with_roster(src_db: Path, out: Path) -> Path:
    """A new database (the app's schema) holding only src_db's surveyors."""
    from inspect_tui.store.db import open_database

    for p in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
        p.unlink(missing_ok=True)
    db = open_database(out)
    from inspect_tui.store.users import ensure_first_manager

    ensure_first_manager(db)  # whoever runs the benchmark owns the file: its manager imports
    db.conn.execute("ATTACH DATABASE ? AS src", (f"file:{src_db}?mode=ro",))
    db.conn.execute("INSERT INTO surveyors SELECT * FROM src.surveyors")
    db.conn.execute("DETACH DATABASE src")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return out


def _copy(template: Path, dst: Path) -> None:
    for p in (dst, Path(f"{dst}-wal"), Path(f"{dst}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(template, dst)


def run(src_db: Path, rows: int, runs: int, work: Path, log=print) -> list[Result]:
    from inspect_tui.services.config import Config
    from inspect_tui.services.importing.importer import import_file
    from inspect_tui.services.session import Session
    from inspect_tui.store.cases import CASE_COLUMNS
    from inspect_tui.store.db import open_database

    csv_path = work / f"cases_{rows}.csv"
    derived = write_csv(src_db, csv_path, rows)
    template = empty_with_roster(src_db, work / "import_template.db")
    target, ref_target = work / "import_ours.db", work / "import_ref.db"
    if list(HEADERS.values()) != [c for c in CASE_COLUMNS if c != "is_home"]:
        raise AssertionError("CSV columns no longer match store.cases.CASE_COLUMNS")

    session = None

    def fresh_ours() -> None:
        nonlocal session
        if session is not None:
            session.close()
        _copy(template, target)
        session = Session(open_database(target, create=False), Config())

    def ours() -> None:
        summary = import_file(session, "cases", csv_path)
        if summary.added != len(derived):
            raise AssertionError(f"import added {summary.added}, expected {len(derived)}")

    ref_conn = None

    def fresh_ref() -> None:
        nonlocal ref_conn
        if ref_conn is not None:
            ref_conn.close()
        _copy(template, ref_target)
        ref_conn = reference_connection(ref_target)

    def reference() -> None:
        reference_import(ref_conn, csv_path, derived)

    ours_t, ref_t = [], []
    for i in range(runs):
        ours_t += repeat(ours, 1, fresh_ours)
        ref_t += repeat(reference, 1, fresh_ref)
        if i == 0:
            a = session.db.conn.execute(COMPARE).fetchall()
            b = ref_conn.execute(COMPARE).fetchall()
            if [tuple(r) for r in a] != b:
                raise AssertionError("imported cases differ from the source rows (status or deadlines)")
            log(f"  import of {len(derived):,} rows == plain rows (status, is_home, stored deadlines)")
    session.close()
    ref_conn.close()
    log("  peak memory: one import in a process of its own, each side ...")
    scratch = work / "import_peak.db"
    mem_ours = peak_memory("ours", template, scratch, csv_path, derived)
    mem_ref = peak_memory("reference", template, scratch, csv_path, derived)
    return [
        Result(
            f"import {len(derived):,}-row cases CSV (full validation)",
            ours_t,
            ref_t,
            "csv.reader + executemany",
            max_ratio=2.0,
        ),
        Result(
            f"peak memory (VmHWM) of a process importing the {len(derived):,}-row CSV into an empty database",
            [mem_ours],
            [mem_ref],
            "a process running the reference (the file read whole, csv.reader, executemany)",
            unit="bytes",
            max_ratio=1.5,
        ),
    ]
