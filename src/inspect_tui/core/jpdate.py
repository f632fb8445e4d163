"""Japanese dates: parsing what users type, and the Reiwa-era fiscal year.

Accepted input: 2027-04-01, 2027/4/1, R9.4.1, R9/4/1, 令和9年4月1日, 令和元年5月1日,
H31.4.30, 平成31年4月30日, S39.10.10, T15.12.24, M45.7.29, with full-width digits
and separators too.

An era date is checked against the era's real first and last day: 平成31年5月1日
and 昭和64年1月8日 do not exist (those days were 令和元年5月1日 and 平成元年1月8日).
明治 began on 1868-01-25 (慶応4年1月1日, the change was made retroactive), but until
明治5年12月2日 Japan used the lunisolar calendar, whose dates cannot be turned into
Western ones by adding years; so 明治 dates are accepted from 明治6年1月1日
(1873-01-01, the first day of the Gregorian calendar in Japan). Nobody alive
today was born before that.

Months and fiscal years in an era (the periods of core/metrics.py): a month exists in
an era when one of its days does (平成31年4月 and 令和元年5月 do, 平成31年5月 and
令和元年4月 do not; 1989-01 is both 昭和64年1月 and 平成元年1月), and a fiscal year
(April-March) when one of its days does (平成31年度 and 令和元年度 are both FY2019;
平成32年度 and 昭和64年度 do not exist). Printed, a month is named by the era of its first
day (2019-04 is 平成31年4月) and a fiscal year by the era in force at the end of the
calendar year it starts in: FY2019 is 令和元年度, the name in use for it (the
national budget was enacted as 平成31年度 and many offices wrote 平成31年度（令和元年度）).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from inspect_tui.core.lazy_re import LazyPattern

# Fiscal years are counted in core/months.py; the screens still import these two from here.
from inspect_tui.core.months import fiscal_year_of as fiscal_year_of
from inspect_tui.core.months import fiscal_year_span, month_of
from inspect_tui.core.months import fiscal_year_span as fiscal_year_range  # noqa: F401
from inspect_tui.core.records import record


@record(frozen=True)
class Era:
    name: str
    letter: str
    first: dt.date  # the era's first day
    last: dt.date | None  # its last day; None for the current era
    accepted_from: dt.date | None = None  # the first date we accept in this era, if later than first

    @property
    def accepts_from(self) -> dt.date:
        return self.accepted_from or self.first

    def span(self) -> str:
        """「平成は 1989-01-08 から 2019-04-30」 as used in messages."""
        start = self.accepts_from.isoformat()
        return f"{self.name}は {start} から" + (f" {self.last.isoformat()}" if self.last else "")


# newest first
ERAS = (
    Era("令和", "R", dt.date(2019, 5, 1), None),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("明治", "M", dt.date(1868, 1, 25), dt.date(1912, 7, 29), dt.date(1873, 1, 1)),
)
_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter)}
_ERA_KEYS = "|".join(e.name for e in ERAS) + "|[" + "".join(e.letter for e in ERAS) + "]"

_ISO = LazyPattern(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_KANJI_WESTERN = LazyPattern(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ERA_DATE = LazyPattern(
    rf"^({_ERA_KEYS})\s*(元|\d{{1,2}})\s*[年./-]\s*(\d{{1,2}})\s*[月./-]\s*(\d{{1,2}})\s*日?$"
)
_LOWER_LETTERS = tuple(e.letter.lower() for e in ERAS)


class DateError(ValueError):
    """A value that is not a date we understand; the message says why."""


def normalize(text: str) -> str:
    """Full-width digits/letters/punctuation to ASCII (NFKC), trimmed, upper-cased era letter."""
    text = unicodedata.normalize("NFKC", text).strip()
    if text[:1] in _LOWER_LETTERS:
        text = text[:1].upper() + text[1:]
    return text


def parse_date(text: str) -> dt.date:
    """Parse a date a user typed, or raise DateError naming what is wrong."""
    # 2027-04-01, the form every file the app writes and most it reads use: the same result
    # as the general path below (NFKC leaves ASCII as it is), without its normalization and
    # patterns (a daily import at 1M cases parses ~1,700 distinct dates)
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        year, month, day = text[:4], text[5:7], text[8:]
        if year.isdigit() and month.isdigit() and day.isdigit():
            return _make(int(year), int(month), int(day), text)
    raw = text
    text = normalize(text)
    if not text:
        raise DateError("日付が空です")
    m = _ISO.match(text) or _KANJI_WESTERN.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return _make(y, mo, d, raw)
    m = _ERA_DATE.match(text)
    if m:
        key, year_s, mo_s, d_s = m.groups()
        return era_date(_ERA_BY_KEY[key], 1 if year_s == "元" else int(year_s), int(mo_s), int(d_s), raw)
    raise DateError(f"「{raw}」は日付として読めません（例: 2027-04-01, 2027/4/1, R9.4.1, 令和9年4月1日）")


def era_date(era: Era, year: int, month: int, day: int, raw: str = "") -> dt.date:
    """The Western date of an era date, or DateError when the era has no such day."""
    raw = raw or f"{era.name}{'元' if year == 1 else year}年{month}月{day}日"
    if year < 1:
        raise DateError(f"「{raw}」: 元号の年は1以上です")
    if dt.date(era.first.year + year - 1, 12, 31) < era.accepts_from:  # 明治5年 and before
        raise DateError(f"「{raw}」は旧暦の日付のため西暦に換算できません（{era.span()}）")
    day_ = _make(era.first.year + year - 1, month, day, raw)
    if day_ < era.accepts_from or (era.last is not None and day_ > era.last):
        hint = f"。{day_.isoformat()} なら{format_era(day_)}" if era_of(day_) else ""
        raise DateError(f"「{raw}」はありません（{era.span()}{hint}）")
    return day_


def era_of(day: dt.date) -> Era | None:
    """The era a Western date is written in (None before 1873-01-01)."""
    for era in ERAS:
        if day >= era.accepts_from:
            return era if era.last is None or day <= era.last else None
    return None


def era_named(key: str) -> Era:
    """The era of 令和 / R (an upper-case letter; see normalize); KeyError for anything else."""
    return _ERA_BY_KEY[key]


#: A regex group of the era names and letters (令和|平成|…|[RHSTM]), for the period parsers.
ERA_KEYS = _ERA_KEYS


def era_year_number(text: str) -> int:
    """元 -> 1, otherwise the digits."""
    return 1 if text == "元" else int(text)


def era_month(era: Era, year: int, month: int, raw: str = "") -> tuple[int, int]:
    """(Western year, month) of an era month, or DateError when the era has no day in it:
    平成31年4月 -> (2019, 4); 平成31年5月 and 令和元年4月 are refused, naming the month's name."""
    raw = raw or f"{era.name}{_year_label(year)}{month}月"
    if year < 1:
        raise DateError(f"「{raw}」: 元号の年は1以上です")
    if not 1 <= month <= 12:
        raise DateError(f"「{raw}」: 月は1〜12です")
    western = era.first.year + year - 1
    first, last = month_of(western, month)
    if last < era.accepts_from or (era.last is not None and first > era.last):
        name = f"{western}年{month}月は{month_label(western, month)}。" if era_of(last) is not None else ""
        raise DateError(f"「{raw}」はありません（{name}{era.span()}）")  # the name first: a 1-line status
    return western, month


