"""Charts drawn with characters, for a terminal: a Pareto chart of bars, counts and shares.

No colour and no ambiguous-width symbols beyond the bar itself; vital-few items are
marked with the word 重点, so the chart reads the same on any terminal or printout.
"""

from __future__ import annotations

from inspect_tui.core.pareto import ParetoRow, bar
from inspect_tui.render.textwidth import width


def chart_lines(rows: list[ParetoRow], total_width: int = 80, label_width: int = 16) -> list[str]:
    """A plain-text Pareto chart: one line per item with a █ bar, count, share and running share.

    No colour and no ambiguous-width symbols; vital-few items are marked with
    the word 重点, so the chart reads the same on any terminal or printout.
    """
    if not rows:
        return ["（該当なし）"]
    largest = max(r.count for r in rows)
    count_w = max(len(str(r.count)) for r in rows)
    tail = 2 + count_w + 1 + 7 + 7 + 6  # " 12件  41.7%  累積 58.3%  重点"
    bar_w = max(5, total_width - label_width - tail - 8)
    out = []
    for r in rows:
        name = _fit(r.name, label_width)
        b = bar(r.count, largest, bar_w)
        out.append(
            f"{name} {b}{' ' * (bar_w - len(b))} {r.count:>{count_w}}件 {r.share_pct:>6} "
            f"累積{r.cumulative_pct:>6}{'  重点' if r.vital else ''}"
        )
    return out


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
