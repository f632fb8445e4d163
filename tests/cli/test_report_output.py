"""Where a report goes (render.output.destination, cli.common.emit), tried as a user would:
a real process whose standard output is a pipe, a file or a real terminal (a pty), real
files opened with openpyxl, a real write that fails half-way (RLIMIT_FSIZE)."""

from __future__ import annotations

import io
import os
import pty
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from builders import add_case
from inspect_tui.core.renderable import FORMATS
from inspect_tui.render.formats import TEXT_FORMATS, is_binary
from inspect_tui.render.output import OutputError, destination

MONTH = ["report", "monthly", "--month", "2027-05"]
BINARY = [f for f in FORMATS if is_binary(f)]  # xlsx today; pdf as soon as it is a format


@pytest.fixture
def db(session, db_path):
    add_case(session, received_on="2027-05-10", contacted_on="2027-05-14")  # late contact (due 5/13)
    add_case(
        session,
        received_on="2027-05-06",
        contacted_on="2027-05-07",
        visited_on="2027-05-10",
        submitted_on="2027-05-12",
        accepted_on="2027-05-20",
    )
    return str(db_path)


def _run(argv, db, cwd, stdout=subprocess.PIPE, preexec_fn=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "inspect_tui", *argv, "--db", db],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=120,
        preexec_fn=preexec_fn,
    )


def _assert_valid(fmt: str, data: bytes) -> None:
    """The bytes are a document of that format (xlsx: openpyxl opens it and finds the title)."""
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data))
        cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
        assert any("業務履行報告書" in v for v in cells)
    elif fmt == "pdf":
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    else:  # a binary format added later: at least something arrived
        assert data


# --------------------------------------------------------------------------- the rule


def test_binary_is_a_property_of_the_format():
    assert not any(is_binary(f) for f in ("text", "md", "csv", "json", "html"))
    assert is_binary("xlsx") and is_binary("pdf")  # pdf is binary before any renderer names it
    assert set(FORMATS) - set(BINARY) == TEXT_FORMATS & set(FORMATS)


@pytest.mark.parametrize("output", [None, "-"])
def test_the_rule(output, tmp_path):
    """Standard output for every format, except a binary one to a terminal (its default name
    here), and never a file on the server for a command asked for over SSH."""
    for fmt in ("text", "json", "csv", "html"):
        for tty in (False, True):
            assert destination(output, f"r.{fmt}", binary=is_binary(fmt), to_terminal=tty) is None
    assert destination(output, "r.xlsx", binary=True, to_terminal=False) is None
    assert destination(output, "r.xlsx", binary=True, to_terminal=False, remote=True) is None
    assert destination(output, "r.xlsx", binary=True, to_terminal=True) == Path("r.xlsx")
    with pytest.raises(OutputError, match="端末には出せません") as exc:
        destination(output, "r.xlsx", binary=True, to_terminal=True, remote=True)
    assert exc.value.bad_input
    assert (
        destination(str(tmp_path / "x.xlsx"), "r.xlsx", binary=True, to_terminal=True) == tmp_path / "x.xlsx"
    )
    assert destination(f"{tmp_path}/", "r.xlsx", binary=True, to_terminal=False) == tmp_path / "r.xlsx"


@pytest.mark.parametrize("output", ["", " "])
def test_an_empty_o_is_bad_input_not_the_current_folder(db, tmp_path, output, capsys, monkeypatch):
    """`-o ''` used to mean the current folder (Path('') is '.'), a file nobody asked for."""
    from inspect_tui.cli.main import main

    monkeypatch.chdir(tmp_path)
    before = set(Path.cwd().iterdir())
    assert main([*MONTH, "--format", "json", "-o", output, "--db", db]) == 2
    assert "-o に空のパスは指定できません" in capsys.readouterr().err
    assert set(Path.cwd().iterdir()) == before


# --------------------------------------------------------------------------- real processes


@pytest.mark.parametrize("output", [[], ["-o", "-"]])
@pytest.mark.parametrize("fmt", BINARY)
def test_a_binary_report_into_a_pipe_is_the_whole_document(db, tmp_path, output, fmt):
    r = _run([*MONTH, "--format", fmt, *output], db, tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    _assert_valid(fmt, r.stdout)
    assert r.stderr == b"" and list(tmp_path.glob(f"*.{fmt}")) == []  # no file, no message


@pytest.mark.parametrize("fmt", BINARY)
def test_a_binary_report_redirected_to_a_file_is_that_file(db, tmp_path, fmt):
    """`inspect-tui report … --format xlsx > monthly.xlsx`: the shell's file is the report."""
    target = tmp_path / f"mine.{fmt}"
    with open(target, "wb") as f:
        r = _run([*MONTH, "--format", fmt], db, tmp_path, stdout=f)
    assert r.returncode == 0, r.stderr.decode()
    _assert_valid(fmt, target.read_bytes())
    assert list(tmp_path.glob(f"monthly_*.{fmt}")) == []


@pytest.mark.parametrize("output", [[], ["-o", "-"]])
def test_a_binary_report_to_a_real_terminal_is_a_private_file_named_on_stderr(db, tmp_path, output):
    """A terminal would show the zip's bytes (escape sequences included): the report goes to
    its default name in the current folder, 0600 whatever the umask, and stderr says where."""
    master, slave = pty.openpty()
    old = os.umask(0o022)
    try:
        r = _run([*MONTH, "--format", "xlsx", *output], db, tmp_path, stdout=slave)
    finally:
        os.umask(old)
        os.close(slave)
    os.set_blocking(master, False)
    try:
        shown = os.read(master, 65536)
    except OSError:  # EIO / EAGAIN: nothing was written to the terminal
        shown = b""
    os.close(master)
    assert r.returncode == 0, r.stderr.decode()
    path = tmp_path / "monthly_2027-05.xlsx"
    assert f"書き出しました: {path.name}" in r.stderr.decode()
    assert b"PK" not in shown  # nothing of the file reached the terminal
    _assert_valid("xlsx", path.read_bytes())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_o_file_is_0600_and_replaces_an_older_one_whole(db, tmp_path):
    target = tmp_path / "kpi.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o644)
    old = os.umask(0o022)
    try:
        r = _run([*MONTH, "--format", "xlsx", "-o", str(target)], db, tmp_path)
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stderr.decode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    _assert_valid("xlsx", target.read_bytes())
    assert r.stdout == b"" and f"書き出しました: {target}" in r.stderr.decode()


def test_a_write_that_fails_half_way_leaves_no_part_of_it(db, tmp_path):
    """The file size limit (RLIMIT_FSIZE, 4 KB; the html report is larger) stops the real
    write in the middle: the old file stays as it was, no new or temporary file is left,
    and the message names the file and why. (html: it renders in memory, where openpyxl's
    temporary files would hit the limit while rendering.)"""
    full = _run([*MONTH, "--format", "html"], db, tmp_path).stdout
    assert len(full) > 2 * 4096  # so the limit bites half-way through the write
    target = tmp_path / "monthly.html"
    target.write_bytes(b"the old report")

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    r = _run([*MONTH, "--format", "html", "-o", str(target)], db, tmp_path, preexec_fn=small_files)
    assert r.returncode == 1
    err = r.stderr.decode()
    assert f"{target} に書き込めません（ファイルが大きすぎます: EFBIG）" in err and "Traceback" not in err
    assert target.read_bytes() == b"the old report"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["monthly.html"]
