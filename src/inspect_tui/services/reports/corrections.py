"""Corrections after submission (提出後の修正, seed 001 §4(5)), per month and per surveyor.

Counted from the case events 照会, 返戻, 受理取消 and 再調査 after a submission
(store.events.corrections); the office's own, city-caused ones (``--cause city``)
are counted apart and left out of the figure, as the SLA does.
"""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.document import Cell, Section, Table
from inspect_tui.core.metrics import Period
from inspect_tui.core.records import field, record
from inspect_tui.services.session import Session
from inspect_tui.store.events import corrections


@record(frozen=True)
class CorrectionCounts:
    by_month: dict[str, int] = field(default_factory=dict)
    by_surveyor: dict[str, int] = field(default_factory=dict)  # surveyor code, '' when unassigned
    excluded_city: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_month.values())


def corrections_after_submission(s: Session, start: dt.date, end: dt.date) -> CorrectionCounts:
    by_month: dict[str, int] = {}
    by_surveyor: dict[str, int] = {}
    city = 0
    for c in corrections(s.db.conn, start, end):
        if c.city:
            city += 1
            continue
        by_month[c.on_date[:7]] = by_month.get(c.on_date[:7], 0) + 1
        code = c.surveyor or ""
        by_surveyor[code] = by_surveyor.get(code, 0) + 1
    return CorrectionCounts(by_month, by_surveyor, city)


#: surveyors listed in the monthly report's table (the rest summed in one line)
SURVEYOR_ROWS = 30


def after_submission_section(s: Session, month: Period, as_of: dt.date) -> Section:
    """The monthly report's part: the month's corrections after submission, by surveyor code
    (never a name: staff personal data stays out of what a monitor prints)."""
    counts = corrections_after_submission(s, month.start, min(month.end, as_of))
    sec = Section("提出後の修正（照会・返戻・受理取消・再調査）")
    city = f"、市の事由 {counts.excluded_city:,} 件は除く" if counts.excluded_city else ""
    sec.paragraphs.append(f"当月: 計 {counts.total:,} 件（提出後の照会・返戻・受理取消・再調査{city}）")
    if counts.by_surveyor:
        ranked = sorted(counts.by_surveyor.items(), key=lambda kv: (-kv[1], kv[0] or "~"))
        rows: list[list[Cell]] = [[code or "未割当", n] for code, n in ranked[:SURVEYOR_ROWS]]
        rest = ranked[SURVEYOR_ROWS:]
        if rest:
            rows.append([f"ほか {len(rest):,} 人", sum(n for _, n in rest)])
        sec.tables.append(Table(["調査員コード", "件数"], rows, align=["l", "r"], caption="調査員別"))
    return sec
