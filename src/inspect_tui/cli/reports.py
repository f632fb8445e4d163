"""Report subcommands (``inspect-tui report …``); registered by cli.build_parser.

    inspect-tui report monthly --month 2027-05 [--as-of 2027-06-10] [--unit-price 7777]
                               [--format text|md|csv|json|html|xlsx] [-o FILE]
    inspect-tui report sla --period 2027-05|2027Q2|FY2027 [--format …] [-o FILE]
    inspect-tui report kpi --fy 2027 [--format …] [-o FILE]
    inspect-tui report guidance --surveyor S037 [--draft] [--format …] / --list
    inspect-tui report pareto --from DATE --to DATE --of complaints [--format …]
    inspect-tui report kpi-set ID FY VALUE        # a hand-entered actual (e.g. a survey result)
    inspect-tui report kpi-note ID FY self|issues [TEXT]  # 自己評価 / 課題・今後の方向性
    inspect-tui report note 2027-05 problems "…"  # the month's problems / improvements

The report kinds, their periods and options come from one registry
(services/reports/registry.py), which the Reports screen uses too: a kind added
there is a subcommand here. Where the report goes is decided in one place,
render.output.destination: without -o, or with -o -, every format goes to standard
output, binary ones (xlsx, pdf) as bytes, so an SSH client receives them
(``ssh host 'inspect-tui report kpi --fy 2027 --format xlsx' > kpi.xlsx``); only a
binary format while standard output is a terminal is written to a file named after
the report and period (monthly_2027-05.xlsx) in the current folder, and stderr says
where. -o may name a file or a folder (one that exists, or a path ending in /), which
gets that file name. Files are created 0600 and appear whole or not at all.

``inspect-tui report`` with no kind lists the kinds: a report-only SSH key's forced
command ends in ``report`` (docs/ssh-setup.md), and the person names the kind.
"""

from __future__ import annotations

import argparse
import sys

from inspect_tui.cli import common as cli
from inspect_tui.cli import free_text as free
from inspect_tui.cli.free_text import add_strict_option
from inspect_tui.core.jpdate import DateError, parse_date
from inspect_tui.core.metrics import PeriodError, parse_fy, parse_month
from inspect_tui.core.renderable import FORMATS
from inspect_tui.services.config import ConfigError, read_config_file
from inspect_tui.services.reports.registry import KINDS, RequestError, kind

# Services are imported inside the commands: every command loads this module, and importing
# all the services the commands use costs 380-550 ms on top of the parser's 150-240 ms
# (perf_counter after build_parser(), 5 runs); a command pays only for its own.


def _cli():

    return cli


def _user_error(message: str):
    cli = _cli()
    return cli.UserError(message, cli.EXIT_BAD_INPUT)


def _require_indicators(kind: str) -> None:
    """Before a command that uses the SLA or KPI indicators: the file the config names must be
    whole (exit 2 with every problem, at the indicator file's own lines, otherwise)."""
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


# --------------------------------------------------------------------------- every report kind


def add_kind_arguments(p: argparse.ArgumentParser, kind_id: str) -> None:
    """The options of one report kind, from the registry: its period, its own options,
    --format, -o, and --list where the kind lists something when no period is given."""

    k = kind(kind_id)
    for a in k.period.args:
        p.add_argument(a.flag, dest=a.dest, metavar=a.metavar, help=a.help, required=a.required)
    for o in k.options:
        if o.type == "flag":
            p.add_argument(o.flag, dest=o.dest, action="store_true", help=o.help)
            continue
        p.add_argument(
            o.flag,
            dest=o.dest,
            metavar=o.metavar,
            help=o.help,
            required=o.required,
            type=int if o.type == "int" else None,
            choices=o.choices,
            default=None,
        )
    p.add_argument("--format", choices=k.formats, default="text", help="出力形式（既定 text）")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="書き出すファイル（またはフォルダ: 報告書の種類と期間の名前で書きます）。"
        "省略時と - は標準出力（xlsx などのバイナリ形式は、標準出力が端末のときだけその名前のファイル）",
    )
    if k.listing is not None:
        p.add_argument("--list", action="store_true", help=f"{k.period.label}の一覧を表示")
    p.set_defaults(func=cmd_report, report_kind=k.id)


