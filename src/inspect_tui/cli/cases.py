"""Cases and deadlines: ``deadline``, ``case show|step|void|history|extend|exclude``,
``deadlines rederive``."""

from __future__ import annotations

import argparse
import sys

from inspect_tui.cli import free_text as free
from inspect_tui.cli.common import (
    EXIT_FAIL,
    EXIT_OK,
    UserError,
    _config,
    _date,
    _out,
    _session,
)
from inspect_tui.cli.free_text import add_strict_option
from inspect_tui.core.calendar import OutOfRange, add_calendar_days, get_calendar
from inspect_tui.core.case_columns import STATUS_LABELS
from inspect_tui.core.case_events import CAUSES
from inspect_tui.core.deadlines import case_rules
from inspect_tui.core.inspection import ASPECTS, RESULTS, SEVERITY_IDS, cli_hint_for_submission
from inspect_tui.core.jpdate import DateError, parse_date
from inspect_tui.core.steps import STEPS
from inspect_tui.services.cases.closed_months import ClosedMonthStep
from inspect_tui.services.trust import free_text

# Services are imported inside the commands: every command loads this module, and importing
# all the services the commands use costs 380-550 ms on top of the parser's 150-240 ms
# (perf_counter after build_parser(), 5 runs); a command pays only for its own.


def cmd_deadline(args: argparse.Namespace) -> int:

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
    from inspect_tui.services.cases import inspection
    from inspect_tui.services.cases import steps as svc
    from inspect_tui.services.cases.detail import describe_case
    from inspect_tui.services.forms.points import PointsNotMarked

    with _session(args) as s:
        try:
            if args.action == "show":
                _out(describe_case(s, args.case_no, view=free_text.viewer(s, [args.case_no])))
            elif args.action == "step":
                known = free_text.known_for_cases(s, [args.case_no])
                warnings = free.check(
                    args,
                    {"メモ（--note）": args.note, "理由（--without-inspection）": args.without_inspection},
                    known,
                )
                status = svc.record_step(
                    s,
                    args.case_no,
                    args.step,
                    args.on,
                    args.note or "",
                    cause=args.cause,
                    without_inspection=args.without_inspection,
                    correction_of=args.correction_of,
                )
                _out(
                    f"{args.case_no}: {STEPS[args.step].label}を記録しました（状態: {STATUS_LABELS[status]}）"
                )
                if args.without_inspection is not None:
                    gate = inspection.submission_gate(s, args.case_no)
                    done = "点検済みでした（--without-inspection は使っていません）"
                    unchecked = "点検なしの提出として記録しました（月次報告・今日の画面で数えます）"
                    _out(f"  {done if gate.allowed else unchecked}")
                free.report(warnings)
            elif args.action == "inspect":
                known = free_text.known_for_cases(s, [args.case_no])
                notes = {f"{i}番目の --finding": f for i, f in enumerate(args.finding, 1)}
                warnings = free.check(args, notes, known)
                inspection.record_inspection(s, args.case_no, args.result, args.finding)
                found = f"、指摘 {len(args.finding)} 件" if args.finding else ""
                _out(f"{args.case_no}: 点検を記録しました（{RESULTS[args.result]}{found}）")
                free.report(warnings)
            elif args.action == "void":
                known = free_text.known_for_cases(s, [args.case_no])
                warnings = free.check(args, {"理由（--reason）": args.reason}, known)
                status = svc.void_event(s, args.case_no, args.event_id, args.reason)
                _out(
                    f"{args.case_no}: 記録 {args.event_id} を取り消しました（状態: {STATUS_LABELS[status]}）"
                )
                free.report(warnings)
            elif args.action == "history":
                from inspect_tui.services.cases.history import case_history

                h = case_history(s, args.case_no, view=free_text.viewer(s, [args.case_no]))
                if args.format == "json":
                    import json

                    _out(json.dumps(h.to_json(), ensure_ascii=False, indent=2))
                else:
                    _out(h.text())
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
        except ClosedMonthStep as exc:  # the option that names the correction, in the CLI's words
            raise UserError(
                f"{exc.what}前月以前分の訂正なら --correction-of {exc.month} を付けてください", EXIT_FAIL
            ) from None
        except inspection.SubmissionRefused as exc:  # and how to go on, in the CLI's words
            raise UserError(f"{exc}\n{cli_hint_for_submission(exc.case_no)}", EXIT_FAIL) from None
        except (svc.StepError, PointsNotMarked) as exc:  # an order rule: the message names it
            raise UserError(str(exc), EXIT_FAIL) from None
        except (LookupError, svc.ConflictError, ValueError) as exc:
            raise UserError(str(exc)) from None
    return EXIT_OK


