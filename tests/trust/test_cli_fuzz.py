"""Fuzz the whole command line: no argument, file or database ever ends in exit 70.

Every command is found by walking the real parser (``build_parser()``'s
subparsers, recursively), so a new command is fuzzed without touching this
file. For each one hypothesis builds argument lists from the command's own
actions (option strings, choices, types) mixed with plausible values taken from
the demo database and hostile ones (empty, very long, control characters, NUL,
undecodable bytes as the OS hands them over, full-width digits, negative and
huge numbers, folders, /dev/null, missing files, non-UTF-8 files, a corrupt
and a 0-byte database). Each run calls ``inspect_tui.cli.main.main(argv)``
in-process, stdin closed or at end of file, against a copy of the demo
database or a path with no database, and checks that the exit code is not 70
and that nothing resembling a traceback was printed.

The suite runs a fixed, derandomized number of examples per command
(``FUZZ_EXAMPLES``, about a minute in all). A larger run, for a person to start
on purpose::

    INSPECT_TUI_FUZZ_EXAMPLES=300 .venv/bin/python -m pytest -q -n 2 tests/trust/test_cli_fuzz.py
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from inspect_tui.cli.main import EXIT_INTERNAL, build_parser, cmd_app

FUZZ_EXAMPLES = int(os.environ.get("INSPECT_TUI_FUZZ_EXAMPLES", "0") or 0)
BIG_RUN = FUZZ_EXAMPLES > 0


def leaf_commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()):
    """(words, parser) for every runnable command under parser, found through its subparsers."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from leaf_commands(sub, (*words, name))
    if words and parser.get_default("func") not in (None, cmd_app):
        has_required_sub = any(
            isinstance(a, argparse._SubParsersAction) and a.required for a in parser._actions
        )
        if not has_required_sub:
            yield words, parser


COMMANDS = dict(leaf_commands(build_parser()))
TOP_LEVEL = build_parser()


# --------------------------------------------------------------------------- values
#: Hostile values by kind; a hostile argument draws a kind first, so that each kind turns up
#: often even in the suite's short run.
HOSTILE_KINDS: dict[str, tuple[str, ...]] = {
    "empty": ("", " ", "　", "-", "\r\n", "\t"),
    "long": ("x" * 5000, "依頼" * 2000),
    "control": ("a\x00b", "\x00", "\x1b[2J\x1b[31m", "\x7f\x08", "\u202e"),
    # bytes that are not UTF-8, as Python hands argv over (surrogateescape)
    "undecodable": ("\udcff\udcfe", "abc\udc80"),
    # "²" is a digit to str.isdigit(), not to int(); "٣" is an Arabic-Indic 3 int() reads
    "digits": ("１２３", "²", "٣", "－１", "０", "0x10", "1_000", "🙂"),
    "numbers": ("-1", "0", "-0", "1e309", "nan", "inf", "-inf", "9223372036854775807"),
    "huge": (
        "99999999999999999999999999",
        "-99999999999999999999999999",
        str(2**63),
        str(-(2**63) - 1),
    ),
    "dates": (
        "9999-12-31",
        "0001-01-01",
        "1900-02-29",
        "2027-02-29",
        "2027-13-01",
        "R99.1.1",
        "令和元年5月1日",
        "S64.1.8",
        "２０２７－０６－１５",
        "2027-06-15T25:61",
        "2027/06/15 10:30",
        "2027-06-15 10:30",
    ),
    "periods": ("9999-99", "0000-00", "2027Q5", "2027Q0", "FY0", "FY99999"),
    "injection": ("../../etc/passwd", "C:\\Windows", "'; DROP TABLE cases; --", "%s%n%x", "{0}{1}", "=1+1"),
}


def _hostile() -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(HOSTILE_KINDS)).flatmap(lambda kind: st.sampled_from(HOSTILE_KINDS[kind]))


