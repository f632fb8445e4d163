"""Excel workbook set up to print on A4: one sheet per section, fit to width,
the table's header row repeated on every page, page numbers in the footer.

Marks are ○ / × here (a spreadsheet has no width problem). Counts and yen are
numbers with a #,##0 format so the monitor can sum them. Control characters,
which openpyxl refuses (IllegalCharacterError), are shown as escapes (``\x1b``).
"""

from __future__ import annotations

import io
import re

from inspect_tui.core.document import Chart, Doc, Mark, cell_text, clean

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub("", text).strip()[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def _value(v):
    if isinstance(v, Mark):
        return v.symbol()
    if isinstance(v, bool):
        return cell_text(v)
    if isinstance(v, int):
        return v
    text = cell_text(v)
    # never let a cell be read as a formula
    return "'" + text if text.startswith("=") else text


def _add_chart(ws, chart: Chart, head_row: int, columns: int, anchor: str) -> None:
    """A native Excel chart of the table just written: bars, and the line on a second axis."""
    from openpyxl.chart import BarChart, LineChart, Reference  # deferred: see render()

    first, last = head_row + 1, head_row + chart.rows
    bars = BarChart()
    bars.title = chart.title
    bars.y_axis.title = chart.bar_title
    col = chart.bar_column + 1
    bars.add_data(Reference(ws, min_col=col, min_row=head_row, max_row=last), titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=chart.label_column + 1, min_row=first, max_row=last))
    if chart.line_values:
        helper = columns + 2  # the line's numbers, one column right of the table
        ws.cell(head_row, helper, value=chart.line_title)
        for i, v in enumerate(chart.line_values[: chart.rows]):
            ws.cell(first + i, helper, value=float(v)).number_format = "0.0%"
        line = LineChart()
        line.add_data(Reference(ws, min_col=helper, min_row=head_row, max_row=last), titles_from_data=True)
        line.y_axis.axId = 200
        line.y_axis.title = chart.line_title
        line.y_axis.scaling.min = 0
        line.y_axis.scaling.max = 1
        line.y_axis.crosses = "max"
        bars += line
    bars.width, bars.height = 17, 8
    ws.add_chart(bars, anchor)


def render(doc: Doc) -> bytes:
    # deferred: openpyxl is 150-470 ms at start-up (python -X importtime); only an xlsx needs it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    doc = clean(doc)
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="444444")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="E8E8E8")
    used: set[str] = set()
    facts = "　".join(f"{k}: {v}" for k, v in doc.facts)
    for sec in doc.sections:
        ws = wb.create_sheet(_sheet_title(sec.heading, used))
        ws["A1"] = doc.title
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = facts
        ws["A3"] = sec.heading
        ws["A3"].font = Font(bold=True, size=12)
        row = 4
        widths: dict[int, int] = {}
        title_row = None
        for t in sec.tables:
            row += 1
            if t.caption:
                ws.cell(row=row, column=1, value=t.caption).font = Font(bold=True)
                row += 1
            for col, h in enumerate(t.headers, 1):
                c = ws.cell(row=row, column=col, value=h)
                c.font, c.fill, c.border = Font(bold=True), head_fill, border
                c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                widths[col] = max(widths.get(col, 0), len(h) * 2 + 2)
            if title_row is None:
                title_row = row
            head_row = row
            for r in t.rows:
                row += 1
                for col, v in enumerate(r, 1):
                    c = ws.cell(row=row, column=col, value=_value(v))
                    c.border = border
                    if isinstance(v, int) and not isinstance(v, bool):
                        c.number_format = "#,##0"
                    elif isinstance(v, Mark):
                        c.alignment = Alignment(horizontal="center")
                    widths[col] = max(widths.get(col, 0), len(cell_text(v)) * 2 + 2)
            if t.chart is not None and t.chart.rows:
                _add_chart(ws, t.chart, head_row, len(t.headers), anchor=f"A{row + 3}")
                row += 18  # the chart's height in rows: what follows goes below it
            row += 1
        for p in sec.paragraphs:
            row += 1
            c = ws.cell(row=row, column=1, value=_value(p))
            c.alignment = Alignment(wrap_text=False, vertical="top")
        if doc.witness:
            ws.cell(row=row + 2, column=1, value=_value(doc.witness)).font = Font(size=8)
        for col, w in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = min(max(w, 8), 60)
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.print_title_rows = f"{title_row}:{title_row}" if title_row else "1:3"
        ws.oddHeader.center.text = doc.title
        ws.oddFooter.center.text = "&P / &N"
        ws.oddFooter.right.text = dict(doc.facts).get("発行日", "")
        ws.oddFooter.left.text = doc.witness[:200]
    if not wb.sheetnames:
        wb.create_sheet("報告書")["A1"] = doc.title
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
