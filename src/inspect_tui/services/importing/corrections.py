"""Step dates in the city's list against the steps already recorded: new dates become
step events, differing ones are conflicts (core.history.check_changes checks both), and
with ``--accept-changes`` a correction voids the recorded step and records the file's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from inspect_tui.core.case_events import VOID, Event
from inspect_tui.core.history import DATE_STEPS, HistoryError, check_changes, live
from inspect_tui.core.records import record
from inspect_tui.core.today import today_jp
from inspect_tui.services.importing.cells import COLUMN_LABELS, HeaderMap
from inspect_tui.services.importing.rows import Problem, Problems
from inspect_tui.services.session import Session
from inspect_tui.store.events import NewEvent, append_many, derive, events_for

CORRECTION_NOTE = "取込による訂正"
#: the cases columns each recorded as a step event (core.history.DATE_STEPS)
STEP_COLUMNS = {column: kind for column, kind in DATE_STEPS}
#: case id -> (event to void, or None; step kind; date), in the order to write
StepPlan = dict[int, list[tuple[int | None, str, dt.date]]]


@record(frozen=True)
class Conflict:
    line: int
    column: str  # the column's label in the file
    recorded: str
    in_file: str


def recorded_event(events: list[Event], kind: str, on: dt.date) -> int | None:
    """The live step event that recorded the case's date for ``kind`` (the first one on it)."""
    for e in sorted(live(events), key=lambda e: (e.on_date, e.id)):
        if e.kind == kind and e.on_date == on:
            return e.id
    return None


def plan_steps(
    s: Session,
    old: Mapping[str, Any],
    step_dates: Mapping[str, dt.date],
    line: int,
    header: HeaderMap,
    problems: Problems,
) -> list[tuple[int | None, str, dt.date]] | None:
    """The voids and step events a row stands for, checked against the case's history
    (core.history.check_changes), or None with its problems added."""
    events = events_for(s.db, old["id"])
    out: list[tuple[int | None, str, dt.date]] = []
    for column, kind in DATE_STEPS:
        on = step_dates.get(column)
        if on is not None:
            recorded = old[column]
            voided = recorded_event(events, kind, dt.date.fromisoformat(recorded)) if recorded else None
            out.append((voided, kind, on))
    try:
        check_changes(events, [(v, Event(0, kind, on, source="import")) for v, kind, on in out], today_jp())
    except HistoryError as exc:
        column = next(c for c, k in DATE_STEPS if c in step_dates)
        label = header.labels.get(column, COLUMN_LABELS[column])
        problems.append(Problem(line, label, str(exc), header.columns.get(column, 0)))
        return None
    return out


def step_note(column: str, old: Any, new: dt.date) -> str:
    note = f"{COLUMN_LABELS[column]} {shown(old)} から {new.isoformat()}"
    return f"{note}（{CORRECTION_NOTE}）" if old else note


def write_steps(s: Session, steps: StepPlan, now: str) -> None:
    """Append each case's voids and step events, then derive its row from them."""
    for case_id, planned in steps.items():
        events = []
        for voided, kind, on in planned:
            if voided is not None:
                events.append(NewEvent(case_id, VOID, None, now, s.who, CORRECTION_NOTE, void_of=voided))
            note = CORRECTION_NOTE if voided is not None else "取込"
            events.append(NewEvent(case_id, kind, on, now, s.who, note, source="import"))
        append_many(s.db, events)
        derive(s.db, case_id, now)


def shown(value: Any) -> str:
    return "なし" if value is None or value == "" else str(value)
