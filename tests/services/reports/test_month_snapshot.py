"""A closed month stays closed (issue 13 item 5): `report close-month` freezes the
month's report, and printing the month later reproduces it from the freeze, figures
and lists, whatever is recorded afterwards; only the printing date and the audit
head in the footer are of the day it is printed."""

from __future__ import annotations

import json
import sqlite3

import pytest

from builders import accepted, add_case, d
from inspect_tui.cli.main import main
from inspect_tui.core.metrics import parse_month
from inspect_tui.services.cases.inspection import record_inspection
from inspect_tui.services.cases.steps import record_step
from inspect_tui.services.reports.monthly import build_monthly, close_billing_month


def september(session) -> dict[str, str]:
    """Three September forms, accepted; one received in September not yet contacted."""
    return {
        "resurveyed": accepted(session, "2027-09-01", "2027-09-06", "2027-09-08", "2027-09-10"),
        "cancelled": accepted(session, "2027-09-02", "2027-09-07", "2027-09-09", "2027-09-14"),
        "kept": accepted(session, "2027-09-03", "2027-09-08", "2027-09-10", "2027-09-15"),
        "late_contact": add_case(session, received_on="2027-09-21"),
    }


def printed(db_path, capsys, fmt: str, month: str = "2027-09") -> str:
    capsys.readouterr()
    assert main(["report", "monthly", "--month", month, "--format", fmt, "--db", str(db_path)]) == 0
    return capsys.readouterr().out


def without_witness(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "監査記録の先頭ハッシュ" not in line)


def later_events(session, cases, monkeypatch) -> None:
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-10-25")
    record_step(session, cases["resurveyed"], "resurvey", d("2027-10-12"), "再調査")
    record_step(session, cases["resurveyed"], "visit", d("2027-10-18"))
    record_step(session, cases["cancelled"], "accept-cancel", d("2027-10-05"), "受理取消")
    record_step(session, cases["late_contact"], "contact", d("2027-09-28"), correction_of="2027-09")


def test_a_closed_month_prints_as_it_was_closed(session, db_path, capsys, monkeypatch):
    cases = september(session)
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-10-04")
    assert close_billing_month(session, parse_month("2027-09")) == 3
    text_at_close = printed(db_path, capsys, "text")
    json_at_close = json.loads(printed(db_path, capsys, "json"))
    conn = sqlite3.connect(db_path)
    closed_on = conn.execute("SELECT closed_at FROM billing_months").fetchone()[0][:10]
    conn.close()
    assert f"状態: 締め済み（{closed_on} 締め）" in text_at_close
    assert json_at_close["counts"]["accepted"] == 3 and json_at_close["closed_on"] == closed_on

    later_events(session, cases, monkeypatch)

    text_later = printed(db_path, capsys, "text")
    json_later = json.loads(printed(db_path, capsys, "json"))
    # the printing date moved with the day, and the witness with the new records
    assert "発行日: 令和9年10月25日" in text_later and "発行日: 令和9年10月4日" in text_at_close
    assert json_later["audit_head"] != json_at_close["audit_head"]
    issued_then = without_witness(text_later).replace("発行日: 令和9年10月25日", "発行日: 令和9年10月4日")
    assert issued_then == without_witness(text_at_close)
    json_later.pop("audit_head")
    json_at_close.pop("audit_head")
    assert json_later == json_at_close
    assert json_later["counts"]["accepted"] == 3  # the re-survey and the cancellation did not move it
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM month_snapshots WHERE month = '2027-09'").fetchone()[0] == 1
    conn.close()


def test_the_snapshot_is_append_only_and_in_the_chain(session, db_path, monkeypatch):
    september(session)
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-10-04")
    close_billing_month(session, parse_month("2027-09"))
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE month_snapshots SET json = '{}'")
    digest, text = conn.execute("SELECT sha256, json FROM month_snapshots").fetchone()
    import hashlib

    assert hashlib.sha256(text.encode()).hexdigest() == digest
    assert conn.execute("SELECT COUNT(*) FROM audit_log WHERE entity = 'month_snapshots'").fetchone()[0] == 1
    conn.close()


