"""The words of a form check, shared by the first-ten review (core/review.py) and the
inspection of every form (core/inspection.py): the check points, severities, guidance
methods, kinds of check, where a finding after submission came from, and what a later
check found of an earlier finding.

A module of its own: the inspection rows (store/inspections.py) carry these labels, and
core/review.py's rules and records were ~4 ms more of their imports. (The figures the
Today screen and every monthly report read need none of it: store/submission_counts.py.)
"""

from __future__ import annotations

from inspect_tui.core.records import record


@record(frozen=True)
class Choice:
    id: str
    label: str


CHECK_POINTS: tuple[Choice, ...] = (
    Choice("typo", "誤字・脱字"),
    Choice("omission", "選択漏れ・記載漏れ"),
    Choice("wording", "不適切な文言"),
    Choice("choice_note", "選択肢と特記事項の整合性"),
    Choice("cross_item", "項目間の整合性"),
    Choice("notes_quality", "特記事項の質"),
)
POINT_IDS = tuple(p.id for p in CHECK_POINTS)
POINT_LABELS = {p.id: p.label for p in CHECK_POINTS}
#: Short labels for narrow table columns (width <= 8 cells).
POINT_SHORT = {
    "typo": "誤字脱字",
    "omission": "漏れ",
    "wording": "文言",
    "choice_note": "選択/特記",
    "cross_item": "項目間",
    "notes_quality": "特記の質",
}

SEVERITIES: tuple[Choice, ...] = (
    Choice("minor", "軽微"),
    Choice("fix", "要修正"),
    Choice("serious", "重大"),
)
SEVERITY_LABELS = {s.id: s.label for s in SEVERITIES}
SEVERITY_RANK = {"minor": 1, "fix": 2, "serious": 3}

GUIDANCE_METHODS: tuple[Choice, ...] = (
    Choice("oral", "口頭"),
    Choice("accompany", "同行訪問"),
    Choice("training", "研修"),
)
GUIDANCE_LABELS = {g.id: g.label for g in GUIDANCE_METHODS}

#: What a check is for. focused: forms 1-10 of a new surveyor (重点チェック);
#: routine: every other form (§5(3)③); followup3/followup6: the proficiency
#: check about 3 and 6 months after placement; post: a finding that came back
#: from the office after submission.
CHECK_KINDS: tuple[Choice, ...] = (
    Choice("focused", "重点チェック"),
    Choice("routine", "通常点検"),
    Choice("followup3", "3か月後の習熟度確認"),
    Choice("followup6", "6か月後の習熟度確認"),
    Choice("post", "提出後の指摘"),
)
KIND_LABELS = {k.id: k.label for k in CHECK_KINDS}
FOLLOWUP_MONTHS = {"followup3": 3, "followup6": 6}

POST_SOURCES: tuple[Choice, ...] = (
    Choice("query", "照会"),
    Choice("return", "返戻"),
    Choice("resurvey", "再調査"),
)
POST_SOURCE_LABELS = {p.id: p.label for p in POST_SOURCES}

VERDICT_LABELS = {"improving": "改善している", "not_yet": "まだ", "pending": "判定前"}

#: A later check's look at an earlier finding (001 §5(3)②: 改善状況を確認し、必要に応じて指導).
FOLLOW_OUTCOMES: tuple[Choice, ...] = (
    Choice("improved", "改善"),
    Choice("continue", "継続指導"),
)
FOLLOW_LABELS = {o.id: o.label for o in FOLLOW_OUTCOMES}
#: a finding no later check has looked at yet
FOLLOW_OPEN = "open"
FOLLOW_STATE_LABELS = {**FOLLOW_LABELS, FOLLOW_OPEN: "未確認"}
#: the checks that look again at a surveyor's earlier findings: the chief's own checks of a
#: new surveyor (forms 1-10 and the 3- and 6-month follow-ups)
FOLLOW_KINDS = frozenset({"focused", "followup3", "followup6"})
