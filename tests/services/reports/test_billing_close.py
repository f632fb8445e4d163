"""Closing a month for billing (seed 001 §14): the count is frozen, and a form the
city has paid for is not paid again when it is accepted a second time after a
re-survey. Figures by hand in each test."""

from __future__ import annotations

import sqlite3

import pytest

from builders import accepted, d
from inspect_tui.cli.main import main
from inspect_tui.core.metrics import parse_month
from inspect_tui.services.cases.inspection import record_inspection
from inspect_tui.services.cases.steps import record_step
from inspect_tui.services.reports.monthly import build_monthly, close_billing_month


def billing(session, month: str, as_of: str = "2027-08-20"):
    return build_monthly(session, parse_month(month), d(as_of), 7777)


def test_a_form_paid_in_a_closed_month_is_not_billed_again(session, monkeypatch):
    a = accepted(session, "2027-05-06", "2027-05-10", "2027-05-12", "2027-05-18")
    accepted(session, "2027-05-07", "2027-05-11", "2027-05-13", "2027-05-19", insurer="明石市", is_home=0)
    assert close_billing_month(session, parse_month("2027-05")) == 2  # A (home) and the other-city form
    # A comes back from the office in June: re-survey, then accepted again in July
    record_step(session, a, "resurvey", d("2027-06-01"), "再調査")
    record_step(session, a, "visit", d("2027-06-10"))
    record_inspection(session, a, "ok")  # the new form is inspected before it goes out
    record_step(session, a, "submit", d("2027-06-11"))
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-07-10")  # July comes: no step is dated after today
    record_step(session, a, "accept", d("2027-07-05"))
    b = accepted(session, "2027-07-01", "2027-07-05", "2027-07-06", "2027-07-09")  # a new July form
    july = billing(session, "2027-07")
    # A's May acceptance still stands (a re-survey erases nothing): July counts and bills B only
    assert july.counts["accepted"] == 1
    assert july.home.count == 1
    assert (july.home.subtotal, july.home.tax, july.home.total) == (7777, 777, 8554)  # 8,554.7 -> 8,554
    assert july.repaid == 0
    assert b  # (B is the one billed)
    # May stays as it was closed, and its live count with it (A and the other-city form)
    may = billing(session, "2027-05")
    assert (may.home.count, may.other.count) == (1, 1) and may.billing_closed_at
    assert may.counts["accepted"] == 2


def test_closing_twice_or_too_early_is_refused(session):
    accepted(session, "2027-05-06", "2027-05-10", "2027-05-12", "2027-05-18")
    close_billing_month(session, parse_month("2027-05"))
    with pytest.raises(ValueError, match="もう締めてあります"):
        close_billing_month(session, parse_month("2027-05"))
    with pytest.raises(ValueError, match="まだ終わっていません"):
        close_billing_month(session, parse_month("2027-06"))  # today is 2027-06-15


def test_close_month_from_the_command_line(session, db_path, capsys):
    accepted(session, "2027-05-06", "2027-05-10", "2027-05-12", "2027-05-18")
    assert main(["report", "close-month", "2027-05", "--db", str(db_path)]) == 0
    assert "請求 1 件" in capsys.readouterr().out
    assert main(["report", "close-month", "2027-05", "--db", str(db_path)]) == 2
    assert "もう締めてあります" in capsys.readouterr().err
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM audit_log WHERE entity = 'billing_month'").fetchone()[0] == 1
    conn.close()
