"""Reports as a user runs them: the whole ``inspect-tui report …`` process, every format,
against a process that runs the same statements with the same bound parameters.

The statements are captured from the app's own run of that command: a child process
puts a recording ``sqlite3.Connection`` factory in place (every ``execute`` and
``executemany`` with its SQL text and its parameters as bound, before the CLI's
``main``), runs the command and writes the list. The reference is a second child
process that starts the interpreter, imports sqlite3, opens the database with the app's
page cache and runs those statements (reads only: SELECT/WITH/PRAGMA; the app's writes,
if any, are counted and named) with the same parameters, fetching every row. So the
ratio is what the app's process costs over the queries it cannot avoid: its imports,
its Python around the queries, the rendering and the writing of the file.

The app's bytecode is written first (common.compile_sources, as an installed copy has it).
Each command runs once untimed first (the file's integrity check is then remembered, as
on any second command of the day), then ours and the reference alternate.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import RECORDER, Result, replayable, time_ns
from m_reports import _cli_env

MONTH = "2026-10"
FY = 2025
FORMATS = ("text", "json", "csv", "md", "html", "xlsx", "pdf")
REPORTS = (
    ("monthly", ["report", "monthly", "--month", MONTH]),
    ("SLA", ["report", "sla", "--period", f"FY{FY}"]),
    ("KPI", ["report", "kpi", "--fy", str(FY)]),
)

CAPTURE = (
    RECORDER
    + r"""out, argv = sys.argv[1], sys.argv[2:]
from inspect_tui.cli.main import main

try:
    code = main(argv)
finally:
    with open(out, "w", encoding="utf-8") as f:
        json.dump(log, f, ensure_ascii=False, default=str)
sys.exit(code)
"""
)

REPLAY = r"""
import json, sqlite3, sys

with open(sys.argv[2], encoding="utf-8") as f:
    statements = json.load(f)
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, isolation_level=None)
conn.execute("PRAGMA cache_size = -65536")
for sql, params in statements:
    conn.execute(sql, params).fetchall()
"""


def _run(cmd: list[str], env: dict[str, str]) -> int:
    return time_ns(
        lambda: subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    )


def run(
    db: Path, today: dt.date, runs: int, work: Path, size: str = "1M", log=print, formats=FORMATS
) -> list[Result]:
    env = _cli_env(work, today)  # also writes the app's bytecode
    out: list[Result] = []
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        tmpdir = Path(tmp)
        for name, args in REPORTS:
            for fmt in formats:
                target = tmpdir / f"{name}.{fmt}"
                cli = [*args, "--format", fmt, "-o", str(target), "--db", str(db)]
                ours_cmd = [sys.executable, "-m", "inspect_tui", *cli]
                subprocess.run(ours_cmd, env=env, check=True, stdout=subprocess.DEVNULL)  # untimed
                captured = tmpdir / f"{name}.{fmt}.json"
                subprocess.run(
                    [sys.executable, "-c", CAPTURE, str(captured), *cli],
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                reads, others = replayable(json.loads(captured.read_text(encoding="utf-8")))
                bound = tmpdir / f"{name}.{fmt}.reads.json"
                bound.write_text(json.dumps(reads, ensure_ascii=False), encoding="utf-8")
                ref_cmd = [sys.executable, "-c", REPLAY, str(db), str(bound)]
                subprocess.run(ref_cmd, env=env, check=True)  # untimed: it runs as captured
                ours_t, ref_t = [], []
                for _ in range(runs):
                    ours_t.append(_run(ours_cmd, env))
                    ref_t.append(_run(ref_cmd, env))
                note = f"{len(reads)} statements" + (f"; also {len(others)} not replayed" if others else "")
                log(f"  {name} {fmt}: {note}")
                out.append(
                    Result(
                        f"{name} report {fmt}, whole process, {size} DB",
                        ours_t,
                        ref_t,
                        "a process running its bound statements",
                        max_ratio=1.5,
                        note=note,
                    )
                )
    return out
