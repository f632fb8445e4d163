"""--format pdf: the monthly, KPI and guidance reports laid out by render/pdf.py from small
fixture databases and read back with pdftotext (poppler-utils): the municipal frame, the
和暦 dates and the figures on the page, the late-case lists in a 別紙 with their header
row on every page, the seal boxes never alone on a page, and what a machine without
HarfBuzz or a Japanese font is told.

Without HarfBuzz, a Japanese font or pdftotext these tests skip and say what to install;
.ci/system-deps installs them for CI."""

from __future__ import annotations

import re

import pytest

from builders import add_case, add_cases, d, session_as, solo_case_nos
from inspect_tui.core.document import Doc, Section, Table
from inspect_tui.core.frame import Frame
from inspect_tui.render import pdf
from inspect_tui.render.formats import render
from inspect_tui.services.config import Config
from inspect_tui.services.reports.registry import kind
from inspect_tui.services.session import open_session
from pdftext import pdf_missing, pdf_text

pytestmark = pytest.mark.skipif(bool(pdf_missing()), reason=pdf_missing() or "PDF can be made")

FRAME = Frame(
    addressee="神戸市福祉局介護保険課長 様",
    contractor="株式会社テスト調査",
    contractor_address="神戸市長田区テスト町1-2-3",
    contract="神戸市介護保険認定調査業務（C地区）",
    manager="試験 責任者",
    footer="株式会社テスト調査　認定調査業務",
)
LATE = 60  # late cases in May: three lists of 60 rows, more than a page each


def pages(data: bytes) -> list[str]:
    """The text of each page (pdftotext puts a form feed after every page)."""
    return pdf_text(data).split("\f")[:-1]


def layout_line(text: str, label: str, cells: int | None = None) -> str:
    """The first line (pdftotext -layout) that starts with label (and has that many cells)."""
    return next(
        line
        for line in text.splitlines()
        if line.strip().startswith(label) and (cells is None or len(line.split()) == cells)
    )


