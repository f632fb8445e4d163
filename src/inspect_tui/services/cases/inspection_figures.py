"""A period's submissions by inspection: the figures the Today screen's dashboard reads at
start-up and the monthly report prints (its inspection section: services/cases/inspection.py).
A module of its own: importing the inspection flow for them (the typed documents, the
survey forms, the audit) was ~25 ms of imports before the first figures at start-up."""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.metrics import inspection_rate
from inspect_tui.core.records import record
from inspect_tui.services.session import Session
from inspect_tui.store import submission_counts as store


@record(frozen=True)
class InspectionFigures:
    """A period's submissions by how they left: inspected first, without inspection (a
    manager's override; target 0), and 点検記録なし（取込） (the date came with the city's
    list: counted apart, not in the rate)."""

    inspected: int
    unchecked: int
    imported: int

    @property
    def rate(self):
        """点検実施率 (%), core.metrics.inspection_rate; None when nothing was submitted."""
        return inspection_rate(self.inspected, self.unchecked)

    def to_json(self) -> dict:
        rate = self.rate
        return {
            "inspected": self.inspected,
            "without_inspection": self.unchecked,
            "imported_no_record": self.imported,
            "inspection_rate": None if rate is None else float(rate),
        }


def figures(s: Session, start: dt.date, cutoff: dt.date) -> InspectionFigures:
    by_month = store.submission_counts_by_month(s.db.conn, start, cutoff) if cutoff >= start else {}
    total = {k: sum(m.get(k, 0) for m in by_month.values()) for k in ("inspected", "unchecked", "imported")}
    return InspectionFigures(total["inspected"], total["unchecked"], total["imported"])
