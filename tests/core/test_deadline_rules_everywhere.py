"""One place per concept: change the contact rule in the rules file to 4 business days and
everything that shows or counts it follows: ``case show``, the monthly report (text and
json), the dashboard and the SLA indicators. Nothing may still say 3."""

from __future__ import annotations

import json
import re

import pytest

from builders import add_case, d
from inspect_tui.cli.main import main
from inspect_tui.core import deadlines
from inspect_tui.system.paths import data_file


@pytest.fixture
def contact_in_4_days(tmp_path):
    """The shipped rules file with one change: contact = 4 business days after receipt."""
    text = data_file("deadline_rules.toml").read_text(encoding="utf-8")
    block = text.index("[rules.contact]")
    changed = text[:block] + text[block:].replace("n = 3", "n = 4", 1)
    assert changed != text
    path = tmp_path / "deadline_rules.toml"
    path.write_text(changed, encoding="utf-8")
    previous = deadlines.use_rules(deadlines.load_rules(path))
    yield
    deadlines.use_rules(previous)


@pytest.fixture
def cases(contact_in_4_days, session, db_path):
    # received Tue 6/1: 4 business days = Mon 6/7 (3 would be Fri 6/4); contacted 6/7 = on time
    on_time = add_case(session, received_on="2027-06-01", contacted_on="2027-06-07")
    # received Thu 6/10, not contacted: due Wed 6/16 = soon on 6/15 (3 would be due today)
    waiting = add_case(session, received_on="2027-06-10")
    return str(db_path), on_time, waiting


def _run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def _says_no_3(text: str) -> None:
    assert not re.search(r"(?<![0-9])3 ?開庁日", text), text


def test_case_show_counts_and_explains_4_business_days(cases, capsys):
    db, on_time, _waiting = cases
    out = _run(capsys, "case", "show", on_time, "--db", db)
    contact = next(line for line in out.splitlines() if line.strip().startswith("日程調整連絡:"))
    assert "2027-06-07" in contact and "[済]" in contact
    assert "+4 開庁日: 6/1(火) から 6/7(月)" in out
    _says_no_3(out)


def test_monthly_report_text_and_json_follow_the_rules_file(cases, capsys):
    db, _on_time, _waiting = cases
    text = _run(capsys, "report", "monthly", "--month", "2027-06", "--db", db)
    assert "日程調整連絡（受理から4開庁日）" in text
    _says_no_3(text)
    j = json.loads(_run(capsys, "report", "monthly", "--month", "2027-06", "--format", "json", "--db", db))
    # 6/7 meets the 4-day deadline (a 3-day rule would make it late); 6/16 is still to come
    assert j["deadlines"]["contact"] == {"due": 2, "on_time": 1, "late": 0, "pending": 1, "excluded": 0}


def test_dashboard_counts_with_the_4_day_rule(cases, session):
    from inspect_tui.services.today.dashboard import build_dashboard

    _db, _on_time, waiting = cases
    contact = next(r for r in build_dashboard(session, d("2027-06-15")).rules if r.rule == "contact")
    assert (contact.overdue, contact.today, contact.soon) == (0, 0, 1)
    assert [(c.case_no, c.due, c.days_left) for c in contact.cases] == [(waiting, d("2027-06-16"), 1)]


def test_sla_indicators_say_and_count_4_business_days(cases, capsys):
    db, _on_time, _waiting = cases
    text = _run(capsys, "report", "sla", "--period", "2027-06", "--db", db)
    assert "日程調整連絡 = 受理から4開庁日" in text
    _says_no_3(text)
    j = json.loads(_run(capsys, "report", "sla", "--period", "2027-06", "--format", "json", "--db", db))
    late = next(i for i in j["indicators"] if i["metric"] == "late_contact")
    assert late["actual"] == 0 and late["achieved"] is True
    assert late["deadline"] == {"rule": "contact", "label": "日程調整連絡", "span": "受理から4開庁日"}
