"""`inspect-tui review assign|assignments`: help across wards from the command line."""

from __future__ import annotations

import json
import sqlite3

import pytest

from inspect_tui.services.trust import identity


@pytest.fixture
def run(review_db, capsys):
    """The CLI in-process on the review database, as a login."""
    from inspect_tui.cli.main import main

    def go(login: str, *argv: str) -> tuple[int, str, str]:
        identity.act_as(login)
        try:
            code = main([*argv, "--db", str(review_db)])
        finally:
            identity.act_as(None)
        out, err = capsys.readouterr()
        return code, out, err

    return go


def _rows(review_db) -> int:
    conn = sqlite3.connect(review_db)
    try:
        return conn.execute("SELECT count(*) FROM review_assignments").fetchone()[0]
    finally:
        conn.close()


def test_a_manager_assigns_lists_and_ends(run, review_db):
    code, out, err = run(
        "boss", "review", "assign", "--case", "R9-00100", "--to", "S002", "--reason", "研修の応援",
        "--until", "2027-06-30",
    )  # fmt: skip
    assert code == 0, err
    said = "割り当て 1: S002 に 調査票 R9-00100（長田区） を割り当てました（2027-06-15 から 2027-06-30 まで）"
    assert out.strip() == said
    code, out, err = run("boss", "review", "assign", "--surveyor", "S010", "--to", "S002", "--reason", "応援")
    assert code == 0 and "調査員 S010 の点検すべて" in out and "終えるまで" in out, err
    code, out, _ = run("boss", "review", "assign", "--end", "1", "--reason", "研修が終わった")
    assert code == 0 and out.strip() == "割り当て 1 を終えました（S002: 調査票 R9-00100（長田区））"
    code, out, _ = run("chief2", "review", "assignments", "--format", "json")
    data = json.loads(out)["assignments"]
    assert code == 0
    assert [(a["id"], a["chief"], a["case_no"], a["surveyor"], a["in_force"]) for a in data] == [
        (1, "S002", "R9-00100", None, False),
        (2, "S002", None, "S010", True),
    ]
    assert data[0]["ended_at"] and data[0]["until"] == "2027-06-30" and data[1]["until"] is None
    code, out, _ = run("chief2", "review", "assignments")
    assert code == 0 and "終了" in out and "有効" in out and "研修の応援" in out


@pytest.mark.parametrize("login", ["chief2", "suzuki"])
def test_a_chief_may_not_assign_and_nothing_is_written(run, review_db, login):
    code, _, err = run(login, "review", "assign", "--case", "R9-00100", "--to", "S002", "--reason", "自分で")
    assert code == 1 and "「担当区外の点検（応援）の割り当て」の権限がありません" in err
    assert "Traceback" not in err and _rows(review_db) == 0


def test_the_permission_comes_before_the_input(run, review_db):
    """A chief is refused for the permission even when the input is wrong too."""
    code, _, err = run("chief2", "review", "assign", "--end", "999")
    assert code == 1 and "権限がありません" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--case", "R9-00100", "--reason", "x"], "--to で応援する主任調査員"),
        (["--case", "R9-00100", "--to", "S002"], "理由を書いてください"),
        (["--case", "R9-00100", "--to", "S010", "--reason", "x"], "S010 は主任調査員ではありません"),
        (["--end", "7"], "割り当て 7 は見つかりません"),
        (["--case", "R9-00100", "--to", "S002", "--reason", "x", "--until", "2027-06-01"], "より前です"),
    ],
)
def test_bad_input_is_refused_plainly(run, review_db, argv, message):
    code, _, err = run("boss", "review", "assign", *argv)
    assert code == 2 and message in err and "Traceback" not in err, err
    assert _rows(review_db) == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["--case", "R9-00100", "--surveyor", "S010", "--to", "S002"],
        ["--case", "R9-00100", "--to", "S002", "--until", "2027-13-01"],
    ],
)
def test_the_parser_refuses_both_targets_and_a_bad_date(run, argv, capsys):
    with pytest.raises(SystemExit) as exc:
        run("boss", "review", "assign", *argv)
    assert exc.value.code == 2


def test_a_reason_that_looks_like_personal_data_is_warned_or_refused_with_strict(run, review_db):
    argv = ["review", "assign", "--case", "R9-00100", "--to", "S002", "--reason", "被保険者番号 1234567890"]
    code, _, err = run("boss", *argv, "--strict")
    assert code == 2 and "保存していません" in err and "1234567890" not in err
    assert _rows(review_db) == 0
    code, _, err = run("boss", *argv)
    assert code == 0 and "注意" in err and "1234567890" not in err
    code, out, _ = run("boss", "review", "assignments", "--format", "json")
    assert "1234567890" in out  # a manager sees it as typed


def test_a_monitor_reads_the_reason_masked(run, review_db):
    from builders import session_as
    from inspect_tui.services.trust.permissions import save_user

    run("boss", "review", "assign", "--case", "R9-00100", "--to", "S002", "--reason", "番号 1234567890 の件")
    boss = session_as(review_db, "boss")
    save_user(boss, "city01", "monitor")
    boss.close()
    code, out, _ = run("city01", "review", "assignments", "--format", "json")
    assert code == 0 and "1234567890" not in out and "R9-00100" in out


def test_a_chief_refused_a_form_of_another_ward_is_told_the_way_out(run, review_db):
    """The check's start refuses outside the chief's wards, through the CLI's errors too
    (via the queue's service, as the app calls it): no traceback, the ward named."""
    from builders import session_as
    from inspect_tui.services.review import check as chk
    from inspect_tui.services.review.queue import ReviewError

    conn = sqlite3.connect(review_db)
    with conn:
        conn.execute("UPDATE surveyors SET wards = '須磨区' WHERE code = 'S002'")
    conn.close()
    s = session_as(review_db, "chief2")
    with pytest.raises(ReviewError, match="長田区の調査票です。担当区は須磨区です"):
        chk.start_check(s, case_no="R9-00100")
    s.close()
    run("boss", "review", "assign", "--case", "R9-00100", "--to", "S002", "--reason", "応援")
    s = session_as(review_db, "chief2")
    assert chk.start_check(s, case_no="R9-00100").check.inspector == "S002"
    s.close()