def squash(text: str) -> str:
    """text without any white space (pdftotext wraps lines and turns 　 into a space)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def framed(db_path):
    s = open_session(db_path, Config(document=FRAME, unit_price_home=7777))
    yield s
    s.close()


@pytest.fixture
def monthly_report(framed):
    # on time: contact due 5/11 (受理 5/6 + 3 開庁日), standard due 5/14; accepted in May
    add_case(
        framed,
        received_on="2027-05-06",
        contacted_on="2027-05-11",
        visited_on="2027-05-12",
        submitted_on="2027-05-14",
        accepted_on="2027-05-20",
    )
    # late for contact (5/14 > 5/11), and never submitted: late for 標準提出期限 and 20日目標 too
    add_cases(framed, [f"R9-{500 + i:05d}" for i in range(LATE)], "2027-05-06", contacted_on="2027-05-14")
    return kind("monthly").make(framed, kind("monthly").read_period("2027-05"), {"as_of": d("2027-06-15")})


@pytest.fixture
def monthly_pdf(monthly_report) -> bytes:
    data = render(monthly_report, "pdf")
    assert isinstance(data, bytes) and data.startswith(b"%PDF-")
    return data


def test_monthly_pdf_has_the_frame_the_era_dates_and_the_figures(monthly_pdf):
    first = pdf_text(monthly_pdf, 1, layout=True)
    # the frame: addressee, contractor (name, address, manager), contract title, seal boxes
    for words in (FRAME.addressee, FRAME.contractor, FRAME.contractor_address, FRAME.manager, FRAME.contract):
        assert words in first, words
    assert "業務責任者" in first and "確認印" in first
    # 発行日 (today, pinned to 2027-06-15) and 基準日 in 和暦, not ISO
    assert re.search(r"発行日\s+令和9年6月15日", first)
    assert "令和9年6月15日（この日までの記録で集計）" in first
    assert "2027-06-15" not in first
    # the figures: 61 received (60 late + 1), 1 accepted at 7,777 yen + 777 tax = 8,554
    assert layout_line(first, "依頼受理").split()[-1] == "61"
    text = pdf_text(monthly_pdf, layout=True)
    assert layout_line(text, "本市").split()[1:] == ["7,777", "1", "7,777", "777", "8,554"]
    assert layout_line(text, "日程調整連絡", 6).split()[1:] == ["61", "1", "60", "0", "0"]


def test_every_page_has_the_footer_and_its_number(monthly_pdf):
    texts = pages(monthly_pdf)
    assert len(texts) >= 4
    for n, text in enumerate(texts, 1):
        assert squash(FRAME.footer) in squash(text), n
        assert re.search(rf"\b{n}\s*/\s*{len(texts)}\b", text), n
    assert "inspect-tui" not in pdf_text(monthly_pdf)  # the footer is the contractor's, not ours


def test_late_lists_are_an_appendix_with_the_header_row_on_every_page(monthly_pdf):
    texts = pages(monthly_pdf)
    start = next(i for i, t in enumerate(texts) if "別紙1遅延した依頼の一覧" in squash(t))  # its heading
    assert start >= 1
    # the report itself: no late-case list before the appendix, only the pointer to it
    assert all("遅延した依頼（" not in t for t in texts[:start])
    assert any("遅延した依頼の一覧は別紙1のとおりです。" in squash(t) for t in texts[:start])
    appendix = texts[start:]
    assert len(appendix) >= 3  # 180 rows
    for t in appendix:  # the header row repeated on each page of the long tables
        assert "依頼番号" in t and "期限" in t and "実施日" in t
    listed = "".join(appendix)
    assert "遅延した依頼（日程調整連絡）: 60 件" in listed
    assert all(listed.count(f"R9-{500 + i:05d}") == 3 for i in range(LATE))


def test_kpi_pdf_has_the_frame_the_words_and_the_figures(framed):
    add_case(
        framed,
        received_on="2027-04-05",
        contacted_on="2027-04-07",
        visited_on="2027-04-12",
        submitted_on="2027-04-13",
        accepted_on="2027-04-30",
    )
    report = kind("kpi").make(framed, 2027, {"as_of": d("2027-06-15")})
    data = render(report, "pdf")
    text = pdf_text(data)
    assert FRAME.addressee in text and FRAME.contract in text and FRAME.contractor in text
    assert "基準日" in text and "令和9年6月15日" in text
    # the row labels and headers as words (the wide-table test below is the one that bites)
    for word in ("目標値", "実績値", "達成度", "区分", "令和9年度"):
        assert word in text, word
    assert "1件（途中）" in text  # the one case accepted in FY2027 so far


def test_short_headers_and_cells_never_break_in_a_wide_table():
    """The KPI table's shape with six fiscal years: without nowrap, 目標値 / 実績値 / 達成度
    and 令和10年度 broke into 目標 / 値 at A4."""
    years = [f"令和{y}年度" for y in range(8, 14)]
    rows = []
    for _ in range(3):
        rows += [
            ["KGI", "認定調査の履行件数（受理件数）", "目標値", *["14,550件"] * 6],
            ["", "", "実績値", *["3,125件（途中）"] * 6],
            ["", "", "達成度", *["104.7%"] * 6],
        ]
    doc = Doc("表", [], [Section("1", [Table(["区分", "指標", "", *years], rows)])], frame=FRAME)
    text = pdf_text(pdf.render(doc))
    for word in ("目標値", "実績値", "達成度", "令和10年度", "3,125件（途中）"):
        assert word in text, word
    assert "認定調査の履行件数（受理件数）" in squash(text)  # the long cell wraps, whole


# --------------------------------------------------------------------------- seal boxes


def check_ten(path) -> None:
    """S010's ten first solo forms checked by chief S001, the review closed."""
    from inspect_tui.services.review import check as chk
    from inspect_tui.services.review import surveyor as sr

    s = session_as(path, "tester")
    for no in solo_case_nos()[:10]:
        cid = chk.start_check(s, case_no=no).check.id
        for p in ("typo", "omission", "wording", "choice_note", "cross_item", "notes_quality"):
            chk.set_point(s, cid, p, "ok")
        chk.set_fields(s, cid, guidance="特記事項の書き方を説明", guidance_methods=["oral"])
        chk.complete_check(s, cid, minutes=15)
    sr.set_closure(s, "S010", comment="10件で改善を確認した")
    s.close()


