"""Opening the app: ``inspect-tui`` with no command (``--demo``, ``--theme``, ``--as``).

Start-up is a budget: opening the app parses only these options, without building
every command's parser (cli/main.py builds the rest when a command is asked for).
"""

from __future__ import annotations

import argparse
import sys

from inspect_tui.cli.common import (
    Parser,
    UserError,
    _db_path,
)

# This module is loaded at every start, the TUI's too: what it reaches below is imported
# inside the functions (session, config, jpdate and render: 1.1-1.5 s more under load,
# against 190-270 ms for the start itself; perf_counter, 5 runs). test_launch holds it.


#: Who ``--demo`` opens as without ``--as``: the chief of 長田区, linked to surveyor S001, with
#: new surveyors' forms waiting in the review queue (the heart of the product, one key away).
#: The palette's デモ: 利用者を切り替える (or ``--demo --as demo-manager|demo-monitor|…``) tours
#: the other roles.
DEMO_START_LOGIN = "demo-s001"


def with_demo_login(args: argparse.Namespace) -> argparse.Namespace:
    """``--demo`` without ``--as`` works as DEMO_START_LOGIN."""
    if getattr(args, "demo", False) and getattr(args, "as_user", None) is None:
        args.as_user = DEMO_START_LOGIN
    return args


def with_demo_db(args: argparse.Namespace) -> argparse.Namespace:
    """``--demo`` before a command runs it on the demo database, never the user's own
    (``inspect-tui --demo guidance --surveyor S040``); the demo is built by the check of
    ``--as`` (cli.identity) before the command opens it. With ``--db`` as well: refused."""
    if not getattr(args, "demo", False) or getattr(args, "func", None) in (None, cmd_app):
        return args
    if getattr(args, "db", None):  # (a command without a database never reads args.db)
        raise UserError("--demo と --db は一緒に使えません（--demo はデモ用データベースで動きます）")
    from inspect_tui.system.paths import demo_db_path

    args.db = str(demo_db_path())
    return args


def cmd_app(args: argparse.Namespace) -> int:
    from inspect_tui.system.paths import demo_db_path

    if args.demo:
        from inspect_tui.demo.build import ensure_demo

        path = demo_db_path()
        print(f"デモ用データベース: {path}", file=sys.stderr)
        ensure_demo(path)
    else:
        path = _db_path(args)
    from inspect_tui.tui.launch import run_app

    return run_app(path, theme=args.theme, demo=args.demo)


def add_app_options(p: argparse.ArgumentParser) -> None:
    """The options of the app itself (no subcommand)."""
    p.add_argument(
        "--demo", action="store_true", help="デモ用データベースで開く（自分のデータには触れません）"
    )
    p.add_argument("--theme", help="テーマ（default / light / high-contrast）")
    p.add_argument(
        "--as",
        dest="as_user",
        metavar="LOGIN",
        help="この利用者として使う（SSH の強制コマンドの中か、データベースの所有者だけ）",
    )
    p.set_defaults(func=cmd_app)


def parse_app_only(argv: list[str]) -> argparse.Namespace | None:
    """Arguments for opening the app, without building every subcommand's parser.

    Starting the app is the common case and start-up is a budget: the full
    parser (some forty subcommands) costs tens of milliseconds. Returns None
    when argv asks for anything else, and the full parser takes over.
    """
    if any(a in ("-h", "--help", "--version") for a in argv):
        return None
    args, rest = parse_app_options(argv)
    return None if rest else args


def parse_app_options(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """The app's own options (``--db`` and add_app_options') read from argv, and the rest."""
    p = Parser(prog="inspect-tui", add_help=False)
    p.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)
    add_app_options(p)
    return p.parse_known_args(argv)
