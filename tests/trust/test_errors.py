"""Messages that tell the truth: a full disk is a full disk (not a failed ROLLBACK), and an
output path that cannot be written is named with the reason (not "the database")."""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

from .conftest import add_case

HEADER = "case_no,application,ward,insured_no,name,birth_date,received_on,dispatched_on\n"


KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノ"


def _big_csv(tmp_path: Path, rows: int = 400) -> Path:
    # names hold no digits (a digit in 氏名 is refused: columns swapped)
    lines = [
        f"F-{i:04d},新規,長田区,99{i:08d},容量 {KANA[i % 25]}{KANA[i // 25 % 25]},"
        "1940-01-02,2027-06-01,2027-06-01\n"
        for i in range(rows)
    ]
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def tiny_database(monkeypatch):
    """Every session the CLI opens may grow by one page only: SQLite answers SQLITE_FULL,
    exactly as on a full disk (PRAGMA max_page_count is per connection, so it is set on
    the connection the command opens)."""
    import inspect_tui.services.session as session_mod

    real = session_mod.open_database

    def limited(*args, **kwargs):
        db = real(*args, **kwargs)
        pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
        db.conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        return db

    monkeypatch.setattr(session_mod, "open_database", limited)


def _count(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    finally:
        conn.close()


def test_a_full_disk_during_an_import_says_the_disk_is_full(session, cli, db_path, tmp_path, tiny_database):
    add_case(session, "C-1")
    csv = _big_csv(tmp_path)
    code, _, err = cli("import", "cases", str(csv))
    assert code == 1, err
    assert "ディスクがいっぱい" in err and "変更は記録されていません" in err
    assert "OperationalError" not in err and "rollback" not in err.lower() and "Traceback" not in err
    assert _count(db_path) == 1  # all rows or none


def test_the_first_error_survives_the_rollback_of_an_import(session, tmp_path):
    """The service itself raises SQLITE_FULL, not the "cannot rollback" of its cleanup."""
    from inspect_tui.services.importing.importer import import_file

    pages = session.db.conn.execute("PRAGMA page_count").fetchone()[0]
    session.db.conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(sqlite3.OperationalError) as caught:
        import_file(session, "cases", _big_csv(tmp_path))
    assert caught.value.sqlite_errorname == "SQLITE_FULL"
    assert not session.db.conn.in_transaction


def test_a_failed_rollback_never_hides_the_error_before_it(tmp_path, capsys):
    """Code that still issues a bare ROLLBACK after SQLite rolled back by itself: the CLI
    reports the full disk it was handling."""
    from inspect_tui.cli.main import _report_failure

    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        try:
            conn.executemany("INSERT INTO t VALUES (?)", [("x" * 3000,)] * 50)
        except sqlite3.Error:
            conn.execute("ROLLBACK")  # raises: SQLite already rolled back
    except sqlite3.OperationalError as exc:
        assert "cannot rollback" in str(exc)  # the situation this guards against
        code = _report_failure(exc)
    conn.close()
    err = capsys.readouterr().err
    assert code == 1 and "ディスクがいっぱい" in err and "OperationalError" not in err


# --------------------------------------------------------------------------- -o paths


def test_o_with_an_existing_folder_writes_the_default_name_into_it(session, cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = cli("report", "monthly", "--month", "2027-05", "--format", "csv", "-o", f"{out}/")
    assert code == 0, err
    assert (out / "monthly_2027-05.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert [p.name for p in out.iterdir()] == ["monthly_2027-05.csv"]  # no temporary file left


@pytest.mark.parametrize(
    "command",
    [
        ["report", "monthly", "--month", "2027-05"],
        ["report", "sla", "--period", "2027Q1"],
        ["pareto", "--from", "2027-04-01", "--to", "2027-06-30", "--of", "complaints"],
        ["report", "pareto", "--from", "2027-04-01", "--to", "2027-06-30", "--of", "incidents"],
    ],
)
def test_o_with_a_missing_folder_names_the_output_path(session, cli, tmp_path, command):
    missing = f"{tmp_path}/no-such-folder/"
    code, _, err = cli(*command, "-o", missing)
    assert code == 1, err
    assert "書き出し先のフォルダがありません" in err and missing in err
    assert "データベース" not in err and "Traceback" not in err
    assert not Path(missing).exists()


def test_o_with_a_file_in_a_missing_folder_names_the_folder(session, cli, tmp_path):
    target = tmp_path / "nowhere" / "m.txt"
    code, _, err = cli("report", "monthly", "--month", "2027-05", "-o", str(target))
    assert code == 1 and str(target) in err and "フォルダがありません" in err
    assert "データベース" not in err


def test_o_through_a_file_says_it_is_not_a_folder(session, cli, tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    code, _, err = cli("report", "monthly", "--month", "2027-05", "-o", f"{plain}/")
    assert code == 1 and "フォルダではありません" in err and str(plain) in err
    assert plain.read_text() == "x"


def _as_nobody() -> tuple[list[str], int | None]:
    if os.geteuid() != 0:
        return [], None  # a normal user is already subject to file permissions
    if not shutil.which("setpriv"):
        pytest.skip("root without setpriv: cannot drop privileges to test a read-only folder")
    nobody = pwd.getpwnam("nobody")
    drop = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    return drop, nobody.pw_uid


@pytest.fixture
def open_tmp():
    """A folder everyone may enter (pytest's own tmp folders are the owner's only, and
    the command runs as another user when the tests run as root)."""
    path = Path(tempfile.mkdtemp(prefix="inspect-tui-test-"))
    path.chmod(0o755)
    yield path
    for p in path.rglob("*"):
        if p.is_dir():
            p.chmod(0o755)
    shutil.rmtree(path)


@pytest.mark.parametrize("trailing_slash", [True, False])
def test_o_into_a_folder_we_may_not_write_names_it(session, db_path, open_tmp, unprivileged, trailing_slash):
    add_case(session, "C-1")
    session.close()
    _, uid = _as_nobody()
    data = open_tmp / "data"
    data.mkdir(mode=0o700)
    shutil.copy(db_path, data / "cases.db")
    home = open_tmp / "home"
    home.mkdir()
    locked = open_tmp / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if uid is not None:  # the database belongs to the person running the command
        for p in (data, data / "cases.db", home):
            os.chown(p, uid, -1)
    out = f"{locked}/" if trailing_slash else str(locked / "m.txt")
    env = {**os.environ, "INSPECT_TUI_USER": "tester", "HOME": str(home)}
    env |= {f"XDG_{d}_HOME": str(home / d.lower()) for d in ("CONFIG", "DATA", "STATE", "CACHE")}
    command = ["report", "monthly", "--month", "2027-05", "-o", out, "--db", str(data / "cases.db")]
    r = unprivileged(command, env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    assert str(locked) in r.stderr and "権限がありません" in r.stderr, r.stderr
    assert "データベース" not in r.stderr and "Traceback" not in r.stderr
    assert list(locked.iterdir()) == []
