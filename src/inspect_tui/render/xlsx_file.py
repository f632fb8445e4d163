"""The xlsx file itself: a workbook's sheets, cells, styles, print set-up and charts
written as SpreadsheetML parts into a zip (ECMA-376, the parts and elements in the
order its schema requires, as Excel writes them).

render/xlsx.py lays a report out on sheets; this module only knows the file format.
It writes what the reports use and nothing else: typed cells (numbers, inline strings)
with their styles (font, fill, a thin border, alignment, number format, the quote prefix
that keeps a formula-like text text), merged cells, column widths and row heights, A4
page set-up fitted to the width, repeated title rows, manual page breaks, the header
and footer, and native bar and line charts (their XML: render/xlsx_chart.py).

Why not openpyxl, which the reports used until 2026-12-07: building a workbook of
openpyxl objects and serialising them was 420 ms of the 1M monthly report's 1.2 s
(its import ~75 ms, one object per cell and per style, its save ~170 ms); writing the
XML text straight is ~25 ms for the same 3,927 rows. openpyxl still reads the xlsx
files a user imports (services/importing/xlsxread.py), and the tests open every file
written here with it, so what openpyxl reads back is what Excel and LibreOffice are
given.

The output is deterministic: the same workbook gives the same bytes (no time stamps in
the parts or in the zip).
"""

from __future__ import annotations

import io
import math
import zipfile
from typing import NamedTuple

from inspect_tui.core.records import field, record
from inspect_tui.render.xlsx_chart import ChartSpec, chart_xml, drawing_xml
from inspect_tui.render.xlsx_xml import CT, NS, PKG_R, XML, R, column_letter, esc, quote_sheet

# --------------------------------------------------------------------------- names

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

#: the most characters an Excel cell holds (a longer one makes Excel repair the file,
#: dropping the sheet's text); a longer text is cut, saying so at its end
CELL_CHARS = 32_767
CUT = "…（以下略: Excel のセルは 32,767 文字まで）"

#: Excel's built-in number formats the reports use, by their ids (anything else is 164+)
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}


def fit_cell(text: str) -> str:
    """The text, or as much of it as a cell holds with CUT at its end. Excel counts UTF-16
    code units: a character outside the BMP (𠮷) is two."""
    if len(text.encode("utf-16-le")) // 2 <= CELL_CHARS:
        return text
    room, used = CELL_CHARS - len(CUT), 0
    for end, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > room:
            return text[:end] + CUT
    return text  # not reached: the text is longer than the room


def header_text(text: str) -> str:
    """Text for a header or footer section: its & doubled (& starts a code: &P, &N …)."""
    return text.replace("&", "&&")


# --------------------------------------------------------------------------- cells


class Font(NamedTuple):  # tuples: a cell's style key hashes them per cell, at C speed
    bold: bool = False
    size: float | None = None  # points; None: the workbook's 11
    color: str | None = None  # RRGGBB


class Align(NamedTuple):
    horizontal: str | None = None  # left | center | right
    vertical: str | None = None  # top | center | bottom
    wrap: bool = False
    indent: int = 0


class XCell:
    """One cell: its value (str, int, float or None) and what its style is made of."""

    __slots__ = ("align", "border", "fill", "font", "number_format", "quote_prefix", "value")

    def __init__(self) -> None:
        self.value: str | int | float | None = None
        self.number_format: str | None = None
        self.font: Font | None = None
        self.fill: str | None = None  # RRGGBB of a solid fill
        self.border = False  # a thin grey line on every side
        self.align: Align | None = None
        self.quote_prefix = False

    def style_key(self) -> tuple:
        """What its cell format is made of, in the order _Styles.xf reads it."""
        return (self.number_format, self.font, self.fill, self.border, self.align, self.quote_prefix)


# --------------------------------------------------------------------------- sheets


@record
class PageSetup:
    landscape: bool = False
    fit_to_width: int = 1
    fit_to_height: int = 0  # 0: as many pages as it takes
    centered: bool = True  # horizontally on the page
    left: float = 0.5  # inches
    right: float = 0.5
    top: float = 1.0
    bottom: float = 1.0
    header: float = 0.5
    footer: float = 0.5


@record
class HeaderFooter:
    """Each section is header/footer code text (header_text escapes a plain text)."""

    header_center: str = ""
    footer_left: str = ""
    footer_left_size: int | None = None  # points
    footer_right: str = ""


