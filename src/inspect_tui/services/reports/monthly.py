"""The monthly performance report (業務履行報告書（月次）, seed 001 §15 / 002 §4).

``build_monthly`` gathers the month's figures with a few aggregate queries
(store/report_queries.py); ``MonthlyReport.to_json()`` is the documented JSON
shape and ``as_doc()`` the document every other format draws.

Definitions (M = the month; every date a Japan date; "as of" = --as-of,
default today in Japan). Everything is evaluated as of the as-of date: a step,
acceptance, cancellation or return dated after it has not happened yet, so a
report re-run later with the same --as-of gives the same figures unless
someone corrected a date.

- counts: received / contacted / visited / submitted / cancelled = cases
  whose date of that step falls in M (up to as-of); accepted = accepted_on in
  M and not cancelled, split into home (is_home=1) and other (is_home=0);
  welfare = home cases with welfare=1 (a subset of home); backlog_end =
  received by the end of M and, at the end of M (or at as-of if earlier),
  neither accepted, cancelled nor returned.
- deadlines (the case rules of core.deadlines: contact, standard, target20;
  the stored deadline columns, so an agreed extension counts): see
  core.metrics.deadline_outcome. Each rule is printed with its own words
  (「日程調整連絡（受理から3開庁日）」), so the report follows the rules file.
- billing: see core.metrics.bill and ``unit_prices``.
- inspection: the month's submissions (up to as-of) inspected before they went out,
  without inspection (a manager's override; target 0) and 点検記録なし（取込）
  (submission dates that came with the city's list), and 点検実施率
  (services/cases/inspection.py, the same counts as the metric inspection_rate).

The sections the other features fill (the first-ten review; complaints,
incidents, problems) are a plain list, ``feature_sections``, each built once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import Any

from inspect_tui.core.deadlines import case_rule, case_rules
from inspect_tui.core.document import EXTENSIONS, Chart, Doc, Section, Table, doc_from_data, doc_to_data
from inspect_tui.core.metrics import Bill, Period, bill, parse_month
from inspect_tui.core.months import add_months
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.cases.inspection_figures import InspectionFigures
from inspect_tui.services.cases.inspection_figures import figures as inspection_figures
from inspect_tui.services.config import Config
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import writes
from inspect_tui.store import billing
from inspect_tui.store import report_queries as q


class ReportError(ValueError):
    """A report that cannot be made as asked; the message says why."""


COUNT_KEYS = (
    "received",
    "contacted",
    "visited",
    "submitted",
    "accepted",
    "accepted_home",
    "accepted_other",
    "accepted_welfare",
    "cancelled",
    "backlog_end",
)
COUNT_LABELS = {
    "received": "依頼受理",
    "contacted": "日程調整連絡",
    "visited": "訪問調査",
    "submitted": "調査票提出",
    "accepted": "受理（履行件数）",
    "accepted_home": "（うち本市）",
    "accepted_other": "（うち他市町村）",
    "accepted_welfare": "（うち生活保護: 本市の内数）",
    "cancelled": "中止",
    "backlog_end": "月末未処理（受理・中止・返却前）",
}
NOTE_KINDS = {"problems": "問題点", "improvements": "改善点"}
NOT_RECORDED = "（未記録）"


def note_key(month: Period, kind: str) -> str:
    """Settings key of a month's free text: monthly_note:2027-05:problems."""
    if kind not in NOTE_KINDS:
        raise ReportError(f"記入欄は {' / '.join(NOTE_KINDS)} のどれかです")
    return f"monthly_note:{month.key}:{kind}"


def get_monthly_note(s: Session, month: Period, kind: str) -> str:
    return q.get_setting(s.db.conn, note_key(month, kind)) or ""


@writes("report.notes")
def set_monthly_note(s: Session, month: Period, kind: str, text: str) -> None:
    """Save (empty text: clear) the month's problems or improvements (managers only)."""
    q.set_setting(s.db, note_key(month, kind), text.strip() or None, s.who)


