"""Complaints (苦情), incidents and accidents (事故振り返りシート) and problems (課題).

What a user does, as functions the TUI forms and the CLI both call:
``save_complaint``, ``report_complaint_to_city``, ``save_incident``,
``record_incident_report``, ``save_problem``, ``close_problem`` and the lists.
Each record lives in its own module (complaints.py, incidents.py, problems.py);
this one gathers them under one name, with what concerns all three: the stored
values as form input, the free-text warnings, the dashboard's lists and the kind
filters. Input comes as a mapping of field name to the text typed; it is checked in
full first (``QualityInputError`` names every bad field) and nothing is written
unless all of it is good.

For the dashboard: ``serious_complaints_unreported``, ``security_incidents_open``,
``problems_overdue``. The monthly report uses ``quality_monthly.monthly_quality_section``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from inspect_tui.core.today import today_jp
from inspect_tui.services.quality.complaints import (
    Complaint,
    check_complaint,
    complaint_where,
    get_complaint,
    list_complaints,
    report_complaint_to_city,
    save_complaint,
)
from inspect_tui.services.quality.incidents import (
    Incident,
    check_incident,
    get_incident,
    incident_where,
    list_incidents,
    record_incident_report,
    save_incident,
)
from inspect_tui.services.quality.input import (
    COMPLAINT_KINDS,
    FREE_TEXT_FIELDS,
    INCIDENT_KINDS,
    PROBLEM_STATUSES,
    QualityInputError,
)
from inspect_tui.services.quality.problems import (
    Problem,
    check_problem,
    close_problem,
    get_problem,
    link_text,
    list_problems,
    parse_links,
    problem_raw,
    save_problem,
)
from inspect_tui.services.quality.shared import build_record
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import field_warnings, known_for_cases
from inspect_tui.store import quality as store

__all__ = [
    "COMPLAINT_KINDS",
    "INCIDENT_KINDS",
    "PROBLEM_STATUSES",
    "Complaint",
    "Incident",
    "Problem",
    "QualityInputError",
    "check_complaint",
    "check_incident",
    "check_problem",
    "close_problem",
    "complaint_where",
    "free_text_warnings",
    "get_complaint",
    "get_incident",
    "get_problem",
    "incident_where",
    "kind_key",
    "link_text",
    "linked_case_nos",
    "list_complaints",
    "list_incidents",
    "list_problems",
    "parse_links",
    "problem_raw",
    "problems_overdue",
    "quality_alerts",
    "record_incident_report",
    "record_values",
    "report_complaint_to_city",
    "save_complaint",
    "save_incident",
    "save_problem",
    "security_incidents_open",
    "serious_complaints_unreported",
]


def record_values(session: Session, entity: str, row_id: int) -> dict[str, Any] | None:
    """A stored complaint or incident as form input (the columns as saved)."""
    return store.get(session.db, entity, row_id)


# --------------------------------------------------------------------------- free text
def linked_case_nos(session: Session, links: Iterable[tuple[str, Any]]) -> list[str]:
    """The case numbers of the complaints and incidents a problem comes from."""
    out: list[str] = []
    for source, raw_id in links:
        text = str(raw_id).strip()
        if source not in ("complaint", "incident"):  # a meeting names no case
            continue
        if text.isdecimal() and len(text) <= 18:  # as check_problem reads an id
            row = store.get(session.db, source, int(text))
            if row and row.get("case_no"):
                out.append(row["case_no"])
    return out


def free_text_warnings(
    session: Session, entity: str, raw: Mapping[str, Any], links: Iterable[tuple[str, Any]] = ()
):
    """What looks like personal data in a record's free-text fields (services.free_text
    FieldWarning per field), with the names and numbers of the case it belongs to: the
    complaint's or incident's case, or the cases of the records a problem comes from."""

    case_nos = linked_case_nos(session, links) if entity == "problem" else [str(raw.get("case_no") or "")]
    known = known_for_cases(session, [c.strip() for c in case_nos])
    fields = {label: raw.get(key) for key, label in FREE_TEXT_FIELDS[entity].items()}
    return field_warnings(fields, known)


# --------------------------------------------------------------------------- dashboard
def serious_complaints_unreported(session: Session) -> list[Complaint]:
    """Serious complaints not yet reported to the city (oldest first): report them at once."""
    return list(reversed(list_complaints(session, unreported_only=True)))


def security_incidents_open(session: Session) -> list[Incident]:
    """Security incidents without both the phone call and the written report (oldest first)."""
    rows = store.select(
        session.db,
        "incident",
        ["kind = 'security'", "(phoned_city_at IS NULL OR written_report_at IS NULL)"],
        [],
        "occurred_at, id",
    )
    return [build_record(Incident, r) for r in rows]


def problems_overdue(session: Session, today: dt.date | None = None) -> list[Problem]:
    """Open or in-progress problems past their due date (most overdue first)."""
    today = today or today_jp()
    return [p for p in list_problems(session, open_only=True) if p.is_overdue(today)]


def quality_alerts(session: Session, today: dt.date | None = None) -> list[str]:
    """One Japanese line per thing the dashboard must show (empty when all is done)."""
    lines = [
        f"重大な苦情 {c.id}（{c.received_at} {c.ward} {c.category}）: 市へ未報告"
        for c in serious_complaints_unreported(session)
    ]
    lines += [
        f"セキュリティ事故 {i.id}（{i.occurred_at} {i.ward}）: {i.report_label}"
        for i in security_incidents_open(session)
    ]
    lines += [
        f"課題 {p.id}「{p.title}」（主担当 {p.owner}）: 期限 {p.due_on.isoformat()} を過ぎています"
        for p in problems_overdue(session, today)
    ]
    return lines


def kind_key(source: str, kind: str | None) -> str | None:
    """A kind filter typed by the user (English key or Japanese label) -> key, or raise."""
    if not kind:
        return None
    choices = COMPLAINT_KINDS if source == "complaints" else INCIDENT_KINDS
    for k, jp in choices.items():
        if kind in (k, jp):
            return k
    names = " / ".join(f"{k}（{jp}）" for k, jp in choices.items())
    raise QualityInputError([("種別", f"「{kind}」は選べません（{names}）")])