SEAL_WORDS = {"主任調査員", "業務責任者", "確認印", "印"}


def body_lines(page: str) -> list[str]:
    """A page's lines but for the seal boxes, the footer, the page number and the witness."""
    out = []
    for line in page.splitlines():
        line = line.strip()
        # the footer line, whole or in the pieces pdftotext cuts it into at its 全角 space
        if not line or line in SEAL_WORDS or squash(line) in squash(FRAME.footer):
            continue
        if squash(line).startswith(squash(FRAME.footer)):
            continue
        if line.startswith("監査記録"):
            continue
        if line.replace(" ", "").replace("/", "").isdigit():
            continue
        out.append(line)
    return out


def test_guidance_pdf_seal_boxes_with_their_section(review_db):
    check_ten(review_db)
    s = session_as(review_db, "tester")
    s.config = Config(document=FRAME)
    try:
        data = render(kind("guidance").make(s, "S010"), "pdf")
    finally:
        s.close()
    texts = pages(data)
    text = "".join(texts)
    assert FRAME.addressee in text and FRAME.contract in text
    assert "令和9年6月15日" in text  # 発行日
    last = texts[-1]
    # the report's signers then the frame's: 主任調査員, 業務責任者, 確認印 on the last page,
    # with the closing comment they sign
    assert [w for w in ("主任調査員", "業務責任者", "確認印") if w in last] == [
        "主任調査員",
        "業務責任者",
        "確認印",
    ]
    assert "10件で改善を確認した" in last
    assert all(body_lines(t) for t in texts)


def signed_record(sections: list[Section], facts: list[tuple[str, str]] | None = None) -> list[str]:
    """The pages of a record signed when done (主任調査員, 業務責任者), each checked to hold
    something but the seal boxes, the footer and the page number."""
    doc = Doc(
        "記録", facts or [], sections, seals=("主任調査員", "業務責任者"), seals_at_end=True, frame=FRAME
    )
    texts = pages(pdf.render(doc))
    for t in texts:
        assert body_lines(t), texts
    return texts


@pytest.mark.parametrize("lines", range(22, 42, 3))
def test_seal_boxes_never_alone_on_a_page(lines):
    """A signed record whose text ends anywhere near the bottom of page 1: the seal boxes
    go to page 2 with the end of the text, never by themselves (without the keep, 24 to 31
    lines left them alone on page 2 here)."""
    texts = signed_record(
        [
            Section("1. 経過", paragraphs=[f"{n}行目の記録です。" for n in range(1, lines)]),
            Section("2. 所見", paragraphs=["所見の一行目", "所見の二行目"]),
        ],
        [("発行日", "令和9年6月15日")],
    )
    seal_page = next(t for t in texts if "主任調査員" in t.splitlines())
    assert "所見の二行目" in seal_page


# --------------------------------------------------------------------------- a machine without the parts


def test_missing_font_says_what_to_install(tmp_path):
    doc = Doc("記録", [], [Section("1", [Table(["a"], [["b"]])])])
    with pytest.raises(pdf.PdfUnavailable) as caught:
        pdf.render(doc, font_dirs=(tmp_path / "no-fonts",))
    message = str(caught.value)
    assert "日本語のフォント" in message and "apt-get install fonts-noto-cjk" in message
    assert pdf.missing_parts((tmp_path / "no-fonts",)) == ["fonts-noto-cjk"]
    both = pdf.unavailable_message([pdf.HARFBUZZ_PACKAGES, pdf.FONT_PACKAGES])
    assert "HarfBuzz" in both and "apt-get install libharfbuzz0b libharfbuzz-subset0 fonts-noto-cjk" in both