def _event_id(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"記録の番号「{text}」は整数ではありません（case history の番号）"
        ) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"記録の番号は 1 以上です: {value}")
    return value


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:

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
    st = cs_sub.add_parser("step", parents=[common], help=f"手順を記録（{'/'.join(STEPS)}）")
    st.add_argument("case_no")
    st.add_argument("step", choices=tuple(STEPS))
    st.add_argument("--on", type=_date, default=None, help="日付（既定: 日本の今日）")
    st.add_argument("--note", help="メモ（申請者の氏名・被保険者番号は書かない）")
    st.add_argument(
        "--without-inspection",
        metavar="REASON",
        default=None,
        help="業務責任者の判断で、点検の記録なしに提出を記録する（理由を書く。記録され、報告で数えます）",
    )
    st.add_argument(
        "--correction-of",
        metavar="YYYY-MM",
        default=None,
        help="締め済みの月の日付の手順を、その月の訂正として記録する（翌月以降の報告に前月以前分の訂正として載ります）",
    )
    st.add_argument(
        "--cause",
        choices=tuple(CAUSES),
        default=None,
        help="提出後の修正（照会・返戻・受理取消・再調査）の事由: city は提出後の修正件数に数えない",
    )
    add_strict_option(st)
    st.set_defaults(func=cmd_case, action="step")
    ins = cs_sub.add_parser(
        "inspect",
        parents=[common],
        help="調査票の点検を記録（作成した調査員以外）",
        description="調査票の点検（001 §4(5)）を、今のログインの人の点検として記録します。"
        "提出の前に、作成した調査員以外の点検が必要です。",
    )
    ins.add_argument("case_no")
    ins.add_argument(
        "--result", required=True, choices=tuple(RESULTS), help="ok = 問題なし / findings = 指摘あり"
    )
    ins.add_argument(
        "--finding",
        action="append",
        default=[],
        metavar="ASPECT:SEVERITY[:NOTE]",
        help=f"指摘（何度でも）。観点: {'/'.join(ASPECTS)}、重さ: {'/'.join(SEVERITY_IDS)}",
    )
    add_strict_option(ins)
    ins.set_defaults(func=cmd_case, action="inspect")
    vd = cs_sub.add_parser("void", parents=[common], help="誤った記録を取り消す（消さずに取消の記録を足す）")
    vd.add_argument("case_no")
    vd.add_argument("event_id", type=_event_id, metavar="EVENT_ID", help="case history の番号")
    vd.add_argument("--reason", required=True, help="取り消す理由")
    add_strict_option(vd)
    vd.set_defaults(func=cmd_case, action="void")
    hs = cs_sub.add_parser(
        "history", parents=[common], help="経過（取消も含むすべての記録、記録者と記録日時）"
    )
    hs.add_argument("case_no")
    hs.add_argument("--format", choices=("text", "json"), default="text")
    hs.set_defaults(func=cmd_case, action="history")
    for action, help_ in (
        ("extend", "期限を延長（市と合意）"),
        ("exclude", "期限を集計から除外（市の事由など）"),
    ):
        e = cs_sub.add_parser(action, parents=[common], help=help_)
        e.add_argument("case_no")
        e.add_argument("rule", choices=tuple(rule.id for rule in case_rules()))
        if action == "extend":
            e.add_argument("new_due", type=_date, metavar="NEW_DUE")
        e.add_argument("--reason", required=True, help="理由")
        e.add_argument(
            "--cause", choices=("city", "applicant", "other"), default="city", help="事由の区分（既定 city）"
        )
        add_strict_option(e)
        e.set_defaults(func=cmd_case, action=action)