def test_months_close_in_order_and_once(session, db_path, capsys, monkeypatch):
    september(session)
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-12-04")
    assert main(["report", "close-month", "--month", "2027-09", "--db", str(db_path)]) == 0
    assert main(["report", "close-month", "--month", "2027-09", "--db", str(db_path)]) == 2
    assert "もう締めてあります" in capsys.readouterr().err
    # November before October: refused, naming the month to close first
    assert main(["report", "close-month", "--month", "2027-11", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "2027-10 がまだ締めてありません" in err and "Traceback" not in err
    assert main(["report", "close-month", "--month", "2027-10", "--db", str(db_path)]) == 0
    assert main(["report", "close-month", "--month", "2027-11", "--db", str(db_path)]) == 0


def test_later_events_touching_september_are_listed_in_october(session, db_path, capsys, monkeypatch):
    cases = september(session)
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-10-04")
    close_billing_month(session, parse_month("2027-09"))
    later_events(session, cases, monkeypatch)
    october = printed(db_path, capsys, "text", "2027-10")
    assert "前月以前分の訂正: 4 件" in october
    lines = [line for line in october.splitlines() if "2027-09" in line and line.startswith(("R", "C"))]
    listed = {(line.split()[0], line.split()[1]) for line in lines}
    assert listed == {
        (cases["resurveyed"], "再調査"),
        (cases["resurveyed"], "訪問調査"),
        (cases["cancelled"], "受理取消"),
        (cases["late_contact"], "日程調整連絡"),
    }
    # November's report does not list them again (they belong to the next open month)
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-11-05")
    assert "前月以前分の訂正" not in printed(db_path, capsys, "text", "2027-11")


def test_a_step_back_dated_into_a_closed_month_needs_the_month_named(session, db_path, capsys, monkeypatch):
    cases = september(session)
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-10-04")
    close_billing_month(session, parse_month("2027-09"))
    argv = ["case", "step", cases["late_contact"], "contact", "--on", "2027-09-28", "--db", str(db_path)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "締め済みの月（2027-09" in err and "--correction-of 2027-09" in err and "Traceback" not in err
    assert main([*argv, "--correction-of", "2027-10"]) == 1
    assert "2027-09 の日付です" in capsys.readouterr().err
    assert main([*argv, "--correction-of", "2027-09"]) == 0
    history = (
        sqlite3.connect(db_path)
        .execute("SELECT note FROM case_events WHERE kind = 'contact' ORDER BY id DESC")
        .fetchone()[0]
    )
    assert "2027-09 分の訂正" in history
    # a step in an open month needs no correction, and naming an open month is refused
    assert (
        main(["case", "step", cases["late_contact"], "visit", "--on", "2027-10-02", "--db", str(db_path)])
        == 0
    )
    assert (
        main(
            [
                "case",
                "step",
                cases["kept"],
                "resurvey",
                "--on",
                "2027-10-03",
                "--correction-of",
                "2027-10",
                "--db",
                str(db_path),
            ]
        )
        == 1
    )
    assert "まだ締めていません" in capsys.readouterr().err


def test_billing_after_a_close_follows_the_contract(session, monkeypatch):
    """§4(8): an acceptance cancelled before the count closes moves the form to the month of
    its new acceptance; §14: a form paid in a closed month is not paid again."""
    cases = september(session)
    moved = accepted(session, "2027-09-04", "2027-09-09", "2027-09-13", "2027-09-24")
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-09-30")
    record_step(session, moved, "accept-cancel", d("2027-09-27"), "受理取消（締め前）")
    record_inspection(session, moved, "ok")
    record_step(session, moved, "resubmit", d("2027-09-28"))
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-10-04")
    assert close_billing_month(session, parse_month("2027-09")) == 3  # not the cancelled one
    record_step(session, moved, "accept", d("2027-10-02"))
    # the re-surveyed September form is accepted again in October: paid in September already
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-10-25")
    record_step(session, cases["resurveyed"], "resurvey", d("2027-10-12"), "再調査")
    record_step(session, cases["resurveyed"], "visit", d("2027-10-18"))
    record_inspection(session, cases["resurveyed"], "ok")
    record_step(session, cases["resurveyed"], "submit", d("2027-10-19"))
    record_step(session, cases["resurveyed"], "accept", d("2027-10-22"))
    october = build_monthly(session, parse_month("2027-10"), d("2027-10-31"), 1000)
    # the form whose acceptance moved; the re-surveyed one keeps its September acceptance
    # (a re-survey erases nothing) and is not billed in October
    assert october.home.count == 1
    assert october.counts["accepted"] == 1
