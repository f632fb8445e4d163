"""Japanese dates: parsing what users type, and the Reiwa-era fiscal year.

Accepted input: 2027-04-01, 2027/4/1, R9.4.1, R9/4/1, 令和9年4月1日, 令和元年5月1日,
H31.4.30, 平成31年4月30日, with full-width digits and separators too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# (name, letter, first day)
ERAS = (
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
)
_ERA_BY_KEY = {key: (name, start) for name, letter, start in ERAS for key in (name, letter)}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_KANJI_WESTERN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ERA = re.compile(
    r"^(令和|平成|昭和|[RHS])\s*(元|\d{1,2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$"
)


class DateError(ValueError):
    """A value that is not a date we understand; the message says why."""


def normalize(text: str) -> str:
    """Full-width digits/letters/punctuation to ASCII (NFKC), trimmed, upper-cased era letter."""
    text = unicodedata.normalize("NFKC", text).strip()
    if text[:1] in ("r", "h", "s"):
        text = text[:1].upper() + text[1:]
    return text


def parse_date(text: str) -> dt.date:
    """Parse a date a user typed, or raise DateError naming what is wrong."""
    raw = text
    text = normalize(text)
    if not text:
        raise DateError("日付が空です")
    m = _ISO.match(text) or _KANJI_WESTERN.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return _make(y, mo, d, raw)
    m = _ERA.match(text)
    if m:
        era, year_s, mo_s, d_s = m.groups()
        era_year = 1 if year_s == "元" else int(year_s)
        if era_year < 1:
            raise DateError(f"「{raw}」: 元号の年は1以上です")
        era_name, start = _ERA_BY_KEY[era]
        day = _make(start.year + era_year - 1, int(mo_s), int(d_s), raw)
        if day < start:
            raise DateError(f"「{raw}」は{era_name}の始まり（{start.isoformat()}）より前です")
        return day
    raise DateError(f"「{raw}」は日付として読めません（例: 2027-04-01, 2027/4/1, R9.4.1, 令和9年4月1日）")


def _make(y: int, mo: int, d: int, raw: str) -> dt.date:
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise DateError(f"「{raw}」は存在しない日付です") from None


def era_year(year: int) -> str:
    """The Reiwa (or Heisei) era name of a Western year, 元年 for the first: 2019 -> 令和元年."""
    for name, _letter, start in ERAS:
        if year >= start.year:
            n = year - start.year + 1
            return f"{name}{'元' if n == 1 else n}年"
    return f"{year}年"


def fiscal_year_of(day: dt.date) -> int:
    """Japanese fiscal year (April-March), as the Western year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(fy: int, western: bool = True) -> str:
    """令和9年度 (2027年度) for fy=2027; 令和元年度 for 2019; 平成30年度 for 2018."""
    label = era_year(fy) + "度"
    return f"{label}（{fy}年度）" if western else label


def fiscal_year_range(fy: int) -> tuple[dt.date, dt.date]:
    return dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31)


def format_md(day: dt.date) -> str:
    """Short Japanese month/day with weekday, e.g. 1/12(月)."""
    return f"{day.month}/{day.day}({'月火水木金土日'[day.weekday()]})"
