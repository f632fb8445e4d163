"""The xlsx file format itself (render/xlsx_file.py, xlsx_chart.py, xlsx_xml.py): what
it writes opens in openpyxl (and so in the readers that follow the standard) with every
value, style and print setting as given, text stays text whatever it holds, and the same
workbook is the same bytes."""

from __future__ import annotations

import io
import zipfile
from xml.dom import minidom

import pytest
from openpyxl import load_workbook

from inspect_tui.render.xlsx_chart import ChartSpec, Plot, Series
from inspect_tui.render.xlsx_file import Align, Font, Workbook, header_text
from inspect_tui.render.xlsx_xml import column_letter


def _open(wb: Workbook):
    return load_workbook(io.BytesIO(wb.save()))


def test_column_letters():
    assert [column_letter(c) for c in (1, 26, 27, 52, 53, 702, 703, 16384)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
        "XFD",
    ]


HOSTILE = [
    "<script>&amp;</script>",
    "say \"hi\" & 'bye'",
    '=HYPERLINK("http://x")',
    "  leading and trailing  ",
    "line1\nline2\r\nline3",
    "]]><x/>",
    "\ufffe\uffff",
    "𠮷野家",  # outside the BMP
]


def test_any_text_comes_back_as_the_same_string_cell():
    wb = Workbook()
    ws = wb.add_sheet("S")
    for i, text in enumerate(HOSTILE, 1):
        ws.cell(i, 1).value = text
    got = _open(wb)["S"]
    values = [got.cell(i, 1).value for i in range(1, len(HOSTILE) + 1)]
    expected = [t.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff") for t in HOSTILE]
    assert values == expected
    assert all(got.cell(i, 1).data_type == "s" for i in range(1, len(HOSTILE) + 1))  # never a formula


def test_every_part_is_well_formed_xml_whatever_the_text():
    wb = Workbook()
    ws = wb.add_sheet('It\'s <&> "sheet"')
    for i, text in enumerate(HOSTILE, 1):
        ws.cell(i, 1).value = text
    ws.title_rows = (1, 1)
    ws.header_footer.header_center = header_text("A&B <c>")
    ws.header_footer.footer_left = header_text("株式会社&")
    s = Series(ws.ref(1, 1), ws.ref(2, 2, 4), ws.ref(2, 1, 4))
    ws.charts.append(ChartSpec("<題>&", (Plot("bar", (s,), "件 & 数"),), 6))
    with zipfile.ZipFile(io.BytesIO(wb.save())) as z:
        for name in z.namelist():
            minidom.parseString(z.read(name))  # raises on anything malformed


def test_numbers_styles_and_print_setup_are_what_was_asked():
    wb = Workbook()
    ws = wb.add_sheet("報告")
    c = ws.cell(2, 3)
    c.value, c.number_format = 14550, '#,##0"件"'
    c.font, c.fill, c.border = Font(bold=True, size=14, color="999999"), "E8E8E8", True
    c.align = Align("right", "top", wrap=True, indent=2)
    share = ws.cell(3, 3)
    share.value, share.number_format = 0.995, "0.0%"
    q = ws.cell(4, 1)
    q.value, q.quote_prefix = "=1+1", True
    ws.widths[3] = 18
    ws.heights[2] = 30
    ws.merge(5, 1, 5, 4)
    ws.page.landscape = True
    ws.title_rows = (2, 3)
    ws.breaks = [3]
    ws.header_footer.header_center = header_text("月次 & 年次")
    ws.header_footer.footer_right = "&P / &N"
    ws.header_footer.footer_left, ws.header_footer.footer_left_size = "左", 7
    got = _open(wb)["報告"]
    c = got["C2"]
    assert (c.value, c.number_format) == (14550, '#,##0"件"')
    assert c.font.b and c.font.sz == 14 and c.font.color.rgb.endswith("999999")
    assert c.fill.fgColor.rgb.endswith("E8E8E8") and c.border.left.style == "thin"
    assert (c.alignment.horizontal, c.alignment.vertical, c.alignment.wrap_text, c.alignment.indent) == (
        "right",
        "top",
        True,
        2,
    )
    assert (got["C3"].value, got["C3"].number_format) == (pytest.approx(0.995), "0.0%")
    assert got["A4"].value == "=1+1" and got["A4"].quotePrefix and got["A4"].data_type == "s"
    assert got.column_dimensions["C"].width == 18 and got.row_dimensions[2].height == 30
    assert [str(r) for r in got.merged_cells.ranges] == ["A5:D5"]
    assert got.page_setup.orientation == "landscape" and int(got.page_setup.paperSize) == 9  # A4
    assert got.page_setup.fitToWidth == 1 and got.page_setup.fitToHeight == 0
    assert got.sheet_properties.pageSetUpPr.fitToPage
    assert got.print_title_rows.replace("$", "") == "2:3"
    assert [b.id for b in got.row_breaks.brk] == [3]
    assert got.oddHeader.center.text == "月次 && 年次"  # a literal &, not a code
    assert got.oddFooter.right.text == "&P / &N"
    assert got.oddFooter.left.text == "左" and got.oddFooter.left.size == 7


def test_a_sheet_name_with_an_apostrophe_keeps_its_print_titles_and_chart_references():
    wb = Workbook()
    ws = wb.add_sheet("O'Brien")
    ws.cell(1, 1).value, ws.cell(1, 2).value = "月", "件数"
    for r in range(2, 5):
        ws.cell(r, 1).value, ws.cell(r, 2).value = f"{r}月", r
    ws.title_rows = (1, 1)
    series = Series(ws.ref(1, 2), ws.ref(2, 2, 4), ws.ref(2, 1, 4))
    ws.charts.append(ChartSpec("推移", (Plot("line", (series,), "件数", markers=True),), 6))
    got = _open(wb)["O'Brien"]
    assert got.print_title_rows.replace("$", "") == "1:1"
    [chart] = got._charts
    assert chart.series[0].val.numRef.f == "'O''Brien'!$B$2:$B$4"
    assert chart.series[0].cat.strRef.f == "'O''Brien'!$A$2:$A$4"
    assert chart.anchor._from.row == 5  # 0-based: row 6


def test_a_line_of_shares_sits_on_a_second_axis_from_0_to_1():
    wb = Workbook()
    ws = wb.add_sheet("S")
    for r in range(1, 4):
        ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 3).value = f"項目{r}", 4 - r, r / 3
    cat = ws.ref(1, 1, 3)
    bars = Plot("bar", (Series(ws.ref(1, 2), ws.ref(1, 2, 3), cat),), "件数")
    line = Plot(
        "line",
        (Series(ws.ref(1, 3), ws.ref(1, 3, 3), cat),),
        "累積比率",
        secondary=True,
        axis_min=0,
        axis_max=1,
    )
    ws.charts.append(ChartSpec("パレート", (bars, line), 5))
    [chart] = _open(wb)["S"]._charts
    got_bars, got_line = chart._charts
    assert type(got_bars).__name__ == "BarChart" and type(got_line).__name__ == "LineChart"
    assert got_line.y_axis.axId == 200 and got_line.y_axis.crosses == "max"
    assert (got_line.y_axis.scaling.min, got_line.y_axis.scaling.max) == (0, 1)


