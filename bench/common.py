"""What every measurement shares: timing, a result row, and the table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def time_ns(fn: Callable[[], object]) -> int:
    """Wall time of one call, in ns (time.perf_counter_ns)."""
    t0 = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - t0


def repeat(fn: Callable[[], object], runs: int, setup: Callable[[], object] | None = None) -> list[int]:
    """runs timings of fn (setup, untimed, before each)."""
    out = []
    for _ in range(runs):
        if setup is not None:
            setup()
        out.append(time_ns(fn))
    return out


@dataclass
class Result:
    """One line of the table. Values are ns for times, bytes for memory."""

    what: str
    ours: list[float]
    ref: list[float] | None = None
    ref_name: str = ""
    unit: str = "time"  # "time" | "bytes" | "us"
    max_ratio: float | None = None  # pass if median(ours) / median(ref) <= this
    max_abs: float | None = None  # pass if median(ours) <= this (same unit as ours)
    max_delta: float | None = None  # pass if median(ours) - median(ref) <= this
    note: str = ""
    info_only: bool = False  # no bar: shown for context
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def ref_median(self) -> float | None:
        return statistics.median(self.ref) if self.ref else None

    @property
    def ratio(self) -> float | None:
        r = self.ref_median
        return self.ours_median / r if r else None

    def checks(self) -> list[tuple[str, bool]]:
        out = []
        if self.max_ratio is not None and self.ratio is not None:
            out.append((f"≤ {self.max_ratio:g}x", self.ratio <= self.max_ratio))
        if self.max_abs is not None:
            out.append((f"< {fmt(self.max_abs, self.unit)}", self.ours_median < self.max_abs))
        if self.max_delta is not None and self.ref_median is not None:
            out.append(
                (f"≤ +{fmt(self.max_delta, self.unit)}", self.ours_median - self.ref_median <= self.max_delta)
            )
        return out

    @property
    def bar(self) -> str:
        return "; ".join(c for c, _ in self.checks()) or "—"

    @property
    def verdict(self) -> str:
        checks = self.checks()
        if self.info_only or not checks:
            return "info"
        return "PASS" if all(ok for _, ok in checks) else "FAIL"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "bytes":
        return f"{value / 2**20:,.1f} MB"
    ns = value
    if ns < 10_000:
        return f"{ns / 1000:.2f} µs"
    if ns < 10_000_000:
        return f"{ns / 1e6:.2f} ms"
    if ns < 10_000_000_000:
        return f"{ns / 1e6:,.0f} ms"
    return f"{ns / 1e9:.1f} s"


HEADERS = (
    "measurement",
    "ours (median)",
    "reference (median)",
    "ratio",
    "bar",
    "result",
    "ours min–max",
    "ref min–max",
    "n",
)


def row_cells(r: Result) -> list[str]:
    ref = fmt(r.ref_median, r.unit) + (f" ({r.ref_name})" if r.ref_name and r.ref else "")
    ratio = "—" if r.ratio is None else f"{r.ratio:.2f}x"
    rng = lambda xs: "—" if not xs else f"{fmt(min(xs), r.unit)}–{fmt(max(xs), r.unit)}"  # noqa: E731
    n = f"{len(r.ours)}" + (f"/{len(r.ref)}" if r.ref else "")
    return [r.what, fmt(r.ours_median, r.unit), ref, ratio, r.bar, r.verdict, rng(r.ours), rng(r.ref), n]


def text_table(results: list[Result]) -> str:
    rows = [list(HEADERS), *(row_cells(r) for r in results)]
    widths = [max(_w(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = []
    for k, row in enumerate(rows):
        lines.append("  ".join(c + " " * (widths[i] - _w(c)) for i, c in enumerate(row)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def md_table(results: list[Result]) -> str:
    def esc(c: str) -> str:
        return c.replace("|", "\\|")

    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(esc(c) for c in row_cells(r)) + " |" for r in results]
    return "\n".join(lines)


def _w(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def compile_sources() -> None:
    """Bytecode for every module of the app, written before the timed starts, as an installed
    copy has it after its first run. With PYTHONDONTWRITEBYTECODE set (as on the machines
    this runs on) a module edited since its .pyc was written was compiled again at every
    start: 40-80 ms more for a changed tree, and a tree without __pycache__ paid it for all."""
    import compileall

    import inspect_tui

    compileall.compile_dir(str(Path(inspect_tui.__file__).parent), quiet=1)


#: Python source for a child process: every statement its sqlite3 connections run, with its
#: parameters as bound, is appended to ``log`` ([sql, params]); what follows it in the child
#: runs the app and writes ``log`` out (m_reports_cli.CAPTURE, m_tui.CAPTURE_FIGURES).
RECORDER = r"""
import json, sqlite3, sys

log = []


def _keep(sql, params):
    if isinstance(params, dict):
        log.append([sql, dict(params)])
    else:
        log.append([sql, list(params)])


class Cursor(sqlite3.Cursor):
    def execute(self, sql, params=()):
        _keep(sql, params)
        return super().execute(sql, params)

    def executemany(self, sql, seq):
        seq = list(seq)
        for p in seq:
            _keep(sql, p)
        return super().executemany(sql, seq)


class Connection(sqlite3.Connection):
    def cursor(self, factory=Cursor):
        return super().cursor(factory)

    def execute(self, sql, params=()):
        return self.cursor().execute(sql, params)

    def executemany(self, sql, seq):
        return self.cursor().executemany(sql, seq)


_connect = sqlite3.connect


def connect(*a, **k):
    k.setdefault("factory", Connection)
    return _connect(*a, **k)


sqlite3.connect = connect
"""


_READS = ("SELECT", "WITH", "PRAGMA")


def replayable(statements: list) -> tuple[list, list[str]]:
    """The statements the reference can run (reads), and the first words of the others."""
    reads, others = [], []
    for sql, params in statements:
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head in _READS and "audit_hash(" not in sql:
            reads.append([sql, params])
        else:
            others.append(head)
    return reads, others
