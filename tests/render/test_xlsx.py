"""The xlsx a monitor computes with, opened with openpyxl: numbers as numbers with their
formats, text as string cells with no guard shown, one report sheet and at most one
details sheet, widths by display width, A4 print set-up, seal boxes, native charts."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from builders import add_case, d
from inspect_tui.core.document import (
    Doc,
    Mark,
    Num,
    Percent,
    Section,
    SeriesChart,
    Table,
    cell_text,
    clean_table,
    doc_from_data,
    doc_to_data,
)
from inspect_tui.core.frame import Frame
from inspect_tui.core.metrics import parse_month
from inspect_tui.core.records import replace
from inspect_tui.render import csv_out, html, markdown, text, xlsx
from inspect_tui.render.formats import render
from inspect_tui.services.reports.kpi import build_kpi
from inspect_tui.services.reports.monthly import build_monthly


def _book(doc: Doc):
    return load_workbook(io.BytesIO(xlsx.render(doc)))


def _find(ws, value):
    for row in ws.iter_rows():
        for c in row:
            if c.value == value:
                return c
    raise AssertionError(f"{value!r} is not on {ws.title}")


def _doc(rows, headers=("項目", "値"), **kw) -> Doc:
    return Doc(
        "月次の数値", [("発行日", "2027-06-15")], [Section("1. 件数", [Table(list(headers), rows, **kw)])]
    )


# --------------------------------------------------------------------------- typed cells


def test_number_cells_print_as_before_and_are_numbers_in_xlsx():
    rows = [
        ["受理", Num(14550, "件")],
        ["点検実施率", Percent(Decimal("99.5"))],
        ["達成度", Percent(Decimal("100.0"))],
        ["単価（円）", 7777],
        ["請求", Num(8554, "円")],
        ["満足度", Num(Decimal("12.5"), "件")],
        ["途中", Num(1203, "件", "（途中）")],
        ["目標", Percent(Decimal("90"))],
    ]
    # the text every other format prints, exactly as the reports printed their strings
    assert [cell_text(v) for _, v in rows] == [
        "14,550件",
        "99.5%",
        "100.0%",
        "7,777",
        "8,554円",
        "12.5件",
        "1,203件（途中）",
        "90%",
    ]
    ws = _book(_doc(rows)).worksheets[0]
    got = {}
    for label, _ in rows:
        c = ws.cell(row=_find(ws, label).row, column=2)
        got[label] = (c.value, c.number_format)
    assert got == {
        "受理": (14550, '#,##0"件"'),
        "点検実施率": (pytest.approx(0.995), "0.0%"),
        "達成度": (1.0, "0.0%"),
        "単価（円）": (7777, "#,##0"),
        "請求": (8554, '#,##0"円"'),
        "満足度": (12.5, '0.0"件"'),
        "途中": (1203, '#,##0"件（途中）"'),
        "目標": (pytest.approx(0.9), "0%"),
    }
    assert isinstance(got["受理"][0], int) and isinstance(got["点検実施率"][0], float)


def test_other_formats_print_the_same_text_for_number_cells():
    doc = _doc([["受理", Num(14550, "件")], ["率", Percent(Decimal("99.5"))]], align=["l", "r"])
    same = _doc([["受理", "14,550件"], ["率", "99.5%"]], align=["l", "r"])
    for renderer in (text, markdown, csv_out, html):
        assert renderer.render(doc) == renderer.render(same), renderer.__name__


def test_number_cells_survive_a_frozen_document():
    chart = SeriesChart(
        "受理件数", ("令和9年度", "令和10年度"), (("目標値", (4.0, 5.0)), ("実績値", (4.0, None))), "件"
    )
    table = Table(
        ["a", "b"], [["x", Num(Decimal("12.5"), "件", "（途中）")], ["y", Percent(Decimal("99.5"))]]
    )
    doc = Doc(
        "t",
        [],
        [
            Section("s", [table], ["p"], charts=[chart]),
            Section("一覧", [Table(["依頼番号"], [["R9-1"]])], appendix=True),
        ],
    )
    assert doc_from_data(doc_to_data(doc)) == doc
    # as a closed month keeps it: through JSON text
    assert doc_from_data(json.loads(json.dumps(doc_to_data(doc)))) == doc
    # a document frozen before these cells existed still loads
    old = doc_to_data(Doc("t", [], [Section("s", [Table(["a"], [["1件"]])])]))
    del old["sections"][0]["charts"]
    assert doc_from_data(old).sections[0].tables[0].rows == [["1件"]]


# --------------------------------------------------------------------------- text cells


@pytest.mark.parametrize("typed", ["=1+1", "@SUM(A1)", "+81-78", "-1+1", "＝１＋１"])
def test_text_a_spreadsheet_would_run_is_a_string_cell_shown_as_typed(typed):
    doc = Doc(
        "t",
        [("発行日", "2027-06-15")],
        [Section("s", [Table(["依頼番号", "メモ"], [["R9-1", typed]])], [typed])],
    )
    data = xlsx.render(doc)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value == typed]
    assert len(cells) == 2  # the table cell and the paragraph
    for c in cells:
        assert c.data_type == "s" and c.value == typed  # no apostrophe, no formula
        assert c.quotePrefix  # Excel keeps it text when the cell is edited
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    assert not any(str(c.value).startswith("'") for row in ws.iter_rows() for c in row if c.value)


def test_plain_text_has_no_quote_prefix():
    ws = _book(_doc([["受理", "あり"]])).worksheets[0]
    assert not _find(ws, "あり").quotePrefix


# --------------------------------------------------------------------------- layout


def test_a_japanese_column_is_wider_than_an_ascii_one_of_the_same_length():
    ws = _book(_doc([["調査票提出の確認済み", "ABCDEFGHIJ"]], headers=("a", "b"))).worksheets[0]
    # 10 wide characters = 20 columns, 10 ASCII = 10, each plus 2 of padding
    assert ws.column_dimensions["A"].width == 22
    assert ws.column_dimensions["B"].width == 12


def test_one_table_repeats_its_header_and_fits_a4_width():
    ws = _book(_doc([["受理", Num(3, "件")]])).worksheets[0]
    head = _find(ws, "項目").row
    assert ws.print_title_rows == f"${head}:${head}"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True


def test_seal_boxes_and_the_title_are_on_the_first_sheet():
    doc = replace(_doc([["受理", 1]]), seals=("業務責任者", "確認印"))
    ws = _book(doc).worksheets[0]
    assert ws["A1"].value == "月次の数値"
    for who in ("業務責任者", "確認印"):
        name = _find(ws, who)
        box = ws.cell(row=name.row + 1, column=name.column)
        assert box.value == "印" and box.coordinate in {str(r).split(":")[0] for r in ws.merged_cells.ranges}


def test_the_frame_goes_above_the_title_when_a_document_has_one():
    doc = _doc([["受理", 1]])
    assert xlsx.frame_lines(doc) == []
    frame = Frame(
        addressee="神戸市福祉局介護保険課長 様",
        contractor="株式会社サンプル",
        contractor_address="神戸市長田区1-2-3",
        contract="神戸市介護保険認定調査業務（C地区）",
        manager="見本 太郎",
        footer="株式会社サンプル 認定調査課",
    )
    doc = replace(doc, frame=frame, seals=("業務責任者", "確認印"))
    ws = _book(doc).worksheets[0]
    assert [ws.cell(row=r, column=1).value for r in (1, 2, 3, 4, 5)] == [
        "神戸市福祉局介護保険課長 様",
        "神戸市長田区1-2-3　株式会社サンプル",
        "業務責任者　見本 太郎",
        "月次の数値",
        "契約件名　神戸市介護保険認定調査業務（C地区）",
    ]
    assert ws.cell(row=2, column=1).alignment.horizontal == "right"  # the sender on the right
    assert _find(ws, "確認印") and ws.oddFooter.left.text == "株式会社サンプル 認定調査課"


def test_a_report_without_lists_or_charts_is_one_sheet():
    assert len(_book(_doc([["受理", 1]])).sheetnames) == 1


# --------------------------------------------------------------------------- the reports


@pytest.fixture
def monthly(session):
    # M1: contact due 5/11 (3 business days after 5/6), contacted 5/14: late, so listed
    add_case(session, received_on="2027-05-06", contacted_on="2027-05-14", visited_on="2027-05-17")
    add_case(
        session,
        received_on="2027-04-06",
        contacted_on="2027-04-07",
        visited_on="2027-04-12",
        submitted_on="2027-04-14",
        accepted_on="2027-05-20",
    )
    add_case(session, received_on="2027-05-10", contacted_on="2027-05-11")
    return build_monthly(session, parse_month("2027-05"), d("2027-06-15"), 7777)


def test_monthly_is_one_sheet_and_a_details_sheet_with_the_trend_chart(monthly):
    data = render(monthly, "xlsx")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["業務履行報告書（月次）", "別紙"]
    ws, details = wb.worksheets
    # the counts are numbers: received in May = 2 (5/6, 5/10), accepted = 1 (5/20)
    assert ws.cell(row=_find(ws, "依頼受理").row, column=2).value == 2
    # the 12-month trend: 令和8年6月 .. 令和9年5月; April: 1 received, 1 submitted; May: 2, 0, 1
    april, may = _find(ws, "令和9年4月").row, _find(ws, "令和9年5月").row
    assert [ws.cell(row=april, column=c).value for c in (2, 3, 4)] == [1, 1, 0]
    assert [ws.cell(row=may, column=c).value for c in (2, 3, 4)] == [2, 0, 1]
    assert may - _find(ws, "令和8年6月").row == 11
    trend, late = ws._charts
    assert len(trend.series) == 3  # received, submitted, accepted
    assert len(late.series) == 2  # late contact, late submission: bars of their own scale
    # the late counts by month: May's are section 2's (as of the report's 基準日)
    head = _find(ws, "日程調整連絡の遅延")
    may_late = next(
        r for r in range(head.row + 1, head.row + 13) if ws.cell(row=r, column=1).value == "令和9年5月"
    )
    assert monthly.deadlines["contact"].late == 1  # the fixture's one late contact
    assert ws.cell(row=may_late, column=2).value == monthly.deadlines["contact"].late
    assert ws.cell(row=may_late, column=3).value == monthly.deadlines["standard"].late
    # the late case is on the details sheet, and the report says where
    assert _find(ws, "遅延した依頼の一覧は別紙1のとおりです。")
    head = _find(details, "依頼番号")
    assert details.cell(row=head.row + 1, column=2).value == "2027-05-11"
    # three lists (contact, submission, 20 days): the sheet's title repeats, not one list's header
    assert _find(details, "遅延した依頼（20日目標）: 2 件")
    assert details.print_title_rows == "$1:$1"
    assert ws.print_title_rows == "$1:$1"
    assert _find(ws, "業務責任者")


KPI_TOML = """
[[indicator]]
id = "accepted"
level = "KGI"
name = "履行件数"
metric = "accepted"
direction = "higher"
targets = { 2026 = 3, 2027 = 4 }

