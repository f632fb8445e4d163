"""Reports on the 1M-case database, against the bare SQL that gives the same counts.

In process: the service call plus the JSON rendering (what ``inspect-tui
report … --format json`` does after parsing arguments), timed with a session
already open.

The reference ("bare SQL") is the report's own SQL statements, captured once
with sqlite3's trace callback (parameters expanded) and replayed on a bare
connection with nothing else around them: the ratio is exactly what the
Python around the queries costs. Before timing, the report's figures are
checked against a second, independent set of plain aggregate queries written
here (m_reports.reference_monthly, fy_reference.py); their time is shown as
"independent SQL" for context (they are not tuned, so they are no floor).

As a subprocess: the real CLI, start to exit (interpreter and imports
included), for context.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from common import Result, compile_sources, repeat

MONTH = "2026-10"
FY = 2025  # the last full fiscal year before dbs.TODAY (2025-04-01 .. 2026-03-31)

STEPS = ("received", "contacted", "visited", "submitted", "cancelled")
DONE = {"contact": "contacted_on", "standard": "submitted_on", "target20": "submitted_on"}


def reference_monthly(conn: sqlite3.Connection, start: str, end: str, as_of: str) -> dict:
    """The monthly counts with plain SQL: one COUNT per step over its indexed date column."""
    c = min(end, as_of)
    counts = {}
    for step in STEPS:
        counts[step] = conn.execute(
            f"SELECT COUNT(*) FROM cases WHERE {step}_on BETWEEN ? AND ?", (start, c)
        ).fetchone()[0]
    n, home, other, welfare = conn.execute(
        "SELECT COUNT(*), TOTAL(is_home = 1), TOTAL(is_home = 0), TOTAL(is_home = 1 AND welfare = 1)"
        " FROM cases WHERE accepted_on BETWEEN ? AND ? AND (cancelled_on IS NULL OR cancelled_on > ?)",
        (start, c, c),
    ).fetchone()
    counts.update(
        accepted=n, accepted_home=int(home), accepted_other=int(other), accepted_welfare=int(welfare)
    )
    # open at c: open now, or closed after c (a multi-index OR over status and the closing
    # dates; "+received_on" keeps the planner off the received_on index, a near-full scan)
    counts["backlog_end"] = conn.execute(
        "SELECT COUNT(*) FROM cases WHERE (status IN ('received', 'contacted', 'visited', 'submitted')"
        " OR accepted_on > :c OR cancelled_on > :c OR returned_on > :c) AND +received_on <= :c"
        " AND (accepted_on IS NULL OR accepted_on > :c) AND (cancelled_on IS NULL OR cancelled_on > :c)"
        " AND (returned_on IS NULL OR returned_on > :c)",
        {"c": c},
    ).fetchone()[0]
    deadlines = {rule: reference_deadline(conn, rule, start, end, as_of) for rule in DONE}
    return {"counts": counts, "deadlines": deadlines}


def reference_deadline(conn: sqlite3.Connection, rule: str, start: str, end: str, as_of: str) -> dict:
    """Outcome of the deadlines of one rule due in [start, end], as of as_of (one query)."""
    due, done = f"{rule}_due", DONE[rule]
    row = conn.execute(
        "SELECT COUNT(*), TOTAL(out), TOTAL(NOT out AND d <= due),"
        " TOTAL(NOT out AND (d > due OR (d IS NULL AND due < :a))),"
        " TOTAL(NOT out AND d IS NULL AND due >= :a)"
        f" FROM (SELECT c.{due} AS due, CASE WHEN c.{done} <= :a THEN c.{done} END AS d,"
        "  COALESCE(EXISTS (SELECT 1 FROM deadline_exceptions x WHERE x.case_id = c.id AND x.rule = :r"
        "           AND x.kind = 'exclude')"
        f"   OR (c.cancelled_on <= c.{due} AND c.cancelled_on <= :a)"
        f"   OR (c.returned_on <= c.{due} AND c.returned_on <= :a), 0) AS out"
        f"  FROM cases c WHERE c.{due} BETWEEN :s AND :e)",
        {"a": as_of, "r": rule, "s": start, "e": end},
    ).fetchone()
    n, out, on_time, late, pending = (int(v) for v in row)
    return {"due": n - out, "on_time": on_time, "late": late, "pending": pending, "excluded": out}


def capture_sql(s, fn) -> list[str]:
    """The SELECT statements fn runs on the session's connection, parameters expanded."""
    seen: list[str] = []
    s.db.conn.set_trace_callback(seen.append)
    try:
        fn()
    finally:
        s.db.conn.set_trace_callback(None)
    return [q for q in seen if q.lstrip().upper().startswith(("SELECT", "WITH"))]


def replay(conn: sqlite3.Connection, statements: list[str]) -> None:
    for q in statements:
        conn.execute(q).fetchall()


def _open_session(db: Path):
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import Session
    from inspect_tui.store.db import open_database

    return Session(open_database(db, create=False), Config())


def _cli_env(work: Path, today: dt.date) -> dict[str, str]:
    """The environment of a timed command, its bytecode written first (common.compile_sources)."""
    compile_sources()
    env = dict(os.environ)
    env.update(
        INSPECT_TUI_TODAY=today.isoformat(),
        XDG_CONFIG_HOME=str(work / "config"),
        XDG_STATE_HOME=str(work / "state"),
        XDG_DATA_HOME=str(work / "data"),
    )
    env.pop("INSPECT_TUI_CONFIG", None)
    return env


