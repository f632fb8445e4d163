"""One worker of the load test (run as a separate process by test_load.py).

Records case steps as fast as it can until the deadline: the four steps of each
case in its own partition, and a race with every other worker for the first
step of the shared cases. Prints one JSON line: what landed, what was reported
to the user (and how), the retries, and write latencies.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
import time


def main() -> None:
    db_path, login, partition, shared, seconds = sys.argv[1:6]
    os.environ.setdefault("INSPECT_TUI_TODAY", "2027-06-15")
    from inspect_tui.services.cases.inspection import record_inspection
    from inspect_tui.services.cases.steps import ConflictError, DatabaseBusy, StepError, record_step
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session
    from inspect_tui.services.trust import identity
    from inspect_tui.store import tx

    # a form is inspected (by this login, not its author) before it may be submitted
    steps = [("contact", 2), ("visit", 3), ("inspect", 4), ("submit", 4), ("accept", 7)]
    mine = partition.split(",") if partition else []
    hot = shared.split(",") if shared else []
    landed: list[list[str]] = []
    reported: dict[str, int] = {}
    unexpected: list[str] = []
    latencies: list[float] = []
    identity.act_as(login)  # what a checked --as does
    s = open_session(db_path, Config(), create=False)
    start = time.monotonic()
    deadline = start + float(seconds)

    def attempt(case_no: str, step: str, day: int) -> None:
        t0 = time.perf_counter()
        try:
            if step == "inspect":
                record_inspection(s, case_no, "ok")
            else:
                record_step(s, case_no, step, dt.date(2027, 6, day))
        except (ConflictError, StepError, DatabaseBusy) as exc:
            reported[type(exc).__name__] = reported.get(type(exc).__name__, 0) + 1
            return
        except sqlite3.Error as exc:  # would reach the user as a raw SQLite error
            unexpected.append(f"{type(exc).__name__}: {exc}")
            return
        finally:
            latencies.append(time.perf_counter() - t0)
        landed.append([case_no, step])

    for case_no in hot:  # everyone races for these first
        attempt(case_no, "contact", 2)
    for case_no in mine:
        for step, day in steps:
            if time.monotonic() > deadline:
                break
            attempt(case_no, step, day)
        if time.monotonic() > deadline:
            break
    elapsed = time.monotonic() - start
    s.close()
    latencies.sort()
    print(
        json.dumps(
            {
                "login": login,
                "landed": landed,
                "reported": reported,
                "unexpected": unexpected,
                "retries": tx.WAITS["count"],
                "elapsed": elapsed,
                "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0,
                "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else 0,
                "max_ms": 1000 * latencies[-1] if latencies else 0,
            }
        )
    )


if __name__ == "__main__":
    main()
