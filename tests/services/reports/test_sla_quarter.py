"""The quarterly サービス水準達成状況報告書 (002 §4): the quarter's SLA indicators as
``report sla`` gives them, and its problems (未達の指標, 課題 open at the quarter's end) and
improvements (課題 closed in the quarter)."""

from __future__ import annotations

import json

import pytest

from builders import FREE_TEXT_CASE, complaint, incident, leaks
from inspect_tui.core.metrics import parse_period
from inspect_tui.services.quality import records as q
from inspect_tui.services.reports.sla import build_sla
from inspect_tui.services.reports.sla_quarter import build_sla_quarter
from inspect_tui.services.trust import identity


def _problem(s, title, opened, due, link, closed=None, fix=""):
    raw = {"title": title, "owner": "主任A", "opened_on": opened, "due_on": due, "fix": fix}
    if closed:
        raw.update(status="closed", closed_on=closed)
    return q.save_problem(s, raw, [link])


@pytest.fixture
def world(qs):
    """One complaint; a security incident on 2027-05-10 (2027Q1); problems A-D (today 2027-06-15):
    A opened 03-01, closed 03-25 (in 2026Q4); B opened 03-10, due 04-30, closed 05-20 (2027Q1);
    C opened 04-15, due 06-01, open; D opened 06-01, due 07-31, open."""
    cid = q.save_complaint(qs, complaint(received_at="2027-03-01 10:00"))
    q.save_incident(qs, incident(kind="security", occurred_at="2027-05-10 09:00"))
    link = ("complaint", cid)
    ids = {
        "A": _problem(qs, "A 手順書", "2027-03-01", "2027-03-20", link, "2027-03-25", "手順書を改訂"),
        "B": _problem(qs, "B 確認表", "2027-03-10", "2027-04-30", link, "2027-05-20", "確認表を導入"),
        "C": _problem(qs, "C 連絡", "2027-04-15", "2027-06-01", link),
        "D": _problem(qs, "D 研修", "2027-06-01", "2027-07-31", link),
    }
    return qs, ids


def _section(doc, name):
    [s] = [s for s in doc.sections if s.heading.endswith(name)]
    return s


def test_the_quarter_lists_its_open_and_closed_problems(world):
    s, ids = world
    r = build_sla_quarter(s, parse_period("2027Q1"))
    assert [p.id for p in r.open_problems] == [ids["C"], ids["D"]]  # by due date
    assert [p.id for p in r.closed_problems] == [ids["B"]]
    doc = r.as_doc()
    [unmet, open_] = _section(doc, "問題点").tables
    assert open_.caption == "基準日（2027-06-15）に未完了の課題 2 件"  # the quarter is still running
    assert [row[:6] for row in open_.rows] == [
        [ids["C"], "C 連絡", "主任A", "2027-04-15", "2027-06-01", "未完了（期限超過）"],
        [ids["D"], "D 研修", "主任A", "2027-06-01", "2027-07-31", "未完了"],
    ]
    [closed] = _section(doc, "改善点").tables
    assert [row[:7] for row in closed.rows] == [
        [ids["B"], "B 確認表", "主任A", "2027-03-10", "2027-04-30", "2027-05-20", "確認表を導入"]
    ]
    # the security incident of May: the privacy indicator (0 a quarter) is not met
    assert ["個人情報の漏えい・紛失事故", "0件", "1件"] in unmet.rows


def test_a_past_quarter_counts_a_problem_closed_after_it_as_open_at_its_end(world):
    s, ids = world
    r = build_sla_quarter(s, parse_period("2026Q4"))  # January-March 2027
    assert [p.id for p in r.open_problems] == [ids["B"]]  # closed on 05-20: open on 03-31
    assert [p.id for p in r.closed_problems] == [ids["A"]]
    [open_] = [t for t in _section(r.as_doc(), "問題点").tables if "未完了の課題" in t.caption]
    assert open_.caption == "期末（2027-03-31）に未完了の課題 1 件"
    assert open_.rows[0][5] == "未完了"  # due 04-30: not yet past it on 03-31
    e = _problem(s, "E 期限切れ", "2027-03-02", "2027-03-15", ("complaint", 1), "2027-04-10", "手順を周知")
    r = build_sla_quarter(s, parse_period("2026Q4"))
    data = r.to_json()
    assert [(p["id"], p["overdue"], p["closed_on"]) for p in data["problems_open"]] == [
        (e, True, "2027-04-10"),  # due 03-15, still open on 03-31: overdue then, closed after
        (ids["B"], False, "2027-05-20"),
    ]
    assert [(p["id"], p["overdue"]) for p in data["problems_closed"]] == [(ids["A"], False)]
    assert "目標に達しなかった指標はありません。" in _section(r.as_doc(), "問題点").paragraphs


def test_the_sla_part_is_the_sla_report_itself(world):
    s, _ = world
    quarter = parse_period("2027Q1")
    sla = build_sla(s, quarter).as_doc()
    doc = build_sla_quarter(s, quarter).as_doc()
    assert doc.sections[: len(sla.sections)] == sla.sections and doc.facts == sla.facts
    assert [x.heading for x in doc.sections[len(sla.sections) :]] == [
        f"{len(sla.sections) + 1}. 問題点",
        f"{len(sla.sections) + 2}. 改善点",
    ]


def test_json_and_the_cli(world, cli):
    _s, ids = world
    code, out, err = cli("report", "sla-quarter", "--period", "2027Q1", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["period"] == "2027Q1" and "privacy_incidents" in data["unmet"]
    assert [(p["id"], p["overdue"]) for p in data["problems_open"]] == [(ids["C"], True), (ids["D"], False)]
    assert [(p["id"], p["closed_on"], p["fix"]) for p in data["problems_closed"]] == [
        (ids["B"], "2027-05-20", "確認表を導入")
    ]
    assert (
        data["indicators"]
        == json.loads(cli("report", "sla", "--period", "2027Q1", "--format", "json")[1])["indicators"]
    )


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2027-05", "「2027-05」は四半期ではありません"),
        ("FY2027", "「FY2027」は四半期ではありません"),
        ("2027Q5", "「2027Q5」: 四半期は Q1〜Q4"),
    ],
)
def test_a_period_that_is_not_a_quarter_exits_2(qs, cli, period, message):
    code, out, err = cli("report", "sla-quarter", "--period", period)
    assert code == 2 and out == "" and f"--period: {message}" in err and "Traceback" not in err


def test_a_monitor_prints_it_with_the_problems_free_text_masked(fx, cli):
    cid = q.save_complaint(
        fx, complaint(case_no=FREE_TEXT_CASE, ward="長田区", received_at="2027-05-10 10:00")
    )
    q.save_problem(
        fx,
        {
            "title": "鈴原冬美さん宅への連絡手順",
            "owner": "主任A",
            "opened_on": "2027-05-11",
            "due_on": "2027-07-01",
            "root_cause_note": "5550001234 の件で連絡表がなかった",
        },
        [("complaint", cid)],
    )
    identity.act_as("mona")
    for fmt in ("text", "json", "html", "md", "csv"):
        code, out, err = cli("report", "sla-quarter", "--period", "2027Q1", "--format", fmt)
        assert code == 0, err
        assert "＊＊＊さん宅への連絡手順" in out and leaks(out) == [], fmt
