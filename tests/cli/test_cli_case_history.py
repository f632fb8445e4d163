"""``case step``, ``case void``, ``case history`` from the command line (issue 13 item 2)."""

from __future__ import annotations

import json
import sqlite3

import pytest


@pytest.fixture
def one_case(session):
    from builders import add_case

    add_case(session, "C-1")  # received 2027-06-08; today is 2027-06-15
    return session


def _events(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT id, kind, on_date, void_of, cause FROM case_events ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_every_step_of_the_issue_is_recordable_and_shown_in_history(one_case, db_path, cli):
    for step, on in (
        ("contact", "2027-06-09"),
        ("visit", "2027-06-10"),
        ("submit", "2027-06-11"),
        ("query", "2027-06-11"),
        ("answer", "2027-06-12"),
        ("return-for-fix", "2027-06-12"),
        ("resubmit", "2027-06-13"),
        ("accept", "2027-06-14"),
        ("accept-cancel", "2027-06-14"),
        ("resubmit", "2027-06-15"),
        ("accept", "2027-06-15"),
        ("resurvey", "2027-06-15"),
    ):
        if step in ("submit", "resubmit"):  # each form goes out inspected (001 §4(5))
            assert cli("case", "inspect", "C-1", "--result", "ok")[0] == 0
        code, out, err = cli("case", "step", "C-1", step, "--on", on, "--cause", "office")
        assert code == 0, (step, err)
    code, out, err = cli("case", "history", "C-1", "--format", "json")
    assert code == 0, err
    h = json.loads(out)
    kinds = [e["kind"] for e in h["events"]]
    assert kinds[0] == "received" and kinds[-1] == "resurvey" and "accept-cancel" in kinds
    assert h["cycles"] == 2 and h["events"][-1]["who"] == "tester" and h["events"][-1]["recorded_at"]
    code, out, _ = cli("case", "history", "C-1")
    assert code == 0 and "受理取消（事業所の事由）" in out and "再調査" in out


def test_a_broken_rule_is_named_exit_1_and_nothing_is_written(one_case, db_path, cli):
    before = _events(db_path)
    code, _, err = cli("case", "step", "C-1", "accept", "--on", "2027-06-10")
    assert code == 1 and "提出がないのに受理はできません" in err and "Traceback" not in err
    code, _, err = cli("case", "step", "C-1", "resubmit", "--on", "2027-06-10")
    assert code == 1 and "返戻か受理取消がないのに再提出はできません" in err
    code, _, err = cli("case", "step", "C-1", "visit", "--on", "2027-06-16")
    assert code == 1 and "訪問日 2027-06-16 は今日（日本時間 2027-06-15）より後です" in err
    assert _events(db_path) == before


def test_void_adds_an_event_and_history_marks_the_voided_one(one_case, db_path, cli):
    assert cli("case", "step", "C-1", "visit", "--on", "2027-06-10")[0] == 0
    visit_id = _events(db_path)[-1][0]
    code, out, err = cli("case", "void", "C-1", str(visit_id), "--reason", "日付の誤り")
    assert code == 0, err
    assert _events(db_path)[-1][1:4] == ("void", None, visit_id)
    code, out, _ = cli("case", "history", "C-1")
    assert f"［取消済: {visit_id + 1}］訪問調査" in out and f"記録 {visit_id} を取消" in out
    code, out, _ = cli("case", "show", "C-1")  # the timeline names each step and marks the voided one
    assert code == 0 and "［取消済］訪問調査" in out and "依頼受理" in out
    code, _, err = cli("case", "void", "C-1", str(visit_id), "--reason", "もう一度")
    assert code == 1 and "取り消し済みです" in err
    with pytest.raises(SystemExit) as stop:  # argparse's own exit for a bad argument
        cli("case", "void", "C-1", "abc", "--reason", "x")
    assert stop.value.code == 2