#: Plausible values by a word in an argument's dest, so that most examples get past the first
#: check and the fuzz reaches the deep code. A new command's arguments match the same words.
HINTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("case",), ("R9-99999", "C-1")),  # and the demo's own case numbers (fixture case_nos)
    (("surveyor",), ("S001", "S037", "S038", "S040", "S999")),
    (("ward",), ("長田区", "須磨区", "垂水区", "東灘区")),
    (("month",), ("2027-05", "2027-06", "2027-07", "2026-01", "R9.5")),
    (("period",), ("2027-05", "2027Q1", "2026Q4", "FY2027", "FY2026")),
    (("fy",), ("2027", "FY2026", "2025", "R9")),
    (("at",), ("2027-06-14 10:30", "2027-06-01", "2027-06-15 09:00", "2027-07-01 10:00")),
    (
        ("on", "due", "opened", "since", "of", "date", "today", "start", "from", "to"),
        ("2027-06-15", "2027-06-01", "2027-04-01", "R9.5.1", "2027-07-30", "2026-12-28", "2025-01-01"),
    ),
    (("login", "as", "who"), ("tester", "chief1", "nobody", "manager")),
    (("indicator",), ("satisfaction", "accepted", "late_contact", "privacy_incidents")),
    (("value",), ("87.5", "-", "0", "100", "14550")),
    (("kind",), ("serious", "minor", "incident", "accident", "security", "focused", "routine", "post")),
    (("complainant",), ("本人", "家族", "ケアマネジャー", "その他")),
    (("category",), ("接遇・態度", "日程調整", "その他")),
    (("cause",), ("確認不足", "市の事由", "その他")),
    (("status",), ("open", "in_progress", "closed")),
    (("id", "complaint", "incident"), ("1", "2", "3", "１")),
    (("entity",), ("case", "user", "review", "import")),
    (("key",), ("R9-00001", "tester")),
    (("n",), ("3", "6", "0", "20")),
    (("limit", "keep", "seed", "districts", "price"), ("1", "2", "5", "14", "6800")),
    (("years",), ("0.02", "0.05", "0.01")),
)
SOURCES = ("complaints", "incidents", "findings")  # pareto --of (dest "of", which is also a date word)
TEXT = ("説明です", "市へ電話で報告した", "x", "対応済み", "2027-06-15")


def _hints(action: argparse.Action, case_nos: list[str]) -> tuple[str, ...]:
    if action.option_strings == ["--of"]:
        return SOURCES
    words = action.dest.lower().split("_")
    for names, values in HINTS:
        if any(n in words for n in names):
            return (*values, *case_nos) if names == ("case",) else values
    return TEXT


def _path_values(paths: dict[str, Path]) -> st.SearchStrategy[str]:
    return st.sampled_from([str(p) for p in paths.values()])


def _text() -> st.SearchStrategy[str]:
    # no "/" in free text: the fuzz may run as root (it does on CI), and a path it makes up
    # must stay inside the test's folder
    return st.text(st.characters(blacklist_characters="/"), max_size=40)


def _numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_KINDS["huge"]),  # hypothesis keeps its integers small on its own
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(0, 0.05).map(repr),
        st.integers(-5, 100).map(str),
    )


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


@st.composite
def csv_bytes(draw) -> bytes:
    """A city list (依頼一覧 or 調査員名簿) whose cells, columns, encoding and bytes are hostile."""
    source = draw(st.sampled_from(["cases_en.csv", "surveyors.csv", "cases_ja_bom.csv"]))
    lines = (FIXTURES / source).read_text(encoding="utf-8-sig").splitlines()
    header, rows = lines[0].split(","), [line.split(",") for line in lines[1:4]]
    if draw(st.booleans()):
        header = draw(st.permutations(header))[: draw(st.integers(1, len(header)))]
    out = [header]
    for row in draw(st.lists(st.sampled_from(rows), max_size=4)):
        cells = [c if draw(st.integers(0, 3)) else draw(_hostile()) for c in row]
        out.append(cells[: draw(st.integers(0, len(cells) + 1))] + ([""] if draw(st.booleans()) else []))
    text = "\n".join(",".join(c.replace("\udcff", "?").replace("\udcfe", "?") for c in r) for r in out)
    text = text.replace("\udc80", "?")
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp932", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 4)) == 0:  # a stray byte: not valid in any of them
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\x00", b"\x81", b"\r"])) + data[at:]
    return data


