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
from inspect_tui.services.forms.points import rules
from inspect_tui.services.session import Session
from inspect_tui.store import survey_forms as store
from inspect_tui.store.events import corrections

__all__ = ["correction_rules", "form_rule_counts", "points_per_case", "rule_name", "rule_pareto"]


def rule_name(p: Point) -> str:
    """A rule as a Pareto row names it: 警告コード 47, 特記事項なし 1-1, 項目間 R-…, 記入 S-…."""
    if p.kind == "warning" and p.code is not None:
        return f"警告コード {p.code:02d}"
    if p.kind == "note":
        return f"特記事項なし {p.items[0]}" if p.items else "特記事項なし"
    if p.kind == "relation":
        return f"項目間 {p.rule_id}"
    return f"記入 {p.rule_id}"


def form_rule_counts(s: Session, case_ids: Iterable[int]) -> tuple[Counter[str], int]:
    """(rule name -> forms it fired on, forms looked at) over these cases' stored forms."""
    counts: Counter[str] = Counter()
    forms = 0
    ruleset = rules()
    for _case_id, _cycle, stored in store.latest_forms(s.db, list(case_ids)):
        if stored.form is None:
            continue
        forms += 1
        counts.update({rule_name(p) for p in check_form(stored.form, ruleset)})
    return counts, forms


def points_per_case(s: Session, case_ids: Iterable[int]) -> dict[int, int]:
    """{case id: points on its newest stored form (latest cycle)}; cases with none are left out."""
    out: dict[int, int] = {}
    ruleset = rules()
    for case_id, _cycle, stored in store.latest_forms(s.db, list(case_ids)):  # cycles in order
        if stored.form is not None:
            out[case_id] = len(check_form(stored.form, ruleset))
    return out


def rule_pareto(s: Session, case_ids: Iterable[int]) -> tuple[list[ParetoRow], int]:
    counts, forms = form_rule_counts(s, case_ids)
    return pareto(counts), forms


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
    left out), narrowed by ward and surveyor. For ``report pareto --of form-rules``."""
    if corrected:
        ids = sorted({c.case_id for c in corrections(s.db.conn, start, end) if c.case_id and not c.city})
        ids = store.case_filter(s.db, ids, ward=ward, surveyor=surveyor)
    else:
        ids = store.cases_with_forms(s.db, start.isoformat(), end.isoformat(), ward=ward, surveyor=surveyor)
    counts, _forms = form_rule_counts(s, ids)
    return dict(counts)


def correction_rules(s: Session, start: dt.date, end: dt.date) -> tuple[list[ParetoRow], int]:
    """The rules that fired on the forms of cases corrected after submission in start..end
    (every cycle's form of such a case), and how many such cases had a stored form."""
    corrected = sorted({c.case_id for c in corrections(s.db.conn, start, end) if c.case_id and not c.city})
    counts: Counter[str] = Counter()
    cases: set[int] = set()
    ruleset = rules()
    for case_id, _cycle, stored in store.latest_forms(s.db, corrected):
        if stored.form is None:
            continue
        cases.add(case_id)
        counts.update({rule_name(p) for p in check_form(stored.form, ruleset)})
    return pareto(counts), len(cases)
