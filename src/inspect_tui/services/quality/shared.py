"""What complaints, incidents and problems share: a stored row read into its record, a
period as SQL, and the checks of a record's link to a case and of dates in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from inspect_tui.core import records
from inspect_tui.services.quality.input import Checker, QualityInputError
from inspect_tui.services.session import Session
from inspect_tui.store import quality as store

#: entity -> (the field that names its number, what it is called)
_NUMBERS = {
    "complaint": ("苦情番号", "苦情"),
    "incident": ("事故番号", "事故"),
    "problem": ("課題番号", "課題"),
}


def stored(session: Session, entity: str, row_id: int) -> dict[str, Any]:
    """The stored row of a complaint, incident or problem, or QualityInputError naming the
    number that has none."""
    row = store.get(session.db, entity, row_id)
    if row is None:
        field, what = _NUMBERS[entity]
        raise QualityInputError([(field, f"{row_id} の{what}はありません")])
    return row


def build_record(cls: type, row: Mapping[str, Any], **extra: Any):
    """A stored row as the record dataclass cls (flags as bool, dates as dates)."""
    names = {f.name for f in records.fields(cls)}
    values = {k: v for k, v in row.items() if k in names}
    for f in records.fields(cls):
        if f.type in ("bool",) and f.name in values:
            values[f.name] = bool(values[f.name])
        if f.type in ("dt.date", "dt.date | None") and values.get(f.name):
            values[f.name] = dt.date.fromisoformat(values[f.name])
    values.update(extra)
    return cls(**values)


def period_where(col: str, date_from: dt.date | None, date_to: dt.date | None) -> tuple[list[str], list[Any]]:
    """SQL conditions for col in [date_from, date_to] (both days included)."""
    where, params = [], []
    if date_from:
        where.append(f"{col} >= ?")
        params.append(date_from.isoformat())
    if date_to:
        where.append(f"{col} < ?")
        params.append((date_to + dt.timedelta(days=1)).isoformat())
    return where, params


def check_links_to_case(session: Session, c: Checker) -> tuple[str | None, str | None]:
    case_no = c.text("case_no", "依頼番号", limit=40) or None
    if case_no and not store.exists(session.db, "cases", "case_no", case_no):
        c.fail("依頼番号", f"「{case_no}」という依頼はありません")
    surveyor = c.text("surveyor", "調査員", limit=40) or None
    if surveyor and not store.exists(session.db, "surveyors", "code", surveyor):
        c.fail("調査員", f"調査員コード「{surveyor}」は名簿にありません")
    return case_no, surveyor


def not_before(c: Checker, later: str | None, earlier: str | None, label: str, what: str) -> None:
    if later and earlier and later < earlier:
        c.fail(label, f"{later} は{what}（{earlier}）より前です")
