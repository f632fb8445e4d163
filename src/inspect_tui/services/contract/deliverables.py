"""The contract's deliverables register (issue 15 item 1; seed 001 §15): what is due from
data/deliverables.toml (core/deliverables.py), what was delivered and when (store/
deliverables.py), and the status of each on a day — for ``inspect-tui deliverables`` and
the Today screen. Recording a delivery is a manager's (``deliverables.record``); a mistake
is corrected by a new entry (the newest counts) or withdrawn with a reason, never edited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspect_tui.core import deliverables as rules
from inspect_tui.core.deliverables import Occurrence
from inspect_tui.core.jpdate import format_wd
from inspect_tui.core.records import record
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.session import Session
from inspect_tui.services.trust.free_text import viewer
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import deliverables as store
from inspect_tui.store.audit import record_audit
from inspect_tui.store.tx import write

__all__ = [
    "DeliverableError",
    "DeliverableRow",
    "DeliverablesSummary",
    "deliverables",
    "deliverables_summary",
    "record_delivery",
    "today_summary",
    "withdraw_delivery",
]


class DeliverableError(ValueError):
    """Something the user can fix; the message says what."""


@record(frozen=True)
class DeliverableRow:
    occ: Occurrence
    status: str  # core.deliverables.STATUS_LABELS
    delivered_on: dt.date | None
    note: str

    @property
    def report(self) -> str:
        """The command that produces it, or "" (worked out when asked)."""
        return _report_command(self.occ)

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    def due_text(self, today: dt.date | None = None) -> str:
        """2026-12-31(木)（閉庁日のため 12-28(月)までに）, 随時, or the date."""
        o = self.occ
        if o.due is None:
            d = o.deliverable
            return f"随時（{rules.EVENTS[d.event]}のあと{d.days_after}日以内）" if d.days_after else "随時"
        text = format_wd(o.due, today)
        if o.deliver_by and o.deliver_by != o.due:
            text += f"（閉庁日のため {format_wd(o.deliver_by, o.due)}までに）"
        return text

    def to_json(self) -> dict[str, Any]:
        d = self.occ.deliverable
        return {
            "id": self.occ.id,
            "deliverable": d.id,
            "name": self.occ.name,
            "period": self.occ.period or None,
            "due": self.occ.due.isoformat() if self.occ.due else None,
            "deliver_by": self.occ.deliver_by.isoformat() if self.occ.deliver_by else None,
            "also": d.also or None,
            "done_on": self.delivered_on.isoformat() if self.delivered_on else None,
            "status": self.status,
            "status_label": self.status_label,
            "signer": d.signer or None,
            "clause": d.clause or None,
            "report": self.report or None,
            "note": self.note or None,
        }


def _report_command(occ: Occurrence) -> str:
    """The app's command that produces the deliverable (data/deliverables.toml's ``report``:
    a kind of services.reports.registry, or a command such as "staff roster"; tests/services/
    contract checks both)."""
    kind = occ.deliverable.report
    if not kind:
        return ""
    key = occ.id.split(":", 1)[1] if ":" in occ.id else ""
    command = f"inspect-tui {kind}" if " " in kind else f"inspect-tui report {kind}"
    if occ.deliverable.when == "monthly" and key:
        return f"{command} --month {key}"
    if occ.deliverable.when == "fiscal_year" and key:
        return f"{command} --fy {key.removeprefix('FY')}"
    return command


def _occurrences(s: Session) -> list[Occurrence]:
    # the events straight from the store (services.contract.meetings / trainings say the same
    # with liaison_meeting_days / training_days): the Today screen's start-up path reads this,
    # and those modules import the document model (10 ms) it does not need
    from inspect_tui.store import meetings as meeting_store
    from inspect_tui.store import trainings as training_store

    meetings = meeting_store.current(s.db)
    events = {
        "liaison_meeting": [(str(m.id), m.held_on) for m in meetings if m.kind == "liaison"],
        "training": [(str(t.id), t.held_on) for t in training_store.current(s.db)],
    }
    return rules.occurrences(rules.load(), s.calendar, events)


def deliverables(s: Session, today: dt.date | None = None) -> list[DeliverableRow]:
    """Every occurrence with its status on today (reads only). Notes typed by the manager are
    masked for a reader who may not see them as typed."""
    today = today or today_jp()
    done = store.latest(s.db)
    view = viewer(s)
    out = []
    for occ in _occurrences(s):
        rec = done.get(occ.id)
        on = rec.delivered_on if rec else None
        note = view(rec.note) if rec else ""
        out.append(DeliverableRow(occ, rules.status(occ, on, today), on, note))
    return out


@record(frozen=True)
class DeliverablesSummary:
    """The Today screen's line: how many are overdue and due soon, and the next one."""

    overdue: int
    due_soon: int
    next: DeliverableRow | None  # the earliest not delivered (overdue first)

    def line(self, today: dt.date) -> str:
        """成果物 超過 1・間近 2, or 成果物 超過 0・間近 1・次 12-28(月): one line of at most
        ~30 cells (the Today panel is ~34 wide at 80x24); `deliverables list` names them."""
        head = f"成果物 超過 {self.overdue}・間近 {self.due_soon}"
        nxt = self.next
        if self.overdue or nxt is None or nxt.occ.deliver_by is None:
            return head
        return f"{head}・次 {format_wd(nxt.occ.deliver_by, today)}"


