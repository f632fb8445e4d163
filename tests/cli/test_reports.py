"""`inspect-tui report …` through inspect_tui.cli.main.main, including bad input."""

from __future__ import annotations

import json

import pytest

from builders import add_case
from inspect_tui.cli.main import main


@pytest.fixture
def db(session, db_path):
    add_case(
        session,
        received_on="2027-05-06",
        contacted_on="2027-05-11",
        visited_on="2027-05-12",
        submitted_on="2027-05-14",
        accepted_on="2027-05-20",
    )
    add_case(
        session,
        received_on="2027-05-06",
        welfare=1,
        contacted_on="2027-05-07",
        visited_on="2027-05-10",
        submitted_on="2027-05-12",
        accepted_on="2027-05-21",
    )
    add_case(session, received_on="2027-05-10", is_home=0, insurer="明石市", contacted_on="2027-05-14")
    return str(db_path)


def test_monthly_json(db, capsys):
    assert (
        main(
            [
                "report",
                "monthly",
                "--month",
                "2027-05",
                "--unit-price",
                "7777",
                "--format",
                "json",
                "--db",
                db,
            ]
        )
        == 0
    )
    j = json.loads(capsys.readouterr().out)
    assert j["month"] == "2027-05" and j["as_of"] == "2027-06-15"  # as-of defaults to today (pinned)
    assert j["counts"]["accepted_home"] == 2 and j["counts"]["accepted_welfare"] == 1
    # 2 × 7,777 = 15,554; total 17,109 (17,109.4 cut); tax 1,555
    assert j["billing"]["home"] == {"count": 2, "subtotal": 15554, "tax": 1555, "total": 17109}
    # the third case's contact (due 5/13, made 5/14) is late
    assert j["deadlines"]["contact"]["late"] == 1


def test_monthly_text_lists_late_case_numbers(db, capsys):
    assert main(["report", "monthly", "--month", "2027-05", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "業務履行報告書（月次）" in out and "R9-" in out and "試験" not in out


def test_monthly_as_of(db, capsys):
    assert (
        main(
            ["report", "monthly", "--month", "2027-05", "--as-of", "R9.5.12", "--format", "json", "--db", db]
        )
        == 0
    )
    j = json.loads(capsys.readouterr().out)
    assert j["as_of"] == "2027-05-12" and j["counts"]["accepted"] == 0


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--month", "2027-13"], "月は1〜12"),
        (["--month", "May"], "月として読めません"),
        (["--month", "2027-05", "--as-of", "2027-02-30"], "--as-of"),
        (["--month", "2027-05", "--unit-price", "-5"], "0以上"),
        (["--month", "2027-08"], "より前"),  # a month after as-of
    ],
)
def test_monthly_bad_input_exits_2(db, capsys, argv, message):
    assert main(["report", "monthly", *argv, "--db", db]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_bad_month_is_reported_before_the_database_is_looked_for(tmp_path, capsys):
    assert main(["report", "monthly", "--month", "2027-13", "--db", str(tmp_path / "none.db")]) == 2
    assert "月は1〜12" in capsys.readouterr().err


def test_xlsx_to_a_terminal_gets_its_default_name_without_personal_data(db, tmp_path, monkeypatch, capsys):
    import sys

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)  # a terminal would show the bytes
    assert main(["report", "monthly", "--month", "2027-05", "--format", "xlsx", "--db", db]) == 0
    assert (tmp_path / "monthly_2027-05.xlsx").exists()
    assert "monthly_2027-05.xlsx" in capsys.readouterr().err
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert (
        main(["report", "sla", "--period", "2027Q1", "--format", "csv", "-o", str(out_dir), "--db", db]) == 0
    )
    assert (out_dir / "sla_2027Q1.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_sla_and_kpi(db, capsys):
    assert main(["report", "sla", "--period", "2027Q1", "--format", "json", "--db", db]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["period"] == "2027Q1"
    late = next(i for i in j["indicators"] if i["id"] == "late_contact")
    assert late["actual"] == 1 and late["achieved"] is False
    assert main(["report", "sla", "--period", "2027Q5", "--db", db]) == 2
    assert "Q1〜Q4" in capsys.readouterr().err
    assert main(["report", "kpi-set", "satisfaction", "FY2027", "86.4", "--db", db]) == 0
    assert "保存しました" in capsys.readouterr().out
    assert main(["report", "kpi", "--fy", "2027", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "令和9年度" in out and "86.4%" in out
    assert main(["report", "kpi", "--fy", "R9", "--db", db]) == 0  # 和暦: the same year
    assert capsys.readouterr().out == out
    assert main(["report", "kpi", "--fy", "平成32年度", "--db", db]) == 2
    assert "2020年度は令和2年度" in capsys.readouterr().err


def test_config_sla_file_errors_exit_2(db, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "sla.toml"
    bad.write_text('[[indicator]]\nid = "x"\n', encoding="utf-8")
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'sla_file = "{bad}"\n', encoding="utf-8")
    monkeypatch.setenv("INSPECT_TUI_CONFIG", str(cfg))
    assert main(["report", "sla", "--period", "2027-05", "--db", db]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "name がありません" in err


def test_note_round_trip(db, capsys):
    assert main(["report", "note", "2027-05", "improvements", "点検表を見直した", "--db", db]) == 0
    assert main(["report", "note", "2027-05", "improvements", "--db", db]) == 0
    assert "点検表を見直した" in capsys.readouterr().out
    assert main(["report", "monthly", "--month", "2027-05", "--format", "md", "--db", db]) == 0
    assert "点検表を見直した" in capsys.readouterr().out


@pytest.mark.parametrize("output", [[], ["-o", "-"]])
def test_every_format_reaches_standard_output(db, output):
    """For an SSH client: `ssh … 'inspect-tui report monthly --format xlsx' > monthly.xlsx`."""
    import subprocess
    import sys

    for fmt, start in (("xlsx", b"PK"), ("json", b"{"), ("csv", b"\xef\xbb\xbf")):
        r = subprocess.run(
            [sys.executable, "-m", "inspect_tui", "report", "monthly", "--month", "2027-05",
             "--format", fmt, *output, "--db", db],
            capture_output=True, timeout=60,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr.decode()
        assert r.stdout.startswith(start), fmt
        assert b"\xe6\x9b\xb8\xe3\x81\x8d\xe5\x87\xba\xe3\x81\x97" not in r.stderr  # 書き出し: no file
