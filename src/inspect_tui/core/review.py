"""The first-ten-case review (001 §5(3)②) and the inspection of every form (§5(3)③, §4(5)).

Pure rules, no database: who is new, which cases are solo forms and how forms
1-10 are numbered, what a check looks at, severities, and the verdict.

Rules (each one a function below, pinned by tests/core/test_review.py):

- **New surveyor** (新規調査員): not a chief, not left, and today is within one
  year of placement (``placed_on``, else ``hired_on``): placed <= today <
  placed + 1 year (same month and day a year later; 2/29 -> 2/28).
- **Solo form** (単独調査): a case of the surveyor with a visit date, not
  cancelled or handed back, and not accompanied by a chief (同行). A case
  accompanied by a non-chief colleague is still solo: what matters is the
  chief's direct help.
- **Form numbers** 1-10: the first ten solo forms by visit date, ties broken by
  case number. A number once given is fixed (stored in review_forms): a later
  import that adds an earlier-visited case never renumbers; the newcomer takes
  the next free number after the highest fixed one, while numbers remain.
- **Verdict** (改善状況): of the n checked forms (at most 10), the first
  ⌊n/2⌋ are compared with the last ⌊n/2⌋, so both ends count the same number
  of forms (with an odd n the middle form is left out): *improving*
  (改善している) when the last ones have fewer findings in total than the
  first ones (or none at all) and none of the last 3 checked forms (forms
  8-10 once all ten are checked) has a serious (重大) finding; otherwise
  *not yet* (まだ). With 10 forms checked that is forms 1-5 against 6-10 and
  the verdict is final; with 4-9 it is provisional (暫定); fewer than 4:
  pending (判定前). The reason names the rule that decided and its numbers.
  The chief may override it; the override is what the report shows.
- **Recurring point** (繰り返す指摘): a check point with findings on 3 or more
  forms, or on 2 or more of the last 5 checked forms.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping, Sequence

# the check vocabulary lives in core/check_terms.py; these rules and their importers (rules.POINT_IDS…)
# name it from here too
from inspect_tui.core.check_terms import (  # noqa: F401
    CHECK_KINDS,
    CHECK_POINTS,
    FOLLOW_KINDS,
    FOLLOW_LABELS,
    FOLLOW_OPEN,
    FOLLOW_OUTCOMES,
    FOLLOW_STATE_LABELS,
    FOLLOWUP_MONTHS,
    GUIDANCE_LABELS,
    GUIDANCE_METHODS,
    KIND_LABELS,
    POINT_IDS,
    POINT_LABELS,
    POINT_SHORT,
    POST_SOURCE_LABELS,
    POST_SOURCES,
    SEVERITIES,
    SEVERITY_LABELS,
    SEVERITY_RANK,
    VERDICT_LABELS,
    Choice,
)
from inspect_tui.core.jpdate import format_wd
from inspect_tui.core.months import add_months
from inspect_tui.core.records import record
from inspect_tui.system.paths import data_file

REVIEW_FORMS = 10


class ReviewRuleError(ValueError):
    """A value outside the review vocabulary; the message says which."""


def check_choice(value: str, choices: Iterable[Choice], what: str) -> str:
    ids = [c.id for c in choices]
    if value not in ids:
        raise ReviewRuleError(f"{what}「{value}」は使えません（{' / '.join(ids)}）")
    return value


# --------------------------------------------------------------------------- dates
def is_new_surveyor(
    placed_on: dt.date | None, today: dt.date, *, is_chief: bool = False, left_on: dt.date | None = None
) -> bool:
    """Within one year of placement (placed <= today < placed + 1 year), not a chief, not left."""
    if placed_on is None or is_chief or (left_on is not None and left_on <= today):
        return False
    return placed_on <= today < add_months(placed_on, 12)


def followup_due(placed_on: dt.date, kind: str) -> dt.date:
    """When the 3- or 6-month proficiency check is due (the calendar date; the caller moves it
    to the next business day with BusinessCalendar.on_or_after)."""
    return add_months(placed_on, FOLLOWUP_MONTHS[kind])


#: Between a due date on a closed day and the next business day: words, not an arrow
#: (→ is ambiguous-width, STYLE.md); narrow columns pass sep="->".
DUE_MOVED = "は閉庁日のため "


def due_text(due: dt.date, business_due: dt.date, today: dt.date | None = None, sep: str = DUE_MOVED) -> str:
    """'2027-01-03(日)は閉庁日のため 2027-01-04(月)' when due is a closed day, else '2027-06-01(火)'.

    With today, dates in today's year drop the year (01-03(日)), for narrow columns.
    """
    text = format_wd(due, today)
    return text if business_due == due else f"{text}{sep}{format_wd(business_due, today)}"


# --------------------------------------------------------------------------- solo forms
@record(frozen=True)
class CaseForNumbering:
    case_id: int
    case_no: str
    visited_on: dt.date | None
    accompanied_by: str | None = None
    cancelled: bool = False
    returned: bool = False


def is_solo(case: CaseForNumbering, chiefs: frozenset[str] | set[str]) -> bool:
    """Visited, not cancelled or handed back, and no chief alongside (同行)."""
    if case.visited_on is None or case.cancelled or case.returned:
        return False
    return not (case.accompanied_by and case.accompanied_by in chiefs)


def solo_order_key(case: CaseForNumbering) -> tuple[dt.date, str]:
    assert case.visited_on is not None
    return (case.visited_on, case.case_no)


def assign_form_numbers(
    fixed: Mapping[int, int],
    cases: Iterable[CaseForNumbering],
    chiefs: frozenset[str] | set[str],
    limit: int = REVIEW_FORMS,
) -> list[tuple[int, int]]:
    """New (form_no, case_id) pairs to store, given the fixed ones {case_id: form_no}.

    Fixed numbers never move. Solo cases not yet numbered are taken in visit
    order (ties by case number) and numbered after the highest fixed number,
    until `limit` is reached.
    """
    taken = set(fixed.values())
    next_no = max(taken, default=0) + 1
    fresh = sorted((c for c in cases if c.case_id not in fixed and is_solo(c, chiefs)), key=solo_order_key)
    out: list[tuple[int, int]] = []
    for case in fresh:
        if next_no > limit:
            break
        out.append((next_no, case.case_id))
        next_no += 1
    return out


# --------------------------------------------------------------------------- findings and verdict
@record(frozen=True)
class FormTally:
    """One numbered form as the verdict sees it."""

    form_no: int
    checked: bool
    findings: int = 0
    serious: int = 0
    points: frozenset[str] = frozenset()  # points with at least one finding
    #: findings per point, in POINT_IDS order (empty: not counted)
    by_point: tuple[int, ...] = ()

    def on(self, point: str) -> int | None:
        """Findings on a point (None: not checked)."""
        if not self.checked:
            return None
        return self.by_point[POINT_IDS.index(point)] if self.by_point else int(point in self.points)


@record(frozen=True)
class Verdict:
    id: str  # improving | not_yet | pending
    provisional: bool
    reason: str

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.id] + ("（暫定）" if self.provisional and self.id != "pending" else "")


MIN_FORMS_FOR_VERDICT = 4


def form_span(form_nos: Sequence[int]) -> str:
    """'1-5件目' for a run of form numbers, '1-2・4件目' when one is missing (not checked)."""
    runs: list[list[int]] = []
    for no in form_nos:
        if runs and no == runs[-1][-1] + 1:
            runs[-1].append(no)
        else:
            runs.append([no])
    return "・".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs) + "件目"


def verdict(forms: Sequence[FormTally]) -> Verdict:
    """Improving or not yet, by the rule in the module docstring."""
    checked = sorted((f for f in forms if f.checked), key=lambda f: f.form_no)
    if len(checked) < MIN_FORMS_FOR_VERDICT:
        return Verdict(
            "pending", True, f"点検済みが{len(checked)}件です（{MIN_FORMS_FOR_VERDICT}件から判定）"
        )
    complete = len(checked) >= REVIEW_FORMS
    if complete:
        checked = checked[:REVIEW_FORMS]
    k = len(checked) // 2
    early, late = checked[:k], checked[-k:]
    early_n = sum(f.findings for f in early)
    late_n = sum(f.findings for f in late)
    last3 = checked[-3:]
    serious_late = [f.form_no for f in last3 if f.serious]
    left_out = f"。{form_span([checked[k].form_no])}は除く" if len(checked) % 2 else ""
    span = (
        f"{form_span([f.form_no for f in early])} {early_n}件、"
        f"{form_span([f.form_no for f in late])} {late_n}件（同じ{k}件ずつで比べました{left_out}）"
    )
    recent = f"直近3件（{form_span([f.form_no for f in last3])}）"
    if serious_late:
        where = "、".join(f"{n}件目" for n in serious_late)
        return Verdict("not_yet", not complete, f"{span}。{recent}のうち{where}に重大な指摘があります")
    if late_n < early_n or late_n == 0:
        less = f"後の{k}件の方が少なく" if late_n < early_n else "どちらも指摘がなく"
        return Verdict("improving", not complete, f"{span}。{less}、{recent}に重大な指摘はありません")
    return Verdict("not_yet", not complete, f"{span}。後の{k}件の指摘が減っていません")


def recurring_points(forms: Sequence[FormTally]) -> list[tuple[str, int]]:
    """(point id, forms with a finding on it), most frequent first, for recurring points only."""
    checked = sorted((f for f in forms if f.checked), key=lambda f: f.form_no)
    last5 = checked[-5:]
    out = []
    for pid in POINT_IDS:
        n = sum(pid in f.points for f in checked)
        recent = sum(pid in f.points for f in last5)
        if n >= 3 or recent >= 2:
            out.append((pid, n))
    return sorted(out, key=lambda t: (-t[1], POINT_IDS.index(t[0])))


def trend_bars(forms: Sequence[FormTally], width: int = 10) -> list[str]:
    """One plain-text line per form: '3件目  ###        3' ('-' for not checked yet).

    ASCII only, so the bars line up on every terminal and in text reports.
    """
    top = max((f.findings for f in forms if f.checked), default=0)
    scale = width / top if top > width else 1.0
    lines = []
    for f in sorted(forms, key=lambda f: f.form_no):
        if not f.checked:
            lines.append(f"{f.form_no:>2}件目  {'-':<{width}}  未点検")
            continue
        bar = "#" * round(f.findings * scale)
        mark = "  重大あり" if f.serious else ""
        lines.append(f"{f.form_no:>2}件目  {bar:<{width}}  {f.findings}{mark}")
    return lines


def sparkline(forms: Sequence[FormTally]) -> str:
    """Findings per form in one line: '3 2 2 1 0 1 0 0 - -' ('-' = not checked)."""
    return " ".join(str(f.findings) if f.checked else "-" for f in sorted(forms, key=lambda f: f.form_no))


def aspect_rows(forms: Sequence[FormTally]) -> list[tuple[str, list[int | None], int]]:
    """Per aspect (point) of §4(5): (point id, findings on forms 1..n or None when not
    checked, total), the small chart of the surveyor screen and the guidance report."""
    ordered = sorted(forms, key=lambda f: f.form_no)
    out = []
    for pid in POINT_IDS:
        cells = [f.on(pid) for f in ordered]
        out.append((pid, cells, sum(c or 0 for c in cells)))
    return out


def aspect_line(cells: Sequence[int | None]) -> str:
    """One aspect across the forms in ASCII: '2 1 . . 1 . . . - -' ('.' none, '-' not checked)."""
    return " ".join("-" if c is None else ("." if c == 0 else str(c)) for c in cells)


def follow_state(looks: Sequence[str]) -> str:
    """A finding's state from the looks of later finished checks, oldest first: the newest
    look ('improved' / 'continue'), or FOLLOW_OPEN when none has looked at it."""
    return looks[-1] if looks else FOLLOW_OPEN


# --------------------------------------------------------------------------- calibration
def point_outcome(outcome: str | None, severities: Iterable[str]) -> str | None:
    """A point's result for comparison: 'ok', a finding's highest severity, or None (not assessed)."""
    sev = [s for s in severities if s]
    if sev:
        return max(sev, key=lambda s: SEVERITY_RANK[s])
    return outcome if outcome == "ok" else None


def agrees(a: str | None, b: str | None) -> bool:
    """Two chiefs agree on a point when both say OK or both found something."""
    return (a == "ok") == (b == "ok") and a is not None and b is not None


# --------------------------------------------------------------------------- survey items
@record(frozen=True)
class SurveyItem:
    code: str  # "1-1" … "7-2"
    name: str
    group: int
    group_name: str
    parts: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


_ITEMS: dict[str, SurveyItem] | None = None


def survey_items() -> dict[str, SurveyItem]:
    """The survey form's items by code, in form order (data/survey_items.toml)."""
    global _ITEMS
    if _ITEMS is None:
        raw = tomllib.loads(data_file("survey_items.toml").read_text(encoding="utf-8"))
        items: dict[str, SurveyItem] = {}
        for g in raw["group"]:
            for it in g["items"]:
                items[it["code"]] = SurveyItem(
                    it["code"], it["name"], g["no"], g["name"], tuple(it.get("parts", ()))
                )
        _ITEMS = items
    return _ITEMS


def normalize_item_code(text: str) -> str:
    """'１－１' / '1.1' / ' 1-1 ' -> '1-1'; '' stays ''. Raises ReviewRuleError for unknown codes."""
    t = text.strip().translate(str.maketrans("０１２３４５６７８９－ー−‐.．", "0123456789-----" + "-"))
    if not t:
        return ""
    if t not in survey_items():
        raise ReviewRuleError(f"調査項目「{text.strip()}」はありません（例: 1-1, 4-12, 6-3, 7-2）")
    return t


def item_label(code: str) -> str:
    item = survey_items().get(code)
    return item.label if item else code
