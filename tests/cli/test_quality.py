"""The complaint / incident / problem / pareto commands, good and bad input."""

from __future__ import annotations

import json

import pytest

from inspect_tui.cli.main import main


@pytest.fixture
def db(qs, db_path):
    qs.close()  # the commands open their own session on the same file
    return str(db_path)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def add_complaint(capsys, db, *extra):
    return run(
        capsys,
        "complaint",
        "add",
        "--db",
        db,
        "--at",
        "2027-06-14 10:30",
        "--from",
        "家族",
        "--handler",
        "主任A",
        "--ward",
        "長田区",
        "--category",
        "日程調整",
        "--content",
        "訪問日の連絡が遅かった",
        *extra,
    )


def test_complaint_add_and_list(capsys, db):
    code, out, _ = add_complaint(capsys, db, "--serious", "--case", "2027-0001", "--surveyor", "S01")
    assert code == 0 and "苦情 1 を記録しました（重大、市へ未報告）" in out
    code, out, _ = run(capsys, "complaint", "list", "--db", db, "--unreported")
    assert code == 0 and "2027-0001" in out and "市へ未報告" in out
    code, out, _ = run(capsys, "complaint", "report-city", "1", "--db", db, "--at", "2027-06-14 11:00")
    assert code == 0
    code, out, _ = run(capsys, "complaint", "list", "--db", db, "--unreported")
    assert out.strip() == "（該当なし）"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (["--ward", "中央区"], "区: 「中央区」は担当の区ではありません"),
        (["--case", "NOPE"], "依頼番号: 「NOPE」という依頼はありません"),
        (["--surveyor", "S99"], "調査員: 調査員コード「S99」は名簿にありません"),
        (["--at", "2027-06-14 9時"], "受付日時: 「2027-06-14 9時」に時刻がありません"),
        (["--category", "苦情"], "区分: 「苦情」は選べません"),
    ],
)
def test_complaint_bad_input_exits_2_and_writes_nothing(capsys, db, extra, field):
    code, out, err = add_complaint(capsys, db, *extra)
    assert code == 2 and field in err and "何も保存していません" in err and out == ""
    code, out, _ = run(capsys, "complaint", "list", "--db", db)
    assert out.strip() == "（該当なし）"


def test_missing_required_option_is_refused_by_argparse(capsys, db):
    with pytest.raises(SystemExit) as e:
        main(["complaint", "add", "--db", db, "--at", "2027-06-14 10:30"])
    assert e.value.code == 2


def test_incident_phone_then_written(capsys, db):
    code, out, _ = run(
        capsys,
        "incident",
        "add",
        "--db",
        db,
        "--kind",
        "security",
        "--at",
        "2027-06-10 09:00",
        "--ward",
        "須磨区",
        "--what",
        "調査票を車内に置き忘れた",
        "--cause",
        "書類の置き忘れ・紛失",
        "--root-cause",
        "持ち出しの確認がない",
        "--prevention",
        "持ち出し簿",
    )
    assert code == 0 and "セキュリティ事故 1 を記録しました（市へ未報告）" in out
    code, _, err = run(capsys, "incident", "report-city", "1", "--db", db, "--written-at", "2027-06-10 12:00")
    assert code == 2 and "先に市への電話連絡" in err
    code, out, _ = run(
        capsys,
        "incident",
        "report-city",
        "1",
        "--db",
        db,
        "--phoned-at",
        "2027-06-10 10:00",
        "--written-at",
        "2027-06-11 12:00",
    )
    assert code == 0 and "書面報告 2027-06-11 12:00" in out
    code, out, _ = run(capsys, "incident", "list", "--db", db, "--kind", "セキュリティ事故")
    assert "書面報告済" in out


