"""Meetings (issue 15 item 2; seed 001 §5(3)⑤⑥, 000 §8(3)): the monthly internal meeting of
the manager and the chiefs, and the liaison meeting with the city (連絡会議).

A meeting is recorded after it is held: the day, who attended, the agenda and the
decisions. The agenda is prefilled from the period's figures (``agenda_lines``: cases past
a deadline, complaints and incidents received, open problems, the new surveyors' first-ten
progress — counts and surveyor codes, no applicant's personal data). A liaison meeting
makes its minutes deliverable (甲乙間の連絡会議議事録) due 14 days later in the
deliverables register. Records are append-only: ``correct_meeting`` adds a new record that
replaces the old (both stay). The minutes print with the documents' frame (``minutes``).

A meeting's follow-ups are problems (課題, services/quality/problems.py) with an owner and a
due date, linked to the meeting (``add_followup``, or ``followups=`` when it is recorded:
one transaction). They stay with the meeting when its record is corrected (``chain``).
A chief records only the meetings they attend: their surveyor code, name or login must
be among the attendees (``_check_attends``); a manager records any.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from inspect_tui.core.document import Doc, Section, Table
from inspect_tui.core.jpdate import format_era
from inspect_tui.core.records import record
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import printer, viewer
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import meetings as store
from inspect_tui.store.audit import record_audit
from inspect_tui.store.meetings import MeetingRow
from inspect_tui.store.tx import write

__all__ = [
    "KINDS",
    "FollowUp",
    "MeetingError",
    "add_followup",
    "add_meeting",
    "agenda_lines",
    "chain",
    "correct_meeting",
    "followups",
    "liaison_meeting_days",
    "meeting",
    "meetings",
    "minutes",
    "parse_followup",
]

KINDS = {"internal": "内部会議（業務責任者・主任調査員）", "liaison": "甲乙間の連絡会議"}
TEXT_LIMIT = 4000
#: the agenda's period when there is no earlier meeting of the kind
DEFAULT_PERIOD_DAYS = 30


class MeetingError(ValueError):
    """Something the user can fix; the message names the field."""


@record(frozen=True)
class FollowUp:
    """A follow-up decided at a meeting: a problem (課題) with an owner and a due date."""

    title: str
    owner: str
    due_on: dt.date


def parse_followup(text: str) -> FollowUp:
    """「課題|主担当|期限」 (the CLI's --followup) -> FollowUp; MeetingError names what is wrong."""
    from inspect_tui.core.jpdate import DateError, parse_date

    parts = [p.strip() for p in text.replace("｜", "|").split("|")]
    if len(parts) != 3 or not all(parts):
        raise MeetingError(
            "今後の対応（--followup）は「課題|主担当|期限」の形で書きます"
            "（例: 研修を企画|主任S001|2027-07-31）"
        )
    try:
        due = parse_date(parts[2])
    except DateError as exc:
        raise MeetingError(f"今後の対応の期限: {exc}") from None
    return FollowUp(parts[0], parts[1], due)


def _previous(s: Session, kind: str, on: dt.date, but: int | None = None) -> MeetingRow | None:
    earlier = [m for m in store.current(s.db) if m.kind == kind and m.held_on < on and m.id != but]
    return earlier[-1] if earlier else None


def agenda_lines(s: Session, kind: str, on: dt.date) -> list[str]:
    """The agenda prefilled from the figures since the previous meeting of the kind (or the
    last 30 days): counts and codes only."""
    from inspect_tui.services.quality.complaints import list_complaints
    from inspect_tui.services.quality.incidents import list_incidents
    from inspect_tui.services.quality.problems import list_problems
    from inspect_tui.services.review.queue import new_surveyors
    from inspect_tui.services.today.dashboard import build_dashboard

    _kind(kind)
    prev = _previous(s, kind, on)
    start = prev.held_on + dt.timedelta(days=1) if prev else on - dt.timedelta(days=DEFAULT_PERIOD_DAYS)
    d = build_dashboard(s, on)
    complaints = list_complaints(s, start, on)
    incidents = list_incidents(s, start, on)
    problems = list_problems(s, open_only=True)
    late = sum(1 for p in problems if p.due_on < on)
    lines = [
        f"対象期間: {start.isoformat()}〜{on.isoformat()}"
        + (f"（前回の{KINDS[kind]} {prev.held_on.isoformat()} の翌日から）" if prev else ""),
        f"1. 期限の状況: 未完了 {d.open_cases:,} 件、期限超過 {d.overdue_cases:,} 件、"
        f"本日期限 {d.due_today_cases:,} 件",
        f"2. 苦情: {len(complaints)} 件（重大 {sum(c.serious for c in complaints)} 件）",
        f"3. 事故・インシデント: {len(incidents)} 件",
        f"4. 未完了の課題: {len(problems)} 件（期限超過 {late} 件）",
    ]
    people = new_surveyors(s, on)
    if people:
        progress = "、".join(f"{n.code} {n.progress}" for n in people)
        lines.append(f"5. 新任調査員の重点チェック（1〜10件目）: {progress}")
    else:
        lines.append("5. 新任調査員の重点チェック: 対象者なし")
    return lines


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise MeetingError(f"会議の種類「{kind}」は使えません（internal: 内部会議 / liaison: 連絡会議）")
    return kind


def _check(kind: str, on: dt.date, attendees: str, agenda: str, decisions: str) -> None:
    _kind(kind)
    if on > today_jp():
        raise MeetingError(f"開催日 {on} は先の日付です（会議は開いたあとで記録します）")
    if not attendees.strip():
        raise MeetingError("出席者を書いてください（--attendees）")
    for label, text in (("出席者", attendees), ("議題", agenda), ("決定事項", decisions)):
        if len(text) > TEXT_LIMIT:
            raise MeetingError(f"{label}が長すぎます（{len(text)} 文字、{TEXT_LIMIT} 文字まで）")


def _summary(m: MeetingRow | None) -> dict[str, Any] | None:
    """What the audit row keeps in words (the texts are in the hash chain's own row)."""
    if m is None:
        return None
    return {"kind": m.kind, "held_on": m.held_on, "replaces": m.replaces}


@writes("meeting.save")
def add_meeting(
    s: Session,
    kind: str,
    on: dt.date,
    attendees: str,
    decisions: str = "",
    agenda: str | None = None,
    followups: Iterable[FollowUp] = (),
) -> MeetingRow:
    """Record a meeting held on ``on``; the agenda defaults to the prefilled figures; its
    follow-ups become problems linked to it, in the same transaction (all or nothing)."""
    _kind(kind)
    text = "\n".join(agenda_lines(s, kind, on)) if agenda is None else agenda
    _check(kind, on, attendees, text, decisions)
    _check_attends(s, attendees)
    todo = list(followups)
    with write(s.db):
        mid = store.insert(
            s.db,
            {
                "kind": kind,
                "held_on": on.isoformat(),
                "attendees": attendees.strip(),
                "agenda": text.strip(),
                "decisions": decisions.strip(),
                "recorded_at": now_jp_iso(),
                "who": s.who,
            },
        )
        row = store.get(s.db, mid)
        record_audit(s.db, s.who, "meeting.add", "meeting", str(mid), None, _summary(row))
        assert row is not None
        for f in todo:
            _save_followup(s, row, f)
    return row


@writes("meeting.save")
def correct_meeting(
    s: Session,
    meeting_id: int,
    *,
    on: dt.date | None = None,
    attendees: str | None = None,
    agenda: str | None = None,
    decisions: str | None = None,
) -> MeetingRow:
    """A corrected record of a meeting: a new row that replaces the current one (which stays)."""
    old = store.get(s.db, meeting_id)
    if old is None:
        raise MeetingError(f"会議 {meeting_id} の記録はありません")
    newer = store.replaced_by(s.db, meeting_id)
    if newer is not None:
        raise MeetingError(f"会議 {meeting_id} の記録は {newer} で訂正済みです（{newer} を訂正してください）")
    values = {
        "on": on or old.held_on,
        "attendees": old.attendees if attendees is None else attendees,
        "agenda": old.agenda if agenda is None else agenda,
        "decisions": old.decisions if decisions is None else decisions,
    }
    _check(old.kind, values["on"], values["attendees"], values["agenda"], values["decisions"])
    _check_attends(s, values["attendees"])
    with write(s.db):
        mid = store.insert(
            s.db,
            {
                "kind": old.kind,
                "held_on": values["on"].isoformat(),
                "attendees": values["attendees"].strip(),
                "agenda": values["agenda"].strip(),
                "decisions": values["decisions"].strip(),
                "replaces": meeting_id,
                "recorded_at": now_jp_iso(),
                "who": s.who,
            },
        )
        row = store.get(s.db, mid)
        record_audit(s.db, s.who, "meeting.correct", "meeting", str(mid), _summary(old), _summary(row))
    assert row is not None
    return row


def _check_attends(s: Session, attendees: str) -> None:
    """A chief records only a meeting they attended: their surveyor code, name or login is
    among the attendees (a manager records any meeting)."""
    from inspect_tui.services.trust.permissions import PermissionDenied, role_of, user_of

    if role_of(s) != "chief":
        return
    me = user_of(s) or {}
    code = me.get("surveyor_code")
    name = None
    if code:
        found = s.db.conn.execute("SELECT name FROM surveyors WHERE code = ?", (code,)).fetchone()
        name = found[0] if found else None
    typed = "".join(attendees.split())
    if any(x and "".join(str(x).split()) in typed for x in (code, name, s.who)):
        return
    raise PermissionDenied(
        "主任調査員は自分が出席した会議だけを記録できます"
        f"（出席者に自分の調査員コード{f' {code}' if code else ''}か氏名を書いてください。"
        "出席していない会議は業務責任者が記録します）"
    )


def chain(s: Session, meeting_id: int) -> list[MeetingRow]:
    """The records of one meeting, first to current (a correction replaces the one before)."""
    m = store.get(s.db, meeting_id)
    if m is None:
        raise MeetingError(f"会議 {meeting_id} の記録はありません")
    while m.replaces is not None:  # back to the first record
        first = store.get(s.db, m.replaces)
        if first is None:
            break
        m = first
    out = [m]
    newer = store.replaced_by(s.db, m.id)
    while newer is not None:
        nxt = store.get(s.db, newer)
        assert nxt is not None
        out.append(nxt)
        newer = store.replaced_by(s.db, newer)
    return out


def _save_followup(s: Session, m: MeetingRow, f: FollowUp) -> int:
    from inspect_tui.services.quality.problems import save_problem

    raw = {
        "title": f.title,
        "owner": f.owner,
        "due_on": f.due_on.isoformat(),
        "opened_on": m.held_on.isoformat(),
    }
    return save_problem(s, raw, [("meeting", m.id)])


@writes("meeting.save")
def add_followup(s: Session, meeting_id: int, title: str, owner: str, due_on: dt.date) -> int:
    """A follow-up of a meeting (its current record): a problem with an owner and a due date,
    opened on the day of the meeting; returns the problem's number."""
    current = chain(s, meeting_id)[-1]
    _check_attends(s, current.attendees)
    with write(s.db):
        return _save_followup(s, current, FollowUp(title, owner, due_on))


def followups(s: Session, meeting_id: int) -> list:
    """The problems (services.quality.problems.Problem) a meeting's records name, by number."""
    from inspect_tui.services.quality.problems import get_problem

    ids = [m.id for m in chain(s, meeting_id)]
    marks = ",".join("?" * len(ids))
    rows = s.db.conn.execute(
        f"SELECT DISTINCT problem_id FROM problem_links WHERE source = 'meeting' AND source_id IN ({marks})"
        " ORDER BY problem_id",
        ids,
    ).fetchall()
    return [p for p in (get_problem(s, r[0]) for r in rows) if p is not None]


def meeting(s: Session, meeting_id: int) -> tuple[MeetingRow, list[MeetingRow], list]:
    """One meeting as last recorded, every record of it (first to current), its follow-ups;
    free text masked for a reader who may not see it as typed."""
    records = chain(s, meeting_id)
    view = viewer(s)
    return _masked(records[-1], view), [_masked(m, view) for m in records], followups(s, meeting_id)


def meetings(s: Session) -> list[MeetingRow]:
    """Every meeting as last recorded, by date; free text masked for a reader who may not see
    it as typed (a monitor)."""
    view = viewer(s)
    return [_masked(m, view) for m in store.current(s.db)]


def _masked(m: MeetingRow, view) -> MeetingRow:
    from inspect_tui.core import records

    if not getattr(view, "masks", True):
        return m
    return records.replace(m, attendees=view(m.attendees), agenda=view(m.agenda), decisions=view(m.decisions))


def liaison_meeting_days(s: Session) -> list[tuple[str, dt.date]]:
    """(meeting id, day) of every liaison meeting as last recorded: the deliverables register's
    events (its materials due that day, its minutes 14 days later)."""
    return [(str(m.id), m.held_on) for m in store.current(s.db) if m.kind == "liaison"]


@record(frozen=True)
class Minutes:
    """A meeting's minutes (議事録) as every renderer takes it."""

    meeting: MeetingRow
    #: its follow-ups: (problem number, title, owner, due, status label), free text as printed
    followups: tuple[tuple[int, str, str, str, str], ...] = ()

    def as_doc(self, full: bool = False) -> Doc:
        m = self.meeting
        title = "甲乙間の連絡会議 議事録" if m.kind == "liaison" else "内部会議 記録"
        facts = [
            ("会議", KINDS[m.kind]),
            ("開催日", format_era(m.held_on)),
            ("記録番号", str(m.id) + (f"（{m.replaces} の訂正）" if m.replaces else "")),
        ]
        sections = [
            Section("1. 出席者", [], m.attendees.splitlines() or ["－"]),
            Section("2. 議題", [], m.agenda.splitlines() or ["－"]),
            Section("3. 決定事項・今後の対応", [], m.decisions.splitlines() or ["（記載なし）"]),
        ]
        if self.followups:
            table = Table(
                ["課題番号", "今後の対応（課題）", "主担当", "期限", "状態"],
                [list(f) for f in self.followups],
                list("rllll"),
            )
            sections.append(Section("4. 今後の対応（課題として管理）", [table]))
        return Doc(title, facts, sections, seals=("業務責任者",), seals_at_end=True)

    def to_json(self) -> dict[str, Any]:
        m = self.meeting
        return {
            "report": "meeting_minutes",
            "version": 1,
            "id": m.id,
            "kind": m.kind,
            "held_on": m.held_on.isoformat(),
            "attendees": m.attendees,
            "agenda": m.agenda,
            "decisions": m.decisions,
            "replaces": m.replaces,
            "followups": [
                {"problem": n, "title": title, "owner": owner, "due_on": due, "status": status}
                for n, title, owner, due, status in self.followups
            ],
        }

    def default_filename(self, fmt: str) -> str:
        m = self.meeting
        return f"minutes_{m.kind}_{m.held_on:%Y%m%d}_{m.id}.{EXTENSIONS[fmt]}"


def minutes(s: Session, meeting_id: int) -> Minutes:
    """The minutes of a meeting as printed: its current record, free text masked (it goes to
    the city), in the documents' frame."""
    from inspect_tui.services.documents import finish

    m = store.get(s.db, meeting_id)
    if m is None:
        raise MeetingError(f"会議 {meeting_id} の記録はありません")
    newer = store.replaced_by(s.db, meeting_id)
    while newer is not None:  # the record as last corrected
        m = store.get(s.db, newer)
        assert m is not None
        newer = store.replaced_by(s.db, newer)
    view = printer(s)
    todo = tuple(
        (p.id, view(p.title), view(p.owner), p.due_on.isoformat(), p.status_label) for p in followups(s, m.id)
    )
    return finish(s, Minutes(_masked(m, view), todo))  # type: ignore[return-value]
