"""``inspect-tui deliverables``: the contract's deliverables register (issue 15 item 1).

``deliverables list [--format text|json] [--all]`` shows what is due, due soon, overdue and
delivered (by default what is not yet delivered and due within 60 days, plus everything
overdue; ``--all`` every occurrence of the contract); ``deliverables done ID --on DATE``
records a delivery; ``deliverables undo ID --reason TEXT`` withdraws a mistaken one (a new
entry: the record of the first stays). Registered by cli.main.build_parser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from inspect_tui.cli import free_text as free
from inspect_tui.cli.common import UserError, _date, _out, _session

WINDOW_DAYS = 60  # the default list: due within this many days, or overdue


def _service(func, *a, **kw):
    from inspect_tui.core.deliverables import DeliverablesError
    from inspect_tui.services.contract.deliverables import DeliverableError

    try:
        return func(*a, **kw)
    except DeliverableError as exc:
        raise UserError(str(exc)) from None
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