def test_cli_pdf_without_a_font_exits_non_zero_and_writes_nothing(cli, session, tmp_path, monkeypatch):
    add_case(session, received_on="2027-05-06", contacted_on="2027-05-11")
    monkeypatch.setattr(pdf, "FONT_DIRS", (tmp_path / "no-fonts",))
    out = tmp_path / "monthly.pdf"
    code, stdout, err = cli("report", "monthly", "--month", "2027-05", "--format", "pdf", "-o", str(out))
    assert code != 0
    assert "apt-get install fonts-noto-cjk" in err and "Traceback" not in err
    assert not out.exists() and list(tmp_path.glob("*.part")) == []
    # the other formats still work on the same machine
    code, stdout, err = cli("report", "monthly", "--month", "2027-05", "--format", "text")
    assert code == 0 and "依頼受理" in stdout


def test_cli_writes_a_pdf_in_the_configured_frame(cli, session, tmp_path):
    from inspect_tui.system.paths import config_path

    add_case(session, received_on="2027-05-06", contacted_on="2027-05-11")
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(
        '[document]\naddressee = "神戸市福祉局介護保険課長 様"\ncontractor = "株式会社設定"\n'
        'seals = ["業務責任者", "市確認"]\nfooter = "設定のフッター"\n',
        encoding="utf-8",
    )
    out = tmp_path / "m.pdf"
    code, _, err = cli(
        "report", "monthly", "--month", "2027-05", "--as-of", "2027-06-15", "--format", "pdf", "-o", str(out)
    )
    assert code == 0, err
    first = pdf_text(out.read_bytes(), 1)
    assert "神戸市福祉局介護保険課長 様" in first and "株式会社設定" in first
    assert "市確認" in first and "確認印" not in first and "設定のフッター" in first
    assert re.search(r"\b1\s*/\s*\d\b", first)


def test_missing_harfbuzz_says_what_to_install(monkeypatch):
    from inspect_tui.render import pdf_font

    monkeypatch.setattr(pdf_font, "has_harfbuzz", lambda: False)
    doc = Doc("記録", [], [Section("1", [Table(["a"], [["b"]])])])
    with pytest.raises(pdf.PdfUnavailable) as caught:
        pdf.render(doc)
    assert "HarfBuzz" in str(caught.value) and "apt-get install libharfbuzz0b libharfbuzz-subset0" in str(
        caught.value
    )


# --------------------------------------------------------------------------- the file itself


def run(*args: str, data: bytes, after: tuple[str, ...] = ()) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run([*args, f.name, *after], capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def test_the_fonts_are_embedded_subsets_and_the_same_document_gives_the_same_bytes(monthly_report):
    data = render(monthly_report, "pdf")
    fonts = run("pdffonts", data=data).splitlines()[2:]
    assert len(fonts) == 2  # regular and bold
    for line in fonts:
        name, *kind, encoding, emb, sub, uni, _obj, _gen = line.split()
        assert re.fullmatch(r"[A-Z]{6}\+NotoSansCJKjp-(Regular|Bold)", name), line
        assert (kind, encoding) == (["CID", "Type", "0C"], "Identity-H"), line
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line  # embedded, a subset, with ToUnicode
    assert render(monthly_report, "pdf") == data  # no dates, no ids: nothing but the document
    info = run("pdfinfo", data=data)
    assert re.search(r"Page size:\s+595.28 x 841.89 pts \(A4\)", info)
    assert "業務履行報告書（月次）" in info  # the title, for the viewer's window


def test_every_cell_and_heading_the_html_prints_is_in_the_pdf(monthly_report):
    """The PDF is drawn by its own layout (render/pdf.py), not from the html: nothing the
    html prints may go missing from it."""
    from html import unescape

    page = render(monthly_report, "html")
    words = {
        unescape(re.sub(r"<[^>]+>", "", m))
        for m in re.findall(r"<(?:td|th|h1|h2|caption|p)\b[^>]*>(.*?)</", page)
    }
    words = {squash(w) for w in words if w.strip()}
    text = squash(pdf_text(render(monthly_report, "pdf")))
    missing = sorted(w for w in words if w not in text)
    assert len(words) > 100 and missing == []


def test_unbreakable_text_stays_on_the_page():
    """Nine columns of 3,125件（途中） do not fit A4 at 10.5 pt: the table prints smaller
    instead of running off the paper (a browser lets it overflow)."""
    years = [f"令和{y}年度" for y in range(8, 14)]
    rows = [["KGI", "認定調査の履行件数（受理件数）", "実績値", *["3,125件（途中）"] * 6]] * 3
    data = pdf.render(Doc("表", [], [Section("1", [Table(["区分", "指標", "", *years], rows)])]))
    boxes = re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"',
        run("pdftotext", "-bbox", data=data, after=("-",)),
    )
    assert boxes
    right = 595.28 - pdf.MARGIN_SIDE
    assert all(pdf.MARGIN_SIDE - 1 <= float(lo) and float(hi) <= right + 1 for lo, hi in boxes)
    assert pdf_text(data).count("3,125件（途中）") == 18