def test_problem_add_list_close(capsys, db):
    add_complaint(capsys, db)
    code, _, err = run(
        capsys,
        "problem",
        "add",
        "--db",
        db,
        "--title",
        "連絡手順",
        "--owner",
        "主任A",
        "--due",
        "2027-06-99",
        "--complaint",
        "1",
        "--incident",
        "7",
    )
    assert code == 2 and "期限: 「2027-06-99」は存在しない日付です" in err and "事故7 はありません" in err
    code, out, _ = run(
        capsys,
        "problem",
        "add",
        "--db",
        db,
        "--title",
        "連絡手順",
        "--owner",
        "主任A",
        "--opened",
        "2027-06-01",
        "--due",
        "2027-06-10",
        "--complaint",
        "1",
    )
    assert code == 0 and "元: 苦情1" in out
    code, out, _ = run(capsys, "problem", "list", "--db", db)
    assert "期限超過" in out
    code, out, _ = run(capsys, "problem", "close", "1", "--db", db, "--fix", "連絡票を作った")
    assert code == 0 and "2027-06-15" in out
    code, out, _ = run(capsys, "problem", "list", "--db", db)
    assert out.strip() == "（該当なし）"


def test_pareto_every_format(capsys, db, tmp_path):
    for cat in ("接遇・態度", "接遇・態度", "日程調整"):
        code, *_ = add_complaint(capsys, db, "--category", cat)
        assert code == 0
    base = ["pareto", "--db", db, "--from", "2027-06-01", "--to", "2027-06-30", "--of", "complaints"]
    code, out, _ = run(capsys, *base)
    assert code == 0 and "接遇・態度" in out and "#" * 20 in out and "66.7%" in out
    assert not any(ch in out for ch in "○×△※")
    code, out, _ = run(capsys, *base, "--format", "json")
    data = json.loads(out)
    assert [(r["name"], r["count"], r["cumulative_pct"], r["vital_few"]) for r in data["rows"]] == [
        ("接遇・態度", 2, "66.7%", True),
        ("日程調整", 1, "100.0%", True),
    ]
    for fmt in ("md", "csv", "html", "xlsx"):
        path = tmp_path / f"p.{fmt}"
        code, _, _ = run(capsys, *base, "--format", fmt, "-o", str(path))
        assert code == 0 and path.stat().st_size > 0
    assert (tmp_path / "p.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "@page" in (tmp_path / "p.html").read_text(encoding="utf-8")
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "p.xlsx").worksheets[0]
    assert int(ws.page_setup.paperSize) == 9  # A4
    import zipfile

    assert "xl/charts/chart1.xml" in zipfile.ZipFile(tmp_path / "p.xlsx").namelist()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--of", "people"], "集計対象"),
        (["--of", "complaints", "--ward", "北区"], "区: 「北区」"),
        (["--of", "incidents", "--kind", "serious"], "種別"),
    ],
)
def test_pareto_bad_input(capsys, db, args, message):
    code, out, err = run(capsys, "pareto", "--db", db, "--from", "2027-06-01", "--to", "2027-06-30", *args)
    assert code == 2 and message in err and out == ""


def test_pareto_bad_date_and_xlsx_to_standard_output(db, capsys):
    import subprocess
    import sys

    assert main(["pareto", "--db", db, "--from", "R9.13.1", "--to", "2027-06-30", "--of", "complaints"]) == 2
    assert "--from: 「R9.13.1」" in capsys.readouterr().err  # the option is named, the database untouched
    argv = ["pareto", "--db", db, "--from", "2027-06-01", "--to", "2027-06-30", "--of", "complaints"]
    r = subprocess.run(
        [sys.executable, "-m", "inspect_tui", *argv, "--format", "xlsx"], capture_output=True, timeout=60
    )
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout.startswith(b"PK")  # the workbook itself, for `ssh … > pareto.xlsx`


def test_pareto_arguments_can_be_reused_for_an_alias(capsys, db):
    import argparse

    from inspect_tui.cli.quality import add_pareto_arguments, cmd_pareto

    p = argparse.ArgumentParser()
    p.add_argument("--db")
    add_pareto_arguments(p)
    p.set_defaults(func=cmd_pareto)
    args = p.parse_args(["--db", db, "--from", "2027-06-01", "--to", "2027-06-30", "--of", "incidents"])
    assert args.func(args) == 0
    assert "該当する記録はありません" in capsys.readouterr().out
