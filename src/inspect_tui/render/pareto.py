"""The Pareto report in every format, and the plain-text bar chart the TUI draws.

The table (順位, 項目, 件数, 構成比, 累積比率, 重点, グラフ) goes through the shared
renderers (reports/render.py), so text, md, csv, html and xlsx agree; the bar
column is █ characters, which print in a terminal, on A4 html and in Excel.
The xlsx also gets a native Excel bar chart on the table's sheet. No content
fields are ever in this report: only category names and counts.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from inspect_tui.core.document import Doc, Section, Table
from inspect_tui.core.pareto import ParetoRow, bar
from inspect_tui.render.textwidth import width

if TYPE_CHECKING:
    from inspect_tui.services.quality.pareto import ParetoReport

VITAL = "重点"
BAR_WIDTH = 20
HEADERS = ["順位", "項目", "件数", "構成比", "累積比率", "重点", "グラフ"]


def _table(report: ParetoReport) -> Table:
    largest = max((r.count for r in report.rows), default=0)
    rows = [
        [
            r.rank,
            r.name,
            r.count,
            r.share_pct,
            r.cumulative_pct,
            VITAL if r.vital else "",
            bar(r.count, largest, BAR_WIDTH),
        ]
        for r in report.rows
    ]
    if rows:
        rows.append(["", "合計", report.total, "100.0%", "", "", ""])
    headers = list(HEADERS)
    headers[1] = report.item_label
    return Table(headers, rows, align=["r", "l", "r", "r", "r", "c", "l"])


def pareto_doc(report: ParetoReport) -> Doc:
    vital = report.vital_few
    summary = (
        f"重点項目（累積比率80%まで、80%を超える項目を含む）: {'、'.join(r.name for r in vital)}"
        f"（{len(vital)}項目で{vital[-1].cumulative_pct}）"
        if vital
        else "この期間・条件に該当する記録はありません。"
    )
    return Doc(
        title=report.title,
        facts=[
            ("対象期間", f"{report.date_from.isoformat()} 〜 {report.date_to.isoformat()}"),
            ("条件", report.filter_text()),
            ("件数", f"{report.total:,} 件"),
            ("発行日", report.issued_on.isoformat()),
        ],
        sections=[
            Section(
                f"{report.item_label}別の件数（多い順）",
                tables=[_table(report)] if report.rows else [],
                paragraphs=[summary, "同じ件数の項目は名前の順、「その他」は最後に置いています。"],
            )
        ],
        signature=False,
        note="",
    )


def render_pareto(report: ParetoReport, fmt: str) -> str | bytes:
    """The report in one of text / md / csv / json / html / xlsx."""
    from inspect_tui.render.formats import render

    data = render(report, fmt)
    if fmt == "xlsx" and report.rows:
        data = _add_excel_chart(data, report)  # type: ignore[arg-type]
    return data


def _add_excel_chart(data: bytes, report: ParetoReport) -> bytes:
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, LineChart, Reference

    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "順位")
    first, last = head + 1, head + len(report.rows)
    for r in range(first, last + 1):  # running share as a number for the line
        ws.cell(r, 9, value=float(report.rows[r - first].cumulative)).number_format = "0.0%"
    ws.cell(head, 9, value="累積比率（数値）")
    chart = BarChart()
    chart.title = report.title
    chart.y_axis.title = "件数"
    chart.add_data(Reference(ws, min_col=3, min_row=head, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    line = LineChart()
    line.add_data(Reference(ws, min_col=9, min_row=head, max_row=last), titles_from_data=True)
    line.y_axis.axId = 200
    line.y_axis.title = "累積比率"
    line.y_axis.scaling.min = 0
    line.y_axis.scaling.max = 1
    line.y_axis.crosses = "max"
    chart += line
    chart.width, chart.height = 17, 8
    ws.add_chart(chart, f"A{last + 6}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def chart_lines(rows: list[ParetoRow], total_width: int = 80, label_width: int = 16) -> list[str]:
    """A plain-text Pareto chart: one line per item with a █ bar, count, share and running share.

    No colour and no ambiguous-width symbols; vital-few items are marked with
    the word 重点, so the chart reads the same on any terminal or printout.
    """
    if not rows:
        return ["（該当なし）"]
    largest = max(r.count for r in rows)
    count_w = max(len(str(r.count)) for r in rows)
    tail = 2 + count_w + 1 + 7 + 7 + 6  # " 12件  41.7%  累積 58.3%  重点"
    bar_w = max(5, total_width - label_width - tail - 8)
    out = []
    for r in rows:
        name = _fit(r.name, label_width)
        b = bar(r.count, largest, bar_w)
        out.append(
            f"{name} {b}{' ' * (bar_w - len(b))} {r.count:>{count_w}}件 {r.share_pct:>6} "
            f"累積{r.cumulative_pct:>6}{'  重点' if r.vital else ''}"
        )
    return out


def _fit(text: str, cols: int) -> str:
    """Cut (marking the cut with '..', never the ambiguous-width '…') or pad to ``cols`` columns."""
    if width(text) > cols:
        out, w = "", 0
        for ch in text:
            if w + width(ch) > cols - 2:
                break
            out += ch
            w += width(ch)
        text = out + ".."
    return text + " " * max(0, cols - width(text))
