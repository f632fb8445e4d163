"""Complaints, incidents and problems as list rows: the columns and the cells in
one place, for the command line's tables and the Quality screen's.

``view`` shows each free-text cell to the reader (services.free_text.viewer:
as typed for managers and chiefs, masked for a monitor); without one the text
is shown as typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from inspect_tui.services.quality.records import Complaint, Incident, Problem, linked_case_nos
from inspect_tui.services.trust.free_text import viewer

COMPLAINT_COLUMNS = ("番号", "受付日時", "区", "申出者", "区分", "重大", "依頼番号", "市への報告", "内容")
INCIDENT_COLUMNS = ("番号", "発生日時", "区", "種別", "原因区分", "依頼番号", "市への報告", "何が起きたか")
PROBLEM_COLUMNS = ("番号", "課題", "主担当", "期限", "状態", "完了日", "元の苦情・事故")


View = Callable[[str], str]


def _as_typed(text: str) -> str:
    return text


def list_viewer(session, records: Iterable[Any]):
    """The viewer for a list of complaints, incidents or problems: the names and numbers
    of the cases they belong to (a problem: through the records it comes from)."""

    case_nos: list[str | None] = []
    for r in records:
        if isinstance(r, Problem):
            case_nos += linked_case_nos(session, r.links)
        else:
            case_nos.append(r.case_no)
    return viewer(session, case_nos)


def shorten(text: str, n: int) -> str:
    """Free text on one line, cut to n characters ("..")."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 2] + ".."


def complaint_cells(c: Complaint, width: int, view: View = _as_typed) -> list[Any]:
    return [
        c.id,
        c.received_at,
        c.ward,
        view(c.complainant_label),
        c.category,
        c.severity_label,
        c.case_no or "",
        c.city_report_label,
        shorten(view(c.content), width),
    ]


def incident_cells(i: Incident, width: int, view: View = _as_typed) -> list[Any]:
    return [
        i.id,
        i.occurred_at,
        i.ward,
        i.kind_label,
        i.cause_category,
        i.case_no or "",
        i.report_label,
        shorten(view(i.what_happened), width),
    ]


def problem_cells(p: Problem, today: dt.date, width: int, view: View = _as_typed) -> list[Any]:
    return [
        p.id,
        shorten(view(p.title), width),
        view(p.owner),
        p.due_on.isoformat(),
        p.status_label + ("（期限超過）" if p.is_overdue(today) else ""),
        p.closed_on.isoformat() if p.closed_on else "",
        p.links_label,
    ]
