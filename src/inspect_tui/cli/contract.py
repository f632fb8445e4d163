"""``inspect-tui deliverables`` and ``inspect-tui meeting``: the contract's deliverables
register and its meetings (issue 15 items 1 and 2).

``deliverables list [--format text|json] [--all]`` shows what is due, due soon, overdue and
delivered (by default what is not yet delivered and due within 60 days, plus everything
overdue; ``--all`` every occurrence of the contract); ``deliverables done ID --on DATE``
records a delivery; ``deliverables undo ID --reason TEXT`` withdraws a mistaken one (a new
entry: the record of the first stays). ``meeting agenda|add|correct|list|minutes``: the
internal and liaison meetings, the agenda prefilled from the period's figures, the minutes
printed in the documents' frame. Registered by cli.main.build_parser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from inspect_tui.cli import free_text as free
from inspect_tui.cli.common import UserError, _date, _out, _session, row_id

WINDOW_DAYS = 60  # the default list: due within this many days, or overdue


def _service(func, *a, **kw):
    from inspect_tui.core.deliverables import DeliverablesError
    from inspect_tui.services.contract.deliverables import DeliverableError
    from inspect_tui.services.contract.meetings import MeetingError
    from inspect_tui.services.contract.trainings import TrainingError
    from inspect_tui.services.quality.input import QualityInputError

    try:
        return func(*a, **kw)
    except (DeliverableError, MeetingError, TrainingError) as exc:
        raise UserError(str(exc)) from None
    except QualityInputError as exc:  # a follow-up (a problem) that cannot be saved
        raise UserError(
            "今後の対応（課題）: " + " / ".join(f"{lab}: {msg}" for lab, msg in exc.problems)
        ) from None
    except DeliverablesError as exc:
        raise UserError("data/deliverables.toml に問題があります:\n" + str(exc)) from None


def _in_window(r, today: dt.date, soon: dt.date) -> bool:
    """The default list: overdue, due by ``soon``, 随時, or delivered within the window."""
    if r.status in ("overdue", "anytime"):
        return True
    if r.status == "done":
        return bool(r.delivered_on and (today - r.delivered_on).days <= WINDOW_DAYS)
    return bool(r.occ.due and r.occ.due <= soon)


def cmd_list(args: argparse.Namespace) -> int:
    from inspect_tui.core.today import today_jp
    from inspect_tui.services.contract.deliverables import deliverables

    today = today_jp()
    with _session(args) as s:
        rows = _service(deliverables, s, today)
    if not args.all:
        soon = today + dt.timedelta(days=WINDOW_DAYS)
        rows = [r for r in rows if _in_window(r, today, soon)]
    if args.format == "json":
        _out(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
        return 0
    from inspect_tui.core.document import Table
    from inspect_tui.render.text import render_table

    table = Table(
        ["ID", "成果物", "期日", "状態", "提出日", "作る報告書"],
        [
            [
                r.occ.id,
                r.occ.name + (f"／{r.occ.deliverable.also}" if r.occ.deliverable.also else ""),
                r.due_text(today),
                r.status_label,
                r.delivered_on.isoformat() if r.delivered_on else "－",
                r.report or "－",
            ]
            for r in rows
        ],
    )
    scope = "すべて" if args.all else f"期限超過・{WINDOW_DAYS}日以内・随時・最近の提出（--all ですべて）"
    _out(f"成果物（{scope}）\n" + (render_table(table) if rows else "（該当なし）"))
    return 0


def cmd_done(args: argparse.Namespace) -> int:
    from inspect_tui.services.contract.deliverables import record_delivery
    from inspect_tui.services.trust.permissions import require

    with _session(args) as s:
        require(s, "deliverables.record")  # permission before the input is looked at
        warnings = free.check(args, {"メモ": args.note})
        row = _service(record_delivery, s, args.id, args.on, args.note)
    _out(f"{row.occ.name} を {row.delivered_on} に提出したと記録しました")
    free.report(warnings)
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    from inspect_tui.services.contract.deliverables import withdraw_delivery
    from inspect_tui.services.trust.permissions import require

    with _session(args) as s:
        require(s, "deliverables.record")
        warnings = free.check(args, {"理由": args.reason})
        row = _service(withdraw_delivery, s, args.id, args.reason)
    _out(f"{row.occ.name} の提出の記録を取り消しました（{row.status_label}）")
    free.report(warnings)
    return 0


# --------------------------------------------------------------------------- meetings
def cmd_meeting_agenda(args: argparse.Namespace) -> int:
    from inspect_tui.services.contract.meetings import agenda_lines

    with _session(args) as s:
        _out("\n".join(_service(agenda_lines, s, args.kind, args.on)))
    return 0


def cmd_meeting_add(args: argparse.Namespace) -> int:
    from inspect_tui.services.contract.meetings import KINDS, add_meeting, parse_followup
    from inspect_tui.services.trust.permissions import require

    with _session(args) as s:
        require(s, "meeting.save")  # permission before the input is looked at
        todo = [_service(parse_followup, text) for text in args.followup or ()]
        warnings = free.check(
            args,
            {
                "出席者": args.attendees,
                "議題": args.agenda,
                "決定事項": args.decisions,
                **{f"今後の対応{i + 1}": f"{f.title} {f.owner}" for i, f in enumerate(todo)},
            },
        )
        m = _service(add_meeting, s, args.kind, args.on, args.attendees, args.decisions, args.agenda, todo)
    _out(f"{KINDS[m.kind]}（{m.held_on}）を記録しました: 記録番号 {m.id}")
    if todo:
        _out(f"今後の対応 {len(todo)} 件を課題として記録しました（inspect-tui problem list で見られます）")
    if m.kind == "liaison":
        due = m.held_on + dt.timedelta(days=14)
        _out(f"議事録の提出期限: {due}（deliverables list の liaison-minutes:{m.id}）")
    free.report(warnings)
    return 0


def cmd_meeting_correct(args: argparse.Namespace) -> int:
    from inspect_tui.services.contract.meetings import correct_meeting
    from inspect_tui.services.trust.permissions import require

    with _session(args) as s:
        require(s, "meeting.save")
        warnings = free.check(
            args, {"出席者": args.attendees, "議題": args.agenda, "決定事項": args.decisions}
        )
        m = _service(
            correct_meeting,
            s,
            args.id,
            on=args.on,
            attendees=args.attendees,
            agenda=args.agenda,
            decisions=args.decisions,
        )
    _out(f"会議 {args.id} の訂正を記録番号 {m.id} として記録しました（元の記録も残ります）")
    free.report(warnings)
    return 0


def cmd_meeting_list(args: argparse.Namespace) -> int:
    from inspect_tui.core.document import Table
    from inspect_tui.render.text import render_table
    from inspect_tui.services.contract.meetings import KINDS, meetings

    with _session(args) as s:
        rows = meetings(s)
    if args.format == "json":
        _out(
            json.dumps(
                [
                    {
                        "id": m.id,
                        "kind": m.kind,
                        "held_on": m.held_on.isoformat(),
                        "attendees": m.attendees,
                        "decisions": m.decisions,
                        "replaces": m.replaces,
                    }
                    for m in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    table = Table(
        ["番号", "開催日", "会議", "出席者", "決定事項"],
        [
            [m.id, m.held_on.isoformat(), KINDS[m.kind], _first_line(m.attendees), _first_line(m.decisions)]
            for m in rows
        ],
    )
    _out(render_table(table) if rows else "（会議の記録はありません）")
    return 0


def cmd_meeting_followup(args: argparse.Namespace) -> int:
    from inspect_tui.services.contract.meetings import add_followup
    from inspect_tui.services.trust.permissions import require

    with _session(args) as s:
        require(s, "meeting.save")
        warnings = free.check(args, {"課題": args.title, "主担当": args.owner})
        pid = _service(add_followup, s, args.id, args.title, args.owner, args.due)
    _out(f"会議 {args.id} の今後の対応を課題 {pid} として記録しました（期限 {args.due}）")
    free.report(warnings)
    return 0


def cmd_meeting_show(args: argparse.Namespace) -> int:
    from inspect_tui.services.contract.meetings import KINDS, meeting

    with _session(args) as s:
        m, records, todo = _service(meeting, s, args.id)
    if args.format == "json":
        out = {
            "id": m.id,
            "kind": m.kind,
            "held_on": m.held_on.isoformat(),
            "attendees": m.attendees,
            "agenda": m.agenda,
            "decisions": m.decisions,
            "records": [
                {"id": r.id, "replaces": r.replaces, "held_on": r.held_on.isoformat()} for r in records
            ],
            "followups": [
                {
                    "problem": p.id,
                    "title": p.title,
                    "owner": p.owner,
                    "due_on": p.due_on.isoformat(),
                    "status": p.status,
                }
                for p in todo
            ],
        }
        _out(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    history = " → ".join(str(r.id) for r in records)
    lines = [
        f"{KINDS[m.kind]} {m.held_on}（記録番号 {m.id}"
        + (f"、記録の訂正 {history}）" if len(records) > 1 else "）"),
        "出席者:",
        *(f"  {x}" for x in m.attendees.splitlines() or ["－"]),
        "議題:",
        *(f"  {x}" for x in m.agenda.splitlines() or ["－"]),
        "決定事項:",
        *(f"  {x}" for x in m.decisions.splitlines() or ["（記載なし）"]),
        "今後の対応（課題）:",
        *(f"  課題{p.id} {p.title}（主担当 {p.owner}、期限 {p.due_on}、{p.status_label}）" for p in todo),
    ]
    if not todo:
        lines.append("  （なし）")
    _out("\n".join(lines))
    return 0


def _first_line(text: str, width: int = 30) -> str:
    line = text.splitlines()[0] if text else "－"
    return line if len(line) <= width else line[: width - 2] + ".."


def cmd_meeting_minutes(args: argparse.Namespace) -> int:
    from inspect_tui.cli.common import emit
    from inspect_tui.services.contract.meetings import minutes

    with _session(args) as s:
        doc = _service(minutes, s, args.id)
    emit(doc, args.format, args.output, doc.default_filename(args.format))
    return 0


# --------------------------------------------------------------------------- trainings
def _codes(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [c for c in text.replace("、", ",").replace(" ", ",").split(",") if c]


def cmd_training_add(args: argparse.Namespace) -> int:
    from inspect_tui.services.contract.trainings import add_training
    from inspect_tui.services.trust.permissions import require

    with _session(args) as s:
        require(s, "training.save")  # permission before the input is looked at
        warnings = free.check(args, {"研修名": args.title})
        t = _service(
            add_training,
            s,
            args.on,
            args.title,
            _codes(args.area) or [],
            _codes(args.attendees) or [],
            organizer=args.organizer,
            minutes=args.minutes,
        )
    _out(f"研修 {t.id}（{t.held_on}、出席 {len(t.attendees)} 人）を記録しました")
    due = t.held_on + dt.timedelta(days=14)
    _out(f"研修報告の提出期限: {due}（deliverables list の training-report:{t.id}）")
    free.report(warnings)
    return 0


def cmd_training_correct(args: argparse.Namespace) -> int:
    from inspect_tui.services.contract.trainings import correct_training
    from inspect_tui.services.trust.permissions import require

    with _session(args) as s:
        require(s, "training.save")
        warnings = free.check(args, {"研修名": args.title})
        t = _service(
            correct_training,
            s,
            args.id,
            on=args.on,
            title=args.title,
            areas=_codes(args.area),
            attendees=_codes(args.attendees),
            organizer=args.organizer,
            minutes=args.minutes,
        )
    _out(f"研修 {args.id} の訂正を記録番号 {t.id} として記録しました（元の記録も残ります）")
    free.report(warnings)
    return 0


def cmd_training_list(args: argparse.Namespace) -> int:
    from inspect_tui.core.document import Table
    from inspect_tui.render.text import render_table
    from inspect_tui.services.contract.trainings import AREAS, ORGANIZERS, training_json, trainings

    with _session(args) as s:
        rows = trainings(s, args.fy)
    if args.format == "json":
        _out(json.dumps([training_json(t) for t in rows], ensure_ascii=False, indent=2))
        return 0
    table = Table(
        ["番号", "実施日", "研修名", "分野", "主催", "出席"],
        [
            [
                t.id,
                t.held_on.isoformat(),
                t.title,
                "・".join(AREAS[a] for a in t.areas),
                ORGANIZERS[t.organizer],
                len(t.attendees),
            ]
            for t in rows
        ],
    )
    _out(render_table(table) if rows else "（研修の記録はありません）")
    return 0


def cmd_training_report(args: argparse.Namespace) -> int:
    from inspect_tui.cli.common import emit
    from inspect_tui.services.contract.trainings import training_report

    with _session(args) as s:
        doc = _service(training_report, s, args.fy)
    emit(doc, args.format, args.output, doc.default_filename(args.format))
    return 0


def _fy(text: str) -> int:
    t = text.strip().upper().removeprefix("FY")
    if not (t.isascii() and t.isdigit() and len(t) == 4):
        raise argparse.ArgumentTypeError(f"「{text.strip()[:20]}」は年度ではありません（例: 2027）")
    return int(t)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    d = sub.add_parser("deliverables", help="契約の成果物（期日・提出の記録）")
    ds = d.add_subparsers(metavar="ACTION", required=True)
    ls = ds.add_parser("list", parents=[common], help="期日の近い順（期限超過・間近・提出済み）")
    ls.add_argument("--format", choices=("text", "json"), default="text", help="出力形式（既定 text）")
    ls.add_argument("--all", action="store_true", help="契約期間のすべての成果物")
    ls.set_defaults(func=cmd_list)
    dn = ds.add_parser("done", parents=[common], help="提出した日を記録（業務責任者）")
    dn.add_argument("id", metavar="ID", help="deliverables list の ID（例: monthly-report:2027-04）")
    dn.add_argument("--on", type=_date, required=True, metavar="DATE", help="提出した日")
    dn.add_argument("--note", default="", help="メモ（個人情報は書かない）")
    free.add_strict_option(dn)
    dn.set_defaults(func=cmd_done)
    un = ds.add_parser("undo", parents=[common], help="誤った提出の記録を取り消す（記録は残ります）")
    un.add_argument("id", metavar="ID")
    un.add_argument("--reason", required=True, help="取り消す理由")
    free.add_strict_option(un)
    un.set_defaults(func=cmd_undo)

    from inspect_tui.core.renderable import FORMATS

    m = sub.add_parser("meeting", help="内部会議・甲乙間の連絡会議の記録と議事録")
    ms = m.add_subparsers(metavar="ACTION", required=True)
    kinds = ("internal", "liaison")
    ag = ms.add_parser("agenda", parents=[common], help="その日の会議の議題（前回からの件数）を出す")
    ag.add_argument("--kind", choices=kinds, required=True, help="internal: 内部会議 / liaison: 連絡会議")
    ag.add_argument("--on", type=_date, required=True, metavar="DATE", help="開催日")
    ag.set_defaults(func=cmd_meeting_agenda)
    ad = ms.add_parser("add", parents=[common], help="開いた会議を記録（議題は省くと件数から作ります）")
    ad.add_argument("--kind", choices=kinds, required=True, help="internal: 内部会議 / liaison: 連絡会議")
    ad.add_argument("--on", type=_date, required=True, metavar="DATE", help="開催日")
    ad.add_argument("--attendees", required=True, help="出席者（役職・氏名。申請者の個人情報は書かない）")
    ad.add_argument("--agenda", default=None, help="議題（省くと前回からの件数で作ります）")
    ad.add_argument("--decisions", default="", help="決定事項・今後の対応")
    ad.add_argument(
        "--followup",
        action="append",
        metavar="TITLE|OWNER|DATE",
        help="今後の対応を課題として（課題|主担当|期限、何度でも）",
    )
    free.add_strict_option(ad)
    ad.set_defaults(func=cmd_meeting_add)
    co = ms.add_parser("correct", parents=[common], help="会議の記録を訂正（新しい記録になり、元も残ります）")
    co.add_argument("id", type=row_id, metavar="ID")
    co.add_argument("--on", type=_date, default=None, metavar="DATE")
    co.add_argument("--attendees", default=None)
    co.add_argument("--agenda", default=None)
    co.add_argument("--decisions", default=None)
    free.add_strict_option(co)
    co.set_defaults(func=cmd_meeting_correct)
    fu = ms.add_parser("followup", parents=[common], help="会議の今後の対応を課題として記録（主担当・期限）")
    fu.add_argument("id", type=row_id, metavar="ID")
    fu.add_argument("--title", required=True, help="課題（何をするか）")
    fu.add_argument("--owner", required=True, help="主担当")
    fu.add_argument("--due", type=_date, required=True, metavar="DATE", help="期限")
    free.add_strict_option(fu)
    fu.set_defaults(func=cmd_meeting_followup)
    sh = ms.add_parser("show", parents=[common], help="一つの会議（訂正の経緯と今後の対応つき）")
    sh.add_argument("id", type=row_id, metavar="ID")
    sh.add_argument("--format", choices=("text", "json"), default="text")
    sh.set_defaults(func=cmd_meeting_show)
    ls2 = ms.add_parser("list", parents=[common], help="会議の一覧（訂正後の記録）")
    ls2.add_argument("--format", choices=("text", "json"), default="text")
    ls2.set_defaults(func=cmd_meeting_list)
    mi = ms.add_parser("minutes", parents=[common], help="議事録を出す（文書の枠つき）")
    mi.add_argument("id", type=row_id, metavar="ID")
    mi.add_argument("--format", choices=FORMATS, default="text", help="出力形式（既定 text）")
    mi.add_argument("-o", "--output", default=None, metavar="FILE", help="書き出すファイル")
    mi.set_defaults(func=cmd_meeting_minutes)

    areas_help = (
        "分野（カンマ区切り）: duties 認定調査業務 / welfare 高齢者福祉 / systems 機器・システム"
        " / security 個人情報・セキュリティ / manners 心構え・接遇"
    )
    t = sub.add_parser("training", help="研修の記録と研修完了報告書（001 §8）")
    ts = t.add_subparsers(metavar="ACTION", required=True)
    ta = ts.add_parser("add", parents=[common], help="実施した研修を記録（業務責任者）")
    ta.add_argument("--on", type=_date, required=True, metavar="DATE", help="実施日")
    ta.add_argument("--title", required=True, help="研修名")
    ta.add_argument("--area", required=True, help=areas_help)
    ta.add_argument("--attendees", required=True, help="出席した調査員コード（カンマ区切り）")
    ta.add_argument(
        "--organizer", choices=("contractor", "city"), default="contractor", help="主催（既定 contractor）"
    )
    ta.add_argument("--minutes", type=int, default=None, help="時間（分）")
    free.add_strict_option(ta)
    ta.set_defaults(func=cmd_training_add)
    tc = ts.add_parser("correct", parents=[common], help="研修の記録を訂正（新しい記録になり、元も残ります）")
    tc.add_argument("id", type=row_id, metavar="ID")
    tc.add_argument("--on", type=_date, default=None, metavar="DATE")
    tc.add_argument("--title", default=None)
    tc.add_argument("--area", default=None, help=areas_help)
    tc.add_argument("--attendees", default=None)
    tc.add_argument("--organizer", choices=("contractor", "city"), default=None)
    tc.add_argument("--minutes", type=int, default=None)
    free.add_strict_option(tc)
    tc.set_defaults(func=cmd_training_correct)
    tl = ts.add_parser("list", parents=[common], help="研修の一覧（訂正後の記録）")
    tl.add_argument("--fy", type=_fy, default=None, metavar="YEAR", help="年度（例: 2027）")
    tl.add_argument("--format", choices=("text", "json"), default="text")
    tl.set_defaults(func=cmd_training_list)
    tr = ts.add_parser("report", parents=[common], help="年度の研修完了報告書")
    tr.add_argument("--fy", type=_fy, required=True, metavar="YEAR", help="年度（例: 2027）")
    tr.add_argument("--format", choices=FORMATS, default="text", help="出力形式（既定 text）")
    tr.add_argument("-o", "--output", default=None, metavar="FILE", help="書き出すファイル")
    tr.set_defaults(func=cmd_training_report)
