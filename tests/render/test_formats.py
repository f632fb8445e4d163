"""Every format parsed back: json, csv (BOM), md, html, xlsx (print setup), and the html
rendered by headless Chromium to a PNG that is not blank."""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builders import add_case, d
from inspect_tui.core.document import Doc, Mark, Section, Table
from inspect_tui.core.metrics import parse_month
from inspect_tui.render.formats import render
from inspect_tui.services.reports.monthly import build_monthly


@pytest.fixture
def report(session):
    add_case(
        session,
        received_on="2027-05-06",
        contacted_on="2027-05-11",
        visited_on="2027-05-12",
        submitted_on="2027-05-14",
        accepted_on="2027-05-20",
    )
    add_case(session, received_on="2027-05-10", contacted_on="2027-05-14", case_no="=HYPERLINK(1)")
    add_case(
        session,
        received_on="2027-05-06",
        is_home=0,
        insurer="芦屋市",
        contacted_on="2027-05-07",
        visited_on="2027-05-10",
        submitted_on="2027-05-12",
        accepted_on="2027-05-21",
    )
    from inspect_tui.services.reports.monthly import set_monthly_note

    set_monthly_note(session, parse_month("2027-05"), "problems", "-1+1 のような行\n2行目")
    return build_monthly(session, parse_month("2027-05"), d("2027-06-15"), 7777)


def test_json_round_trip(report):
    j = json.loads(render(report, "json"))
    assert j == report.to_json()
    assert j["billing"]["home"] == {"count": 1, "subtotal": 7777, "tax": 777, "total": 8554}


def test_text_is_aligned_by_display_width(report):
    from inspect_tui.render.textwidth import width

    text = render(report, "text")
    lines = text.splitlines()
    # the counts table: every row as wide as its dashed rule
    start = next(i for i, line in enumerate(lines) if line.startswith("項目"))
    rule = lines[start + 1]
    body = lines[start + 2 : start + 12]
    assert all(width(line) == width(rule) for line in body), body
    assert max(width(line) for line in lines) <= 80
    assert "○" not in text and "×" not in text


def test_csv_has_bom_and_parses(report):
    out = render(report, "csv")
    assert out.startswith("\ufeff")
    raw = out.encode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["業務履行報告書（月次）"]
    counts = {r[0]: r[1] for r in rows if len(r) == 2}
    assert counts["依頼受理"] == "3" and counts["受理（履行件数）"] == "2"
    # formula injection: a case number and a note line that start with = and -
    cells = [c for r in rows for c in r]
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells
    assert "'-1+1 のような行" in cells


def test_markdown_tables(report):
    md = render(report, "md")
    assert md.startswith("# 業務履行報告書（月次）")
    lines = md.splitlines()
    i = lines.index("| 項目 | 件数 |")
    assert lines[i + 1] == "| :--- | ---: |"
    assert "| 依頼受理 | 3 |" in lines
    assert "## 3. 履行件数と請求額（受理日基準）" in lines


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.stack = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_parses_and_prints_on_a4(report):
    html = render(report, "html")
    p = _Collect()
    p.feed(html)
    text = "".join(p.text)
    assert "size: A4" in html and "counter(page)" in html
    assert "<title>業務履行報告書（月次）</title>" in html
    assert "業務責任者" in text and "印" in text
    assert "令和9年5月" in text and "発行日" in text
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")
    assert p.tags.count("table") >= 4


def test_xlsx_print_setup(report, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "monthly_2027-05.xlsx"
    path.write_bytes(render(report, "xlsx"))
    wb = load_workbook(path)
    assert wb.sheetnames == ["業務履行報告書（月次）", "別紙"]  # the report, and its lists of cases
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
        assert ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows
    ws = wb.worksheets[0]
    assert ws["A1"].value == "業務履行報告書（月次）"
    values = {
        ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)
    }
    assert values["依頼受理"] == 3  # numbers stay numbers
    assert ws.print_title_rows == "$1:$1"  # several tables: the report's title on every page
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert ["本市", 7777, 1, 7777, 777, 8554] in [r[:6] for r in rows]


