"""Excel workbook a monitor can compute with, set up to print on A4.

One sheet for the report (its frame, title, facts and seal boxes at the top, then every
section) and at most one details sheet, 別紙: the appendix sections (``Section.appendix``:
the late cases, 別紙1, 別紙2 …) and the figures the charts draw. Both print on A4, fit to the
page width, with page numbers and the issue date in the footer, and the header row of
the sheet's table repeated on every page (its last table's when that one runs over pages,
else the report's title row).

Cells keep their type: counts and yen are numbers (``#,##0``), a ``Num`` is its number
with the unit in the format (``#,##0"件"``), a ``Percent`` the fraction with ``0.0%``, so
a sum or a ratio works. Text is always a string cell (data type ``s``), never a formula,
with no visible guard: a text a spreadsheet would run (=1+1, @SUM, -1+1) gets the quote
prefix style instead (render/excel_safe.py). Column widths follow the display width
(render/textwidth.py: a Japanese character is two columns). Marks are ○ / × here (a
spreadsheet has no width problem). Control characters, which openpyxl refuses
(IllegalCharacterError), are shown as escapes (``\\x1b``) by ``clean``.

Charts are native Excel charts (openpyxl.chart): a table's ``Chart`` (the Pareto bars and
running share, the monthly 12-month trend) draws from the table's own cells; a section's
``SeriesChart`` (each KPI's target and actual over the years) from its figures, written
on the details sheet.
"""

from __future__ import annotations

import io
import math
import re
from copy import copy
from decimal import Decimal
from typing import Any

from inspect_tui.core.document import (
    Cell,
    Chart,
    Doc,
    Mark,
    Num,
    Percent,
    SeriesChart,
    Table,
    cell_text,
    clean,
)
from inspect_tui.render.excel_safe import formula_like
from inspect_tui.render.textwidth import width as text_width
from inspect_tui.system import spreadsheet

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
DETAILS = "別紙"
MIN_WIDTH, MAX_WIDTH = 6, 50  # columns; a longer text wraps inside its cell
MAX_TOTAL, SQUEEZE_TO = 150, 16  # a sheet wider than this narrows its widest columns (to 16 at least)
CHART_ROWS = 17  # rows a chart covers (height 8 cm): what follows goes below it
WIDE = 110  # a sheet wider than this many columns of text prints landscape
ROW_HEIGHT = 15.0  # points, every row (set, so Excel and LibreOffice break pages alike)
KEEP_ROWS = 25  # a table this short is kept on one page
LINE_WIDTH = 80  # a line of text (title, heading, paragraph) spans at least these columns


