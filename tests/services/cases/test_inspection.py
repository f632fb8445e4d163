"""Every form inspected by someone other than its author before it leaves (001 §4(5)).

The review world (tests/builders.py, build_review_db): today 2027-06-15; chiefs 'tester' (S001) and
'chief2' (S002); 'suzuki' is a chief too but is surveyor S010, the author of the solo
forms R9-00100..R9-00111 (visited, R9-00100..R9-00103 already submitted: their
submission dates came with the data, as from the city's list); manager 'boss'.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from builders import build_review_db as build
from builders import session_as
from inspect_tui.core.inspection import InspectionRuleError
from inspect_tui.core.metrics import parse_month
from inspect_tui.services.cases import inspection as ins
from inspect_tui.services.cases.steps import StepError, record_step
from inspect_tui.services.trust.permissions import PermissionDenied, save_user

FORM = "R9-00104"  # S010's fifth solo form: visited, not submitted
D = dt.date


@pytest.fixture
def world(tmp_path):
    return build(tmp_path / "w" / "cases.db")


@pytest.fixture
def as_(world):
    opened = []

    def login(name: str):
        s = session_as(world, name)
        opened.append(s)
        return s

    yield login
    for s in opened:
        s.close()


def _rows(world, sql: str, *params) -> list[tuple]:
    conn = sqlite3.connect(world)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _submitted_on(world, case_no: str):
    return _rows(world, "SELECT submitted_on FROM cases WHERE case_no = ?", case_no)[0][0]


# --------------------------------------------------------------------------- the author may not


def test_the_author_may_not_inspect_their_own_form_and_is_told_who_may(as_, world):
    with pytest.raises(ins.AuthorMayNotInspect) as exc:
        ins.record_inspection(as_("suzuki"), FORM, "ok")
    msg = str(exc.value)
    assert "S010" in msg and "001 §4(5)" in msg and "作成した調査員以外" in msg
    who = msg.split("点検できる人:")[1]
    assert "tester" in who and "chief2" in who and "boss" in who and "suzuki" not in who
    assert _rows(world, "SELECT COUNT(*) FROM inspections") == [(0,)]


def test_who_may_inspect_leaves_out_the_author_and_the_monitors(as_):
    boss = as_("boss")
    save_user(boss, "city01", "monitor")
    gate = ins.submission_gate(boss, FORM)
    assert not gate.allowed and gate.by is None
    assert gate.inspectors == ["chief2", "tester", "boss"]  # chiefs first; not suzuki, not city01


# --------------------------------------------------------------------------- the gate


def test_a_submission_without_an_inspection_is_refused_naming_who_may_inspect(as_, world):
    with pytest.raises(ins.SubmissionRefused) as exc:
        record_step(as_("tester"), FORM, "submit", D(2027, 6, 10))
    msg = str(exc.value)
    assert "点検が終わっていない" in msg and "chief2" in msg and "boss" in msg
    assert "inspect-tui" not in msg and "--" not in msg  # the service's words fit the TUI and the CLI
    assert exc.value.case_no == "R9-00104"  # the CLI and the TUI add how to go on, each in its words
    assert _submitted_on(world, FORM) is None  # nothing half-written
    assert _rows(world, "SELECT COUNT(*) FROM submission_checks") == [(0,)]
    events = _rows(
        world, "SELECT kind FROM case_events c JOIN cases k ON k.id = c.case_id WHERE case_no = ?", FORM
    )
    assert ("submit",) not in events


def test_an_inspection_by_another_chief_lets_the_form_be_submitted(as_, world):
    new_id = ins.record_inspection(
        as_("chief2"), FORM, "findings", ["typo:fix:特記事項の誤字", "omission:minor"]
    )
    assert ins.submission_gate(as_("tester"), FORM).allowed
    assert record_step(as_("tester"), FORM, "submit", D(2027, 6, 10)) == "submitted"
    assert _rows(world, "SELECT step, submitted_on, basis, source FROM submission_checks") == [
        ("submit", "2027-06-10", "inspected", f"inspection:{new_id}")
    ]
    form = ins.inspection_of(as_("boss"), FORM)
    (only,) = form.inspections
    assert (only.inspector, only.inspector_code, only.result) == ("chief2", "S002", "findings")
    assert [(f.aspect, f.severity, f.note) for f in only.findings] == [
        ("typo", "fix", "特記事項の誤字"),
        ("omission", "minor", ""),
    ]
    audit = _rows(world, "SELECT who, after_json FROM audit_log WHERE action = 'inspect' AND key = ?", FORM)
    assert audit[0][0] == "chief2" and json.loads(audit[0][1])["findings"] == ["typo:fix", "omission:minor"]


def test_the_first_ten_reviews_finished_check_counts_as_the_inspection(as_, world):
    from inspect_tui.services.review import check as chk

    tester = as_("tester")
    ctx = chk.start_check(tester, case_no=FORM)
    assert ctx.check.kind == "focused"
    assert not ins.submission_gate(tester, FORM).allowed  # a draft is not a finished inspection
    chk.add_finding(tester, ctx.check.id, "typo", "minor", note="誤字")
    chk.mark_rest_ok(tester, ctx.check.id)
    chk.complete_check(tester, ctx.check.id, minutes=10)
    gate = ins.submission_gate(tester, FORM)
    assert gate.allowed and gate.by is not None
    assert (gate.by.source, gate.by.inspector, gate.by.result) == (
        f"review_check:{ctx.check.id}",
        "tester",
        "findings",
    )
    record_step(as_("boss"), FORM, "submit", D(2027, 6, 10))
    assert _rows(world, "SELECT basis, source FROM submission_checks") == [
        ("inspected", f"review_check:{ctx.check.id}")
    ]


def test_an_inspection_before_a_resurvey_does_not_let_the_new_form_out(as_, world):
    tester = as_("tester")
    ins.record_inspection(as_("chief2"), FORM, "ok")
    record_step(tester, FORM, "submit", D(2027, 6, 1))
    record_step(tester, FORM, "resurvey", D(2027, 6, 5), "再調査")
    record_step(tester, FORM, "visit", D(2027, 6, 8))
    with pytest.raises(ins.SubmissionRefused) as exc:
        record_step(tester, FORM, "submit", D(2027, 6, 10))
    assert "返戻・再調査のあとの点検" in str(exc.value)
    ins.record_inspection(as_("boss"), FORM, "ok")  # the new form, inspected
    record_step(tester, FORM, "submit", D(2027, 6, 10))
    assert [r[0] for r in _rows(world, "SELECT source FROM submission_checks ORDER BY id")] == [
        "inspection:1",
        "inspection:2",
    ]


def test_a_review_check_corrected_after_a_resurvey_is_still_of_the_old_form(as_, world, monkeypatch):
    """A review check counts from when it was first completed: correcting it after the
    re-survey (which moves its updated_at) does not make it an inspection of the new form."""
    from inspect_tui.services.review import check as chk
    from inspect_tui.services.review import completing

    tester = as_("tester")
    ctx = chk.start_check(tester, case_no=FORM)
    chk.mark_rest_ok(tester, ctx.check.id)
    chk.complete_check(tester, ctx.check.id, minutes=10)
    boss = as_("boss")
    record_step(boss, FORM, "resurvey", D(2027, 6, 5), "再調査")
    record_step(boss, FORM, "visit", D(2027, 6, 8))
    monkeypatch.setattr(completing, "now_jp_iso", lambda: "2027-06-15T23:59:59+09:00")  # later that day
    chk.complete_check(tester, ctx.check.id, minutes=12)  # a correction of the finished check
    with pytest.raises(ins.SubmissionRefused):
        record_step(boss, FORM, "submit", D(2027, 6, 10))


def test_the_authors_own_review_check_would_not_count(as_, world):
    """A review check whose inspector is the author (written behind the app's back) is no
    inspection: the gate looks at who inspected, not only that a check exists."""
    conn = sqlite3.connect(world)
    case_id = conn.execute("SELECT id FROM cases WHERE case_no = ?", (FORM,)).fetchone()[0]
    conn.execute(
        "INSERT INTO review_checks (case_id, surveyor, inspector, kind, state, created_at, updated_at, who)"
        " VALUES (?, 'S010', 'S010', 'routine', 'done', '2027-06-15T09:00:00+09:00',"
        " '2027-06-15T09:00:00+09:00', 'suzuki')",
        (case_id,),
    )
    conn.commit()
    conn.close()
    assert len(ins.inspection_of(as_("boss"), FORM).inspections) == 1
    assert not ins.submission_gate(as_("boss"), FORM).allowed


# --------------------------------------------------------------------------- the manager's override


def test_a_manager_may_submit_without_inspection_with_a_reason_and_it_is_recorded(as_, world):
    boss = as_("boss")
    with pytest.raises(StepError, match="理由"):
        record_step(boss, FORM, "submit", D(2027, 6, 10), without_inspection="  ")
    record_step(boss, FORM, "submit", D(2027, 6, 10), without_inspection="主任が全員不在のため")
    assert _submitted_on(world, FORM) == "2027-06-10"
    assert _rows(world, "SELECT basis, source, reason, who FROM submission_checks") == [
        ("unchecked", None, "主任が全員不在のため", "boss")
    ]
    note = _rows(
        world,
        "SELECT note FROM case_events e JOIN cases c ON c.id = e.case_id"
        " WHERE case_no = ? AND kind = 'submit'",
        FORM,
    )
    assert note == [("【点検なしで提出】主任が全員不在のため",)]
    audit = _rows(world, "SELECT who, after_json FROM audit_log WHERE action = 'submit_unchecked'")
    assert audit[0][0] == "boss" and json.loads(audit[0][1])["reason"] == "主任が全員不在のため"
    f = ins.figures(boss, D(2027, 6, 1), D(2027, 6, 30))
    assert (f.inspected, f.unchecked) == (0, 1)


def test_a_chief_may_not_override_and_nothing_is_written(as_, world):
    with pytest.raises(PermissionDenied, match="点検なしでの提出"):
        record_step(as_("tester"), FORM, "submit", D(2027, 6, 10), without_inspection="急ぎ")
    assert _submitted_on(world, FORM) is None
    assert _rows(world, "SELECT COUNT(*) FROM submission_checks") == [(0,)]


def test_without_inspection_on_another_step_is_refused(as_):
    with pytest.raises(StepError, match="提出・再提出にだけ"):
        record_step(as_("boss"), "R9-00100", "accept", D(2027, 6, 10), without_inspection="x")


# --------------------------------------------------------------------------- what an inspection holds


@pytest.mark.parametrize(
    ("result", "findings", "says"),
    [
        ("ok", ["typo:fix"], "ok（問題なし）には指摘を付けられません"),
        ("findings", [], "1つ以上"),
        ("findings", ["spelling:fix"], "観点「spelling」は使えません。使える観点: typo"),
        ("findings", ["typo:huge"], "重さ「huge」は使えません。使える重さ: minor"),
        ("findings", ["typo"], "観点:重さ[:メモ] の形ではありません"),
        ("maybe", [], "結果「maybe」は使えません"),
    ],
)
def test_bad_inspections_say_what_is_valid_and_write_nothing(as_, world, result, findings, says):
    with pytest.raises(InspectionRuleError) as exc:
        ins.record_inspection(as_("tester"), FORM, result, findings)
    assert says in str(exc.value)
    assert _rows(world, "SELECT COUNT(*) FROM inspections") == [(0,)]


def test_a_form_not_yet_visited_cannot_be_inspected(as_, world):
    conn = sqlite3.connect(world)
    conn.execute("UPDATE cases SET visited_on = NULL, status = 'contacted' WHERE case_no = ?", (FORM,))
    conn.commit()
    conn.close()
    with pytest.raises(InspectionRuleError, match="まだ訪問していません"):
        ins.record_inspection(as_("tester"), FORM, "ok")


def test_inspections_cannot_be_changed_or_deleted(as_, world):
    ins.record_inspection(as_("tester"), FORM, "ok")
    conn = sqlite3.connect(world)
    for sql in ("UPDATE inspections SET result = 'findings'", "DELETE FROM inspections"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    conn.close()


# --------------------------------------------------------------------------- the month's figures


def test_the_months_figures_computed_by_hand(as_, world):
    """June 2027, by hand: R9-00104 and R9-00105 inspected and submitted (2), R9-00106
    submitted by the manager's override (1); R9-00100..R9-00103 have March-April
    submission dates from the data (not June); R9-00900's came with the data in May.
    Then R9-00107's submission date is written in June as an import would: 1 imported.
    Rate = 2 / (2 + 1) = 66.7%."""
    boss = as_("boss")
    for no in ("R9-00104", "R9-00105"):
        ins.record_inspection(as_("chief2"), no, "ok")
        record_step(boss, no, "submit", D(2027, 6, 10))
    record_step(boss, "R9-00106", "submit", D(2027, 6, 11), without_inspection="至急の依頼")
    conn = sqlite3.connect(world)
    conn.execute(
        "UPDATE cases SET submitted_on = '2027-06-12', status = 'submitted' WHERE case_no = 'R9-00107'"
    )
    conn.commit()
    conn.close()
    f = ins.figures(boss, D(2027, 6, 1), D(2027, 6, 30))
    assert (f.inspected, f.unchecked, f.imported) == (2, 1, 1)
    assert str(f.rate) == "66.7"
    assert f.to_json() == {
        "inspected": 2,
        "without_inspection": 1,
        "imported_no_record": 1,
        "inspection_rate": 66.7,
    }
    section = ins.inspection_section(boss, parse_month("2027-06"), D(2027, 6, 15))
    lists = {t.caption: t.rows for t in section.tables if t.caption}
    assert lists["点検なしで提出: 1 件"] == [["R9-00106", "2027-06-11", "boss", "至急の依頼"]]
    assert lists["点検記録なし（取込）: 1 件"] == [["R9-00107", "2027-06-12"]]


# --------------------------------------------------------------------------- an older file


def test_a_database_of_the_previous_release_is_upgraded_and_its_submissions_counted_apart(tmp_path):
    """A file at schema 7 (today's release) with a case submitted before this feature: after
    the upgrade the tables exist, the old submission counts as 点検記録なし（取込） (not as
    submitted without inspection), and the gate applies to the next form."""
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session
    from inspect_tui.store.schema import MIGRATIONS

    path = tmp_path / "old" / "cases.db"
    path.parent.mkdir(mode=0o700)
    conn = sqlite3.connect(path)
    for m in MIGRATIONS:
        if m.number <= 7:
            conn.executescript(m.sql())
    conn.execute("PRAGMA user_version = 7")
    conn.executescript(
        "INSERT INTO cases (case_no, application, ward, received_on, contacted_on, visited_on, submitted_on,"
        " status) VALUES ('OLD-1', '新規', '長田区', '2027-06-01', '2027-06-02', '2027-06-03', '2027-06-04',"
        " 'submitted'),"
        " ('OLD-2', '新規', '長田区', '2027-06-01', '2027-06-02', '2027-06-03', NULL, 'visited');"
    )
    conn.commit()
    conn.close()
    with open_session(path, Config()) as s:  # the file's owner becomes its manager
        f = ins.figures(s, D(2027, 6, 1), D(2027, 6, 30))
        assert (f.inspected, f.unchecked, f.imported) == (0, 0, 1) and f.rate is None
        with pytest.raises(ins.SubmissionRefused):
            record_step(s, "OLD-2", "submit", D(2027, 6, 10))
