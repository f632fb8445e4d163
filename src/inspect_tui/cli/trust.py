"""Trust subcommands: whoami, users, audit, purge, backup, restore.

Registered by cli.main.build_parser; ``apply_identity`` is called
by cli.main before a command runs (``--as`` and SSH forced commands).
"""

from __future__ import annotations

import argparse
import json
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
    _write,
    out_table,
)
from inspect_tui.core.roles import ROLE_LABELS
from inspect_tui.services.trust import permissions as trust
from inspect_tui.services.trust.permissions import require, role_of, user_of

# Services are imported inside the commands: every command loads this module, and importing
# all the services the commands use costs 380-550 ms on top of the parser's 150-240 ms
# (perf_counter after build_parser(), 5 runs); a command pays only for its own.


def cmd_whoami(args: argparse.Namespace) -> int:
    from inspect_tui.services.trust.identity import acting_as, setup_of

    with _session(args) as s:
        role = role_of(s)
        user = user_of(s)
        code = user["surveyor_code"] if user is not None else None
        setup = setup_of(s.db.path)
    note = "" if user is not None else "（未登録: 閲覧のみ。業務責任者に登録を依頼してください）"
    how = "--as（SSH の強制コマンドまたは所有者）" if acting_as() else "OS のユーザー"
    lines = [s.who, f"{role}（{ROLE_LABELS[role]}）{note}"]
    if code:
        lines.append(f"調査員コード {code}")
    lines += [
        f"本人確認: {how}",
        f"運用方式: {setup.label}（ファイルの所有者 {setup.owner}）",
        f"  {setup.explanation}",
    ]
    _out("\n".join(lines))
    return EXIT_OK


# --------------------------------------------------------------------------- users
def cmd_users(args: argparse.Namespace) -> int:
    from inspect_tui.services.errors import UserError as UsersError

    with _session(args, create=args.action == "add") as s:  # a new file's owner registers people first
        try:
            if args.action == "add":
                added = trust.save_user(s, args.login, args.role, args.surveyor)
                _out(f"{args.login}: {'登録しました' if added else '役割を変えました'}（{args.role}）")
            elif args.action == "remove":
                trust.remove_user(s, args.login)
                _out(f"{args.login}: 登録を消しました")
            else:
                rows = trust.list_users(s)
                if not rows:
                    _out("（登録なし）")
                    return EXIT_OK
                cells = [
                    [
                        r["login"],
                        r["role"],
                        ROLE_LABELS[r["role"]],
                        r["surveyor_code"] or "-",
                        r["created_at"][:10],
                    ]
                    for r in rows
                ]
                out_table(
                    ["ログイン", "役割", "", "調査員", "登録日"],
                    cells,
                    "\n".join(f"{c[0]:<16} {c[1]:<8} {c[2]:<8} {c[3]:<10} {c[4]}" for c in cells),
                )
        except UsersError as exc:
            raise UserError(str(exc)) from None
    return EXIT_OK


# --------------------------------------------------------------------------- audit
def cmd_audit(args: argparse.Namespace) -> int:
    from inspect_tui.services.trust.audit import AuditFilter, audit_rows, head, verify

    witness = _witness(args.witness) if args.action == "verify" else None
    with _session(args) as s:
        if args.action == "head":
            h = head(s)
            if args.format == "json":
                from inspect_tui.render.formats import json_text

                _write(json_text({"audit_head": h.to_json()}))
            else:
                _out(
                    f"{h.hash}\n監査記録 {h.count} 件目のハッシュ"
                    "（報告書の末尾とバックアップの .head にも残ります）"
                )
            return EXIT_OK
        if args.action == "verify":
            report = verify(s, witness)
            if not report.ok:
                problems = report.problems
                lines = [f"監査記録に改ざんの跡があります（{len(problems)} か所）:"]
                lines += [f"  {p}" for p in problems[:50]]
                raise UserError("\n".join(lines), EXIT_FAIL)
            checked = f"、証拠のハッシュは {report.witness_row} 件目にあります" if witness else ""
            _out(
                f"監査記録 {report.rows} 件: つながり・各表の内容ともに問題はありません{checked}\n"
                f"最新 id {report.chain.head_id}  ハッシュ {report.head_hash}\n"
                "（このハッシュは報告書の末尾とバックアップの .head に残ります。"
                "後で --witness に渡すと、そこから先を作り直す改ざんも見つけられます）"
            )
            return EXIT_OK
        since = args.since.isoformat() if args.since else None
        rows = audit_rows(
            s, AuditFilter(who=args.who, entity=args.entity, key=args.key, since=since), args.limit, 0
        )
    if not rows:
        _out("該当する監査記録はありません")
        return EXIT_OK

    def j(v):
        return "-" if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)

    cells = [
        [
            str(r.id),
            r.at[:19].replace("T", " "),
            r.who,
            r.action,
            f"{r.entity}:{r.key}",
            f"{j(r.before)} から {j(r.after)}",
        ]
        for r in rows
    ]
    out_table(
        ["id", "日時", "誰が", "操作", "対象", "変更"],
        cells,
        "\n".join(f"{c[0]:>6} {c[1]} {c[2]:<12} {c[3]:<18} {c[4]}  {c[5]}" for c in cells),
    )
    return EXIT_OK


