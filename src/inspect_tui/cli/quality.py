"""Quality subcommands: ``complaint``, ``incident``, ``problem`` and ``pareto``.

Registered by cli.build_parser (COMMAND_MODULES). Bad input prints every bad
field in Japanese and exits 2; nothing is written.
"""

from __future__ import annotations

import argparse
from typing import Any

from inspect_tui.cli import free_text as free
from inspect_tui.cli.common import EXIT_OK, UserError, _date, _out, _session, row_id
from inspect_tui.cli.reports import add_kind_arguments, run_report
from inspect_tui.core.document import Table
from inspect_tui.services.quality import lists as ql
from inspect_tui.services.quality import records as q
from inspect_tui.services.quality.input import QualityInputError, categories
from inspect_tui.services.quality.pareto import SourceUnavailable
from inspect_tui.services.reports.registry import kind

# Services are imported inside the commands: every command loads this module, and importing
# all the services the commands use costs 380-550 ms on top of the parser's 150-240 ms
# (perf_counter after build_parser(), 5 runs); a command pays only for its own.

WARNING = (
    "注意: 内容の欄に申請者の氏名・被保険者番号などの個人情報を書かないでください（依頼番号で特定します）。"
)


def _raw(args: argparse.Namespace, names: dict[str, str]) -> dict[str, Any]:
    return {field: getattr(args, attr) for field, attr in names.items()}


def _run(func, *a, **kw):

    try:
        return func(*a, **kw)
    except QualityInputError as exc:
        raise UserError(
            "入力に問題があります（何も保存していません）:\n"
            + "\n".join(f"  {label}: {msg}" for label, msg in exc.problems)
        ) from None
    except SourceUnavailable as exc:
        raise UserError(str(exc)) from None


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    from inspect_tui.render.text import render_table

    return render_table(Table(headers, rows)) if rows else "（該当なし）"


# --------------------------------------------------------------------------- complaints
COMPLAINT_ARGS = {
    "received_at": "at",
    "complainant": "complainant",
    "complainant_note": "complainant_note",
    "handled_by": "handled_by",
    "ward": "ward",
    "case_no": "case",
    "surveyor": "surveyor",
    "category": "category",
    "content": "content",
    "outcome": "outcome",
    "serious": "serious",
    "city_caused": "city_caused",
    "reported_to_city_at": "reported_at",
}


def cmd_complaint(args: argparse.Namespace) -> int:

    with _session(args) as s:
        if args.action == "add":
            raw = _raw(args, COMPLAINT_ARGS)
            warnings = free.guard(args, q.free_text_warnings(s, "complaint", raw))
            cid = _run(q.save_complaint, s, raw)
            c = q.get_complaint(s, cid)
            _out(f"苦情 {cid} を記録しました（{c.severity_label}、{c.city_report_label}）")
            if c.serious and not c.reported_to_city_at:
                _out("重大な苦情です。速やかに市へ報告し、complaint report-city で報告日時を記録してください")
            free.report(warnings)
        elif args.action == "report-city":
            c = _run(q.report_complaint_to_city, s, args.id, args.at)
            _out(f"苦情 {c.id}: 市への報告 {c.reported_to_city_at} を記録しました")
        else:
            rows = _run(
                q.list_complaints,
                s,
                args.date_from,
                args.date_to,
                ward=args.ward,
                surveyor=args.surveyor,
                kind="serious" if args.serious else None,
                unreported_only=args.unreported,
            )
            view = ql.list_viewer(s, rows)
            _out(_table(list(ql.COMPLAINT_COLUMNS), [ql.complaint_cells(c, 24, view) for c in rows]))
    return EXIT_OK


# --------------------------------------------------------------------------- incidents
INCIDENT_ARGS = {
    "kind": "kind",
    "occurred_at": "at",
    "place": "place",
    "people": "people",
    "ward": "ward",
    "case_no": "case",
    "surveyor": "surveyor",
    "what_happened": "what",
    "impact": "impact",
    "direct_cause": "direct_cause",
    "root_cause": "root_cause",
    "immediate_response": "response",
    "countermeasure": "countermeasure",
    "prevention": "prevention",
    "cause_category": "cause",
    "city_caused": "city_caused",
    "phoned_city_at": "phoned_at",
    "written_report_at": "written_at",
}


