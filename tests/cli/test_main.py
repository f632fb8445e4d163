from __future__ import annotations

import io
import subprocess
import sys

import pytest

from inspect_tui.cli.main import build_parser, main


def run(args, capsys, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_deadline_business_and_calendar_days(capsys):
    assert run(["deadline", "2026-12-25", "6"], capsys)[:2] == (0, "2027-01-08\n")
    assert run(["deadline", "R8.12.25", "6"], capsys)[:2] == (0, "2027-01-08\n")
    assert run(["deadline", "2027-06-15", "20", "--calendar-days"], capsys)[:2] == (0, "2027-07-05\n")


def test_deadline_stdin_in_order(capsys, monkeypatch):
    code, out, _ = run(
        ["deadline", "--stdin"], capsys, "2026-12-25,6\n2027-04-28,3\n\ufeff2027-06-15,0\n", monkeypatch
    )
    assert code == 0
    assert out.splitlines() == ["2027-01-08", "2027-05-07", "2027-06-15"]


def test_deadline_stdin_bad_lines_named_and_nothing_printed(capsys, monkeypatch):
    code, out, err = run(
        ["deadline", "--stdin"], capsys, "2026-12-25,6\n2027-02-30,1\nabc\n2100-01-01,1\n", monkeypatch
    )
    assert code == 2 and out == ""
    assert "2行目: 「2027-02-30」は存在しない日付" in err
    assert "3行目" in err and "4行目" in err and "対応範囲外" in err


def test_deadline_outside_range(capsys):
    code, _, err = run(["deadline", "1980-01-01", "1"], capsys)
    assert code == 2 and "対応範囲外" in err


def test_db_option_after_the_subcommand(tmp_path, capsys):
    db = tmp_path / "x.db"
    code, _, err = run(["deadlines", "rederive", "--dry-run", "--db", str(db)], capsys)
    assert code == 1 and str(db) in err


def test_help_lists_every_command():
    text = build_parser().format_help()
    for cmd in ("deadline", "import", "demo", "config", "deadlines", "case"):
        assert cmd in text


def test_python_dash_m_works_like_the_script():
    out = subprocess.run(
        [sys.executable, "-m", "inspect_tui", "deadline", "2027-04-30", "1"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == "2027-05-06\n"


# the process's entry, as the script and python -m run it: the exit status is main's, and the
# objects are out of the collector's reach when the interpreter shuts down (cli.main.run)
ENTRY = """
import atexit, gc, sys
from inspect_tui.cli.main import run
atexit.register(lambda: print("frozen" if gc.get_freeze_count() else "not frozen"))
sys.argv = ["inspect-tui", *sys.argv[1:]]
sys.exit(run())
"""


@pytest.mark.parametrize(
    ("args", "code"), [(["deadline", "2027-04-30", "1"], 0), (["deadline", "x", "1"], 2)]
)
def test_the_entry_keeps_mains_exit_status_and_freezes_before_shutdown(args, code):
    out = subprocess.run([sys.executable, "-c", ENTRY, *args], capture_output=True, text=True)
    assert out.returncode == code
    assert out.stdout.splitlines()[-1] == "frozen"
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("args", [["deadline", "x", "1"], ["deadline", "2027-01-01", "y"]])
def test_bad_arguments_exit_nonzero_without_traceback(args, capsys):
    code, _, err = run(args, capsys)
    assert code == 2 and "Traceback" not in err
