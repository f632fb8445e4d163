"""Deadline rules as data, and everything a deadline is.

This module (with data/deadline_rules.toml) is the one place that knows a
rule: its id, its label and short label, the date it counts from, how far
(N and the unit), the step that ends it, and how it explains itself
(「受理から3開庁日」). It also gives a deadline's state on a day (超過 / 本日 /
間近 / 余裕 …). Everything else asks it: the case screens, the dashboard, the
reports and the SQL that counts deadlines (the column names come from the rule).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

from inspect_tui.core.calendar import BusinessCalendar, add_calendar_days
from inspect_tui.core.case_columns import DATE_FIELDS, FIELD_LABELS
from inspect_tui.core.jpdate import format_md
from inspect_tui.core.records import record
from inspect_tui.system.paths import data_file

#: unit -> the word after N (3開庁日, 20日)
UNITS = {"business_days": "開庁日", "calendar_days": "日"}
#: A rule id, a base and the field that ends it go into SQL as column names: plain identifiers only.
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_KEYS = {"entity", "label", "short", "base", "base_label", "n", "unit", "ends_by", "source"}


@record(frozen=True)
class DeadlineRule:
    id: str  # contact / standard / target20 …
    label: str  # 日程調整連絡
    short: str  # 連絡 (narrow columns)
    base: str  # the date field counted from, e.g. "received_on"
    base_label: str  # 受理 (in 「受理から3開庁日」)
    n: int
    unit: str  # "business_days" | "calendar_days"
    ends_by: str | None  # the date field of the step that meets it (contacted_on); None: not tracked here
    entity: str = "case"
    source: str = ""

    @property
    def due_column(self) -> str:
        """The cases column the deadline is stored in (contact_due)."""
        return f"{self.id}_due"

    @property
    def length(self) -> str:
        """3開庁日 / 20日."""
        return f"{self.n}{UNITS[self.unit]}"

    @property
    def span(self) -> str:
        """How the rule counts, in words: 受理から3開庁日."""
        return f"{self.base_label}から{self.length}"

    @property
    def due_title(self) -> str:
        """The stored date's name where space is short: 連絡期限."""
        return f"{self.short}期限"

    @property
    def title(self) -> str:
        """The label with the span: 日程調整連絡（受理から3開庁日）."""
        return f"{self.label}（{self.span}）"

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


def _field(path: Path, rid: str, key: str, value: object, case: bool) -> str:
    """A date field name from the file: an identifier, and for a case rule one of the case's dates."""
    where = f"{path}: rules.{rid}.{key}"
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise RuleError(f"{where}: 英小文字・数字・_ の項目名にしてください（例: received_on）")
    if case and value not in DATE_FIELDS:
        raise RuleError(f"{where}: 依頼の日付の項目のどれかです（{', '.join(DATE_FIELDS)}）")
    return value


def _text(path: Path, rid: str, spec: dict, key: str, default: str) -> str:
    value = spec.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{path}: rules.{rid}.{key}: 空でない文字列にしてください")
    return value.strip()


