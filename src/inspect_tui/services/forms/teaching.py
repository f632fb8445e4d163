"""What the content rules teach: which rules fire most on a surveyor's forms (the first-ten
review and the guidance completion report), and, across the office, which rules fired on
the forms that came back after submission (照会・返戻・受理取消・再調査, city-caused left out).

Counted once per form (a case's survey cycle, its newest version) and rule: a point that a
rule raises on three items of one form is one form with that rule. The table is a Pareto
(core/pareto.py): largest first, the vital few marked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from inspect_tui.core.form_rules import Point, check_form
from inspect_tui.core.pareto import ParetoRow, pareto
from inspect_tui.core.records import record
from inspect_tui.services.forms.points import rules
from inspect_tui.services.session import Session
from inspect_tui.store import survey_forms as store
from inspect_tui.store.events import corrections

__all__ = ["RuleTally", "period_rule_counts", "rule_name", "rule_pareto", "tally"]


def rule_name(p: Point) -> str:
    """A rule as a Pareto row names it: 警告コード 47, 特記事項なし 1-1, 項目間 R-…, 記入 S-…."""
    if p.kind == "warning" and p.code is not None:
        return f"警告コード {p.code:02d}"
    if p.kind == "note":
        return f"特記事項なし {p.items[0]}" if p.items else "特記事項なし"
    if p.kind == "relation":
        return f"項目間 {p.rule_id}"
    return f"記入 {p.rule_id}"


@record(frozen=True)
class RuleTally:
    """What the rules raised on a set of cases' stored forms, each form checked once."""

    counts: Counter[str]  # rule name -> forms it fired on
    forms: int  # forms looked at (every cycle's newest version that still has its content)
    per_case: dict[int, int]  # case id -> points on its newest stored form (latest cycle)

    def pareto(self) -> list[ParetoRow]:
        return pareto(self.counts)


def tally(s: Session, case_ids: Iterable[int]) -> RuleTally:
    counts: Counter[str] = Counter()
    per_case: dict[int, int] = {}
    forms = 0
    ruleset = rules()
    for case_id, _cycle, stored in store.latest_forms(s.db, list(case_ids)):  # cycles in order
        if stored.form is None:
            continue
        found = check_form(stored.form, ruleset)
        forms += 1
        counts.update({rule_name(p) for p in found})
        per_case[case_id] = len(found)  # a later cycle's form replaces an earlier one's
    return RuleTally(counts, forms, per_case)


def rule_pareto(s: Session, case_ids: Iterable[int]) -> tuple[list[ParetoRow], int]:
    t = tally(s, case_ids)
    return t.pareto(), t.forms


def period_rule_counts(
    s: Session,
    start: dt.date,
    end: dt.date,
    *,
    ward: str | None = None,
    surveyor: str | None = None,
    corrected: bool = False,
) -> dict[str, int]:
    """Rule name -> forms it fired on: the forms of cases visited in start..end or, with
    ``corrected``, of the cases corrected after submission in start..end (city-caused ones
    left out; every cycle's form of such a case), narrowed by ward and surveyor. For
    ``report pareto --of form-rules``."""
    if corrected:
        among = sorted({c.case_id for c in corrections(s.db.conn, start, end) if c.case_id and not c.city})
        ids = store.form_case_ids(s.db, among=among, ward=ward, surveyor=surveyor)
    else:
        span = (start.isoformat(), end.isoformat())
        ids = store.form_case_ids(s.db, visited=span, ward=ward, surveyor=surveyor)
    return dict(tally(s, ids).counts)