def era_fiscal_year(era: Era, year: int, raw: str = "") -> int:
    """The fiscal year (its first Western year) of an era fiscal year, or DateError when none
    of its days is in the era: 令和元年度 and 平成31年度 -> 2019; 平成32年度 is refused."""
    raw = raw or f"{era.name}{_year_label(year)}度"
    if year < 1:
        raise DateError(f"「{raw}」: 元号の年は1以上です")
    fy = era.first.year + year - 1
    first, last = fiscal_year_span(fy)
    if last < era.accepts_from or (era.last is not None and first > era.last):
        name = f"{fy}年度は{fiscal_year_label(fy, western=False)}。" if era_of(last) is not None else ""
        raise DateError(f"「{raw}」はありません（{name}{era.span()}）")
    return fy


def month_label(year: int, month: int) -> str:
    """令和9年5月 for 2027-05, named by the era of the month's first day: 2019-04 is
    平成31年4月, 2019-05 令和元年5月; 1872年5月 before the eras we write."""
    era = era_of(dt.date(year, month, 1))
    if era is None:
        return f"{year}年{month}月"
    return f"{era.name}{_year_label(year - era.first.year + 1)}{month}月"


def format_era(day: dt.date) -> str:
    """令和元年5月1日 for 2019-05-01; the ISO date before 1873."""
    era = era_of(day)
    if era is None:
        return day.isoformat()
    return f"{era.name}{_year_label(day.year - era.first.year + 1)}{day.month}月{day.day}日"


def _year_label(n: int) -> str:
    return f"{'元' if n == 1 else n}年"


def _make(y: int, mo: int, d: int, raw: str) -> dt.date:
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise DateError(f"「{raw}」は存在しない日付です") from None


def era_year(year: int) -> str:
    """The era year in force at the end of a Western year, 元年 for the first: 2019 -> 令和元年.

    For a fiscal year's name (fiscal_year_label); a month or a day is named by its own
    era (month_label, format_era): 2019-04 was 平成31年4月."""
    for era in ERAS:
        if year >= era.first.year:
            return era.name + _year_label(year - era.first.year + 1)
    return f"{year}年"


def fiscal_year_label(fy: int, western: bool = True) -> str:
    """令和9年度 (2027年度) for fy=2027; 令和元年度 for 2019; 平成30年度 for 2018."""
    label = era_year(fy) + "度"
    return f"{label}（{fy}年度）" if western else label


WEEKDAYS = "月火水木金土日"


def format_md(day: dt.date) -> str:
    """Short Japanese month/day with weekday, e.g. 1/12(月)."""
    return f"{day.month}/{day.day}({WEEKDAYS[day.weekday()]})"


def format_wd(day: dt.date, today: dt.date | None = None) -> str:
    """ISO date with weekday, 2027-01-03(日); 01-03(日) when today is given and in the same year."""
    text = day.strftime("%m-%d") if today is not None and day.year == today.year else day.isoformat()
    return f"{text}({WEEKDAYS[day.weekday()]})"
