"""The command line. Parses arguments and calls services; nothing else lives here.

Every subcommand takes ``--db PATH`` after its name. Expected problems print a
clear message and exit non-zero (2 for bad input, 1 for anything else we
understand); unexpected ones are logged without personal data.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from inspect_tui import __version__

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 70


class UserError(Exception):
    """A problem the user can fix; printed as-is."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse without prefix matching: ``--a`` is not ``--as``, ``--d`` is not ``--db``.

    Every parser of the CLI is one of these (subparsers inherit the class), so an
    abbreviation can never slip an option past the SSH forced-command checks.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)


# --------------------------------------------------------------------------- helpers
def _config():
    from inspect_tui.services.config import load_config

    return load_config()


def _db_path(args: argparse.Namespace) -> Path:
    from inspect_tui.system.paths import default_db_path

    return Path(args.db).expanduser() if getattr(args, "db", None) else default_db_path()


def _session(args: argparse.Namespace, *, create: bool = False):
    from inspect_tui.services.session import open_session

    path = _db_path(args)
    if not create and not path.exists():
        raise UserError(
            f"データベースがありません: {path}\n"
            "  inspect-tui import cases FILE.csv --db PATH で作るか、--db で既存のファイルを指定してください",
            EXIT_FAIL,
        )
    return open_session(path, _config(), create=create)


def _date(text: str):
    from inspect_tui.core.jpdate import DateError, parse_date

    try:
        return parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _write(text: str, stream=None) -> None:
    """The one way text reaches the terminal: control characters from the data (an ESC
    in a case number) are shown as escapes, never sent to the terminal as they are."""
    from inspect_tui.core.text import printable

    (stream or sys.stdout).write(printable(text, multiline=True))


def _out(text: str) -> None:
    _write(text if text.endswith("\n") else text + "\n")


def _err(text: str) -> None:
    _write(f"inspect-tui: {text}\n", sys.stderr)


# --------------------------------------------------------------------------- commands
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


def cmd_deadline(args: argparse.Namespace) -> int:
    from inspect_tui.core.calendar import OutOfRange, add_calendar_days, get_calendar
    from inspect_tui.core.jpdate import DateError, parse_date

    cal = get_calendar(_config().extra_closures)

    def one(start_s: str, n_s: str) -> str:
        start = parse_date(start_s)
        try:
            n = int(n_s.strip())
        except ValueError:
            raise DateError(f"日数「{n_s.strip()}」は整数ではありません") from None
        due = add_calendar_days(start, n) if args.calendar_days else cal.add_business_days(start, n)
        return due.isoformat()

    if args.stdin:
        if sys.stdin is None:  # started with standard input closed (<&-)
            raise UserError("標準入力が閉じています。START,N の行を標準入力に渡してください")
        results, problems = [], []
        for no, line in enumerate(sys.stdin, 1):
            line = line.strip().lstrip("\ufeff")
            if not line:
                problems.append(f"{no}行目: 空行です（START,N の形で書いてください）")
                continue
            parts = line.split(",")
            if len(parts) != 2:
                problems.append(f"{no}行目: 「{line}」は START,N の形ではありません")
                continue
            try:
                results.append(one(*parts))
            except (DateError, OutOfRange) as exc:
                problems.append(f"{no}行目: {exc}")
        if problems:
            raise UserError("\n".join(problems))
        _out("\n".join(results))
        return EXIT_OK
    if args.start is None or args.n is None:
        raise UserError("START と N を指定するか、--stdin を付けてください")
    try:
        _out(one(args.start, args.n))
    except (DateError, OutOfRange) as exc:
        raise UserError(str(exc)) from None
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from inspect_tui.services.importing.importer import ImportFailed, import_file

    with _session(args, create=True) as s:
        try:
            summary = import_file(s, args.kind, Path(args.file), dry_run=args.dry_run)
        except ImportFailed as exc:
            raise UserError(str(exc)) from None
    _out(summary.describe(dry_run=args.dry_run))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from inspect_tui.demo.build import build_demo

    path = _db_path(args)
    if path.exists() and not args.force:
        raise UserError(f"{path} はもうあります（上書きするなら --force）", EXIT_FAIL)
    try:
        stats = build_demo(
            path,
            seed=args.seed,
            today=args.today,
            years=args.years,
            force=args.force,
            districts=args.districts,
        )
    except FileExistsError as exc:
        raise UserError(str(exc), EXIT_FAIL) from None
    except ValueError as exc:  # --years, --districts or --today out of range: said in exc
        raise UserError(str(exc)) from None
    _out(f"デモ用データベースを作りました: {path}\n{stats}")
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    from inspect_tui.services.config import EXAMPLE
    from inspect_tui.system.paths import config_path

    if args.action == "path":
        _out(str(config_path()))
    elif args.action == "example":
        _out(EXAMPLE)
    else:  # check: the file and everything it points at ([keys], sla_file, kpi_file)
        from inspect_tui.services.config_check import check_config

        report = check_config()
        if report.problems:
            raise UserError(
                f"設定に問題があります（{len(report.problems)} 件）:\n"
                + "\n".join(f"  {p}" for p in report.problems)
            )
        cfg = report.config
        if cfg.path is None:
            _out(f"{config_path()}: ファイルがないので既定値を使います")
            return EXIT_OK
        checked = [f"キーの割り当て {len(cfg.keys)} 件"] if cfg.keys else []
        checked += [
            f"{name} {f}" for name, f in (("SLA 指標", cfg.sla_file), ("KPI 指標", cfg.kpi_file)) if f
        ]
        _out(f"{cfg.path}: 問題ありません" + (f"（{'、'.join(checked)} も確かめました）" if checked else ""))
    return EXIT_OK


