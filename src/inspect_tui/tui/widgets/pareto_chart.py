"""A Pareto chart in the app: bars, counts, shares, running shares and the word 重点 on
the vital few.

The bars are spaces in reverse video, not the block █ (East-Asian ambiguous width: two
columns on a Japanese terminal). Reverse is an attribute, not a colour, so it stays when
the app runs with NO_COLOR=1 (Textual's NoColor and Monochrome filters drop or grey the
colours and keep the attributes); a background colour alone would vanish there."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from inspect_tui.render.charts import chart_parts

#: the bars' style: reverse video (seen with or without colour)
BAR_STYLE = "reverse"


def chart_text(rows, width: int) -> Text:
    """The chart's item lines, each bar a run of reversed spaces."""
    out = Text()
    parts = chart_parts(rows, width)
    if not parts:
        return Text("（該当なし）")
    for i, line in enumerate(parts):
        if i:
            out.append("\n")
        out.append(f"{line.label} ")
        out.append(" " * line.bar, style=BAR_STYLE)
        out.append(f"{' ' * (line.room - line.bar)} {line.tail}")
    return out


class ParetoChart(Static):
    DEFAULT_CSS = """
    ParetoChart { height: auto; padding: 1 0; }
    """

    def show(self, report) -> None:
        """Draw a services.quality_pareto.ParetoReport."""
        width = max(60, (self.size.width or self.app.size.width) - 2)
        text = Text(
            f"{report.title}  {report.date_from} 〜 {report.date_to}  条件: {report.filter_text()}"
            f"  計 {report.total} 件\n\n"
        )
        text.append_text(chart_text(report.rows, width))
        vital = report.vital_few
        if vital:
            text.append(
                f"\n\n重点項目（累積80%まで。80%を超える項目を含む）: {'、'.join(r.name for r in vital)}"
            )
        self.update(text)

    def explain(self, text: str) -> None:
        self.update(Text(text))