def _value(
    action: argparse.Action, paths: dict[str, Path], case_nos: list[str], hostile: bool
) -> st.SearchStrategy[str]:
    """A plausible value for the action or, when hostile, anything at all."""
    if action.dest == "file":
        generated = st.just(str(paths["generated"]))
        return st.one_of(generated, _path_values(paths), st.sampled_from(("", "-", "x" * 300)))
    if action.dest in ("db", "output"):
        extra = ("",) if action.dest == "db" else ("", "-", "out.txt", "x" * 300)
        return st.one_of(_path_values(paths), st.sampled_from(extra))
    if not hostile:
        if action.choices:
            return st.sampled_from(sorted(action.choices))
        return st.sampled_from(_hints(action, case_nos))
    numbers = (_numbers(),) if action.type not in (None, str) else ()  # int, float, a converter
    return st.one_of(_hostile(), *numbers, _text(), st.sampled_from(_hints(action, case_nos)))


@st.composite
def command_line(draw, words: tuple[str, ...], paths: dict[str, Path], case_nos: list[str]):
    """argv for the command: plausible values with none, one or many of them hostile."""
    parser = COMMANDS[words]
    actions = [
        a
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction) and a.dest != "db"
    ]
    mode = draw(st.sampled_from(["plausible", "one", "one", "wild"]))
    hostile_at = draw(st.integers(0, max(0, len(actions) - 1))) if mode == "one" else -1
    top: list[str] = []
    options: list[str] = []
    positionals: list[str] = []
    if draw(st.integers(0, 9)) == 0:  # the top-level --as, now and then
        top.append("--as=" + draw(st.sampled_from(["tester", "nobody", "", "\udcff", "x" * 300])))
    if any(a.dest == "db" for a in parser._actions):
        where = draw(st.sampled_from(["demo"] * 6 + ["missing", "fresh", "zero", "corrupt", "folder"]))
        options.append(f"--db={paths[where]}")
    for i, action in enumerate(actions):
        hostile = (mode == "wild" and draw(st.booleans())) or i == hostile_at
        if not action.option_strings:  # a positional
            if action.nargs == "?" and not (hostile or draw(st.booleans())):
                continue
            positionals.append(draw(_value(action, paths, case_nos, hostile)))
            continue
        if not (action.required or hostile) and not draw(st.booleans()):
            continue
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            options.append(flag)
            continue
        repeat = draw(st.integers(1, 3)) if isinstance(action, argparse._AppendAction) else 1
        for _ in range(repeat):
            value = draw(_value(action, paths, case_nos, hostile))
            # --opt=value keeps a value that starts with "-" a value; a short option takes it attached
            options.append(f"{flag}={value}" if flag.startswith("--") else flag + value)
    argv = [*top, *words, *options]
    if positionals:
        argv += ["--", *positionals]
    return argv


# --------------------------------------------------------------------------- running
def run_cli(argv: list[str], stdin: str | None) -> tuple[int, str, str]:
    """main(argv) in-process, with a stdout and a stderr that encode like real ones."""
    from inspect_tui.cli.main import main

    out_b, err_b = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_b, encoding="utf-8", errors="strict", write_through=True)
    err = io.TextIOWrapper(err_b, encoding="utf-8", errors="backslashreplace", write_through=True)
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = None if stdin is None else io.StringIO(stdin)  # type: ignore[assignment]
    sys.stdout, sys.stderr = out, err
    try:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors and --help
            code = exc.code if isinstance(exc.code, int) else 2
        out.flush()
        err.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out_b.getvalue().decode("utf-8", "replace"), err_b.getvalue().decode("utf-8", "replace")


def assert_no_internal_error(argv: list[str], code: int, out: str, err: str) -> None:
    from inspect_tui.system.paths import log_path

    log = log_path().read_text(encoding="utf-8") if log_path().exists() else ""  # type and frames only
    assert code != EXIT_INTERNAL, f"exit 70 for {argv!r}:\n{err}\n{log[-3000:]}"
    for stream in (out, err):
        assert "Traceback (most recent call last)" not in stream, f"{argv!r}:\n{stream}"
        assert "予期しないエラー" not in stream, f"{argv!r}:\n{stream}"