def test_a_landscape_table_prints_the_whole_document_on_a4_landscape():
    doc = Doc("表", [], [Section("1", [Table(["a"], [["b"]], landscape=True)])])
    assert re.search(r"Page size:\s+841.89 x 595.28 pts \(A4\)", run("pdfinfo", data=pdf.render(doc)))


def test_charts_are_drawn_with_their_titles_legends_and_axes():
    from decimal import Decimal

    from inspect_tui.core.document import Chart, Num, Percent, SeriesChart

    rows = [[f"理由{i}", Num(100 - i * 10, "件"), Percent(Decimal(10 * (i + 1)))] for i in range(5)]
    pareto = Table(
        ["理由", "件数", "累積比率"],
        rows,
        chart=Chart(
            "返却理由のパレート図", 0, 1, "件数", 5, line_column=2, line_title="累積比率", line_mark=0.8
        ),
    )
    trend = SeriesChart(
        "受理件数の推移",
        ("令和7年度", "令和8年度"),
        (("目標値", (100.0, 120.0)), ("実績値", (90.0, None))),
        "件",
    )
    data = pdf.render(Doc("図", [], [Section("1", [pareto], charts=[trend])]))
    text = pdf_text(data)
    for words in (
        "返却理由のパレート図",
        "累積比率",
        "受理件数の推移",
        "目標値",
        "実績値",
        "令和7年度",
        "80%",
        "100%",
    ):
        assert words in text, words


def test_a_chart_mark_the_pdf_cannot_draw_is_an_error_not_a_gap():
    from inspect_tui.render import pdf_canvas

    canvas = pdf_canvas.Canvas(100, (None, None))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ellipse"):
        pdf_canvas.draw_svg(
            canvas, '<svg viewBox="0 0 10 10"><ellipse cx="1" cy="1" rx="1" ry="1"/></svg>', 0, 0, 1
        )
    with pytest.raises(ValueError, match="colour"):
        pdf_canvas.draw_svg(
            canvas,
            '<svg viewBox="0 0 10 10"><rect x="0" y="0" width="1" height="1" fill="url(#x)"/></svg>',
            0,
            0,
            1,
        )


@pytest.mark.parametrize("lines", range(22, 34))
def test_the_closing_footer_is_never_alone_on_a_page(lines):
    """The footer under the last section (and the audit witness) goes to the next page with
    the last line before it, never by itself."""
    doc = Doc(
        "記録",
        [],
        [Section("1. 経過", paragraphs=[f"{n}行目の記録です。" for n in range(1, lines)])],
        seals=(),
        witness="監査記録の先頭ハッシュ（1件目）: " + "0" * 64,
        frame=FRAME,
    )
    texts = pages(pdf.render(doc))
    for t in texts:
        assert body_lines(t), texts
    assert "監査記録" in texts[-1]