def printed_notes(s: Session, month: Period, *, by_name: bool = True) -> dict[str, str]:
    """The month's problems and improvements as the report prints them: personal data
    masked (the report goes to the city), with the names and numbers of the month's cases.
    by_name=False masks the patterns only (for --format json, which never prints the
    notes: the names query is not worth its 10-20 ms there)."""
    from inspect_tui.services.trust.free_text import NOTHING, known_for_month, mask  # as feature_sections

    notes = {kind: get_monthly_note(s, month, kind) for kind in NOTE_KINDS}
    if any(notes.values()):
        known = known_for_month(s, month) if by_name else NOTHING
        notes = {kind: mask(text, known) for kind, text in notes.items()}
    return notes


# --------------------------------------------------------------------------- the other features' parts


def feature_sections(s: Session, month: Period, as_of: dt.date) -> list[Section]:
    """What the other features contribute, in print order, each built once: the inspection
    of forms before submission (services.cases.inspection), the corrections after
    submission by surveyor (services.reports.corrections), the first-ten review
    (services.review.monthly), then complaints, incidents and problems
    (services.quality.monthly).

    Their modules are imported here, and the late trend's metrics in late_trend_counts: only
    the readable formats print them, and with core/history and store/events under them they
    were part of the ~20 ms these deferrals saved of a 270 ms ``report monthly --format json``
    at 1M cases (its SQL is ~100 ms; 21 interleaved runs).
    """
    from inspect_tui.services.cases.inspection import inspection_section
    from inspect_tui.services.quality.monthly import quality_sections
    from inspect_tui.services.reports.corrections import after_submission_section
    from inspect_tui.services.review.monthly import first_ten_section

    return [
        inspection_section(s, month, as_of),
        after_submission_section(s, month, as_of),
        first_ten_section(s, month, as_of),
        *quality_sections(s, month, as_of),
    ]


# --------------------------------------------------------------------------- prices


@dataclass(frozen=True)
class UnitPrices:
    home: int | None
    other: int | None

    def json_value(self) -> int | dict[str, int | None] | None:
        """One integer when one price applies to both; {"home", "other"} when they differ."""
        if self.home == self.other:
            return self.home
        return {"home": self.home, "other": self.other}


def unit_prices(config: Config, override: int | None = None) -> UnitPrices:
    """The unit price (yen, before tax) for home and for other-municipality cases.

    --unit-price sets one price for both. Otherwise the config's [prices]: 0
    means "not set"; other = home when only home is set (and the reverse).
    Neither set: None, and the report says the price is missing instead of
    printing 0 yen.
    """
    if override is not None:
        if override < 0:
            raise ReportError("単価は0以上の整数（円）にしてください")
        return UnitPrices(override, override)
    home = config.unit_price_home or None
    other = config.unit_price_other or None
    return UnitPrices(home or other, other or home)


# --------------------------------------------------------------------------- the report