def load_rules(path: Path | None = None) -> dict[str, DeadlineRule]:
    """Read rules from a TOML file, checking each field (RuleError names the file, rule and key)."""
    path = path or data_file("deadline_rules.toml")
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: TOML として読めません（{exc}）") from None
    rules: dict[str, DeadlineRule] = {}
    for rid, spec in doc.get("rules", {}).items():
        if not _IDENTIFIER.match(rid):
            raise RuleError(f"{path}: rules.{rid}: 規則の ID は英小文字・数字・_ です（例: contact）")
        if not isinstance(spec, dict):
            raise RuleError(f"{path}: rules.{rid}: [rules.{rid}] の表にしてください")
        unknown = sorted(set(spec) - _KEYS)
        if unknown:
            raise RuleError(
                f"{path}: rules.{rid}.{unknown[0]}: 知らないキーです（{', '.join(sorted(_KEYS))}）"
            )
        for key in ("base", "n", "unit"):
            if key not in spec:
                raise RuleError(f"{path}: rules.{rid}: {key} がありません")
        n, unit = spec["n"], spec["unit"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise RuleError(f"{path}: rules.{rid}.n: 0以上の整数にしてください")
        if unit not in UNITS:
            raise RuleError(f"{path}: rules.{rid}.unit: {' / '.join(UNITS)} のどれかです")
        entity = _text(path, rid, spec, "entity", "case")
        case = entity == "case"
        base = _field(path, rid, "base", spec["base"], case)
        if case and "ends_by" not in spec:
            raise RuleError(f"{path}: rules.{rid}: ends_by（期限を満たす手順の日付の項目）がありません")
        ends_by = _field(path, rid, "ends_by", spec["ends_by"], case) if "ends_by" in spec else None
        label = _text(path, rid, spec, "label", rid)
        rules[rid] = DeadlineRule(
            id=rid,
            label=label,
            short=_text(path, rid, spec, "short", label),
            base=base,
            base_label=_text(path, rid, spec, "base_label", FIELD_LABELS.get(base, base)),
            n=n,
            unit=unit,
            ends_by=ends_by,
            entity=entity,
            source=str(spec.get("source", "")),
        )
    return rules


# --------------------------------------------------------------------------- the rules in force

_active: dict[str, DeadlineRule] | None = None
_case: tuple[DeadlineRule, ...] = ()


def use_rules(rules: dict[str, DeadlineRule] | None) -> dict[str, DeadlineRule] | None:
    """Make ``rules`` (from ``load_rules``) the rules every deadline is computed and named
    by; None goes back to the shipped file. Returns the rules that were in force."""
    global _active, _case
    previous = _active
    _active = rules
    _case = tuple(r for r in rules.values() if r.entity == "case") if rules is not None else ()
    return previous


def default_rules() -> dict[str, DeadlineRule]:
    """The rules in force: data/deadline_rules.toml unless ``use_rules`` named others."""
    if _active is None:
        use_rules(load_rules())
    assert _active is not None
    return _active


def case_rules() -> tuple[DeadlineRule, ...]:
    """The deadlines stored with every case (contact, standard, target20), in file order."""
    if _active is None:
        default_rules()
    return _case


def case_rule(rule_id: str) -> DeadlineRule:
    """The case rule with this id, or ValueError naming the ones there are."""
    for rule in case_rules():
        if rule.id == rule_id:
            return rule
    raise ValueError(f"知らない期限です: {rule_id}（{' / '.join(r.id for r in case_rules())}）")


def case_deadlines(
    fields: dict[str, dt.date | None], calendar: BusinessCalendar
) -> dict[str, dt.date | None]:
    """{rule id: due date} for a case's base dates (None where the base is unknown)."""
    out: dict[str, dt.date | None] = {}
    for rule in case_rules():
        base = fields.get(rule.base)
        out[rule.id] = rule.due(base, calendar) if base else None
    return out


# --------------------------------------------------------------------------- a deadline's state on a day

#: "soon" (間近) = due within this many business days after today.
SOON_BUSINESS_DAYS = 2
#: The states of an open deadline, most urgent first.
OPEN_STATES = ("overdue", "today", "soon", "ok")
STATE_RANK = {state: i for i, state in enumerate(OPEN_STATES)}
STATE_WORDS = {
    "overdue": "超過",
    "today": "本日",
    "soon": "間近",
    "ok": "余裕",
    "done": "済",
    "late": "遅延済",
    "excluded": "除外",
    "closed": "終了",
    "none": "－",
}


@record(frozen=True)
class Horizon:
    """A day as the deadline states see it: today, and the first day no longer "soon"
    (the (SOON_BUSINESS_DAYS + 1)-th business day after today). Made once per list."""

    today: dt.date
    soon_until: dt.date

    @classmethod
    def on(cls, today: dt.date, calendar: BusinessCalendar) -> Horizon:
        return cls(today, calendar.add_business_days(today, SOON_BUSINESS_DAYS + 1))


def deadline_state(
    due: dt.date | None,
    horizon: Horizon,
    *,
    done_on: dt.date | None = None,
    closed: bool = False,
    excluded: bool = False,
) -> str:
    """One deadline on horizon.today: none (no deadline), excluded, done / late (met on
    time / after it), closed (the case ended first), or, while open, overdue / today /
    soon / ok. STATE_WORDS says each in Japanese."""
    if due is None:
        return "none"
    if excluded:
        return "excluded"
    if done_on:
        return "done" if done_on <= due else "late"
    if closed:
        return "closed"
    if due < horizon.today:
        return "overdue"
    if due == horizon.today:
        return "today"
    return "soon" if due < horizon.soon_until else "ok"


def business_days_left(calendar: BusinessCalendar, today: dt.date, due: dt.date) -> int:
    """Business days from today to a deadline: 0 on the day, negative once past.

    A deadline already past is at least one business day late, even when no
    business day lies between (a Friday deadline seen on a Monday holiday reads
    -1, not 0, which would look like "due today").
    """
    left = calendar.business_days_between(today, due)
    return min(left, -1) if due < today else left