def cmd_incident(args: argparse.Namespace) -> int:

    with _session(args) as s:
        if args.action == "add":
            raw = _raw(args, INCIDENT_ARGS)
            warnings = free.guard(args, q.free_text_warnings(s, "incident", raw))
            iid = _run(q.save_incident, s, raw)
            i = q.get_incident(s, iid)
            _out(f"{i.kind_label} {iid} を記録しました（{i.report_label}）")
            if i.kind == "security" and not i.written_report_at:
                _out(
                    "セキュリティ事故です。まず市へ電話で連絡し、その後、改善策を書いた報告書を提出してください"
                )
            free.report(warnings)
        elif args.action == "report-city":
            if not (args.phoned_at or args.written_at):
                raise UserError("--phoned-at か --written-at（またはその両方）を指定してください")
            i = _run(
                q.record_incident_report, s, args.id, phoned_at=args.phoned_at, written_at=args.written_at
            )
            _out(f"事故 {i.id}: 電話連絡 {i.phoned_city_at or '未'}、書面報告 {i.written_report_at or '未'}")
        else:
            kind = _run(q.kind_key, "incidents", args.kind)
            rows = q.list_incidents(
                s, args.date_from, args.date_to, ward=args.ward, surveyor=args.surveyor, kind=kind
            )
            view = ql.list_viewer(s, rows)
            _out(_table(list(ql.INCIDENT_COLUMNS), [ql.incident_cells(i, 24, view) for i in rows]))
    return EXIT_OK


# --------------------------------------------------------------------------- problems
def cmd_problem(args: argparse.Namespace) -> int:

    with _session(args) as s:
        if args.action == "add":
            raw = {
                "title": args.title,
                "owner": args.owner,
                "due_on": args.due,
                "opened_on": args.opened,
                "status": args.status,
                "root_cause_note": args.root_cause,
                "fix": args.fix,
            }
            links = q.parse_links(args.complaint or (), args.incident or (), args.meeting or ())
            warnings = free.guard(args, q.free_text_warnings(s, "problem", raw, links))
            pid = _run(q.save_problem, s, raw, links)
            p = q.get_problem(s, pid)
            _out(f"課題 {pid} を記録しました（主担当 {p.owner}、期限 {p.due_on}、元: {p.links_label}）")
            free.report(warnings)
        elif args.action == "close":
            current = q.get_problem(s, args.id)
            links = current.links if current else ()
            warnings = free.guard(args, q.free_text_warnings(s, "problem", {"fix": args.fix}, links))
            p = _run(q.close_problem, s, args.id, args.fix, args.on)
            _out(f"課題 {p.id} を完了にしました（{p.closed_on}）")
            free.report(warnings)
        else:
            from inspect_tui.core.today import today_jp

            today = today_jp()
            rows = q.list_problems(s, open_only=not args.all)
            view = ql.list_viewer(s, rows)
            _out(_table(list(ql.PROBLEM_COLUMNS), [ql.problem_cells(p, today, 30, view) for p in rows]))
    return EXIT_OK


# --------------------------------------------------------------------------- pareto
def cmd_pareto(args: argparse.Namespace) -> int:
    """``inspect-tui pareto``: the same report as ``report pareto``, through the report registry."""

    return run_report("pareto", args)


# --------------------------------------------------------------------------- parser
PARETO_HELP = "パレート分析（苦情・事故・点検の指摘）"


def add_pareto_arguments(p: argparse.ArgumentParser) -> None:
    """The pareto options (the registry's); also for an alias (then set func=cmd_pareto)."""

    add_kind_arguments(p, "pareto")


