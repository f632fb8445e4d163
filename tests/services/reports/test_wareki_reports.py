"""Reports asked for with a period in 和暦 and printed with it: the command line, the
Reports screen (both through the registry's read_period), and the quarter headings."""

from __future__ import annotations

import json

import pytest

from builders import add_case
from inspect_tui.cli.main import main
from inspect_tui.render.formats import render
from inspect_tui.services.reports.registry import kind


@pytest.fixture
def q1_db(session, db_path):
    # a late contact in May 2027 (received 5/10, due 5/13, contacted 5/14): 令和9年度 第1四半期
    add_case(session, received_on="2027-05-10", contacted_on="2027-05-14")
    return db_path


def test_a_month_of_early_2019_prints_heisei(q1_db, capsys):
    db_path = q1_db
    assert main(["report", "monthly", "--month", "平成31年4月", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "平成31年4月" in out and "令和元年4月" not in out
    assert main(["report", "monthly", "--month", "H31.4", "--format", "json", "--db", str(db_path)]) == 0
    assert json.loads(capsys.readouterr().out)["month"] == "2019-04"  # the machine key stays


def test_the_first_reiwa_month_and_the_refused_ones(q1_db, capsys):
    db_path = q1_db
    assert main(["report", "monthly", "--month", "令和元年5月", "--db", str(db_path)]) == 0
    assert "令和元年5月" in capsys.readouterr().out
    assert main(["report", "monthly", "--month", "令和元年4月", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "--month: 「令和元年4月」はありません" in err and "2019年4月は平成31年4月" in err
    assert "Traceback" not in err


def test_sla_for_a_wareki_quarter_heads_its_months_and_quarters_in_japanese(session, q1_db):
    report, key = kind("sla").from_text(session, "令和9年度 第1四半期")
    assert key == "2027Q1"
    text = render(report, "text")
    assert "令和9年度（2027年度） 第1四半期（4月〜6月）" in text
    assert "第1四半期" in text.split("対象期間")[1]
    assert " Q1 " not in text and "Q1\n" not in text
    assert json.loads(render(report, "json"))["period"] == "2027Q1"


def test_sla_for_a_year_heads_each_quarter_as_shihanki(session, q1_db):
    report, key = kind("sla").from_text(session, "令和9年度")
    assert key == "FY2027"
    text = render(report, "text")
    for q in ("第1四半期", "第2四半期", "第3四半期", "第4四半期"):
        assert q in text, q
    assert not any(f"Q{n}" in text for n in range(1, 5))


def test_kpi_for_a_wareki_year_heads_its_quarters_as_shihanki(session, q1_db):
    report, key = kind("kpi").from_text(session, "R9")
    assert key == "FY2027"
    text = render(report, "md")
    assert "令和9年度" in text and "| 第1四半期 |" in text.replace("  ", " ")
    assert not any(f"Q{n}" in text for n in range(1, 5))


async def test_the_reports_screen_reads_wareki_periods(q1_db):
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp

    async def settle(pilot):
        for _ in range(4):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    app = InspectApp(q1_db, config=Config())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        box = screen.query_one("#report-period")
        await pilot.press("p")
        box.value = "平成31年4月"
        await pilot.press("enter")
        await settle(pilot)
        preview = str(screen.query_one("#report-preview").render())
        assert screen.built.period_key == "2019-04" and "平成31年4月" in preview
        await pilot.press("t")  # SLA
        await settle(pilot)
        await pilot.press("p")
        box.value = "令和９年度　第１四半期"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.built.period_key == "2027Q1"
        assert "第1四半期" in str(screen.query_one("#report-preview").render())
        await pilot.press("p")
        box.value = "令和元年4月"
        await pilot.press("enter")
        await settle(pilot)
        assert "2019年4月は平成31年4月" in str(screen.query_one("#report-status").render())
