"""Inspection before submission in the monthly report, the SLA and KPI tables and Today.

Expected figures by hand, in the review world (tests/builders.py build_review_db, today 2027-06-15;
surveyor S010's solo forms R9-00100..R9-00111; R9-00100..R9-00103 came with submission
dates in March-April, R9-00900 in May: none of them in June):

    June 2027                               inspected  unchecked  imported
    R9-00104 inspected by chief2, submitted 06-10   1
    R9-00105 inspected by tester, submitted 06-11   1
    R9-00106 the manager's override, 06-11                 1
    R9-00107 submission date written as an import does, 06-12         1
    -----------------------------------------------------------------
                                                2          1          1
    点検実施率 = 2 / (2 + 1) = 66.666…% -> 66.7% (half up): below 100%, 必達 not met.

    May 2027: only R9-00900, whose date came with the data: imported 1, no submission
    recorded in the app -> 点検実施率 対象なし (nothing to divide by), not 0%.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest

from builders import build_review_db as build
from builders import session_as
from inspect_tui.core.metrics import parse_month, parse_period
from inspect_tui.services.cases.inspection import record_inspection
from inspect_tui.services.cases.steps import record_step

D = dt.date


@pytest.fixture
def june(tmp_path):
    path = build(tmp_path / "insp" / "cases.db")
    boss, tester, chief2 = (session_as(path, n) for n in ("boss", "tester", "chief2"))
    record_inspection(chief2, "R9-00104", "ok")
    record_step(boss, "R9-00104", "submit", D(2027, 6, 10))
    record_inspection(tester, "R9-00105", "findings", ["cross_item:serious:要介護度の整合"])
    record_step(boss, "R9-00105", "submit", D(2027, 6, 11))
    record_step(boss, "R9-00106", "submit", D(2027, 6, 11), without_inspection="主任不在")
    for s in (boss, tester, chief2):
        s.close()
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE cases SET submitted_on = '2027-06-12', status = 'submitted' WHERE case_no = 'R9-00107'"
    )
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def s(june):
    s = session_as(june, "boss")
    yield s
    s.close()


def test_monthly_report_json_and_section(s):
    from inspect_tui.render.formats import render
    from inspect_tui.services.reports.monthly import build_monthly

    r = build_monthly(s, parse_month("2027-06"), D(2027, 6, 15))
    assert r.to_json()["inspection"] == {
        "inspected": 2,
        "without_inspection": 1,
        "imported_no_record": 1,
        "inspection_rate": 66.7,
    }
    text = render(r, "text")
    assert "調査票の点検（提出前の点検）" in text
    assert "点検なしで提出（目標 0 件）" in text and "R9-00106" in text and "主任不在" in text
    assert "点検記録なし（取込）: 1 件" in text and "R9-00107" in text
    assert "66.7%" in text
    may = build_monthly(s, parse_month("2027-05"), D(2027, 6, 15)).to_json()["inspection"]
    assert may == {"inspected": 0, "without_inspection": 0, "imported_no_record": 1, "inspection_rate": None}


def test_the_sla_indicator_is_judged_monthly_and_must_be_met(s):
    from inspect_tui.services.reports.sla import build_sla

    r = build_sla(s, parse_period("2027-06"), D(2027, 6, 30))
    (res,) = [x for x in r.results if x.indicator.id == "inspection_rate"]
    assert res.indicator.level == "必達" and res.indicator.comparator == ">=" and res.indicator.target == 100
    assert res.actual.value == Decimal("66.7") and res.achieved is False
    assert res.actual.components == {"inspected": 2, "unchecked": 1, "imported": 1}
    may = build_sla(s, parse_period("2027-05"), D(2027, 6, 30))
    (m,) = [x for x in may.results if x.indicator.id == "inspection_rate"]
    assert m.actual.value is None and m.actual.text("%") == "対象なし"


def test_the_kpi_table_has_the_rate(s):
    from inspect_tui.services.reports.kpi import build_kpi

    j = build_kpi(s, 2027, D(2027, 6, 30)).to_json()
    (row,) = [x for x in j["indicators"] if x["id"] == "inspection_rate"]
    year = row["years"]["2027"]
    assert (year["target"], year["actual"], year["achieved"]) == (100, 66.7, False)  # June is all there is
    units = {u["period"]: (u["actual"], u["achieved"]) for u in row["units"]}
    assert units["2027-06"] == (66.7, False)


def test_today_shows_the_months_submissions_without_inspection(s):
    from inspect_tui.services.today.dashboard import build_dashboard

    dash = build_dashboard(s, D(2027, 6, 15))
    f = dash.inspection
    assert f is not None and (f.inspected, f.unchecked, f.imported) == (2, 1, 1)
    lines = dash.inspection_lines()
    assert "点検なしで提出 1 件（目標 0）" in lines[0] and "点検記録なし（取込） 1 件" in lines[0]
    assert lines[1].startswith("点検実施率 66.7%")


async def test_the_today_screen_shows_the_rate_and_the_forms_out_without_inspection(june):
    """The figures on the screen itself (they were computed for Today but never drawn)."""
    from tui.conftest import make_app, settle

    app = make_app(june)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        alerts = str(app.screen.query_one("#alerts").render())
        assert "点検率 66.7%・点検なし提出 1件" in alerts


def test_counts_by_month_count_each_case_once_and_only_records_of_its_date(s):
    """Counted by hand over May-June, with three records added to the world above:

    R9-00104 a second record on its own date, 06-10 (resubmitted the same day):
             inspected +1; still one case with a record, not imported
    R9-00107 a record dated 06-05, but the case now says 06-12 (a later import
             corrected it): inspected +1 in June; the case stays imported
    R9-00900 a record of its own date in May: May inspected 1, imported 0

    2027-05  inspected 1  unchecked 0  imported 0
    2027-06  inspected 4  unchecked 1  imported 1   (R9-00107)
    """
    from inspect_tui.store.inspections import record_submission
    from inspect_tui.store.submission_counts import listed_submissions, submission_counts_by_month
    from inspect_tui.store.tx import granted, write

    ids = dict(s.db.conn.execute("SELECT case_no, id FROM cases"))
    may = s.db.conn.execute("SELECT submitted_on FROM cases WHERE case_no = 'R9-00900'").fetchone()[0]
    assert may.startswith("2027-05")
    added = [("R9-00104", D(2027, 6, 10)), ("R9-00107", D(2027, 6, 5)), ("R9-00900", D.fromisoformat(may))]
    with granted("case.step", "boss"), write(s.db):
        for case_no, on in added:
            record_submission(
                s.db, ids[case_no], "submit", on, "inspected", "chief2", "", "boss", "2027-06-15T09:00"
            )
    counts = submission_counts_by_month(s.db.conn, D(2027, 5, 1), D(2027, 6, 30))
    assert counts == {
        "2027-05": {"inspected": 1, "unchecked": 0, "imported": 0},
        "2027-06": {"inspected": 4, "unchecked": 1, "imported": 1},
    }
    listed = listed_submissions(s.db.conn, D(2027, 5, 1), D(2027, 6, 30), imported=True, limit=10)
    assert [x.case_no for x in listed] == ["R9-00107"]
