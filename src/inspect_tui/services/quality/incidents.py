"""Incidents and accidents (インシデント・アクシデント) with their look-back sheet
(事故振り返りシート); a security incident is phoned to the city first, then reported in
writing (000 §5(5))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from inspect_tui.core.records import record
from inspect_tui.core.today import now_jp_iso
from inspect_tui.services.quality.input import INCIDENT_KINDS, Checker, categories
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
class Incident:
    id: int
    kind: str
    occurred_at: str
    place: str
    people: str
    ward: str
    case_no: str | None
    surveyor: str | None
    what_happened: str
    impact: str
    direct_cause: str
    root_cause: str
    immediate_response: str
    countermeasure: str
    prevention: str
    cause_category: str
    city_caused: bool
    phoned_city_at: str | None
    written_report_at: str | None

    @property
    def kind_label(self) -> str:
        return INCIDENT_KINDS[self.kind]

    @property
    def report_label(self) -> str:
        if self.written_report_at:
            return "書面報告済"
        if self.phoned_city_at:
            return "電話連絡済・書面未"
        return "市へ未報告"


def check_incident(session: Session, raw: Mapping[str, Any]) -> dict[str, Any]:
    c = Checker(raw)
    v: dict[str, Any] = {}
    v["kind"] = c.choice("kind", "種別", INCIDENT_KINDS)
    v["occurred_at"] = c.when("occurred_at", "発生日時", required=True)
    v["place"] = c.text("place", "場所", limit=200)
    v["people"] = c.text("people", "関係者", limit=200)
    v["ward"] = c.ward("ward", session.config.wards)
    v["case_no"], v["surveyor"] = check_links_to_case(session, c)
    v["what_happened"] = c.text("what_happened", "何が起きたか", required=True)
    for key, label in (
        ("impact", "影響"),
        ("direct_cause", "直接原因"),
        ("root_cause", "根本原因"),
        ("immediate_response", "応急対応"),
        ("countermeasure", "対策"),
        ("prevention", "再発防止策"),
    ):
        v[key] = c.text(key, label)
    v["cause_category"] = c.choice("cause_category", "原因区分", categories().incident_cause)
    v["city_caused"] = int(c.flag("city_caused", "市の事由"))
    v["phoned_city_at"] = c.when("phoned_city_at", "市への電話連絡日時")
    v["written_report_at"] = c.when("written_report_at", "市への書面報告日時")
    if v["written_report_at"] and not v["phoned_city_at"] and not c.raw.get("phoned_city_at"):
        c.fail(
            "市への書面報告日時", "先に市への電話連絡の日時を記録してください（電話連絡が先、書面報告が後）"
        )
    not_before(c, v["phoned_city_at"], v["occurred_at"], "市への電話連絡日時", "発生日時")
    not_before(c, v["written_report_at"], v["phoned_city_at"], "市への書面報告日時", "電話連絡の日時")
    c.done()
    return v


@writes("incident.save")
def save_incident(session: Session, raw: Mapping[str, Any], incident_id: int | None = None) -> int:
    """Check and save an incident with its look-back sheet; returns its id."""
    values = check_incident(session, raw)
    if incident_id is not None:
        stored(session, "incident", incident_id)
    return store.save(session.db, "incident", values, who=session.who, now=now_jp_iso(), row_id=incident_id)


def get_incident(session: Session, incident_id: int) -> Incident | None:
    row = store.get(session.db, "incident", incident_id)
    return None if row is None else build_record(Incident, row)


@writes("incident.save")
def record_incident_report(
    session: Session, incident_id: int, *, phoned_at: str | None = None, written_at: str | None = None
) -> Incident:
    """Record the phone call to the city and/or the written report (phone first)."""
    raw = dict(stored(session, "incident", incident_id))
    if phoned_at:
        raw["phoned_city_at"] = phoned_at
    if written_at:
        raw["written_report_at"] = written_at
    save_incident(session, raw, incident_id)
    return get_incident(session, incident_id)  # type: ignore[return-value]


def incident_where(date_from=None, date_to=None, ward=None, surveyor=None, kind=None):
    where, params = period_where("occurred_at", date_from, date_to)
    for col, val in (("ward", ward), ("surveyor", surveyor), ("kind", kind)):
        if val:
            where.append(f"{col} = ?")
            params.append(val)
    return where, params


def list_incidents(
    session: Session,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    ward: str | None = None,
    surveyor: str | None = None,
    kind: str | None = None,
) -> list[Incident]:
    where, params = incident_where(date_from, date_to, ward, surveyor, kind)
    rows = store.select(session.db, "incident", where, params, "occurred_at DESC, id DESC")
    return [build_record(Incident, r) for r in rows]
