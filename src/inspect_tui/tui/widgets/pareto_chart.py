"""A Pareto chart that works in plain text: █ bars, counts, shares, running shares and
the word 重点 on the vital few. No colour needed, no ambiguous-width symbols."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from inspect_tui.render.charts import chart_lines


class ParetoChart(Static):
    DEFAULT_CSS = """
    ParetoChart { height: auto; padding: 1 0; }
    """

    def show(self, report) -> None:
        """Draw a services.quality_pareto.ParetoReport."""
        width = max(60, (self.size.width or self.app.size.width) - 2)
        lines = [
            f"{report.title}  {report.date_from} 〜 {report.date_to}  条件: {report.filter_text()}"
            f"  計 {report.total} 件",
            "",
            *chart_lines(report.rows, width),
        ]
        vital = report.vital_few
        if vital:
            lines += [
                "",
                f"重点項目（累積80%まで。80%を超える項目を含む）: {'、'.join(r.name for r in vital)}",
            ]
        self.update(Text("\n".join(lines)))

    def explain(self, text: str) -> None:
        self.update(Text(text))