def _witness(text: str | None) -> str | None:
    """--witness: a head hash, or a file holding one (a backup's .head); exit 2 when neither."""
    if text is None:
        return None
    from inspect_tui.services.trust.audit import read_witness

    found = read_witness(text)
    if found is None and len(text) < 1024:
        path = Path(text).expanduser()
        if path.is_file():
            try:
                found = read_witness(path.read_text(encoding="utf-8", errors="replace")[:4096])
            except OSError as exc:
                raise UserError(f"--witness: {path} を読めません（{exc.strerror}）") from None
            if found is None:
                raise UserError(f"--witness: {path} にハッシュ（16 進 64 桁）がありません")
    if found is None:
        raise UserError(
            "--witness: ハッシュ（16 進 64 桁）か、"
            "それを書いたファイル（バックアップの .head）を指定してください"
        )
    return found


# --------------------------------------------------------------------------- purge, backup, restore
def cmd_purge(args: argparse.Namespace) -> int:
    from inspect_tui.services.trust.retention import purge

    with _session(args) as s:
        result = purge(s, dry_run=args.dry_run)
    if not result.ok:  # purged values still in the file: say so, and how to finish
        raise UserError(result.describe(), EXIT_FAIL)
    _out(result.describe())
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from inspect_tui.services.trust.backup import BackupError, backup_now

    with _session(args) as s:
        try:
            result = backup_now(s, keep=args.keep, full_check=True if args.full_check else None)
        except BackupError as exc:
            raise UserError(str(exc), EXIT_FAIL) from None
    how = "全体の整合性検査" if result.check == "integrity_check" else "簡易検査（quick_check）"
    msg = f"バックアップしました: {result.path}（{result.size:,} バイト、{how} ok）"
    msg += f"\n監査記録の先頭ハッシュ {result.head} を {result.path.name}.head に控えました"
    if result.removed:
        msg += f"\n古いバックアップを {len(result.removed)} 件消しました（最新 {args.keep} 件を保存）"
    _out(msg)
    return EXIT_OK


def _confirm(question: str) -> bool:
    sys.stderr.write(question + " [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes", "はい")


def cmd_restore(args: argparse.Namespace) -> int:
    from inspect_tui.services.errors import DatabaseError
    from inspect_tui.services.trust.backup import BackupError, check_file, restore

    path = _db_path(args)
    source = Path(args.file).expanduser()
    who = None
    if path.exists():
        try:
            with _session(args) as s:  # the current database decides who may replace it
                require(s, "restore")
                who = s.who
        except DatabaseError:
            who = None  # broken or unreadable: the file owner may still restore it
    try:
        try:
            version = check_file(source)
        except OSError as exc:  # a name too long for the file system, a folder we may not enter
            from inspect_tui.system.textfile import os_reason

            raise UserError(f"{source} を読めません: {os_reason(exc)}", EXIT_FAIL) from None
        if not args.yes:
            if sys.stdin is None or not sys.stdin.isatty():
                raise UserError("確認のため端末から実行するか、--yes を付けてください", EXIT_FAIL)
            if not _confirm(
                f"{path} を {source.name}（スキーマ {version}）の内容で置き換えます。よろしいですか"
            ):
                _out("やめました")
                return EXIT_FAIL
        from inspect_tui.services.trust.identity import current_login

        safety = restore(path, source, who or current_login())
    except BackupError as exc:
        raise UserError(str(exc), EXIT_FAIL) from None
    _out(f"復元しました: {path}" + (f"\n置き換える前の内容: {safety}" if safety else ""))
    return EXIT_OK


