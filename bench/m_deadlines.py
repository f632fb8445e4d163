"""Deadlines: a million (start, N) business-day additions, ours against numpy.

Our rule is "the N-th business day strictly after start" (the start never
counts, even when it is a business day). numpy.busday_offset first rolls a
start that is not a business day, then moves N business days; for N > 0
roll='backward' gives exactly our rule (a start on a day off rolls back to the
last business day before it, and the N-th business day after that is the N-th
strictly after the start; a start on a business day does not roll). The run
asserts equality on the whole batch, and that the batch equals the single
call (``add_business_days_many``, a plain loop) on every pair, before timing.
"""

from __future__ import annotations

import datetime as dt
import time

from common import Result, repeat

FIRST, LAST = dt.date(2020, 1, 1), dt.date(2030, 12, 31)


def _numpy_calendar(np, cal):
    from inspect_tui.core.calendar import YEAR_END_CLOSURE

    off = {d for d, _ in cal.holidays(FIRST.year - 1, LAST.year + 2)}
    off |= {dt.date(y, m, d) for y in range(FIRST.year - 1, LAST.year + 3) for m, d in YEAR_END_CLOSURE}
    return np.busdaycalendar(weekmask="1111100", holidays=sorted(off))


def run(pairs: int, runs: int, log=print) -> list[Result]:
    import numpy as np

    from inspect_tui.core.calendar import get_calendar
    from inspect_tui.core.calendar_batch import add_business_days_batch

    cal = get_calendar()
    rng = np.random.default_rng(20261122)
    span = LAST.toordinal() - FIRST.toordinal() + 1
    starts = np.datetime64(FIRST.isoformat()) + rng.integers(0, span, pairs).astype("timedelta64[D]")
    ns = rng.integers(1, 31, pairs)  # 1..30 business days (our deadlines are 3, 6, 20 days)
    busdaycal = _numpy_calendar(np, cal)

    # correctness first, on the whole batch
    ours = add_business_days_batch(cal, starts, ns)
    theirs = np.busday_offset(starts, ns, roll="backward", busdaycal=busdaycal)
    if not (ours == theirs).all():
        bad = int(np.flatnonzero(ours != theirs)[0])
        raise AssertionError(
            f"batch differs from numpy at {starts[bad]} + {ns[bad]}: {ours[bad]} != {theirs[bad]}"
        )
    start_list, n_list = starts.tolist(), ns.tolist()
    pair_list = list(zip(start_list, n_list, strict=True))
    t0 = time.perf_counter_ns()
    single = cal.add_business_days_many(pair_list)
    loop_ns = time.perf_counter_ns() - t0
    if single != ours.tolist():
        raise AssertionError("batch differs from add_business_days_many")
    log(f"  {pairs:,} pairs: batch == numpy busday_offset(roll='backward') == single calls")

    batch_t, numpy_t = [], []
    for _ in range(runs):  # interleaved, so drift hits both alike
        batch_t += repeat(lambda: add_business_days_batch(cal, starts, ns), 1)
        numpy_t += repeat(lambda: np.busday_offset(starts, ns, roll="backward", busdaycal=busdaycal), 1)

    # single calls: a loop of k calls, per call (the loop's own cost included)
    k = min(100_000, pairs)
    sub_s, sub_n = start_list[:k], n_list[:k]
    add = cal.add_business_days

    def singles() -> None:
        for s, n in zip(sub_s, sub_n, strict=True):
            add(s, n)

    np_s, np_n = starts[:2000], ns[:2000].tolist()

    def numpy_singles() -> None:
        for s, n in zip(np_s, np_n, strict=True):
            np.busday_offset(s, n, roll="backward", busdaycal=busdaycal)

    single_t = [t / k for t in repeat(singles, runs)]
    numpy_single_t = [t / len(np_s) for t in repeat(numpy_singles, runs)]
    return [
        Result(
            f"deadlines: {pairs:,} additions, batch", batch_t, numpy_t, "numpy.busday_offset", max_ratio=3.0
        ),
        Result(
            "deadlines: one add_business_days call",
            single_t,
            numpy_single_t,
            "numpy scalar call",
            max_abs=5_000,
        ),
        Result(
            f"deadlines: {pairs:,} additions, add_business_days_many (Python loop)",
            [loop_ns],
            numpy_t,
            "numpy.busday_offset",
            info_only=True,
            note="one run, for context",
        ),
    ]
