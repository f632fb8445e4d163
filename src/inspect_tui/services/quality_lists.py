"""Complaints, incidents and problems as list rows: the columns and the cells in
one place, for the command line's tables and the Quality screen's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.services.quality import Complaint, Incident, Problem

COMPLAINT_COLUMNS = ("番号", "受付日時", "区", "申出者", "区分", "重大", "依頼番号", "市への報告", "内容")
INCIDENT_COLUMNS = ("番号", "発生日時", "区", "種別", "原因区分", "依頼番号", "市への報告", "何が起きたか")
PROBLEM_COLUMNS = ("番号", "課題", "主担当", "期限", "状態", "完了日", "元の苦情・事故")


def shorten(text: str, n: int) -> str:
    """Free text on one line, cut to n characters ("..")."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 2] + ".."


def complaint_cells(c: Complaint, width: int) -> list[Any]:
    return [
        c.id,
        c.received_at,
        c.ward,
        c.complainant_label,
        c.category,
        c.severity_label,
        c.case_no or "",
        c.city_report_label,
        shorten(c.content, width),
    ]


def incident_cells(i: Incident, width: int) -> list[Any]:
    return [
        i.id,
        i.occurred_at,
        i.ward,
        i.kind_label,
        i.cause_category,
        i.case_no or "",
        i.report_label,
        shorten(i.what_happened, width),
    ]


def problem_cells(p: Problem, today: dt.date, width: int) -> list[Any]:
    return [
        p.id,
        shorten(p.title, width),
        p.owner,
        p.due_on.isoformat(),
        p.status_label + ("（期限超過）" if p.is_overdue(today) else ""),
        p.closed_on.isoformat() if p.closed_on else "",
        p.links_label,
    ]
