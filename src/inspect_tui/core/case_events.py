"""The events of a case and the state folded from them, as data (the rules: core/history.py).

The thirteen step kinds of seed 001 §4(4)-(8) and what people call them, the
causes and phases, one ``Event`` (never edited; a mistaken one is voided by a
``void`` event naming it), and ``CaseState``, what ``core.history.fold`` makes of
a case's events.

The current state has two kinds of dates. The *cycle* dates belong to the survey
being worked now (a re-survey starts a new cycle with no visit or submission).
The *first* dates never move once recorded: they are what the deadlines and the
closed months were measured on. The *standing* acceptance is the one billed: the
first acceptance, unless it was cancelled (受理取消; then the next acceptance,
§4(8)); an acceptance after a re-survey of an accepted form is never billed again.
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.records import field, record

RECEIVED = "received"
VOID = "void"
LEGACY = "legacy"  # case_events rows written before events (migration 0008)

#: kind -> what a person calls it (the seed's words)
KIND_LABELS: dict[str, str] = {
    "received": "依頼受理",
    "contact": "日程調整連絡",
    "visit": "訪問調査",
    "submit": "提出",
    "query": "照会",
    "answer": "照会回答",
    "return-for-fix": "返戻",
    "resubmit": "再提出",
    "accept": "受理",
    "accept-cancel": "受理取消",
    "resurvey": "再調査",
    "cancel": "中止",
    "return": "返却",
}
STEP_KINDS = tuple(KIND_LABELS)
#: the steps a user records (依頼受理 comes with the case itself)
USER_STEPS = tuple(k for k in STEP_KINDS if k != RECEIVED)

#: who caused a correction after submission; city-caused ones are not counted against us
CAUSES = {"city": "市の事由", "office": "事業所の事由", "surveyor": "調査員の事由"}
#: corrections after submission (提出後の修正) in the SLA
CORRECTION_KINDS = ("query", "return-for-fix", "accept-cancel", "resurvey")

PHASE_LABELS = {
    "received": "未連絡",
    "contacted": "調整済",
    "resurvey": "再調査待ち",
    "visited": "訪問済",
    "submitted": "提出済",
    "queried": "照会中",
    "fixing": "返戻中",
    "accept-cancelled": "受理取消",
    "accepted": "受理",
    "cancelled": "中止",
    "returned": "返却",
}


@record(frozen=True)
class Event:
    id: int
    kind: str
    on_date: dt.date | None
    recorded_at: str = ""
    who: str = ""
    note: str = ""
    void_of: int | None = None
    cause: str | None = None
    source: str = "app"


@record(frozen=True)
class CaseState:
    received_on: dt.date | None = None
    phase: str = "received"
    cycles: int = 1
    cycle_started_on: dt.date | None = None
    # the current cycle
    contacted_on: dt.date | None = None
    visited_on: dt.date | None = None
    submitted_on: dt.date | None = None  # latest (re)submission of this cycle
    accepted_on: dt.date | None = None  # acceptance of this cycle, if not cancelled
    query_on: dt.date | None = None  # an open query
    fix_on: dt.date | None = None  # returned for fixing, not yet resubmitted
    accept_cancelled_on: dt.date | None = None  # acceptance cancelled, not yet resubmitted
    # never move once recorded
    first_contacted_on: dt.date | None = None
    first_visited_on: dt.date | None = None
    first_submitted_on: dt.date | None = None
    first_accepted_on: dt.date | None = None
    standing_accepted_on: dt.date | None = None
    standing_cycle: int | None = None
    last_submitted_on: dt.date | None = None
    cancelled_on: dt.date | None = None
    returned_on: dt.date | None = None
    has_received: bool = False
    anomalies: tuple[tuple[int, str], ...] = field(default=())

    @property
    def closed(self) -> bool:
        return self.phase in ("cancelled", "returned")

    def status(self) -> str:
        """The coarse status kept in ``cases.status`` (core.case_columns.STATUS_LABELS)."""
        if self.phase in ("cancelled", "returned", "accepted", "contacted", "visited"):
            return self.phase
        if self.phase in ("queried", "fixing", "accept-cancelled", "submitted"):
            return "submitted"
        if self.phase == "resurvey":
            return "contacted" if self.first_contacted_on else "received"
        return "received"

    def columns(self) -> dict[str, dt.date | str | int | None]:
        """The derived columns of ``cases`` (dates as dates)."""
        return {
            "received_on": self.received_on,
            "contacted_on": self.first_contacted_on,
            "visited_on": self.first_visited_on,
            "submitted_on": self.first_submitted_on,
            "accepted_on": self.standing_accepted_on,
            "cancelled_on": self.cancelled_on,
            "returned_on": self.returned_on,
            "status": self.status(),
            "phase": self.phase,
            "cycles": self.cycles,
            "last_submitted_on": self.last_submitted_on,
        }
