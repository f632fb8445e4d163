"""Report subcommands (``inspect-tui report …``); registered by cli.build_parser.

    inspect-tui report monthly --month 2027-05 [--as-of 2027-06-10] [--unit-price 7777]
                               [--format text|md|csv|json|html|xlsx] [-o FILE]
    inspect-tui report sla --period 2027-05|2027Q2|FY2027 [--format …] [-o FILE]
    inspect-tui report kpi --fy 2027 [--format …] [-o FILE]
    inspect-tui report kpi-set ID FY VALUE        # a hand-entered actual (e.g. a survey result)
    inspect-tui report note 2027-05 problems "…"  # the month's problems / improvements

Without -o the report goes to standard output, except xlsx, which is written
to a file named after the report and period (monthly_2027-05.xlsx) in the
current folder. -o may name a folder, too (one that exists, or a path ending
in /), which gets that file name.
"""

from __future__ import annotations

import argparse
import sys


def _cli():
    from inspect_tui.cli import common as cli

    return cli


def _user_error(message: str):
    cli = _cli()
    return cli.UserError(message, cli.EXIT_BAD_INPUT)


def _as_of(args: argparse.Namespace):
    from inspect_tui.core.jpdate import DateError, parse_date

    if args.as_of is None:
        return None
    try:
        return parse_date(args.as_of)
    except DateError as exc:
        raise _user_error(f"--as-of: {exc}") from None