[[indicator]]
id = "satisfaction"
level = "KPI"
name = "満足度"
metric = "manual"
unit = "%"
direction = "higher"
targets = { 2026 = 90, 2027 = 90 }
"""


def test_kpi_targets_and_actuals_are_numbers_and_each_has_a_chart(session, tmp_path):
    from openpyxl.utils import get_column_letter

    path = tmp_path / "kpi.toml"
    path.write_text(KPI_TOML, encoding="utf-8")
    session.config = replace(session.config, kpi_file=path)
    for accepted_on in ("2027-04-20", "2027-05-20", "2027-06-01"):
        add_case(
            session,
            received_on="2027-04-05",
            contacted_on="2027-04-06",
            visited_on="2027-04-12",
            submitted_on="2027-04-13",
            accepted_on=accepted_on,
        )
    report = build_kpi(session, 2027, d("2027-06-15"))
    ws, details = load_workbook(io.BytesIO(render(report, "xlsx"))).worksheets
    name = _find(ws, "履行件数")
    groups = ws[_find(ws, "区分").row]  # the fiscal years over 目標値 / 実績値 / 達成度
    fy2027 = next(c.column for c in groups if c.value == "令和9年度")
    assert [ws.cell(row=groups[0].row + 1, column=fy2027 + i).value for i in range(3)] == [
        "目標値",
        "実績値",
        "達成度",
    ]
    merged = {str(m) for m in ws.merged_cells.ranges}
    col, end = get_column_letter(fy2027), get_column_letter(fy2027 + 2)
    assert f"{col}{groups[0].row}:{end}{groups[0].row}" in merged  # the year over its three columns
    assert f"A{groups[0].row}:A{groups[0].row + 1}" in merged  # 区分 spans both header rows
    # one row per indicator: target, actual and achievement side by side
    target = ws.cell(row=name.row, column=fy2027)
    actual = ws.cell(row=name.row, column=fy2027 + 1)
    ratio = ws.cell(row=name.row, column=fy2027 + 2)
    assert (target.value, target.number_format) == (4, '#,##0"件"')
    # 3 accepted so far in a running year: 3 of 4 = 75.0%
    assert (actual.value, actual.number_format) == (3, '#,##0"件（途中）"')
    assert (ratio.value, ratio.number_format) == (pytest.approx(0.75), "0.0%")
    # two indicators with figures: two charts, target and actual over the years, drawn from 別紙
    assert len(ws._charts) == 2 and all(len(c.series) == 2 for c in ws._charts)
    figures = _find(details, "グラフの数値: 履行件数（KGI）")
    row = [details.cell(row=figures.row + 2, column=c).value for c in range(1, 4)]
    assert row[0] == "目標値" and 4 in row


def test_pareto_is_one_sheet_with_shares_as_numbers():
    from render.test_pareto import report

    ws = load_workbook(io.BytesIO(render(report(), "xlsx"))).worksheets[0]
    first = _find(ws, "確認不足")
    share = ws.cell(row=first.row, column=first.column + 2)
    assert (share.value, share.number_format) == (pytest.approx(5 / 11, abs=0.0005), "0.0%")
    assert len(ws.parent.sheetnames) == 1 and len(ws._charts) == 1
    head = _find(ws, "順位").row  # one table: its header row repeats on every page
    assert head == first.row - 1 and ws.print_title_rows == f"${head}:${head}"


def test_marks_stay_symbols():
    ws = _book(_doc([["a", Mark(True)], ["b", Mark(False)]])).worksheets[0]
    assert _find(ws, "○").alignment.horizontal == "center" and _find(ws, "×")


def test_a_chart_is_not_split_between_pages():
    from inspect_tui.core.document import Chart

    long = Table(["依頼番号", "期限"], [[f"R9-{i:05}", "2027-05-11"] for i in range(60)], align=["l", "l"])
    chart = Chart("推移", label_column=0, bar_column=1, bar_title="件数", rows=12)
    trend = Table(["月", "件数"], [[f"{m}月", m * 10] for m in range(1, 13)], chart=chart)
    doc = Doc("t", [("発行日", "2027-06-15")], [Section("1. 一覧", [long, trend])])
    ws = _book(doc).worksheets[0]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks  # 60 + 12 rows and a chart do not fit one A4 page
    [ch] = ws._charts
    first = ch.anchor._from.row + 1  # 0-based in the drawing
    assert not [b for b in breaks if first <= b < first + xlsx.CHART_ROWS - 1], (first, breaks)
    # and no break inside the 12-row table: it is short enough to be kept on one page
    head = _find(ws, "月").row
    assert not [b for b in breaks if head - 1 <= b < head + 12], (head, breaks)


def test_the_pareto_line_draws_from_the_tables_own_shares():
    from render.test_pareto import report

    ws = load_workbook(io.BytesIO(render(report(), "xlsx"))).worksheets[0]
    assert [c.value for row in ws.iter_rows() for c in row].count("累積比率") == 1  # no helper column
    [chart] = ws._charts
    bars, line = chart._charts  # the counts as bars, the running share as a line on a second axis
    head = _find(ws, "累積比率")
    assert head.column_letter == "E" and ws.cell(row=head.row + 1, column=5).value == pytest.approx(
        5 / 11, abs=0.0005
    )
    assert bars.series[0].val.numRef.f.endswith(f"!$C${head.row + 1}:$C${head.row + 5}")
    assert line.series[0].val.numRef.f.endswith(f"!$E${head.row + 1}:$E${head.row + 5}")


def test_a_sheet_too_wide_for_a4_narrows_its_widest_columns_and_wraps_them():
    long = "関連する項目の間で選択が矛盾している" * 2  # 36 wide characters = 72 columns
    doc = _doc([[long, long, long, "短い"]], headers=("a", "b", "c", "d"))
    ws = _book(doc).worksheets[0]
    widths = [ws.column_dimensions[x].width for x in "ABCD"]
    # 3 x 50 (the cap) + 12 (D holds the seal box) = 162 > 150: the widest give up 4 each
    assert widths == [46, 46, 46, 12], widths
    row = _find(ws, "短い").row
    assert ws.row_dimensions[row].height == 2 * 15  # 72 columns in 45: two lines
    assert ws.cell(row=row, column=1).alignment.wrap_text


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice がありません（apt-get install libreoffice-calc-nogui）"
)
def test_libreoffice_prints_the_numbers_with_their_units_and_the_formula_as_text(tmp_path):
    doc = _doc([["受理", Num(14550, "件")], ["率", Percent(Decimal("99.5"))], ["メモ", "=1+1"]])
    path = tmp_path / "r.xlsx"
    path.write_bytes(xlsx.render(doc))
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    printed = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "14,550件" in printed and "99.5%" in printed
    assert "=1+1" in printed and "'=1+1" not in printed and "\n2\n" not in printed  # not computed


def test_the_longest_list_comes_last_on_the_details_sheet_and_repeats_its_header():
    long = Table(["依頼番号", "期限"], [[f"R9-{i:05}", "2027-05-11"] for i in range(40)], caption="長い一覧")
    short = Table(["依頼番号", "出来事"], [["R9-1", "訪問"]], caption="短い一覧")
    doc = Doc(
        "t",
        [("発行日", "2027-06-15")],
        [
            Section("2. 期限", paragraphs=["一覧は別紙1"]),
            Section("遅延した依頼の一覧", [long, short], appendix=True),
        ],
    )
    ws, details = _book(doc).worksheets
    assert _find(ws, "一覧は別紙1") and not any(c.value == "長い一覧" for row in ws.iter_rows() for c in row)
    assert _find(details, "別紙1　遅延した依頼の一覧")
    assert _find(details, "短い一覧").row < _find(details, "長い一覧").row  # shortest first
    head = _find(details, "長い一覧").row + 1
    assert details.cell(row=head, column=2).value == "期限"
    assert details.print_title_rows == f"${head}:${head}"


# --------------------------------------------------------------------------- any table


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_CELL = st.one_of(
    _TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.builds(Num, st.integers(min_value=0, max_value=10**9), st.sampled_from(["", "件", "円", '"日'])),
    st.builds(
        Num,
        st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
        st.just("件"),
    ),
    st.builds(
        Percent, st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
    ),
    st.builds(Mark, st.sampled_from([True, False, None])),
    st.none(),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(
    headers=st.lists(_TEXT.filter(str.strip), min_size=1, max_size=5),
    data=st.data(),
)
def test_any_table_comes_back_from_the_file_as_every_other_format_prints_it(headers, data):
    """Whatever a table holds (any text, control characters included, numbers, shares,
    marks), the file opens and each cell reads back as its value: a number as the number,
    text as the text the other formats print (control characters shown as escapes)."""
    headers = [f"列{j}・{h}" for j, h in enumerate(headers)]  # the first is found by its text
    rows = data.draw(st.lists(st.lists(_CELL, min_size=len(headers), max_size=len(headers)), max_size=6))
    doc = Doc("表", [("発行日", "2027-06-15")], [Section("1. 表", [Table(headers, rows)])])
    ws = _book(doc).worksheets[0]
    head = _find(ws, clean_table(Table(headers, rows)).headers[0]).row
    cleaned = clean_table(Table(headers, rows)).rows
    for i, row in enumerate(cleaned):
        for j, v in enumerate(row):
            got = ws.cell(row=head + 1 + i, column=j + 1).value
            want = xlsx.cell_value(v)
            if isinstance(want, float):
                assert got == pytest.approx(want)
            else:
                assert got == (None if want == "" else want), (i, j, v)
