"""inspect-tui benchmarks: `python bench/run.py` (see bench/README.md).

Builds (or reuses) demo databases of 100,000 and 1,000,000 cases in
bench/_work/, runs each measurement several times beside its reference in the
same run, prints the table and writes it to bench/results.md with the date
and the machine. Exit status: 0 when every measurement ran (bars may fail),
1 when one could not run at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import dbs  # noqa: E402
from common import Result, md_table, text_table  # noqa: E402

MEASUREMENTS = (
    "deadlines",
    "forms",
    "reports",
    "reports_cli",
    "integrity",
    "import",
    "import_into",
    "growth",
    "history",
    "coldstart",
    "keystroke",
    "memory",
)


def size_label(cases: int) -> str:
    """100k, 1M: how the tables name a database's size."""
    if cases >= 1_000_000:
        return f"{cases // 1_000_000}M"
    return f"{cases // 1000}k" if cases >= 1000 else str(cases)


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import textual

    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": textual.__version__,
        "os": platform.platform(),
    }


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def pilot_subprocess(
    db: Path, keystrokes: int, today: str, size: str, timeout: float, sessions: int = 3
) -> list[Result]:
    """The Pilot measurement in a child process, so a hung app cannot hang the run."""
    cmd = [sys.executable, str(BENCH_DIR / "m_tui.py"), "keystroke", str(db), str(keystrokes), today, size]
    out = subprocess.run(
        [*cmd, str(sessions)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    for line in out.stderr.splitlines():
        print(line)
    if out.returncode != 0:
        raise RuntimeError(f"keystroke measurement failed (exit {out.returncode})")
    return [Result(**r) for r in json.loads(out.stdout)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--quick",
        action="store_true",
        help="tiny databases and one run each: checks the harness works (~20 s)",
    )
    p.add_argument("--runs", type=int, default=None, help="runs per measurement (default 5, quick 1)")
    p.add_argument("--only", default="", help=f"comma-separated subset of {','.join(MEASUREMENTS)}")
    p.add_argument("--rebuild", action="store_true", help="rebuild the cached demo databases")
    p.add_argument("--work", type=Path, default=dbs.WORK, help="where databases and scratch files go")
    p.add_argument(
        "--results",
        type=Path,
        default=None,
        help="markdown output (default bench/results.md; quick: WORK/results.md)",
    )
    args = p.parse_args(argv)
    only = [m for m in args.only.split(",") if m] or list(MEASUREMENTS)
    unknown = set(only) - set(MEASUREMENTS)
    if unknown:
        p.error(f"unknown measurement(s): {', '.join(sorted(unknown))}")
    quick = args.quick
    runs = args.runs or (1 if quick else 5)
    small, big = (1_000, 2_000) if quick else (100_000, 1_000_000)
    small_s, big_s = size_label(small), size_label(big)
    pairs = 20_000 if quick else 1_000_000
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    results_path = args.results or (work / "results.md" if quick else BENCH_DIR / "results.md")
    today = dbs.TODAY.isoformat()

    t_start = time.perf_counter()
    started = dt.datetime.now(dt.UTC)
    load_at_start = load_average()  # the header says "at start": read it now, not when writing
    print(f"inspect-tui benchmarks{' (quick)' if quick else ''}: {runs} run(s) each, load {load_at_start}")
    notes: list[str] = []
    results: list[Result] = []
    failed: list[str] = []

    def db(cases: int) -> Path:
        path, took = dbs.demo_db(cases, rebuild=args.rebuild, work=work)
        if took is not None:
            notes.append(f"built the {cases:,}-case demo database in {took:.0f} s")
        return path

    def step(name: str, fn) -> None:
        if name not in only:
            return
        print(f"[{name}]")
        t0 = time.perf_counter()
        try:
            results.extend(fn())
        except Exception as exc:
            failed.append(name)
            traceback.print_exc()
            results.append(
                Result(f"{name}: could not run ({type(exc).__name__}: {exc})"[:200], [0], info_only=True)
            )
        print(f"  ({time.perf_counter() - t0:.0f} s)")

    import m_deadlines
    import m_form_rules
    import m_growth
    import m_history
    import m_import
    import m_import_into
    import m_integrity
    import m_reports
    import m_reports_cli
    import m_tui

    tmux_ok = shutil.which("tmux") is not None
    step("deadlines", lambda: m_deadlines.run(pairs, max(runs, 5) if not quick else runs))
    step(
        "reports",
        lambda: (
            m_reports.run_monthly(db(big), dbs.TODAY, runs, work)
            + m_reports.run_fy_reports(db(big), dbs.TODAY, max(2, runs - 2) if not quick else runs, work)
        ),
    )
    step(  # every report, every format, as a whole process, against its bound statements
        "reports_cli",
        lambda: m_reports_cli.run(
            db(big),
            dbs.TODAY,
            runs,
            work,
            big_s,
            formats=("text", "json") if quick else m_reports_cli.FORMATS,
        ),
    )
    step(
        "forms",
        lambda: [
            *m_form_rules.run(500 if quick else 10_000, runs),
            *m_form_rules.run_cli(work, 500 if quick else 10_000, runs if quick else 3),
        ],
    )
    step("integrity", lambda: m_integrity.run([(db(small), small_s), (db(big), big_s)], runs))
    step("import", lambda: m_import.run(db(small), small, max(1, min(runs, 3)), work))
    step(
        "import_into",  # the daily import: 1,000 rows into the city's cases, at three sizes
        lambda: [
            r
            for n in ((small,) if quick else (small // 10, small, big))
            for r in m_import_into.run(db(n), size_label(n), max(1, min(runs, 3)), work)
        ],
    )
    growth_tables: list[str] = []

    def growth() -> list[Result]:
        sizes = (small // 10, small) if quick else (small // 10, small, big)
        rows, table = m_growth.run([(size_label(n), db(n)) for n in sizes], dbs.TODAY, runs)
        growth_tables.append(table)
        print(table)
        return rows

    step("growth", growth)
    step(
        "history",
        lambda: [
            *m_history.run_import(db(small), small // 10, max(1, min(runs, 3)), work),
            *m_history.run_import(db(small), small, max(1, min(runs, 3)), work),
            *m_history.run_verify(db(small), small_s, 1),
            *m_history.run_verify(db(big), big_s, 1),
        ],
    )
    if tmux_ok:
        step(
            "coldstart",
            lambda: [
                *m_tui.cold_start(db(small), runs, work, today, small_s, warm=not quick),
                *m_tui.cold_start(db(big), runs, work, today, big_s, warm=not quick),
            ],
        )
    else:
        notes.append("tmux not found: cold start and memory not measured (apt-get install tmux)")
    step(
        "keystroke",
        lambda: [
            *pilot_subprocess(db(small), 4 if quick else 24, today, small_s, 300, 1 if quick else runs),
            *pilot_subprocess(db(big), 4 if quick else 24, today, big_s, 900, 1 if quick else runs),
        ],
    )
    if tmux_ok:
        step("memory", lambda: m_tui.peak_memory(db(big), 1 if quick else 2, work, today, big_s))

    total = time.perf_counter() - t_start
    table = text_table(results)
    print()
    print(table)
    print(f"\ntotal {total:.0f} s; {', '.join(notes) if notes else 'databases from the cache'}")
    info = machine()
    md = [
        "# inspect-tui benchmark results" + (" (quick run: tiny databases, not comparable)" if quick else ""),
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC",
        f"- machine: {info['nproc']} CPUs, {info['cpu']}; load average at start {load_at_start}",
        f"- software: Python {info['python']}, SQLite {info['sqlite']}, Textual {info['textual']},"
        f" {info['os']}",
        f"- command: `python bench/run.py {' '.join(argv if argv is not None else sys.argv[1:])}`".replace(
            "run.py `", "run.py`"
        ),
        f"- runs: {runs} per measurement (medians; min–max shows the noise); total {total:.0f} s",
        *(f"- {n}" for n in notes),
        "",
        md_table(results),
        "",
        *(["## Growth: each operation at every size", "", *growth_tables, ""] if growth_tables else []),
    ]
    results_path.write_text("\n".join(md), encoding="utf-8")
    print(f"wrote {results_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
