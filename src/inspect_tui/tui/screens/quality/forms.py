"""The complaint form, the incident form (事故振り返りシート) and the problem form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inspect_tui.services.quality import records as q
from inspect_tui.services.quality.input import categories
from inspect_tui.tui.screens.quality.form import Field, RecordForm

WHEN = "例: 2027-06-14 10:30"


def _opts(names: Sequence[str]) -> list[tuple[str, str]]:
    return [(n, n) for n in names]


class ComplaintForm(RecordForm):
    FORM_TITLE = "苦情の記録"
    ENTITY = "complaint"

    def fields(self) -> Sequence[Field]:
        cats = categories()
        wards = self.config.wards
        return (
            Field("received_at", "受付日時", placeholder=WHEN, required=True),
            Field("complainant", "申出者", "select", _opts(cats.complainants), required=True),
            Field("complainant_note", "申出者の補足", placeholder="「その他」のときなど（氏名は書かない）"),
            Field("handled_by", "対応者", required=True),
            Field("ward", "区", "select", _opts(wards), required=True),
            Field("case_no", "依頼番号", placeholder="関係する依頼があれば"),
            Field("surveyor", "調査員", placeholder="関係する調査員コード"),
            Field("category", "区分", "select", _opts(cats.complaint), required=True),
            Field("content", "苦情内容", "area", required=True),
            Field("outcome", "対応結果", "area"),
            Field("serious", "重大", "check", placeholder="重大な苦情（速やかに市へ報告）"),
            Field("city_caused", "市の事由", "check", placeholder="市の事由によるもの"),
            Field("reported_to_city_at", "市への報告日時", placeholder=WHEN),
        )

    def check_values(self, session, values: dict[str, Any]) -> None:
        q.check_complaint(session, values)

    def save_values(self, session, values: dict[str, Any]) -> int:
        return q.save_complaint(session, values, self.record_id)


class IncidentForm(RecordForm):
    FORM_TITLE = "インシデント・アクシデント（事故振り返りシート）"
    ENTITY = "incident"

    def fields(self) -> Sequence[Field]:
        kinds = [(jp, k) for k, jp in q.INCIDENT_KINDS.items()]
        return (
            Field("kind", "種別", "select", kinds, required=True),
            Field("occurred_at", "発生日時", placeholder=WHEN, required=True),
            Field("place", "場所"),
            Field("people", "関係者", placeholder="職員（申請者の氏名は書かない）"),
            Field("ward", "区", "select", _opts(self.config.wards), required=True),
            Field("case_no", "依頼番号"),
            Field("surveyor", "調査員"),
            Field("what_happened", "何が起きたか", "area", required=True),
            Field("impact", "影響", "area"),
            Field("direct_cause", "直接原因", "area"),
            Field("root_cause", "根本原因", "area"),
            Field("immediate_response", "応急対応", "area"),
            Field("countermeasure", "対策", "area"),
            Field("prevention", "再発防止策", "area"),
            Field("cause_category", "原因区分", "select", _opts(categories().incident_cause), required=True),
            Field("city_caused", "市の事由", "check", placeholder="市の事由によるもの"),
            Field("phoned_city_at", "市への電話連絡日時", placeholder="まず電話で（" + WHEN + "）"),
            Field("written_report_at", "市への書面報告日時", placeholder="電話のあと、改善策を書いた報告書"),
        )

    def check_values(self, session, values: dict[str, Any]) -> None:
        q.check_incident(session, values)

    def save_values(self, session, values: dict[str, Any]) -> int:
        return q.save_incident(session, values, self.record_id)


def _ids(text: str) -> list[str]:
    return [p for p in text.replace("、", ",").replace(" ", ",").split(",") if p.strip()]


class ProblemForm(RecordForm):
    FORM_TITLE = "課題"
    NOTE = "元になった苦情・事故・会議の番号はカンマ区切り（例: 1,3）。個人情報は書かないでください。"
    ENTITY = "problem"

    def fields(self) -> Sequence[Field]:
        statuses = [(jp, k) for k, jp in q.PROBLEM_STATUSES.items()]
        return (
            Field("title", "課題", required=True),
            Field("owner", "主担当", required=True),
            Field("due_on", "期限", placeholder="例: 2027-07-31", required=True),
            Field("opened_on", "起票日", placeholder="空なら今日"),
            Field("status", "状態", "select", statuses),
            Field("complaints", "元になった苦情", placeholder="苦情の番号"),
            Field("incidents", "元になった事故", placeholder="事故の番号"),
            Field("meetings", "元になった会議", placeholder="会議の記録番号（会議で決めた今後の対応）"),
            Field("root_cause_note", "原因（根本原因のメモ）", "area"),
            Field("fix", "対策", "area"),
            Field("closed_on", "完了日", placeholder="完了のとき（空なら今日）"),
        )

    def show_errors(self, problems: list[tuple[str, str]]) -> None:
        alias = {"元になった苦情・事故・会議": "元になった苦情"}
        super().show_errors([(alias.get(lab, lab), msg) for lab, msg in problems])

    @staticmethod
    def _links(values: dict[str, Any]) -> list:
        return q.parse_links(
            _ids(values.pop("complaints", "") or ""),
            _ids(values.pop("incidents", "") or ""),
            _ids(values.pop("meetings", "") or ""),
        )

    def case_key(self, values) -> tuple:
        return tuple(str(values.get(k) or "") for k in ("complaints", "incidents", "meetings"))

    def case_nos(self, session, values) -> list[str]:
        return q.linked_case_nos(session, self._links(dict(values)))

    def check_values(self, session, values: dict[str, Any]) -> None:
        links = self._links(values)
        q.check_problem(session, values, links)

    def save_values(self, session, values: dict[str, Any]) -> int:
        links = self._links(values)
        return q.save_problem(session, values, links, self.record_id)
