"""Turning a planned demo case into rows: the case, its events, its deadline exceptions.

Steps planned after today are not yet taken; personal data of cases closed more
than three months ago is already purged (by the monthly purge run).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from functools import lru_cache
from typing import TYPE_CHECKING

from inspect_tui.core.case_events import Event
from inspect_tui.core.deadlines import case_rules
from inspect_tui.core.history import fold
from inspect_tui.core.months import add_months, month_span
from inspect_tui.core.records import field, record
from inspect_tui.store.cases import CASE_COLUMNS, due_columns

if TYPE_CHECKING:
    from inspect_tui.demo.plan import Plan, World

HOME_INSURER = "神戸市"
RETENTION_MONTHS = 3  # config.retention_months default
CONTACT_NOTES = ("本人と電話で日程調整", "家族と電話で日程調整", "担当ケアマネジャー経由で日程調整")
PLACES = (("自宅", 70), ("施設", 20), ("入院先", 10))
CANCEL_NOTES = ("申請取下げのため中止", "本人死亡のため中止", "長期入院のため中止")
RETURN_NOTES = ("地区外への転居のため返却", "他区への転居のため返却")
DELAY_REASONS = (
    "申請者の入院により訪問を延期（退院後に調査）",
    "申請者の体調不良により訪問を延期（本人・家族の希望）",
)
RESURVEY_NOTES = ("認定事務センターの照会により再調査", "選択肢と特記事項の不整合の指摘により再調査")
CITY_REASONS = ("認定事務センターからの依頼書差し替え待ち", "認定事務センターの依頼内容訂正のため")
TIMES = tuple(f"T{h:02d}:{m:02d}:00+09:00" for h in range(9, 18) for m in range(0, 60, 5))


@record
class Output:
    """Rows ready to insert (flushed in chunks by the caller)."""

    cases: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    exceptions: list[tuple] = field(default_factory=list)


@record
class Tally:
    cases: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: dict[str, int] = field(default_factory=dict)  # rule id -> open cases past that deadline
    events: int = 0
    exceptions: int = 0
    first_received: str = ""
    last_received: str = ""
    review_checks: int = 0
    inspected: int = 0  # submissions with a record of how they went out (demo/inspections.py)
    forms: int = 0  # survey form contents stored (demo/forms.py)


def materialize(gen: World, p: Plan, out: Output) -> None:
    T, iso, rand, tally = gen.T, gen.iso, gen.rng.random, gen.tally
    n_times = len(TIMES)
    r = p.received
    dispatch = r - p.dispatch if r - p.dispatch >= 0 else r  # the office sends, then we receive
    contact = p.contact if p.contact <= T else None
    visit = p.visit if p.visit <= T else None
    submit = p.submit if p.submit <= T else None
    accept = p.accept if p.accept <= T else None
    cancel = p.cancel if p.cancel is not None and p.cancel <= T else None
    ret = p.ret if p.ret is not None and p.ret <= T else None
    redo: tuple = ()
    if p.redo is not None:
        first_visit, first_submit, redo_on = p.redo
        if redo_on > T:  # not queried yet: the first visit and submission stand
            visit = first_visit if first_visit <= T else None
            submit = first_submit if first_submit <= T else None
            accept = None
        else:
            undone = f"取消: visited_on={iso[first_visit]}, submitted_on={iso[first_submit]}"
            redo = (
                ("visit", first_visit, p.surveyor, _visit_note(gen, p)),
                ("submit", first_submit, p.surveyor, "点検済みで提出"),
                ("resurvey", redo_on, gen.chief_of(p.district, p.ward), f"{p.note}（{undone}）"),
            )
    cut = p.cancel if p.cancel is not None else p.ret
    if cut is not None:
        accept = None
        if submit is not None and submit >= cut:
            submit = None
        if visit is not None and visit >= cut:
            visit = None
        if contact is not None and contact >= cut:
            contact = None
    if cancel is not None:
        status = "cancelled"
    elif ret is not None:
        status = "returned"
    elif accept is not None:
        status = "accepted"
    elif submit is not None:
        status = "submitted"
    elif visit is not None:
        status = "visited"
    elif contact is not None:
        status = "contacted"
    else:
        status = "received"
    received_iso = iso[r]
    # each case rule (core.deadlines) from its base date: an index into the business
    # days for 開庁日, a day ordinal for 暦日
    bases = {"received_on": r, "dispatched_on": dispatch}
    done = {"contacted_on": contact, "visited_on": visit, "submitted_on": submit}
    today_ord = gen.today.toordinal()
    still_open = status in ("received", "contacted", "visited")
    dues: dict[str, str] = {}
    for rule_id, base, n, business, ends_by in _rule_plan(case_rules()):
        b = bases[base]
        due_ord = gen.bd[b + n] if business else gen.bd[b] + n
        dues[rule_id] = iso[b + n] if business else gen.iso_of(due_ord)
        if still_open and done.get(ends_by) is None and due_ord < today_ord:
            tally.overdue[rule_id] = tally.overdue.get(rule_id, 0) + 1
    # events: every step, and the state of the case row is what they fold to (core.history)
    case_id, who = p.id, p.surveyor or "demo"
    chief = gen.chief_of(p.district, p.ward)
    steps: list[tuple[str, int | None, str, str]] = [
        ("received", r, "demo", "認定事務センターから受理"),
        ("contact", contact, who, p.note if p.path == "delay" else CONTACT_NOTES[p.id % 3]),
        *redo,
        ("visit", visit, who, _visit_note(gen, p)),
        ("submit", submit, who, "点検済みで提出"),
    ]
    steps += _office_steps(p.id, submit, accept, T, chief)
    steps += [("cancel", cancel, "demo", p.note), ("return", ret, "demo", p.note)]
    events = out.events
    last = received_iso + "T09:00:00+09:00"
    folded: list[Event] = []
    for kind, idx, actor, note in steps:
        if idx is None:
            continue
        last = (
            received_iso + "T09:00:00+09:00"
            if kind == "received"
            else iso[idx] + TIMES[int(rand() * n_times)]
        )
        events.append((case_id, kind, iso[idx], last, actor, note, "demo"))
        folded.append(Event(len(folded) + 1, kind, dt.date.fromordinal(gen.bd[idx])))
    n_events = len(folded)
    tally.events += n_events
    state = fold(folded)
    cols = state.columns()
    status = state.status()
    # deadline exceptions
    for cause in p.exceptions:
        if cause == "applicant" and contact is not None:
            chief = gen.chief_of(p.district, p.ward)
            at = iso[contact] + "T16:30:00+09:00"
            for rule in ("target20", "standard"):
                out.exceptions.append(
                    (case_id, rule, "exclude", "applicant", dues[rule], None, p.note, at, chief)
                )
                tally.exceptions += 1
        elif cause == "city" and submit is not None:
            at = iso[submit] + "T17:00:00+09:00"
            reason = CITY_REASONS[p.id % len(CITY_REASONS)]
            out.exceptions.append(
                (case_id, "standard", "exclude", "city", dues["standard"], None, reason, at, "demo")
            )
            tally.exceptions += 1
    # retention: personal data goes three months after the form's last submission (a case
    # cancelled or handed back before one: after that day), at the monthly purge (the
    # first business day of a month, on or after the due date); store.retention's rule
    purged = None
    closed = None
    if status in ("submitted", "accepted") or state.last_submitted_on:
        closed = state.last_submitted_on if status not in ("received", "contacted", "visited") else None
    elif status in ("cancelled", "returned"):
        closed = state.cancelled_on or state.returned_on
    if closed is not None:
        k = purge_run(gen, closed.toordinal())
        if k <= T:
            purged = iso[k]
    if purged:
        insured_no = name = birth = None
    else:
        insured_no, name, birth = p.insured_no, p.name, gen.iso_of(p.birth)
    out.cases.append(
        (
            case_id,
            p.seq,
            p.insurer,
            int(p.insurer == HOME_INSURER),
            int(p.welfare),
            p.application,
            p.ward,
            insured_no,
            name,
            birth,
            received_iso,
            iso[dispatch],
            int(p.urgent),
            p.surveyor,
            p.accompanied if visit is not None else None,
            *(_iso(cols[c]) for c in ("contacted_on", "visited_on", "submitted_on", "accepted_on")),
            *(_iso(cols[c]) for c in ("cancelled_on", "returned_on")),
            status,
            state.phase,
            state.cycles,
            _iso(state.last_submitted_on),
            *dues.values(),
            purged,
            n_events,  # version 1 is the case as received
            last,
        )
    )
    tally.cases += 1
    tally.by_status[status] = tally.by_status.get(status, 0) + 1
    if not tally.first_received:
        tally.first_received = received_iso
    tally.last_received = max(tally.last_received, received_iso)


def _iso(d: object) -> str | None:
    return d.isoformat() if isinstance(d, dt.date) else None


def _office_steps(
    case_id: int, submit: int | None, accept: int | None, T: int, chief: str
) -> list[tuple[str, int | None, str, str]]:
    """What the office did between the submission and the acceptance: a few forms are
    queried and answered, returned for fixing and resubmitted, or accepted, the
    acceptance cancelled before the month's count and accepted again (seed 001 §4(7)-(8))."""
    if submit is None:
        return []
    if accept is None:
        return []
    gap = accept - submit
    if case_id % 41 == 3 and gap >= 2:
        return [
            ("query", submit + 1, "demo", "認定事務センターから特記事項の照会"),
            ("answer", submit + 1 if gap == 2 else submit + 2, chief, "特記事項を補記して回答"),
            ("accept", accept, "demo", "認定事務センター受理"),
        ]
    if case_id % 43 == 5 and gap >= 2:
        return [
            ("return-for-fix", submit + 1, "demo", "選択肢と特記事項の不整合で返戻"),
            ("resubmit", accept - 1, chief, "修正して再提出"),
            ("accept", accept, "demo", "認定事務センター受理"),
        ]
    if case_id % 97 == 7 and accept + 3 <= T:
        return [
            ("accept", accept, "demo", "認定事務センター受理"),
            ("accept-cancel", accept + 1, "demo", "集計前に記載漏れが見つかり受理取消"),
            ("resubmit", accept + 2, chief, "修正して再提出"),
            ("accept", accept + 3, "demo", "再提出分を受理"),
        ]
    return [("accept", accept, "demo", "認定事務センター受理")]