def _period(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument(
        "--from", dest="date_from", type=_date, required=required, metavar="DATE", help="期間の始め（含む）"
    )
    p.add_argument(
        "--to", dest="date_to", type=_date, required=required, metavar="DATE", help="期間の終わり（含む）"
    )
    p.add_argument("--ward", help="区で絞る")
    p.add_argument("--surveyor", help="調査員コードで絞る")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:

    cats = categories()
    c = sub.add_parser("complaint", help="苦情の記録・一覧", description=WARNING)
    cs = c.add_subparsers(title="操作", metavar="ACTION", required=True)
    a = cs.add_parser("add", parents=[common], help="苦情を記録", description=WARNING)
    a.add_argument("--at", required=True, help="受付日時（例: 2027-06-14 10:30）")
    a.add_argument(
        "--from", dest="complainant", required=True, help=f"申出者: {' / '.join(cats.complainants)}"
    )
    a.add_argument("--from-note", dest="complainant_note", help="申出者の補足（その他のときなど）")
    a.add_argument("--handler", dest="handled_by", required=True, help="対応者")
    a.add_argument("--ward", required=True, help="区")
    a.add_argument("--case", help="関係する依頼番号")
    a.add_argument("--surveyor", help="関係する調査員コード")
    a.add_argument("--category", required=True, help=f"区分: {' / '.join(cats.complaint)}")
    a.add_argument("--content", required=True, help="苦情内容（個人情報を書かない）")
    a.add_argument("--outcome", help="対応結果")
    a.add_argument("--serious", action="store_true", help="重大な苦情（市へ速やかに報告）")
    a.add_argument("--city-caused", action="store_true", help="市の事由によるもの")
    a.add_argument("--reported-at", help="市へ報告した日時")
    free.add_strict_option(a)
    a.set_defaults(func=cmd_complaint, action="add")
    r = cs.add_parser("report-city", parents=[common], help="市への報告日時を記録")
    r.add_argument("id", type=row_id)
    r.add_argument("--at", required=True, help="報告した日時")
    r.set_defaults(func=cmd_complaint, action="report-city")
    ls = cs.add_parser("list", parents=[common], help="苦情の一覧（新しい順）")
    _period(ls)
    ls.add_argument("--serious", action="store_true", help="重大なものだけ")
    ls.add_argument("--unreported", action="store_true", help="市へ未報告の重大な苦情だけ")
    ls.set_defaults(func=cmd_complaint, action="list")

    i = sub.add_parser(
        "incident", help="インシデント・アクシデント（事故振り返りシート）", description=WARNING
    )
    is_ = i.add_subparsers(title="操作", metavar="ACTION", required=True)
    a = is_.add_parser("add", parents=[common], help="事故・インシデントを記録", description=WARNING)
    a.add_argument("--kind", required=True, help="種別: incident / accident / security（セキュリティ事故）")
    a.add_argument("--at", required=True, help="発生日時（例: 2027-06-14 10:30）")
    a.add_argument("--place", help="場所")
    a.add_argument("--people", help="関係者（職員。申請者の氏名は書かない）")
    a.add_argument("--ward", required=True, help="区")
    a.add_argument("--case", help="関係する依頼番号")
    a.add_argument("--surveyor", help="関係する調査員コード")
    a.add_argument("--what", required=True, help="何が起きたか")
    a.add_argument("--impact", help="影響")
    a.add_argument("--direct-cause", help="直接原因")
    a.add_argument("--root-cause", help="根本原因")
    a.add_argument("--response", help="応急対応")
    a.add_argument("--countermeasure", help="対策")
    a.add_argument("--prevention", help="再発防止策")
    a.add_argument("--cause", required=True, help=f"原因区分: {' / '.join(cats.incident_cause)}")
    a.add_argument("--city-caused", action="store_true", help="市の事由によるもの")
    a.add_argument("--phoned-at", help="市へ電話連絡した日時")
    a.add_argument("--written-at", help="市へ書面で報告した日時（電話連絡の後）")
    free.add_strict_option(a)
    a.set_defaults(func=cmd_incident, action="add")
    r = is_.add_parser("report-city", parents=[common], help="市への電話連絡・書面報告の日時を記録")
    r.add_argument("id", type=row_id)
    r.add_argument("--phoned-at", help="電話連絡した日時")
    r.add_argument("--written-at", help="書面報告した日時")
    r.set_defaults(func=cmd_incident, action="report-city")
    ls = is_.add_parser("list", parents=[common], help="事故・インシデントの一覧（新しい順）")
    _period(ls)
    ls.add_argument("--kind", help="種別で絞る")
    ls.set_defaults(func=cmd_incident, action="list")

    p = sub.add_parser("problem", help="課題管理")
    ps = p.add_subparsers(title="操作", metavar="ACTION", required=True)
    a = ps.add_parser("add", parents=[common], help="苦情・事故から課題を起こす")
    a.add_argument("--title", required=True, help="課題")
    a.add_argument("--owner", required=True, help="主担当")
    a.add_argument("--due", required=True, help="期限")
    a.add_argument("--opened", help="起票日（既定: 今日）")
    a.add_argument("--status", default="open", help="open / in_progress / closed")
    a.add_argument("--complaint", action="append", metavar="ID", help="元になった苦情の番号（複数可）")
    a.add_argument("--incident", action="append", metavar="ID", help="元になった事故の番号（複数可）")
    a.add_argument("--meeting", action="append", metavar="ID", help="元になった会議の記録番号（複数可）")
    a.add_argument("--root-cause", help="原因（根本原因のメモ）")
    a.add_argument("--fix", help="対策")
    free.add_strict_option(a)
    a.set_defaults(func=cmd_problem, action="add")
    cl = ps.add_parser("close", parents=[common], help="課題を完了にする")
    cl.add_argument("id", type=row_id)
    cl.add_argument("--fix", help="対策（まだ書いていなければ必須）")
    cl.add_argument("--on", help="完了日（既定: 今日）")
    free.add_strict_option(cl)
    cl.set_defaults(func=cmd_problem, action="close")
    ls = ps.add_parser("list", parents=[common], help="課題の一覧（未完了、期限順）")
    ls.add_argument("--all", action="store_true", help="完了したものも出す")
    ls.set_defaults(func=cmd_problem, action="list")

    pa = sub.add_parser("pareto", parents=[common], help=PARETO_HELP, description=kind("pareto").description)
    add_pareto_arguments(pa)
    pa.set_defaults(func=cmd_pareto)
