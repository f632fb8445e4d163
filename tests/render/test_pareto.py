"""The Pareto report and chart as text: widths, words instead of ambiguous symbols, every format."""

from __future__ import annotations

import datetime as dt
import json

from inspect_tui.core.pareto import pareto
from inspect_tui.render.charts import chart_lines
from inspect_tui.render.formats import render as render_pareto
from inspect_tui.render.textwidth import width
from inspect_tui.services.quality.pareto import ParetoReport

COUNTS = {"確認不足": 5, "連絡・引継ぎの漏れ": 3, "書類の置き忘れ・紛失": 1, "移動・交通": 1, "その他": 1}


def report() -> ParetoReport:
    rows = pareto(COUNTS, last=("その他",))
    return ParetoReport(
        "incidents",
        dt.date(2027, 4, 1),
        dt.date(2027, 6, 30),
        rows,
        ward="長田区",
        issued_on=dt.date(2027, 6, 15),
    )


def test_chart_fits_80_columns_and_marks_the_vital_few_with_a_word():
    lines = chart_lines(report().rows, 80)
    assert all(width(line) <= 80 for line in lines), [width(x) for x in lines]
    # 11 in all: 5 (45.5%), 3 (72.7%), then 書類の置き忘れ・紛失 and 移動・交通 tie at 1, ordered by
    # name: 書 (U+66F8) before 移 (U+79FB) -> 書類… reaches 81.8%, crossing 80%: vital; 移動 90.9%: not.
    assert [line.endswith("重点") for line in lines] == [True, True, True, False, False]
    assert lines[2].startswith("書類の置き忘れ..")  # cut to the label width with '..', never '…'
    assert all(ch not in "".join(lines) for ch in "○×△※…")


def test_every_format():
    r = report()
    text = render_pareto(r, "text")
    assert "条件: 区: 長田区" in text and "#####" in text and "累積比率" in text
    assert (
        "重点項目（累積比率80%まで、80%を超える項目を含む）: "
        "確認不足、連絡・引継ぎの漏れ、書類の置き忘れ・紛失" in text.replace("\n", "")
    )
    md = render_pareto(r, "md")
    assert "| 1 | 確認不足 | 5 | 45.5% | 45.5% | 重点 |" in md
    csv_text = render_pareto(r, "csv")
    assert csv_text.startswith("\ufeff") and "1,確認不足,5,45.5%,45.5%,重点\r\n" in csv_text
    assert "#" not in csv_text and "グラフ" not in csv_text  # data only: the text bars stay in text and md
    data = json.loads(render_pareto(r, "json"))
    assert (
        data["total"] == 11 and data["rows"][2]["vital_few"] is True and data["rows"][3]["vital_few"] is False
    )
    html = render_pareto(r, "html")
    assert "size: A4" in html and "<svg" in html and "<script" not in html
    assert "#####" not in html and "グラフ" not in html  # the chart is drawn: no text bars beside it
    data = render_pareto(r, "xlsx")
    assert isinstance(data, bytes)
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    [chart] = sheet._charts  # a native Excel chart: the bars and the running share
    assert chart.title is not None
    assert not any("#####" in str(c.value) for row in sheet.iter_rows() for c in row if c.value)


def test_empty_period():
    r = ParetoReport("complaints", dt.date(2027, 4, 1), dt.date(2027, 4, 30), [])
    assert "この期間・条件に該当する記録はありません" in render_pareto(r, "text")
    assert chart_lines([], 80) == ["（該当なし）"]


def _ambiguous(text: str) -> set[str]:
    import unicodedata

    return {ch for ch in text if unicodedata.east_asian_width(ch) == "A"}


def test_terminal_and_text_charts_have_no_ambiguous_width_character():
    """█ and the other bar glyphs (▁▂▃▄▅▆▇ ━ ■) are two columns on a Japanese terminal."""
    from inspect_tui.core.pareto import bar
    from inspect_tui.tui.widgets.pareto_chart import chart_text

    r = report()
    drawn = {
        "chart_lines": "\n".join(chart_lines(r.rows, 80)),
        "bar": bar(3, 5, 20),
        "text": render_pareto(r, "text"),
        "md": render_pareto(r, "md"),
        "app": chart_text(r.rows, 100).plain,
    }
    for name, text in drawn.items():
        assert not _ambiguous(text), (name, _ambiguous(text))
    assert "#" * 20 in drawn["chart_lines"] and drawn["bar"] == "#" * 12
