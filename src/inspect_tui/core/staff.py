"""Staff records as seed 001 §5(2) asks: the rules, with no I/O.

A surveyor's record over time is a list of append-only entries (store table staff_entries):
the notifications to the city (認定調査従事者届出: 新規・変更・取消), the security pledge
(セキュリティ遵守誓約書) and the ID card (調査員証) issued, reissued and returned. A mistaken
entry is withdrawn by a later one; what counts is the entries not withdrawn, by date.

- the card is held from its issue (or reissue) until it is returned; a surveyor who has
  left (退職日 on or before today) still holding a card is flagged;
- a working surveyor needs a 新規 notification and a pledge before work starts; one who
  has left needs a 取消 notification;
- non-care-manager staff stay at about 30% or less of those working (§5(2)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from inspect_tui.core.records import record

#: entry kind -> its name in the contract's words
ENTRY_KINDS: dict[str, str] = {
    "notified_new": "従事者届出（新規）",
    "notified_change": "従事者届出（変更）",
    "notified_cancel": "従事者届出（取消）",
    "pledge": "セキュリティ遵守誓約書",
    "card_issued": "調査員証 交付",
    "card_reissued": "調査員証 再交付",
    "card_returned": "調査員証 返却",
}
#: a notification's kind in one word (the lists' 届出 column)
NOTIFY_WORDS = {"notified_new": "新規", "notified_change": "変更", "notified_cancel": "取消"}
WITHDRAWN = "withdrawn"
CARD_KINDS = ("card_issued", "card_reissued", "card_returned")
NOTIFY_KINDS = ("notified_new", "notified_change", "notified_cancel")
#: The share of staff who are not care managers the contract keeps to (about 30% or less).
NON_CARE_MANAGER_LIMIT = 0.30
QUALIFICATION_LABELS = {"care_manager": "介護支援専門員", "other": "その他"}


@record(frozen=True)
class StaffAlert:
    """One of the Today screen's staff alerts (services.staff.overview.staff_alerts finds them)."""

    kind: str  # "expiry" | "expired" | "non_care_manager" | "card_not_returned"
    text: str
    code: str = ""
    name: str = ""
    expires_on: str = ""
    days: int | None = None  # days to expiry (negative: expired); share in % for non_care_manager


#: flag -> its words (the staff list's 注意 column and the Today panel)
FLAGS = {
    "card_not_returned": "退職後も調査員証が未返却",
    "no_notification": "新規届出なし",
    "no_cancel": "取消届出なし",
    "no_pledge": "誓約書なし",
}


@record(frozen=True)
class Entry:
    id: int
    kind: str
    on: dt.date
    card_no: str | None = None
    note: str = ""
    withdraws: int | None = None


@record(frozen=True)
class Card:
    state: str  # "none" (never issued) | "held" | "returned"
    card_no: str | None = None
    since: dt.date | None = None  # the day of the entry that put it in that state

    @property
    def label(self) -> str:
        if self.state == "held":
            return f"交付中 {self.card_no or ''}".strip() + f"（{self.since}）"
        if self.state == "returned":
            return f"返却済（{self.since}）"
        return "未交付"

    @property
    def short(self) -> str:
        """For a printed table: 交付中 ID-1 / 返却済 / 未交付."""
        if self.state == "held":
            return f"交付中 {self.card_no or ''}".strip()
        return "返却済" if self.state == "returned" else "未交付"


def standing(entries: Iterable[Entry]) -> list[Entry]:
    """The entries that count: not withdrawals and not withdrawn, by date then entry order."""
    entries = list(entries)
    gone = {e.withdraws for e in entries if e.kind == WITHDRAWN}
    return sorted(
        (e for e in entries if e.kind != WITHDRAWN and e.id not in gone), key=lambda e: (e.on, e.id)
    )


def card(entries: Iterable[Entry]) -> Card:
    """The ID card's state from the standing entries."""
    state = Card("none")
    for e in standing(entries):
        if e.kind in ("card_issued", "card_reissued"):
            state = Card("held", e.card_no or state.card_no, e.on)
        elif e.kind == "card_returned":
            state = Card("returned", state.card_no, e.on)
    return state


def latest(entries: Iterable[Entry], kinds: Iterable[str]) -> Entry | None:
    """The newest standing entry of the kinds, or None."""
    kinds = tuple(kinds)
    found = [e for e in standing(entries) if e.kind in kinds]
    return found[-1] if found else None


def has_left(left_on: dt.date | None, today: dt.date) -> bool:
    return left_on is not None and left_on <= today


def flags(entries: Iterable[Entry], left_on: dt.date | None, today: dt.date) -> list[str]:
    """What a supervisor should act on for one surveyor (keys of FLAGS)."""
    entries = list(entries)
    out = []
    left = has_left(left_on, today)
    if left and card(entries).state == "held":
        out.append("card_not_returned")
    notes = [e.kind for e in standing(entries) if e.kind in NOTIFY_KINDS]
    if not left and "notified_new" not in notes:
        out.append("no_notification")
    if left and "notified_new" in notes and "notified_cancel" not in notes:
        out.append("no_cancel")
    if not left and latest(entries, ("pledge",)) is None:
        out.append("no_pledge")
    return out


def entry_problem(kind: str, on: dt.date, entries: Iterable[Entry], today: dt.date) -> str | None:
    """Why an entry of ``kind`` on ``on`` cannot follow the standing ones (Japanese), or None."""
    if kind not in ENTRY_KINDS:
        return f"記録の種類「{kind}」は使えません（{' / '.join(k.replace('_', '-') for k in ENTRY_KINDS)}）"
    if on > today:
        return f"日付 {on} は先の日付です（済んだことを記録します）"
    entries = list(entries)
    if kind in CARD_KINDS:
        before = card([e for e in standing(entries) if e.on <= on])
        if kind == "card_issued" and before.state == "held":
            return f"調査員証は {before.since} から交付中です（作り直したときは「再交付」card-reissued）"
        if kind == "card_reissued" and before.state == "none":
            return "調査員証が交付されていません（最初は「交付」card-issued）"
        if kind == "card_returned" and before.state != "held":
            return f"{on} の時点で交付中の調査員証がありません"
        later = [e for e in standing(entries) if e.kind in CARD_KINDS and e.on > on]
        if later:
            return f"調査員証の記録が {later[0].on} にあります（それより前の日付は記録できません）"
    if kind == "notified_cancel" and "notified_new" not in {e.kind for e in standing(entries)}:
        return "従事者届出（新規）の記録がありません（取消の前に新規を記録してください）"
    return None


@record(frozen=True)
class Share:
    """Non-care-manager staff among those working."""

    total: int
    other: int

    @property
    def ratio(self) -> float:
        return self.other / self.total if self.total else 0.0

    @property
    def over(self) -> bool:
        return self.ratio > NON_CARE_MANAGER_LIMIT

    @property
    def text(self) -> str:
        mark = "目安の30%を超えています" if self.over else "目安30%以下"
        return f"介護支援専門員以外 {self.other}/{self.total} 人（{self.ratio:.0%}、{mark}）"
