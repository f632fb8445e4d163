"""Every kind of report, once: the CLI's ``report <kind>`` subcommands and the Reports
screen both dispatch through this registry, so there is no second list of kinds.

For each kind: its label, how its period is typed and read (a month, a fiscal
quarter or year, a span of dates; for the guidance report, the surveyor it is
about), the options it takes, the builder ``(session, period, options) ->
Renderable`` (``as_doc`` / ``to_json`` / ``default_filename``) and its formats.
What a user typed wrong becomes a ``RequestError`` saying what and where, with
the exit status the CLI gives it (2 for bad input, 1 when the report is not ready).

Nothing heavy is imported here: the CLI builds its parser from this module on
every run, so the builders import their report modules when they run.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from inspect_tui.core.jpdate import DateError, parse_date
from inspect_tui.core.metrics import Period, PeriodError, parse_fy, parse_month, parse_period
from inspect_tui.core.months import fiscal_quarter_of, fiscal_year_of, previous_month
from inspect_tui.core.records import record
from inspect_tui.core.renderable import FORMATS, Renderable

# The builders and their errors are imported by the function that runs them: a report
# command loaded every report's module (and their ~120 dataclasses) to run one: ~90 ms of
# a 390 ms ``report monthly --format json`` at 1M cases (bench/m_reports_cli.py).

__all__ = ["KINDS", "Arg", "Option", "PeriodSpec", "Renderable", "ReportKind", "RequestError", "kind"]

EXIT_BAD_INPUT, EXIT_NOT_READY = 2, 1
EXIT_REFUSED = 1  # the role may not, or the record has no such document (as a refused write)


class RequestError(ValueError):
    """A report that cannot be made as asked; the message says why (in Japanese)."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@record(frozen=True)
class Arg:
    """A command-line option that carries (part of) the period: ``--month 2027-05``."""

    flag: str
    dest: str
    metavar: str
    help: str
    required: bool = True


@record(frozen=True)
class PeriodSpec:
    """How a kind's period is typed (the screen's box, the CLI's options) and read."""

    label: str  # 対象月 / 期間 / 年度 / 調査員
    hint: str  # what to type: 2027-05, 2027Q2, FY2027, …
    parse: Callable[[str], Any]  # the text -> the period (PeriodError / RequestError)
    key: Callable[[Any], str]  # the period as shown and in file names: 2027-05, FY2027
    default: Callable[[dt.date], str]  # what the screen starts with on a day ("" = nothing)
    args: tuple[Arg, ...]  # the CLI options that carry it
    #: the period from several CLI options' values (by dest); None: ``parse`` of the one option
    from_args: Callable[[Mapping[str, str | None]], Any] | None = None


@record(frozen=True)
class Option:
    """Another option of a kind (``--unit-price``). The screen builds with the defaults."""

    flag: str
    dest: str
    help: str
    type: str = "text"  # text | int | date | flag
    metavar: str | None = None
    required: bool = False  # on the command line
    default: Any = None
    choices: tuple[str, ...] | None = None


