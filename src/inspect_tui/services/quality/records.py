"""Complaints (苦情), incidents and accidents (事故振り返りシート) and problems (課題).

What a user does, as functions the TUI forms and the CLI both call:
``save_complaint``, ``report_complaint_to_city``, ``save_incident``,
``record_incident_report``, ``save_problem``, ``close_problem`` and the lists.
Input comes as a mapping of field name to the text typed; it is checked in
full first (``QualityInputError`` names every bad field) and nothing is written
unless all of it is good.

For the dashboard: ``serious_complaints_unreported``, ``security_incidents_open``,
``problems_overdue``. The monthly report uses ``quality_monthly.monthly_quality_section``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.quality.input import (
    COMPLAINT_KINDS,
    FREE_TEXT_FIELDS,
    INCIDENT_KINDS,
    PROBLEM_STATUSES,
    Checker,
    QualityInputError,
    categories,
)
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import quality as store

__all__ = [
    "COMPLAINT_KINDS",
    "INCIDENT_KINDS",
    "PROBLEM_STATUSES",
    "Complaint",
    "Incident",
    "Problem",
    "QualityInputError",
    "close_problem",
    "free_text_warnings",
    "get_complaint",
    "get_incident",
    "get_problem",
    "list_complaints",
    "list_incidents",
    "list_problems",
    "problems_overdue",
    "record_incident_report",
    "report_complaint_to_city",
    "save_complaint",
    "save_incident",
    "save_problem",
    "security_incidents_open",
    "serious_complaints_unreported",
]


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Problem:
    id: int
    title: str
    owner: str
    opened_on: dt.date
    due_on: dt.date
    status: str
    root_cause_note: str
    fix: str
    closed_on: dt.date | None
    links: tuple[tuple[str, int], ...] = ()

    @property
    def status_label(self) -> str:
        return PROBLEM_STATUSES[self.status]

    def is_overdue(self, today: dt.date) -> bool:
        return self.status != "closed" and self.due_on < today

    @property
    def links_label(self) -> str:
        return link_text(self.links)


def link_text(links: Iterable[tuple[str, int]]) -> str:
    """(('complaint', 1), ('incident', 3)) -> '苦情1, 事故3'."""
    names = {"complaint": "苦情", "incident": "事故"}
    return ", ".join(f"{names[s]}{i}" for s, i in links)


def _build(cls: type, row: Mapping[str, Any], **extra: Any):
    names = {f.name for f in dataclasses.fields(cls)}
    values = {k: v for k, v in row.items() if k in names}
    for f in dataclasses.fields(cls):
        if f.type in ("bool",) and f.name in values:
            values[f.name] = bool(values[f.name])
        if f.type in ("dt.date", "dt.date | None") and values.get(f.name):
            values[f.name] = dt.date.fromisoformat(values[f.name])
    values.update(extra)
    return cls(**values)


# --------------------------------------------------------------------------- shared checks
def _check_links_to_case(session: Session, c: Checker) -> tuple[str | None, str | None]:
    case_no = c.text("case_no", "依頼番号", limit=40) or None
    if case_no and not store.exists(session.db, "cases", "case_no", case_no):
        c.fail("依頼番号", f"「{case_no}」という依頼はありません")
    surveyor = c.text("surveyor", "調査員", limit=40) or None
    if surveyor and not store.exists(session.db, "surveyors", "code", surveyor):
        c.fail("調査員", f"調査員コード「{surveyor}」は名簿にありません")
    return case_no, surveyor


def _not_before(c: Checker, later: str | None, earlier: str | None, label: str, what: str) -> None:
    if later and earlier and later < earlier:
        c.fail(label, f"{later} は{what}（{earlier}）より前です")


# --------------------------------------------------------------------------- complaints
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
    v["case_no"], v["surveyor"] = _check_links_to_case(session, c)
    v["category"] = c.choice("category", "区分", cats.complaint)
    v["content"] = c.text("content", "苦情内容", required=True)
    v["outcome"] = c.text("outcome", "対応結果")
    v["serious"] = int(c.flag("serious", "重大"))
    v["city_caused"] = int(c.flag("city_caused", "市の事由"))
    v["reported_to_city_at"] = c.when("reported_to_city_at", "市への報告日時")
    _not_before(c, v["reported_to_city_at"], v["received_at"], "市への報告日時", "受付日時")
    c.done()
    return v


@writes("complaint.save")
def save_complaint(session: Session, raw: Mapping[str, Any], complaint_id: int | None = None) -> int:
    """Check and save a complaint (new when complaint_id is None); returns its id."""
    values = check_complaint(session, raw)
    if complaint_id is not None and get_complaint(session, complaint_id) is None:
        raise QualityInputError([("苦情番号", f"{complaint_id} の苦情はありません")])
    return store.save(session.db, "complaint", values, who=session.who, now=now_jp_iso(), row_id=complaint_id)


def get_complaint(session: Session, complaint_id: int) -> Complaint | None:
    row = store.get(session.db, "complaint", complaint_id)
    return None if row is None else _build(Complaint, row)


@writes("complaint.save")
def report_complaint_to_city(session: Session, complaint_id: int, at: str) -> Complaint:
    """Record when a complaint was reported to the city (serious ones: at once)."""
    current = store.get(session.db, "complaint", complaint_id)
    if current is None:
        raise QualityInputError([("苦情番号", f"{complaint_id} の苦情はありません")])
    save_complaint(session, {**current, "reported_to_city_at": at}, complaint_id)
    return get_complaint(session, complaint_id)  # type: ignore[return-value]


def _period_where(
    col: str, date_from: dt.date | None, date_to: dt.date | None
) -> tuple[list[str], list[Any]]:
    where, params = [], []
    if date_from:
        where.append(f"{col} >= ?")
        params.append(date_from.isoformat())
    if date_to:
        where.append(f"{col} < ?")
        params.append((date_to + dt.timedelta(days=1)).isoformat())
    return where, params


def complaint_where(date_from=None, date_to=None, ward=None, surveyor=None, kind=None):
    where, params = _period_where("received_at", date_from, date_to)
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
    return [_build(Complaint, r) for r in rows]


# --------------------------------------------------------------------------- incidents
def check_incident(session: Session, raw: Mapping[str, Any]) -> dict[str, Any]:
    c = Checker(raw)
    v: dict[str, Any] = {}
    v["kind"] = c.choice("kind", "種別", INCIDENT_KINDS)
    v["occurred_at"] = c.when("occurred_at", "発生日時", required=True)
    v["place"] = c.text("place", "場所", limit=200)
    v["people"] = c.text("people", "関係者", limit=200)
    v["ward"] = c.ward("ward", session.config.wards)
    v["case_no"], v["surveyor"] = _check_links_to_case(session, c)
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
    _not_before(c, v["phoned_city_at"], v["occurred_at"], "市への電話連絡日時", "発生日時")
    _not_before(c, v["written_report_at"], v["phoned_city_at"], "市への書面報告日時", "電話連絡の日時")
    c.done()
    return v


@writes("incident.save")
def save_incident(session: Session, raw: Mapping[str, Any], incident_id: int | None = None) -> int:
    """Check and save an incident with its look-back sheet; returns its id."""
    values = check_incident(session, raw)
    if incident_id is not None and get_incident(session, incident_id) is None:
        raise QualityInputError([("事故番号", f"{incident_id} の事故はありません")])
    return store.save(session.db, "incident", values, who=session.who, now=now_jp_iso(), row_id=incident_id)


def get_incident(session: Session, incident_id: int) -> Incident | None:
    row = store.get(session.db, "incident", incident_id)
    return None if row is None else _build(Incident, row)


@writes("incident.save")
def record_incident_report(
    session: Session, incident_id: int, *, phoned_at: str | None = None, written_at: str | None = None
) -> Incident:
    """Record the phone call to the city and/or the written report (phone first)."""
    current = store.get(session.db, "incident", incident_id)
    if current is None:
        raise QualityInputError([("事故番号", f"{incident_id} の事故はありません")])
    raw = dict(current)
    if phoned_at:
        raw["phoned_city_at"] = phoned_at
    if written_at:
        raw["written_report_at"] = written_at
    save_incident(session, raw, incident_id)
    return get_incident(session, incident_id)  # type: ignore[return-value]


def incident_where(date_from=None, date_to=None, ward=None, surveyor=None, kind=None):
    where, params = _period_where("occurred_at", date_from, date_to)
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
    return [_build(Incident, r) for r in rows]


# --------------------------------------------------------------------------- problems
def parse_links(complaints: Iterable[Any] = (), incidents: Iterable[Any] = ()) -> list[tuple[str, Any]]:
    return [("complaint", x) for x in complaints] + [("incident", x) for x in incidents]


def check_problem(
    session: Session, raw: Mapping[str, Any], links: Iterable[tuple[str, Any]]
) -> tuple[dict[str, Any], list[tuple[str, int]]]:
    c = Checker(raw)
    today = today_jp()
    v: dict[str, Any] = {}
    v["title"] = c.text("title", "課題", required=True, limit=200)
    v["owner"] = c.text("owner", "主担当", required=True, limit=100)
    opened = c.date("opened_on", "起票日", default=today, past_only=True)
    due = c.date("due_on", "期限", required=True)
    v["status"] = c.choice("status", "状態", PROBLEM_STATUSES, default="open")
    v["root_cause_note"] = c.text("root_cause_note", "原因（根本原因のメモ）")
    v["fix"] = c.text("fix", "対策")
    closed = c.date("closed_on", "完了日", past_only=True)
    if v["status"] == "closed":
        closed = closed or today
        if not v["fix"]:
            c.fail("対策", "完了にするには対策（何をしたか）を書いてください")
    elif closed:
        c.fail("完了日", "完了日は状態が「完了」のときだけ書けます")
        closed = None
    if opened and due and due < opened:
        c.fail("期限", f"{due.isoformat()} は起票日（{opened.isoformat()}）より前です")
    if opened and closed and closed < opened:
        c.fail("完了日", f"{closed.isoformat()} は起票日（{opened.isoformat()}）より前です")
    good: list[tuple[str, int]] = []
    label = {"complaint": "苦情", "incident": "事故"}
    for source, raw_id in links:
        text = str(raw_id).strip()
        table = "complaints" if source == "complaint" else "incidents"
        if not text.isdecimal() or len(text) > 18:  # "²" is a digit int() refuses; SQLite ids are 64-bit
            c.fail(f"元になった{label[source]}", f"「{text[:20]}」は番号ではありません")
        elif not store.exists(session.db, table, "id", int(text)):
            c.fail(f"元になった{label[source]}", f"{label[source]}{text} はありません")
        else:
            good.append((source, int(text)))
    if not links:
        c.fail("元になった苦情・事故", "少なくとも1件の苦情または事故を指定してください")
    v["opened_on"] = opened.isoformat() if opened else None
    v["due_on"] = due.isoformat() if due else None
    v["closed_on"] = closed.isoformat() if closed else None
    c.done()
    return v, good


@writes("problem.save")
def save_problem(
    session: Session, raw: Mapping[str, Any], links: Iterable[tuple[str, Any]], problem_id: int | None = None
) -> int:
    """Check and save a problem with the complaints/incidents it comes from; returns its id."""
    values, good = check_problem(session, raw, list(links))
    if problem_id is not None and store.get(session.db, "problem", problem_id) is None:
        raise QualityInputError([("課題番号", f"{problem_id} の課題はありません")])
    return store.save(
        session.db, "problem", values, who=session.who, now=now_jp_iso(), row_id=problem_id, links=good
    )


def get_problem(session: Session, problem_id: int) -> Problem | None:
    row = store.get(session.db, "problem", problem_id)
    if row is None:
        return None
    return _build(Problem, row, links=tuple(store.links_of(session.db, [problem_id])[problem_id]))


@writes("problem.save")
def close_problem(
    session: Session, problem_id: int, fix: str | None = None, closed_on: str | None = None
) -> Problem:
    """Close a problem: the fix is required (given here or already written)."""
    p = get_problem(session, problem_id)
    if p is None:
        raise QualityInputError([("課題番号", f"{problem_id} の課題はありません")])
    raw = problem_raw(p)
    raw["status"] = "closed"
    raw["closed_on"] = closed_on or ""
    if fix:
        raw["fix"] = fix
    save_problem(session, raw, p.links, problem_id)
    return get_problem(session, problem_id)  # type: ignore[return-value]


def problem_raw(p: Problem) -> dict[str, Any]:
    """A problem as form input (dates as ISO text)."""
    return {
        "title": p.title,
        "owner": p.owner,
        "opened_on": p.opened_on.isoformat(),
        "due_on": p.due_on.isoformat(),
        "status": p.status,
        "root_cause_note": p.root_cause_note,
        "fix": p.fix,
        "closed_on": p.closed_on.isoformat() if p.closed_on else "",
    }


def list_problems(
    session: Session,
    *,
    status: str | None = None,
    open_only: bool = False,
    closed_from: dt.date | None = None,
    closed_to: dt.date | None = None,
) -> list[Problem]:
    """Problems by due date (open first); filters: one status, not closed, or closed in a period."""
    where: list[str] = []
    params: list[Any] = []
    if status:
        where.append("status = ?")
        params.append(status)
    if open_only:
        where.append("status <> 'closed'")
    if closed_from or closed_to:
        w, p = _period_where("closed_on", closed_from, closed_to)
        where += w
        params += p
    rows = store.select(session.db, "problem", where, params, "status = 'closed', due_on, id")
    links = store.links_of(session.db, [r["id"] for r in rows])
    return [_build(Problem, r, links=tuple(links[r["id"]])) for r in rows]


def record_values(session: Session, entity: str, row_id: int) -> dict[str, Any] | None:
    """A stored complaint or incident as form input (the columns as saved)."""
    return store.get(session.db, entity, row_id)


# --------------------------------------------------------------------------- free text
def linked_case_nos(session: Session, links: Iterable[tuple[str, Any]]) -> list[str]:
    """The case numbers of the complaints and incidents a problem comes from."""
    out: list[str] = []
    for source, raw_id in links:
        text = str(raw_id).strip()
        if text.isdecimal() and len(text) <= 18:  # as check_problem reads an id
            row = store.get(session.db, source, int(text))
            if row and row.get("case_no"):
                out.append(row["case_no"])
    return out


def free_text_warnings(
    session: Session, entity: str, raw: Mapping[str, Any], links: Iterable[tuple[str, Any]] = ()
):
    """What looks like personal data in a record's free-text fields (services.free_text
    FieldWarning per field), with the names and numbers of the case it belongs to: the
    complaint's or incident's case, or the cases of the records a problem comes from."""
    from inspect_tui.services.trust.free_text import field_warnings, known_for_cases

    case_nos = linked_case_nos(session, links) if entity == "problem" else [str(raw.get("case_no") or "")]
    known = known_for_cases(session, [c.strip() for c in case_nos])
    fields = {label: raw.get(key) for key, label in FREE_TEXT_FIELDS[entity].items()}
    return field_warnings(fields, known)


# --------------------------------------------------------------------------- dashboard
def serious_complaints_unreported(session: Session) -> list[Complaint]:
    """Serious complaints not yet reported to the city (oldest first): report them at once."""
    return list(reversed(list_complaints(session, unreported_only=True)))


def security_incidents_open(session: Session) -> list[Incident]:
    """Security incidents without both the phone call and the written report (oldest first)."""
    rows = store.select(
        session.db,
        "incident",
        ["kind = 'security'", "(phoned_city_at IS NULL OR written_report_at IS NULL)"],
        [],
        "occurred_at, id",
    )
    return [_build(Incident, r) for r in rows]


def problems_overdue(session: Session, today: dt.date | None = None) -> list[Problem]:
    """Open or in-progress problems past their due date (most overdue first)."""
    today = today or today_jp()
    return [p for p in list_problems(session, open_only=True) if p.is_overdue(today)]


def quality_alerts(session: Session, today: dt.date | None = None) -> list[str]:
    """One Japanese line per thing the dashboard must show (empty when all is done)."""
    lines = [
        f"重大な苦情 {c.id}（{c.received_at} {c.ward} {c.category}）: 市へ未報告"
        for c in serious_complaints_unreported(session)
    ]
    lines += [
        f"セキュリティ事故 {i.id}（{i.occurred_at} {i.ward}）: {i.report_label}"
        for i in security_incidents_open(session)
    ]
    lines += [
        f"課題 {p.id}「{p.title}」（主担当 {p.owner}）: 期限 {p.due_on.isoformat()} を過ぎています"
        for p in problems_overdue(session, today)
    ]
    return lines


def kind_key(source: str, kind: str | None) -> str | None:
    """A kind filter typed by the user (English key or Japanese label) -> key, or raise."""
    if not kind:
        return None
    choices = COMPLAINT_KINDS if source == "complaints" else INCIDENT_KINDS
    for k, jp in choices.items():
        if kind in (k, jp):
            return k
    names = " / ".join(f"{k}（{jp}）" for k, jp in choices.items())
    raise QualityInputError([("種別", f"「{kind}」は選べません（{names}）")])
