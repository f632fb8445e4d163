"""``inspect-tui guidance``: the guidance completion report (指導終了報告) of a new surveyor.

Registered by cli.main.build_parser. Imports nothing heavy until the command runs.
"""

from __future__ import annotations

import argparse

from inspect_tui.core.document import FORMATS


def cmd_guidance(args: argparse.Namespace) -> int:
    from inspect_tui.cli.common import EXIT_FAIL, EXIT_OK, UserError, _out, _session, emit
    from inspect_tui.services.review.guidance import ReportNotReady, guidance_report
    from inspect_tui.services.review.queue import ReviewError, new_surveyors

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
            report = guidance_report(s, args.surveyor, allow_draft=args.draft)
        except ReportNotReady as exc:
            raise UserError(str(exc), EXIT_FAIL) from None
        except ReviewError as exc:
            raise UserError(str(exc)) from None
    emit(report, args.format, args.output, report.default_filename(args.format))
    return EXIT_OK


GUIDANCE_HELP = "新規調査員の指導終了報告（1〜10件目の重点チェック記録）"
GUIDANCE_DESCRIPTION = (
    "10件目の重点チェックが終わった新規調査員の指導終了報告を出します。"
    "申請者の氏名・被保険者番号は含みません。--surveyor なしで対象の一覧を表示します。"
)


def add_guidance_arguments(g: argparse.ArgumentParser) -> None:
    """The guidance options; also for an alias such as ``report guidance`` (then set func=cmd_guidance)."""
    g.add_argument("--surveyor", metavar="CODE", help="調査員コード")
    g.add_argument("--format", choices=FORMATS, default="text", help="形式（既定 text）")
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
