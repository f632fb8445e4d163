"""A case's history: every step an event, never edited; the case's state folded from them.

The thirteen step kinds of seed 001 §4(4)-(8): received (依頼受理), contact,
visit, submit, query (照会), answer (照会回答), return-for-fix (返戻), resubmit
(再提出), accept (受理), accept-cancel (受理取消), resurvey (再調査), cancel (中止),
return (返却). A mistaken event is voided by a ``void`` event naming it
(``void_of``) with a reason; ``fold`` skips voided events. Nothing is deleted.

``check_append`` is the one place for the order rules: the CLI, the app's step
dialog and the import all append through it; ``fold`` replays the same rules
leniently (an event recorded before these rules existed still counts, and the
broken rule is kept in ``CaseState.anomalies``).

The step kinds, ``Event`` and ``CaseState`` (with its kinds of dates) are data in
``core/case_events.py``; this module holds the rules over them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache

from inspect_tui.core.case_events import (
    CAUSES,
    KIND_LABELS,
    LEGACY,
    PHASE_LABELS,
    RECEIVED,
    USER_STEPS,
    VOID,
    CaseState,
    Event,
)
from inspect_tui.core.records import replace


class HistoryError(ValueError):
    """An event that breaks an order rule; the message names the rule."""


def _d(x: dt.date | None) -> str:
    return x.isoformat() if x else ""


def _label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


#: the name of the date each step records (訪問日 for a visit)
DATE_LABELS = {
    "received": "依頼受理日",
    "contact": "日程調整日",
    "visit": "訪問日",
    "submit": "提出日",
    "accept": "受理日",
    "cancel": "中止日",
    "return": "返却日",
}


def date_label(kind: str) -> str:
    return DATE_LABELS.get(kind) or f"{_label(kind)}の日"


def _not_before(on: dt.date, kind: str, earlier: dt.date | None, earlier_kind: str) -> str | None:
    if earlier and on < earlier:
        la, lb = date_label(kind), date_label(earlier_kind)
        return f"{la} {on.isoformat()} が{lb} {earlier.isoformat()} より前です（{la}は{lb}以降の日付です）"
    return None


def _rule(st: CaseState, kind: str, on: dt.date) -> str | None:
    """The order rule the event would break, in Japanese, or None."""
    if kind == RECEIVED:
        return "依頼受理は記録済みです" if st.has_received else None
    before_received = _not_before(on, kind, st.received_on, RECEIVED)
    if before_received:
        return before_received
    if st.closed:
        return (
            f"{PHASE_LABELS[st.phase]}した依頼には記録できません（{_d(st.cancelled_on or st.returned_on)}）"
        )
    start = _not_before(on, kind, st.cycle_started_on, "resurvey") if st.cycles > 1 else None
    if kind == "contact":
        if st.contacted_on:
            return f"日程調整連絡は記録済みです（{_d(st.contacted_on)}）"
        if st.visited_on and on > st.visited_on:
            return f"日程調整日 {on.isoformat()} が訪問日 {_d(st.visited_on)} より後です（調整は訪問の前）"
        return start
    if kind == "visit":
        if st.visited_on:
            return f"訪問は記録済みです（{_d(st.visited_on)}）。再訪問は先に再調査を記録してください"
        return _not_before(on, kind, st.contacted_on, "contact") or start
    if kind == "submit":
        if not st.visited_on:
            return "訪問がないのに提出はできません（再調査のあとは訪問から）"
        if st.submitted_on:
            return (
                f"提出は記録済みです（{_d(st.submitted_on)}）。返戻・受理取消のあとは再提出を記録してください"
            )
        return _not_before(on, kind, st.visited_on, "visit")
    if kind == "query":
        if not st.submitted_on:
            return "提出がないのに照会は記録できません"
        if st.query_on:
            return f"回答していない照会があります（{_d(st.query_on)}）"
        return _not_before(on, kind, st.submitted_on, "submit")
    if kind == "answer":
        if not st.query_on:
            return "照会がないのに照会回答は記録できません"
        return _not_before(on, kind, st.query_on, "query")
    if kind == "return-for-fix":
        if not st.submitted_on:
            return "提出がないのに返戻は記録できません"
        if st.accepted_on:
            return "受理済みの調査票は返戻できません（先に受理取消を記録してください）"
        if st.fix_on or st.accept_cancelled_on:
            return f"返戻・受理取消のあと再提出を待っています（{_d(st.fix_on or st.accept_cancelled_on)}）"
        return _not_before(on, kind, st.submitted_on, "submit")
    if kind == "resubmit":
        if st.fix_on:
            return _not_before(on, kind, st.fix_on, "return-for-fix")
        if st.accept_cancelled_on:
            return _not_before(on, kind, st.accept_cancelled_on, "accept-cancel")
        return "返戻か受理取消がないのに再提出はできません"
    if kind == "accept":
        if not st.submitted_on:
            return f"今の調査（第{st.cycles}回）で提出がないのに受理はできません"
        if st.accepted_on:
            return f"受理は記録済みです（{_d(st.accepted_on)}）"
        if st.fix_on or st.accept_cancelled_on:
            return "返戻・受理取消のあとは再提出がないと受理できません"
        if st.query_on:
            return f"回答していない照会があります（{_d(st.query_on)}）。照会回答のあとで受理してください"
        return _not_before(on, kind, st.submitted_on, "submit")
    if kind == "accept-cancel":
        if not st.accepted_on:
            return "受理がないのに受理取消はできません"
        return _not_before(on, kind, st.accepted_on, "accept")
    if kind == "resurvey":
        if not st.visited_on:
            return "訪問前の依頼に再調査は記録できません"
        return _not_before(
            on, kind, st.last_submitted_on or st.visited_on, "submit" if st.last_submitted_on else "visit"
        )
    if kind in ("cancel", "return"):
        if st.accepted_on or st.standing_accepted_on:
            return "受理された依頼は中止・返却できません"
        return None
    return f"知らない手順です: {kind}"


def _set(st: CaseState, **changes: object) -> CaseState:
    """``records.replace`` without its cost (it runs __init__ with every field; a
    100,000-row import folds a few hundred thousand events)."""
    new = object.__new__(CaseState)
    new.__dict__.update(st.__dict__)
    new.__dict__.update(changes)
    return new


def _after(st: CaseState, kind: str, on: dt.date) -> CaseState:
    """The state after the event (the rules are checked apart, by ``_rule``)."""
    if kind == RECEIVED:
        return _set(st, received_on=on, has_received=True, cycle_started_on=st.cycle_started_on or on)
    if kind == "contact":
        return _set(
            st,
            contacted_on=on,
            first_contacted_on=st.first_contacted_on or on,
            phase="contacted" if st.phase in ("received", "resurvey") else st.phase,
        )
    if kind == "visit":
        return _set(st, visited_on=on, first_visited_on=st.first_visited_on or on, phase="visited")
    if kind in ("submit", "resubmit"):
        return _set(
            st,
            submitted_on=on,
            first_submitted_on=st.first_submitted_on or on,
            last_submitted_on=on,
            fix_on=None,
            accept_cancelled_on=None,
            accepted_on=None,
            phase="submitted",
        )
    if kind == "query":
        return _set(st, query_on=on, phase="queried")
    if kind == "answer":
        return _set(st, query_on=None, phase="accepted" if st.accepted_on else "submitted")
    if kind == "return-for-fix":
        return _set(st, fix_on=on, query_on=None, phase="fixing")
    if kind == "accept":
        standing = st.standing_accepted_on is None
        return _set(
            st,
            accepted_on=on,
            first_accepted_on=st.first_accepted_on or on,
            standing_accepted_on=on if standing else st.standing_accepted_on,
            standing_cycle=st.cycles if standing else st.standing_cycle,
            phase="accepted",
        )
    if kind == "accept-cancel":
        ours = st.standing_cycle == st.cycles and st.standing_accepted_on == st.accepted_on
        return _set(
            st,
            accepted_on=None,
            accept_cancelled_on=on,
            standing_accepted_on=None if ours else st.standing_accepted_on,
            standing_cycle=None if ours else st.standing_cycle,
            phase="accept-cancelled",
        )
    if kind == "resurvey":
        return _set(
            st,
            cycles=st.cycles + 1,
            cycle_started_on=on,
            contacted_on=None,
            visited_on=None,
            submitted_on=None,
            accepted_on=None,
            query_on=None,
            fix_on=None,
            accept_cancelled_on=None,
            phase="resurvey",
        )
    if kind == "cancel":
        return _set(st, cancelled_on=on, phase="cancelled")
    if kind == "return":
        return _set(st, returned_on=on, phase="returned")
    return st


def live(events: Iterable[Event]) -> list[Event]:
    """The step events that count: not voids, not voided, not another kind of note, not
    the side log kept from before events (source 'legacy')."""
    events = list(events)
    voided = {e.void_of for e in events if e.kind == VOID and e.void_of is not None}
    return [
        e
        for e in events
        if e.kind in KIND_LABELS and e.id not in voided and e.on_date is not None and e.source != LEGACY
    ]


def _business_order(e: Event) -> tuple[bool, dt.date | None, int]:
    """The request's receipt first (it is the case's beginning), then by date, then as recorded."""
    return (e.kind != RECEIVED, e.on_date, e.id)


def fold(events: Iterable[Event]) -> CaseState:
    """The case's state from its events, in business-date order (the order recorded
    within a day; the receipt first), so a corrected date takes its place in the history.

    Lenient: an event that breaks a rule (recorded before the rules, or by hand)
    still takes effect, and the rule is kept in ``anomalies``.
    """
    st = CaseState()
    anomalies: list[tuple[int, str]] = []
    for e in sorted(live(events), key=_business_order):
        assert e.on_date is not None
        problem = _rule(st, e.kind, e.on_date)
        if problem:
            anomalies.append((e.id, problem))
        st = _after(st, e.kind, e.on_date)
    return _set(st, anomalies=tuple(anomalies))


def future_problem(label: str, on: dt.date, today: dt.date) -> str | None:
    """Why a step dated ``on`` cannot be recorded on ``today`` (today in Japan), or None."""
    if on <= today:
        return None
    return (
        f"{label} {on.isoformat()} は今日（日本時間 {today.isoformat()}）より後です。先の日付は記録できません"
    )


def check_append(state: CaseState, event: Event, today: dt.date | None) -> CaseState:
    """The state after appending ``event``, or HistoryError naming the rule it breaks.

    Dates after today (in Japan) and before the case was received are refused.
    """
    kind, on = event.kind, event.on_date
    if kind not in KIND_LABELS:
        raise HistoryError(f"知らない手順です: {kind}（{' / '.join(USER_STEPS)}）")
    if on is None:
        raise HistoryError(f"{_label(kind)}の日付がありません")
    if event.cause is not None and event.cause not in CAUSES:
        raise HistoryError(f"事由の区分は {' / '.join(CAUSES)} のどれかです")
    if today is not None:
        future = future_problem(date_label(kind), on, today)
        if future:
            raise HistoryError(future)
    problem = _rule(state, kind, on)
    if problem:
        raise HistoryError(problem)
    return _after(state, kind, on)


def _new_anomaly(before: CaseState, after: CaseState, events: list[Event]) -> str | None:
    """The first rule the change breaks further on in the history, named with its event."""
    known = {i for i, _ in before.anomalies}
    by_id = {e.id: e for e in events}
    for event_id, message in after.anomalies:
        if event_id not in known:
            e = by_id.get(event_id)
            where = f"記録 {event_id}（{_label(e.kind)} {_d(e.on_date)}）" if e else f"記録 {event_id}"
            return f"{where}が規則に合わなくなります: {message}"
    return None


def check_insert(events: list[Event], event: Event, today: dt.date | None) -> CaseState:
    """The state once ``event`` joins the history (it takes its place by date), or
    HistoryError naming the rule it, or a later event because of it, breaks."""
    return check_changes(events, [(None, event)], today)


def check_changes(
    events: list[Event], changes: list[tuple[int | None, Event]], today: dt.date | None
) -> CaseState:
    """The state once each (event to void or None, new event) is applied, or HistoryError:
    each new event is checked by ``check_append`` and the whole history, replayed by
    date, may break no rule it did not break before (a corrected visit after its
    submission, say)."""
    before = fold(events)
    joined = list(events)
    next_id = max((e.id for e in events), default=0)
    for void_of, event in changes:
        if void_of is not None:
            next_id += 1
            joined.append(Event(next_id, VOID, None, void_of=void_of))
        check_append(fold(joined), event, today)
        next_id += 1
        joined.append(replace(event, id=next_id))
    after = fold(joined)
    problem = _new_anomaly(before, after, joined)
    if problem:
        what = "、".join(f"{_label(e.kind)} {_d(e.on_date)}" for _, e in changes)
        raise HistoryError(f"{what} を記録すると、{problem}")
    return after


def check_void(events: list[Event], target_id: int, reason: str) -> CaseState:
    """The state once ``target_id`` is voided, or HistoryError saying why it cannot be."""
    if not reason.strip():
        raise HistoryError("取り消す理由を書いてください（--reason）")
    by_id = {e.id: e for e in events}
    target = by_id.get(target_id)
    if target is None:
        raise HistoryError(f"この依頼に記録 {target_id} はありません")
    if target.kind not in KIND_LABELS:
        raise HistoryError(f"記録 {target_id}（{target.kind}）は手順ではないので取り消せません")
    if target.source == LEGACY:
        raise HistoryError(
            f"記録 {target_id} は以前の版の経過メモです。手順は移行時の記録を取り消してください"
        )
    if any(e.kind == VOID and e.void_of == target_id for e in events):
        raise HistoryError(f"記録 {target_id} は取り消し済みです")
    before = fold(events)
    after = fold([e for e in events if e.id != target_id])
    problem = _new_anomaly(before, after, events)
    if problem:
        raise HistoryError(
            f"記録 {target_id}（{_label(target.kind)} {_d(target.on_date)}）を取り消すと、あとの{problem}"
        )
    return after


#: the legacy date columns of ``cases`` and the step that records each, in the order they happen
DATE_STEPS = (
    ("received_on", RECEIVED),
    ("contacted_on", "contact"),
    ("visited_on", "visit"),
    ("submitted_on", "submit"),
    ("accepted_on", "accept"),
    ("cancelled_on", "cancel"),
    ("returned_on", "return"),
)


def events_from_dates(dates: Mapping[str, dt.date | None], first_id: int = 1) -> list[Event]:
    """The step events a row of dates stands for (a case made from a file, or migrated)."""
    out: list[Event] = []
    for column, kind in DATE_STEPS:
        on = dates.get(column)
        if on:
            out.append(Event(first_id + len(out), kind, on))
    return out


_COLUMN_OF = {kind: column for column, kind in DATE_STEPS}


@lru_cache(maxsize=4096)
def _fold_dates(dates: tuple[dt.date | None, ...]) -> CaseState:
    steps = [(kind, on) for (_column, kind), on in zip(DATE_STEPS, dates, strict=True) if on]
    return fold([Event(i, kind, on) for i, (kind, on) in enumerate(steps, 1)])


def fold_dates(dates: Mapping[str, dt.date | None]) -> CaseState:
    """The state a row of dates stands for (its dates replayed as events, in step order).
    An import checks a row and derives its columns from the same fold (cached)."""
    return _fold_dates(tuple(dates.get(column) or None for column, _ in DATE_STEPS))


def dates_problems(dates: Mapping[str, dt.date | None]) -> list[tuple[str, str]]:
    """(column, message) for every rule a row of dates breaks, replayed as events."""
    st = fold_dates(dates)
    kinds = [kind for column, kind in DATE_STEPS if dates.get(column)]
    return [(_COLUMN_OF[kinds[event_id - 1]], message) for event_id, message in st.anomalies]