def visit_as_of_today(p: Plan, T: int) -> int | None:
    """The visit index the case will show (None: not visited, or cancelled / handed back)."""
    visit = p.redo[0] if p.redo is not None and p.redo[2] > T else p.visit
    if visit > T:
        return None
    cut = p.cancel if p.cancel is not None else p.ret
    if cut is not None and (visit >= cut or cut <= T):
        return None
    return visit


def purge_run(gen: World, closed_ord: int) -> int:
    """Index of the monthly purge that removes the personal data of a case closed then."""
    cached = gen.purge_cache.get(closed_ord)
    if cached is not None:
        return cached
    k = 0
    due = add_months(dt.date.fromordinal(closed_ord), RETENTION_MONTHS).toordinal()
    month_first = month_span(dt.date.fromordinal(due))[0]
    for _ in range(2):
        k = bisect_left(gen.bd, month_first.toordinal())
        if k >= len(gen.bd) or gen.bd[k] >= due:
            break
        month_first = add_months(month_first, 1)
    gen.purge_cache[closed_ord] = k
    return k


def _visit_note(gen: World, p: Plan) -> str:
    note = f"{p.place}で訪問調査"
    if p.accompanied:
        chief = gen.by_code[p.accompanied].is_chief
        note += f"（{'主任' if chief else '調査員'} {p.accompanied} 同行）"
    return note


@lru_cache(maxsize=4)
def _rule_plan(rules: tuple) -> tuple[tuple[str, str, int, bool, str | None], ...]:
    """(id, base, n, in business days, ends_by) per case rule, worked out once, not per case."""
    return tuple((r.id, r.base, r.n, r.unit == "business_days", r.ends_by) for r in rules)


def case_insert_columns() -> tuple[str, ...]:
    """The cases table's own column order (store.cases), plus what the demo fills in directly."""
    return (
        "id",
        *CASE_COLUMNS,
        "status",
        "phase",
        "cycles",
        "last_submitted_on",
        *due_columns(),
        "personal_purged_on",
        "version",
        "updated_at",
    )


EVENT_COLUMNS = ("case_id", "kind", "on_date", "recorded_at", "who", "note", "source")
EXCEPTION_COLUMNS = (
    "case_id",
    "rule",
    "kind",
    "cause",
    "original_due",
    "new_due",
    "reason",
    "recorded_at",
    "who",
)