# --------------------------------------------------------------------------- parser
def _limit(text: str) -> int:
    """--limit: a count of rows SQLite can take (it refuses integers past 64 bits)."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"「{text.strip()[:20]}」は整数ではありません") from None
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError("1〜1000000 の件数にしてください")
    return value


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    w = sub.add_parser("whoami", parents=[common], help="自分のログイン名と役割を表示")
    w.set_defaults(func=cmd_whoami)

    u = sub.add_parser("users", help="利用者と役割（業務責任者のみ）")
    u_sub = u.add_subparsers(title="操作", metavar="ACTION", required=True)
    ua = u_sub.add_parser("add", parents=[common], help="登録する（登録済みなら役割を変える）")
    ua.add_argument("login")
    ua.add_argument("--role", required=True, choices=("manager", "chief", "monitor"))
    ua.add_argument("--surveyor", metavar="CODE", help="主任調査員の調査員コード（担当区が決まる）")
    ua.set_defaults(func=cmd_users, action="add")
    ur = u_sub.add_parser("remove", parents=[common], help="登録を消す")
    ur.add_argument("login")
    ur.set_defaults(func=cmd_users, action="remove")
    ul = u_sub.add_parser("list", parents=[common], help="一覧")
    ul.set_defaults(func=cmd_users, action="list")

    a = sub.add_parser("audit", help="監査記録（業務責任者のみ）")
    a_sub = a.add_subparsers(title="操作", metavar="ACTION", required=True)
    av = a_sub.add_parser(
        "verify", parents=[common], help="ハッシュのつながりを検査（改ざんがあれば終了コード 1）"
    )
    av.add_argument(
        "--witness",
        metavar="HASH",
        help="以前に控えた先頭ハッシュ（報告書の末尾、バックアップの .head ファイルも可）"
        "がつながりにあるか確かめる",
    )
    av.set_defaults(func=cmd_audit, action="verify")
    ah = a_sub.add_parser("head", parents=[common], help="いまの先頭ハッシュ（証拠として控える値）を表示")
    ah.add_argument("--format", choices=("text", "json"), default="text", help="出力形式（既定 text）")
    ah.set_defaults(func=cmd_audit, action="head")
    al = a_sub.add_parser("list", parents=[common], help="新しい順に表示（個人情報は伏せてあります）")
    al.add_argument("--who", help="ログイン名")
    al.add_argument("--entity", help="対象の種類（case, user, review, import, …）")
    al.add_argument("--key", help="対象の番号（依頼番号など）")
    al.add_argument("--since", type=_date, help="この日以降")
    al.add_argument("--limit", type=_limit, default=100, help="最大件数（既定 100）")
    al.set_defaults(func=cmd_audit, action="list")

    pg = sub.add_parser(
        "purge",
        parents=[common],
        help="保存期間を過ぎた申請者の個人情報を消す",
        description="最後の提出（提出前の中止・返却はその日）から retention_months（既定 3）か月"
        "を過ぎた依頼の"
        "氏名・被保険者番号・生年月日を消します。件数・期限・点検記録は残ります。",
    )
    pg.add_argument(
        "--dry-run", action="store_true", help="件数と依頼番号を表示するだけ（個人情報は表示しません）"
    )
    pg.set_defaults(func=cmd_purge)

    b = sub.add_parser("backup", parents=[common], help="データベースをバックアップ（backups フォルダ）")
    b.add_argument("--keep", type=int, default=14, metavar="N", help="残す数（既定 14）")
    b.add_argument(
        "--full-check",
        action="store_true",
        help="複製を integrity_check で全体検査する（既定: 7日に1回は全体、ほかは quick_check）",
    )
    b.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", parents=[common], help="バックアップから戻す（置き換える前の内容も保存）")
    r.add_argument("file", metavar="FILE")
    r.add_argument("--yes", action="store_true", help="確認しない（端末がないときに必要）")
    r.set_defaults(func=cmd_restore)
