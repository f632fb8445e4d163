"""The municipal business-day calendar (開庁日).

A business day is Monday-Friday that is not a national holiday (jpholiday:
振替休日 and 国民の休日 included), not in the year-end closure 12/29-1/3, and
not one of the extra closure dates a user lists in the config file.

"N 開庁日後" is the N-th business day strictly after the start date; the start
date never counts, whether or not it is itself a business day.

The calendar is precomputed once per set of extra closures (lazily, on first
use) into three flat arrays indexed by day, so each call is a few array
look-ups: no jpholiday call per day.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from inspect_tui.core.records import record

#: a year's national holidays: (date, name), as jpholiday.year_holidays gives them
HolidaySource = Callable[[int], Iterable[tuple[dt.date, str]]]


def jpholiday_year(year: int) -> list[tuple[dt.date, str]]:
    """The year's holidays from jpholiday (deferred: 20-130 ms at start-up, python -X
    importtime, and 35-70 ms a year; only when a year is first needed)."""
    import jpholiday

    return list(jpholiday.year_holidays(year))


_source: HolidaySource = jpholiday_year


def use_holiday_source(source: HolidaySource | None) -> None:
    """Where the calendar reads a year's holidays (None: jpholiday itself). The session
    installs system/holiday_cache.py's, which keeps jpholiday's answers per machine."""
    global _source
    new = source or jpholiday_year
    if new is not _source:
        _source = new
        _cached_calendar.cache_clear()


#: First and last dates the calendar supports. jpholiday matches the Cabinet
#: Office list from 1986 on; after the next February its equinox days are
#: predictions, which is the best anyone can do.
SUPPORTED_FROM = dt.date(1989, 1, 1)
SUPPORTED_TO = dt.date(2099, 12, 31)

YEAR_END_CLOSURE = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))


class OutOfRange(ValueError):
    """A date outside the range the calendar covers."""


@record(frozen=True)
class DayOff:
    """Why a date is not a business day."""

    date: dt.date
    reason: str  # e.g. "土曜", "成人の日", "年末年始閉庁", "臨時閉庁"


class _Year:
    """One calendar year, precomputed: which days are business days, and counts."""

    __slots__ = ("bdays", "count", "cum", "is_bday", "start")

    def __init__(self, year: int, off: set[int]) -> None:
        self.start = dt.date(year, 1, 1).toordinal()
        size = dt.date(year, 12, 31).toordinal() - self.start + 1
        is_bday = bytearray(size)
        cum = array("i", bytes(4 * size))  # business days in [Jan 1, day]
        bdays = array("i")
        first_weekday = dt.date(year, 1, 1).weekday()
        count = 0
        for i in range(size):
            ordinal = self.start + i
            if (first_weekday + i) % 7 < 5 and ordinal not in off:
                is_bday[i] = 1
                bdays.append(ordinal)
                count += 1
            cum[i] = count
        self.is_bday = bytes(is_bday)
        self.cum = cum
        self.bdays = bdays
        self.count = count


class BusinessCalendar:
    """Business days between SUPPORTED_FROM and SUPPORTED_TO.

    Years are built on first use (jpholiday takes tens of ms per year) and kept.
    """

    def __init__(self, extra_closures: Iterable[dt.date] = ()) -> None:
        self.extra_closures = frozenset(extra_closures)
        self._years: dict[int, _Year] = {}
        self._holiday_names: dict[int, str] = {}

    def _year(self, year: int) -> _Year:
        blk = self._years.get(year)
        if blk is None:
            if not SUPPORTED_FROM.year <= year <= SUPPORTED_TO.year:
                raise OutOfRange(
                    f"{year}年は対応範囲外です（{SUPPORTED_FROM.isoformat()}〜{SUPPORTED_TO.isoformat()}）"
                )
            off: set[int] = set()
            for day, name in _source(year):
                self._holiday_names[day.toordinal()] = name
                off.add(day.toordinal())
            for month, day_no in YEAR_END_CLOSURE:
                off.add(dt.date(year, month, day_no).toordinal())
            off.update(d.toordinal() for d in self.extra_closures if d.year == year)
            blk = self._years[year] = _Year(year, off)
        return blk

    def _check(self, day: dt.date) -> None:
        if not SUPPORTED_FROM <= day <= SUPPORTED_TO:
            raise OutOfRange(
                f"{day.isoformat()} は対応範囲外です"
                f"（{SUPPORTED_FROM.isoformat()}〜{SUPPORTED_TO.isoformat()}）"
            )

    # -- look-ups -------------------------------------------------------
    def is_business_day(self, day: dt.date) -> bool:
        self._check(day)
        blk = self._year(day.year)
        return bool(blk.is_bday[day.toordinal() - blk.start])

    def on_or_after(self, day: dt.date) -> dt.date:
        """day if it is a business day, else the next business day (2027-01-03(日) -> 2027-01-04(月))."""
        return day if self.is_business_day(day) else self.add_business_days(day, 1)

    def add_business_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th business day strictly after start (before it for n < 0).

        n == 0 returns start unchanged.
        """
        if n == 0:
            self._check(start)
            return start
        year = start.year
        blk = self._years.get(year) or self._year(year)
        i = start.toordinal() - blk.start
        if n > 0:
            k = blk.cum[i] + n - 1
            while k >= blk.count:
                k -= blk.count
                year += 1
                blk = self._year_or_range_error(year, start, n)
        else:
            k = blk.cum[i] - blk.is_bday[i] + n
            while k < 0:
                year -= 1
                blk = self._year_or_range_error(year, start, n)
                k += blk.count
        return dt.date.fromordinal(blk.bdays[k])

    def _year_or_range_error(self, year: int, start: dt.date, n: int) -> _Year:
        try:
            return self._year(year)
        except OutOfRange:
            raise OutOfRange(
                f"{start.isoformat()} の {n} 開庁日{'後' if n > 0 else '前'}は対応範囲外です"
            ) from None

    def add_business_days_many(self, pairs: Iterable[tuple[dt.date, int]]) -> list[dt.date]:
        """add_business_days over many (start, n) pairs."""
        add = self.add_business_days
        return [add(start, n) for start, n in pairs]

    def arrays(self, first_year: int, last_year: int) -> tuple[int, array, array, bytes]:
        """The precomputed years first_year..last_year joined, for batch code (numpy).

        Returns (lo, cum, bdays, is_bday): lo is the ordinal of Jan 1 of
        first_year; for day index i = ordinal - lo, cum[i] counts the business
        days in [lo, that day] and is_bday[i] is 1 on a business day; bdays
        holds the ordinals of the span's business days in order. So the n-th
        business day strictly after day i is bdays[cum[i] + n - 1].
        """
        if first_year > last_year:
            raise ValueError("first_year must not be after last_year")
        blocks = [self._year(y) for y in range(first_year, last_year + 1)]
        cum, bdays, flags = array("i"), array("i"), bytearray()
        offset = 0
        for blk in blocks:
            cum.extend(c + offset for c in blk.cum)
            bdays.extend(blk.bdays)
            flags += blk.is_bday
            offset += blk.count
        return blocks[0].start, cum, bdays, bytes(flags)

    def _count_to(self, day: dt.date) -> tuple[int, int]:
        """(year, business days from Jan 1 of that year through day)."""
        self._check(day)
        blk = self._year(day.year)
        return day.year, blk.cum[day.toordinal() - blk.start]

    def business_days_between(self, start: dt.date, end: dt.date) -> int:
        """Business days in (start, end]: how many 開庁日 from start to end.

        Negative when end is before start, so "days left" reads naturally:
        0 on the deadline day itself, -1 one business day past it.
        """
        if end < start:
            return -self.business_days_between(end, start)
        y1, c1 = self._count_to(start)
        y2, c2 = self._count_to(end)
        total = c2 - c1
        for year in range(y1, y2):
            total += self._year(year).count
        return total

    def days_off_between(self, start: dt.date, end: dt.date) -> list[DayOff]:
        """Non-business days in (start, end], with the reason for each."""
        out: list[DayOff] = []
        for ordinal in range(start.toordinal() + 1, end.toordinal() + 1):
            day = dt.date.fromordinal(ordinal)
            reason = self.day_off_reason(day)
            if reason:
                out.append(DayOff(day, reason))
        return out

    def day_off_reason(self, day: dt.date) -> str | None:
        """Why day is not a business day, or None if it is one."""
        if self.is_business_day(day):
            return None
        ordinal = day.toordinal()
        if (day.month, day.day) in YEAR_END_CLOSURE:
            return "年末年始閉庁"
        if ordinal in self._holiday_names:
            return self._holiday_names[ordinal]
        if day in self.extra_closures:
            return "臨時閉庁"
        return "土曜" if day.weekday() == 5 else "日曜"

    def holidays(self, first_year: int, last_year: int) -> Sequence[tuple[dt.date, str]]:
        """National holidays in the given years (for references and tests)."""
        for year in range(first_year, last_year + 1):
            self._year(year)
        return sorted(
            (d, n)
            for o, n in self._holiday_names.items()
            for d in (dt.date.fromordinal(o),)
            if first_year <= d.year <= last_year
        )


def add_calendar_days(start: dt.date, n: int) -> dt.date:
    return start + dt.timedelta(days=n)


def get_calendar(extra_closures: Iterable[dt.date] = ()) -> BusinessCalendar:
    """The calendar for a set of extra closures, built once and cached."""
    return _cached_calendar(frozenset(extra_closures))


@lru_cache(maxsize=8)
def _cached_calendar(extra_closures: frozenset[dt.date]) -> BusinessCalendar:
    return BusinessCalendar(extra_closures)
