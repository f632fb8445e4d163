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
spreadsheet has no width problem). Control characters, which XML cannot hold, are shown
as escapes (``\\x1b``) by ``clean``.

Charts are native Excel charts: a table's ``Chart`` (the Pareto bars and running share,
the monthly 12-month trend) draws from the table's own cells; a section's
``SeriesChart`` (each KPI's target and actual over the years) from its figures, written
on the details sheet.

The file itself (its XML parts, styles and zip) is render/xlsx_file.py; this module
only lays the report out on its sheets.
"""

from __future__ import annotations

import math
import re
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
from inspect_tui.render.xlsx_chart import ChartSpec, Plot, Series
from inspect_tui.render.xlsx_file import Align, Font, Sheet, Workbook, XCell, header_text

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
DETAILS = "別紙"
MIN_WIDTH, MAX_WIDTH = 6, 50  # columns; a longer text wraps inside its cell
MAX_TOTAL, SQUEEZE_TO = 150, 16  # a sheet wider than this narrows its widest columns (to 16 at least)
CHART_ROWS = 17  # rows a chart covers (height 8 cm): what follows goes below it
WIDE = 110  # a sheet wider than this many columns of text prints landscape
ROW_HEIGHT = 15.0  # points, every row (set, so Excel and LibreOffice break pages alike)
KEEP_ROWS = 25  # a table this short is kept on one page
LINE_WIDTH = 80  # a line of text (title, heading, paragraph) spans at least these columns
_BOLD = Font(bold=True)
_HEAD = Align("center", "center", wrap=True)  # a header cell, a seal's name
_ALIGNS: dict[tuple[str | None, bool, int], Align] = {}


def _align(horizontal: str | None, wrap: bool, indent: int) -> Align:
    """A body cell's alignment (top), made once per kind: the writer keys styles by it."""
    key = (horizontal, wrap, indent)
    got = _ALIGNS.get(key)
    if got is None:
        got = _ALIGNS[key] = Align(horizontal, "top", wrap, indent)
    return got


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


def put(ws: Sheet, row: int, col: int, v: Cell | str) -> XCell:
    """Write one cell: a number with its format, or text as a string cell (never a formula)."""
    c = ws.cell(row, col)
    value = v if type(v) is str else cell_value(v)  # most cells are plain text
    if isinstance(value, str):
        if value == "":
            return c
        c.value = value  # always a string cell: a leading = is never a formula
        if formula_like(value):
            c.quote_prefix = True  # stays text when edited; no apostrophe shown
    else:
        c.value = value
        fmt = number_format(v)
        if fmt:
            c.number_format = fmt
    return c


def cell_width(v: Cell) -> int:
    return _text_width(v.symbol() if isinstance(v, Mark) else cell_text(v))


def _text_width(text: str) -> int:
    """The display width of a text's longest line."""
    if "\n" not in text:
        return text_width(text)
    return max(text_width(line) for line in text.split("\n"))


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

    def __init__(self, wb: Workbook, title: str) -> None:
        self.ws = wb.add_sheet(title)
        self.row = 1
        self.widths: dict[int, int] = {}
        self.heads: list[tuple[int, int, int]] = []  # (header row, rows of its table, first header row)
        self.heights: dict[int, float] = {}  # rows taller than ROW_HEIGHT
        self.keep: list[tuple[int, int]] = []  # (first, last) rows printed on one page if they fit
        self.heading: int | None = None  # a section heading waiting to be kept with what follows
        self.head_fill = "E8E8E8"
        self.merges: list[tuple[int, str]] = []  # rows to merge across the sheet, and how to align
        #: (row, column, text, its width when known) that may wrap
        self.texts: list[tuple[int, int, str, int | None]] = []
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
            c.font = Font(bold=bold, size=size or 11)
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
                    cells.append(self.ws.cell(top, col))
            for c in cells:
                c.font, c.fill, c.border, c.align = _BOLD, self.head_fill, True, _HEAD
            self.widths[col] = max(self.widths.get(col, 0), min(text_width(h), 16) + 2)
        if groups:
            col = 1
            for label, span in t.groups:
                if label and span > 1:
                    self.ws.merge(top, col, top, col + span - 1)
                elif not label:
                    for k in range(col, col + span):  # an ungrouped header spans both rows
                        put(self.ws, top, k, t.headers[k - 1])
                        self.ws.cell(head, k).value = None
                        self.ws.merge(top, k, head, k)
                col += span
        if t.landscape:
            self.landscape = True
        aligns = t.aligns()
        horizontals = [{"c": "center", "r": "right"}.get(a) for a in aligns]
        ws, widths, texts = self.ws, self.widths, self.texts
        room = MAX_WIDTH - 2
        for i, r in enumerate(t.rows):
            self.row += 1
            row, depth = self.row, t.level(i)
            for col, v in enumerate(r, 1):
                c = put(ws, row, col, v)
                text = isinstance(c.value, str)
                w = _text_width(v) if type(v) is str else cell_width(v)
                horizontal = horizontals[col - 1] if col - 1 < len(horizontals) else None
                if isinstance(v, Mark):
                    horizontal = "center"
                indent = depth if col - 1 == t.tree_column else 0  # the tree: KGI → KPI → 計画
                c.border = True
                c.align = _align(horizontal, text, indent * 2)
                if text and w > MIN_WIDTH:
                    texts.append((row, col, str(c.value), w))
                if widths.get(col, 0) < min(w, room) + 2:
                    widths[col] = min(w, room) + 2
        for col, h in enumerate(t.headers, 1):  # a header longer than its column wraps
            self.texts.append((head, col, h, None))
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
        ws.widths.update(widths)
        for row, col, text, w in self.texts:
            self.tall(row, _lines(text, widths.get(col, MIN_WIDTH) - 1, w) * ROW_HEIGHT)
        total = sum(widths.values())
        span = last  # lines of text (title, headings, paragraphs) across at least LINE_WIDTH columns
        while total < LINE_WIDTH:
            span += 1
            ws.widths[span] = 10
            total += 10
        for row, where in self.merges:
            c = ws.cell(row, 1)
            ws.merge(row, 1, row, span)
            horizontal = {"center": "center", "right": "right"}.get(where, "left")
            c.align = Align(horizontal, "top", wrap=True)
            size = c.font.size if c.font and c.font.size else 11
            lines = sum(_lines(p, total - 2) for p in str(c.value or "").split("\n"))
            if lines > 1:
                self.tall(row, lines * max(ROW_HEIGHT, size * 1.5))
        for row in range(1, max(self.row, ws.max_row) + 1):  # every height set: Excel and
            ws.heights[row] = self.heights.get(row, ROW_HEIGHT)  # LibreOffice agree
        landscape = total > WIDE or self.landscape
        ws.page.landscape = landscape  # A4, fitted to the width, centred, 0.5 in at the sides
        # the header row of the sheet's only table, or of its last when that one runs over
        # pages (every page after it starts is its own); else the title row
        if len(self.heads) == 1 or (self.heads and self.heads[-1][1] > KEEP_ROWS):
            head, _rows, top = self.heads[-1]
            ws.title_rows = (top, head)
        else:
            head = 1
            ws.title_rows = (1, 1)  # the report's (or 別紙's) title on every page
        ws.breaks = self.page_breaks(total, landscape, self.heights.get(head, ROW_HEIGHT))
        hf = ws.header_footer
        hf.header_center = header_text(doc.title)
        hf.footer_right = "&P / &N　" + header_text(dict(doc.facts).get("発行日", ""))
        # the frame's footer line ([document] footer), else the witness (also the sheet's last line)
        left = doc.frame.footer if doc.frame and doc.frame.footer else doc.witness
        hf.footer_left, hf.footer_left_size = header_text(left[:200]), 7

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


def _lines(text: str, room: float, known: int | None = None) -> int:
    """Lines a text takes in a cell ``room`` columns wide (``known``: its longest line's
    width, measured already; used when it is one line)."""
    if known is not None and "\n" not in text:
        return max(1, math.ceil(known / max(room, 1)))
    return sum(max(1, math.ceil(text_width(p) / max(room, 1))) for p in text.split("\n"))


def _seals(sheet: _Sheet, doc: Doc, top: int) -> int:
    """The seal boxes (Doc.seals) at the right, from row ``top``: a name over a box 3 rows
    tall each. Returns the row after them."""
    if not doc.seals:
        return top
    ws = sheet.ws
    first = max(sheet.columns - len(doc.seals) + 1, 3)
    for i, who in enumerate(doc.seals):
        col = first + i
        c = put(ws, top, col, who)
        c.border, c.fill, c.font, c.align = True, sheet.head_fill, _BOLD, _HEAD
        ws.merge(top + 1, col, top + 3, col)
        box = put(ws, top + 1, col, "印")
        box.font = Font(color="999999", size=9)
        box.align = Align("center", "bottom")
        for r in range(top + 1, top + 4):
            ws.cell(r, col).border = True
        sheet.widths[col] = max(sheet.widths.get(col, 0), 12, text_width(who) + 2)
    sheet.block(top, top + 3)
    return top + 4


def _facts(sheet: _Sheet, doc: Doc) -> None:
    top = sheet.row
    for label, value in doc.facts:
        put(sheet.ws, sheet.row, 1, label).font = _BOLD
        sheet.widths[1] = max(sheet.widths.get(1, 0), text_width(label) + 2)
        c = put(sheet.ws, sheet.row, 2, value)
        c.align = Align(vertical="top")
        sheet.row += 1
    if not doc.seals_at_end:
        sheet.row = max(sheet.row, _seals(sheet, doc, top))


def _column_chart(sheet: _Sheet, chart: Chart, head_row: int, columns: int) -> None:
    """A native chart of the table just written: its columns as bars or lines, and the
    ``line_values`` as a line on a second axis."""
    ws = sheet.ws
    first, last = head_row + 1, head_row + chart.rows
    label = chart.label_column + 1
    categories = ws.ref(first, label, last)
    text_labels = isinstance(ws.value(first, label), str)

    def series(col: int) -> Series:
        return Series(ws.ref(head_row, col), ws.ref(first, col, last), categories, text_labels)

    line = chart.kind == "line"
    plots = [
        Plot(
            chart.kind if line else "bar",
            tuple(series(col + 1) for col in (chart.bar_column, *chart.more_columns)),
            axis_title=chart.bar_title,
            markers=line,  # a month with one figure is a point
        )
    ]
    if chart.line_values or chart.line_column is not None:
        if chart.line_column is not None:  # the table's own column of shares
            helper = chart.line_column + 1
        else:  # the line's numbers, one column right of the table
            helper = columns + 2
            put(ws, head_row, helper, chart.line_title)
            for i, v in enumerate(chart.line_values[: chart.rows]):
                c = ws.cell(first + i, helper)
                c.value, c.number_format = float(v), "0.0%"
        plots.append(
            Plot("line", (series(helper),), chart.line_title, secondary=True, axis_min=0, axis_max=1)
        )
    _place(sheet, chart.title, tuple(plots))


def _place(sheet: _Sheet, title: str, plots: tuple[Plot, ...]) -> None:
    """The chart below what was written last, 17 x 8 cm, kept on one page."""
    first = sheet.row + 1
    sheet.ws.charts.append(ChartSpec(title, plots, first))
    sheet.block(first, first + CHART_ROWS - 1)
    sheet.row += CHART_ROWS + 1


def _series_chart(sheet: _Sheet, details: _Sheet, chart: SeriesChart) -> None:
    """A native chart of a SeriesChart: its figures as a small table on the details sheet,
    the chart on the report's sheet."""
    fmt = '0.0"%"' if chart.unit == "%" else ('#,##0"' + _quoted(chart.unit) + '"' if chart.unit else "#,##0")
    details.line(f"グラフの数値: {chart.title}", bold=True)
    head = details.row
    for col, h in enumerate(["", *chart.categories], 1):
        c = put(details.ws, head, col, h)
        c.font, c.fill, c.border = _BOLD, details.head_fill, True
        details.widths[col] = max(details.widths.get(col, 0), text_width(h) + 2)
    dws, last_col = details.ws, len(chart.categories) + 1
    categories = dws.ref(head, 2, head, last_col)
    series = []
    for name, values in chart.series:
        details.row += 1
        c = put(dws, details.row, 1, name)
        c.border = True
        details.widths[1] = max(details.widths.get(1, 0), text_width(name) + 2)
        for col, v in enumerate(values, 2):
            c = dws.cell(details.row, col)
            c.value, c.border = v, True
            if v is not None:
                c.number_format = fmt
            details.widths[col] = max(details.widths.get(col, 0), 10)
        values_ref = dws.ref(details.row, 2, details.row, last_col)
        series.append(Series(dws.ref(details.row, 1), values_ref, categories))
    details.heads.append((head, len(chart.series), head))
    details.block(head - 1, details.row)
    details.row += 2
    kind = "bar" if chart.kind == "bar" else "line"
    _place(sheet, chart.title, (Plot(kind, tuple(series), chart.unit or None, markers=kind == "line"),))


def render(doc: Doc) -> bytes:
    doc = clean(doc)
    wb = Workbook()
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
    return wb.save()
