"""The annual performance report (業務履行報告書（年次）, issue 15 item 5): the fiscal year's
months as the monthly report has them, summed; SLA and KPI; complaints, incidents and the
improvements of the year. Every expected number is worked out by hand."""

from __future__ import annotations

import datetime as dt
import json

from builders import COMPLAINT, INCIDENT, add_case
from inspect_tui.render.formats import render
from inspect_tui.services.quality.complaints import save_complaint
from inspect_tui.services.quality.incidents import save_incident
from inspect_tui.services.quality.problems import close_problem, save_problem
from inspect_tui.services.reports.annual import build_annual

D = dt.date


def _year(s):
    # April: two received (4/5, 4/12), one visited 4/8 and submitted 4/9 (its standard
    # deadline 4/13: on time), accepted 5/6; May: one received 5/10, visited 5/12, not submitted
    add_case(
        s,
        received_on="2027-04-05",
        contacted_on="2027-04-06",
        visited_on="2027-04-08",
        submitted_on="2027-04-09",
        accepted_on="2027-05-06",
    )
    add_case(s, received_on="2027-04-12")
    add_case(s, received_on="2027-05-10", contacted_on="2027-05-11", visited_on="2027-05-12")
    # March 2027 belongs to FY2026: not counted
    add_case(s, received_on="2027-03-25")
    save_complaint(s, COMPLAINT)  # 2027-06-14
    save_incident(s, INCIDENT)  # 2027-06-10
    pid = save_problem(
        s, {"title": "連絡の遅れ", "owner": "主任A", "due_on": "2027-06-30"}, [("complaint", 1)]
    )
    close_problem(s, pid, fix="受付当日に連絡する手順にした", closed_on="2027-06-15")


def test_the_years_months_and_totals_by_hand(session):
    _year(session)
    r = build_annual(session, 2027, D(2027, 6, 15))
    data = r.to_json()
    assert [m["month"] for m in data["months"]] == ["2027-04", "2027-05", "2027-06"]
    by = {m["month"]: m["counts"] for m in data["months"]}
    assert (by["2027-04"]["received"], by["2027-04"]["visited"], by["2027-04"]["submitted"]) == (2, 1, 1)
    assert (by["2027-05"]["received"], by["2027-05"]["visited"], by["2027-05"]["accepted"]) == (1, 1, 1)
    assert data["totals"] == {"received": 3, "visited": 2, "submitted": 1, "accepted": 1, "cancelled": 0}
    april = next(m for m in data["months"] if m["month"] == "2027-04")
    assert april["standard_deadline"]["on_time"] == 1
    assert data["complaints"] == {"2027-06": {"count": 1, "serious": 0}}
    assert data["incidents"] == {"2027-06": 1}
    assert data["improvements"] == [
        {"closed_on": "2027-06-15", "title": "連絡の遅れ", "fix": "受付当日に連絡する手順にした"}
    ]


def test_the_document_prints_every_section(session):
    _year(session)
    text = render(build_annual(session, 2027, D(2027, 6, 15)), "text")
    for heading in (
        "1. 月別の処理件数と期限の遵守",
        "2. サービス水準（SLA）の達成状況",
        "3. KGI・KPI の達成状況",
        "4. 苦情・事故",
        "5. 改善（完了した課題）",
    ):
        assert heading in text
    assert "業務履行報告書（年次）" in text and "令和9年度" in text and "受付当日に連絡する手順にした" in text


def test_cli_report_annual(cli, session):
    _year(session)
    session.close()
    code, out, _ = cli("report", "annual", "--fy", "2027", "--format", "json")
    assert code == 0 and json.loads(out)["totals"]["received"] == 3
    code, out, _ = cli("report", "annual", "--fy", "令和9年度", "--format", "md")
    assert code == 0 and "業務履行報告書（年次）" in out
