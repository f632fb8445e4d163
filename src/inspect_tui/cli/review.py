"""``inspect-tui guidance``: the guidance completion report (指導終了報告) of a new surveyor;
``inspect-tui review assign|assignments``: help across wards (a manager assigns a chief
a form or a surveyor's review outside the chief's wards; services/review/wards.py).

The guidance report is the same as ``inspect-tui report guidance``: its options, its period
(the surveyor) and its builder come from the report registry (services/reports/registry.py).
Registered by cli.main.build_parser. Imports nothing heavy until the command runs.
"""

from __future__ import annotations

import argparse

from inspect_tui.cli import free_text as free
from inspect_tui.cli.common import EXIT_OK, UserError, _date, _out, _session, out_table
from inspect_tui.cli.reports import add_kind_arguments, run_report
from inspect_tui.services.reports.registry import kind

# Services are imported inside the commands: every command loads this module, and importing
# all the services the commands use costs 380-550 ms on top of the parser's 150-240 ms
# (perf_counter after build_parser(), 5 runs); a command pays only for its own.


def cmd_guidance(args: argparse.Namespace) -> int:

    return run_report("guidance", args)


GUIDANCE_HELP = "新規調査員の指導終了報告（1〜10件目の重点チェック記録）"


def add_guidance_arguments(g: argparse.ArgumentParser) -> None:
    """The guidance options; also for an alias such as ``report guidance`` (then set func=cmd_guidance)."""

    add_kind_arguments(g, "guidance")


def _positive(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"「{text.strip()[:20]}」は番号ではありません") from None
    if not 1 <= value < 2**63:
        raise argparse.ArgumentTypeError("番号は 1 以上です")
    return value


def cmd_review_assign(args: argparse.Namespace) -> int:
    from inspect_tui.services.review import assignments as asg
    from inspect_tui.services.review.queue import ReviewError
    from inspect_tui.services.trust.permissions import require

    with _session(args) as s:
        require(s, "review.assign")  # before any of the input is looked at
        if args.end is not None:
            warnings = free.guard(args, asg.reason_warnings(s, args.reason))
            try:
                a = asg.end_assignment(s, args.end, args.reason)
            except ReviewError as exc:
                raise UserError(str(exc)) from None
            _out(f"割り当て {a.id} を終えました（{a.chief}: {asg.what(a)}）")
            free.report(warnings)
            return EXIT_OK
        if not args.to:
            raise UserError("--to で応援する主任調査員のコードを指定してください")
        warnings = free.guard(args, asg.reason_warnings(s, args.reason, args.case))
        try:
            aid = asg.assign(
                s,
                args.to,
                case_no=args.case,
                surveyor=args.surveyor,
                reason=args.reason,
                from_on=args.date_from,
                until_on=args.until,
            )
        except ReviewError as exc:
            raise UserError(str(exc)) from None
        a = next(x for x in asg.list_assignments(s) if x.id == aid)
        until = f"{a.until_on} まで" if a.until_on else "終えるまで"
        _out(f"割り当て {aid}: {a.chief} に {asg.what(a)} を割り当てました（{a.from_on} から {until}）")
        free.report(warnings)
    return EXIT_OK


def cmd_review_assignments(args: argparse.Namespace) -> int:
    from inspect_tui.core.today import today_jp
    from inspect_tui.services.review import assignments as asg
    from inspect_tui.services.trust.free_text import viewer

    with _session(args) as s:
        rows = asg.list_assignments(s, args.chief)
        view = viewer(s, case_ids=[a.case_id for a in rows])
        today = today_jp()
        if args.format == "json":
            import json

            data = [
                {
                    "id": a.id,
                    "chief": a.chief,
                    "case_no": a.case_no or None,
                    "ward": a.case_ward or None,
                    "surveyor": a.surveyor,
                    "reason": view(a.reason),
                    "from": a.from_on.isoformat(),
                    "until": a.until_on.isoformat() if a.until_on else None,
                    "in_force": a.in_force(today),
                    "recorded_at": a.recorded_at,
                    "who": a.who,
                    "ended_at": a.ended_at,
                }
                for a in rows
            ]
            _out(json.dumps({"assignments": data}, ensure_ascii=False, indent=2))
            return EXIT_OK
        headers = ["番号", "主任", "担当区", "割り当て", "期間", "状態", "理由"]
        cells = [
            [
                str(a.id),
                a.chief,
                asg.chief_wards_text(s, a.chief),
                asg.what(a),
                f"{a.from_on}〜{a.until_on or ''}",
                "終了" if a.ended_at else ("有効" if a.in_force(today) else "期間外"),
                view(a.reason).replace("\n", " "),
            ]
            for a in rows
        ]
        if not rows:
            _out("（割り当てはありません）")
        else:
            from inspect_tui.core.document import Table
            from inspect_tui.render.text import render_table

            out_table(headers, cells, render_table(Table(headers, cells)))
    return EXIT_OK


ASSIGN_HELP = "担当区外の点検（応援）を主任調査員に割り当てる（業務責任者）"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    r = sub.add_parser("review", help="点検の割り当て（主任調査員の担当区外の応援）")
    rs = r.add_subparsers(title="操作", metavar="ACTION", required=True)
    a = rs.add_parser(
        "assign",
        parents=[common],
        help=ASSIGN_HELP,
        description=ASSIGN_HELP + "。主任は担当区の調査票を点検します（設定 [review] chiefs_check）。",
    )
    what = a.add_mutually_exclusive_group(required=True)
    what.add_argument("--case", metavar="CASE_NO", help="この調査票（依頼番号）の重点チェック")
    what.add_argument("--surveyor", metavar="CODE", help="この調査員の点検すべて（1-10件目と3か月・6か月後）")
    what.add_argument("--end", metavar="ID", type=_positive, help="この番号の割り当てを終える")
    a.add_argument("--to", metavar="CHIEF_CODE", help="応援する主任調査員のコード")
    a.add_argument("--reason", help="理由（個人情報を書かない）。--end では任意")
    a.add_argument("--from", dest="date_from", metavar="DATE", type=_date, help="始まりの日（既定: 今日）")
    a.add_argument("--until", metavar="DATE", type=_date, help="終わりの日（その日まで。既定: 終えるまで）")
    free.add_strict_option(a)
    a.set_defaults(func=cmd_review_assign)
    ls = rs.add_parser("assignments", parents=[common], help="点検の割り当ての一覧（終えたものも）")
    ls.add_argument("--chief", metavar="CODE", help="この主任調査員の割り当てだけ")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    ls.set_defaults(func=cmd_review_assignments)

    g = sub.add_parser(
        "guidance", parents=[common], help=GUIDANCE_HELP, description=kind("guidance").description
    )
    add_guidance_arguments(g)
    g.set_defaults(func=cmd_guidance)
