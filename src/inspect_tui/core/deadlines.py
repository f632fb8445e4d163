"""Deadline rules as data, and the deadlines they give.

A rule names the date field it counts from, how far, and the unit. The rules
ship in data/deadline_rules.toml; this module is the only place that turns a
rule and a base date into a deadline, and explains how it got there.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from inspect_tui.core.calendar import BusinessCalendar, add_calendar_days
from inspect_tui.core.jpdate import format_md
from inspect_tui.system.paths import data_file

UNITS = ("business_days", "calendar_days")


@dataclass(frozen=True)
class DeadlineRule:
    name: str
    label: str
    base: str  # the date field counted from, e.g. "received_on"
    n: int
    unit: str  # "business_days" | "calendar_days"
    entity: str = "case"
    source: str = ""

    def due(self, base_date: dt.date, calendar: BusinessCalendar) -> dt.date:
        if self.unit == "business_days":
            return calendar.add_business_days(base_date, self.n)
        return add_calendar_days(base_date, self.n)

    def explain(self, base_date: dt.date, calendar: BusinessCalendar) -> str:
        """How the deadline was counted, e.g. "+6 開庁日: 12/29-1/3 閉庁, 1/12 成人の日 を除く"."""
        due = self.due(base_date, calendar)
        if self.unit == "calendar_days":
            return f"+{self.n} 日（暦日）: {format_md(base_date)} から {format_md(due)}"
        off = calendar.days_off_between(base_date, due)
        skipped = [d for d in off if d.date.weekday() < 5]
        parts: list[str] = []
        closure = [d for d in off if d.reason == "年末年始閉庁"]
        if closure:
            parts.append(
                f"{closure[0].date.month}/{closure[0].date.day}-"
                f"{closure[-1].date.month}/{closure[-1].date.day} 閉庁"
            )
        parts += [f"{d.date.month}/{d.date.day} {d.reason}" for d in skipped if d.reason != "年末年始閉庁"]
        head = f"+{self.n} 開庁日: {format_md(base_date)} から {format_md(due)}"
        tail = "（土日を除く）" if not parts else f"（土日と {', '.join(parts)} を除く）"
        return head + tail


class RuleError(ValueError):
    pass


def load_rules(path: Path | None = None) -> dict[str, DeadlineRule]:
    """Read rules from a TOML file, checking each field."""
    path = path or data_file("deadline_rules.toml")
    with open(path, "rb") as fh:
        doc = tomllib.load(fh)
    rules: dict[str, DeadlineRule] = {}
    for name, spec in doc.get("rules", {}).items():
        try:
            n = spec["n"]
            unit = spec["unit"]
            base = spec["base"]
        except KeyError as exc:
            raise RuleError(f"{path}: rules.{name}: {exc.args[0]} がありません") from None
        if not isinstance(n, int) or n < 0:
            raise RuleError(f"{path}: rules.{name}.n: 0以上の整数にしてください")
        if unit not in UNITS:
            raise RuleError(f"{path}: rules.{name}.unit: {' / '.join(UNITS)} のどれかです")
        rules[name] = DeadlineRule(
            name=name,
            label=spec.get("label", name),
            base=base,
            n=n,
            unit=unit,
            entity=spec.get("entity", "case"),
            source=spec.get("source", ""),
        )
    return rules


@lru_cache(maxsize=1)
def default_rules() -> dict[str, DeadlineRule]:
    return load_rules()


@lru_cache(maxsize=1)
def case_rules() -> tuple[DeadlineRule, ...]:
    """The deadlines stored with every case: contact, standard, target20."""
    return tuple(r for r in default_rules().values() if r.entity == "case")


def case_deadlines(
    fields: dict[str, dt.date | None], calendar: BusinessCalendar
) -> dict[str, dt.date | None]:
    """{rule name: due date} for a case's base dates (None where the base is unknown)."""
    out: dict[str, dt.date | None] = {}
    for rule in case_rules():
        base = fields.get(rule.base)
        out[rule.name] = rule.due(base, calendar) if base else None
    return out


def business_days_left(calendar: BusinessCalendar, today: dt.date, due: dt.date) -> int:
    """Business days from today to a deadline: 0 on the day, negative once past.

    A deadline already past is at least one business day late, even when no
    business day lies between (a Friday deadline seen on a Monday holiday reads
    -1, not 0, which would look like "due today").
    """
    left = calendar.business_days_between(today, due)
    return min(left, -1) if due < today else left
