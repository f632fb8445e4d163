"""The hand-over document (業務引継書, issue 15 item 5; seed 001 §18(4)): what the next
contractor needs at the contract's end — the open cases (those not visited by about five
days before the end go back to the office: 返却), the manual and FAQ, the open problems, and
the deliverables' state. Case numbers only, never an applicant's personal data; free text
masked (it leaves the office).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.core.case_columns import OPEN_IN, OPEN_STATUSES, STATUS_LABELS
from inspect_tui.core.document import Doc, Section, Table
from inspect_tui.core.jpdate import format_era
from inspect_tui.core.records import record
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.core.today import today_jp
from inspect_tui.services.session import Session

__all__ = ["HandoverReport", "build_handover"]

#: about five days before the contract's end, a case that cannot be visited goes back (§18(4))
RETURN_DAYS = 5


@record(frozen=True)
class OpenCase:
    case_no: str
    ward: str
    received_on: str
    status: str
    visited: bool
    standard_due: str | None

    def action(self, end: dt.date, today: dt.date) -> str:
        """What happens to it at the end: 引継ぎ (visited: finish and submit) or 返却の候補."""
        if self.status == "submitted":
            return "提出済（受理を待つ）"
        if self.visited:
            return "調査票を仕上げて提出"
        return (
            "返却の候補（訪問できない場合）"
            if today >= end - dt.timedelta(days=RETURN_DAYS)
            else "訪問を調整"
        )


@record
class HandoverReport:
    as_of: dt.date
    end: dt.date  # the contract's end (data/deliverables.toml: handover-document)
    cases: list[OpenCase]
    manual: Any  # the manual-faq deliverable row, or None
    problems: list[tuple[str, str, str, str]]  # (id, title, owner, due), masked
    register: list[Any]  # services.contract.deliverables.DeliverableRow

    def as_doc(self, full: bool = False) -> Doc:
        today = self.as_of
        back_by = self.end - dt.timedelta(days=RETURN_DAYS)
        by_status: dict[str, int] = {}
        for c in self.cases:
            by_status[c.status] = by_status.get(c.status, 0) + 1
        facts = [
            ("契約期間の終わり", format_era(self.end)),
            ("返却の目安", f"{format_era(back_by)}（契約満了の概ね5日前までに訪問できない依頼）"),
            ("基準日", format_era(today)),
            ("未完了の依頼", f"{len(self.cases):,} 件"),
        ]
        summary = Table(
            ["状態", "件数"],
            [
                [STATUS_LABELS.get(k, k), n]
                for k, n in sorted(by_status.items(), key=lambda kv: OPEN_STATUSES.index(kv[0]))
            ],
            list("lr"),
        )
        listing = Table(
            ["依頼番号", "区", "受付日", "状態", "標準提出期限", "引継ぎ"],
            [
                [
                    c.case_no,
                    c.ward,
                    c.received_on,
                    STATUS_LABELS.get(c.status, c.status),
                    c.standard_due or "－",
                    c.action(self.end, today),
                ]
                for c in self.cases
            ],
            list("llllll"),
        )
        m = self.manual
        manual_lines = [
            "業務マニュアル及びFAQ: "
            + (f"提出済（{m.delivered_on.isoformat()}）" if m is not None and m.delivered_on else "未提出")
            + "。著作権は本市に帰属し、翌年度以降の受託事業者に引き継ぎます（001 §12(2)）。"
        ]
        problems = Table(["番号", "課題", "主担当", "期限"], [list(p) for p in self.problems], list("llll"))
        register = Table(
            ["成果物", "期日", "状態", "提出日"],
            [
                [
                    r.occ.name,
                    r.occ.due.isoformat() if r.occ.due else "随時",
                    r.status_label,
                    r.delivered_on.isoformat() if r.delivered_on else "－",
                ]
                for r in self.register
            ],
            list("llll"),
        )
        sections = [
            Section("1. 未完了の依頼", [summary], ["一覧は別紙1（依頼番号のみ。申請者の情報は含みません）"]),
            Section("2. 業務マニュアル及びFAQ", [], manual_lines),
            Section("3. 未完了の課題", [problems]),
            Section("4. 成果物の提出状況", [register]),
            Section("未完了の依頼の一覧", [listing], appendix=True),
        ]
        return Doc("業務引継書", facts, sections, seals=("業務責任者",), seals_at_end=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "handover",
            "version": 1,
            "as_of": self.as_of.isoformat(),
            "contract_end": self.end.isoformat(),
            "return_by": (self.end - dt.timedelta(days=RETURN_DAYS)).isoformat(),
            "open_cases": [
                {
                    "case_no": c.case_no,
                    "ward": c.ward,
                    "received_on": c.received_on,
                    "status": c.status,
                    "visited": c.visited,
                    "standard_due": c.standard_due,
                    "action": c.action(self.end, self.as_of),
                }
                for c in self.cases
            ],
            "manual_delivered_on": self.manual.delivered_on.isoformat()
            if self.manual is not None and self.manual.delivered_on
            else None,
            "open_problems": [
                {"id": p[0], "title": p[1], "owner": p[2], "due_on": p[3]} for p in self.problems
            ],
            "deliverables": [r.to_json() for r in self.register],
        }

    def default_filename(self, fmt: str) -> str:
        return f"handover_{self.as_of:%Y%m%d}.{EXTENSIONS[fmt]}"


def build_handover(s: Session, as_of: dt.date | None = None) -> HandoverReport:
    from inspect_tui.core import deliverables as rules
    from inspect_tui.services.contract.deliverables import deliverables
    from inspect_tui.services.quality.problems import list_problems
    from inspect_tui.services.trust.free_text import printer

    as_of = as_of or today_jp()
    end = next((d.on for d in rules.load() if d.id == "handover-document" and d.on), None) or as_of
    cases = [  # the open statuses written out (core.case_columns.OPEN_IN): the open cases' index has it all
        OpenCase(r[0], r[1] or "", r[2] or "", r[3], bool(r[4]), r[5])
        for r in s.db.conn.execute(
            "SELECT case_no, ward, received_on, status, coalesce(visited_on, '') <> '', standard_due"
            f" FROM cases WHERE status IN {OPEN_IN} ORDER BY received_on, case_no"
        )
    ]
    view = printer(s)
    problems = [
        (str(p.id), view(p.title), view(p.owner), p.due_on.isoformat())
        for p in list_problems(s, open_only=True)
    ]
    register = deliverables(s, as_of)
    manual = next((r for r in register if r.occ.id == "manual-faq"), None)
    return HandoverReport(as_of, end, cases, manual, problems, register)
