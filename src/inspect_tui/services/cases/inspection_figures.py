"""A period's submissions by inspection: the figures the Today screen's dashboard reads at
start-up and the monthly report prints (its inspection section: services/cases/inspection.py).
A module of its own: importing the inspection flow for them (the typed documents, the
survey forms, the audit) was ~25 ms of imports before the first figures at start-up."""

from __future__ import annotations

import datetime as dt

from inspect_tui.core.metrics import InspectionFigures
from inspect_tui.services.session import Session
from inspect_tui.store import submission_counts as store

__all__ = ["InspectionFigures", "figures"]


def figures(s: Session, start: dt.date, cutoff: dt.date) -> InspectionFigures:
    by_month = store.submission_counts_by_month(s.db.conn, start, cutoff) if cutoff >= start else {}
    total = {k: sum(m.get(k, 0) for m in by_month.values()) for k in ("inspected", "unchecked", "imported")}
    return InspectionFigures(total["inspected"], total["unchecked"], total["imported"])