def test_marks_are_symbols_only_where_width_is_safe():
    doc = Doc(
        "t",
        [("発行日", "2027-06-15")],
        [Section("s", [Table(["a", "b"], [["x", Mark(True)], ["y", Mark(False)]])])],
    )

    class R:
        def as_doc(self, full=False):
            return doc

        def to_json(self):
            return {}

    assert "達成" in render(R(), "text") and "○" not in render(R(), "text")
    assert "未達" in render(R(), "md") and "×" not in render(R(), "csv")
    assert "○" in render(R(), "html") and "×" in render(R(), "html")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(render(R(), "xlsx"))).active
    assert {c.value for r in ws.iter_rows() for c in r} >= {"○", "×"}


# --------------------------------------------------------------------------- chromium

CHROMIUM = Path("/usr/bin/chromium")
#: What to do when the headless-Chromium test skips; the README's Development section says it too.
CHROMIUM_INSTALL = "apt-get install chromium"


def _png_has_ink(png: bytes) -> bool:
    """Decode a PNG (8-bit RGB/RGBA, non-interlaced) with zlib and look for a non-white pixel."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    w = h = 0
    color = depth = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        data = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, color = struct.unpack(">IIBB", data[:10])
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    assert depth == 8 and color in (2, 6), (depth, color)
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    dark = 0
    i = 0
    for _ in range(h):
        ftype = raw[i]
        line = bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 0xFF
            elif ftype == 2:
                line[x] = (line[x] + b) & 0xFF
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        for x in range(0, stride, bpp):
            if line[x] < 200 and line[x + 1] < 200 and line[x + 2] < 200:
                dark += 1
        prev = line
    return dark > 500


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} がありません（{CHROMIUM_INSTALL}）")
def test_html_renders_in_headless_chromium(report, tmp_path):
    page = tmp_path / "monthly_2027-05.html"
    page.write_text(render(report, "html"), encoding="utf-8")
    png = tmp_path / "shot.png"
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={png}",
        "--window-size=1240,1754",
        page.as_uri(),
    ]
    subprocess.run(cmd, check=True, timeout=60, capture_output=True)
    data = png.read_bytes()
    assert _png_has_ink(data), "the screenshot is blank"


def test_png_decoder_sees_a_blank_page():
    # a 4×4 white RGB PNG, filter 0: the decoder must say "no ink"
    raw = b"".join(b"\x00" + b"\xff" * 12 for _ in range(4))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    assert not _png_has_ink(png)


def test_chromium_path_is_documented():
    """A developer whose headless-Chromium test skips learns from the README where the test
    looks and how to install it; a chromium elsewhere on PATH would be silently ignored."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    development = readme.split("\n## Development", 1)[1].split("\n## ", 1)[0]
    assert "test_html_renders_in_headless_chromium" in development
    assert str(CHROMIUM) in development, f"the README's Development section does not name {CHROMIUM}"
    assert CHROMIUM_INSTALL in development
    found = shutil.which("chromium")
    assert found is None or Path(found).resolve() == CHROMIUM.resolve() or CHROMIUM.exists(), (
        f"chromium is at {found}, the test only looks at {CHROMIUM}"
    )


def test_a_table_that_must_wrap_keeps_its_numbers_with_thousands_separators():
    """tabulate 0.10 casts the cells of a column it wraps by their guessed type, ignoring
    disable_numparse: int("1,398") raised in every report wide enough to wrap (the annual
    report on the demo). The renderer wraps the narrowed columns itself."""
    from inspect_tui.core.document import Table
    from inspect_tui.render.text import render_table

    t = Table(
        ["指標", "件数", "備考"],
        [
            ["個人情報の漏えい・紛失事故の件数", 1398, "とても長い備考の文章がここに入ります" * 2],
            ["計", 12345, ""],
        ],
    )
    out = render_table(t, 60)
    assert "1,398" in out and "12,345" in out
    from inspect_tui.render.textwidth import width

    assert max(width(line) for line in out.splitlines()) <= 60
