"""What the quality screen reads, each run in a worker (tui/calls.py) with the session:
the three lists as table rows and the alerts, the Pareto chart, a record to open (masked
for a monitor), and what to say after a save."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.core.records import field, record
from inspect_tui.services.quality import lists as ql
from inspect_tui.services.quality import records as q

Rows = list[tuple[str, list]]


@record
class QualityView:
    complaints: Rows = field(default_factory=list)
    incidents: Rows = field(default_factory=list)
    problems: Rows = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)


def quality_view(session, today: dt.date) -> QualityView:
    complaints, incidents, problems = (
        q.list_complaints(session),
        q.list_incidents(session),
        q.list_problems(session),
    )
    alerts = []
    n = len(q.serious_complaints_unreported(session))
    if n:
        alerts.append(f"市へ未報告の重大な苦情 {n}件")
    n = len(q.security_incidents_open(session))
    if n:
        alerts.append(f"報告未了のセキュリティ事故 {n}件")
    n = len(q.problems_overdue(session))
    if n:
        alerts.append(f"期限超過の課題 {n}件")
    return QualityView(
        [(str(c.id), ql.complaint_cells(c, 20, ql.list_viewer(session, complaints))) for c in complaints],
        [(str(i.id), ql.incident_cells(i, 20, ql.list_viewer(session, incidents))) for i in incidents],
        [(str(p.id), ql.problem_cells(p, today, 24, ql.list_viewer(session, problems))) for p in problems],
        alerts,
    )


def pareto(session, source: str, d_from: dt.date, d_to: dt.date, **filters):
    from inspect_tui.services.quality.pareto import pareto_report

    return pareto_report(session, source, d_from, d_to, **filters)


def saved_note(session, what: str, rid: int) -> str:
    """After a save: what must happen next (a serious complaint, a security incident)."""
    if what == "事故":
        inc = q.get_incident(session, rid)
        if inc and inc.kind == "security" and not inc.written_report_at:
            return "。セキュリティ事故です: まず市へ電話、その後に書面報告（r で日時を記録）"
    elif what == "苦情":
        c = q.get_complaint(session, rid)
        if c and c.serious and not c.reported_to_city_at:
            return "。重大な苦情です: 速やかに市へ報告（r で日時を記録）"
    return ""


def problem_values(p: q.Problem) -> dict[str, Any]:
    """A stored problem as the form's starting values."""
    return {
        **q.problem_raw(p),
        "complaints": ",".join(str(i) for s, i in p.links if s == "complaint"),
        "incidents": ",".join(str(i) for s, i in p.links if s == "incident"),
        "meetings": ",".join(str(i) for s, i in p.links if s == "meeting"),
    }


def record_to_open(session, tab: str, rid: int) -> tuple[dict, bool] | None:
    """(the form's values, read only): a monitor's copy has its free text masked."""
    from inspect_tui.services.quality.input import FREE_TEXT_FIELDS
    from inspect_tui.services.trust.free_text import sees_as_typed, viewer

    if tab == "problems":
        p = q.get_problem(session, rid)
        if p is None:
            return None
        entity, values, case_nos = "problem", problem_values(p), q.linked_case_nos(session, p.links)
    else:
        entity = tab[:-1]
        values = q.record_values(session, entity, rid) or {}
        case_nos = [values.get("case_no")]
    if sees_as_typed(session):
        return values, False
    view = viewer(session, case_nos)
    free = FREE_TEXT_FIELDS[entity]
    return {k: view(v) if k in free and isinstance(v, str) else v for k, v in values.items()}, True


def problem_to_close(session, rid: int) -> dict | None:
    p = q.get_problem(session, rid)
    return None if p is None else problem_values(p)


#: The document each tab's record prints as (a report kind of services/reports/registry.py).
DOCUMENTS = {
    "complaints": ("complaint-report", "重大苦情の報告書"),
    "incidents": ("incident-sheet", "事故振り返りシート"),
}


def write_document(session, tab: str, record_id: int):
    """In a worker: the selected record's document (the look-back sheet of an incident, the
    report of a serious complaint) as html in the reports folder, built through the report
    registry as ``inspect-tui report … --format html`` is (the audit head in its footer).
    Returns (path, "") or (None, why not: the role, a minor complaint, no such record)."""
    from inspect_tui.render.formats import render
    from inspect_tui.render.output import write_output
    from inspect_tui.services.reports.registry import RequestError, kind
    from inspect_tui.tui.screens.reports.reports import export_dir

    try:
        report = kind(DOCUMENTS[tab][0]).make(session, record_id)
    except RequestError as exc:
        return None, str(exc)
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / report.default_filename("html")
    write_output(path, render(report, "html"))
    return path, ""
