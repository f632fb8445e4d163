"""Personal data: which fields are personal, and how they are hidden.

The one place that decides what a monitor, a report, a log or an audit row may
show of an applicant. Applicant name, insured number, date of birth and
address are personal; case numbers are not.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

from inspect_tui.core.lazy_re import LazyPattern
from inspect_tui.core.months import add_months
from inspect_tui.core.records import record
from inspect_tui.core.today import today_jp

PERSONAL_FIELDS = frozenset({"applicant_name", "insured_no", "birth_date", "address"})
REDACTED = "［非表示］"
#: The stored copy of a survey form's content (its answers and 特記事項, store table
#: survey_forms). Not personal data, but a copy of the form that may be kept only until 3
#: months after its submission (seed 001 §4(4)④): the audit log holds it like personal data
#: (salted hashes, the salt erased by the purge), and the purge empties it.
FORM_COPY_FIELDS = frozenset({"form_answers", "form_notes"})
#: Columns the audit log never holds in the clear.
LOG_HIDDEN_FIELDS = PERSONAL_FIELDS | FORM_COPY_FIELDS


def visible_fields(role: str) -> frozenset[str]:
    """Personal fields a role may see: managers and chiefs all; monitors none."""
    return PERSONAL_FIELDS if role in ("manager", "chief") else frozenset()


#: Staff personal data (the surveyor roster, seed 001 §5(2)): a surveyor's name, date of
#: birth, registration number and the evidence of another qualification. Hidden from a
#: monitor like an applicant's; the surveyor code, the kind of qualification and the dates
#: of notifications, pledge and ID card stay readable (they are what the city checks).
STAFF_PERSONAL_FIELDS = frozenset({"name", "birth_date", "registration_no", "qualification_evidence"})


def sees_staff(role: str) -> bool:
    """Managers and chiefs see staff personal data; a monitor does not."""
    return role in ("manager", "chief")


def staff_value(role: str, value: str | None) -> str | None:
    """A staff personal value as a role may see it (REDACTED for a monitor; None stays None)."""
    return value if value is None or sees_staff(role) else REDACTED


# --------------------------------------------------------------------------- free text
# What staff type (review notes, guidance, complaints, incident sheets, monthly
# notes, case step notes) is not a personal field, but people quote personal
# data into it. ``personal_data_hints`` says which kinds of it a text seems to
# hold (never the values); ``mask_free_text`` hides those spans.
#
# The patterns, on the text as NFKC sees it (full-width digits count):
# - a run of 10 or more digits, also split by spaces or hyphens (ー too), that is
#   not a date or a time: 10 looks like an insured number (and a landline), more
#   like a mobile or an individual number; case numbers (R9-00123) have fewer.
# - a date (1940/1/2, 1940年1月2日, S15.1.2, 昭和15年1月2日, 昭和十五年一月二日) more
#   than BIRTH_AGE_YEARS before today, or any date written as a birth date
#   (生年月日 S60.1.2, 1985/3/4生); a year written as a birth year (昭和15年生まれ).
#   Visit dates, deadlines and times stay readable.
# - a street number: 3丁目, 5番地, 3番5号, 3丁目5-2.
# - the applicant's name (known_names; also without the space between family and
#   given name, given name first, full-width or half-width) and insured number
#   (known_numbers, however it is split).

INSURED_LIKE = "被保険者番号のような10桁の数字"
LONG_NUMBER = "電話番号などの11桁以上の数字"
BIRTH_LIKE = "生年月日のような日付"
ADDRESS_LIKE = "住所のような番地"
CASE_NAME = "この依頼の申請者の氏名"
CASE_NUMBER = "この依頼の被保険者番号"
#: Every kind, in the order hints are listed.
HINT_KINDS = (CASE_NAME, CASE_NUMBER, INSURED_LIKE, LONG_NUMBER, BIRTH_LIKE, ADDRESS_LIKE)
FREE_TEXT_MASK = "＊＊＊"
#: A date this many years or more before today is taken for a date of birth.
BIRTH_AGE_YEARS = 40

_KNUM = "[〇一二三四五六七八九十]{1,3}"
_KDIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_ERA_ABBR = {"明": "明治", "大": "大正", "昭": "昭和", "平": "平成", "令": "令和"}
_ERA_ABBR.update({"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"})
_ERA = r"(?:(?P<era>明治|大正|昭和|平成|令和|[明大昭平令])|(?<![A-Za-z])(?P<letter>[MTSHRmtshr]))"
_NUM = rf"(?:\d{{1,2}}|{_KNUM})"
_BORN_WORD = r"(?:生まれ|うまれ|生(?![活産協徒涯命]))"

_WESTERN_DATE = LazyPattern(
    r"(?<!\d)(?P<y>1[89]\d\d|20\d\d)\s?(?:年|[./\-])\s?(?P<m>\d{1,2})\s?(?:月|[./\-])\s?(?P<d>\d{1,2})"
    r"(?!\d)(?:\s?日)?"
)
_ERA_DATE = LazyPattern(
    rf"{_ERA}\s?\.?\s?(?P<y>\d{{1,2}}|元|{_KNUM})\s?(?:年|[./\-])\s?(?P<m>{_NUM})\s?(?:月|[./\-])\s?"
    rf"(?P<d>{_NUM})(?![\d〇一二三四五六七八九十])(?:\s?日)?"
)
_BORN_YEAR = LazyPattern(
    rf"(?:{_ERA}\s?\.?\s?(?:\d{{1,2}}|元|{_KNUM})|(?<!\d)(?:1[89]|20)\d\d)\s?年"
    rf"(?:\s?{_NUM}\s?月)?(?:\s?{_NUM}\s?日)?\s?{_BORN_WORD}"
)
_BORN_BEFORE = LazyPattern(r"(?:生年月日|誕生日|生まれ|出生日?|生年|DOB|[Bb]orn)[\s:：はがの、,]*$")
_BORN_AFTER = LazyPattern(rf"\s?(?:{_BORN_WORD}|誕生)")
_TIME = LazyPattern(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")
_ADDRESS = LazyPattern(
    rf"(?:(?<!\d)\d{{1,3}}|{_KNUM})\s?丁目(?:\s?\d{{1,4}}(?:\s?番地?|[-の])(?:\s?\d{{1,4}}(?!\d)(?:\s?号)?)?)?"
    r"|(?<!\d)\d{1,4}\s?番地(?:\s?の?\s?\d{1,4}(?!\d))?"
    r"|(?<!\d)\d{1,4}\s?番\s?\d{1,4}\s?号"
)
_DIGIT_GROUP = LazyPattern(r"\d+")
#: What may stand between the digit groups of one number: spaces and dashes (ー too).
_NUMBER_GAP = LazyPattern(r"[ \t\u3000\-‐‑‒–—―−ーｰ]{1,3}")
_NAME_SPACE = LazyPattern(r"\s+")


def _normalized(text: str) -> tuple[str, list[int]]:
    """The text as NFKC sees it, and for each of its characters the index in ``text``."""
    if text.isascii():
        return text, list(range(len(text)))
    out: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(text):
        n = ch if ch.isascii() else unicodedata.normalize("NFKC", ch)
        out.append(n)
        src.extend([i] * len(n))
    return "".join(out), src


def _kanji_number(text: str) -> int:
    """'15', '十五', '二十', '三十一', '一〇', '元' -> the number."""
    if text == "元":
        return 1
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_KDIGITS.get(tens, 1) if tens else 1) * 10 + (_KDIGITS.get(ones, 0) if ones else 0)
    value = 0
    for c in text:
        value = value * 10 + _KDIGITS[c]
    return value


def _years_before(today: dt.date, years: int) -> dt.date:
    return add_months(today, -12 * years)  # 29 February -> 28 February


@record(frozen=True)
class _Span:
    start: int
    end: int
    kind: str | None  # None: a date or time that stays readable (but is no number)


def _date_of(m: re.Match[str]) -> dt.date | None:
    groups = m.groupdict()
    try:
        if "era" in groups:
            era = groups["era"] or groups["letter"]
            name = _ERA_ABBR.get(era.upper() if len(era) == 1 and era.isascii() else era, era)
            year = _ERA_START[name] + _kanji_number(groups["y"]) - 1
        else:
            year = int(groups["y"])
        return dt.date(year, _kanji_number(groups["m"]), _kanji_number(groups["d"]))
    except (ValueError, KeyError):
        return None


def _date_spans(norm: str, today: dt.date) -> list[_Span]:
    oldest_visit = _years_before(today, BIRTH_AGE_YEARS)
    spans: list[_Span] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_ERA_DATE, _WESTERN_DATE):
        for m in pattern.finditer(norm):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            day = _date_of(m)
            if day is None:
                continue
            born = bool(
                _BORN_BEFORE.search(norm, max(0, m.start() - 16), m.start())
                or _BORN_AFTER.match(norm, m.end())
            )
            birth = born or day < oldest_visit
            spans.append(_Span(m.start(), m.end(), BIRTH_LIKE if birth else None))
            taken.append((m.start(), m.end()))
    for m in _BORN_YEAR.finditer(norm):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            spans.append(_Span(m.start(), m.end(), BIRTH_LIKE))
    spans += [_Span(m.start(), m.end(), None) for m in _TIME.finditer(norm)]
    return spans


def _compact(norm: str, drop: Callable[[str], bool]) -> tuple[str, list[int]]:
    keep = [(i, c) for i, c in enumerate(norm) if not drop(c)]
    return "".join(c for _, c in keep), [i for i, _ in keep]


def _find_all(haystack: str, needle: str) -> Iterable[int]:
    at = haystack.find(needle)
    while at >= 0:
        yield at
        at = haystack.find(needle, at + 1)


#: the last two sets of known names and numbers looked up stay indexed (a report masks all its
#: notes against one month's, a typed note against its case's). Each month's set at 1M cases
#: is ~4 MB of keys and index, which a cache of 16 kept for every month the Reports screen
#: had shown (+4.4 MB a month, measured)
_KEEP = 2


@functools.lru_cache(maxsize=_KEEP)
def _name_keys(names: tuple[str, ...]) -> frozenset[str]:
    """Names as searched for: NFKC, without spaces, at least 2 characters; a name written
    as family and given name is also looked for the other way round (冬美 鈴原)."""
    keys: set[str] = set()
    for n in names:
        parts = unicodedata.normalize("NFKC", n or "").split()
        keys.add("".join(parts))
        if len(parts) == 2:
            keys.add(parts[1] + parts[0])
    return frozenset(k for k in keys if len(k) >= 2 and not _NUMBER_GAP.fullmatch(k) and "*" not in k)


def number_key(number: str | None) -> str:
    """A number as it is looked for: NFKC, letters and digits only (0123-456 -> 0123456)."""
    n = number or ""
    if n.isascii() and n.isalnum():  # most insured numbers: already their key (NFKC leaves
        return n  # ASCII as it is); 25,000 of a month's took 28 ms the long way, 8.5 this way
    return "".join(c for c in unicodedata.normalize("NFKC", n) if c.isalnum())


@functools.lru_cache(maxsize=_KEEP)
def _number_keys(numbers: tuple[str, ...]) -> frozenset[str]:
    keys = {number_key(n) for n in numbers}
    return frozenset(k for k in keys if len(k) >= 4)


#: keys are looked up by their first characters (a name has 2 at least, a number 4)
_NAME_PREFIX, _NUMBER_PREFIX = 2, 4


@functools.lru_cache(maxsize=2 * _KEEP)  # names and numbers each
def _by_prefix(keys: frozenset[str], size: int) -> dict[str, tuple[str, ...]]:
    """The keys by their first ``size`` characters: a text is read once, trying at each place
    only the keys that start with what is there (a month's 25,000 names against a short note
    cost 13 ms with one str.find per name, well under 1 ms this way)."""
    out: dict[str, list[str]] = {}
    for k in keys:
        out.setdefault(k[:size], []).append(k)
    return {p: tuple(ks) for p, ks in out.items()}


def forget_known() -> None:
    """Let go of the indexes of known names and numbers built so far: a long-lived process
    (the TUI) calls it once a report is built, where the month's set (~4 MB at 1M cases)
    is not needed again; freed, later screens reuse the memory instead of growing."""
    for cached in (_name_keys, _number_keys, _by_prefix):
        cached.cache_clear()


def _occurrences(text: str, keys: frozenset[str], size: int) -> Iterable[tuple[int, str]]:
    """(where, key) of every occurrence of every key in text, overlapping ones too."""
    if len(keys) <= 8:  # a case's own name or number: find is simplest
        for key in keys:
            for at in _find_all(text, key):
                yield at, key
        return
    index = _by_prefix(keys, size)
    for at in range(len(text) - size + 1):
        for key in index.get(text[at : at + size], ()):
            if text.startswith(key, at):
                yield at, key


def _known_spans(norm: str, names: Iterable[str], numbers: Iterable[str]) -> list[_Span]:
    spans: list[_Span] = []
    keys = _name_keys(tuple(names))
    if keys:
        text, index = _compact(norm, str.isspace)
        for at, key in _occurrences(text, keys, _NAME_PREFIX):
            spans.append(_Span(index[at], index[at + len(key) - 1] + 1, CASE_NAME))
    digit_keys = _number_keys(tuple(numbers))
    if digit_keys:
        text, index = _compact(norm, lambda c: c.isspace() or bool(_NUMBER_GAP.fullmatch(c)))
        for at, key in _occurrences(text, digit_keys, _NUMBER_PREFIX):
            end = at + len(key)
            if (at > 0 and text[at - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
                continue  # part of a longer number (masked as such if it is long)
            spans.append(_Span(index[at], index[end - 1] + 1, CASE_NUMBER))
    return spans


def _number_spans(norm: str, taken: list[_Span]) -> list[_Span]:
    """Numbers of 10 digits or more: digit groups joined by dashes (0123-456-789,
    090-1234-5678) or spaces (01234 56789). Two numbers that each carry their own
    dashes and only stand side by side (2027-0001 2027-0002, a list of case
    numbers) are not one number."""
    # words: digit groups joined by dashes; each with whether a space joins it to the one before
    words: list[tuple[list[re.Match[str]], bool]] = []
    last: re.Match[str] | None = None
    for g in _DIGIT_GROUP.finditer(norm):
        if any(s.start < g.end() and g.start() < s.end for s in taken):
            last = None
            continue
        gap = norm[last.end() : g.start()] if last else ""
        joins = bool(gap) and bool(_NUMBER_GAP.fullmatch(gap))
        if joins and not gap.isspace():
            words[-1][0].append(g)
        else:
            words.append(([g], joins))
        last = g
    spans: list[_Span] = []
    run: list[list[re.Match[str]]] = []

    def close() -> None:
        digits = sum(len(g.group()) for w in run for g in w)
        if digits >= 10:
            kind = INSURED_LIKE if digits == 10 else LONG_NUMBER
            spans.append(_Span(run[0][0].start(), run[-1][-1].end(), kind))
        run.clear()

    for groups, spaced in words:
        if run and not (spaced and (len(groups) == 1 or len(run[-1]) == 1)):
            close()
        run.append(groups)
    if run:
        close()
    return spans


def _personal_spans(
    text: str, known_names: Iterable[str], known_numbers: Iterable[str], today: dt.date | None
) -> list[tuple[int, int, str]]:
    """(start, end, kind) of what looks personal, in the text's own indices, in order."""
    if today is None:
        today = today_jp()
    norm, src = _normalized(text)
    spans = _date_spans(norm, today)
    spans += [_Span(m.start(), m.end(), ADDRESS_LIKE) for m in _ADDRESS.finditer(norm)]
    spans += _known_spans(norm, known_names, known_numbers)
    spans += _number_spans(norm, spans)
    return sorted((src[s.start], src[s.end - 1] + 1, s.kind) for s in spans if s.kind and s.end > s.start)


