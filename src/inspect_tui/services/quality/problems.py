"""Problems (課題): an owner, a due date and a fix, linked to the complaints and incidents
they come from; reviewed monthly (seed 000)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from inspect_tui.core.records import record
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.quality.input import PROBLEM_STATUSES, Checker, QualityInputError
from inspect_tui.services.quality.shared import build_record, period_where, stored
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import quality as store


@record(frozen=True)
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


#: where a problem comes from -> (its name, its table): complaints, incidents, and meetings
#: (a meeting's follow-ups, services/contract/meetings.py)
LINK_SOURCES = {
    "complaint": ("苦情", "complaints"),
    "incident": ("事故", "incidents"),
    "meeting": ("会議", "meetings"),
}


def link_text(links: Iterable[tuple[str, int]]) -> str:
    """(('complaint', 1), ('incident', 3), ('meeting', 2)) -> '苦情1, 事故3, 会議2'."""
    return ", ".join(f"{LINK_SOURCES[s][0]}{i}" for s, i in links)


def parse_links(
    complaints: Iterable[Any] = (), incidents: Iterable[Any] = (), meetings: Iterable[Any] = ()
) -> list[tuple[str, Any]]:
    return (
        [("complaint", x) for x in complaints]
        + [("incident", x) for x in incidents]
        + [("meeting", x) for x in meetings]
    )


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
    label = {s: name for s, (name, _) in LINK_SOURCES.items()}
    for source, raw_id in links:
        text = str(raw_id).strip()
        table = LINK_SOURCES[source][1]
        if not text.isdecimal() or len(text) > 18:  # "²" is a digit int() refuses; SQLite ids are 64-bit
            c.fail(f"元になった{label[source]}", f"「{text[:20]}」は番号ではありません")
        elif not store.exists(session.db, table, "id", int(text)):
            c.fail(f"元になった{label[source]}", f"{label[source]}{text} はありません")
        else:
            good.append((source, int(text)))
    if not links:
        c.fail("元になった苦情・事故・会議", "少なくとも1件の苦情・事故・会議を指定してください")
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
    if problem_id is not None:
        stored(session, "problem", problem_id)
    return store.save(
        session.db, "problem", values, who=session.who, now=now_jp_iso(), row_id=problem_id, links=good
    )


def get_problem(session: Session, problem_id: int) -> Problem | None:
    row = store.get(session.db, "problem", problem_id)
    if row is None:
        return None
    return build_record(Problem, row, links=tuple(store.links_of(session.db, [problem_id])[problem_id]))


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
        w, p = period_where("closed_on", closed_from, closed_to)
        where += w
        params += p
    rows = store.select(session.db, "problem", where, params, "status = 'closed', due_on, id")
    links = store.links_of(session.db, [r["id"] for r in rows])
    return [build_record(Problem, r, links=tuple(links[r["id"]])) for r in rows]