@dataclass
class MonthlyReport:
    month: Period
    as_of: dt.date
    issued_on: dt.date
    counts: dict[str, int]
    deadlines: dict[str, q.DeadlineCounts]
    prices: UnitPrices
    home: Bill
    other: Bill
    late_cases: dict[str, list[tuple[str, str, str | None]]] | None
    notes: dict[str, str]
    extra: list[Section]
    wards: dict[str, dict[str, int]] = field(default_factory=dict)
    billing_closed_at: str | None = None  # the month was closed for billing (figures frozen)
    repaid: int = 0  # accepted again this month but paid in an earlier closed month: not billed
    inspection: InspectionFigures | None = None  # submissions by inspection before submission
    corrections: list[billing.LateEvent] = field(default_factory=list)  # 前月以前分の訂正
    #: the 12 months up to this one: (month, received, submitted, accepted); readable formats only
    trend: list[tuple[Period, int, int, int]] = field(default_factory=list)
    #: the same 12 months' late counts, one per deadline metric (TREND_LATE), each month
    late_trend: list[tuple[Period, tuple[int | None, ...]]] = field(default_factory=list)

    @property
    def cutoff(self) -> dt.date:
        return min(self.month.end, self.as_of)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape (docs/report-formats.md); nothing else."""

        def money(b: Bill) -> dict[str, int | None]:
            return {"count": b.count, "subtotal": b.subtotal, "tax": b.tax, "total": b.total}

        return {
            "month": self.month.key,
            "as_of": self.as_of.isoformat(),
            "counts": {k: self.counts[k] for k in COUNT_KEYS},
            "deadlines": {
                rule: {
                    "due": d.due,
                    "on_time": d.on_time,
                    "late": d.late,
                    "pending": d.pending,
                    "excluded": d.excluded,
                }
                for rule, d in self.deadlines.items()
            },
            "billing": {
                "unit_price": self.prices.json_value(),
                "home": money(self.home),
                "other": money(self.other),
            },
            "inspection": self.inspection.to_json() if self.inspection else None,
        }

    def as_doc(self, full: bool = False) -> Doc:
        return monthly_doc(self, None if full else LATE_LIST_LIMIT)

    def default_filename(self, fmt: str) -> str:
        """monthly_2027-05.xlsx: the kind and the month, never personal data."""
        return f"monthly_{self.month.key}.{EXTENSIONS[fmt]}"


def build_monthly(
    s: Session,
    month: Period,
    as_of: dt.date | None = None,
    unit_price: int | None = None,
    *,
    readable: bool = True,
    issued_on: dt.date | None = None,
) -> MonthlyReport | ClosedMonthReport:
    """The month's figures as of as_of (default: today in Japan); a closed month's report
    as it was frozen at its close (as_of and unit_price do not apply to it).

    readable=False builds only what the JSON holds (counts, deadlines, billing): the
    late-case lists, the ward breakdown, the notes and the other features' sections
    are for the readable formats, and their queries are not run (--format json).
    """
    today = today_jp()
    as_of = as_of or today
    if month.kind != "month":
        raise ReportError("月次報告は月（例: 2027-05）で指定してください")
    if as_of < month.start:
        raise ReportError(
            f"基準日 {as_of.isoformat()} が対象月 {month.key} より前です（--as-of を月の初日以降に）"
        )
    conn = s.db.conn
    closed_at, frozen = billing.month_snapshot(conn, month.key)
    if frozen is not None:  # a closed month prints as it was closed, whatever came later
        return ClosedMonthReport(month, frozen.closed_at, json.loads(frozen.json), issued_on or today)
    cutoff = min(month.end, as_of)
    counts = q.step_counts(conn, month.start, cutoff)
    counts["backlog_end"] = q.backlog_at(conn, cutoff)
    rules = [rule.id for rule in case_rules()]
    deadlines = {rule: q.deadline_counts(conn, rule, month.start, month.end, as_of) for rule in rules}
    late = (
        {rule: q.late_case_numbers(conn, rule, month.start, month.end, as_of) for rule in rules}
        if readable
        else None
    )
    # the breakdown, the notes and the features' sections are for reading (text, html, …);
    # JSON has its fixed shape without them
    wards = q.by_ward(conn, month.start, cutoff) if readable else {}
    prices = unit_prices(s.config, unit_price)
    billable = billing.billable_counts(conn, month.key, month.start, cutoff)
    notes = printed_notes(s, month) if readable else {}
    extra = feature_sections(s, month, as_of) if readable else []
    return MonthlyReport(
        month=month,
        as_of=as_of,
        issued_on=issued_on or today,
        counts=counts,
        deadlines=deadlines,
        prices=prices,
        home=bill(prices.home, billable["home"]),
        other=bill(prices.other, billable["other"]),
        late_cases=late,
        notes=notes,
        extra=extra,
        wards=wards,
        billing_closed_at=closed_at,
        repaid=billable["repaid"],
        inspection=inspection_figures(s, month.start, cutoff),
        corrections=billing.earlier_corrections(conn, month.key) if readable else [],
        trend=trend_counts(conn, month, cutoff) if readable else [],
        late_trend=late_trend_counts(conn, month, as_of) if readable else [],
    )


TREND_MONTHS = 12
TREND_HEADERS = ["月", "依頼受理", "調査票提出", "受理（履行件数）"]


def trend_months(month: Period) -> list[Period]:
    """The month and the 11 before it, oldest first."""
    start = add_months(month.start, 1 - TREND_MONTHS)
    return [parse_month(f"{add_months(start, i):%Y-%m}") for i in range(TREND_MONTHS)]


def trend_counts(conn, month: Period, cutoff: dt.date) -> list[tuple[Period, int, int, int]]:
    """The month and the 11 before it: cases received, submitted and accepted in each
    (accepted: not cancelled by the cutoff, as 受理（履行件数） in the month's counts)."""
    months = trend_months(month)
    by = {
        column: q.step_counts_by_month(conn, column, months[0].start, cutoff, where)
        for column, where in (
            ("received_on", ""),
            ("submitted_on", ""),
            ("accepted_on", "AND (cancelled_on IS NULL OR cancelled_on > :c)"),
        )
    }
    return [
        (m, *(by[c].get(m.key, 0) for c in ("received_on", "submitted_on", "accepted_on"))) for m in months
    ]


#: the late counts the trend shows beside the volumes (metric ids, as the SLA report counts them)
TREND_LATE = ("late_contact", "late_standard")


def late_trend_counts(conn, month: Period, as_of: dt.date) -> list[tuple[Period, tuple[int | None, ...]]]:
    """The month and the 11 before it: each TREND_LATE metric's count per month, by deadline
    month as of the report's 基準日 (as section 2 and the SLA report count them: the month's
    own figure is the same number); one grouped query per metric over the 12 months, None
    where a metric is not recorded."""
    from inspect_tui.services.reports.metrics import METRICS  # readable formats only: feature_sections

    months = trend_months(month)
    metrics = [METRICS[m] for m in TREND_LATE]
    by = [m.counter(conn, months[0].start, month.end, as_of) if m.counter else None for m in metrics]

    def count(metric, counted, m: Period) -> int | None:
        v = None if counted is None else metric.value_of(counted.get(m.key, {}))
        return None if v is None else int(v)

    return [
        (m, tuple(count(metric, counted, m) for metric, counted in zip(metrics, by, strict=True)))
        for m in months
    ]


def _trend_table(
    caption: str, chart_title: str, headers: list[str], rows: list[list[Any]], kind: str
) -> Table:
    """A table of the 12 months (月, then one column a series) with its chart of every series
    (a native one in xlsx, SVG in html and PDF)."""
    chart = Chart(
        title=chart_title,
        label_column=0,
        bar_column=1,
        bar_title="件数",
        rows=len(rows),
        more_columns=tuple(range(2, len(headers))),
        kind=kind,
    )
    return Table(headers, rows, align=["l", *["r"] * (len(headers) - 1)], caption=caption, chart=chart)


def late_trend_table(late: list[tuple[Period, tuple[int | None, ...]]]) -> Table:
    """直近12か月の期限超過: the late counts by month, as bars (their scale is not the volumes')."""
    from inspect_tui.services.reports.metrics import METRICS  # readable formats only: feature_sections

    headers = ["月", *(METRICS[m].label for m in TREND_LATE)]
    rows: list[list[Any]] = [[m.label(western=False), *values] for m, values in late]
    return _trend_table("直近12か月の期限超過", "直近12か月の期限超過", headers, rows, "bar")


def trend_table(trend: list[tuple[Period, int, int, int]]) -> Table:
    """直近12か月の推移: received, submitted and accepted by month, as lines."""
    rows: list[list[Any]] = [[m.label(western=False), *counts] for m, *counts in trend]
    return _trend_table("直近12か月の推移", "直近12か月の処理件数", TREND_HEADERS, rows, "line")


# --------------------------------------------------------------------------- document

LATE_LIST_LIMIT = 300  # per rule; the rest is summarised (the html and xlsx get all)


def monthly_doc(r: MonthlyReport, late_limit: int | None = LATE_LIST_LIMIT) -> Doc:
    facts = [
        ("対象月", r.month.label()),
        ("基準日", f"{r.as_of.isoformat()}（この日までの記録で集計）"),
        ("発行日", r.issued_on.isoformat()),
    ]
    if r.billing_closed_at:
        facts.append(("状態", closed_words(r.billing_closed_at)))
    counts = Table(["項目", "件数"], [[COUNT_LABELS[k], r.counts[k]] for k in COUNT_KEYS], align=["l", "r"])
    sec_counts = Section("1. 処理件数", [counts])
    if r.wards:
        apps = list(q.APPLICATIONS)
        rows = [
            [ward, t["received"], *[t.get(a, 0) for a in apps], t["accepted"]] for ward, t in r.wards.items()
        ]
        rows.append(["計", *[sum(row[i] for row in rows) for i in range(1, len(apps) + 3)]])
        sec_counts.tables.append(
            Table(
                ["区", "依頼受理", *[f"受理 {a}" for a in apps], "受理 計"],
                rows,
                align=["l", *["r"] * (len(apps) + 2)],
                caption="処理内容（区別・申請区分別）",
            )
        )
    if r.trend:
        sec_counts.tables.append(trend_table(r.trend))
    if r.late_trend:
        sec_counts.tables.append(late_trend_table(r.late_trend))
    if r.cutoff < r.month.end:
        sec_counts.paragraphs.append(f"月の途中です: {r.cutoff.isoformat()} までの件数です。")

    dl = Table(
        ["期限", "対象", "期限内", "遅延", "未到来", "除外"],
        [
            [case_rule(rule).label, d.due, d.on_time, d.late, d.pending, d.excluded]
            for rule, d in r.deadlines.items()
        ],
        align=["l", "r", "r", "r", "r", "r"],
    )
    sec_dl = Section("2. 期限の遵守状況", [dl])
    sec_dl.paragraphs.append(
        "対象 = 期限が当月にある依頼（期限までに中止・返却したもの、市と合意して除外したものを除く）。"
        "期限内 = 期限日までに実施、遅延 = 期限後に実施または基準日時点で期限切れ、"
        "未到来 = 基準日時点で未実施かつ期限が基準日以降。"
    )
    for rule in r.deadlines:
        sec_dl.paragraphs.append(f"{case_rule(rule).label}: {case_rule(rule).title}")
    # the lists of late cases: a 別紙 at the end (looked up, not read; they filled most pages)
    late_list = Section("遅延した依頼の一覧", appendix=True)
    if r.late_cases is not None:
        for rule, rows in r.late_cases.items():
            if not rows:
                continue
            shown = rows if late_limit is None else rows[:late_limit]
            t = Table(
                ["依頼番号", "期限", "実施日"],
                [[no, due, done or "未実施"] for no, due, done in shown],
                align=["l", "l", "l"],
                caption=f"遅延した依頼（{case_rule(rule).label}）: {len(rows):,} 件",
            )
            late_list.tables.append(t)
            if len(rows) > len(shown):
                late_list.paragraphs.append(
                    f"{case_rule(rule).label}の遅延は {len(rows):,} 件のうち {len(shown):,} 件を表示"
                    "（すべては html / pdf / xlsx 出力にあります）"
                )
        if late_list.tables:
            sec_dl.paragraphs.append("遅延した依頼の一覧は別紙1のとおりです。")

    sec_bill = Section("3. 履行件数と請求額（受理日基準）")
    if r.prices.home is None and r.prices.other is None:
        sec_bill.paragraphs.append(
            "単価が設定されていません（--unit-price または設定ファイルの [prices]）。件数のみ示します。"
        )
    sec_bill.tables.append(
        Table(
            ["区分", "単価（円）", "件数", "小計（円）", "消費税（円）", "合計（円）"],
            [
                [label, b.unit_price, b.count, b.subtotal, b.tax, b.total]
                for label, b in (("本市", r.home), ("他市町村", r.other))
            ],
            align=["l", "r", "r", "r", "r", "r"],
        )
    )
    sec_bill.paragraphs.append(
        "単価に件数を乗じて消費税10%を加算し、1円未満の端数は切り捨て。"
        "他市町村からの依頼分は別に請求します。中止は請求対象外。"
    )
    if r.billing_closed_at:
        sec_bill.paragraphs.append(
            f"この月は締め済みです（{r.billing_closed_at[:10]}）。件数は締めた時点のものです。"
        )
    if r.repaid:
        sec_bill.paragraphs.append(
            f"再調査などで再び受理された {r.repaid:,} 件は、前の締め済みの月に支払い済みのため請求しません。"
        )
    sections = [sec_counts, sec_dl, sec_bill]
    if r.corrections:
        sections.append(corrections_section(r.corrections))
    no = len(sections) + 1
    for extra in r.extra:
        sections.append(Section(f"{no}. {extra.heading}", list(extra.tables), list(extra.paragraphs)))
        no += 1
    if r.late_cases is None:  # built for JSON only: the readable parts were never read
        return Doc(title="業務履行報告書（月次）", facts=facts, sections=sections)
    for kind, label in NOTE_KINDS.items():
        text = r.notes.get(kind) or ""
        paragraphs = [p for p in text.splitlines() if p.strip()] or [NOT_RECORDED]
        sections.append(Section(f"{no}. {label}", paragraphs=paragraphs))
        no += 1
    if late_list.tables:
        sections.append(late_list)
    return Doc(title="業務履行報告書（月次）", facts=facts, sections=sections)


def corrections_section(rows: list[billing.LateEvent]) -> Section:
    """前月以前分の訂正: what was recorded after the previous month closed that touches a
    closed month; that month's report stays as closed, and the correction is listed here."""
    table = Table(
        ["依頼番号", "出来事", "日付", "記録日時", "対象の締め月"],
        [
            [e.case_no, event_label(e.kind), e.on_date or None, e.recorded_at[:16], e.closed_month]
            for e in rows
        ],
        align=["l", "l", "l", "l", "l"],
        caption=f"前月以前分の訂正: {len(rows):,} 件",
    )
    note = (
        "締め済みの月の報告書・請求は締めた時点のままです。締めた後に記録された、"
        "その月の日付の手順、またはその月に請求した調査票に関わる手順をここに示します。"
    )
    return Section("4. 前月以前分の訂正", [table], [note])


def event_label(kind: str) -> str:
    from inspect_tui.core.history import KIND_LABELS, VOID  # readable formats only: feature_sections

    return "取消（記録の無効化）" if kind == VOID else KIND_LABELS.get(kind, kind)


def closed_words(closed_at: str) -> str:
    return f"締め済み（{closed_at[:10]} 締め）"


ISSUED = "発行日"


@dataclass
class ClosedMonthReport:
    """A closed month's report, reproduced from what was frozen at its close
    (month_snapshots): its figures and lists as they were; only the printing date (発行日)
    is of today, and the audit head the registry puts in the footer."""

    month: Period
    closed_at: str
    frozen: dict[str, Any]  # {"report": to_json(), "doc": as_doc(), "doc_full": as_doc(True)}
    issued_on: dt.date

    @property
    def billing_closed_at(self) -> str:
        return self.closed_at

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.frozen["report"]["counts"])

    @property
    def as_of(self) -> dt.date:
        return dt.date.fromisoformat(self.frozen["report"]["as_of"])

    def _bill(self, kind: str) -> Bill:
        billing = self.frozen["report"]["billing"]
        price = billing["unit_price"]
        unit = price.get(kind) if isinstance(price, dict) else price
        b = billing[kind]
        return Bill(unit, b["count"], b["subtotal"], b["tax"], b["total"])

    @property
    def home(self) -> Bill:
        return self._bill("home")

    @property
    def other(self) -> Bill:
        return self._bill("other")

    repaid = 0

    def to_json(self) -> dict[str, Any]:
        return dict(self.frozen["report"])

    def as_doc(self, full: bool = False) -> Doc:
        doc = doc_from_data(self.frozen["doc_full" if full else "doc"])
        facts = [(k, self.issued_on.isoformat() if k == ISSUED else v) for k, v in doc.facts]
        return replace(doc, facts=facts)

    def default_filename(self, fmt: str) -> str:
        return f"monthly_{self.month.key}.{EXTENSIONS[fmt]}"


