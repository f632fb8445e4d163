"""The command line: the parser, and running a command with the errors a user is told about.

Every subcommand takes ``--db PATH`` after its name. The commands live one group per
module (cases, setup, reports, quality, review, trust), each with ``register(sub,
common)``; the app's own options are in cli/app.py.
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
from collections.abc import Sequence

from inspect_tui import __version__
from inspect_tui.cli.app import (
    add_app_options,
    cmd_app,
    parse_app_only,
    parse_app_options,
    with_demo_db,
    with_demo_login,
)
from inspect_tui.cli.common import EXIT_BAD_INPUT, EXIT_FAIL, EXIT_INTERNAL, EXIT_OK, Parser, UserError, _err

# This module is loaded at every start, the TUI's too: what it reaches below is imported
# inside the functions (session, config, jpdate and render: 1.1-1.5 s more under load,
# against 190-270 ms for the start itself; perf_counter, 5 runs). test_launch holds it.

__all__ = ["EXIT_INTERNAL", "build_parser", "cmd_app", "main", "run"]


#: The module that registers each command. A command line names one command, and only that
#: module's parsers are built: importing every group (and the services they reach) cost
#: ~190 ms of a 290 ms ``report monthly``. tests/cli/test_parser_groups.py checks the map
#: against the full parser, so a new command cannot be left out.
COMMAND_GROUPS: dict[str, str] = {
    "deadline": "cases",
    "deadlines": "cases",
    "case": "cases",
    "import": "setup",
    "demo": "setup",
    "config": "setup",
    "report": "reports",
    "whoami": "trust",
    "users": "trust",
    "audit": "trust",
    "purge": "trust",
    "backup": "trust",
    "restore": "trust",
    "complaint": "quality",
    "incident": "quality",
    "problem": "quality",
    "pareto": "quality",
    "review": "review",
    "guidance": "review",
    "form": "forms",
    "deliverables": "contract",
    "meeting": "contract",
    "training": "contract",
    "staff": "staff",
}
GROUPS = ("cases", "setup", "reports", "trust", "quality", "review", "forms", "contract", "staff")


def command_named(argv: list[str]) -> str | None:
    """The command a command line runs, when it plainly names one (the first word after the
    app's own options); None for help, the version, or anything else (the full parser then
    reads it and says what is wrong)."""
    if any(a in ("-h", "--help", "--version") for a in argv):
        return None
    _args, rest = parse_app_options(argv)
    if not rest or rest[0].startswith("-"):
        return None
    return rest[0] if rest[0] in COMMAND_GROUPS else None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or with only: of the commands of only's module."""
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="データベースファイル（既定: $INSPECT_TUI_DB、なければ XDG データフォルダ）",
    )
    p = Parser(
        prog="inspect-tui",
        description="要介護認定調査の進捗・点検・報告を管理する端末アプリ。"
        "サブコマンドなしで起動すると画面が開きます。",
        parents=[common],
    )
    p.add_argument("--version", action="version", version=f"inspect-tui {__version__}")
    add_app_options(p)
    sub = p.add_subparsers(title="コマンド", metavar="COMMAND")

    import importlib

    for name in GROUPS if only is None else (COMMAND_GROUPS[only],):
        importlib.import_module(f"inspect_tui.cli.{name}").register(sub, common)
    return p


def _unreadable_argument(argv: list[str]) -> str | None:
    """A message for the first argument no command could use, else None.

    Bytes that are not UTF-8 reach Python as lone surrogates (a file name from
    an old Windows share, a cp932 terminal): SQLite, the terminal and every file
    format refuse them later, in the middle of the work. NUL cannot come from a
    real command line but can from a wrapper script. The value itself is not
    repeated: it may be anything, an applicant's name included.
    """
    for no, arg in enumerate(argv, 1):
        option = re.match(r"--[a-z][a-z0-9-]*(?==)", arg)
        which = f"{no}番目の引数" + (f"（{option.group()}）" if option else "")
        if "\x00" in arg:
            return f"{which}に NUL 文字が入っています。取り除いてください"
        if any("\ud800" <= ch <= "\udfff" for ch in arg):
            return (
                f"{which}に UTF-8 でない文字が入っています"
                "（端末・ファイル名の文字コードを UTF-8 にしてください）"
            )
    return None