def sheet_title(text: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub("", text).strip()[:31] or "報告書"
    name, n = base, 2
    while name in used:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


# --------------------------------------------------------------------------- cells


def _quoted(text: str) -> str:
    return text.replace('"', "")


def number_format(v: Cell) -> str | None:
    """The Excel number format that shows the cell as every other format prints it."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return "#,##0"
    if isinstance(v, Num):
        base = "#,##0"
        if isinstance(v.value, Decimal) and v.value != v.value.to_integral_value():
            exp = v.value.as_tuple().exponent
            dec = max(1, -exp) if isinstance(exp, int) else 1
            base = "0." + "0" * dec  # as Num.text: a non-integral value has no separators
        tail = _quoted(v.unit + v.note)
        return base + (f'"{tail}"' if tail else "")
    if isinstance(v, Percent):
        base = "0" + ("." + "0" * v.decimals if v.decimals else "") + "%"
        return base + (f'"{_quoted(v.note)}"' if v.note else "")
    return None


def cell_value(v: Cell) -> Any:
    """What the cell holds: a number for counts, amounts and shares, else the printed text."""
    if isinstance(v, Mark):
        return v.symbol()
    if isinstance(v, bool):
        return cell_text(v)
    if isinstance(v, int):
        return v
    if isinstance(v, Num):
        n = v.value
        return int(n) if isinstance(n, int) or n == n.to_integral_value() else float(n)
    if isinstance(v, Percent):
        return float(v.value / 100)
    return cell_text(v)


def put(ws, row: int, col: int, v: Cell | str):
    """Write one cell: a number with its format, or text as a string cell (never a formula)."""
    c = ws.cell(row=row, column=col)
    value = cell_value(v)
    if isinstance(value, str):
        if value == "":
            return c
        c.value = value
        c.data_type = "s"  # openpyxl would take a leading = for a formula
        if formula_like(value):
            c.quotePrefix = True  # stays text when edited; no apostrophe shown
    else:
        c.value = value
        fmt = number_format(v)
        if fmt:
            c.number_format = fmt
    return c


def cell_width(v: Cell) -> int:
    text = v.symbol() if isinstance(v, Mark) else cell_text(v)
    return max((text_width(line) for line in text.split("\n")), default=0)


# --------------------------------------------------------------------------- the frame


def frame_lines(doc: Doc) -> list[tuple[str, str]]:
    """The document frame (``Doc.frame``, config ``[document]``) as (text, "left" | "right")
    lines for the top of the first sheet: the addressee on the left, the contractor and the
    業務責任者 on the right, as the html prints them. Nothing for a document without one."""
    f = doc.frame
    if f is None:
        return []
    out: list[tuple[str, str]] = []
    if f.addressee:
        out.append((f.addressee, "left"))
    sender = "　".join(v for v in (f.contractor_address, f.contractor) if v)
    if sender:
        out.append((sender, "right"))
    if f.manager:
        out.append((f"業務責任者　{f.manager}", "right"))
    return out


# --------------------------------------------------------------------------- the workbook


class _Sheet:
    """One sheet being written: the next row, the widths its tables need, its header rows,
    the height of each row and the blocks that should not be split by a page break."""

    def __init__(self, wb, title: str) -> None:
        from openpyxl.styles import Border, Font, PatternFill, Side  # deferred: see render()

        self.ws = wb.create_sheet(title)
        self.row = 1
        self.widths: dict[int, int] = {}
        self.heads: list[tuple[int, int, int]] = []  # (header row, rows of its table, first header row)
        self.heights: dict[int, float] = {}  # rows taller than ROW_HEIGHT
        self.keep: list[tuple[int, int]] = []  # (first, last) rows printed on one page if they fit
        self.heading: int | None = None  # a section heading waiting to be kept with what follows
        thin = Side(style="thin", color="444444")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.head_fill = PatternFill("solid", fgColor="E8E8E8")
        self.Font = Font
        self.merges: list[tuple[int, str]] = []  # rows to merge across the sheet, and how to align
        self.styles: dict[tuple[Any, ...], Any] = {}  # a body cell's style by what sets it
        self.texts: list[tuple[int, int, str]] = []  # (row, column, text) that may wrap
        self.landscape = False  # a table asked for A4 landscape

    def block(self, first: int, last: int) -> None:
        if self.heading is not None:
            first, self.heading = min(first, self.heading), None
        self.keep.append((first, last))

    def tall(self, row: int, height: float) -> None:
        self.heights[row] = max(self.heights.get(row, ROW_HEIGHT), height)

    def line(self, text: str, *, bold: bool = False, size: float | None = None, where: str = "wrap") -> None:
        c = put(self.ws, self.row, 1, text)
        if bold or size:
            c.font = self.Font(bold=bold, size=size or 11)
        if size and size > 11:
            self.tall(self.row, size * 1.5)
        self.merges.append((self.row, where))
        self.row += 1

    def section(self, heading: str) -> None:
        self.row += 1
        self.heading = self.row
        self.line(heading, bold=True, size=12)

    def paragraph(self, text: str) -> None:
        self.block(self.row, self.row)
        self.line(text)

    def table(self, t: Table) -> int:
        """The table at the current row; returns its header row."""
        from openpyxl.styles import Alignment

        t = t.drawn()  # the native chart is drawn: no text bars beside it

        first = self.row
        if t.caption:
            self.line(t.caption, bold=True)
        top = self.row
        if t.groups:  # a row of header groups (the fiscal years) over the headers
            self.row += 1
        head = self.row
        groups = t.group_of() if t.groups else []
        for col, h in enumerate(t.headers, 1):
            cells = [put(self.ws, head, col, h)]
            if groups:
                if groups[col - 1]:
                    cells.append(put(self.ws, top, col, groups[col - 1]))
                else:
                    cells.append(self.ws.cell(row=top, column=col))
            for c in cells:
                c.font, c.fill, c.border = self.Font(bold=True), self.head_fill, self.border
                c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            self.widths[col] = max(self.widths.get(col, 0), min(text_width(h), 16) + 2)
        if groups:
            col = 1
            for label, span in t.groups:
                if label and span > 1:
                    self.ws.merge_cells(
                        start_row=top, start_column=col, end_row=top, end_column=col + span - 1
                    )
                elif not label:
                    for c in range(col, col + span):  # an ungrouped header spans both rows
                        put(self.ws, top, c, t.headers[c - 1])
                        self.ws.cell(row=head, column=c).value = None
                        self.ws.merge_cells(start_row=top, start_column=c, end_row=head, end_column=c)
                col += span
        if t.landscape:
            self.landscape = True
        aligns = t.aligns()
        for i, r in enumerate(t.rows):
            self.row += 1
            depth = t.level(i)
            for col, v in enumerate(r, 1):
                c = put(self.ws, self.row, col, v)
                a = aligns[col - 1] if col - 1 < len(aligns) else "l"
                horizontal = "center" if isinstance(v, Mark) or a == "c" else ("right" if a == "r" else None)
                text = isinstance(c.value, str)
                indent = depth if col - 1 == t.tree_column else 0  # the tree: KGI → KPI → 計画
                key = (horizontal, text, c.number_format, bool(c.quotePrefix), indent)
                style = self.styles.get(key)
                if style is None:  # styles set once and copied: openpyxl hashes each one it is given
                    c.border = self.border
                    c.alignment = Alignment(
                        horizontal=horizontal, vertical="top", wrap_text=text, indent=indent * 2
                    )
                    self.styles[key] = copy(c._style)
                else:
                    c._style = copy(style)
                w = cell_width(v)
                if text and w > MIN_WIDTH:
                    self.texts.append((self.row, col, str(c.value)))
                self.widths[col] = max(self.widths.get(col, 0), min(w, MAX_WIDTH - 2) + 2)
        for col, h in enumerate(t.headers, 1):  # a header longer than its column wraps
            self.texts.append((head, col, h))
        if not t.rows:
            self.row += 1
            put(self.ws, self.row, 1, "（該当なし）")
        # a short table on one page; a long one at least with its first rows under its header
        self.block(first, self.row if len(t.rows) <= KEEP_ROWS else head + 2)
        self.heads.append((head, len(t.rows), top))
        self.row += 1
        return head

    @property
    def columns(self) -> int:
        return max(self.widths, default=1)

    def finish(self, doc: Doc) -> None:
        from openpyxl.styles import Alignment
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.pagebreak import Break

        ws = self.ws
        last = max(self.columns, 2)
        widths = {
            col: min(max(self.widths.get(col, MIN_WIDTH), MIN_WIDTH), MAX_WIDTH) for col in range(1, last + 1)
        }
        while sum(widths.values()) > MAX_TOTAL:  # too wide to read at A4: the widest columns wrap
            widest = max(widths, key=lambda c: widths[c])
            if widths[widest] <= SQUEEZE_TO:
                break
            widths[widest] -= 1
        for col, w in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = w
        for row, col, text in self.texts:
            self.tall(row, _lines(text, widths.get(col, MIN_WIDTH) - 1) * ROW_HEIGHT)
        total = sum(widths.values())
        span = last  # lines of text (title, headings, paragraphs) across at least LINE_WIDTH columns
        while total < LINE_WIDTH:
            span += 1
            ws.column_dimensions[get_column_letter(span)].width = 10
            total += 10
        for row, where in self.merges:
            c = ws.cell(row=row, column=1)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
            horizontal = {"center": "center", "right": "right"}.get(where, "left")
            c.alignment = Alignment(horizontal=horizontal, vertical="top", wrap_text=True)
            size = c.font.sz if c.font and c.font.sz else 11
            lines = sum(_lines(p, total - 2) for p in str(c.value or "").split("\n"))
            if lines > 1:
                self.tall(row, lines * max(ROW_HEIGHT, size * 1.5))
        for row in range(1, max(self.row, ws.max_row) + 1):  # every height set: Excel and
            ws.row_dimensions[row].height = self.heights.get(row, ROW_HEIGHT)  # LibreOffice agree
        landscape = total > WIDE or self.landscape
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        # the header row of the sheet's only table, or of its last when that one runs over
        # pages (every page after it starts is its own); else the title row
        if len(self.heads) == 1 or (self.heads and self.heads[-1][1] > KEEP_ROWS):
            head, _rows, top = self.heads[-1]
            ws.print_title_rows = f"{top}:{head}"
        else:
            head = 1
            ws.print_title_rows = "1:1"  # the report's (or 別紙's) title on every page
        for row in self.page_breaks(total, landscape, self.heights.get(head, ROW_HEIGHT)):
            ws.row_breaks.append(Break(id=row))
        ws.oddHeader.center.text = doc.title
        ws.oddFooter.right.text = "&P / &N　" + dict(doc.facts).get("発行日", "")
        # the frame's footer line ([document] footer), else the witness (also the sheet's last line)
        left = doc.frame.footer if doc.frame and doc.frame.footer else doc.witness
        ws.oddFooter.left.text = left.replace("&", "&&")[:200]
        ws.oddFooter.left.size = 7

    def page_breaks(self, total_width: float, landscape: bool, title_height: float) -> list[int]:
        """Rows to break after, so a block (a short table, a chart, a heading with what
        follows it, the seal boxes) is not split between pages when it fits on one. Page
        height from A4, the margins and the fit-to-width scale (a column of width w is
        about 7w + 5 pixels)."""
        paper_w, paper_h = (842.0, 595.0) if landscape else (595.0, 842.0)  # A4 in points
        content = (total_width * 7 + 5) * 0.75
        scale = min(1.0, (paper_w - 72) / content)
        page = (paper_h - 144) / scale * 0.95 - title_height  # 1 in top and bottom; a margin of error
        starts: dict[int, int] = {}
        for first, last in self.keep:
            starts[first] = max(starts.get(first, first), last)
        breaks, used = [], 0.0
        for row in range(1, self.row + 1):
            if row in starts and used > 0:
                need = sum(self.heights.get(r, ROW_HEIGHT) for r in range(row, starts[row] + 1))
                if used + need > page and need <= page:
                    breaks.append(row - 1)
                    used = 0.0
            h = self.heights.get(row, ROW_HEIGHT)
            if used + h > page:
                used = 0.0
            used += h
        return breaks


def _lines(text: str, room: float) -> int:
    """Lines a text takes in a cell ``room`` columns wide."""
    return sum(max(1, math.ceil(text_width(p) / max(room, 1))) for p in text.split("\n"))


def _seals(sheet: _Sheet, doc: Doc, top: int) -> int:
    """The seal boxes (Doc.seals) at the right, from row ``top``: a name over a box 3 rows
    tall each. Returns the row after them."""
    from openpyxl.styles import Alignment, Font

    if not doc.seals:
        return top
    ws = sheet.ws
    first = max(sheet.columns - len(doc.seals) + 1, 3)
    for i, who in enumerate(doc.seals):
        col = first + i
        c = put(ws, top, col, who)
        c.border, c.fill, c.font = sheet.border, sheet.head_fill, Font(bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=top + 1, start_column=col, end_row=top + 3, end_column=col)
        box = put(ws, top + 1, col, "印")
        box.font = Font(color="999999", size=9)
        box.alignment = Alignment(horizontal="center", vertical="bottom")
        for r in range(top + 1, top + 4):
            ws.cell(row=r, column=col).border = sheet.border
        sheet.widths[col] = max(sheet.widths.get(col, 0), 12, text_width(who) + 2)
    sheet.block(top, top + 3)
    return top + 4


def _facts(sheet: _Sheet, doc: Doc) -> None:
    from openpyxl.styles import Alignment

    top = sheet.row
    for label, value in doc.facts:
        put(sheet.ws, sheet.row, 1, label).font = sheet.Font(bold=True)
        sheet.widths[1] = max(sheet.widths.get(1, 0), text_width(label) + 2)
        c = put(sheet.ws, sheet.row, 2, value)
        c.alignment = Alignment(wrap_text=False, vertical="top")
        sheet.row += 1
    if not doc.seals_at_end:
        sheet.row = max(sheet.row, _seals(sheet, doc, top))


def _column_chart(sheet: _Sheet, chart: Chart, head_row: int, columns: int) -> None:
    """A native chart of the table just written: its columns as bars or lines, and the
    ``line_values`` as a line on a second axis."""
    from openpyxl.chart import BarChart, LineChart, Reference  # deferred: see render()

    ws = sheet.ws
    first, last = head_row + 1, head_row + chart.rows
    main = LineChart() if chart.kind == "line" else BarChart()
    main.title = chart.title
    main.y_axis.title = chart.bar_title
    for col in (chart.bar_column, *chart.more_columns):
        ref = Reference(ws, min_col=col + 1, min_row=head_row, max_row=last)
        main.add_data(ref, titles_from_data=True)
    main.set_categories(Reference(ws, min_col=chart.label_column + 1, min_row=first, max_row=last))
    if chart.line_values or chart.line_column is not None:
        if chart.line_column is not None:  # the table's own column of shares
            helper = chart.line_column + 1
        else:  # the line's numbers, one column right of the table
            helper = columns + 2
            put(ws, head_row, helper, chart.line_title)
            for i, v in enumerate(chart.line_values[: chart.rows]):
                ws.cell(first + i, helper, value=float(v)).number_format = "0.0%"
        line = LineChart()
        line.add_data(Reference(ws, min_col=helper, min_row=head_row, max_row=last), titles_from_data=True)
        line.y_axis.axId = 200
        line.y_axis.title = chart.line_title
        line.y_axis.scaling.min = 0
        line.y_axis.scaling.max = 1
        line.y_axis.crosses = "max"
        main += line
    _place(sheet, main)


def _place(sheet: _Sheet, chart) -> None:
    """The chart below what was written last, 17 x 8 cm, kept on one page; lines get markers
    (a year or a month with one figure is a point)."""
    from openpyxl.chart import LineChart

    for series in chart.series if isinstance(chart, LineChart) else ():
        series.marker.symbol = "circle"
        series.smooth = False
    chart.width, chart.height = 17, 8
    first = sheet.row + 1
    sheet.ws.add_chart(chart, f"A{first}")
    sheet.block(first, first + CHART_ROWS - 1)
    sheet.row += CHART_ROWS + 1


def _series_chart(sheet: _Sheet, details: _Sheet, chart: SeriesChart) -> None:
    """A native chart of a SeriesChart: its figures as a small table on the details sheet,
    the chart on the report's sheet."""
    from openpyxl.chart import BarChart, LineChart, Reference  # deferred: see render()

    fmt = '0.0"%"' if chart.unit == "%" else ('#,##0"' + _quoted(chart.unit) + '"' if chart.unit else "#,##0")
    details.line(f"グラフの数値: {chart.title}", bold=True)
    head = details.row
    for col, h in enumerate(["", *chart.categories], 1):
        c = put(details.ws, head, col, h)
        c.font, c.fill, c.border = details.Font(bold=True), details.head_fill, details.border
        details.widths[col] = max(details.widths.get(col, 0), text_width(h) + 2)
    for name, values in chart.series:
        details.row += 1
        c = put(details.ws, details.row, 1, name)
        c.border = details.border
        details.widths[1] = max(details.widths.get(1, 0), text_width(name) + 2)
        for col, v in enumerate(values, 2):
            c = details.ws.cell(row=details.row, column=col, value=v)
            c.border = details.border
            if v is not None:
                c.number_format = fmt
            details.widths[col] = max(details.widths.get(col, 0), 10)
    details.heads.append((head, len(chart.series), head))
    details.block(head - 1, details.row)
    details.row += 2
    main = BarChart() if chart.kind == "bar" else LineChart()
    main.title = chart.title
    main.y_axis.title = chart.unit or None
    dws, last_row = details.ws, head + len(chart.series)
    main.add_data(
        Reference(dws, min_col=1, max_col=len(chart.categories) + 1, min_row=head + 1, max_row=last_row),
        from_rows=True,
        titles_from_data=True,
    )
    main.set_categories(Reference(dws, min_col=2, max_col=len(chart.categories) + 1, min_row=head))
    _place(sheet, main)


def render(doc: Doc) -> bytes:
    # deferred: openpyxl is 150-470 ms at start-up (python -X importtime); only an xlsx needs it
    Workbook = spreadsheet.load().Workbook

    doc = clean(doc)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    sheet = _Sheet(wb, sheet_title(doc.title, used))
    main, appendices = doc.main_sections(), doc.appendices()
    has_charts = any(s.charts for s in main)
    details = _Sheet(wb, sheet_title(DETAILS, used)) if appendices or has_charts else None
    if details is not None:
        details.line(f"{DETAILS}（{doc.title}）", bold=True, size=12)

    # the columns of the widest table first: the seal boxes sit at its right
    for s in main:
        for t in s.tables:
            for col in range(1, len(t.headers) + 1):
                sheet.widths.setdefault(col, 0)
    for text, where in frame_lines(doc):
        sheet.line(text, where=where)
    sheet.line(doc.title, bold=True, size=14, where="center")
    if doc.frame and doc.frame.contract:
        sheet.line(f"契約件名　{doc.frame.contract}", where="center")
    _facts(sheet, doc)
    if doc.note:
        sheet.line(doc.note, bold=doc.seals_at_end)
    for sec in main:
        sheet.section(sec.heading)
        for t in sec.tables:
            head = sheet.table(t)
            if t.chart is not None and t.chart.rows:
                _column_chart(sheet, t.chart, head, len(t.headers))
        for p in sec.paragraphs:
            sheet.paragraph(p)
        for ch in sec.charts:
            if details is not None:
                _series_chart(sheet, details, ch)
    if doc.seals_at_end and doc.seals:
        sheet.row += 1
        sheet.row = _seals(sheet, doc, sheet.row)
    if doc.witness:
        sheet.row += 1
        sheet.line(doc.witness, size=8)
    sheet.finish(doc)
    if details is not None:
        # the 別紙 after the charts' figures, each section's lists shortest first: the
        # longest, last, repeats its header row on every page it runs over
        for label, sec in appendices:
            details.section(f"{label}　{sec.heading}")
            for t in sorted(sec.tables, key=lambda t: len(t.rows)):
                details.table(t)
            for p in sec.paragraphs:
                details.paragraph(p)
        details.finish(doc)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
