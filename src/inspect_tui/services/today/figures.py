"""The Today screen's figures as records, in a module that imports next to nothing.

services.today.dashboard computes them; tui/read_ahead.py brings them from a child process
(pickled), and the app, unpickling them, imports this module and the two records it holds
(core.metrics.InspectionFigures, core.staff.StaffAlert): not the services that read them
(~55 ms of imports, once on the way to the first figures).
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.metrics import InspectionFigures
from inspect_tui.core.records import field, record
from inspect_tui.core.staff import StaffAlert

#: How many cases each list on the dashboard keeps (counts are always complete).
LIST_LIMIT = 50


@record(frozen=True)
class DeliverablesLine:
    """The Today screen's line on the contract's deliverables (services.contract.deliverables
    .DeliverablesSummary.line): how many are overdue and due soon, and the words."""

    overdue: int
    due_soon: int
    text: str


@record(frozen=True)
class DueCase:
    case_no: str
    ward: str
    surveyor: str
    due: dt.date
    days_left: int
    state: str  # "overdue" | "today" | "soon"
    urgent: bool


@record(frozen=True)
class UrgentCase:
    case_no: str
    ward: str
    surveyor: str
    received_on: str
    status: str


@record
class RuleSummary:
    rule: str
    label: str
    short: str
    overdue: int = 0
    today: int = 0
    soon: int = 0
    cases: list[DueCase] = field(default_factory=list)  # most urgent first, LIST_LIMIT at most


@record(frozen=True)
class ReviewQueue:
    """The first-ten review (001 §5(3)②) as far as the case data tells.

    ``pending`` is the number of forms waiting for the chief's focused check;
    it stays None until the review feature records checks (see review_queue).
    """

    new_surveyors: int
    forms_in_scope: int  # solo forms 1-10 of new surveyors written so far
    pending: int | None = None
    checked: int | None = None  # of forms_in_scope, with a finished focused check


@record
class Dashboard:
    today: dt.date
    open_cases: int
    rules: list[RuleSummary]
    urgent_not_visited: list[UrgentCase]
    backlog_by_ward: list[tuple[str, int]]
    backlog_by_surveyor: list[tuple[str, str, int]]  # code, name, open cases
    review: ReviewQueue
    alerts: list[StaffAlert]
    quality: list[str] = field(default_factory=list)  # serious complaints, security incidents, problems
    overdue_cases: int = 0  # distinct cases with at least one deadline past
    due_today_cases: int = 0  # distinct cases with a deadline today and none past
    #: this month's submissions so far by inspection before submission (001 §4(5)): without
    #: inspection (target 0) and 点検記録なし（取込） (dates that came with the city's list)
    inspection: InspectionFigures | None = None
    #: the contract's deliverables' line (today_figures sets it; the register's agenda figures
    #: read this dashboard without it)
    deliverables: DeliverablesLine | None = None

    def inspection_lines(self) -> list[str]:
        """The Today screen's lines for inspection before submission (this month so far)."""
        f = self.inspection
        if f is None:
            return []
        rate = f.rate
        return [
            f"今月の提出 点検後 {f.inspected:,} 件・点検なしで提出 {f.unchecked:,} 件（目標 0）"
            f"・点検記録なし（取込） {f.imported:,} 件",
            f"点検実施率 {'対象なし' if rate is None else f'{rate}%'}（目標 100%・必達）",
        ]


@record(frozen=True)
class StampedFigures:
    """What services.today_figures.read_ahead gives: the figures, and the file's stamps
    (store.integrity.file_key) when they were read, so the app takes them only if nothing
    has written the file since (services.session.file_stamps)."""

    stamps: list[int]
    figures: Dashboard