def test_control_characters_print_as_escapes():
    doc = Doc("記録", [], [Section("1", paragraphs=["赤\x1b[31m字\x07"])])
    text = pdf_text(pdf.render(doc))
    assert "\x1b" not in text and "\\x1b[31m" in text and "\\x07" in text


def test_lines_break_where_japanese_print_breaks_them():
    from inspect_tui.render import pdf_font

    found = pdf_font.find_font(pdf.FONT_DIRS)
    assert found is not None
    font = pdf_font.Font(*found)
    lay = pdf._Layout((font, font), pdf.PORTRAIT)
    width = lay.w("あ" * 10, 10)
    for text in ("あ" * 10 + "。い", "あ" * 9 + "（あ）う", "あ" * 10 + "、", "あ" * 6 + "（いいいいい）"):
        lines = lay.wrap(text, width, 10)
        assert "".join(lines) == text
        assert all(line[0] not in pdf.NO_LINE_START for line in lines), lines
        assert all(line[-1] not in pdf.NO_LINE_END for line in lines), lines
        assert all(lay.w(line, 10) <= width + 0.01 for line in lines), lines
    # a number, a case number, a date stay whole; a space where a line ends goes
    for word in ("89.8%", "R9-00512", "2026-10-08"):
        for lead in range(1, 10):
            lines = lay.wrap("あ" * lead + word + "の記録", width, 10)
            assert any(word in line for line in lines), (word, lines)
    assert lay.wrap("あ" * 10 + " いい", width, 10) == ["あ" * 10, "いい"]
    long = lay.wrap("x" * 60, width, 10)  # no place to end: anywhere, each line full
    assert "".join(long) == "x" * 60 and len(long) >= 2 and len(long[0]) == len(long[1])


@pytest.mark.parametrize("rows", [18, 20, 23, 26, 40, 54, 57, 60])
def test_seal_boxes_after_a_long_table_keep_its_last_row(rows):
    """A signed record ending in a table too long to keep whole (over 15 rows): the seal boxes
    go over with its last row (and the header row above it), never alone (without the keep,
    20-26 and 54-60 rows left them alone on the last page)."""
    texts = signed_record(
        [Section("1. 点検", [Table(["番号", "内容"], [[f"R9-{n:05d}", "記録"] for n in range(rows)])])]
    )
    last = texts[-1]
    assert "主任調査員" in last and f"R9-{rows - 1:05d}" in last and "番号" in last


@pytest.mark.parametrize("where", ["cell", "paragraph"])
def test_text_longer_than_a_page_goes_on_over_pages_inside_the_margins(where):
    """A note typed into a table cell or a paragraph, three pages long: every line printed,
    none below the bottom margin (only the page number is there)."""
    note = "".join(f"{n:03d}番目の所見を記録した長い文です。" for n in range(400))
    section = (
        Section("1", [Table(["番号", "所見"], [["1", note], ["2", "短い所見"]])])
        if where == "cell"
        else Section("1", paragraphs=[note, "短い所見"])
    )
    data = pdf.render(Doc("記録", [], [section], seals=()))
    texts = pages(data)
    assert len(texts) >= 3
    # the pages' own lines (the page number, the repeated header row) taken out, the note is whole
    ours = {"番号", "所見", "記録"}
    body = "".join(
        line
        for t in texts
        for line in t.splitlines()
        if line.strip() not in ours and not re.fullmatch(r"\d+/\d+", line)
    )
    assert squash(note) in squash(body)
    assert "短い所見" in texts[-1]
    bottom = 841.89 - pdf.MARGIN_BOTTOM
    words = re.findall(r'yMax="([\d.]+)">([^<]*)</word>', run("pdftotext", "-bbox", data=data, after=("-",)))
    below = {w for y, w in words if float(y) > bottom + 1}
    assert below and all(re.fullmatch(r"\d+|/", w) for w in below), below


# --------------------------------------------------------------------------- what an attacker tried


