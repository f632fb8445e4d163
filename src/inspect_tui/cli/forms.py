"""``inspect-tui form``: the survey form's content (issue 18).

- ``form import FILE.csv|xlsx [--dry-run] [--strict]``: forms from the contractor's survey
  system, one row per form (all rows or none; every bad cell named by line and column).
- ``form check CASE|FILE [--format text|json]``: the points the content rules raise on a
  stored form, or on every form of a file (checked without storing; case numbers need not
  exist). Exit 0 whether or not there are points.
- ``form show CASE [--format text|json]``: the stored form, its points and their marks.
- ``form mark CASE POINT explained|finding|clear``: the inspector's mark on one point.
- ``form rules [--format text|json]``: every rule, with its source in the text.

Registered by cli.main.build_parser. Services are imported inside the commands.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from inspect_tui.cli import free_text as free
from inspect_tui.cli.common import EXIT_FAIL, EXIT_OK, UserError, _out, _session
from inspect_tui.cli.free_text import add_strict_option

MARK_WORDS = {"explained": "explained", "finding": "finding", "clear": "cleared"}


def _point_json(p) -> dict:
    return {
        "rule": p.rule_id,
        "key": p.key,
        "kind": p.kind,
        "warning_code": p.code,
        "items": list(p.items),
        "answers": [{"item": a.item, "name": a.name, "answer": a.text} for a in p.answers],
        "message": p.message,
        "notes": list(p.notes),
        "notes_missing": list(p.notes_missing),
        "source": p.source,
        "derived": p.derived,
    }


def _looks_like_file(target: str) -> bool:
    return Path(target).suffix.lower() in (".csv", ".xlsx", ".xlsm", ".txt") or "/" in target


def _check_file(args: argparse.Namespace) -> int:
    from inspect_tui.core.form_rules import check_form
    from inspect_tui.services.forms.points import rules
    from inspect_tui.services.forms.reading import FormFileError
    from inspect_tui.services.forms.records import file_forms
    from inspect_tui.services.importing.rows import failure_message

    path = Path(args.target)
    try:
        forms, problems = file_forms(path)
    except FormFileError as exc:
        raise UserError(str(exc)) from None
    if problems:
        raise UserError(
            failure_message(path.name, problems).replace("取り込みませんでした", "点検できませんでした")
        )
    ruleset = rules()
    checked = [(f.case_no, check_form(f.form, ruleset)) for f in forms]
    _emit_points(args, checked)
    return EXIT_OK


def _emit_points(args: argparse.Namespace, checked: list[tuple[str, list]]) -> None:
    if args.format == "json":
        # one form per line, each by the C encoder (indent= takes the pure-Python one: 10,000
        # forms took 4 s to print that way); still one JSON document: {"forms": [...]}
        dump = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
        lines = [dump({"case_no": c, "points": [_point_json(p) for p in ps]}) for c, ps in checked]
        _out('{"forms": [\n' + ",\n".join(lines) + "\n]}")
        return
    lines = []
    total = sum(len(ps) for _, ps in checked)
    for case_no, ps in checked:
        lines.append(f"{case_no}: 点検ポイント {len(ps)} 件" if ps else f"{case_no}: 点検ポイントなし")
        lines += [f"  {p.key}  {p.text()}" for p in ps]
    lines.append(f"調査票 {len(checked)} 件、点検ポイント 計 {total} 件")
    _out("\n".join(lines))


def cmd_form(args: argparse.Namespace) -> int:
    if args.action == "check" and (_looks_like_file(args.target) or Path(args.target).is_file()):
        return _check_file(args)
    if args.action == "rules":
        return _rules(args)
    from inspect_tui.services.forms import points, records
    from inspect_tui.services.forms.reading import FormFileError

    with _session(args) as s:
        try:
            if args.action == "import":
                got = records.import_forms(s, Path(args.file), dry_run=args.dry_run, strict=args.strict)
                verb = "確かめました（書き込んでいません: --dry-run）" if args.dry_run else "取り込みました"
                _out(
                    f"{got.file}: 調査票を{verb}: 新規 {got.added} 件、訂正（新しい版） {got.updated} 件、"
                    f"変更なし {got.unchanged} 件（{got.encoding}）"
                )
                free.report(list(got.warnings))  # kinds and places on stderr, never the text
            elif args.action == "check":
                fp = points.form_points(s, args.target)
                if fp.stored is None:
                    raise UserError(f"{args.target} の調査票（今の調査の回）は記録されていません", EXIT_FAIL)
                if fp.purged:
                    raise UserError(f"{args.target} の調査票は保存期間が過ぎて消去されています", EXIT_FAIL)
                _emit_points(args, [(fp.case_no, [p.point for p in fp.points])])
            elif args.action == "show":
                _show(args, points.form_points(s, args.case_no))
            elif args.action == "mark":
                fp = points.mark_point(s, args.case_no, args.point, MARK_WORDS[args.mark])
                left = len(fp.unmarked)
                _out(
                    f"{args.case_no}: {args.point} を「{points.MARK_LABELS[MARK_WORDS[args.mark]]}」"
                    "にしました"
                    f"（未確認の点検ポイント 残り {left} 件）"
                )
        except FormFileError as exc:
            raise UserError(str(exc)) from None
        except records.FormRefused as exc:
            raise UserError(str(exc), EXIT_FAIL) from None
        except (LookupError, ValueError) as exc:
            raise UserError(str(exc)) from None
    return EXIT_OK


def _show(args: argparse.Namespace, fp) -> None:
    from inspect_tui.core.survey_form import describe, form_items

    stored = fp.stored
    if args.format == "json":
        doc = {
            "case_no": fp.case_no,
            "cycle": fp.cycle,
            "version": stored.version if stored else None,
            "recorded": bool(stored),
            "purged": fp.purged,
            "answers": {},
            "points": [_point_json(p.point) | {"mark": p.mark.mark if p.mark else None} for p in fp.points],
        }
        if stored and stored.form:
            doc["answers"] = {c: list(stored.form.values(c)) for c in form_items() if stored.form.values(c)}
            doc["notes_written"] = sorted(stored.form.notes)
        _out(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    if stored is None:
        _out(f"{fp.case_no}: 調査票（今の調査の回 {fp.cycle}）は記録されていません")
        return
    if stored.form is None:
        _out(f"{fp.case_no}: 調査票は保存期間が過ぎて消去されています")
        return
    form = stored.form
    lines = [
        f"{fp.case_no}: 調査票 第{fp.cycle + 1}回の調査 第{stored.version}版"
        f"（{stored.recorded_at[:16]} {stored.source}）"
    ]
    for code, item in form_items().items():
        note = "  特記事項あり" if form.has_note(code) else ""
        lines.append(f"  {item.label}: {describe(item, form.values(code))}{note}")
    lines.append(f"点検ポイント {len(fp.points)} 件（未確認 {len(fp.unmarked)} 件）")
    lines += [f"  [{p.state}] {p.point.key}  {p.point.text()}" for p in fp.points]
    _out("\n".join(lines))


def _rules(args: argparse.Namespace) -> int:
    from inspect_tui.services.forms.points import rules

    rs = list(rules())
    if args.format == "json":
        doc = [
            {
                "rule": r.id,
                "kind": r.kind,
                "warning_code": r.code,
                "items": list(r.items),
                "message": r.message,
                "source": r.source_text,
                "derived": r.derived,
            }
            for r in rs
        ]
        _out(json.dumps({"rules": doc}, ensure_ascii=False, indent=2))
        return EXIT_OK
    lines = [
        f"{r.id:<16} {r.message}［{r.source_text}{'・テキストの定義から' if r.derived else ''}］" for r in rs
    ]
    lines.append(f"規則 {len(rs)} 件（警告コード {sum(r.kind == 'warning' for r in rs)} 件）")
    _out("\n".join(lines))
    return EXIT_OK


def _format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    f = sub.add_parser("form", help="調査票の内容（回答・特記事項）の取り込みと点検ポイント")
    fs = f.add_subparsers(title="操作", metavar="ACTION", required=True)

    imp = fs.add_parser(
        "import",
        parents=[common],
        help="調査票のファイル（CSV・xlsx、1行1票）を取り込む（全行か無し）",
        description="見出し: case_no, 1-1 … 5-6, 6, 7-1, 7-2, 特記事項 1-1 …（README「調査票の取り込み」）。",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="確かめるだけで書き込まない")
    add_strict_option(imp)
    imp.set_defaults(func=cmd_form, action="import")

    chk = fs.add_parser(
        "check",
        parents=[common],
        help="記録した調査票、またはファイルの調査票の点検ポイントを出す（終了コードは常に 0）",
    )
    chk.add_argument("target", metavar="CASE|FILE", help="依頼番号、または CSV・xlsx ファイル（保存しない）")
    _format_option(chk)
    chk.set_defaults(func=cmd_form, action="check")

    show = fs.add_parser("show", parents=[common], help="記録した調査票と点検ポイント・確認の印を出す")
    show.add_argument("case_no", metavar="CASE")
    _format_option(show)
    show.set_defaults(func=cmd_form, action="show")

    mark = fs.add_parser(
        "mark",
        parents=[common],
        help="点検ポイントに印を付ける（explained: 確認済 / finding: 指摘にする / clear: 取り消す）",
        description="finding の印は、次の case inspect の指摘になります（観点は点検ポイントの種類から）。",
    )
    mark.add_argument("case_no", metavar="CASE")
    mark.add_argument(
        "point", metavar="POINT", help="form show / form check の点検ポイント（例: W01:1-3,1-10）"
    )
    mark.add_argument("mark", choices=tuple(MARK_WORDS))
    mark.set_defaults(func=cmd_form, action="mark")

    rl = fs.add_parser("rules", parents=[common], help="点検ポイントの規則の一覧（出典のページ付き）")
    _format_option(rl)
    rl.set_defaults(func=cmd_form, action="rules")


__all__ = ["EXIT_FAIL", "cmd_form", "register"]