def test_a_text_longer_than_an_excel_cell_holds_is_cut_and_says_so():
    wb = Workbook()
    ws = wb.add_sheet("S")
    ws.cell(1, 1).value = "あ" * 40_000
    ws.cell(2, 1).value = "い" * 32_767  # exactly what a cell holds: kept whole
    got = _open(wb)["S"]
    cut = got.cell(1, 1).value
    assert len(cut) == 32_767 and cut.endswith("（以下略: Excel のセルは 32,767 文字まで）")
    assert got.cell(2, 1).value == "い" * 32_767


def test_excel_counts_a_character_outside_the_bmp_as_two():
    wb = Workbook()
    ws = wb.add_sheet("S")
    ws.cell(1, 1).value = "𠮷" * 20_000  # 20,000 characters, 40,000 UTF-16 units
    cut = _open(wb)["S"].cell(1, 1).value
    assert len(cut.encode("utf-16-le")) // 2 <= 32_767 and cut.endswith("文字まで）")
    assert cut.startswith("𠮷" * 16_000)


def test_the_same_workbook_is_the_same_bytes():
    def book() -> bytes:
        wb = Workbook()
        ws = wb.add_sheet("S")
        ws.cell(1, 1).value = "同じ"
        return wb.save()

    assert book() == book()


def test_a_value_a_cell_cannot_hold_is_refused_not_written():
    wb = Workbook()
    ws = wb.add_sheet("S")
    ws.cell(1, 1).value = float("nan")
    with pytest.raises(ValueError):
        wb.save()
    ws.cell(1, 1).value = True
    with pytest.raises(TypeError):
        wb.save()
