"""The Today screen's numbers: what is late, due today and due soon, for today in Japan.

A deadline is open while the case is open (status in OPEN_STATUSES) and the
step that ends it (its rule's ``ends_by``, core.deadlines) is not done: the
contact deadline until contacted_on is set, the standard and 20-day deadlines
until submitted_on is set. A deadline excluded in deadline_exceptions
(kind='exclude') is not counted.
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.case_columns import OPEN_IN
from inspect_tui.core.deadlines import (
    STATE_RANK,
    DeadlineRule,
    Horizon,
    business_days_left,
    case_rules,
    deadline_state,
)
from inspect_tui.services.cases.inspection_figures import figures as inspection_figures
from inspect_tui.services.quality.records import (
    problems_overdue,
    security_incidents_open,
    serious_complaints_unreported,
)
from inspect_tui.services.review import queue as review
from inspect_tui.services.session import Session
from inspect_tui.services.staff.overview import staff_alerts
from inspect_tui.services.today.figures import (
    LIST_LIMIT,
    Dashboard,
    DueCase,
    ReviewQueue,
    RuleSummary,
    UrgentCase,
)

__all__ = [
    "LIST_LIMIT",
    "Dashboard",
    "DueCase",
    "ReviewQueue",
    "RuleSummary",
    "UrgentCase",
    "build_dashboard",
    "quality_lines",
    "review_queue",
]


def review_queue(s: Session, today: dt.date) -> ReviewQueue:
    """The first-ten review panel: new surveyors, their solo forms 1-10, and the queue.

    The numbers come from services.review (the review feature: solo forms are
    numbered once and stored, checks are recorded), so the dashboard and the
    review queue screen agree. ``pending`` counts what waits in that queue
    (forms without a finished focused check, follow-ups due, blind checks).
    """

    new = review.new_surveyors(s, today)
    pending = len(review.review_queue(s, today, new=new))
    return ReviewQueue(len(new), sum(n.numbered for n in new), pending, sum(n.checked for n in new))


def _rule_summary(s: Session, rule: DeadlineRule, horizon: Horizon, worst: dict[str, str]) -> RuleSummary:
    """One rule's open deadlines that are overdue, due today or soon, counted, with the
    LIST_LIMIT most urgent listed; ``worst`` gets each listed case's most urgent state.

    SQLite picks them (an open case whose step is not done, whose deadline is before
    ``soon_until`` and not excluded): of 5,000 open cases at 1M, a few hundred per rule
    come back to Python, not every open case's row three times over (30 ms a start).
    The comparisons stay on the stored ISO dates; ``deadline_state`` says which state.
    """
    summary = RuleSummary(rule.id, rule.label, rule.short)
    due_col = f"c.{rule.due_column}"
    # coalesce and + keep SQLite off the step's and the deadline's own indexes (millions
    # of closed cases): the open cases are found through the status index
    not_done = f" AND coalesce(c.{rule.ends_by}, '') = ''" if rule.ends_by else ""
    found = []
    for case_no, ward, name, urgent, due_s in s.db.conn.execute(
        f"SELECT c.case_no, c.ward, s.name, c.urgent, {due_col}"
        " FROM cases c LEFT JOIN surveyors s ON s.code = c.surveyor"
        f" WHERE c.status IN {OPEN_IN}{not_done}"
        f" AND +{due_col} <> '' AND +{due_col} < ?"
        " AND NOT EXISTS (SELECT 1 FROM deadline_exceptions e"
        "  WHERE e.rule = ? AND e.kind = 'exclude' AND e.case_id = c.id)",
        (horizon.soon_until.isoformat(), rule.id),
    ):
        due = dt.date.fromisoformat(due_s)
        state = deadline_state(due, horizon)
        if state == "ok":
            continue
        setattr(summary, state, getattr(summary, state) + 1)
        if case_no not in worst or STATE_RANK[state] < STATE_RANK[worst[case_no]]:
            worst[case_no] = state
        found.append((due, not urgent, case_no, ward, name, state))
    found.sort(key=lambda f: f[:3])  # most urgent first: by date, urgent ones first, case number
    cal, today = s.calendar, horizon.today
    summary.cases = [
        DueCase(
            case_no, ward, name or "未割当", due, business_days_left(cal, today, due), state, not not_urgent
        )
        for due, not_urgent, case_no, ward, name, state in found[:LIST_LIMIT]
    ]
    return summary


def build_dashboard(s: Session, today: dt.date) -> Dashboard:
    horizon = Horizon.on(today, s.calendar)
    conn = s.db.conn
    is_open = f"c.status IN {OPEN_IN}"  # the open cases' index answers all of these
    worst: dict[str, str] = {}  # case -> its most urgent state over the rules
    rules = [_rule_summary(s, rule, horizon, worst) for rule in case_rules()]
    by_ward = dict(conn.execute(f"SELECT c.ward, count(*) FROM cases c WHERE {is_open} GROUP BY c.ward"))
    by_surveyor: dict[str, list] = {}  # code ("" unassigned) -> [name, open cases]
    for code, name, n in conn.execute(
        "SELECT c.surveyor, s.name, count(*) FROM cases c LEFT JOIN surveyors s ON s.code = c.surveyor"
        f" WHERE {is_open} GROUP BY c.surveyor",
    ):
        by_surveyor.setdefault(code or "", [name or "未割当", 0])[1] += n
    # not visited: never, or not since a re-survey (visited_on keeps the first visit)
    urgent = [
        UrgentCase(case_no, ward, name or "未割当", received_on, status)
        for case_no, ward, name, received_on, status in conn.execute(
            "SELECT c.case_no, c.ward, s.name, c.received_on, c.status"
            " FROM cases c LEFT JOIN surveyors s ON s.code = c.surveyor"
            f" WHERE {is_open} AND c.urgent AND (coalesce(c.visited_on, '') = '' OR c.phase = 'resurvey')",
        )
    ]
    urgent.sort(key=lambda u: (u.received_on, u.case_no))
    order = {w: i for i, w in enumerate(s.config.wards)}
    wards = sorted(by_ward.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    surveyors = sorted(((code, v[0], v[1]) for code, v in by_surveyor.items()), key=lambda t: (-t[2], t[0]))
    return Dashboard(
        today=today,
        open_cases=sum(by_ward.values()),
        rules=rules,
        urgent_not_visited=urgent,
        backlog_by_ward=wards,
        backlog_by_surveyor=surveyors,
        review=review_queue(s, today),
        alerts=staff_alerts(s, today),
        quality=quality_lines(s, today),
        overdue_cases=sum(v == "overdue" for v in worst.values()),
        due_today_cases=sum(v == "today" for v in worst.values()),
        inspection=inspection_figures(s, today.replace(day=1), today),
    )


def quality_lines(s: Session, today: dt.date) -> list[str]:
    """Short lines for what must not wait (the quality feature's lists), most urgent first:
    serious complaints not yet reported to the city, security incidents whose phone or
    written report is missing, problems past their due date."""

    lines = [f"重大な苦情 No.{c.id} 市へ未報告" for c in serious_complaints_unreported(s)]
    lines += [f"個人情報事故 No.{i.id} {i.report_label}" for i in security_incidents_open(s)]
    lines += [f"課題 No.{p.id} 期限 {p.due_on:%m-%d} 超過" for p in problems_overdue(s, today)]
    return lines