def _option_value(o, raw):
    """An option's value as the builder takes it; a date is read here, naming the option."""
    if o.type != "date" or raw is None:
        return raw

    try:
        return parse_date(raw)
    except DateError as exc:
        raise _user_error(f"{o.flag}: {exc}") from None


def run_report(kind_id: str, args: argparse.Namespace) -> int:
    """Any report kind on the command line: read the period and the options (before the
    database is opened, so bad input is said first), build it, write it where asked."""

    cli = _cli()
    k = kind(kind_id)
    values = vars(args)
    if k.listing is not None and (values.get("list") or not all(values.get(a.dest) for a in k.period.args)):
        with cli._session(args) as s:
            listing = k.listing(s)
        if not values.get("list"):
            arg = k.period.args[0]
            listing = f"{arg.flag} {arg.metavar} で報告を出します。{k.period.label}の一覧:\n{listing}"
        cli._out(listing)
        return cli.EXIT_OK
    try:
        period = k.period_from_args(values)
        options = {o.dest: _option_value(o, values.get(o.dest)) for o in k.options}
        options["format"] = args.format
        if k.indicators:
            _require_indicators(k.indicators)
        with cli._session(args) as s:
            report = k.make(s, period, options)
    except RequestError as exc:
        raise cli.UserError(str(exc), exc.exit_code) from None
    cli.emit(
        report,
        args.format,
        args.output,
        report.default_filename(args.format),
        remote=getattr(args, "remote", False),
    )
    return cli.EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    return run_report(args.report_kind, args)


def report_menu() -> str:
    """The kinds of report and how to ask for each (``inspect-tui report`` with no kind)."""
    lines = ["報告書の種類を指定してください:"]
    for k in KINDS.values():
        needed: list[tuple[str, str | None]] = [(a.flag, a.metavar) for a in k.period.args]
        needed += [(o.flag, o.metavar) for o in k.options if o.required]
        period = " ".join(f"{flag} {metavar}" for flag, metavar in needed)
        lines.append(f"  inspect-tui report {k.id} {period}  # {k.label}")
    lines.append(f"  --format {'|'.join(FORMATS)} で形式を選べます（既定 text）")
    return "\n".join(lines)


def cmd_report_menu(args: argparse.Namespace) -> int:
    """``inspect-tui report`` alone: what can be asked for (exit 2: no report was made)."""
    raise _user_error(report_menu())


def _month(text: str):
    """YYYY-MM as a month period, or exit 2 saying what is wrong with it."""

    try:
        return parse_month(text)
    except PeriodError as exc:
        raise _user_error(str(exc)) from None


def _fy(text: str) -> int:
    """A fiscal year as typed (2027, FY2027, 令和9年度, R9), or exit 2 saying what is wrong."""
    try:
        return parse_fy(text)
    except PeriodError as exc:
        raise _user_error(str(exc)) from None


def cmd_kpi_set(args: argparse.Namespace) -> int:
    from inspect_tui.services.reports.indicators import IndicatorFileError
    from inspect_tui.services.reports.kpi import KpiInputError, set_kpi_actual

    fy = _fy(args.fy)
    _require_indicators("kpi")
    with _cli()._session(args) as s:
        try:
            label = set_kpi_actual(s, args.indicator, fy, args.value)
        except (KpiInputError, IndicatorFileError) as exc:
            raise _user_error(str(exc)) from None
    _cli()._out(label)
    return 0


