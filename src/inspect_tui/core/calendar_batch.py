"""Business-day additions for many dates at once, with numpy.

``add_business_days_batch(calendar, starts, ns)`` gives, element by element,
exactly what ``calendar.add_business_days(start, n)`` gives (the n-th business
day strictly after start, before it for n < 0, start itself for n == 0), but
as a few vectorised array look-ups over the calendar's precomputed years
(``BusinessCalendar.arrays``) instead of a Python call per pair: a million
pairs take tens of milliseconds.

numpy is imported on first use, so importing this module costs nothing and
the rest of the app never needs numpy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from inspect_tui.core.calendar import SUPPORTED_FROM, SUPPORTED_TO, BusinessCalendar, OutOfRange

if TYPE_CHECKING:
    import numpy as np

#: numpy's datetime64[D] counts days from 1970-01-01; Python's ordinals from 0001-01-01.
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
#: A year has at least this many business days (about 240 in practice), so
#: n business days never reach further than n // MIN_BDAYS_PER_YEAR + 1 years.
MIN_BDAYS_PER_YEAR = 200


@lru_cache(maxsize=16)
def _span(calendar: BusinessCalendar, first_year: int, last_year: int) -> tuple[int, Any, Any, Any]:
    """(lo as epoch days, cum int64, bdays as epoch days int64, is_bday int64) for the span."""
    import numpy as np  # deferred: numpy is optional (the test and bench extras), 120-180 ms

    lo, cum, bdays, is_bday = calendar.arrays(first_year, last_year)
    return (
        lo - EPOCH_ORDINAL,
        np.frombuffer(cum, dtype=np.int32).astype(np.int64),
        np.frombuffer(bdays, dtype=np.int32).astype(np.int64) - EPOCH_ORDINAL,
        np.frombuffer(is_bday, dtype=np.uint8).astype(np.int64),
    )


def _epoch_days(starts: Any) -> np.ndarray:
    import numpy as np  # deferred: numpy is optional (the test and bench extras), 120-180 ms

    if isinstance(starts, np.ndarray) and starts.dtype.kind == "M":
        return starts.astype("datetime64[D]").view(np.int64)
    if isinstance(starts, np.ndarray) and starts.dtype.kind in "iu":
        return starts.astype(np.int64, copy=False)  # already epoch days
    items: Sequence[dt.date] = starts if isinstance(starts, Sequence) else list(starts)
    return np.fromiter((d.toordinal() - EPOCH_ORDINAL for d in items), dtype=np.int64, count=len(items))


def _year_of(epoch_day: int) -> int:
    return dt.date.fromordinal(epoch_day + EPOCH_ORDINAL).year


def add_business_days_batch(
    calendar: BusinessCalendar, starts: Iterable[dt.date] | Any, ns: Iterable[int] | int | Any
) -> np.ndarray:
    """calendar.add_business_days(start, n) for each pair, as a datetime64[D] array.

    starts: a datetime64 array, an int array of days since 1970-01-01, or dates.
    ns: ints (or one int for all). ``result.tolist()`` gives datetime.date
    objects. Raises OutOfRange like the single call when a start or a result
    falls outside the calendar's supported range.
    """
    import numpy as np  # deferred: numpy is optional (the test and bench extras), 120-180 ms

    days = _epoch_days(starts)
    n = np.broadcast_to(np.asarray(ns, dtype=np.int64), days.shape)
    if days.size == 0:
        return days.astype("datetime64[D]")
    lo_day, hi_day = int(days.min()), int(days.max())
    supported = (SUPPORTED_FROM.toordinal() - EPOCH_ORDINAL, SUPPORTED_TO.toordinal() - EPOCH_ORDINAL)
    if lo_day < supported[0] or hi_day > supported[1]:
        bad = lo_day if lo_day < supported[0] else hi_day
        shown = (
            "NaT" if bad == np.iinfo(np.int64).min else (dt.date.fromordinal(bad + EPOCH_ORDINAL).isoformat())
        )
        raise OutOfRange(
            f"{shown} は対応範囲外です（{SUPPORTED_FROM.isoformat()}〜{SUPPORTED_TO.isoformat()}）"
        )
    n_min, n_max = int(n.min()), int(n.max())
    first_year = _year_of(lo_day) - (-n_min // MIN_BDAYS_PER_YEAR + 1 if n_min < 0 else 0)
    last_year = _year_of(hi_day) + (n_max // MIN_BDAYS_PER_YEAR + 1 if n_max > 0 else 0)
    first_year = max(first_year, SUPPORTED_FROM.year)
    last_year = min(last_year, SUPPORTED_TO.year)
    lo, cum, bdays, is_bday = _span(calendar, first_year, last_year)

    index = days - lo
    if n_min > 0:  # the usual case (deadlines): no zero or negative counts
        k = cum[index]
        k += n
        k -= 1
        _check_reach(k, len(bdays))
        return bdays[k].view("datetime64[D]")
    # n > 0: bdays[cum + n - 1]; n < 0: bdays[cum - is_bday + n]; n == 0: the start
    k = cum[index] + n
    k -= np.where(n > 0, 1, is_bday[index])
    zero = n == 0
    if zero.any():
        k[zero] = 0
    _check_reach(k, len(bdays))
    out = bdays[k]
    if zero.any():
        out[zero] = days[zero]
    return out.view("datetime64[D]")


def _check_reach(k: np.ndarray, size: int) -> None:
    if int(k.min()) < 0 or int(k.max()) >= size:
        raise OutOfRange(f"結果が対応範囲外です（{SUPPORTED_FROM.isoformat()}〜{SUPPORTED_TO.isoformat()}）")