class Sheet:
    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: dict[int, dict[int, XCell]] = {}
        self.widths: dict[int, float] = {}  # column -> width in characters
        self.heights: dict[int, float] = {}  # row -> points
        self.default_height = 15.0
        self.merges: list[tuple[int, int, int, int]] = []  # (first row, first col, last row, last col)
        self.page = PageSetup()
        self.title_rows: tuple[int, int] | None = None  # rows repeated on every printed page
        self.breaks: list[int] = []  # a page ends after each of these rows
        self.header_footer = HeaderFooter()
        self.charts: list[ChartSpec] = []

    def cell(self, row: int, col: int) -> XCell:
        cols = self.rows.get(row)
        if cols is None:
            cols = self.rows[row] = {}
        c = cols.get(col)
        if c is None:
            c = cols[col] = XCell()
        return c

    def value(self, row: int, col: int):
        c = self.rows.get(row, {}).get(col)
        return None if c is None else c.value

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.merges.append((first_row, first_col, last_row, last_col))

    @property
    def max_row(self) -> int:
        return max(self.rows, default=0)

    def ref(self, row: int, col: int, last_row: int | None = None, last_col: int | None = None) -> str:
        """A formula's absolute reference to a cell or a range of this sheet."""
        a = f"{quote_sheet(self.title)}!${column_letter(col)}${row}"
        if last_row is None:
            return a
        return f"{a}:${column_letter(last_col or col)}${last_row}"


class _Styles:
    """The workbook's fonts, fills, borders, number formats and cell formats (xf), each
    kept once: a cell names its xf by index."""

    def __init__(self) -> None:
        self.fonts: dict[Font | None, int] = {None: 0}
        self.fills: dict[str | None, int] = {None: 0}  # 1 is the gray125 Excel requires
        self.formats: dict[str, int] = {}
        self.xfs: dict[tuple, int] = {(None, None, None, False, None, False): 0}

    def xf(self, key: tuple) -> int:
        got = self.xfs.get(key)
        if got is None:
            fmt, font, fill, _border, _align, _quote = key
            if font not in self.fonts:
                self.fonts[font] = len(self.fonts)
            if fill not in self.fills:
                self.fills[fill] = len(self.fills) + 1
            if fmt is not None and fmt not in BUILTIN_FORMATS and fmt not in self.formats:
                self.formats[fmt] = 164 + len(self.formats)
            got = self.xfs[key] = len(self.xfs)
        return got

    def xml(self) -> str:
        out = [f'{XML}<styleSheet xmlns="{NS}">']
        if self.formats:
            out.append(f'<numFmts count="{len(self.formats)}">')
            out += [f'<numFmt numFmtId="{i}" formatCode="{esc(f)}"/>' for f, i in self.formats.items()]
            out.append("</numFmts>")
        out.append(f'<fonts count="{len(self.fonts)}">')
        for font in self.fonts:
            f = font or Font()
            out.append(
                "<font>"
                + ("<b/>" if f.bold else "")
                + f'<sz val="{f.size or 11:g}"/>'
                + (f'<color rgb="FF{f.color}"/>' if f.color else "")
                + '<name val="Calibri"/><family val="2"/></font>'
            )
        out.append(f'</fonts><fills count="{len(self.fills) + 1}">')
        out.append('<fill><patternFill patternType="none"/></fill>')
        out.append('<fill><patternFill patternType="gray125"/></fill>')
        for fill in list(self.fills)[1:]:
            out.append(
                f'<fill><patternFill patternType="solid"><fgColor rgb="FF{fill}"/><bgColor indexed="64"/>'
                "</patternFill></fill>"
            )
        side = '<{0} style="thin"><color rgb="FF444444"/></{0}>'
        thin = "".join(side.format(s) for s in ("left", "right", "top", "bottom"))
        out.append(
            '</fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
            f"<border>{thin}<diagonal/></border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(self.xfs)}">'
        )
        for fmt, font, fill, border, align, quote in self.xfs:
            num = 0 if fmt is None else BUILTIN_FORMATS.get(fmt, self.formats.get(fmt, 0))
            attrs = (
                f'numFmtId="{num}" fontId="{self.fonts[font]}" fillId="{self.fills[fill]}" '
                f'borderId="{1 if border else 0}" xfId="0"'
            )
            if num:
                attrs += ' applyNumberFormat="1"'
            if font is not None:
                attrs += ' applyFont="1"'
            if fill is not None:
                attrs += ' applyFill="1"'
            if border:
                attrs += ' applyBorder="1"'
            if quote:
                attrs += ' quotePrefix="1"'
            if align is None:
                out.append(f"<xf {attrs}/>")
                continue
            a = ""
            if align.horizontal:
                a += f' horizontal="{align.horizontal}"'
            if align.vertical:
                a += f' vertical="{align.vertical}"'
            if align.wrap:
                a += ' wrapText="1"'
            if align.indent:
                a += f' indent="{align.indent}"'
            out.append(f'<xf {attrs} applyAlignment="1"><alignment{a}/></xf>')
        out.append(
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
        )
        return "".join(out)