def _cli(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "inspect_tui", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )


def run_monthly(db: Path, today: dt.date, runs: int, work: Path, log=print) -> list[Result]:
    from inspect_tui.core.metrics import parse_month
    from inspect_tui.render.formats import render
    from inspect_tui.services.reports.monthly import build_monthly

    month = parse_month(MONTH)
    s = _open_session(db)
    ref_conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    args = (month.start.isoformat(), month.end.isoformat(), today.isoformat())
    try:

        def ours() -> str:
            # as the CLI does for --format json (no late-case lists)
            return render(build_monthly(s, month, today, readable=False), "json")

        got = json.loads(ours())
        want = reference_monthly(ref_conn, *args)
        for key in ("counts", "deadlines"):
            if got[key] != want[key]:
                raise AssertionError(f"monthly {key}: report {got[key]} != bare SQL {want[key]}")
        statements = capture_sql(s, ours)
        log(f"  monthly {MONTH}: report JSON == independent SQL; floor = its {len(statements)} statements")
        ours_t, ref_t, indep_t = [], [], []
        for _ in range(runs):
            ours_t += repeat(ours, 1)
            ref_t += repeat(lambda: replay(ref_conn, statements), 1)
            indep_t += repeat(lambda: reference_monthly(ref_conn, *args), 1)
    finally:
        s.close()
        ref_conn.close()
    env = _cli_env(work, today)
    cli = ["report", "monthly", "--month", MONTH, "--format", "json", "--db", str(db)]
    cli_t = repeat(lambda: _cli(cli, env), max(2, runs // 2))
    hello_t = repeat(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), max(2, runs // 2))
    return [
        Result(
            f"monthly report {MONTH} json, in process",
            ours_t,
            ref_t,
            "its SQL, bare",
            max_ratio=2.0,
            max_abs=1e9,
        ),
        Result(
            f"monthly report {MONTH} json, in process", ours_t, indep_t, "independent SQL", info_only=True
        ),
        Result(
            f"monthly report {MONTH} json, CLI subprocess", cli_t, hello_t, "python -c pass", info_only=True
        ),
    ]


def run_fy_reports(db: Path, today: dt.date, runs: int, work: Path, log=print) -> list[Result]:
    """SLA and KPI for fiscal year FY, in process against fy_reference, and the CLI."""
    from fy_reference import STEP_METRICS, reference_kpi, reference_sla

    from inspect_tui.core.metrics import fy_period
    from inspect_tui.render.formats import render
    from inspect_tui.services.reports.kpi import build_kpi
    from inspect_tui.services.reports.sla import build_sla

    period = fy_period(FY)
    s = _open_session(db)
    ref_conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out = []
    try:
        sla_json = json.loads(render(build_sla(s, period, today), "json"))
        kpi_json = json.loads(render(build_kpi(s, FY, today), "json"))

        def counted(ms):
            return tuple(
                dict.fromkeys(m for m in ms if m.startswith(("late_", "ontime_rate_")) or m in STEP_METRICS)
            )

        sla_metrics = counted(i["metric"] for i in sla_json["indicators"])
        kpi_metrics = counted(i["metric"] for i in kpi_json["indicators"])
        years = kpi_json["years"]
        for name, build, ref, got in (
            (
                "SLA",
                lambda: build_sla(s, period, today),
                lambda check=None: reference_sla(ref_conn, period, today, sla_metrics, check),
                sla_json,
            ),
            (
                "KPI",
                lambda: build_kpi(s, FY, today),
                lambda check=None: reference_kpi(ref_conn, years, today, kpi_metrics, check),
                kpi_json,
            ),
        ):
            problem = ref(got)
            if problem:
                raise AssertionError(f"{name} FY{FY}: {problem}")
            statements = capture_sql(s, build)
            used = sla_metrics if name == "SLA" else kpi_metrics
            log(
                f"  {name} FY{FY}: report JSON == independent SQL ({', '.join(used)});"
                f" floor = its {len(statements)} statements"
            )
            ours_t, ref_t, indep_t = [], [], []
            for _ in range(runs):
                ours_t += repeat(lambda b=build: render(b(), "json"), 1)
                ref_t += repeat(lambda st=statements: replay(ref_conn, st), 1)
                indep_t += repeat(ref, 1)
            span = f"FY{FY}" if name == "SLA" else f"FY{years[0]}-{years[-1]}"
            what = f"{name} report FY{FY} json, in process (counts {span})"
            out.append(Result(what, ours_t, ref_t, "its SQL, bare", max_ratio=2.0))
            out.append(Result(what, ours_t, indep_t, "independent SQL", info_only=True))
    finally:
        s.close()
        ref_conn.close()
    env = _cli_env(work, today)
    for name, args in (
        ("SLA", ["report", "sla", "--period", f"FY{FY}"]),
        ("KPI", ["report", "kpi", "--fy", str(FY)]),
    ):
        cli = [*args, "--format", "json", "--db", str(db)]
        out.append(
            Result(
                f"{name} report FY{FY} json, CLI subprocess",
                repeat(lambda c=cli: _cli(c, env), max(2, runs // 2)),
                info_only=True,
            )
        )
    return out
