"""Bad input: parsers never raise anything but their documented errors, and the
CLI turns a broken database, a newer one, a read-only one or a missing folder
into a clear message and a non-zero exit, never a traceback."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspect_tui.core.jpdate import DateError, parse_date
from inspect_tui.services.config import ConfigError, parse_config

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

date_like = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A(令和|平成|昭和|[RHSrhs]|)\s?(元|\d{1,3})[年./-]\d{1,3}[月./-]\d{1,3}日?\Z"),
    st.from_regex(r"\A\d{1,5}[-/.]\d{1,3}[-/.]\d{1,3}\Z"),
    st.from_regex(r"\A[０-９]{4}[／－][０-９]{1,2}[／－][０-９]{1,2}\Z"),
)


@SETTINGS
@given(date_like)
def test_parse_date_returns_a_date_or_raises_date_error(text):
    try:
        assert isinstance(parse_date(text), dt.date)
    except DateError as exc:
        assert str(exc)


@given(st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_parse_date_reads_back_iso_dates(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%Y/%m/%d")) == day


toml_value = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.booleans().map(lambda b: str(b).lower()),
    st.text(max_size=10).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.just("[]"),
    st.just('["長田区", 3]'),
    st.just('["2027-13-01"]'),
    st.just("2027-08-14"),
    st.just("{a = 1}"),
    st.just("1.5"),
    st.just("nan"),
)
toml_key = st.sampled_from(
    ["home_insurer", "wards", "theme", "extra_closures", "retention_months", "sla_file", "kpi_file",
     "keys", "unknown", "prices.home", "prices.other", "prices.x", "prices"]
)  # fmt: skip


@st.composite
def config_text(draw):
    lines = []
    for key, value in draw(st.lists(st.tuples(toml_key, toml_value), max_size=6)):
        if "." in key:
            table, k = key.split(".")
            lines.append(f"[{table}]\n{k} = {value}")
        else:
            lines.insert(0, f"{key} = {value}")
    if draw(st.booleans()):
        lines.append(draw(st.text(max_size=20)))
    return "\n".join(lines)


@SETTINGS
@given(config_text())
def test_parse_config_returns_a_config_or_raises_config_error(text):
    try:
        parse_config(text)
    except ConfigError as exc:
        assert exc.problems and all(p for p in exc.problems)


def _cli(argv, stdin=""):
    from inspect_tui.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=120, deadline=None)
@given(date_like, st.one_of(st.integers(-1000, 100_000).map(str), st.text(max_size=6)))
def test_the_deadline_command_answers_or_says_what_is_wrong(start, n):
    code, out, err = _cli(["deadline", "--", start, n])
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err and "予期しない" not in err
    if code == 0:
        dt.date.fromisoformat(out.strip())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=25), max_size=8))
def test_the_deadline_command_on_stdin_answers_or_says_what_is_wrong(lines):
    code, _out, err = _cli(["deadline", "--stdin"], "\n".join(lines))
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err and "予期しない" not in err


# --------------------------------------------------------------------------- broken databases


def _assert_clear_failure(code, err):
    assert code not in (0, 70), err
    assert err.startswith("inspect-tui: ") and "Traceback" not in err and "予期しない" not in err


@pytest.mark.parametrize("command", [["case", "show", "C-1"], ["audit", "verify"], ["purge", "--dry-run"],
                                     ["backup"], ["whoami"], ["users", "list"]])  # fmt: skip
def test_a_corrupt_database_file(tmp_path, command):
    db = tmp_path / "cases.db"
    db.write_bytes(os.urandom(8192))
    code, _, err = _cli([*command, "--db", str(db)])
    _assert_clear_failure(code, err)


@pytest.mark.parametrize("command", [["case", "show", "C-0150"], ["audit", "verify"], ["backup"]])
def test_a_database_with_a_valid_header_and_garbage_pages(session, db_path, command):
    from builders import add_case

    for i in range(300):
        add_case(session, f"C-{i:04d}")
    session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    session.close()
    data = bytearray(db_path.read_bytes())
    page = 4096
    for p in range(2, len(data) // page):  # keep page 1 (header and schema), wreck the rest
        data[p * page + 8 : p * page + 200] = os.urandom(192)
    db_path.write_bytes(bytes(data))
    code, _, err = _cli([*command, "--db", str(db_path)])
    _assert_clear_failure(code, err)


def test_a_database_from_a_newer_version(session, db_path):
    session.close()
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA user_version = 999")
    raw.close()
    code, _, err = _cli(["whoami", "--db", str(db_path)])
    _assert_clear_failure(code, err)
    assert "新しい版" in err


def test_a_missing_folder(tmp_path):
    code, _, err = _cli(["audit", "verify", "--db", str(tmp_path / "no" / "such" / "cases.db")])
    _assert_clear_failure(code, err)
    assert "ありません" in err


def test_a_folder_given_as_the_database(tmp_path):
    code, _, err = _cli(["whoami", "--db", str(tmp_path)])
    _assert_clear_failure(code, err)


def test_restore_from_a_missing_file(session, db_path):
    code, _, err = _cli(["restore", "/no/such/backup.db", "--yes", "--db", str(db_path)])
    _assert_clear_failure(code, err)


@pytest.mark.parametrize("command", [["whoami"], ["case", "step", "C-1", "contact", "--on", "2027-06-09"],
                                     ["backup"], ["purge"]])  # fmt: skip
def test_a_read_only_database(session, db_path, tmp_path, command, unprivileged):
    """A file and folder nobody may write: a clear message and a non-zero exit, never a traceback.

    Runs as a user that permissions apply to (nobody, when the tests run as root), from
    a copy of the package that user can read, wherever the checkout sits (a 0700 home).
    """
    import tempfile

    from builders import add_case

    add_case(session, "C-1")
    session.close()
    outside = Path(tempfile.mkdtemp(prefix="inspect-tui-ro-"))  # reachable by the unprivileged user
    try:
        outside.chmod(0o755)
        ro = outside / "ro"
        ro.mkdir()
        shutil.copy(db_path, ro / "cases.db")
        (ro / "cases.db").chmod(0o444)
        ro.chmod(0o555)
        env = {**os.environ, "HOME": str(outside)}
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[var] = str(outside / var.lower())
        argv = [*command, "--db", str(ro / "cases.db")]
        r = unprivileged(argv, env, capture_output=True, text=True, timeout=60)
    finally:
        (outside / "ro").chmod(0o755)
        shutil.rmtree(outside, ignore_errors=True)
    _assert_clear_failure(r.returncode, r.stderr)
    assert "読み取り専用" in r.stderr or "登録されていません" in r.stderr, r.stderr


# --------------------------------------------------------------------------- formula injection


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("＝1+1", "'＝1+1"),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("山田 太郎", "山田 太郎"),
        ("", ""),
        (None, None),
        (-5, -5),
    ],
)
def test_excel_safe(raw, safe):
    from inspect_tui.render.excel_safe import excel_safe

    assert excel_safe(raw) == safe


@given(st.text())
def test_excel_safe_never_leaves_a_formula(text):
    from inspect_tui.render.excel_safe import TRIGGERS, excel_safe

    out = excel_safe(text)
    assert out == text or out == "'" + text
    if out == text and text:
        assert (
            not text.startswith(TRIGGERS)
            or text.lstrip("+-").replace(".", "", 1).isdigit()
            or "e" in text.lower()
        )