def freeze(r: MonthlyReport) -> str:
    """What month_snapshots keeps of a report: its JSON (with the day it was closed) and
    its document, short and full, as plain JSON."""
    report = {**r.to_json(), "closed_on": (r.billing_closed_at or "")[:10]}
    data = {"report": report, "doc": doc_to_data(r.as_doc()), "doc_full": doc_to_data(r.as_doc(True))}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@writes("billing.close")
def close_billing_month(s: Session, month: Period) -> int:
    """Close a month for billing (managers): the cases it pays for are frozen, and a
    form paid here is never billed again (seed 001 §14); the month's report is frozen
    with them (month_snapshots) and printed from then on as it was closed. Months close
    in order: once a month has been closed, the month before this one must be closed
    first. Returns how many cases it pays for."""

    today = today_jp()
    if today <= month.end:
        raise ValueError(f"{month.key} はまだ終わっていません（締めは月末の翌日から）")
    previous = parse_month(f"{(month.start - dt.timedelta(days=1)):%Y-%m}")

    def snapshot() -> str:
        built = build_monthly(s, month, today, issued_on=today)
        assert isinstance(built, MonthlyReport)  # the snapshot is written after this
        return freeze(built)

    return billing.close_billing_month(
        s.db, month.key, month.start, month.end, s.who, now_jp_iso(), snapshot, previous.key
    )
