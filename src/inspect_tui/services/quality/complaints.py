"""Complaints (苦情): who complained, who handled it, what and the outcome; serious ones
are reported to the city at once (001 §10-11). Checked in full before anything is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from inspect_tui.core.records import record
from inspect_tui.core.today import now_jp_iso
from inspect_tui.services.quality.input import Checker, categories
from inspect_tui.services.quality.shared import (
    build_record,
    check_links_to_case,
    not_before,
    period_where,
    stored,
)
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import quality as store


@record(frozen=True)
class Complaint:
    id: int
    received_at: str
    complainant: str
    complainant_note: str
    handled_by: str
    ward: str
    case_no: str | None
    surveyor: str | None
    category: str
    content: str
    outcome: str
    serious: bool
    city_caused: bool
    reported_to_city_at: str | None

    @property
    def severity_label(self) -> str:
        return "重大" if self.serious else "軽微"

    @property
    def city_report_label(self) -> str:
        if not self.serious:
            return "連絡会議で報告"
        return f"報告済 {self.reported_to_city_at}" if self.reported_to_city_at else "市へ未報告"

    @property
    def complainant_label(self) -> str:
        return f"{self.complainant}（{self.complainant_note}）" if self.complainant_note else self.complainant


def check_complaint(session: Session, raw: Mapping[str, Any]) -> dict[str, Any]:
    cats = categories()
    c = Checker(raw)
    v: dict[str, Any] = {}
    v["received_at"] = c.when("received_at", "受付日時", required=True)
    v["complainant"] = c.choice("complainant", "申出者", cats.complainants)
    v["complainant_note"] = c.text("complainant_note", "申出者の補足", limit=100)
    if v["complainant"] == "その他" and not v["complainant_note"]:
        c.fail("申出者の補足", "「その他」のときは、どういう立場の人かを書いてください（氏名は書かない）")
    v["handled_by"] = c.text("handled_by", "対応者", required=True, limit=100)
    v["ward"] = c.ward("ward", session.config.wards)
    v["case_no"], v["surveyor"] = check_links_to_case(session, c)
    v["category"] = c.choice("category", "区分", cats.complaint)
    v["content"] = c.text("content", "苦情内容", required=True)
    v["outcome"] = c.text("outcome", "対応結果")
    v["serious"] = int(c.flag("serious", "重大"))
    v["city_caused"] = int(c.flag("city_caused", "市の事由"))
    v["reported_to_city_at"] = c.when("reported_to_city_at", "市への報告日時")
    not_before(c, v["reported_to_city_at"], v["received_at"], "市への報告日時", "受付日時")
    c.done()
    return v


@writes("complaint.save")
def save_complaint(session: Session, raw: Mapping[str, Any], complaint_id: int | None = None) -> int:
    """Check and save a complaint (new when complaint_id is None); returns its id."""
    values = check_complaint(session, raw)
    if complaint_id is not None:
        stored(session, "complaint", complaint_id)
    return store.save(session.db, "complaint", values, who=session.who, now=now_jp_iso(), row_id=complaint_id)


def get_complaint(session: Session, complaint_id: int) -> Complaint | None:
    row = store.get(session.db, "complaint", complaint_id)
    return None if row is None else build_record(Complaint, row)


@writes("complaint.save")
def report_complaint_to_city(session: Session, complaint_id: int, at: str) -> Complaint:
    """Record when a complaint was reported to the city (serious ones: at once)."""
    current = stored(session, "complaint", complaint_id)
    save_complaint(session, {**current, "reported_to_city_at": at}, complaint_id)
    return get_complaint(session, complaint_id)  # type: ignore[return-value]


def complaint_where(date_from=None, date_to=None, ward=None, surveyor=None, kind=None):
    where, params = period_where("received_at", date_from, date_to)
    if ward:
        where.append("ward = ?")
        params.append(ward)
    if surveyor:
        where.append("surveyor = ?")
        params.append(surveyor)
    if kind:
        where.append("serious = ?")
        params.append(1 if kind == "serious" else 0)
    return where, params


def list_complaints(
    session: Session,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    ward: str | None = None,
    surveyor: str | None = None,
    kind: str | None = None,
    unreported_only: bool = False,
) -> list[Complaint]:
    """Complaints received in the period (both ends included), newest first."""
    where, params = complaint_where(date_from, date_to, ward, surveyor, kind)
    if unreported_only:
        where.append("serious = 1 AND reported_to_city_at IS NULL")
    rows = store.select(session.db, "complaint", where, params, "received_at DESC, id DESC")
    return [build_record(Complaint, r) for r in rows]
