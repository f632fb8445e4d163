"""Surveyors: workload, on-time rate over 90 days, solo forms for the first-ten review."""

from __future__ import annotations

import datetime as dt

from builders import add_case, add_surveyor
from inspect_tui.services.staff.overview import surveyor_overview

D = dt.date
TODAY = D(2027, 6, 15)


def test_workload_on_time_rate_and_solo_forms(session):
    add_surveyor(session, "C1", chief=1)
    add_surveyor(session, "N1", placed_on="2027-01-10")
    done = dict(contacted_on=D(2027, 5, 11), visited_on=D(2027, 5, 12))
    add_case(session, "K-1", D(2027, 5, 10), surveyor="N1", submitted_on=D(2027, 5, 14), **done)  # on time
    add_case(session, "K-2", D(2027, 5, 10), surveyor="N1", submitted_on=D(2027, 6, 1), **done)  # late
    add_case(session, "K-3", D(2027, 5, 10), surveyor="N1", accompanied_by="C1", **done)  # with the chief
    add_case(session, "K-4", D(2027, 6, 14), surveyor="N1")  # open, not visited
    add_case(
        session,
        "K-5",
        D(2026, 1, 10),
        surveyor="N1",
        submitted_on=D(2026, 1, 14),
        contacted_on=D(2026, 1, 11),
        visited_on=D(2026, 1, 12),
    )  # outside 90 days
    by_code = {r.code: r for r in surveyor_overview(session, TODAY)}
    n1 = by_code["N1"]
    assert n1.open_cases == 5  # submitted but not accepted (K-1, K-2, K-5) + K-3 visited + K-4
    assert (n1.on_time_90, n1.submitted_90) == (1, 2) and n1.on_time_rate == 0.5
    assert n1.is_new and n1.solo_forms == 2  # K-1, K-2; K-3 was with the chief, K-5 before placement
    assert n1.review_progress.startswith("2/10")
    assert not by_code["C1"].is_new and by_code["C1"].review_progress == ""