def deliverables_summary(s: Session, today: dt.date | None = None) -> DeliverablesSummary:
    today = today or today_jp()
    rows = deliverables(s, today)
    waiting = [r for r in rows if r.status in ("overdue", "due_soon", "upcoming")]
    return DeliverablesSummary(
        sum(r.status == "overdue" for r in rows),
        sum(r.status == "due_soon" for r in rows),
        waiting[0] if waiting else None,
    )


def today_summary(s: Session, today: dt.date) -> DeliverablesSummary | None:
    """For the Today screen: the summary, or None when data/deliverables.toml cannot be read
    (`inspect-tui deliverables list` says why)."""
    try:
        return deliverables_summary(s, today)
    except rules.DeliverablesError:
        return None


def _find(s: Session, occurrence: str) -> Occurrence:
    occ = next((o for o in _occurrences(s) if o.id == occurrence), None)
    if occ is None:
        raise DeliverableError(
            f"成果物「{occurrence}」はありません（inspect-tui deliverables list の ID を指定してください）"
        )
    return occ


@writes("deliverables.record")
def record_delivery(s: Session, occurrence: str, on: dt.date, note: str = "") -> DeliverableRow:
    """Record that an occurrence was delivered on a day (not after today)."""
    occ = _find(s, occurrence)
    if on > today_jp():
        raise DeliverableError(f"提出日 {on} は先の日付です")
    return _entry(s, occ, on, note, "deliverable.done", store.latest(s.db).get(occ.id))


@writes("deliverables.record")
def withdraw_delivery(s: Session, occurrence: str, reason: str) -> DeliverableRow:
    """Withdraw a mistaken delivery (a new entry; the old one stays in the history)."""
    occ = _find(s, occurrence)
    if not reason.strip():
        raise DeliverableError("取り消す理由を書いてください（--reason）")
    before = store.latest(s.db).get(occ.id)
    if before is None or before.delivered_on is None:
        raise DeliverableError(f"「{occ.name}」は提出の記録がありません")
    return _entry(s, occ, None, reason, "deliverable.withdraw", before)


def _entry(
    s: Session, occ: Occurrence, on: dt.date | None, note: str, action: str, before: store.Delivery | None
) -> DeliverableRow:
    """One append-only entry for an occurrence (delivered on ``on``, or withdrawn: None) and
    its audit row; the occurrence's row as it now stands."""
    with write(s.db):
        store.insert(s.db, occ.id, on, note.strip(), now_jp_iso(), s.who)
        record_audit(
            s.db,
            s.who,
            action,
            "deliverable",
            occ.id,
            {"delivered_on": before.delivered_on} if before else None,
            {"delivered_on": on},
        )
    return next(r for r in deliverables(s) if r.occ.id == occ.id)
