"""``inspect-tui staff``: the staff records of seed 001 §5(2) (issue 15 item 3).

``staff list [--format text|json] [--all]`` every surveyor working (``--all``: those who
left too) with the qualification, the latest notification, the pledge, the ID card and
what needs doing, and the share of non-care-manager staff; ``staff show CODE`` one
surveyor's whole record with every entry; ``staff record CODE --kind KIND --on DATE``
records a notification, the pledge or an ID card's issue, reissue or return (managers);
``staff withdraw ENTRY --reason TEXT`` withdraws a mistaken entry (a new entry: the first
stays); ``staff roster`` and ``staff cards`` print the 認定調査従事者名簿 and the
調査員証受領簿. The name, date of birth and registration number are hidden from a
monitor. The roster import (``import surveyors``) fills the same records from a file.
"""

from __future__ import annotations

import argparse
import json

from inspect_tui.cli import free_text as free
from inspect_tui.cli.common import UserError, _date, _out, _session, out_table, row_id

ENTRY_CHOICES = (
    "notified-new",
    "notified-change",
    "notified-cancel",
    "pledge",
    "card-issued",
    "card-reissued",
    "card-returned",
)


def _service(func, *a, **kw):
    from inspect_tui.services.staff.records import StaffError

    try:
        return func(*a, **kw)
    except StaffError as exc:
        raise UserError(str(exc)) from None


