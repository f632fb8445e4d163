"""Charts drawn with characters, for a terminal: a Pareto chart of bars, counts and shares.

The bars are ASCII ``#`` (core.pareto.BAR_CHAR): the block █ and the other bar glyphs
(▁▂▃▄▅▆▇ ━ ■) are East-Asian ambiguous width, two columns on a Japanese terminal, which
would push every line past its place. No colour; vital-few items are marked with the
word 重点, so the chart reads the same on any terminal or printout. The app draws the same
lines with its bars in reverse video (tui/widgets/pareto_chart.py, from ``chart_parts``).
"""

from __future__ import annotations

from inspect_tui.core.pareto import BAR_CHAR, ParetoRow, bar_length
from inspect_tui.core.records import record
from inspect_tui.render.textwidth import width


@record(frozen=True)
class ChartLine:
    """One item's line: its label (padded), its bar's length out of ``room`` columns, and
    the figures after the bar."""

    label: str
    bar: int
    room: int
    tail: str

    def text(self, fill: str = BAR_CHAR) -> str:
        return f"{self.label} {fill * self.bar}{' ' * (self.room - self.bar)} {self.tail}"


def chart_parts(rows: list[ParetoRow], total_width: int = 80, label_width: int = 16) -> list[ChartLine]:
    """Each item's line of the chart, as parts (the app styles the bar)."""
    if not rows:
        return []
    largest = max(r.count for r in rows)
    count_w = max(len(str(r.count)) for r in rows)
    tail = 2 + count_w + 1 + 7 + 7 + 6  # " 12件  41.7%  累積 58.3%  重点"
    bar_w = max(5, total_width - label_width - tail - 8)
    return [
        ChartLine(
            _fit(r.name, label_width),
            bar_length(r.count, largest, bar_w),
            bar_w,
            f"{r.count:>{count_w}}件 {r.share_pct:>6} 累積{r.cumulative_pct:>6}{'  重点' if r.vital else ''}",
        )
        for r in rows
    ]


def chart_lines(rows: list[ParetoRow], total_width: int = 80, label_width: int = 16) -> list[str]:
    """A plain-text Pareto chart: one line per item with a ``#`` bar, count, share and
    running share."""
    if not rows:
        return ["（該当なし）"]
    return [line.text() for line in chart_parts(rows, total_width, label_width)]


def _fit(text: str, cols: int) -> str:
    """Cut (marking the cut with '..', never the ambiguous-width '…') or pad to ``cols`` columns."""
    if width(text) > cols:
        out, w = "", 0
        for ch in text:
            if w + width(ch) > cols - 2:
                break
            out += ch
            w += width(ch)
        text = out + ".."
    return text + " " * max(0, cols - width(text))
