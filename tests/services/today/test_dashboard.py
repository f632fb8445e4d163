"""The Today numbers: open deadlines per rule, by state, for today in Japan (2027-06-15, a Tuesday)."""

from __future__ import annotations

import datetime as dt

from builders import add_case, add_surveyor, complaint, incident
from inspect_tui.services.cases.steps import add_deadline_exception, record_step
from inspect_tui.services.today.dashboard import build_dashboard

D = dt.date
TODAY = D(2027, 6, 15)


def rule(d, name):
    return next(r for r in d.rules if r.rule == name)


def test_contact_deadline_states(session):
    add_case(session, "A-overdue", D(2027, 6, 8))  # contact due 6/11
    add_case(session, "A-today", D(2027, 6, 10))  # due 6/15
    add_case(session, "A-soon1", D(2027, 6, 11))  # due 6/16
    add_case(session, "A-soon2", D(2027, 6, 14))  # due 6/17: 2 business days ahead
    add_case(session, "A-ok", D(2027, 6, 15))  # due 6/18: 3 business days ahead
    add_case(session, "A-done", D(2027, 6, 8), contacted_on=D(2027, 6, 9))
    add_case(session, "A-closed", D(2027, 6, 8), cancelled_on=D(2027, 6, 9))
    d = build_dashboard(session, TODAY)
    contact = rule(d, "contact")
    assert (contact.overdue, contact.today, contact.soon) == (1, 1, 2)
    assert [c.case_no for c in contact.cases] == ["A-overdue", "A-today", "A-soon1", "A-soon2"]
    assert contact.cases[0].days_left == -2 and contact.cases[0].state == "overdue"
    assert d.open_cases == 6


def test_submission_deadlines_stay_open_until_submitted(session):
    add_case(session, "B-1", D(2027, 5, 20), contacted_on=D(2027, 5, 21), visited_on=D(2027, 5, 25))
    add_case(
        session,
        "B-2",
        D(2027, 5, 20),
        contacted_on=D(2027, 5, 21),
        visited_on=D(2027, 5, 25),
        submitted_on=D(2027, 6, 10),
    )
    d = build_dashboard(session, TODAY)
    assert rule(d, "standard").overdue == 1  # 5/28
    assert rule(d, "target20").overdue == 1  # 6/9
    assert rule(d, "contact").overdue == 0
    assert d.overdue_cases == 1


def test_an_excluded_deadline_is_not_counted(session):
    add_case(session, "C-1", D(2027, 6, 8))
    add_deadline_exception(session, "C-1", "contact", "exclude", "入院中", "applicant")
    d = build_dashboard(session, TODAY)
    assert rule(d, "contact").overdue == 0


def test_recording_the_step_clears_the_deadline(session):
    add_case(session, "C-2", D(2027, 6, 8))
    record_step(session, "C-2", "contact", D(2027, 6, 14))
    assert rule(build_dashboard(session, TODAY), "contact").overdue == 0


def test_urgent_not_visited_and_backlog(session):
    add_surveyor(session, "S1")
    add_case(session, "U-1", D(2027, 6, 14), urgent=True, surveyor="S1")
    add_case(session, "U-2", D(2027, 6, 1), urgent=True, contacted_on=D(2027, 6, 2), visited_on=D(2027, 6, 3))
    add_case(session, "W-1", D(2027, 6, 14), ward="垂水区")
    d = build_dashboard(session, TODAY)
    assert [u.case_no for u in d.urgent_not_visited] == ["U-1"]
    assert d.backlog_by_ward == [("長田区", 2), ("垂水区", 1)]  # configured ward order
    assert d.backlog_by_surveyor[0] == ("", "未割当", 2)


def test_staff_alerts(session):
    add_surveyor(session, "S1", expires_on="2027-08-10")  # 56 days: alert
    add_surveyor(session, "S2", expires_on="2027-08-20")  # 66 days: no alert
    add_surveyor(session, "S3", expires_on="2027-06-01")  # expired
    add_surveyor(session, "S4", qualification="other")
    d = build_dashboard(session, TODAY)
    assert [(a.kind, a.code) for a in d.alerts] == [("expired", "S3"), ("expiry", "S1")]
    add_surveyor(session, "S5", qualification="other")  # 2 of 5 = 40% > 30%
    kinds = [a.kind for a in build_dashboard(session, TODAY).alerts]
    assert "non_care_manager" in kinds


def test_review_panel_counts_new_surveyors(session):
    add_surveyor(session, "S9", placed_on="2027-03-01")
    add_surveyor(session, "S8", placed_on="2020-03-01")
    for i in range(3):
        add_case(
            session,
            f"R-{i}",
            D(2027, 5, 10 + i),
            surveyor="S9",
            contacted_on=D(2027, 5, 17),
            visited_on=D(2027, 5, 18),
        )
    review = build_dashboard(session, TODAY).review
    assert review.new_surveyors == 1
    assert review.forms_in_scope == 3
    assert review.pending is None or review.pending >= 3