def cmd_list(args: argparse.Namespace) -> int:
    from inspect_tui.core.document import Table
    from inspect_tui.core.today import today_jp
    from inspect_tui.render.text import render_table
    from inspect_tui.services.staff.records import non_care_manager_share, staff_records

    today = today_jp()
    with _session(args) as s:
        rows = staff_records(s, today, include_left=args.all)
        share = non_care_manager_share(s, today)
    if args.format == "json":
        out = {
            "non_care_manager": {"working": share.total, "other": share.other, "over": share.over},
            "staff": [r.to_json() for r in rows],
        }
        _out(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    left = {r.code for r in rows if r.left_on and r.left_on <= today.isoformat()}
    headers = ["コード", "氏名", "資格", "届出", "誓約書", "調査員証", "注意"]  # trainings: staff show
    cells = [
        [
            r.code + ("（主任）" if r.is_chief else "") + ("（退職）" if r.code in left else ""),
            r.name,
            "ケアマネ" if r.qualification == "care_manager" else r.qualification_text,
            r.notified_text,
            str(r.pledge.on) if r.pledge else "なし",
            r.card.short,
            r.flag_text or "－",
        ]
        for r in rows
    ]
    if not rows:
        _out("（調査員の記録はありません）")
    else:  # a rich table on a terminal (fits its width), plain text into a pipe
        out_table(headers, cells, render_table(Table(headers, cells, list("lllllll"))))
    _out(share.text)
    flagged = sum(1 for r in rows if r.flags)
    if flagged:
        _out(f"要対応 {flagged} 人（注意の列）")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from inspect_tui.core.staff import ENTRY_KINDS
    from inspect_tui.services.staff.records import staff_record

    with _session(args) as s:
        r = _service(staff_record, s, args.code)
    if args.format == "json":
        _out(json.dumps(r.to_json(), ensure_ascii=False, indent=2))
        return 0
    withdrawn = {e.withdraws: e for e in r.entries if e.withdraws}
    lines = [
        f"{r.code} {r.name}" + ("（主任）" if r.is_chief else ""),
        f"  生年月日: {r.birth_date or '－'}",
        f"  資格: {r.qualification_text}",
    ]
    if r.qualification == "care_manager":
        lines.append(
            f"  登録番号: {r.registration_no or '－'}  登録日: {r.registered_on or '－'}"
            f"  有効期限: {r.expires_on or '－'}"
        )
    else:
        lines.append(f"  資格の証明: {r.qualification_evidence or '－'}")
    lines += [
        f"  採用日: {r.hired_on or '－'}  退職日: {r.left_on or '－'}",
        f"  調査員証: {r.card.label}",
        f"  注意: {r.flag_text or 'なし'}",
        "記録（番号 日付 種類）:",
    ]
    for e in r.entries:
        if e.withdraws:
            lines.append(f"  {e.id:>4} {e.on} 取消（記録 {e.withdraws} を取り消し: {e.note}）")
            continue
        mark = f"  ← 記録 {withdrawn[e.id].id} で取り消し" if e.id in withdrawn else ""
        number = f" {e.card_no}" if e.card_no else ""
        note = f"（{e.note}）" if e.note else ""
        lines.append(f"  {e.id:>4} {e.on} {ENTRY_KINDS[e.kind]}{number}{note}{mark}")
    if not r.entries:
        lines.append("  （なし）")
    lines.append(f"研修（{len(r.trainings)} 回）:")
    lines += [f"  {d} {t}" for d, t in r.trainings] or ["  （なし）"]
    _out("\n".join(lines))
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from inspect_tui.core.staff import ENTRY_KINDS
    from inspect_tui.services.staff.records import record_entry
    from inspect_tui.services.trust.permissions import require

    with _session(args) as s:
        require(s, "staff.record")  # permission before the input is looked at
        warnings = free.check(args, {"メモ": args.note})
        e = _service(record_entry, s, args.code, args.kind, args.on, card_no=args.card_no, note=args.note)
    _out(f"{args.code} の「{ENTRY_KINDS[e.kind]}」（{e.on}）を記録しました: 記録番号 {e.id}")
    free.report(warnings)
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    from inspect_tui.services.staff.records import withdraw_entry
    from inspect_tui.services.trust.permissions import require

    with _session(args) as s:
        require(s, "staff.record")
        warnings = free.check(args, {"理由": args.reason})
        e = _service(withdraw_entry, s, args.entry, args.reason)
    _out(f"記録 {args.entry} を取り消しました（取り消しの記録番号 {e.id}。元の記録も残ります）")
    free.report(warnings)
    return 0


def cmd_document(args: argparse.Namespace) -> int:
    from inspect_tui.cli.common import emit
    from inspect_tui.services.staff.records import card_ledger, roster

    with _session(args) as s:
        doc = (roster if args.document == "roster" else card_ledger)(s)
    emit(doc, args.format, args.output, doc.default_filename(args.format))
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from inspect_tui.core.renderable import FORMATS

    st = sub.add_parser("staff", help="従事者の記録（資格・届出・誓約書・調査員証・研修、001 §5(2)）")
    ss = st.add_subparsers(metavar="ACTION", required=True)
    ls = ss.add_parser("list", parents=[common], help="調査員ごとの届出・誓約書・調査員証と要対応")
    ls.add_argument("--format", choices=("text", "json"), default="text", help="出力形式（既定 text）")
    ls.add_argument("--all", action="store_true", help="退職した調査員も")
    ls.set_defaults(func=cmd_list)
    sh = ss.add_parser("show", parents=[common], help="一人の記録（すべての届出・調査員証・研修）")
    sh.add_argument("code", metavar="CODE", help="調査員コード")
    sh.add_argument("--format", choices=("text", "json"), default="text")
    sh.set_defaults(func=cmd_show)
    rc = ss.add_parser(
        "record", parents=[common], help="届出・誓約書・調査員証の交付/再交付/返却を記録（業務責任者）"
    )
    rc.add_argument("code", metavar="CODE", help="調査員コード")
    rc.add_argument(
        "--kind",
        choices=ENTRY_CHOICES,
        required=True,
        help="notified-new/-change/-cancel: 従事者届出（新規・変更・取消） / pledge: 誓約書"
        " / card-issued, card-reissued, card-returned: 調査員証の交付・再交付・返却",
    )
    rc.add_argument("--on", type=_date, required=True, metavar="DATE", help="その日付")
    rc.add_argument("--card-no", default=None, help="調査員証番号（交付・再交付のとき）")
    rc.add_argument("--note", default="", help="メモ（個人情報は書かない）")
    free.add_strict_option(rc)
    rc.set_defaults(func=cmd_record)
    wd = ss.add_parser("withdraw", parents=[common], help="誤った記録を取り消す（取り消しも記録に残ります）")
    wd.add_argument("entry", type=row_id, metavar="ENTRY", help="staff show の記録番号")
    wd.add_argument("--reason", required=True, help="取り消す理由")
    free.add_strict_option(wd)
    wd.set_defaults(func=cmd_withdraw)
    for name, title in (("roster", "認定調査従事者名簿（届出・誓約書）"), ("cards", "調査員証受領簿")):
        d = ss.add_parser(name, parents=[common], help=f"{title}を出す（文書の枠つき）")
        d.add_argument("--format", choices=FORMATS, default="text", help="出力形式（既定 text）")
        d.add_argument("-o", "--output", default=None, metavar="FILE", help="書き出すファイル")
        d.set_defaults(func=cmd_document, document=name)