def personal_data_hints(
    text: str | None,
    known_names: Iterable[str] = (),
    known_numbers: Iterable[str] = (),
    *,
    today: dt.date | None = None,
) -> tuple[str, ...]:
    """The kinds of personal data the text seems to hold (HINT_KINDS words, never the values).

    known_names / known_numbers: the applicant names and insured numbers of the
    case(s) the text belongs to. today: for "a date long ago" (default: today in Japan).
    """
    if not text:
        return ()
    spans = _personal_spans(text, known_names, known_numbers, today)
    seen = {k for _, _, k in spans}
    return tuple(k for k in HINT_KINDS if k in seen)


def mask_free_text(
    text: str | None,
    known_names: Iterable[str] = (),
    known_numbers: Iterable[str] = (),
    *,
    today: dt.date | None = None,
) -> str:
    """The text with every span personal_data_hints would name replaced by ＊＊＊.

    Case numbers, visit dates, deadlines and times stay readable; masking twice
    changes nothing more.
    """
    if not text:
        return text or ""
    spans = _personal_spans(text, known_names, known_numbers, today)
    if not spans:
        return text
    merged: list[list[int]] = []
    for a, b, _ in spans:
        if merged and a <= merged[-1][1]:  # overlaps or touches the span before
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out: list[str] = []
    pos = 0
    for a, b in merged:
        out += [text[pos:a], FREE_TEXT_MASK]
        pos = b
    out.append(text[pos:])
    return "".join(out)