def cmd_deadlines(args: argparse.Namespace) -> int:
    from inspect_tui.services.cases.steps import rederive_deadlines

    with _session(args) as s:
        moved = rederive_deadlines(s, dry_run=args.dry_run)
    head = "動く期限（まだ書き換えていません）" if args.dry_run else "書き換えた期限"
    if not moved:
        _out("今のカレンダーで計算し直しても動く期限はありません")
        return EXIT_OK
    lines = [f"{head}: {len(moved)} 件"]
    lines += [f"  {m.case_no}  {m.rule}: {m.old} から {m.new}" for m in moved[:200]]
    if len(moved) > 200:
        lines.append(f"  …ほか {len(moved) - 200} 件")
    _out("\n".join(lines))
    return EXIT_OK


def cmd_case(args: argparse.Namespace) -> int:
    from inspect_tui.cli import free_text as free
    from inspect_tui.services.cases import steps as svc
    from inspect_tui.services.cases.detail import describe_case
    from inspect_tui.services.trust import free_text

    with _session(args) as s:
        try:
            if args.action == "show":
                _out(describe_case(s, args.case_no, view=free_text.viewer(s, [args.case_no])))
            elif args.action == "step":
                known = free_text.known_for_cases(s, [args.case_no])
                warnings = free.check(args, {"メモ（--note）": args.note}, known)
                status = svc.record_step(s, args.case_no, args.step, args.on, args.note or "")
                _out(f"{args.case_no}: 記録しました（状態: {status}）")
                free.report(warnings)
            elif args.action in ("extend", "exclude"):
                known = free_text.known_for_cases(s, [args.case_no])
                warnings = free.check(args, {"理由（--reason）": args.reason}, known)
                svc.add_deadline_exception(
                    s,
                    args.case_no,
                    args.rule,
                    args.action,
                    args.reason,
                    args.cause,
                    getattr(args, "new_due", None),
                )
                _out(f"{args.case_no}: {args.rule} の期限を記録しました")
                free.report(warnings)
        except (LookupError, svc.StepError, svc.ConflictError, ValueError) as exc:
            raise UserError(str(exc)) from None
    return EXIT_OK


# --------------------------------------------------------------------------- parser
def _add_strict_option(p: argparse.ArgumentParser) -> None:
    from inspect_tui.cli.free_text import add_strict_option

    add_strict_option(p)


def _add_app_options(p: argparse.ArgumentParser) -> None:
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


def _parse_app_only(argv: list[str]) -> argparse.Namespace | None:
    """Arguments for opening the app, without building every subcommand's parser.

    Starting the app is the common case and start-up is a budget: the full
    parser (some forty subcommands) costs tens of milliseconds. Returns None
    when argv asks for anything else, and the full parser takes over.
    """
    if any(a in ("-h", "--help", "--version") for a in argv):
        return None
    p = Parser(prog="inspect-tui", add_help=False)
    p.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)
    _add_app_options(p)
    args, rest = p.parse_known_args(argv)
    return None if rest else args


