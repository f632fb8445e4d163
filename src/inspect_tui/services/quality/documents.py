"""The two documents one quality record prints as (001 §10-11):

- ``incident_sheet``: the 事故振り返りシート (関連様式⑦) of one incident or accident:
  what happened and when, the report to the city (the phone call, then the written
  report), the cause, the response and measures, the prevention, who recorded it, and
  the seal boxes.
- ``complaint_report``: the 重大苦情の報告書 of one serious complaint: received when and
  from whom (their standing, never a name), the content, the response and its result,
  the report to the city and the prevention. A complaint without the 重大 mark is
  refused with the reason: minor ones go to the liaison meeting in the month's list
  (001 §11), not on a report of their own.

Both are the contractor's documents to the city: printing one needs
``quality.documents`` (chief and up, core/roles.py), checked before the record is
looked at. Every free text typed by staff is masked for everyone (the document goes
to the city: services.trust.free_text.printer), with the names and insured numbers of
the case the record names. File names carry the record number only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.core.document import Doc, Section, Table
from inspect_tui.core.records import fields, record
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.core.today import today_jp
from inspect_tui.services.quality.complaints import Complaint
from inspect_tui.services.quality.incidents import Incident
from inspect_tui.services.quality.input import FREE_TEXT_FIELDS
from inspect_tui.services.quality.problems import list_problems
from inspect_tui.services.quality.shared import build_record, stored
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import Viewer, printer
from inspect_tui.services.trust.permissions import require

__all__ = [
    "ACTION",
    "ComplaintReport",
    "IncidentSheet",
    "NotSerious",
    "complaint_report",
    "incident_sheet",
]

#: The permission both documents need (core/roles.py).
ACTION = "quality.documents"
SEALS = ("業務責任者", "主任調査員", "記録者")


class NotSerious(ValueError):
    """A complaint without the 重大 mark: it has no report of its own; the message says why."""


@record(frozen=True)
class Recorded:
    """Who recorded a record and when (the login the app knew them by), and its last change."""

    who: str
    recorded_at: str
    updated_at: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> Recorded:
        return cls(str(row.get("who") or ""), _minute(row.get("recorded_at")), _minute(row.get("updated_at")))

    def to_json(self) -> dict[str, str]:
        return {"who": self.who, "recorded_at": self.recorded_at, "updated_at": self.updated_at}


def _minute(stamp: Any) -> str:
    """2027-06-10T09:00:12+09:00 -> 2027-06-10 09:00 (as the records' own times print)."""
    text = str(stamp or "")
    return text[:16].replace("T", " ")


def _masked(record: Any, entity: str, view: Viewer) -> Any:
    """The record with every free-text field as printed (masked)."""
    values = {f.name: getattr(record, f.name) for f in fields(record)}
    for key in FREE_TEXT_FIELDS[entity]:
        values[key] = view(values[key])
    return type(record)(**values)


def _or_dash(text: str | None) -> str:
    return text if text else "－"


def _table(rows: list[tuple[str, str]]) -> Table:
    return Table(["項目", "内容"], [[k, _or_dash(v)] for k, v in rows], align=["l", "l"])


# --------------------------------------------------------------------------- 事故振り返りシート


@record(frozen=True)
class IncidentSheet:
    incident: Incident  # free text already masked
    recorded: Recorded
    issued_on: dt.date

    def as_doc(self, full: bool = False) -> Doc:
        i = self.incident
        facts = [
            ("事故番号", str(i.id)),
            ("種別", i.kind_label),
            ("発生日時", i.occurred_at),
            ("市への報告", i.report_label),
            ("発行日", self.issued_on.isoformat()),
        ]
        sections = [
            Section(
                "1. 発生の状況",
                [
                    _table(
                        [
                            ("発生日時", i.occurred_at),
                            ("場所", i.place),
                            ("関係者", i.people),
                            ("区", i.ward),
                            ("依頼番号", i.case_no or ""),
                            ("調査員", i.surveyor or ""),
                            ("何が起きたか", i.what_happened),
                            ("影響", i.impact),
                        ]
                    )
                ],
            ),
            Section(
                "2. 市への報告",
                [
                    _table(
                        [
                            ("電話連絡の日時", i.phoned_city_at or "未連絡"),
                            ("書面報告の日時", i.written_report_at or "未報告"),
                            ("状態", i.report_label),
                        ]
                    )
                ],
                [
                    "事故の発生時はまず速やかに電話連絡等で市に伝え、"
                    "その後に書面で報告します（001 §9(6)、§10）。"
                ],
            ),
            Section(
                "3. 原因",
                [
                    _table(
                        [
                            ("直接原因", i.direct_cause),
                            ("根本原因", i.root_cause),
                            ("原因区分", i.cause_category),
                            ("市の事由", "はい（サービス水準の算定から除外）" if i.city_caused else "いいえ"),
                        ]
                    )
                ],
            ),
            Section(
                "4. 対応と対策",
                [
                    _table(
                        [
                            ("応急対応", i.immediate_response),
                            ("対策", i.countermeasure),
                            ("再発防止策", i.prevention),
                        ]
                    )
                ],
            ),
            Section(
                "5. 記録",
                [
                    _table(
                        [
                            ("記録者", self.recorded.who),
                            ("記録日時", self.recorded.recorded_at),
                            ("最終更新", self.recorded.updated_at),
                        ]
                    )
                ],
            ),
        ]
        return Doc(
            "事故振り返りシート",
            facts,
            sections,
            seals=SEALS,
            note="自由記述の個人情報（氏名・被保険者番号など）は伏せ字にしています。",
            seals_at_end=True,
        )

    def to_json(self) -> dict[str, Any]:
        i = self.incident
        return {
            "document": "incident_sheet",
            "id": i.id,
            "kind": i.kind,
            "kind_label": i.kind_label,
            "occurred_at": i.occurred_at,
            "place": i.place,
            "people": i.people,
            "ward": i.ward,
            "case_no": i.case_no,
            "surveyor": i.surveyor,
            "what_happened": i.what_happened,
            "impact": i.impact,
            "direct_cause": i.direct_cause,
            "root_cause": i.root_cause,
            "cause_category": i.cause_category,
            "city_caused": i.city_caused,
            "immediate_response": i.immediate_response,
            "countermeasure": i.countermeasure,
            "prevention": i.prevention,
            "phoned_city_at": i.phoned_city_at,
            "written_report_at": i.written_report_at,
            "recorded": self.recorded.to_json(),
            "issued_on": self.issued_on.isoformat(),
        }

    def default_filename(self, fmt: str) -> str:
        """incident-sheet_12.html (the kind id first): the record number only."""
        return f"incident-sheet_{self.incident.id}.{EXTENSIONS[fmt]}"


def incident_sheet(s: Session, incident_id: int, issued_on: dt.date | None = None) -> IncidentSheet:
    """The look-back sheet of one incident, its free text masked. PermissionDenied for a role
    that may not print it (checked first); QualityInputError naming 事故番号 for one that
    does not exist."""
    require(s, ACTION)
    row = stored(s, "incident", incident_id)
    incident = build_record(Incident, row)
    view = printer(s, [incident.case_no])
    return IncidentSheet(_masked(incident, "incident", view), Recorded.of(row), issued_on or today_jp())


# --------------------------------------------------------------------------- 重大苦情の報告書


@record(frozen=True)
class ComplaintReport:
    complaint: Complaint  # free text already masked
    recorded: Recorded
    prevention: tuple[tuple[int, str, str, str], ...]  # (problem id, title, status, fix), masked
    issued_on: dt.date

    def as_doc(self, full: bool = False) -> Doc:
        c = self.complaint
        facts = [
            ("苦情番号", str(c.id)),
            ("受付日時", c.received_at),
            ("市への報告", c.reported_to_city_at or "未報告"),
            ("発行日", self.issued_on.isoformat()),
        ]
        prevention = Section("5. 再発防止")
        if self.prevention:
            prevention.tables.append(
                Table(
                    ["課題番号", "課題", "状態", "対策"],
                    [[pid, title, status, _or_dash(fix)] for pid, title, status, fix in self.prevention],
                    align=["r", "l", "l", "l"],
                )
            )
        else:
            prevention.paragraphs.append(
                "この苦情から起こした課題はまだありません（品質画面の苦情タブで p を押すと起こせます）。"
            )
        sections = [
            Section(
                "1. 受付",
                [
                    _table(
                        [
                            ("受付日時", c.received_at),
                            ("申出者", c.complainant_label),
                            ("対応者", c.handled_by),
                            ("区", c.ward),
                            ("依頼番号", c.case_no or ""),
                            ("調査員", c.surveyor or ""),
                            ("区分", c.category),
                            ("市の事由", "はい（サービス水準の算定から除外）" if c.city_caused else "いいえ"),
                        ]
                    )
                ],
            ),
            Section("2. 苦情の内容", [_table([("苦情内容", c.content)])]),
            Section("3. 対応と結果", [_table([("対応結果", c.outcome)])]),
            Section(
                "4. 市への報告",
                [_table([("報告日時", c.reported_to_city_at or "未報告")])],
                ["重大な苦情は、速やかに市へ情報共有し報告書を提出します（001 §11）。"],
            ),
            prevention,
            Section(
                "6. 記録",
                [
                    _table(
                        [
                            ("記録者", self.recorded.who),
                            ("記録日時", self.recorded.recorded_at),
                            ("最終更新", self.recorded.updated_at),
                        ]
                    )
                ],
            ),
        ]
        return Doc(
            "重大苦情の報告書",
            facts,
            sections,
            seals=SEALS,
            note="申出者は立場だけを記します。自由記述の個人情報（氏名・被保険者番号など）は伏せ字にしています。",
            seals_at_end=True,
        )

    def to_json(self) -> dict[str, Any]:
        c = self.complaint
        return {
            "document": "complaint_report",
            "id": c.id,
            "received_at": c.received_at,
            "complainant": c.complainant,
            "complainant_note": c.complainant_note,
            "handled_by": c.handled_by,
            "ward": c.ward,
            "case_no": c.case_no,
            "surveyor": c.surveyor,
            "category": c.category,
            "content": c.content,
            "outcome": c.outcome,
            "serious": c.serious,
            "city_caused": c.city_caused,
            "reported_to_city_at": c.reported_to_city_at,
            "prevention": [
                {"problem_id": pid, "title": title, "status": status, "fix": fix}
                for pid, title, status, fix in self.prevention
            ],
            "recorded": self.recorded.to_json(),
            "issued_on": self.issued_on.isoformat(),
        }

    def default_filename(self, fmt: str) -> str:
        """complaint-report_7.html (the kind id first): the record number only."""
        return f"complaint-report_{self.complaint.id}.{EXTENSIONS[fmt]}"


def complaint_report(s: Session, complaint_id: int, issued_on: dt.date | None = None) -> ComplaintReport:
    """The report of one serious complaint, its free text masked, with the problems raised from
    it as its prevention. PermissionDenied first for a role that may not print it;
    QualityInputError for a number with no complaint; NotSerious for a minor one."""
    require(s, ACTION)
    row = stored(s, "complaint", complaint_id)
    complaint = build_record(Complaint, row)
    if not complaint.serious:
        raise NotSerious(
            f"苦情 {complaint_id} は軽微な苦情です（重大の印がありません）。重大苦情の報告書は"
            "重大な苦情にだけ出します。軽微な苦情は連絡会議で月の一覧として報告します（001 §11）。"
            "重大な苦情であれば、品質画面で記録を開いて「重大」に印を付けてください"
        )
    view = printer(s, [complaint.case_no])
    problems = [p for p in list_problems(s) if ("complaint", complaint_id) in p.links]
    prevention = tuple((p.id, view(p.title), p.status_label, view(p.fix)) for p in problems)
    return ComplaintReport(
        _masked(complaint, "complaint", view), Recorded.of(row), prevention, issued_on or today_jp()
    )