def run() -> int:
    """The process's entry (the ``inspect-tui`` script, ``python -m inspect_tui``): main,
    then every object moved out of the cyclic collector's reach, as the process is ending.

    Python's shutdown otherwise collects the ~17,000 objects the command's modules made
    (their classes and functions are in cycles): 6.8 of the 10.8 ms between the end of a
    ``report monthly --format json`` and the process's exit (15 runs; bench/m_reports_cli.py).
    Nothing is lost: the files are written and the database closed before main returns, and
    the operating system takes the memory back. Not in main itself, which tests and the
    benchmarks call many times in one process.
    """
    try:
        return main()
    finally:
        gc.freeze()


def main(argv: Sequence[str] | None = None) -> int:
    argv_list = list(sys.argv[1:] if argv is None else argv)
    problem = _unreadable_argument(argv_list)
    if problem:
        print(f"inspect-tui: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    args = parse_app_only(argv_list)
    if args is None:
        args = build_parser(command_named(argv_list)).parse_args(argv_list)
    try:
        from inspect_tui.cli.identity import apply_identity

        args = with_demo_login(with_demo_db(args))  # --demo: the demo's database and login
        args = apply_identity(build_parser, args, argv_list)  # --as, SSH forced commands
        return int(args.func(args) or 0)
    except UserError as exc:
        _err(str(exc))
        return exc.code
    except KeyboardInterrupt:
        _err("中断しました")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # expected kinds first, then the unexpected
        return _report_failure(exc)


def _report_failure(exc: Exception) -> int:
    import sqlite3  # (not at the top: the app's start imports this module before its first paint)

    from inspect_tui.services.errors import (
        ConfigError,
        ConflictError,
        DatabaseBusy,
        DatabaseError,
        PermissionDenied,
    )

    exc = _first_error(exc)
    if isinstance(exc, ConfigError):
        _err("設定ファイルに問題があります:\n" + str(exc))
        return EXIT_BAD_INPUT
    if isinstance(exc, DatabaseError):
        _err(str(exc))
        return EXIT_FAIL
    if isinstance(exc, PermissionDenied | ConflictError | DatabaseBusy):
        _err(str(exc))
        return EXIT_FAIL
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        if any(w in str(exc).lower() for w in ("malformed", "not a database", "corrupt")):
            msg = "データベースが壊れています。inspect-tui restore でバックアップから戻してください"
            print(f"inspect-tui: {msg}", file=sys.stderr)
            return EXIT_FAIL
    if isinstance(exc, sqlite3.OperationalError):
        # locked past the retry budget, read-only file or folder, disk full: say so plainly
        print(f"inspect-tui: データベースに書き込めません（{_plain_sqlite_error(exc)}）", file=sys.stderr)
        return EXIT_FAIL
    if isinstance(exc, OSError):
        # a file the command reads or writes (never the database: its errors come from SQLite)
        from inspect_tui.render.output import os_reason

        what = f"{exc.filename} を使えません" if exc.filename else "ファイルを読み書きできません"
        print(f"inspect-tui: {what}（{os_reason(exc)}）", file=sys.stderr)
        return EXIT_FAIL
    from inspect_tui.system.logs import log_exception

    where = log_exception(exc)
    print(
        f"inspect-tui: 予期しないエラーが起きました（{type(exc).__name__}）。記録: {where}",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _first_error(exc: Exception) -> Exception:
    """The error that started it, when a ROLLBACK that failed while handling it took its place.

    After SQLITE_FULL (and I/O errors) SQLite has already rolled the transaction
    back, so an explicit ROLLBACK raises "cannot rollback - no transaction is
    active"; the full disk is what the user must hear about.
    """
    import sqlite3

    while (
        isinstance(exc, sqlite3.OperationalError)
        and "cannot rollback" in str(exc)
        and isinstance(exc.__context__, sqlite3.Error)
    ):
        exc = exc.__context__
    return exc


def _plain_sqlite_error(exc: Exception) -> str:
    text = str(exc).lower()
    if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL" or ("disk" in text and "full" in text):
        return (
            "ディスクがいっぱいか、データベースが大きさの上限に達しました。"
            "空きを作ってからもう一度。変更は記録されていません"
        )
    if "readonly" in text or "read-only" in text:
        return "読み取り専用です。ファイルとフォルダの権限を確かめてください"
    if "locked" in text or "busy" in text:
        return "ほかの人の書き込みが長く続いています。少し待ってからもう一度"
    if "unable to open" in text:
        return "ファイルを開けません。パスと権限を確かめてください"
    if "disk i/o" in text:
        return "ディスクの読み書きに失敗しました（ディスクの状態を確かめてください）"
    return f"{getattr(exc, 'sqlite_errorname', '') or type(exc).__name__}: {exc}"