def build_parser() -> argparse.ArgumentParser:
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
    _add_app_options(p)
    sub = p.add_subparsers(title="コマンド", metavar="COMMAND")

    d = sub.add_parser(
        "deadline",
        parents=[common],
        help="N 開庁日後の日付を出す",
        description="START の N 開庁日後（START は数えない）を YYYY-MM-DD で出します。",
    )
    d.add_argument("start", nargs="?", metavar="START", help="起算日（2027-04-01, R9.4.1 など）")
    d.add_argument("n", nargs="?", metavar="N", help="日数")
    d.add_argument("--calendar-days", action="store_true", help="開庁日でなく暦日で数える")
    d.add_argument("--stdin", action="store_true", help="標準入力から START,N の行を読み、1行ずつ出す")
    d.set_defaults(func=cmd_deadline)

    imp = sub.add_parser("import", help="市の依頼一覧・調査員名簿（CSV）を取り込む")
    imp_sub = imp.add_subparsers(title="種類", metavar="KIND", required=True)
    for kind, help_ in (
        ("cases", "依頼一覧（依頼番号ごとに追加・更新）"),
        ("surveyors", "調査員名簿（調査員コードごとに追加・更新）"),
    ):
        k = imp_sub.add_parser(kind, parents=[common], help=help_)
        k.add_argument("file", metavar="FILE.csv")
        k.add_argument("--dry-run", action="store_true", help="何が変わるかだけを表示し、書き込まない")
        k.set_defaults(func=cmd_import, kind=kind)

    dm = sub.add_parser(
        "demo",
        parents=[common],
        help="デモ用データベースを作る",
        description="架空の C 地区（長田区・須磨区・垂水区）のデータを作ります。",
    )
    dm.add_argument("--seed", type=int, default=1, help="乱数の種（同じ種なら同じデータ）")
    dm.add_argument("--today", type=_date, default=None, help="「今日」とする日（既定: 日本の今日）")
    dm.add_argument("--years", type=float, default=1.5, help="何年分作るか（既定 1.5）")
    dm.add_argument("--force", action="store_true", help="あるファイルを上書きする")
    dm.add_argument(
        "--districts", type=int, default=1, help="地区の数（既定 1 = C地区。ベンチマーク用に大きな市を作る）"
    )
    dm.set_defaults(func=cmd_demo)

    c = sub.add_parser("config", help="設定ファイル")
    c.add_argument(
        "action",
        choices=("path", "check", "example"),
        help="path: 場所を表示 / check: 検査 / example: 見本を表示",
    )
    c.set_defaults(func=cmd_config)

    dl = sub.add_parser("deadlines", help="保存済み期限の再計算（閉庁日を変えたあと）")
    dl.add_argument("action", choices=("rederive",))
    dl.add_argument("--dry-run", action="store_true", help="動く期限を表示するだけ")
    dl.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    dl.set_defaults(func=cmd_deadlines)

    cs = sub.add_parser("case", help="依頼1件の表示・記録")
    cs_sub = cs.add_subparsers(title="操作", metavar="ACTION", required=True)
    show = cs_sub.add_parser("show", parents=[common], help="期限（根拠つき）と経過を表示")
    show.add_argument("case_no")
    show.set_defaults(func=cmd_case, action="show")
    st = cs_sub.add_parser(
        "step", parents=[common], help="手順を記録（contact/visit/submit/accept/cancel/return/resurvey）"
    )
    st.add_argument("case_no")
    st.add_argument("step", choices=("contact", "visit", "submit", "accept", "cancel", "return", "resurvey"))
    st.add_argument("--on", type=_date, default=None, help="日付（既定: 日本の今日）")
    st.add_argument("--note", help="メモ（申請者の氏名・被保険者番号は書かない）")
    _add_strict_option(st)
    st.set_defaults(func=cmd_case, action="step")
    for action, help_ in (
        ("extend", "期限を延長（市と合意）"),
        ("exclude", "期限を集計から除外（市の事由など）"),
    ):
        e = cs_sub.add_parser(action, parents=[common], help=help_)
        e.add_argument("case_no")
        e.add_argument("rule", choices=("contact", "standard", "target20"))
        if action == "extend":
            e.add_argument("new_due", type=_date, metavar="NEW_DUE")
        e.add_argument("--reason", required=True, help="理由")
        e.add_argument(
            "--cause", choices=("city", "applicant", "other"), default="city", help="事由の区分（既定 city）"
        )
        _add_strict_option(e)
        e.set_defaults(func=cmd_case, action=action)
    _add_more_commands(sub, common)
    return p


#: Modules that add subcommands of their own, each with register(sub, common).
COMMAND_MODULES = (
    "inspect_tui.cli.reports",
    "inspect_tui.cli.trust",
    "inspect_tui.cli.quality",
    "inspect_tui.cli.review",
)


def _add_more_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)


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


def main(argv: Sequence[str] | None = None) -> int:
    argv_list = list(sys.argv[1:] if argv is None else argv)
    problem = _unreadable_argument(argv_list)
    if problem:
        print(f"inspect-tui: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    args = _parse_app_only(argv_list)
    if args is None:
        args = build_parser().parse_args(argv_list)
    try:
        from inspect_tui.cli.trust import apply_identity

        args = apply_identity(build_parser, args, argv_list)  # --as and SSH forced commands
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
    from inspect_tui.services.config import ConfigError
    from inspect_tui.store.db import DatabaseError

    exc = _first_error(exc)
    if isinstance(exc, ConfigError):
        _err("設定ファイルに問題があります:\n" + str(exc))
        return EXIT_BAD_INPUT
    if isinstance(exc, DatabaseError):
        _err(str(exc))
        return EXIT_FAIL
    from inspect_tui.services.trust.permissions import DatabaseBusy, PermissionDenied
    from inspect_tui.store.cases import ConflictError

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