@pytest.fixture
def fuzz_files(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The paths a command may be given: the demo copy, no database, broken files, a folder."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # files a command names itself (monthly_2027-05.xlsx) land here
    files = {
        "demo": demo_db,
        "missing": tmp_path / "none" / "cases.db",
        "fresh": tmp_path / "fresh.db",
        "zero": tmp_path / "zero.db",
        "corrupt": tmp_path / "corrupt.db",
        "folder": tmp_path / "folder",
        "devnull": Path(os.devnull),
        "not_utf8": tmp_path / "cp932.csv",
        "nul": tmp_path / "nul.csv",
        "header_only": tmp_path / "header.csv",
        "out_dir": tmp_path / "out",
        "generated": tmp_path / "list.csv",  # written afresh by each example that draws one
    }
    for fixture in sorted(FIXTURES.glob("*.csv")):  # copies of the import tests' own lists: a command
        files[fixture.stem] = tmp_path / fixture.name  # may write to any path it is given
        shutil.copyfile(fixture, files[fixture.stem])
    files["zero"].write_bytes(b"")
    files["corrupt"].write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    files["folder"].mkdir()
    files["out_dir"].mkdir()
    files["not_utf8"].write_bytes("依頼番号,依頼受理日\nR9-1,2027-06-01\n".encode("cp932") + b"\xff\xfe\n")
    files["nul"].write_bytes(b"case_no,received_on\nR9-1\x00,2027-06-01\n")
    files["header_only"].write_text("case_no,received_on\n", encoding="utf-8")
    return files


@pytest.fixture
def case_nos(demo_db: Path) -> list[str]:
    conn = sqlite3.connect(demo_db)
    try:
        rows = conn.execute("SELECT case_no FROM cases ORDER BY id LIMIT 3").fetchall()
        rows += conn.execute(
            "SELECT case_no FROM cases WHERE status NOT IN ('accepted','cancelled','returned') LIMIT 3"
        ).fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


def _affordable(argv: list[str]) -> bool:
    """False for a demo build that would take minutes (a valid, large --years x --districts)."""
    if "demo" not in argv:
        return True
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            args = TOP_LEVEL.parse_args(argv)
    except SystemExit:
        return True
    if getattr(args.func, "__name__", "") != "cmd_demo":
        return True
    builds = args.force or not Path(getattr(args, "db", "")).exists()
    return not (builds and args.years * args.districts > 0.05)


@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
def test_no_command_line_reaches_exit_70(words, fuzz_files, case_nos):
    @settings(
        max_examples=FUZZ_EXAMPLES or 16,
        derandomize=not BIG_RUN,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        argv=command_line(words, fuzz_files, case_nos),
        stdin=st.sampled_from([None, ""]),
        csv=st.one_of(st.none(), csv_bytes()),
    )
    def fuzz(argv, stdin, csv):
        assume(_affordable(argv))
        if csv is not None:
            fuzz_files["generated"].write_bytes(csv)
        code, out, err = run_cli(argv, stdin)
        assert_no_internal_error(argv, code, out, err)

    fuzz()


def test_every_command_is_fuzzed():
    """The walk finds every command, the nested ones and the aliases too."""
    names = {" ".join(w) for w in COMMANDS}
    assert {"deadline", "config", "case step", "report monthly", "report pareto", "users add"} <= names
    assert {"complaint report-city", "incident add", "problem close", "restore", "demo"} <= names
    assert len(names) >= 38


# --------------------------------------------------------------------------- the exit-70 paths it found
# Each ended in exit 70 before its fix; each is a plain message and a 1 or a 2 now.


@pytest.fixture
def cli_in(session, db_path):
    """run_cli on the session's database, stdin at end of file: (code, stdout, stderr)."""

    def run(*argv: str, stdin: str | None = ""):
        return run_cli([*argv, f"--db={db_path}"], stdin)

    return run


def _refused(code: int, err: str, expected_code: int, words: str) -> None:
    assert code == expected_code, err
    assert words in err, err
    assert err.startswith("inspect-tui: ") or err.startswith("usage: "), err  # ours, or argparse's
    assert "Traceback" not in err and "予期しない" not in err


def test_deadline_on_a_closed_stdin():
    code, _out, err = run_cli(["deadline", "--stdin"], None)  # TypeError: 'NoneType' is not iterable
    _refused(code, err, 2, "標準入力が閉じています")


@pytest.mark.parametrize(
    ("option", "words"),
    [
        ("--years=0", "年数は 0 より大きく"),  # ValueError from build_demo, not caught
        ("--years=nan", "年数は 0 より大きく"),
        ("--years=-1e9", "年数は 0 より大きく"),
        ("--years=0.001", "開庁日が1日もありません"),  # ZeroDivisionError: a span with no business day
        ("--districts=0", "地区の数は"),
        ("--today=0001-01-01", "「今日」は 1989-01-01〜2099-12-31"),  # OverflowError in date arithmetic
    ],
)
def test_demo_with_values_out_of_range(tmp_path, option, words):
    target = tmp_path / "demo.db"
    code, _out, err = run_cli(["demo", f"--db={target}", option], "")
    _refused(code, err, 2, words)
    assert not target.exists() and not list(tmp_path.glob("demo.db*"))


@pytest.mark.parametrize(
    "argv",
    [
        ["complaint", "report-city", "99999999999999999999", "--at=2027-06-15 10:00"],
        ["incident", "report-city", "99999999999999999999", "--phoned-at=2027-06-15 10:00"],
        ["problem", "close", "99999999999999999999", "--fix=x"],
    ],
    ids=["complaint", "incident", "problem"],
)
def test_record_numbers_beyond_64_bits(cli_in, argv):
    code, _out, err = cli_in(*argv)  # OverflowError: SQLite takes 64-bit integers only
    _refused(code, err, 2, "番号が大きすぎます")


@pytest.mark.parametrize("number", ["²", "99999999999999999999"])  # ValueError / OverflowError
def test_a_problem_from_a_number_that_is_not_one(cli_in, number):
    code, _out, err = cli_in(
        "problem", "add", "--title=t", "--owner=o", "--due=2027-07-01", f"--complaint={number}"
    )
    _refused(code, err, 2, "は番号ではありません")


def test_restore_on_a_closed_stdin_asks_for_yes(cli_in, session, db_path, tmp_path):
    backup = tmp_path / "backup.db"
    session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db_path, backup)
    code, _out, err = cli_in("restore", str(backup), stdin=None)  # AttributeError: None.isatty
    _refused(code, err, 1, "--yes を付けてください")


