"""Setting up: ``import cases|surveyors``, ``demo``, ``config path|check|example``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inspect_tui.cli.common import (
    EXIT_FAIL,
    EXIT_OK,
    UserError,
    _date,
    _db_path,
    _out,
    _session,
)
from inspect_tui.cli.progress import import_progress
from inspect_tui.services.config import EXAMPLE
from inspect_tui.system.paths import config_path

# Services are imported inside the commands: every command loads this module, and importing
# all the services the commands use costs 380-550 ms on top of the parser's 150-240 ms
# (perf_counter after build_parser(), 5 runs); a command pays only for its own.


def cmd_import(args: argparse.Namespace) -> int:
    from inspect_tui.services.importing.importer import import_file
    from inspect_tui.services.importing.results import ImportConflicts, ImportFailed

    with _session(args, create=True) as s, import_progress() as progress:
        try:
            summary = import_file(
                s,
                args.kind,
                Path(args.file),
                dry_run=args.dry_run,
                accept_changes=getattr(args, "accept_changes", False),
                progress=progress,
            )
        except ImportConflicts as exc:  # cells differ from recorded steps: nothing changed
            raise UserError(str(exc), EXIT_FAIL) from None
        except ImportFailed as exc:
            raise UserError(str(exc)) from None
    _out(summary.describe(dry_run=args.dry_run))
    warnings = summary.warnings()
    if warnings:  # on stderr, as the other warnings; the import is done (exit 0)
        print("inspect-tui: 注意: " + "\n".join(warnings), file=sys.stderr)
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

    if args.action == "path":
        _out(str(config_path()))
    elif args.action == "example":
        _out(EXAMPLE)
    else:  # check: the file and everything it points at ([keys], sla_file, kpi_file)
        from inspect_tui.services.config_check import check_config
        from inspect_tui.tui.keymap import keymap_problems

        report = check_config(keys=keymap_problems)
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


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    imp = sub.add_parser("import", help="市の依頼一覧・調査員名簿（CSV）を取り込む")
    imp_sub = imp.add_subparsers(title="種類", metavar="KIND", required=True)
    for kind, help_ in (
        ("cases", "依頼一覧（依頼番号ごとに追加・更新）"),
        ("surveyors", "調査員名簿（調査員コードごとに追加・更新）"),
    ):
        k = imp_sub.add_parser(kind, parents=[common], help=help_)
        k.add_argument("file", metavar="FILE.csv")
        k.add_argument("--dry-run", action="store_true", help="何が変わるかだけを表示し、書き込まない")
        if kind == "cases":
            k.add_argument(
                "--accept-changes",
                action="store_true",
                help="記録済みの手順と違う日付をファイルの日付で訂正する（前の記録は取消として残る）",
            )
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
