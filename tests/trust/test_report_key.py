"""A report-only SSH key (forced command ``inspect-tui --as city01 --db … report``), tried as
an attacker holding it: every spelling of a server file, every abbreviation, every command
that is not a report. In-process through cli.main with SSH_ORIGINAL_COMMAND set as sshd
sets it (tests/trust/test_ssh.py runs a share of these, and the set-up page's own lines,
through a real sshd)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builders import add_case
from inspect_tui.cli.main import main
from inspect_tui.services.trust.permissions import save_user


@pytest.fixture
def key(session, db_path, tmp_path, monkeypatch):
    """Run a request as sshd would under city01's report-only key; (exit code, out, err)."""
    save_user(session, "city01", "monitor", None)
    add_case(session, received_on="2027-06-03", contacted_on="2027-06-09")  # contact late (due 6/8)
    server = tmp_path / "server-home"
    server.mkdir()
    monkeypatch.chdir(server)
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50000 192.0.2.10 22")

    def run(request: str, capsys) -> tuple[int, str, str]:
        monkeypatch.setenv("SSH_ORIGINAL_COMMAND", request.format(server=server))
        try:
            code = main(["--as", "city01", "--db", str(db_path), "report"])
        except SystemExit as exc:  # argparse: an option it does not know
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    run.server = server  # type: ignore[attr-defined]
    run.db = db_path  # type: ignore[attr-defined]
    return run


def _state(db: Path) -> tuple:
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("users", "audit_log"))


@pytest.mark.parametrize(
    "request_",
    [
        "inspect-tui report monthly --month 2027-06 -o {server}/m.txt",
        "inspect-tui report monthly --month 2027-06 -o m.txt",
        "inspect-tui report monthly --month 2027-06 --output {server}/m.txt",
        "inspect-tui report monthly --month 2027-06 --output={server}/m.txt",
        "inspect-tui report monthly --month 2027-06 -o{server}/m.txt",
        "inspect-tui report monthly --month 2027-06 -o={server}/m.txt",
        "inspect-tui report monthly --month 2027-06 -o - -o {server}/m.txt",
        "inspect-tui report monthly --month 2027-06 -o {server}/",
        "inspect-tui report monthly --month 2027-06 -o .",
        "inspect-tui report monthly --month 2027-06 -o ''",
        "inspect-tui report monthly --month 2027-06 -o ' '",
        "inspect-tui report monthly --month 2027-06 -o ./-",
        "inspect-tui report monthly --month 2027-06 -o ~/.ssh/authorized_keys",
        "inspect-tui report kpi --fy 2027 --format xlsx -o {server}/kpi.xlsx",
    ],
)
def test_no_spelling_of_o_writes_a_file_on_the_server(key, capsys, request_):
    code, out, err = key(request_, capsys)
    assert code == 1 and "SSH 越しにはサーバーのファイルを指定できません" in err
    assert out == "" and list(key.server.iterdir()) == []


@pytest.mark.parametrize(
    "request_",
    [
        "inspect-tui report monthly --month 2027-06 --out {server}/m.txt",
        "inspect-tui report monthly --month 2027-06 --out={server}/m.txt",
        "inspect-tui report monthly --month 2027-06 --outp {server}/m.txt",
        "inspect-tui report monthly --month 2027-06 --o {server}/m.txt",
        "inspect-tui report monthly --month 2027-06 --fo xlsx",
        "inspect-tui report kpi --fy 2027 --form=xlsx",
        "inspect-tui report monthly --mon 2027-06",
    ],
)
def test_abbreviations_are_unknown_options(key, capsys, request_):
    """argparse would read --out as --output and --fo as --format; every parser here has
    allow_abbrev off, so they are refused as unknown (or the real option is missing),
    before anything runs."""
    code, out, err = key(request_, capsys)
    assert code == 2 and ("unrecognized arguments" in err or "the following arguments are required" in err)
    assert out == "" and list(key.server.iterdir()) == []


@pytest.mark.parametrize(
    "request_, message",
    [
        ("inspect-tui whoami", "この鍵で使えるのは inspect-tui report … だけです"),
        ("inspect-tui", "この鍵で使えるのは inspect-tui report … だけです"),
        ("inspect-tui --theme dark report kpi --fy 2027", "この鍵で使えるのは inspect-tui report"),
        ("inspect-tui users add mallory --role manager", "この鍵で使えるのは inspect-tui report"),
        ("inspect-tui audit list", "この鍵で使えるのは inspect-tui report"),
        ("inspect-tui import cases /etc/passwd", "この鍵で使えるのは inspect-tui report"),
        ("python3 -m inspect_tui whoami", "この鍵で使えるのは inspect-tui report"),
        ("inspect-tui report kpi-set satisfaction 2027 99", "報告書の出力だけです"),
        ("inspect-tui report note 2027-06 problems", "報告書の出力だけです"),
        ("inspect-tui report note 2027-06 problems 'x'", "報告書の出力だけです"),
        ("inspect-tui report close-month 2027-05", "報告書の出力だけです"),
        ("inspect-tui report --as {svc} kpi --fy 2027", "指定できません"),
        ("inspect-tui report kpi --fy 2027 --as={svc}", "指定できません"),
        ("inspect-tui report kpi --fy 2027 --a {svc}", "指定できません"),
        ("inspect-tui report kpi --fy 2027 --db /tmp/other.db", "指定できません"),
        ("inspect-tui report kpi --fy 2027 --d /tmp/other.db", "指定できません"),
        ("inspect-tui report -- kpi --fy 2027", "「--」はこの接続では指定できません"),
        ("INSPECT_TUI_USER=root inspect-tui report kpi --fy 2027", "環境変数の指定"),
        ("ls /", "inspect-tui しか使えません"),
        ("scp -f /srv/inspect/cases.db", "inspect-tui しか使えません"),
    ],
)
def test_nothing_but_a_report_runs(key, capsys, request_, message):
    before = _state(key.db)
    code, out, err = key(request_.replace("{svc}", "tester"), capsys)
    assert code == 1 and message in err, err
    assert out == "" and list(key.server.iterdir()) == []
    assert _state(key.db) == before


@pytest.mark.parametrize("output", ["", " -o -", " -o-", " --output=-", " --output -"])
def test_a_report_comes_back_on_standard_output(key, capsys, output):
    code, out, err = key(f"inspect-tui report sla --period 2027Q1 --format json{output}", capsys)
    assert code == 0 and err == ""
    late = next(i for i in json.loads(out)["indicators"] if i["id"] == "late_contact")
    assert late["actual"] == 1  # the one late contact of June (due 6/8, made 6/9)
    assert list(key.server.iterdir()) == []


def test_report_alone_lists_what_can_be_asked_for(key, capsys):
    code, _out, err = key("", capsys)  # `ssh inspect@server` with no command
    assert code == 2 and "報告書の種類を指定してください" in err
    assert "inspect-tui report monthly --month YYYY-MM" in err and "inspect-tui report kpi --fy FY" in err
    code, _out, err = key("inspect-tui report", capsys)
    assert code == 2 and "inspect-tui report pareto --from DATE --to DATE --of SOURCE" in err
