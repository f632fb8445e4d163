"""The charts of the html and PDF (render/svg.py): well-formed SVG, bars and lines in
proportion to the figures, the Pareto chart's 80% line, gaps for missing figures, hostile
text escaped, and the demo's monthly, Pareto and KPI reports drawing them."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from inspect_tui.core.document import Chart, Doc, Num, Section, SeriesChart, Table
from inspect_tui.core.metrics import parse_month
from inspect_tui.core.pareto import pareto
from inspect_tui.render import html, svg
from inspect_tui.render.formats import render
from inspect_tui.services.quality.pareto import ParetoReport, pareto_doc
from inspect_tui.services.reports.monthly_doc import trend_table
from pdftext import pdf_missing, pdf_text

NS = "{http://www.w3.org/2000/svg}"
COUNTS = {"確認不足": 5, "連絡・引継ぎの漏れ": 3, "書類の置き忘れ・紛失": 1, "移動・交通": 1, "その他": 1}


def parse(text: str) -> ET.Element:
    root = ET.fromstring(text)  # well-formed, or this raises
    assert root.tag == f"{NS}svg"
    return root


def find(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    return [e for e in root.iter(f"{NS}{tag}") if cls is None or e.get("class") == cls]


def texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{NS}text")]


def points(e: ET.Element) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in e.get("points", "").split())]


def pareto_report() -> ParetoReport:
    return ParetoReport(
        "incidents",
        dt.date(2027, 4, 1),
        dt.date(2027, 6, 30),
        pareto(COUNTS, last=("その他",)),
        issued_on=dt.date(2027, 6, 15),
    )


def pareto_table() -> Table:
    return next(t for s in pareto_doc(pareto_report()).sections for t in s.tables if t.chart)


# --------------------------------------------------------------------------- the Pareto chart


def test_pareto_bars_in_proportion_with_the_running_share_and_the_80_percent_line():
    root = parse(svg.table_chart(pareto_table()))
    bars = find(root, "rect", "bar")
    assert len(bars) == 5  # one per item, not the 合計 row
    heights = [float(b.get("height")) for b in bars]
    for h, n in zip(heights, [5, 3, 1, 1, 1], strict=True):
        assert h / heights[0] == pytest.approx(n / 5, abs=0.002)
    # the running share: 5 points rising to 100% at the top of the share axis
    (share,) = find(root, "polyline", "share")
    ys = [y for _, y in points(share)]
    axis = [e for e in find(root, "line") if e.get("x1") == e.get("x2")]
    right = max(axis, key=lambda e: float(e.get("x1")))  # the share axis, at the right
    top, bottom = float(right.get("y1")), float(right.get("y2"))
    assert len(ys) == 5 and ys == sorted(ys, reverse=True) and ys[-1] == pytest.approx(top, abs=0.1)
    assert (bottom - ys[0]) / (bottom - top) == pytest.approx(5 / 11, abs=0.002)  # 45.5%
    # the dashed 80% line across the plot, with its label
    (mark,) = find(root, "line", "share-mark")
    assert mark.get("stroke-dasharray")
    assert (bottom - float(mark.get("y1"))) / (bottom - top) == pytest.approx(0.8, abs=0.002)
    words = texts(root)
    assert "80%" in words and "件数" in words and "累積比率" in words
    (bar_group,) = find(root, "g", "bars")
    assert texts(bar_group) == ["5", "3", "1", "1", "1"]  # each bar's count, as the table prints it
    assert "パレート分析（事故・インシデント）" in words  # the title


def test_long_labels_are_cut_with_two_dots_never_the_ambiguous_ellipsis():
    rows = [[f"とても長い項目の名前がここにあります{i}", 10 - i] for i in range(8)]
    t = Table(["項目", "件数"], rows, chart=Chart("長い名前", 0, 1, "件数", 8))
    root = parse(svg.table_chart(t))
    labels = [e.text for e in find(root, "text") if e.get("transform")]
    assert len(labels) == 8 and all(label.endswith("..") for label in labels)
    assert "…" not in svg.table_chart(t)


# --------------------------------------------------------------------------- the monthly trend


def test_monthly_trend_draws_three_lines_of_twelve_months():
    trend = [
        (parse_month(f"2026-{m:02d}" if m > 5 else f"2027-{m:02d}"), 100 + m, 90 + m, 80)
        for m in range(1, 13)
    ]
    trend.sort(key=lambda r: r[0].start)
    root = parse(svg.table_chart(trend_table(trend)))
    lines = find(root, "polyline", "series")
    assert len(lines) == 3 and all(len(points(e)) == 12 for e in lines)
    assert not find(root, "rect", "bar")
    words = texts(root)
    assert {"依頼受理", "調査票提出", "受理（履行件数）", "直近12か月の処理件数"} <= set(words)
    # the same month, the same x; more cases, higher on the page
    received, submitted, accepted = (points(e) for e in lines)
    assert [x for x, _ in received] == [x for x, _ in accepted]
    assert all(r[1] < s[1] < a[1] for r, s, a in zip(received, submitted, accepted, strict=True))


def test_grouped_bars_for_more_columns():
    rows = [["4月", 10, 5], ["5月", 20, 0]]
    t = Table(["月", "受理", "遅延"], rows, chart=Chart("推移", 0, 1, "件数", 2, more_columns=(2,)))
    bars = find(parse(svg.table_chart(t)), "rect", "bar")
    assert [float(b.get("height")) > 0 for b in bars] == [True, True, True, False]
    assert float(bars[1].get("height")) == pytest.approx(2 * float(bars[0].get("height")), abs=0.01)
    assert len({b.get("fill") for b in bars}) == 2  # the series in two grey shades


# --------------------------------------------------------------------------- a KPI's series


def test_series_chart_leaves_gaps_for_missing_figures_and_prints_the_unit():
    c = SeriesChart(
        "受理件数（KGI）",
        ("令和9年度", "令和10年度", "令和11年度", "令和12年度", "令和13年度"),
        (
            ("目標値", (14550.0, 14650.0, None, 14850.0, 15000.0)),
            ("実績値", (3125.0, None, None, None, None)),
        ),
        "件",
    )
    root = parse(svg.series_chart(c))
    target, actual = (g for g in find(root, "g", "line"))
    # the target: two runs around the missing year; the actual: one point, no line
    runs = find(target, "polyline", "series")
    assert [len(points(e)) for e in runs] == [2, 2]
    assert not find(actual, "polyline") and len(find(actual, "rect")) == 1  # a square marker
    assert len(find(target, "circle")) == 4
    xs = {x for e in runs for x, _ in points(e)}
    assert len(xs) == 4  # no point at 令和11年度
    words = texts(root)
    assert "14,550件" in words and "3,125件" in words and "件" in words  # as printed, the unit on the axis
    assert {"目標値", "実績値", "令和11年度"} <= set(words)
    assert "15,000" in words  # round ticks with thousands separators


def test_round_ticks_and_numbers_as_printed():
    assert svg.nice_ticks(0, 13) == [0, 5, 10, 15]
    assert svg.nice_ticks(0, 14850) == [0, 5000, 10000, 15000]
    assert svg.nice_ticks(0, 99.5) == [0, 20, 40, 60, 80, 100]
    assert svg.number_text(14550) == "14,550" and svg.number_text(99.5, "%") == "99.5%"
    assert svg.number_text(12.0, "件") == "12件"


# --------------------------------------------------------------------------- hostile text


HOSTILE = '<script>alert("x")</script> & \x1b[31m\x07 "q"'


def test_hostile_labels_are_escaped_and_control_characters_shown():
    t = Table(["名前", "件数"], [[HOSTILE, 3], ["普通", 1]], chart=Chart(HOSTILE, 0, 1, HOSTILE, 2))
    c = SeriesChart(HOSTILE, (HOSTILE, "令和9年度"), ((HOSTILE, (1.0, 2.0)),), HOSTILE)
    for out in (svg.table_chart(t), svg.series_chart(c)):
        root = parse(out)
        assert not any(e.tag.endswith("script") for e in root.iter())
        assert "\x1b" not in out and "\x07" not in out and "<script" not in out
        assert any("<script>" in w and "\\x1b" in w for w in texts(root))  # shown as text
        assert root.get("aria-label", "").startswith("<script>")
    page = html.render(Doc("t", [], [Section("s", [t], charts=[c])]))
    assert "<script" not in page and page.count("<svg") == 2


# --------------------------------------------------------------------------- in the documents


def test_html_puts_a_tables_chart_after_it_and_series_charts_after_the_section():
    c = SeriesChart("系列", ("令和9年度",), (("目標値", (1.0,)),), "件")
    t = Table(["名前", "件数"], [["a", Num(3, "件")]], caption="表", chart=Chart("表の図", 0, 1, "件数", 1))
    page = html.render(Doc("t", [], [Section("s", [t], ["注記"], charts=[c])]))
    assert page.index("</table>") < page.index("表の図") < page.index("注記") < page.index("系列")
    assert page.count('<figure class="chart') == 2 and "break-inside: avoid" in page
    assert "http" not in page  # no URL at all: inline, the svg needs no namespace
    # an empty table draws no chart
    empty = Table(["名前", "件数"], [], chart=Chart("空", 0, 1, "件数", 0))
    assert "<svg" not in html.render(Doc("t", [], [Section("s", [empty])]))


@pytest.mark.parametrize(
    ("argv", "title"),
    [
        (["monthly", "--month", "2027-05", "--as-of", "2027-06-15"], "直近12か月の処理件数"),
        (
            ["pareto", "--from", "2026-04-01", "--to", "2027-06-15", "--of", "findings"],
            "パレート分析（点検の指摘）",
        ),
        (["kpi", "--fy", "2027", "--as-of", "2027-06-15"], "（KGI）"),
    ],
)
def test_the_demos_reports_draw_their_charts(demo_db, cli, argv, title):
    code, out, err = cli("report", *argv, "--format", "html", db=demo_db)
    assert code == 0, err
    charts = re.findall(r"<svg.*?</svg>", out, re.S)
    assert charts and all(parse(c.replace("<svg", "<svg" + svg.SVG_NS, 1)) is not None for c in charts)
    assert any(title in c for c in charts)


@pytest.mark.skipif(bool(pdf_missing()), reason=pdf_missing() or "PDF can be made")
def test_the_pdf_shows_the_chart_with_its_figures():
    data = render(pareto_report(), "pdf")
    text = pdf_text(data)
    # the table's figures, then the chart's: its title, axis and legend words, the 80% mark
    assert "45.5%" in text and "100.0%" in text
    chart = text[text.index("合計") :]
    for word in ("パレート分析（事故・インシデント）", "件数", "累積比率", "80%", "0%", "100%"):
        assert word in chart, word
    assert re.search(r"確認不足.*連絡・引継ぎの漏れ", re.sub(r"\s+", "", chart))


def test_same_figures_at_one_place_are_labelled_once_and_counts_get_whole_ticks():
    c = SeriesChart(
        "苦情件数（KPI）",
        ("令和9年度", "令和10年度"),
        (("目標値", (0.0, 0.0)), ("実績値", (0.0, None))),
        "件",
    )
    root = parse(svg.series_chart(c))
    words = texts(root)
    assert words.count("0件") == 2  # one per year, not one per series
    ticks = [w for w in words if re.fullmatch(r"[\d.,]+", w)]
    assert ticks == ["0", "1"]  # no 0.2 of a complaint


def test_line_values_beside_the_table_draw_the_share_line_without_a_mark():
    t = Table(["名前", "件数"], [["a", 3], ["b", 1]], chart=Chart("図", 0, 1, "件数", 2, (0.75, 1.0), "累積"))
    root = parse(svg.table_chart(t))
    (share,) = find(root, "polyline", "share")
    assert len(points(share)) == 2 and not find(root, "line", "share-mark")
    assert "累積" in texts(root)


def test_a_figure_no_chart_can_draw_is_a_gap_not_a_traceback():
    """An infinite, NaN or astronomically large figure (10**400 does not even fit a float)
    is left out of the chart, which still draws the others, in html and in the PDF."""
    from decimal import Decimal

    from inspect_tui.core.document import Percent
    from inspect_tui.render import pdf

    rows = [
        ["a", 5, Percent(Decimal("50.0"))],
        ["b", 10**400, Percent(Decimal("Infinity"))],
        ["c", Num(7, "件"), None],
    ]
    table = Table(
        ["区分", "件数", "比率"],
        rows,
        chart=Chart("図", 0, 1, "件数", 3, line_values=(0.5, float("inf"), 1e308)),
    )
    series = SeriesChart(
        "推移", ("令和7年度", "令和8年度", "令和9年度"), (("実績値", (1e308, float("nan"), 3.0)),), "件"
    )
    assert "<svg" in svg.table_chart(table) and "<svg" in svg.series_chart(series)
    doc = Doc("図", [], [Section("1", [table], charts=[series])])
    assert "推移" in html.render(doc)
    if not pdf_missing():
        assert "推移" in pdf_text(pdf.render(doc))
