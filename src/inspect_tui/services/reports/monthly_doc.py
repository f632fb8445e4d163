"""The monthly report's document (``MonthlyReport.as_doc``): its sections, tables and
charts, as every format but JSON draws them.

A module apart from monthly.py, which gathers the figures: ``report monthly --format
json`` writes ``to_json()`` and imports neither this nor core/document.py, nor what only a
document shows (the late trend's metrics, the history's event labels), imported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inspect_tui.core.deadlines import case_rule
from inspect_tui.core.document import Chart, Doc, Section, Table
from inspect_tui.core.history import KIND_LABELS, VOID
from inspect_tui.services.reports.metrics import METRICS
from inspect_tui.services.reports.monthly_terms import (
    COUNT_KEYS,
    COUNT_LABELS,
    NOT_RECORDED,
    NOTE_KINDS,
    TREND_LATE,
)
from inspect_tui.store import report_queries as q

if TYPE_CHECKING:
    from inspect_tui.core.metrics import Period
    from inspect_tui.services.reports.monthly import MonthlyReport
    from inspect_tui.store import billing

TREND_HEADERS = ["月", "依頼受理", "調査票提出", "受理（履行件数）"]


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
    return "取消（記録の無効化）" if kind == VOID else KIND_LABELS.get(kind, kind)


def closed_words(closed_at: str) -> str:
    return f"締め済み（{closed_at[:10]} 締め）"
