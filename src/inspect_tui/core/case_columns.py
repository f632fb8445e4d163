"""The case row's date columns and statuses, as people name them.

A leaf with no imports: the deadline rules, the report queries and the case list read
these names without loading the event history that core.steps and core.history replay
(their modules and dataclasses were ~3.7 ms of a 180 ms ``report monthly --format json``
at 1M cases that never folds a case; bench/m_reports_cli.py).
"""

from __future__ import annotations

DATE_FIELDS = (
    "received_on",
    "dispatched_on",
    "contacted_on",
    "visited_on",
    "submitted_on",
    "accepted_on",
    "cancelled_on",
    "returned_on",
)

FIELD_LABELS = {
    "received_on": "依頼受理日",
    "dispatched_on": "発送日",
    "contacted_on": "日程調整日",
    "visited_on": "訪問日",
    "submitted_on": "提出日",
    "accepted_on": "受理日",
    "cancelled_on": "中止日",
    "returned_on": "返却日",
}

STATUS_LABELS = {
    "received": "未連絡",
    "contacted": "調整済",
    "visited": "訪問済",
    "submitted": "提出済",
    "accepted": "受理",
    "cancelled": "中止",
    "returned": "返却",
}
OPEN_STATUSES = ("received", "contacted", "visited", "submitted")
CLOSED_STATUSES = ("accepted", "cancelled", "returned")

#: ``status IN OPEN_IN``: the open statuses as SQL literals (constants, never input). Written
#: out, not bound: with ``IN (?, ?, ?, ?)`` SQLite cannot tell that a query's rows are those of
#: the open cases' partial index (``cases_open``, migration 22), and reads the table instead.
#: Here, beside the statuses, so the Today screen's figures count open cases without loading
#: store/cases.py and the event store under it.
OPEN_IN = "(" + ", ".join(f"'{status}'" for status in OPEN_STATUSES) + ")"