def cmd_kpi_note(args: argparse.Namespace) -> int:
    """An indicator's 自己評価 or 課題・今後の方向性 for a fiscal year: shown (no TEXT; masked
    for a monitor), or saved (managers only: asked before the text is read)."""
    from inspect_tui.services.reports.indicators import IndicatorFileError
    from inspect_tui.services.reports.kpi import NOTE_KINDS as KPI_NOTE_KINDS
    from inspect_tui.services.reports.kpi import KpiInputError, get_kpi_note, kpi_indicator, set_kpi_note
    from inspect_tui.services.trust import free_text
    from inspect_tui.services.trust.permissions import require

    fy = _fy(args.fy)
    _require_indicators("kpi")
    with _cli()._session(args) as s:
        try:
            if args.text is None:
                kpi_indicator(s, args.indicator)  # an unknown id is said, not shown as 未記入
                text = get_kpi_note(s, args.indicator, fy, args.kind)
                if text and not free_text.sees_as_typed(s):
                    text = free_text.mask(text)
                _cli()._out(text or "（未記入）")
                return 0
            require(s, "report.notes")
            text = sys.stdin.read() if args.text == "-" else args.text
            warnings = free.check(args, {KPI_NOTE_KINDS[args.kind]: text})
            label = set_kpi_note(s, args.indicator, fy, args.kind, text)
        except (KpiInputError, IndicatorFileError) as exc:
            raise _user_error(str(exc)) from None
    _cli()._out(label)
    free.report(warnings)
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    from inspect_tui.services.reports.monthly import get_monthly_note, set_monthly_note
    from inspect_tui.services.reports.monthly_terms import NOTE_KINDS
    from inspect_tui.services.trust import free_text

    month = _month(args.month)

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
    from inspect_tui.services.reports.monthly import close_billing_month

    if (args.month is None) == (args.month_option is None):
        raise _user_error("締める月を1つ指定してください（例: report close-month --month 2027-05）")
    month = _month(args.month or args.month_option)
    with _cli()._session(args) as s:
        try:
            n = close_billing_month(s, month)
        except ValueError as exc:
            raise _user_error(str(exc)) from None
    after = "以後この月の報告書は締めた時点のまま、この月に払った調査票は再び請求しません"
    _cli()._out(f"{month.key} を締めました: 請求 {n:,} 件（{after}）")
    return 0


def _indicator_and_fy(p: argparse.ArgumentParser) -> None:
    p.add_argument("indicator", metavar="ID", help="指標ID（data/kpi.toml の id）")
    p.add_argument("fy", metavar="FY", help="年度（2027 / FY2027 / 令和9年度 / R9）")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``report`` command: one subcommand per registry kind, then the commands that
    keep a report's inputs (kpi-set, note) and close a month."""

    rp = sub.add_parser(
        "report",
        help="月次報告・SLA 達成状況・KGI/KPI 達成表・指導終了報告・パレート分析",
        description="報告書を作ります。個人情報（氏名・被保険者番号）は載りません。",
    )
    # not required: ``report`` alone lists the kinds (a report-only key's forced command ends here)
    kinds = rp.add_subparsers(title="報告書", metavar="KIND")
    rp.set_defaults(func=cmd_report_menu)
    for k in KINDS.values():
        add_kind_arguments(
            kinds.add_parser(k.id, parents=[common], help=k.label, description=k.description), k.id
        )

    ks = kinds.add_parser(
        "kpi-set",
        parents=[common],
        help="データから出せない実績値を入力する",
        description="例: inspect-tui report kpi-set satisfaction 2027 87.5",
    )
    _indicator_and_fy(ks)
    ks.add_argument("value", metavar="VALUE", help="実績値（数値）。- で消す")
    ks.set_defaults(func=cmd_kpi_set)

    kn = kinds.add_parser(
        "kpi-note",
        parents=[common],
        help="KGI/KPI の指標ごとの自己評価・課題・今後の方向性を記入・表示する",
        description="例: inspect-tui report kpi-note accepted 2027 self '想定件数を上回った'",
    )
    _indicator_and_fy(kn)
    kn.add_argument("kind", choices=("self", "issues"), help="self = 自己評価、issues = 課題・今後の方向性")
    kn.add_argument("text", nargs="?", default=None, help="本文（- で標準入力、空文字で消す、省略で表示）")
    add_strict_option(kn)
    kn.set_defaults(func=cmd_kpi_note)

    n = kinds.add_parser("note", parents=[common], help="月次報告の問題点・改善点を記入・表示する")
    n.add_argument("month", metavar="YYYY-MM")
    n.add_argument("kind", choices=("problems", "improvements"))
    n.add_argument("text", nargs="?", default=None, help="本文（- で標準入力、空文字で消す、省略で表示）")

    add_strict_option(n)
    n.set_defaults(func=cmd_note)

    cm = kinds.add_parser(
        "close-month",
        parents=[common],
        help="月の請求を締める（件数を確定し、支払済みの調査票を再び請求しない）",
    )
    cm.add_argument("month", metavar="YYYY-MM", nargs="?", default=None)
    cm.add_argument("--month", dest="month_option", metavar="YYYY-MM", help="締める月（例: 2027-05）")
    cm.set_defaults(func=cmd_close_month)