def _number(v: int | float) -> str:
    if isinstance(v, int):
        return str(v)
    if not math.isfinite(v):
        raise ValueError(f"a cell cannot hold {v!r}")
    return repr(v) if v != int(v) else str(int(v))


def _sheet_xml(sheet: Sheet, styles: _Styles, sheet_index: int, has_drawing: bool) -> str:
    rows = sheet.rows
    last_row = max(max(rows, default=1), max(sheet.heights, default=1))
    last_col = max((max(cols) for cols in rows.values() if cols), default=1)
    selected = ' tabSelected="1"' if sheet_index == 0 else ""
    out = [
        f'{XML}<worksheet xmlns="{NS}" xmlns:r="{R}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{column_letter(last_col)}{last_row}"/>'
        f'<sheetViews><sheetView{selected} workbookViewId="0">'
        '<selection activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="{sheet.default_height:g}"/>'
    ]
    if sheet.widths:
        out.append("<cols>")
        for col in sorted(sheet.widths):
            out.append(f'<col min="{col}" max="{col}" width="{sheet.widths[col]:g}" customWidth="1"/>')
        out.append("</cols>")
    out.append("<sheetData>")
    xf = styles.xf
    heights = sheet.heights
    letters = [column_letter(c) for c in range(last_col + 1)]
    for r in range(1, last_row + 1):
        cols = rows.get(r)
        ht = heights.get(r)
        head = f'<row r="{r}" ht="{ht:g}" customHeight="1"' if ht is not None else f'<row r="{r}"'
        if not cols:
            if ht is not None:
                out.append(head + "/>")
            continue
        cells = [head, ">"]
        for col in sorted(cols):
            c = cols[col]
            s = xf(c.style_key())
            ref = letters[col] + str(r)
            v = c.value
            style = f' s="{s}"' if s else ""
            if v is None:
                cells.append(f'<c r="{ref}"{style}/>')
            elif isinstance(v, str):
                if len(v) > CELL_CHARS // 2:
                    v = fit_cell(v)
                space = ' xml:space="preserve"' if v[:1].isspace() or v[-1:].isspace() else ""
                cells.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{esc(v)}</t></is></c>')
            elif isinstance(v, bool):
                raise TypeError("a cell holds text or a number, not a bool")
            else:
                cells.append(f'<c r="{ref}"{style}><v>{_number(v)}</v></c>')
        cells.append("</row>")
        out.append("".join(cells))
    out.append("</sheetData>")
    if sheet.merges:
        out.append(f'<mergeCells count="{len(sheet.merges)}">')
        for r1, c1, r2, c2 in sheet.merges:
            out.append(f'<mergeCell ref="{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"/>')
        out.append("</mergeCells>")
    p = sheet.page
    if p.centered:
        out.append('<printOptions horizontalCentered="1"/>')
    out.append(
        f'<pageMargins left="{p.left:g}" right="{p.right:g}" top="{p.top:g}" bottom="{p.bottom:g}" '
        f'header="{p.header:g}" footer="{p.footer:g}"/>'
        f'<pageSetup paperSize="9" orientation="{"landscape" if p.landscape else "portrait"}" '
        f'fitToWidth="{p.fit_to_width}" fitToHeight="{p.fit_to_height}"/>'
    )
    hf = sheet.header_footer
    if hf.header_center or hf.footer_left or hf.footer_right:
        out.append("<headerFooter>")
        if hf.header_center:
            out.append(f"<oddHeader>&amp;C{esc(hf.header_center)}</oddHeader>")
        footer = ""
        if hf.footer_left:
            size = f"&{hf.footer_left_size} " if hf.footer_left_size else ""
            footer += f"&L{size}{hf.footer_left}"
        if hf.footer_right:
            footer += f"&R{hf.footer_right}"
        if footer:
            out.append(f"<oddFooter>{esc(footer)}</oddFooter>")
        out.append("</headerFooter>")
    if sheet.breaks:
        out.append(f'<rowBreaks count="{len(sheet.breaks)}" manualBreakCount="{len(sheet.breaks)}">')
        out += [f'<brk id="{row}" max="16383" man="1"/>' for row in sheet.breaks]
        out.append("</rowBreaks>")
    if has_drawing:
        out.append('<drawing r:id="rId1"/>')
    out.append("</worksheet>")
    return "".join(out)


_CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def _rels(targets: list[tuple[str, str]]) -> str:
    """A part's relationships, as rId1, rId2 …: (type, target), the type either a full URI
    or the last segment of an officeDocument relationship's (worksheet, drawing, chart …)."""
    body = "".join(
        f'<Relationship Id="rId{i}" Type="{kind if "://" in kind else f"{R}/{kind}"}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, 1)
    )
    return f'{XML}<Relationships xmlns="{PKG_R}">{body}</Relationships>'


# --------------------------------------------------------------------------- the workbook


@record
class Workbook:
    sheets: list[Sheet] = field(default_factory=list)

    def add_sheet(self, title: str) -> Sheet:
        sheet = Sheet(title)
        self.sheets.append(sheet)
        return sheet

    def save(self) -> bytes:
        if not self.sheets:
            raise ValueError("a workbook needs a sheet")
        styles = _Styles()
        parts: list[tuple[str, str]] = []
        overrides = [
            ("/xl/workbook.xml", f"{CT}.spreadsheetml.sheet.main+xml"),
            ("/xl/styles.xml", f"{CT}.spreadsheetml.styles+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
            ("/docProps/app.xml", f"{CT}.extended-properties+xml"),
        ]
        chart_no = drawing_no = 0
        for i, sheet in enumerate(self.sheets, 1):
            name = f"xl/worksheets/sheet{i}.xml"
            parts.append((name, _sheet_xml(sheet, styles, i - 1, bool(sheet.charts))))
            overrides.append((f"/{name}", f"{CT}.spreadsheetml.worksheet+xml"))
            if not sheet.charts:
                continue
            drawing_no += 1
            drawing = f"xl/drawings/drawing{drawing_no}.xml"
            parts.append((f"xl/worksheets/_rels/sheet{i}.xml.rels", _rels([("drawing", f"/{drawing}")])))
            parts.append((drawing, drawing_xml(sheet.charts)))
            overrides.append((f"/{drawing}", f"{CT}.drawing+xml"))
            targets = []
            for ch in sheet.charts:
                chart_no += 1
                chart = f"xl/charts/chart{chart_no}.xml"
                parts.append((chart, chart_xml(ch)))
                overrides.append((f"/{chart}", f"{CT}.drawingml.chart+xml"))
                targets.append(("chart", f"/{chart}"))
            parts.append((f"xl/drawings/_rels/drawing{drawing_no}.xml.rels", _rels(targets)))
        parts.append(("xl/styles.xml", styles.xml()))
        parts.append(("xl/workbook.xml", self._workbook_xml()))
        n = len(self.sheets)
        book_rels = [("worksheet", f"worksheets/sheet{i}.xml") for i in range(1, n + 1)]
        parts.append(("xl/_rels/workbook.xml.rels", _rels([*book_rels, ("styles", "styles.xml")])))
        parts.append(
            (
                "docProps/core.xml",
                XML + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                'core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>inspect-tui</dc:creator></cp:coreProperties>',
            )
        )
        parts.append(
            (
                "docProps/app.xml",
                XML
                + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                "<Application>inspect-tui</Application></Properties>",
            )
        )
        parts.append(
            (
                "_rels/.rels",
                _rels(
                    [
                        ("officeDocument", "xl/workbook.xml"),
                        (_CORE_PROPERTIES, "docProps/core.xml"),
                        ("extended-properties", "docProps/app.xml"),
                    ]
                ),
            )
        )
        types = (
            XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
            + "</Types>"
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in [("[Content_Types].xml", types), *parts]:
                info = zipfile.ZipInfo(name, _ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, text.encode("utf-8"))
        return buf.getvalue()

    def _workbook_xml(self) -> str:
        sheets = "".join(
            f'<sheet name="{esc(s.title)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(self.sheets, 1)
        )
        names = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{esc(quote_sheet(s.title))}!${s.title_rows[0]}:${s.title_rows[1]}</definedName>"
            for i, s in enumerate(self.sheets)
            if s.title_rows
        )
        return (
            f'{XML}<workbook xmlns="{NS}" xmlns:r="{R}">'
            '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + '<calcPr calcId="191029"/></workbook>'
        )
