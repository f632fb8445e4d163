"""A case's steps as people name them, and the views over its history (core.history).

The order rules live in ``core/history.py`` (one place); this module keeps the
step list the CLI and the app offer,
and the row-of-dates views an import and a migrated case need.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from inspect_tui.core.case_columns import FIELD_LABELS
from inspect_tui.core.case_events import KIND_LABELS, USER_STEPS
from inspect_tui.core.history import (
    HistoryError,
    dates_problems,
    fold_dates,
    future_problem,
)
from inspect_tui.core.records import record


@record(frozen=True)
class Step:
    id: str
    label: str
    field: str | None  # the date column of ``cases`` the step first sets; None for the others


_FIELD_OF = {
    "contact": "contacted_on",
    "visit": "visited_on",
    "submit": "submitted_on",
    "accept": "accepted_on",
    "cancel": "cancelled_on",
    "return": "returned_on",
}
STEPS: dict[str, Step] = {k: Step(k, KIND_LABELS[k], _FIELD_OF.get(k)) for k in USER_STEPS}

# (later field, earlier field) between dates that are not steps: the office dispatches
# the request (発送), then we receive it (受理)
ORDER_RULES = (("received_on", "dispatched_on"),)


def derive_status(d: Mapping[str, object]) -> str:
    """The status a row of dates stands for (its dates replayed as events)."""
    return fold_dates({k: v for k, v in d.items() if isinstance(v, dt.date)}).status()


def order_problems(
    d: Mapping[str, dt.date | None],
    rules: Iterable[tuple[str, str]],
    labels: Mapping[str, str],
) -> list[tuple[str, str]]:
    """(later field, message) for each (later, earlier) pair where the later date comes first."""
    problems: list[tuple[str, str]] = []
    for later, earlier in rules:
        a, b = d.get(later), d.get(earlier)
        if a and b and a < b:
            la, lb = labels[later], labels[earlier]
            problems.append(
                (later, f"{la} {a.isoformat()} が{lb} {b.isoformat()} より前です（{la}は{lb}以降の日付です）")
            )
    return problems


def future_date_problem(label: str, on: dt.date, today: dt.date) -> str | None:
    """Why a step dated ``on`` cannot be recorded on ``today`` (today in Japan), or None.

    The one rule for every way a step's date comes in: the CLI (case step), the
    app's step dialog and the import's date columns. Work not yet done has no date.
    """
    return future_problem(label, on, today)


def check_dates(d: Mapping[str, dt.date | None]) -> list[tuple[str, str]]:
    """Problems with a row of dates (an imported row), as (field, message in Japanese)."""
    return order_problems(d, ORDER_RULES, FIELD_LABELS) + dates_problems(d)


def step_label(step_id: str) -> str:
    """The name of the date a step records: 訪問日 for visit, 再調査の日 for resurvey."""
    field = STEPS[step_id].field
    return FIELD_LABELS[field] if field else f"{STEPS[step_id].label}の日"


#: A step that cannot be recorded; the message says why (the rule it breaks).
StepError = HistoryError
