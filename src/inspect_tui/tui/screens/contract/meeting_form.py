"""Recording a meeting from the Contract screen (7, `m`; managers, and chiefs who attended):
the kind, the day, the attendees, the agenda (left empty: prefilled from the figures since
the last meeting of the kind), the decisions and the follow-ups, one a line as
「課題|主担当|期限」 — what ``inspect-tui meeting add`` takes, checked by the same service
(services/contract/meetings.py), the meeting and its follow-ups saved together or not at
all. Ctrl+S saves, Esc cancels (asking when something was typed), a bad field is named at
the top; a liaison meeting's minutes then come due 14 days later in the register."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inspect_tui.tui.screens.quality.form import Field, RecordForm


class MeetingForm(RecordForm):
    FORM_TITLE = "会議の記録（内部会議・連絡会議）"
    ENTITY = "meeting"
    NOTE = "申請者の個人情報は書かないでください（依頼番号で特定）。"

    def fields(self) -> Sequence[Field]:
        from inspect_tui.services.contract.meetings import KINDS

        return (
            Field("kind", "会議", "select", [(label, k) for k, label in KINDS.items()], required=True),
            Field("held_on", "開催日", placeholder="例: 2027-06-10 / R9.6.10", required=True),
            Field("attendees", "出席者", "area", placeholder="役職・氏名（主任は自分も）", required=True),
            Field("agenda", "議題", "area", placeholder="空なら前回からの件数で作ります"),
            Field("decisions", "決定事項", "area"),
            Field("followups", "今後の対応", "area", placeholder="1行に1件: 課題|主担当|期限"),
        )

    def case_key(self, values):  # a meeting belongs to no case
        return ()

    def case_nos(self, session, values) -> list[str]:
        return []

    def save_values(self, session, values: dict[str, Any]) -> int:
        from inspect_tui.core.jpdate import DateError, parse_date
        from inspect_tui.services.contract.meetings import MeetingError, add_meeting, parse_followup

        try:
            on = parse_date(str(values.get("held_on") or ""))
        except DateError as exc:
            raise MeetingError(f"開催日: {exc}") from None
        todo = [
            parse_followup(line) for line in str(values.get("followups") or "").splitlines() if line.strip()
        ]
        agenda = str(values.get("agenda") or "")
        row = add_meeting(
            session,
            str(values.get("kind") or ""),
            on,
            str(values.get("attendees") or ""),
            str(values.get("decisions") or ""),
            agenda if agenda.strip() else None,
            todo,
        )
        return row.id
