"""`case inspect` and `case step … submit [--without-inspection REASON]` through the real CLI.

The review world (tests/builders.py, build_review_db): 'suzuki' is surveyor S010, the author of
R9-00104 (visited, not submitted); 'tester' and 'chief2' are chiefs; 'boss' the manager.
"""

from __future__ import annotations

import sqlite3

import pytest

from builders import build_review_db as build
from inspect_tui.cli.main import main
from inspect_tui.services.trust import identity

FORM = "R9-00104"


@pytest.fixture
def world(tmp_path):
    return build(tmp_path / "w" / "cases.db")


@pytest.fixture
def run(world, capsys):
    def run(login: str, *argv: str) -> tuple[int, str, str]:
        identity.act_as(login)
        try:
            code = main([*argv, "--db", str(world)])
        finally:
            identity.act_as(None)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _count(world, table: str) -> int:
    conn = sqlite3.connect(world)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_inspect_then_submit(run, world):
    code, out, err = run(
        "chief2", "case", "inspect", FORM, "--result", "findings", "--finding", "typo:fix:誤字"
    )
    assert (code, err) == (0, "") and "点検を記録しました（指摘あり、指摘 1 件）" in out
    code, out, err = run("tester", "case", "step", FORM, "submit", "--on", "2027-06-10")
    assert code == 0 and "状態: 提出済" in out, err


def test_submit_without_inspection_is_refused_with_who_may_inspect(run, world):
    code, out, err = run("tester", "case", "step", FORM, "submit", "--on", "2027-06-10")
    assert code == 1 and out == "" and "Traceback" not in err
    assert "点検が終わっていない" in err and "点検できる人: chief2、tester、boss" in err
    assert f"inspect-tui case inspect {FORM} --result" in err  # how to go on, in the CLI's words
    assert _count(world, "submission_checks") == 0


def test_the_author_is_refused_naming_the_rule(run, world):
    code, out, err = run("suzuki", "case", "inspect", FORM, "--result", "ok")
    assert code == 1 and out == "" and "Traceback" not in err
    assert "作成した調査員以外" in err and "001 §4(5)" in err
    assert _count(world, "inspections") == 0


@pytest.mark.parametrize(
    ("finding", "says"),
    [
        ("spelling:fix", "使える観点: typo（誤字・脱字）"),
        ("typo:urgent", "使える重さ: minor（軽微）、fix（要修正）、serious（重大）"),
        ("typo", "1番目の --finding「typo」は 観点:重さ[:メモ] の形ではありません"),
    ],
)
def test_bad_aspect_or_severity_names_the_valid_ones(run, world, finding, says):
    code, out, err = run("tester", "case", "inspect", FORM, "--result", "findings", "--finding", finding)
    assert code == 2 and out == "" and says in err and "Traceback" not in err
    assert _count(world, "inspections") == 0


def test_the_manager_override_is_recorded_and_a_chief_cannot(run, world):
    code, _, err = run(
        "tester", "case", "step", FORM, "submit", "--on", "2027-06-10", "--without-inspection", "急ぎ"
    )
    assert code == 1 and "点検なしでの提出の記録" in err and "権限がありません" in err
    assert _count(world, "submission_checks") == 0
    code, out, err = run(
        "boss", "case", "step", FORM, "submit", "--on", "2027-06-10", "--without-inspection", "主任不在"
    )
    assert code == 0, err
    assert "点検なしの提出として記録しました" in out
    assert _count(world, "submission_checks") == 1


def test_a_monitor_may_not_inspect(run, world):
    from builders import session_as
    from inspect_tui.services.trust.permissions import save_user

    boss = session_as(world, "boss")
    save_user(boss, "city01", "monitor")
    boss.close()
    code, _, err = run("city01", "case", "inspect", FORM, "--result", "ok")
    assert code == 1 and "調査票の点検の記録" in err and "権限がありません" in err


def test_case_show_lists_the_inspections_and_who_may_inspect(run, world):
    code, out, _ = run("tester", "case", "show", FORM)
    assert code == 0
    assert (
        "（点検の記録はありません）" in out
        and "提出の前に点検が必要です。点検できる人: chief2、tester、boss" in out
    )
    run("chief2", "case", "inspect", FORM, "--result", "findings", "--finding", "wording:minor:言い回し")
    code, out, _ = run("tester", "case", "show", FORM)
    block = out.split("点検:")[1].split("経過:")[0]
    assert "chief2  指摘あり（今回の点検）" in block and "wording:minor 言い回し" in block
    assert "提出できます（点検済み）" in block
