"""Lists the CLI prints (`users list`, `audit list`) are tables on a terminal, lined up
by display width, and the same plain lines as before into a pipe."""

from __future__ import annotations

import re
import sys

import pytest
from wcwidth import wcswidth

from inspect_tui.cli.main import main

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def users(db_path, capsys):
    for login, role in (("tester", "manager"), ("kanri", "manager"), ("mona", "monitor")):
        assert main(["users", "add", login, "--role", role, "--db", str(db_path)]) == 0
    capsys.readouterr()
    return db_path


def _lines(capsys) -> list[str]:
    return [ANSI.sub("", line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_users_list_on_a_terminal_lines_up_japanese_role_labels(users, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["users", "list", "--db", str(users)]) == 0
    header, *rows = _lines(capsys)
    assert header.split() == ["ログイン", "役割", "調査員", "登録日"]
    assert len(rows) == 3
    date_column = {wcswidth(row[: row.index("20")]) for row in rows}  # where 登録日 starts, on screen
    assert len(date_column) == 1, rows


def test_users_list_into_a_pipe_is_the_plain_lines(users, capsys):
    assert main(["users", "list", "--db", str(users)]) == 0
    out = capsys.readouterr().out
    assert "ログイン" not in out and "\x1b" not in out
    assert out.splitlines()[0].startswith("kanri            manager  業務責任者    -          20")


def test_audit_list_is_a_table_only_on_a_terminal(users, capsys, monkeypatch):
    assert main(["audit", "list", "--db", str(users)]) == 0
    plain = capsys.readouterr().out
    assert "誰が" not in plain and re.match(r"^ +\d+ 20\d\d-", plain)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["audit", "list", "--db", str(users)]) == 0
    header, *rows = _lines(capsys)
    records = [r for r in rows if r.split()[0].isdigit()]  # a long change wraps onto more lines
    assert header.split()[:4] == ["id", "日時", "誰が", "操作"] and len(records) == len(plain.splitlines())