def test_restore_from_a_name_too_long(cli_in):
    code, _out, err = cli_in("restore", "x" * 300, "--yes")  # OSError: File name too long
    _refused(code, err, 1, "名前が長すぎます")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--as=\udcff", "whoami"], "1番目の引数（--as）に UTF-8 でない文字"),  # UnicodeEncodeError in SQLite
        (["case", "show", "R9-\udc8f"], "3番目の引数に UTF-8 でない文字"),
        (["case", "show", "a\x00b"], "3番目の引数に NUL 文字"),
    ],
)
def test_arguments_that_are_not_text(cli_in, argv, words):
    code, _out, err = cli_in(*argv)
    _refused(code, err, 2, words)
    assert "udcff" not in err and "udc8f" not in err  # the value itself is not repeated, not even escaped


def test_users_add_with_an_empty_surveyor_code(cli_in):
    code, _out, err = cli_in("users", "add", "kato", "--role=monitor", "--surveyor=")  # IntegrityError
    _refused(code, err, 2, "--surveyor: 調査員コードが空です")


def test_audit_list_with_a_limit_beyond_64_bits(cli_in):
    code, _out, err = cli_in("audit", "list", "--limit=99999999999999999999")  # OverflowError in SQLite
    assert code == 2 and "1〜1000000 の件数にしてください" in err and "予期しない" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "sla", "--period=2027-05", "-o", "x" * 300],  # OSError in Path.is_dir()
        ["guidance", "--surveyor=S037", "--draft", "-o", "x" * 300],
        ["pareto", "--from=2027-04-01", "--to=2027-06-30", "--of=complaints", "-o", "no/such/p.txt"],
    ],
    ids=["report", "guidance", "pareto"],
)
def test_an_output_file_that_cannot_be_written(demo_db, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli([*argv, f"--db={demo_db}"], "")
    _refused(code, err, 1, "使えません" if argv[0] != "pareto" else "フォルダがありません")
    assert not out and not list(tmp_path.glob("x*"))
