"""``inspect-tui guidance``: the guidance completion report (指導終了報告) of a new surveyor.

Registered by cli.build_parser through COMMAND_MODULES. Imports nothing heavy
until the command runs.
"""

from __future__ import annotations

import argparse
import sys


def cmd_guidance(args: argparse.Namespace) -> int:
    from inspect_tui.cli.main import EXIT_FAIL, EXIT_OK, UserError, _out, _session, _write
    from inspect_tui.services.review.queue import ReviewError, new_surveyors
    from inspect_tui.services.review.surveyor import ReportNotReady, guidance_report

    with _session(args) as s:
        if args.list or not args.surveyor:
            rows = new_surveyors(s)
            if not rows:
                _out("重点チェックの対象の新規調査員はいません")
                return EXIT_OK
            lines = ["調査員    配置日      点検済み  単独開始"]
            lines += [f"{r.code:<8}  {r.placed_on}  {r.progress:>8}  {r.solo_start or '－'}" for r in rows]
            if not args.list:
                lines.insert(0, "--surveyor CODE で報告を出します。対象の新規調査員:")
            _out("\n".join(lines))
            return EXIT_OK
        try:
            text = guidance_report(s, args.surveyor, args.format, allow_draft=args.draft)
        except ReportNotReady as exc:
            raise UserError(str(exc), EXIT_FAIL) from None
        except ReviewError as exc:
            raise UserError(str(exc)) from None
    if args.output:
        from inspect_tui.core.today import today_jp
        from inspect_tui.render.guidance import default_filename
        from inspect_tui.render.output import OutputError, resolve_output, write_output

        try:  # a folder: a file name with the surveyor code only
            path = resolve_output(args.output, default_filename(args.surveyor, args.format, today_jp()))
            write_output(path, text)
        except OutputError as exc:
            raise UserError(str(exc), EXIT_FAIL) from None
        print(f"書き出しました: {path}", file=sys.stderr)
    else:
        _write(text)
    return EXIT_OK


GUIDANCE_HELP = "新規調査員の指導終了報告（1〜10件目の重点チェック記録）"
GUIDANCE_DESCRIPTION = (
    "10件目の重点チェックが終わった新規調査員の指導終了報告を出します。"
    "申請者の氏名・被保険者番号は含みません。--surveyor なしで対象の一覧を表示します。"
)


def add_guidance_arguments(g: argparse.ArgumentParser) -> None:
    """The guidance options; also for an alias such as ``report guidance`` (then set func=cmd_guidance)."""
    g.add_argument("--surveyor", metavar="CODE", help="調査員コード")
    g.add_argument(
        "--format", choices=("text", "md", "html", "json"), default="text", help="形式（既定 text）"
    )
    g.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="書き出すファイルかフォルダ（フォルダなら guidance_CODE_YYYYMMDD.拡張子。既定: 標準出力）",
    )
    g.add_argument("--draft", action="store_true", help="10件目の点検前でも作成途中として出す")
    g.add_argument("--list", action="store_true", help="対象の新規調査員と進み具合を表示")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    g = sub.add_parser("guidance", parents=[common], help=GUIDANCE_HELP, description=GUIDANCE_DESCRIPTION)
    add_guidance_arguments(g)
    g.set_defaults(func=cmd_guidance)
