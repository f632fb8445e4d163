"""A case's history as a person reads it: every event, voided ones marked, who and when."""

from __future__ import annotations

from collections.abc import Callable

from inspect_tui.core.case_events import CAUSES, KIND_LABELS, VOID
from inspect_tui.core.history import fold, live
from inspect_tui.core.records import asdict, record
from inspect_tui.services.session import Session
from inspect_tui.store.cases import get_case
from inspect_tui.store.events import events_for

SOURCE_LABELS = {
    "app": "",
    "import": "取込",
    "migration": "移行",
    "legacy": "旧経過",
    "demo": "デモ",
}
NOTE_KINDS = {
    "import": "取込",
    "deadline_extend": "期限延長",
    "deadline_exclude": "期限除外",
    "deadline_rederive": "期限再計算",
}


def voided_ids(events) -> set[int]:
    """The ids of the events (rows of case_events) that a later void event cancelled."""
    return {e["void_of"] for e in events if e["void_of"] is not None}


def event_label(kind: str) -> str:
    """What a person calls an event's kind (照会, 期限延長, 取消, …)."""
    return "取消" if kind == VOID else KIND_LABELS.get(kind) or NOTE_KINDS.get(kind, kind)


@record(frozen=True)
class HistoryRow:
    id: int
    kind: str
    label: str
    on_date: str | None
    recorded_at: str
    who: str
    note: str
    source: str
    cause: str | None
    void_of: int | None
    voided_by: int | None  # the void event that cancelled this one
    counts: bool  # a step that takes part in the case's state

    def to_json(self) -> dict:
        return asdict(self)


@record(frozen=True)
class CaseHistory:
    case_no: str
    status: str
    phase: str
    cycles: int
    rows: tuple[HistoryRow, ...]

    def to_json(self) -> dict:
        return {
            "case_no": self.case_no,
            "status": self.status,
            "phase": self.phase,
            "cycles": self.cycles,
            "events": [r.to_json() for r in self.rows],
        }

    def text(self) -> str:
        from inspect_tui.core.case_events import PHASE_LABELS

        lines = [
            f"{self.case_no} の経過（{PHASE_LABELS.get(self.phase, self.phase)}、調査 {self.cycles} 回目）"
        ]
        lines.append("  番号  日付        記録            記録日時                   記録者")
        for r in self.rows:
            mark = f"［取消済: {r.voided_by}］" if r.voided_by else ""
            extra = []
            if r.void_of:
                extra.append(f"記録 {r.void_of} を取消")
            if r.cause:
                extra.append(CAUSES.get(r.cause, r.cause))
            if SOURCE_LABELS.get(r.source):
                extra.append(SOURCE_LABELS[r.source])
            tail = f"（{'、'.join(extra)}）" if extra else ""
            note = f"  {r.note}" if r.note and r.note != r.label else ""
            lines.append(
                f"  {r.id:>4}  {r.on_date or '－':<10}  {mark}{r.label}{tail}  {r.recorded_at}  {r.who}{note}"
            )
        return "\n".join(lines)


def case_history(s: Session, case_no: str, view: Callable[[str], str] | None = None) -> CaseHistory:
    """Every event of the case in the order recorded. view shows a note (masking for those
    who may not see personal data; services.trust.free_text.viewer)."""
    row = get_case(s.db, case_no)
    if row is None:
        raise LookupError(f"依頼番号 {case_no} は見つかりません")
    if view is None:
        from inspect_tui.services.trust.free_text import viewer

        view = viewer(s, [case_no])
    events = events_for(s.db, row["id"])
    voided_by = {e.void_of: e.id for e in events if e.kind == VOID and e.void_of is not None}
    counting = {e.id for e in live(events)}
    rows = []
    for e in events:
        label = event_label(e.kind)
        rows.append(
            HistoryRow(
                id=e.id,
                kind=e.kind,
                label=label,
                on_date=e.on_date.isoformat() if e.on_date else None,
                recorded_at=e.recorded_at,
                who=e.who,
                note=view(e.note),
                source=e.source,
                cause=e.cause,
                void_of=e.void_of,
                voided_by=voided_by.get(e.id),
                counts=e.id in counting,
            )
        )
    state = fold(events)
    return CaseHistory(case_no, state.status(), state.phase, state.cycles, tuple(rows))