def test_serious_complaints_and_security_incidents_show_until_reported(session):
    from inspect_tui.services.quality import records as q

    assert build_dashboard(session, TODAY).quality == []
    cid = q.save_complaint(session, complaint(outcome="謝罪", serious=True))
    iid = q.save_incident(session, incident(kind="security", what_happened="調査票を置き忘れた"))
    # a minor one: reported at the periodic meeting, not shown
    q.save_complaint(
        session, complaint(received_at="2027-06-14 11:00", complainant="本人", content="x", outcome="y")
    )
    assert build_dashboard(session, TODAY).quality == [
        f"重大な苦情 No.{cid} 市へ未報告",
        f"個人情報事故 No.{iid} 市へ未報告",
    ]


def test_an_urgent_case_resurveyed_is_urgent_and_not_visited_again(session):
    """A re-survey keeps the first visit's date (the deadlines were measured on it), but the
    applicant is waiting for a new visit: the urgent list shows the case until it happens."""
    add_case(session, "U-3", D(2027, 6, 1), urgent=True, contacted_on=D(2027, 6, 2), visited_on=D(2027, 6, 3))
    assert build_dashboard(session, TODAY).urgent_not_visited == []
    record_step(session, "U-3", "resurvey", D(2027, 6, 10))
    assert [u.case_no for u in build_dashboard(session, TODAY).urgent_not_visited] == ["U-3"]
    record_step(session, "U-3", "visit", D(2027, 6, 14))
    assert build_dashboard(session, TODAY).urgent_not_visited == []


def test_the_open_cases_figures_are_read_from_the_open_cases_index_alone(session):
    """At 1M cases the figures read the ~5,000 open cases six times; from the partial index
    of the open cases (migration 22) they never touch the wide table (87 -> 61 ms). Its WHERE
    is the open statuses, as core.case_columns.OPEN_IN writes them: a status added to one and not
    the other would quietly send the figures back to the table."""
    from inspect_tui.core.case_columns import OPEN_IN, OPEN_STATUSES

    add_surveyor(session, "S1")
    add_case(session, "A-1", D(2027, 6, 8), surveyor="S1", urgent=True)
    conn = session.db.conn
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'cases_open'").fetchone()[0]
    assert sql.endswith(f"WHERE status IN {OPEN_IN}") and all(f"'{s}'" in OPEN_IN for s in OPEN_STATUSES)
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        build_dashboard(session, TODAY)
    finally:
        conn.set_trace_callback(None)
    open_reads = [q for q in seen if "FROM cases c" in q and f"c.status IN {OPEN_IN}" in q]
    assert len(open_reads) == 6
    for q in open_reads:
        plan = " | ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {q}"))
        assert "SEARCH c USING COVERING INDEX cases_open" in plan, (q, plan)


def test_the_surveyors_screen_and_the_handover_read_the_open_cases_from_their_index(session):
    """The other readers of the open cases (the surveyors screen's workload, the handover's
    list) write the open statuses out too: bound as ``IN (?, ?, ?, ?)`` SQLite could not tell
    the rows were the partial index's and read them through the status index and the table
    (at 1M cases, warm: 6.2 -> 1.5 ms and 18 -> 16 ms)."""
    from inspect_tui.core.case_columns import OPEN_IN
    from inspect_tui.services.reports.handover import build_handover
    from inspect_tui.services.staff.overview import surveyor_overview

    add_surveyor(session, "S1")
    add_case(session, "A-1", D(2027, 6, 8), surveyor="S1")
    conn = session.db.conn

    class Recorded:
        """The connection, keeping each statement as prepared, with its parameters (a trace
        callback would show the parameters already written into the text)."""

        def __init__(self) -> None:
            self.seen: list[tuple[str, object]] = []

        def execute(self, sql, params=()):
            self.seen.append((sql, params))
            return conn.execute(sql, params)

        def __getattr__(self, name):
            return getattr(conn, name)

    for build in (lambda: surveyor_overview(session, TODAY), lambda: build_handover(session, TODAY)):
        recorded = Recorded()
        session.db._local.conn = recorded  # this thread's connection, recorded
        try:
            build()
        finally:
            session.db._local.conn = conn
        open_reads = [(q, p) for q, p in recorded.seen if "FROM cases WHERE status IN" in q]
        assert open_reads, recorded.seen
        for q, p in open_reads:
            assert f"status IN {OPEN_IN}" in q and not p, (q, p)
            plan = " | ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {q}", p))
            assert "COVERING INDEX cases_open" in plan, (q, plan)


def test_the_review_panel_reads_the_new_surveyors_once(session, monkeypatch):
    """The panel's figures and the queue's size from one reading of the new surveyors (the
    queue was reading them again: at 1M cases 540 statements for the figures, now 301)."""
    from inspect_tui.services.review import queue

    calls: list[int] = []
    real = queue.new_surveyors
    monkeypatch.setattr(queue, "new_surveyors", lambda *a, **k: calls.append(1) or real(*a, **k))
    add_surveyor(session, "S9", placed_on="2027-05-01")  # text, as the column holds it
    panel = build_dashboard(session, TODAY).review
    assert calls == [1] and panel.new_surveyors == 1
