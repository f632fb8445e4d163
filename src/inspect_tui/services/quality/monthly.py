"""The quality part of the monthly performance report (業務履行報告書（月次）):
complaints and incidents of the month, open problems, problems closed in the month.

``monthly_quality_section(session, month)`` returns a ``QualitySection``;
``.sections()`` gives report sections (reports.doc.Section) to append to the
monthly report's document, ``.to_json()`` its JSON part.
``quality_sections()`` gives the monthly report its three sections (苦情対応,
インシデント・アクシデント, 課題管理). Case numbers only:
content fields are summarised to their category, never quoted; the one free text
printed, a problem's title (and its owner), is masked (services.free_text.printer).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.core import records
from inspect_tui.core.document import Section, Table
from inspect_tui.core.jpdate import parse_date
from inspect_tui.core.metrics import Period
from inspect_tui.core.months import month_span
from inspect_tui.core.records import record
from inspect_tui.core.today import today_jp
from inspect_tui.services.quality import records as q
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import printer


@record(frozen=True)
class QualitySection:
    first: dt.date
    last: dt.date
    complaints: list[q.Complaint]
    incidents: list[q.Incident]
    open_problems: list[q.Problem]
    closed_problems: list[q.Problem]
    today: dt.date

    def sections(self) -> list[Section]:
        c_rows = [
            [
                c.id,
                c.received_at,
                c.ward,
                c.complainant,
                c.category,
                c.severity_label,
                "はい" if c.city_caused else "",
                c.case_no or "",
                c.city_report_label,
            ]
            for c in sorted(self.complaints, key=lambda c: (c.received_at, c.id))
        ]
        i_rows = [
            [
                i.id,
                i.occurred_at,
                i.ward,
                i.kind_label,
                i.cause_category,
                "はい" if i.city_caused else "",
                i.case_no or "",
                i.report_label,
            ]
            for i in sorted(self.incidents, key=lambda i: (i.occurred_at, i.id))
        ]

        def p_rows(ps: list[q.Problem]) -> list[list[Any]]:
            return [
                [
                    p.id,
                    p.title,
                    p.owner,
                    p.opened_on.isoformat(),
                    p.due_on.isoformat(),
                    p.status_label + ("（期限超過）" if p.is_overdue(self.today) else ""),
                    p.closed_on.isoformat() if p.closed_on else "",
                    p.links_label,
                ]
                for p in ps
            ]

        p_head = ["番号", "課題", "主担当", "起票日", "期限", "状態", "完了日", "元の苦情・事故"]
        serious = sum(c.serious for c in self.complaints)
        return [
            Section(
                "苦情対応",
                tables=[
                    Table(
                        [
                            "番号",
                            "受付日時",
                            "区",
                            "申出者",
                            "区分",
                            "重大/軽微",
                            "市の事由",
                            "依頼番号",
                            "市への報告",
                        ],
                        c_rows,
                        caption="当月の苦情",
                    )
                ],
                paragraphs=[f"当月の苦情 {len(self.complaints)} 件（うち重大 {serious} 件）。"],
            ),
            Section(
                "インシデント・アクシデント",
                tables=[
                    Table(
                        ["番号", "発生日時", "区", "種別", "原因区分", "市の事由", "依頼番号", "市への報告"],
                        i_rows,
                        caption="当月の事故・インシデント",
                    )
                ],
                paragraphs=[
                    f"当月の事故・インシデント {len(self.incidents)} 件"
                    f"（うちセキュリティ事故 {sum(i.kind == 'security' for i in self.incidents)} 件）。"
                ],
            ),
            Section(
                "課題管理",
                tables=[
                    Table(p_head, p_rows(self.open_problems), caption="未完了の課題"),
                    Table(p_head, p_rows(self.closed_problems), caption="当月に完了した課題"),
                ],
            ),
        ]

    def to_json(self) -> dict[str, Any]:
        def c(x: q.Complaint) -> dict[str, Any]:
            return {
                "id": x.id,
                "received_at": x.received_at,
                "ward": x.ward,
                "complainant": x.complainant,
                "category": x.category,
                "serious": x.serious,
                "city_caused": x.city_caused,
                "case_no": x.case_no,
                "reported_to_city_at": x.reported_to_city_at,
            }

        def i(x: q.Incident) -> dict[str, Any]:
            return {
                "id": x.id,
                "kind": x.kind,
                "occurred_at": x.occurred_at,
                "ward": x.ward,
                "cause_category": x.cause_category,
                "city_caused": x.city_caused,
                "case_no": x.case_no,
                "phoned_city_at": x.phoned_city_at,
                "written_report_at": x.written_report_at,
            }

        def p(x: q.Problem) -> dict[str, Any]:
            return {
                "id": x.id,
                "title": x.title,
                "owner": x.owner,
                "opened_on": x.opened_on.isoformat(),
                "due_on": x.due_on.isoformat(),
                "status": x.status,
                "overdue": x.is_overdue(self.today),
                "closed_on": x.closed_on.isoformat() if x.closed_on else None,
                "links": [{"source": s, "id": n} for s, n in x.links],
            }

        return {
            "month": self.first.strftime("%Y-%m"),
            "complaints": [c(x) for x in self.complaints],
            "incidents": [i(x) for x in self.incidents],
            "open_problems": [p(x) for x in self.open_problems],
            "closed_problems": [p(x) for x in self.closed_problems],
        }


def month_range(month: str | dt.date) -> tuple[dt.date, dt.date]:
    """'2027-05' (or any date in it) -> (2027-05-01, 2027-05-31)."""
    if isinstance(month, str):
        text = month.strip()
        day = parse_date(text + "-01") if text.count("-") == 1 else parse_date(text)
    else:
        day = month
    return month_span(day)


def monthly_quality_section(session: Session, month: str | dt.date) -> QualitySection:
    """Complaints and incidents of the month, open problems, problems closed in the month.

    'Open' means not closed at the end of the month as it stands today
    (problems opened after the month are left out).
    """
    first, last = month_range(month)
    open_now = [p for p in q.list_problems(session, open_only=True) if p.opened_on <= last]
    closed_later = [
        p
        for p in q.list_problems(session, status="closed")
        if p.opened_on <= last and p.closed_on and p.closed_on > last
    ]
    open_problems = sorted(open_now + closed_later, key=lambda p: (p.due_on, p.id))
    closed = q.list_problems(session, closed_from=first, closed_to=last)
    view = _printer(session, open_problems + closed)
    return QualitySection(
        first,
        last,
        q.list_complaints(session, first, last),
        q.list_incidents(session, first, last),
        [_printed(p, view) for p in open_problems],
        [_printed(p, view) for p in closed],
        min(today_jp(), last),
    )


def _printer(session: Session, problems: list[q.Problem]):
    """Problems' free text as printed for the city: masked, with the names and numbers of
    the cases their complaints and incidents belong to."""

    case_nos = [no for p in problems for no in q.linked_case_nos(session, p.links)]
    return printer(session, case_nos)


def _printed(p: q.Problem, view) -> q.Problem:
    return records.replace(
        p, title=view(p.title), owner=view(p.owner), root_cause_note=view(p.root_cause_note), fix=view(p.fix)
    )


def quality_sections(session: Session, month: Period, as_of: dt.date) -> list[Section]:
    """The monthly report's complaints, incidents and problems sections, built once, with
    "overdue" judged as of the report's base date."""
    sec = monthly_quality_section(session, month.start)
    if as_of < sec.last:
        sec = records.replace(sec, today=min(as_of, sec.last))
    return sec.sections()
