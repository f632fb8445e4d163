"""Corrections after submission (提出後の修正, seed 001 §4(5)), per month and per surveyor.

Counted from the case events 照会, 返戻, 受理取消 and 再調査 after a submission
(store.events.corrections); the office's own, city-caused ones (``--cause city``)
are counted apart and left out of the figure, as the SLA does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from inspect_tui.services.session import Session
from inspect_tui.store.events import corrections


@dataclass(frozen=True)
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
