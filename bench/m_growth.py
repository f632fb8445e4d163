"""The cost curve: each in-process operation at 10k, 100k and 1M cases, one table.

The same demo databases as the rest of the suite (bench/dbs.py), a session opened the
way the app opens one, each operation timed `runs` times after one untimed call (the
file's pages then come from the OS cache, as on a machine in use). The operations are
what a user waits for, through the same service calls the TUI and the CLI make:

- the dashboard's figures (services.today.dashboard.build_dashboard);
- the case list over all cases: count and first page for the filter texts a user types
  (1, 2 and 6 characters of a case number; a kanji, as when typing a name), the sort
  changed to 受理日 and reversed;
- the monthly, SLA and KPI reports, json (build + render);

Rows with no bar: the table is for the curve (bench/results.md, "growth"); the bars are
on the rows measured elsewhere (Pilot keystrokes, whole-process reports, cold start).
"""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path

from common import Result, repeat

TEXTS = ("2", "20", "2025-0", "山")


def _ops(s, today: dt.date) -> list[tuple[str, object]]:
    from inspect_tui.core.metrics import fy_period, parse_month
    from inspect_tui.render.formats import render
    from inspect_tui.services.cases.listing import CaseFilter, count_cases, fetch_page
    from inspect_tui.services.reports.kpi import build_kpi
    from inspect_tui.services.reports.monthly import build_monthly
    from inspect_tui.services.reports.sla import build_sla
    from inspect_tui.services.today.dashboard import build_dashboard

    role = "manager"

    def page(f):
        def run():
            total = count_cases(s, f, today, role)
            return fetch_page(s, f, today, role, 0, 100, total=total)

        return run

    every = CaseFilter(status="")
    ops: list[tuple[str, object]] = [("dashboard figures (Today)", lambda: build_dashboard(s, today))]
    ops.append(("case list, open cases (the default): count + first page", page(CaseFilter())))
    ops.append(("case list, all cases: count + first page", page(every)))
    for text in TEXTS:
        ops.append(
            (f"case list, all cases, filter 「{text}」: count + first page", page(every.with_(text=text)))
        )
    ops.append(("case list, all cases, sort changed to 受理日", page(every.with_(sort="received_on"))))
    ops.append(
        ("case list, all cases, 受理日 reversed", page(every.with_(sort="received_on", descending=True)))
    )
    ops.append(("case list, all cases, next deadline reversed", page(every.with_(descending=True))))
    month = parse_month("2026-10")
    ops.append(
        (
            "monthly report 2026-10, json",
            lambda: render(build_monthly(s, month, today, readable=False), "json"),
        )
    )
    ops.append(("SLA report FY2025, json", lambda: render(build_sla(s, fy_period(2025), today), "json")))
    ops.append(("KPI report FY2025, json", lambda: render(build_kpi(s, 2025, today), "json")))
    return ops


def run(
    dbs_by_size: list[tuple[str, Path]], today: dt.date, runs: int, log=print
) -> tuple[list[Result], str]:
    """Results per (operation, size), and the markdown growth table (operations x sizes)."""
    from inspect_tui.services.cases import search
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import Session
    from inspect_tui.store.db import open_database

    results: list[Result] = []
    medians: dict[str, dict[str, float]] = {}
    order: list[str] = []
    for size, path in dbs_by_size:
        s = Session(open_database(path, create=False), Config())
        try:
            for what, fn in _ops(s, today):
                search._FEW.clear()  # each text's first key is a first key
                fn()  # untimed: the OS cache
                times = repeat(fn, runs)
                results.append(Result(f"{what}, {size} DB (in process)", times, info_only=True))
                if what not in medians:
                    order.append(what)
                medians.setdefault(what, {})[size] = statistics.median(times)
        finally:
            s.close()
        log(f"  growth: {size} done")
    sizes = [size for size, _ in dbs_by_size]
    lines = [
        "| operation (in process, median of " + str(runs) + ") | " + " | ".join(sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for what in order:
        cells = [_ms(medians[what].get(size)) for size in sizes]
        lines.append(f"| {what} | " + " | ".join(cells) + " |")
    return results, "\n".join(lines)


def _ms(ns: float | None) -> str:
    if ns is None:
        return "—"
    ms = ns / 1e6
    return f"{ms:,.0f} ms" if ms >= 10 else f"{ms:.1f} ms"