def words_at(data: bytes) -> list[tuple[float, float, float, float, str]]:
    """Every word pdftotext finds with its box: (x0, y0, x1, y1, text)."""
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        run("pdftotext", "-bbox", data=data, after=("-",)),
    )
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found]


def inside_the_margins(data: bytes, page_w: float = 595.28, page_h: float = 841.89) -> list[str]:
    """The words outside the text area (the page number below it aside)."""
    out = []
    for x0, y0, x1, y1, w in words_at(data):
        if x0 < pdf.MARGIN_SIDE - 1 or x1 > page_w - pdf.MARGIN_SIDE + 1 or y0 < pdf.MARGIN_TOP - 1:
            out.append(w)
        elif y1 > page_h - pdf.MARGIN_BOTTOM + 1 and not re.fullmatch(r"\d+|/", w):
            out.append(w)
    return out


def test_seven_seal_boxes_go_above_the_facts_instead_of_over_them():
    """The report's signers and the frame's make 6-7 boxes: beside the facts they covered
    the values; now they go above them, in rows, and cover nothing."""
    seals = ("主任調査員", "副主任", "業務責任者", "品質管理者", "総括責任者", "確認印", "市確認")
    doc = Doc(
        "記録",
        [("対象期間", "2026年11月1日～2026年11月30日の検査結果")],
        [Section("1", paragraphs=["本文"])],
        seals=seals,
    )
    data = pdf.render(doc)
    words = words_at(data)
    boxes = [w for w in words if w[4] in seals]
    value = next(w for w in words if "2026年11月1日" in w[4])
    assert len(boxes) == 7 and all(b[3] < value[1] for b in boxes)  # every box above the value
    assert inside_the_margins(data) == []
    many = pdf.render(Doc("記録", [("a", "b")], [], seals=tuple(f"確認者{i}" for i in range(50))))
    assert inside_the_margins(many) == [] and pdf_text(many).count("確認者") == 50


def test_long_labels_captions_and_witnesses_stay_on_the_paper():
    doc = Doc(
        "記録",
        [("長" * 80, "値"), *((f"項目{i}", f"値{i}") for i in range(120))],
        [Section("1", [Table(["a"], [["x"]], caption="題" * 3000)])],
        seals=("業務責任者",),
        witness="W" * 12000,
    )
    data = pdf.render(doc)
    assert inside_the_margins(data) == []
    text = squash(pdf_text(data))
    assert text.count("題") == 3000 and text.count("W") == 12000 and "値119" in text


def test_header_groups_past_the_last_column_end_there():
    t = Table(["a", "b"], [["x", "y"]], groups=(("年度", 5),))
    assert "年度" in pdf_text(pdf.render(Doc("表", [], [Section("1", [t])])))
    t = Table(["a", "b", "c"], [["x", "y", "z"]], groups=(("G", 0), ("H", -1), ("年度", 3)))
    data = pdf.render(Doc("表", [], [Section("1", [t])]))
    assert inside_the_margins(data) == [] and "年度" in pdf_text(data)


def test_windows_line_ends_tabs_and_invisible_characters():
    """Text pasted from Windows ends its lines in CR LF and may hold tabs; a zero-width space or
    a direction mark shows nothing: none of them prints as 〓."""
    doc = Doc(
        "記録",
        [("備考", "一行目\r\n二行目")],
        [Section("1", [Table(["a"], [["x\r\ny"], ["p\tq"]])], ["前\u200bの\u202e文\u2028次の行\ufeff"])],
        frame=Frame(footer="\r\n\r\n会社のフッター"),
    )
    data = pdf.render(doc)
    text = pdf_text(data)
    assert "〓" not in text
    assert "一行目\n二行目" in text and "前の文\n次の行" in text and "会社のフッター" in text
    # the tab is a space (pdftotext -raw: without it, a space this narrow is not reported)
    assert "p q" in run("pdftotext", "-raw", "-enc", "UTF-8", data=data, after=("-",))
