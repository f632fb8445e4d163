"""services.cases.steps over events: the failures of issue 13 reproduced through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import step
from inspect_tui.core.metrics import parse_month
from inspect_tui.services.cases.history import case_history
from inspect_tui.services.cases.steps import StepError, void_event
from inspect_tui.services.reports.monthly import build_monthly
from inspect_tui.store.cases import case_row, get_case, insert_cases
from inspect_tui.store.events import drift

D = dt.date


@pytest.fixture
def october(session, monkeypatch):
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-10-20")
    return session


SEPT_1 = D(2027, 9, 1)


def _add(s, case_no="C-0001", received=SEPT_1, **fields):
    row = {
        "case_no": case_no,
        "application": "新規",
        "ward": "長田区",
        "received_on": received,
        "dispatched_on": received,
        "urgent": fields.pop("urgent", 0),
        **fields,
    }
    with s.db.conn:
        insert_cases(s.db, [case_row(row, s.calendar, "2027-09-01T09:00:00+09:00")])


def _accepted_in_september(s, case_no="C-0001"):
    _add(s, case_no)
    for kind, on in (
        ("contact", D(2027, 9, 2)),
        ("visit", D(2027, 9, 6)),
        ("submit", D(2027, 9, 10)),
        ("accept", D(2027, 9, 15)),
    ):
        step(s, case_no, kind, on)


def test_septembers_figures_stand_after_an_october_resurvey(october):
    s = october
    _accepted_in_september(s)
    september = parse_month("2027-09")
    before = build_monthly(s, september, D(2027, 10, 20)).to_json()
    assert before["counts"]["accepted"] == 1 and before["deadlines"]["target20"]["on_time"] == 1
    step(s, "C-0001", "resurvey", D(2027, 10, 5), "特記事項の聴取漏れ", cause="surveyor")
    after = build_monthly(s, september, D(2027, 10, 20)).to_json()
    assert after == before  # accepted 1 / on time 1, as it was
    row = get_case(s.db, "C-0001")
    assert (row["visited_on"], row["submitted_on"], row["accepted_on"]) == (
        "2027-09-06",
        "2027-09-10",
        "2027-09-15",
    )
    assert row["cycles"] == 2 and row["phase"] == "resurvey"
    # the re-survey cycle runs: visit, submit, accept; the first acceptance stays the billed one
    step(s, "C-0001", "visit", D(2027, 10, 8))
    step(s, "C-0001", "submit", D(2027, 10, 12))
    assert step(s, "C-0001", "accept", D(2027, 10, 14)) == "accepted"
    assert build_monthly(s, september, D(2027, 10, 20)).to_json() == before
    assert get_case(s.db, "C-0001")["accepted_on"] == "2027-09-15"
    assert drift(s.db) == []


def test_submit_after_a_resurvey_says_a_visit_is_needed_not_that_a_date_is_missing(october):
    _accepted_in_september(october)
    step(october, "C-0001", "resurvey", D(2027, 10, 5))
    with pytest.raises(StepError, match="訪問がないのに提出はできません"):
        step(october, "C-0001", "submit", D(2027, 10, 6))


def test_a_future_dated_visit_is_refused_and_changes_nothing(session):
    _add(session, received=D(2027, 6, 1), urgent=1)
    before = get_case(session.db, "C-0001")
    with pytest.raises(StepError, match=r"訪問日 2027-07-01 は今日（日本時間 2027-06-15）より後です"):
        step(session, "C-0001", "visit", D(2027, 7, 1))
    assert tuple(get_case(session.db, "C-0001")) == tuple(before)
    from inspect_tui.services.today.dashboard import build_dashboard

    assert build_dashboard(session, D(2027, 6, 15)).urgent_not_visited  # still urgent and not visited


def test_query_return_for_fix_and_accept_cancel_are_recordable(october):
    s = october
    _add(s)
    for kind, on in (
        ("visit", D(2027, 9, 6)),
        ("submit", D(2027, 9, 10)),
        ("query", D(2027, 9, 13)),
        ("answer", D(2027, 9, 14)),
        ("return-for-fix", D(2027, 9, 15)),
        ("resubmit", D(2027, 9, 17)),
        ("accept", D(2027, 9, 21)),
        ("accept-cancel", D(2027, 9, 24)),
        ("resubmit", D(2027, 10, 1)),
    ):
        step(s, "C-0001", kind, on)
    assert get_case(s.db, "C-0001")["accepted_on"] is None
    assert step(s, "C-0001", "accept", D(2027, 10, 4)) == "accepted"
    row = get_case(s.db, "C-0001")
    assert (row["accepted_on"], row["last_submitted_on"]) == ("2027-10-04", "2027-10-01")


def test_a_void_is_a_new_event_and_history_marks_the_voided_one(october):
    s = october
    _add(s)
    step(s, "C-0001", "contact", D(2027, 9, 2))
    step(s, "C-0001", "visit", D(2027, 9, 7))
    h = case_history(s, "C-0001")
    visit = next(r for r in h.rows if r.kind == "visit")
    assert void_event(s, "C-0001", visit.id, "別の依頼の訪問日を入れた") == "contacted"
    assert get_case(s.db, "C-0001")["visited_on"] is None
    h = case_history(s, "C-0001")
    voided = next(r for r in h.rows if r.id == visit.id)
    void = h.rows[-1]
    assert voided.voided_by == void.id and not voided.counts
    assert (void.kind, void.void_of, void.note, void.who) == (
        "void",
        visit.id,
        "別の依頼の訪問日を入れた",
        "tester",
    )
    assert "［取消済" in h.text()
    with pytest.raises(StepError, match="取り消し済みです"):
        void_event(s, "C-0001", visit.id, "もう一度")
    step(s, "C-0001", "visit", D(2027, 9, 8))
    step(s, "C-0001", "submit", D(2027, 9, 10))
    second_visit = case_history(s, "C-0001").rows[-2]
    with pytest.raises(
        StepError, match=r"を取り消すと、あとの記録 \d+（提出 2027-09-10）が規則に合わなくなります"
    ):
        void_event(s, "C-0001", second_visit.id, "誤り")  # the submission needs its visit


def test_the_corrections_sla_counts_resurveys_and_leaves_out_city_caused_ones(october):
    from inspect_tui.core.metrics import parse_period
    from inspect_tui.services.reports.corrections import corrections_after_submission
    from inspect_tui.services.reports.sla import build_sla

    s = october
    s.db.conn.execute("INSERT INTO surveyors (code, name, qualification) VALUES ('S1', '甲', 'care_manager')")
    for n, cause in ((1, "surveyor"), (2, "office"), (3, None), (4, "city")):
        _accepted_in_september(s, f"C-{n}")
        s.db.conn.execute("UPDATE cases SET surveyor = 'S1' WHERE case_no = ?", (f"C-{n}",))
        step(s, f"C-{n}", "resurvey", D(2027, 10, 5), cause=cause)
    _add(s, "C-5")
    step(s, "C-5", "visit", D(2027, 9, 6))
    step(s, "C-5", "resurvey", D(2027, 9, 8))  # before any submission: not a correction
    october_ = parse_period("2027-10")
    sla = build_sla(s, october_, D(2027, 10, 20))
    got = next(x for x in sla.results if x.indicator.id == "corrections")
    assert got.actual.value == 3 and got.achieved is False  # three re-surveys; the city's one left out
    counts = corrections_after_submission(s, D(2027, 9, 1), D(2027, 10, 31))
    assert counts.by_month == {"2027-10": 3} and counts.by_surveyor == {"S1": 3} and counts.excluded_city == 1
    # a voided correction no longer counts
    h = case_history(s, "C-3")
    void_event(s, "C-3", h.rows[-1].id, "再調査ではなかった")
    assert corrections_after_submission(s, D(2027, 9, 1), D(2027, 10, 31)).total == 2


def test_the_monthly_report_lists_corrections_after_submission_by_surveyor(october, capsys):
    """Issue 13 item 7, per surveyor: the month's corrections after submission by surveyor
    code (S1: two re-surveys and a query; S2: a cancelled acceptance; the city's one left out)."""
    from inspect_tui.core.document import cell_text
    from inspect_tui.core.metrics import parse_period
    from inspect_tui.services.reports.monthly import build_monthly

    s = october
    s.db.conn.executemany(
        "INSERT INTO surveyors (code, name, qualification) VALUES (?, ?, 'care_manager')",
        [("S1", "甲"), ("S2", "乙")],
    )
    plan = [
        ("C-1", "S1", "resurvey", None),
        ("C-2", "S1", "resurvey", "surveyor"),
        ("C-3", "S1", "query", None),
        ("C-4", "S2", "accept-cancel", None),
        ("C-5", "S2", "resurvey", "city"),
    ]
    for case_no, code, kind, cause in plan:
        _accepted_in_september(s, case_no)
        s.db.conn.execute("UPDATE cases SET surveyor = ? WHERE case_no = ?", (code, case_no))
        step(s, case_no, kind, D(2027, 10, 5), cause=cause)
    doc = build_monthly(s, parse_period("2027-10"), D(2027, 10, 20)).as_doc()
    sec = next(x for x in doc.sections if "提出後の修正" in x.heading)
    assert "計 4 件" in sec.paragraphs[0] and "市の事由 1 件は除く" in sec.paragraphs[0]
    rows = [[cell_text(c) for c in r] for r in sec.tables[0].rows]
    assert rows == [["S1", "3"], ["S2", "1"]]
    assert "甲" not in str(sec) and "乙" not in str(sec)  # codes, never staff names
