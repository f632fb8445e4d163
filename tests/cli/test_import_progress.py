"""`inspect-tui import` shows a progress bar on standard error only when it is a terminal;
into a pipe (CI, a log file, `2>err.txt`) nothing is added and the summary is unchanged."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
HEADER = "case_no,application,ward,received_on,visited_on,surveyor\n"
ROWS = 5_000
SUMMARY = "依頼一覧を取り込みました: 追加 5000 件、更新 0 件、変更なし 0 件\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    cases = tmp_path / "cases.csv"
    rows = "".join(f"K-{i:06d},新規,長田区,2027-05-{1 + i % 28:02d},,S0{1 + i % 3}\n" for i in range(ROWS))
    cases.write_text(HEADER + rows, encoding="utf-8")
    return cases, tmp_path / "data" / "cases.db"


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "inspect_tui", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}


def _staff(db: Path) -> None:
    subprocess.run(
        _cli("import", "surveyors", str(FIXTURES / "surveyors.csv"), "--db", str(db)),
        check=True,
        capture_output=True,
        env=_env(),
    )


def test_import_into_pipes_prints_only_the_summary(files):
    cases, db = files
    _staff(db)
    done = subprocess.run(
        _cli("import", "cases", str(cases), "--db", str(db)), capture_output=True, env=_env(), check=False
    )
    assert done.returncode == 0
    assert done.stderr == b""
    assert done.stdout.decode() == SUMMARY


def test_import_with_a_terminal_on_stderr_draws_progress_there_and_not_on_stdout(files):
    cases, db = files
    _staff(db)
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        _cli("import", "cases", str(cases), "--db", str(db)),
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=_env(),
    )
    os.close(follower)
    drawn = b""
    while True:  # read the terminal until the process closes it (EIO on Linux)
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            proc.kill()
            pytest.fail("no progress output within 60 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    out = proc.stdout.read()
    assert proc.wait() == 0
    text = drawn.decode("utf-8", "replace")
    assert "読み込み・検査" in text and "書き込み" in text and "KiB" in text
    assert out.decode() == SUMMARY  # standard output as byte-stable as without a terminal
