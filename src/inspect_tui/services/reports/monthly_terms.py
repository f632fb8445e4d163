"""The monthly report's words, shared by its figures (monthly.py) and its document
(monthly_doc.py): the counts in print order with their labels, the kinds of free text, and
the late metrics its trend shows. A module of its own so that neither imports the other
(the document imports core/document.py, which a JSON report does not load).
"""

from __future__ import annotations

COUNT_KEYS = (
    "received",
    "contacted",
    "visited",
    "submitted",
    "accepted",
    "accepted_home",
    "accepted_other",
    "accepted_welfare",
    "cancelled",
    "backlog_end",
)
COUNT_LABELS = {
    "received": "依頼受理",
    "contacted": "日程調整連絡",
    "visited": "訪問調査",
    "submitted": "調査票提出",
    "accepted": "受理（履行件数）",
    "accepted_home": "（うち本市）",
    "accepted_other": "（うち他市町村）",
    "accepted_welfare": "（うち生活保護: 本市の内数）",
    "cancelled": "中止",
    "backlog_end": "月末未処理（受理・中止・返却前）",
}
NOTE_KINDS = {"problems": "問題点", "improvements": "改善点"}
NOT_RECORDED = "（未記録）"

#: the late counts the trend shows beside the volumes (metric ids, as the SLA report counts them)
TREND_LATE = ("late_contact", "late_standard")
