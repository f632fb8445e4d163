"""The contract's deliverables (成果物, seed 001 §15) as data: data/deliverables.toml read
strictly into typed rules, each expanded into its occurrences with a due date on the
municipal calendar, and the status of an occurrence on a day.

Rules (the file's header says the same): ``date`` (one due date), ``month_end`` (the last
day of each listed month), ``monthly`` (each month, N business days after it ends),
``fiscal_year`` (each April-March year, on its last day or N business days after it) and
``event`` (after each recorded event; 随時 until one is recorded). A due date on a closed
day is delivered by the last business day before it (``deliver_by``); it is late only
after the due date itself.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from inspect_tui.core.jpdate import fiscal_year_label
from inspect_tui.core.months import fiscal_year_span, month_of
from inspect_tui.core.records import record
from inspect_tui.system.paths import data_file

WHENS = ("date", "month_end", "monthly", "fiscal_year", "event")
EVENTS = {"training": "研修", "liaison_meeting": "連絡会議"}
#: due within this many days: 間近 (due soon)
SOON_DAYS = 14
STATUS_LABELS = {
    "done": "提出済",
    "overdue": "期限超過",
    "due_soon": "間近",
    "upcoming": "予定",
    "anytime": "随時",
}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_KEYS = {
    "date": {"on"},
    "month_end": {"months"},
    "monthly": {"from", "to", "business_days_after"},
    "fiscal_year": {"from", "to", "business_days_after"},
    "event": {"event", "days_after"},
}
_COMMON = {"id", "name", "when", "also", "signer", "report", "clause"}


class DeliverablesError(ValueError):
    """A deliverables file that cannot be used; every problem names its entry."""

    def __init__(self, problems: Sequence[str], name: str = "deliverables.toml") -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{name}: {p}" for p in self.problems))


class Calendar(Protocol):
    def is_business_day(self, day: dt.date) -> bool: ...
    def add_business_days(self, start: dt.date, n: int) -> dt.date: ...


@record(frozen=True)
class Deliverable:
    id: str
    name: str
    when: str
    signer: str = ""
    clause: str = ""
    also: str = ""
    report: str = ""
    on: dt.date | None = None
    months: tuple[tuple[int, int], ...] = ()
    first: tuple[int, int] = (0, 0)  # monthly: (year, month); fiscal_year: (fy, 0)
    last: tuple[int, int] = (0, 0)
    business_days_after: int = 0
    event: str = ""
    days_after: int = 0


@record(frozen=True)
class Occurrence:
    """One due instance of a deliverable: the whole contract's roster once, a month's report."""

    id: str  # monthly-report:2027-04, annual-report:FY2027, hiring-roster
    deliverable: Deliverable
    period: str  # 2027-04, 令和9年度, or "" for a one-off
    due: dt.date | None  # None: 随時 (an event not yet recorded)
    deliver_by: dt.date | None  # the last business day on or before due

    @property
    def name(self) -> str:
        return self.deliverable.name + (f"（{self.period}）" if self.period else "")


def status(occ: Occurrence, done_on: dt.date | None, today: dt.date) -> str:
    """done / overdue / due_soon / upcoming / anytime."""
    if done_on is not None:
        return "done"
    if occ.due is None:
        return "anytime"
    if occ.due < today:
        return "overdue"
    if (occ.due - today).days <= SOON_DAYS:
        return "due_soon"
    return "upcoming"


def _last_business_on_or_before(cal: Calendar, day: dt.date) -> dt.date:
    return day if cal.is_business_day(day) else cal.add_business_days(day, -1)


def _occ(d: Deliverable, suffix: str, period: str, due: dt.date | None, cal: Calendar) -> Occurrence:
    oid = f"{d.id}:{suffix}" if suffix else d.id
    by = _last_business_on_or_before(cal, due) if due else None
    return Occurrence(oid, d, period, due, by)


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out = []
    y, m = first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def occurrences(
    items: Sequence[Deliverable], cal: Calendar, events: Mapping[str, Sequence[tuple[str, dt.date]]] = {}
) -> list[Occurrence]:
    """Every occurrence of every deliverable, by due date (随時 last). events: {event kind:
    [(event id, its date)]} — each recorded event makes one occurrence of the ``event``
    deliverables of its kind."""
    out: list[Occurrence] = []
    for d in items:
        if d.when == "date":
            out.append(_occ(d, "", "", d.on, cal))
        elif d.when == "month_end":
            for y, m in d.months:
                out.append(_occ(d, f"{y}-{m:02d}", f"{y}年{m}月", month_of(y, m)[1], cal))
        elif d.when == "monthly":
            for y, m in _months(d.first, d.last):
                end = month_of(y, m)[1]
                due = cal.add_business_days(end, d.business_days_after) if d.business_days_after else end
                out.append(_occ(d, f"{y}-{m:02d}", f"{y}年{m}月分", due, cal))
        elif d.when == "fiscal_year":
            for fy in range(d.first[0], d.last[0] + 1):
                end = fiscal_year_span(fy)[1]
                due = cal.add_business_days(end, d.business_days_after) if d.business_days_after else end
                out.append(_occ(d, f"FY{fy}", fiscal_year_label(fy, western=False), due, cal))
        else:  # event
            recorded = events.get(d.event, ())
            if not recorded:
                out.append(_occ(d, "", "", None, cal))
            for eid, day in recorded:
                due = day + dt.timedelta(days=d.days_after)
                out.append(_occ(d, str(eid), f"{day.isoformat()} の{EVENTS[d.event]}", due, cal))
    far = dt.date.max
    out.sort(key=lambda o: (o.due or far, o.id))
    return out


# --------------------------------------------------------------------------- loading
def _month(v: Any) -> tuple[int, int] | None:
    if not isinstance(v, str):
        return None
    m = _MONTH.match(v)
    if not m or not 1 <= int(m[2]) <= 12:
        return None
    return int(m[1]), int(m[2])


def _year(v: Any) -> tuple[int, int] | None:
    if isinstance(v, int) and not isinstance(v, bool) and 2000 <= v <= 2100:
        return v, 0
    return None


def parse(data: Mapping[str, Any]) -> list[Deliverable]:
    """The deliverables of a parsed TOML document; DeliverablesError names every problem."""
    problems: list[str] = []
    entries = data.get("deliverable")
    if not isinstance(entries, list) or not entries:
        raise DeliverablesError(["[[deliverable]] がありません"])
    out: list[Deliverable] = []
    seen: set[str] = set()
    for n, e in enumerate(entries, 1):
        where = f"deliverable[{n}]（{e.get('id', '?') if isinstance(e, dict) else '?'}）"

        def bad(text: str, where: str = where) -> None:
            problems.append(f"{where}: {text}")

        if not isinstance(e, dict):
            bad("表ではありません")
            continue
        did, name, when = e.get("id"), e.get("name"), e.get("when")
        if not isinstance(did, str) or not _ID.match(did):
            bad("id は英小文字・数字・- の40文字までです")
            continue
        if did in seen:
            bad("id が重複しています")
        seen.add(did)
        if not isinstance(name, str) or not name.strip():
            bad("name がありません")
        if when not in WHENS:
            bad(f"when は {' / '.join(WHENS)} のどれかです")
            continue
        unknown = set(e) - _COMMON - _KEYS[when]
        if unknown:
            bad(f"使えないキーです: {', '.join(sorted(unknown))}")
        for k in ("also", "signer", "report", "clause"):
            if k in e and not isinstance(e[k], str):
                bad(f"{k} は文字列です")
        kw: dict[str, Any] = {}
        if when == "date":
            if not isinstance(e.get("on"), dt.date) or isinstance(e.get("on"), dt.datetime):
                bad("on は日付です（例: on = 2027-03-31）")
                continue
            kw["on"] = e["on"]
        elif when == "month_end":
            months = [_month(v) for v in e.get("months", [])] if isinstance(e.get("months"), list) else []
            if not months or any(m is None for m in months):
                bad('months は "YYYY-MM" の並びです')
                continue
            kw["months"] = tuple(m for m in months if m)
        elif when in ("monthly", "fiscal_year"):
            first: tuple[int, int] | None
            last: tuple[int, int] | None
            if when == "monthly":
                first, last = _month(e.get("from")), _month(e.get("to"))
            else:
                first, last = _year(e.get("from")), _year(e.get("to"))
            if first is None or last is None or first > last:
                bad('from と to（"YYYY-MM"、年度は 2027 のような数）を from <= to で書いてください')
                continue
            days = e.get("business_days_after", 0)
            if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 60:
                bad("business_days_after は 0〜60 の整数です")
                continue
            kw.update(first=first, last=last, business_days_after=days)
        else:
            if e.get("event") not in EVENTS:
                bad(f"event は {' / '.join(EVENTS)} のどれかです")
                continue
            days = e.get("days_after", 0)
            if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 120:
                bad("days_after は 0〜120 の整数です")
                continue
            kw.update(event=e["event"], days_after=days)
        if problems:
            continue
        out.append(
            Deliverable(
                did,
                str(name).strip(),
                when,
                e.get("signer", ""),
                e.get("clause", ""),
                e.get("also", ""),
                e.get("report", ""),
                **kw,
            )
        )
    if problems:
        raise DeliverablesError(problems)
    return out


def load(path: Path | None = None) -> list[Deliverable]:
    """data/deliverables.toml (or path), strictly."""
    path = path or data_file("deliverables.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DeliverablesError([f"TOML として読めません: {exc}"], path.name) from None
    try:
        return parse(data)
    except DeliverablesError as exc:
        raise DeliverablesError(exc.problems, path.name) from None