@record(frozen=True)
class ReportKind:
    id: str
    label: str
    description: str
    period: PeriodSpec
    build: Callable[[Any, Any, Mapping[str, Any]], Renderable]
    options: tuple[Option, ...] = ()
    formats: tuple[str, ...] = FORMATS
    indicators: str | None = None  # the indicator file it reads ("sla" / "kpi"), checked first
    #: what the kind lists when no period is given (guidance: the new surveyors); None: nothing
    listing: Callable[[Any], str] | None = None

    def read_period(self, text: str, where: str = "") -> Any:
        """The period from typed text, or RequestError (prefixed with where, e.g. "--month")."""
        try:
            return self.period.parse(text)
        except (PeriodError, DateError, RequestError) as exc:
            raise RequestError(f"{where}: {exc}" if where else str(exc)) from None

    def period_words(self, period: Any) -> str:
        """The period as a person reads it: 令和9年5月（2027年5月）, 令和9年度 第2四半期（7月〜9月）,
        令和9年度（2027年度）, the span's dates in 和暦, or the surveyor's code."""
        from inspect_tui.core.document import era_text
        from inspect_tui.core.jpdate import fiscal_year_label

        if isinstance(period, Period):
            return period.label()
        if isinstance(period, int):
            return fiscal_year_label(period)
        return era_text(self.period.key(period))

    def period_from_args(self, values: Mapping[str, str | None]) -> Any:
        """The period from the CLI options' values (by dest)."""
        spec = self.period
        if spec.from_args is not None:
            try:
                return spec.from_args(values)
            except (PeriodError, DateError) as exc:
                raise RequestError(str(exc)) from None
        arg = spec.args[0]
        return self.read_period(values.get(arg.dest) or "", arg.flag)

    def options_from(self, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Every option of the kind: the given values, the defaults for the rest."""
        given = given or {}
        out = {o.dest: given.get(o.dest, o.default) for o in self.options}
        out["format"] = given.get("format")
        return out

    def make(self, session: Any, period: Any, options: Mapping[str, Any] | None = None) -> Renderable:
        """Build the report as it is printed (documents.finish: the audit chain's head, the
        document frame); RequestError for what the user can fix."""
        from inspect_tui.services.documents import finish

        return finish(session, self.build(session, period, self.options_from(options)))

    def from_text(
        self, session: Any, text: str, options: Mapping[str, Any] | None = None
    ) -> tuple[Renderable, str]:
        """(report, period key) from the period as typed: the Reports screen's one call."""
        period = self.read_period(text)
        return self.make(session, period, options), self.period.key(period)


# --------------------------------------------------------------------------- periods


def _last_month(today: dt.date) -> str:
    last = previous_month(today)
    return f"{last.year:04d}-{last.month:02d}"


def _this_quarter(today: dt.date) -> str:
    return f"{fiscal_year_of(today)}Q{fiscal_quarter_of(today)}"


@record(frozen=True)
class DateSpan:
    """From one day to another, both included (a Pareto analysis's period)."""

    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


_SPAN_MARKS = ("..", "〜", "~", "～")


def parse_span(text: str) -> DateSpan:
    """2027-04-01..2027-06-30 (or 〜), or any period parse_period reads (2027-05, 2027Q2, FY2027)."""
    norm = unicodedata.normalize("NFKC", text).strip()
    for mark in _SPAN_MARKS:
        if mark in norm:
            first, _, last = norm.partition(mark)
            return DateSpan(parse_date(first), parse_date(last))
    period = parse_period(norm)
    return DateSpan(period.start, period.end)


def _date_option(flag: str, text: str | None) -> dt.date:
    try:
        return parse_date(text or "")
    except DateError as exc:
        raise RequestError(f"{flag}: {exc}") from None


def span_from_args(values: Mapping[str, str | None]) -> DateSpan:
    """--from DATE --to DATE, each read on its own so that a message names its option."""
    return DateSpan(
        _date_option("--from", values.get("date_from")), _date_option("--to", values.get("date_to"))
    )


def _surveyor_code(text: str) -> str:
    code = unicodedata.normalize("NFKC", text).strip()
    if not code:
        raise RequestError("調査員コードを入れてください（例: S037）")
    return code


def _record_id(field: str) -> Callable[[str], int]:
    """A record number as typed (full-width digits too), or RequestError naming the field."""

    def parse(text: str) -> int:
        norm = unicodedata.normalize("NFKC", text).strip()
        if not norm:
            raise RequestError(f"{field}を入れてください（例: 1）")
        if not norm.isdecimal() or len(norm) > 18:  # "²" is a digit int() refuses; ids are 64-bit
            raise RequestError(f"「{norm[:20]}」は{field}として読めません（番号で指定します。例: 1）")
        return int(norm)

    return parse


def _quarter(text: str) -> Any:
    """2027Q1 (a fiscal quarter) as a period; a month or a year is refused, saying what to type."""
    period = parse_period(text)
    if period.kind != "quarter":
        raise RequestError(
            f"「{text}」は四半期ではありません。四半期で指定してください"
            "（例: 2027Q1 = 令和9年度 第1四半期（4月〜6月））"
        )
    return period


def _fy_key(fy: int) -> str:
    return f"FY{fy}"


# --------------------------------------------------------------------------- builders


def _as_of(help_: str = "基準日（既定: 日本の今日）。この日より後の記録は数えません") -> Option:
    return Option("--as-of", "as_of", help_, type="date", metavar="DATE")


def _monthly(session: Any, month: Any, o: Mapping[str, Any]) -> Renderable:
    from inspect_tui.services.reports.monthly import ReportError, build_monthly

    if o.get("unit_price") is not None and o["unit_price"] < 0:
        raise RequestError("--unit-price: 0以上の整数（円）にしてください")
    try:
        return build_monthly(
            session, month, o.get("as_of"), o.get("unit_price"), readable=o["format"] != "json"
        )
    except ReportError as exc:
        raise RequestError(str(exc)) from None


def _sla(session: Any, period: Any, o: Mapping[str, Any]) -> Renderable:
    from inspect_tui.services.reports.indicators import IndicatorFileError
    from inspect_tui.services.reports.sla import build_sla

    try:
        return build_sla(session, period, o.get("as_of"))
    except IndicatorFileError as exc:
        raise RequestError(str(exc)) from None


def _kpi(session: Any, fy: int, o: Mapping[str, Any]) -> Renderable:
    from inspect_tui.services.reports.indicators import IndicatorFileError
    from inspect_tui.services.reports.kpi import build_kpi

    try:
        return build_kpi(session, fy, o.get("as_of"))
    except IndicatorFileError as exc:
        raise RequestError(str(exc)) from None


def _guidance(session: Any, code: str, o: Mapping[str, Any]) -> Renderable:
    from inspect_tui.services.review.guidance import ReportNotReady, guidance_report
    from inspect_tui.services.review.queue import ReviewError

    try:
        return guidance_report(session, code, allow_draft=bool(o.get("draft")))
    except ReportNotReady as exc:
        raise RequestError(str(exc), EXIT_NOT_READY) from None
    except ReviewError as exc:
        raise RequestError(str(exc)) from None


def _new_surveyors(session: Any) -> str:
    """The new surveyors and how far their first-ten review has come (``guidance --list``)."""
    from inspect_tui.services.review.queue import new_surveyors

    rows = new_surveyors(session)
    if not rows:
        return "重点チェックの対象の新規調査員はいません"
    lines = ["調査員    配置日      点検済み  単独開始"]
    lines += [f"{r.code:<8}  {r.placed_on}  {r.progress:>8}  {r.solo_start or '－'}" for r in rows]
    return "\n".join(lines)


def _pareto(session: Any, span: DateSpan, o: Mapping[str, Any]) -> Renderable:
    from inspect_tui.services.quality.input import QualityInputError
    from inspect_tui.services.quality.pareto import SourceUnavailable, pareto_report

    try:
        return pareto_report(
            session,
            o.get("of") or "",
            span.start,
            span.end,
            ward=o.get("ward"),
            surveyor=o.get("surveyor"),
            kind=o.get("kind"),
        )
    except QualityInputError as exc:
        raise RequestError(
            "入力に問題があります:\n" + "\n".join(f"  {label}: {msg}" for label, msg in exc.problems)
        ) from None
    except SourceUnavailable as exc:
        raise RequestError(str(exc)) from None


def _record_document(name: str) -> Callable[..., Renderable]:
    """A builder for a document of one quality record (services.quality.documents.<name>): a
    refusal (the role, a minor complaint) exits 1 with its reason; a number with no record
    exits 2 naming the field."""

    def build(session: Any, record_id: int, o: Mapping[str, Any]) -> Renderable:
        from inspect_tui.services.quality import documents
        from inspect_tui.services.quality.documents import NotSerious
        from inspect_tui.services.quality.input import QualityInputError
        from inspect_tui.services.trust.permissions import PermissionDenied

        try:
            return getattr(documents, name)(session, record_id)
        except (PermissionDenied, NotSerious) as exc:
            raise RequestError(str(exc), EXIT_REFUSED) from None
        except QualityInputError as exc:
            raise RequestError("\n".join(f"{label}: {msg}" for label, msg in exc.problems)) from None

    return build


def _handover(session: Any, on: dt.date, o: Mapping[str, Any]) -> Renderable:
    from inspect_tui.services.reports.handover import build_handover

    return build_handover(session, on)


def _handover_day(values: Mapping[str, str | None]) -> dt.date:
    from inspect_tui.core.today import today_jp

    text = values.get("on")
    if not text:
        return today_jp()
    try:
        return parse_date(text)
    except DateError as exc:
        raise RequestError(f"--on: {exc}") from None


def _annual(session: Any, fy: int, o: Mapping[str, Any]) -> Renderable:
    from inspect_tui.services.reports.annual import build_annual
    from inspect_tui.services.reports.indicators import IndicatorFileError
    from inspect_tui.services.reports.monthly import ReportError

    try:
        return build_annual(session, fy, o.get("as_of"))
    except IndicatorFileError as exc:
        raise RequestError(str(exc)) from None
    except ReportError as exc:
        raise RequestError(str(exc)) from None


def _sla_quarter(session: Any, quarter: Any, o: Mapping[str, Any]) -> Renderable:
    from inspect_tui.services.reports.indicators import IndicatorFileError
    from inspect_tui.services.reports.sla_quarter import build_sla_quarter

    try:
        return build_sla_quarter(session, quarter, o.get("as_of"))
    except IndicatorFileError as exc:
        raise RequestError(str(exc)) from None


# --------------------------------------------------------------------------- the kinds

_MONTH = "2027-05 / 令和9年5月 / R9.5"
_PERIOD_HINT = (
    "2027-05 / 令和9年5月（月）、2027Q2 / 令和9年度第2四半期（2027年7〜9月）、FY2027 / 令和9年度（年度）"
)

KINDS: dict[str, ReportKind] = {
    k.id: k
    for k in (
        ReportKind(
            "monthly",
            "業務履行報告書（月次）",
            "月の処理件数、期限の遵守、履行件数と請求額、問題点・改善点。",
            PeriodSpec(
                "対象月",
                _MONTH,
                parse_month,
                lambda p: p.key,
                _last_month,
                (Arg("--month", "month", "YYYY-MM", "対象月（例: 2027-05、令和9年5月、R9.5）"),),
            ),
            _monthly,
            (
                Option(
                    "--unit-price",
                    "unit_price",
                    "単価（円、税抜）。本市・他市町村とも同じ単価にします（既定: 設定ファイルの [prices]）",
                    type="int",
                    metavar="YEN",
                ),
                _as_of(),
            ),
        ),
        ReportKind(
            "sla",
            "サービス水準達成状況",
            "SLA の指標ごとに目標・実績・達成を示します。年度は4月始まり。",
            PeriodSpec(
                "期間",
                "2027-05 / 2027Q2 / 令和9年度第2四半期 / FY2027",
                parse_period,
                lambda p: p.key,
                _this_quarter,
                (Arg("--period", "period", "PERIOD", _PERIOD_HINT),),
            ),
            _sla,
            (_as_of(),),
            indicators="sla",
        ),
        ReportKind(
            "kpi",
            "KGI・KPI 達成表",
            "年度ごとの目標値・実績値・達成度。",
            PeriodSpec(
                "年度",
                "FY2027 / 令和9年度 / R9",
                parse_fy,
                _fy_key,
                lambda today: _fy_key(fiscal_year_of(today)),
                (Arg("--fy", "fy", "FY", "年度（例: 2027、FY2027、令和9年度、R9）"),),
            ),
            _kpi,
            (_as_of(),),
            indicators="kpi",
        ),
        ReportKind(
            "guidance",
            "指導終了報告（新規調査員）",
            "10件目の重点チェックが終わった新規調査員の指導終了報告を出します。"
            "申請者の氏名・被保険者番号は含みません。--surveyor なしで対象の一覧を表示します。",
            PeriodSpec(
                "調査員",
                "S037",
                _surveyor_code,
                str,
                lambda today: "",
                (Arg("--surveyor", "surveyor", "CODE", "調査員コード", required=False),),
            ),
            _guidance,
            (Option("--draft", "draft", "10件目の点検前でも作成途中として出す", type="flag", default=False),),
            listing=_new_surveyors,
        ),
        ReportKind(
            "pareto",
            "パレート分析（苦情・事故・点検の指摘）",
            "期間と条件で件数を多い順に並べ、構成比・累積比率と重点項目"
            "（累積80%まで。80%を超える項目を含む）を出します。",
            PeriodSpec(
                "期間",
                "2027-04-01..2027-06-30 / 2027Q1",
                parse_span,
                lambda span: span.key,
                _this_quarter,
                (
                    Arg("--from", "date_from", "DATE", "期間の始め（含む）"),
                    Arg("--to", "date_to", "DATE", "期間の終わり（含む）"),
                ),
                from_args=span_from_args,
            ),
            _pareto,
            (
                Option(
                    "--of",
                    "of",
                    "集計対象: complaints / incidents / findings / form-rules（調査票の点検ポイント）",
                    metavar="SOURCE",
                    required=True,
                    default="complaints",
                ),
                Option(
                    "--kind",
                    "kind",
                    "種別（苦情: serious / minor、事故: incident / accident / security、"
                    "指摘: focused / routine / followup3 / followup6 / post、"
                    "点検ポイント: corrected = 提出後の修正があった調査票）",
                ),
                Option("--ward", "ward", "区で絞る"),
                Option("--surveyor", "surveyor", "調査員コードで絞る"),
            ),
        ),
        ReportKind(
            "sla-quarter",
            "サービス水準達成状況報告書（四半期）",
            "四半期の SLA の指標ごとの目標・実績・達成に、期末に未完了の課題（問題点）と"
            "当期に完了した課題（改善点）を添えます。年度は4月始まり。",
            PeriodSpec(
                "四半期",
                "2027Q1",
                _quarter,
                lambda p: p.key,
                _this_quarter,
                (
                    Arg(
                        "--period",
                        "period",
                        "QUARTER",
                        "四半期（例: 2027Q1 = 令和9年度 第1四半期（4月〜6月））",
                    ),
                ),
            ),
            _sla_quarter,
            (_as_of(),),
            indicators="sla",
        ),
        ReportKind(
            "incident-sheet",
            "事故振り返りシート",
            "インシデント・アクシデント1件の振り返りシート（関連様式⑦）: 発生の状況、市への報告"
            "（電話連絡・書面報告）、原因、対応と対策、再発防止策、記録者、押印欄。"
            "自由記述の個人情報は伏せ字にします。主任調査員・業務責任者が出せます。",
            PeriodSpec(
                "事故番号",
                "1",
                _record_id("事故番号"),
                str,
                lambda today: "",
                (Arg("--id", "record_id", "N", "事故番号（品質画面・incident list の番号）"),),
            ),
            _record_document("incident_sheet"),
        ),
        ReportKind(
            "complaint-report",
            "重大苦情の報告書",
            "重大な苦情1件の報告書: 受付、苦情の内容、対応と結果、市への報告、再発防止。"
            "軽微な苦情には出しません（連絡会議の一覧で報告します）。"
            "自由記述の個人情報は伏せ字にします。主任調査員・業務責任者が出せます。",
            PeriodSpec(
                "苦情番号",
                "1",
                _record_id("苦情番号"),
                str,
                lambda today: "",
                (Arg("--id", "record_id", "N", "苦情番号（品質画面・complaint list の番号）"),),
            ),
            _record_document("complaint_report"),
        ),
        ReportKind(
            "annual",
            "業務履行報告書（年次）",
            "年度の各月の処理件数と期限の遵守（月次報告と同じ数値。締めた月は締めた時点の数値）、"
            "SLA・KGI/KPI の達成状況、苦情・事故の件数、年度中に完了した課題（改善）。",
            PeriodSpec(
                "年度",
                "FY2027 / 令和9年度 / R9",
                parse_fy,
                _fy_key,
                lambda today: _fy_key(fiscal_year_of(today) - 1),
                (Arg("--fy", "fy", "FY", "年度（例: 2027、FY2027、令和9年度、R9）"),),
            ),
            _annual,
            (_as_of(),),
        ),
        ReportKind(
            "handover",
            "業務引継書",
            "契約満了時の引継ぎ: 未完了の依頼（満了の概ね5日前までに訪問できないものは返却）、"
            "業務マニュアル及びFAQ、未完了の課題、成果物の提出状況。依頼番号のみで申請者の情報は含みません。",
            PeriodSpec(
                "基準日",
                "2030-03-31",
                parse_date,
                lambda d: d.isoformat(),
                lambda today: today.isoformat(),
                (Arg("--on", "on", "DATE", "基準日（既定: 今日）", required=False),),
                from_args=_handover_day,
            ),
            _handover,
        ),
    )
}


def kind(kind_id: str) -> ReportKind:
    """The kind with this id, or RequestError naming the kinds there are."""
    try:
        return KINDS[kind_id]
    except KeyError:
        raise RequestError(
            f"報告書の種類は {' / '.join(KINDS)} のどれかです（{kind_id} はありません）"
        ) from None