def _require_indicators(kind: str) -> None:
    """Before a command that uses the SLA or KPI indicators: the file the config names must be
    whole (exit 2 with every problem, at the indicator file's own lines, otherwise)."""
    from inspect_tui.services.config import ConfigError, read_config_file
    from inspect_tui.services.config_check import INDICATOR_LABELS, indicator_problems

    config, problems, text = read_config_file()
    if problems:
        raise ConfigError(problems)
    _config, problems = indicator_problems(config, text, (kind,))
    if problems:
        raise _user_error(
            f"設定ファイルの {kind}_file（{INDICATOR_LABELS[kind]}）に問題があります:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


def _emit(report, fmt: str, kind: str, period_key: str, out: str | None) -> None:
    from inspect_tui.render.formats import default_filename

    _cli().emit(report, fmt, out, default_filename(kind, period_key, fmt))


def cmd_monthly(args: argparse.Namespace) -> int:
    from inspect_tui.core.metrics import PeriodError, parse_month
    from inspect_tui.services.reports.monthly import ReportError, build_monthly

    try:
        month = parse_month(args.month)
    except PeriodError as exc:
        raise _user_error(f"--month: {exc}") from None
    as_of = _as_of(args)
    if args.unit_price is not None and args.unit_price < 0:
        raise _user_error("--unit-price: 0以上の整数（円）にしてください")
    with _cli()._session(args) as s:
        try:
            report = build_monthly(
                s,
                month,
                as_of,
                args.unit_price,
                readable=args.format != "json",
            )
        except ReportError as exc:
            raise _user_error(str(exc)) from None
        _emit(report, args.format, "monthly", month.key, args.output)
    return 0


def cmd_sla(args: argparse.Namespace) -> int:
    from inspect_tui.core.metrics import PeriodError, parse_period
    from inspect_tui.services.reports.sla import IndicatorFileError, build_sla

    try:
        period = parse_period(args.period)
    except PeriodError as exc:
        raise _user_error(f"--period: {exc}") from None
    as_of = _as_of(args)
    _require_indicators("sla")
    with _cli()._session(args) as s:
        try:
            report = build_sla(s, period, as_of)
        except IndicatorFileError as exc:
            raise _user_error(str(exc)) from None
        _emit(report, args.format, "sla", period.key, args.output)
    return 0


def cmd_kpi(args: argparse.Namespace) -> int:
    from inspect_tui.core.metrics import PeriodError, parse_fy
    from inspect_tui.services.reports.kpi import build_kpi
    from inspect_tui.services.reports.sla import IndicatorFileError

    try:
        fy = parse_fy(args.fy)
    except PeriodError as exc:
        raise _user_error(f"--fy: {exc}") from None
    as_of = _as_of(args)
    _require_indicators("kpi")
    with _cli()._session(args) as s:
        try:
            report = build_kpi(s, fy, as_of)
        except IndicatorFileError as exc:
            raise _user_error(str(exc)) from None
        _emit(report, args.format, "kpi", f"FY{fy}", args.output)
    return 0


def cmd_kpi_set(args: argparse.Namespace) -> int:
    from inspect_tui.core.metrics import PeriodError, parse_fy
    from inspect_tui.services.reports.kpi import KpiInputError, set_kpi_actual
    from inspect_tui.services.reports.sla import IndicatorFileError

    try:
        fy = parse_fy(args.fy)
    except PeriodError as exc:
        raise _user_error(str(exc)) from None
    _require_indicators("kpi")
    with _cli()._session(args) as s:
        try:
            label = set_kpi_actual(s, args.indicator, fy, args.value)
        except (KpiInputError, IndicatorFileError) as exc:
            raise _user_error(str(exc)) from None
    _cli()._out(label)
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    from inspect_tui.core.metrics import PeriodError, parse_month
    from inspect_tui.services.reports.monthly import NOTE_KINDS, get_monthly_note, set_monthly_note

    try:
        month = parse_month(args.month)
    except PeriodError as exc:
        raise _user_error(str(exc)) from None
    from inspect_tui.cli import free_text as free
    from inspect_tui.services.trust import free_text

    with _cli()._session(args) as s:
        if args.text is None:
            note = get_monthly_note(s, month, args.kind)
            if note and not free_text.sees_as_typed(s):
                note = free_text.mask(note, free_text.known_for_month(s, month))
            _cli()._out(note or "（未記録）")
            return 0
        text = sys.stdin.read() if args.text == "-" else args.text
        warnings = free.check(args, {NOTE_KINDS[args.kind]: text}, free_text.known_for_month(s, month))
        set_monthly_note(s, month, args.kind, text)
    _cli()._out(
        f"{month.key} の{NOTE_KINDS[args.kind]}を" + ("保存しました" if text.strip() else "消しました")
    )
    free.report(warnings)
    return 0


def cmd_close_month(args: argparse.Namespace) -> int:
    from inspect_tui.core.metrics import PeriodError, parse_month
    from inspect_tui.services.reports.monthly import close_billing_month

    try:
        month = parse_month(args.month)
    except PeriodError as exc:
        raise _user_error(str(exc)) from None
    with _cli()._session(args) as s:
        try:
            n = close_billing_month(s, month)
        except ValueError as exc:
            raise _user_error(str(exc)) from None
    after = "以後この月の件数は動かず、この月に払った調査票は再び請求しません"
    _cli()._out(f"{month.key} を締めました: 請求 {n:,} 件（{after}）")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``report`` command and its kinds."""
    from inspect_tui.render.formats import FORMATS

    rp = sub.add_parser(
        "report",
        help="月次報告・SLA 達成状況・KGI/KPI 達成表",
        description="報告書を作ります。個人情報（氏名・被保険者番号）は載りません。",
    )
    kinds = rp.add_subparsers(title="報告書", metavar="KIND", required=True)

    def outputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--format", choices=FORMATS, default="text", help="出力形式（既定 text）")
        p.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="書き出すファイル（またはフォルダ）。省略時は標準出力、xlsx は monthly_YYYY-MM.xlsx など",
        )
        p.add_argument(
            "--as-of",
            metavar="DATE",
            default=None,
            help="基準日（既定: 日本の今日）。この日より後の記録は数えません",
        )

    m = kinds.add_parser(
        "monthly",
        parents=[common],
        help="業務履行報告書（月次）",
        description="月の処理件数、期限の遵守、履行件数と請求額、問題点・改善点。",
    )
    m.add_argument("--month", required=True, metavar="YYYY-MM", help="対象月（例: 2027-05）")
    m.add_argument(
        "--unit-price",
        type=int,
        default=None,
        metavar="YEN",
        help="単価（円、税抜）。本市・他市町村とも同じ単価にします（既定: 設定ファイルの [prices]）",
    )
    outputs(m)
    m.set_defaults(func=cmd_monthly)

    sl = kinds.add_parser(
        "sla",
        parents=[common],
        help="サービス水準達成状況",
        description="SLA の指標ごとに目標・実績・達成を示します。年度は4月始まり。",
    )
    sl.add_argument(
        "--period",
        required=True,
        metavar="PERIOD",
        help="2027-05（月）/ 2027Q2（2027年7〜9月）/ FY2027（令和9年度）",
    )
    outputs(sl)
    sl.set_defaults(func=cmd_sla)

    k = kinds.add_parser(
        "kpi", parents=[common], help="KGI/KPI 達成表", description="年度ごとの目標値・実績値・達成度。"
    )
    k.add_argument("--fy", required=True, metavar="FY", help="年度（2027 または FY2027 = 令和9年度）")
    outputs(k)
    k.set_defaults(func=cmd_kpi)

    ks = kinds.add_parser(
        "kpi-set",
        parents=[common],
        help="データから出せない実績値を入力する",
        description="例: inspect-tui report kpi-set satisfaction 2027 87.5",
    )
    ks.add_argument("indicator", metavar="ID", help="指標ID（data/kpi.toml の id）")
    ks.add_argument("fy", metavar="FY", help="年度（2027 / FY2027）")
    ks.add_argument("value", metavar="VALUE", help="実績値（数値）。- で消す")
    ks.set_defaults(func=cmd_kpi_set)

    n = kinds.add_parser("note", parents=[common], help="月次報告の問題点・改善点を記入・表示する")
    n.add_argument("month", metavar="YYYY-MM")
    n.add_argument("kind", choices=("problems", "improvements"))
    n.add_argument("text", nargs="?", default=None, help="本文（- で標準入力、空文字で消す、省略で表示）")
    from inspect_tui.cli.free_text import add_strict_option

    add_strict_option(n)
    n.set_defaults(func=cmd_note)

    cm = kinds.add_parser(
        "close-month",
        parents=[common],
        help="月の請求を締める（件数を確定し、支払済みの調査票を再び請求しない）",
    )
    cm.add_argument("month", metavar="YYYY-MM")
    cm.set_defaults(func=cmd_close_month)
    _add_report_aliases(kinds, common)


def _add_report_aliases(kinds: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Reports that live with their feature, reachable under ``report`` too (same options, same code)."""
    from inspect_tui.cli.quality import PARETO_DESCRIPTION, PARETO_HELP, add_pareto_arguments, cmd_pareto
    from inspect_tui.cli.review import add_guidance_arguments, cmd_guidance

    pa = kinds.add_parser("pareto", parents=[common], help=PARETO_HELP, description=PARETO_DESCRIPTION)
    add_pareto_arguments(pa)
    pa.set_defaults(func=cmd_pareto)
    g = kinds.add_parser("guidance", parents=[common], help="新規調査員の指導終了報告（指導終了報告）")
    add_guidance_arguments(g)
    g.set_defaults(func=cmd_guidance)
