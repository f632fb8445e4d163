"""A case's life: its steps, the order rules between their dates, its status.

received → contacted → visited → submitted → accepted, or cancelled / returned.
The same rules check an imported row and a step typed in the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DATE_FIELDS = (
    "received_on",
    "dispatched_on",
    "contacted_on",
    "visited_on",
    "submitted_on",
    "accepted_on",
    "cancelled_on",
    "returned_on",
)

FIELD_LABELS = {
    "received_on": "依頼受理日",
    "dispatched_on": "発送日",
    "contacted_on": "日程調整日",
    "visited_on": "訪問日",
    "submitted_on": "提出日",
    "accepted_on": "受理日",
    "cancelled_on": "中止日",
    "returned_on": "返却日",
}

STATUS_LABELS = {
    "received": "未連絡",
    "contacted": "調整済",
    "visited": "訪問済",
    "submitted": "提出済",
    "accepted": "受理",
    "cancelled": "中止",
    "returned": "返却",
}
OPEN_STATUSES = ("received", "contacted", "visited", "submitted")
CLOSED_STATUSES = ("accepted", "cancelled", "returned")


@dataclass(frozen=True)
class Step:
    id: str
    label: str
    field: str | None  # date field the step sets; None for re-survey


STEPS: dict[str, Step] = {
    s.id: s
    for s in (
        Step("contact", "日程調整連絡", "contacted_on"),
        Step("visit", "訪問調査", "visited_on"),
        Step("submit", "提出", "submitted_on"),
        Step("accept", "受理", "accepted_on"),
        Step("cancel", "中止", "cancelled_on"),
        Step("return", "返却", "returned_on"),
        Step("resurvey", "再調査", None),
    )
}

# (later field, earlier field): the later may not be before the earlier.
ORDER_RULES = (
    # the office dispatches the request (発送), then we receive it (受理)
    ("received_on", "dispatched_on"),
    ("contacted_on", "received_on"),
    ("visited_on", "received_on"),
    ("visited_on", "contacted_on"),
    ("submitted_on", "visited_on"),
    ("accepted_on", "submitted_on"),
    ("cancelled_on", "received_on"),
    ("returned_on", "received_on"),
)
# field -> field that must be set first
REQUIRES = {
    "submitted_on": "visited_on",
    "accepted_on": "submitted_on",
}


def derive_status(d: Mapping[str, object]) -> str:
    if d.get("cancelled_on"):
        return "cancelled"
    if d.get("returned_on"):
        return "returned"
    for field, status in (
        ("accepted_on", "accepted"),
        ("submitted_on", "submitted"),
        ("visited_on", "visited"),
        ("contacted_on", "contacted"),
    ):
        if d.get(field):
            return status
    return "received"


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
    if on <= today:
        return None
    return (
        f"{label} {on.isoformat()} は今日（日本時間 {today.isoformat()}）より後です。先の日付は記録できません"
    )


def check_dates(d: Mapping[str, dt.date | None]) -> list[tuple[str, str]]:
    """Problems with a case's dates, as (field, message in Japanese)."""
    problems = order_problems(d, ORDER_RULES, FIELD_LABELS)
    for field, needed in REQUIRES.items():
        if d.get(field) and not d.get(needed):
            problems.append((field, f"{FIELD_LABELS[needed]}がないのに{FIELD_LABELS[field]}があります"))
    if d.get("accepted_on") and (d.get("cancelled_on") or d.get("returned_on")):
        problems.append(("accepted_on", "受理された依頼に中止日・返却日は付けられません"))
    return problems


def step_label(step_id: str) -> str:
    """The name of the date a step records: 訪問日 for visit, 再調査の日 for resurvey."""
    field = STEPS[step_id].field
    return FIELD_LABELS[field] if field else f"{STEPS[step_id].label}の日"


class StepError(ValueError):
    """A step that cannot be recorded; the message says why."""


def apply_step(
    current: Mapping[str, dt.date | None], step_id: str, on: dt.date, today: dt.date | None = None
) -> dict[str, dt.date | None]:
    """The case's new dates after a step, or StepError saying why it cannot be.

    With today (in Japan), a step dated after it is refused.
    """
    step = STEPS.get(step_id)
    if step is None:
        raise StepError(f"知らない操作です: {step_id}")
    future = future_date_problem(step_label(step_id), on, today) if today else None
    if future:
        raise StepError(future)
    status = derive_status(current)
    if status in ("cancelled", "returned"):
        raise StepError(f"{STATUS_LABELS[status]}の依頼には記録できません")
    new = dict(current)
    if step.field is None:  # re-survey: back to before the visit
        if not current.get("visited_on"):
            raise StepError("訪問前の依頼に再調査は記録できません")
        if on < current["visited_on"]:  # type: ignore[operator]
            raise StepError(f"再調査の日 {on.isoformat()} が訪問日より前です")
        new.update(visited_on=None, submitted_on=None, accepted_on=None)
        return new
    if status == "accepted" and step.id != "accept":
        raise StepError("受理済みの依頼です")
    if current.get(step.field):
        raise StepError(
            f"{FIELD_LABELS[step.field]}は記録済みです（{current[step.field].isoformat()}）"  # type: ignore[union-attr]
        )
    new[step.field] = on
    problems = [msg for field, msg in check_dates(new) if field == step.field]
    if problems:
        raise StepError(problems[0])
    return new
