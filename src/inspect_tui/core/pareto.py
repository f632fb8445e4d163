"""Pareto analysis (パレート分析): counts per cause or category, largest first.

Pure: a mapping of names to counts in, ordered rows out. The rules, so that
two people computing by hand get the same table:

- Items with a count of 0 are left out; negative counts are an error.
- Order: count, largest first; equal counts by name (Python string order, so
  the same every time). Names listed in ``last`` (「その他」 by custom) go to
  the end whatever their count, as on a hand-drawn Pareto chart.
- Share (構成比) = count / total. Running share (累積比率) = the sum of the
  counts so far / total, computed exactly (fractions), not by adding rounded
  percentages, so the last row is exactly 100%.
- Vital few (重点項目): every item whose running share *before* it is below
  the threshold (80%). So the item that crosses 80% IS part of the vital few,
  and so is an item that lands exactly on 80%; the items after it are not.
  The first item is always vital. With ties at the boundary, the name order
  above decides which of the tied items comes first; the later one is outside
  the vital few (the table shows the counts, so the reader sees the tie).
- Percentages for display are rounded half up to one decimal place.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from inspect_tui.core.records import record

THRESHOLD = Fraction(4, 5)


@record(frozen=True)
class ParetoRow:
    rank: int
    name: str
    count: int
    share: Fraction  # count / total
    cumulative: Fraction  # running share, including this row
    vital: bool

    @property
    def share_pct(self) -> str:
        return percent(self.share)

    @property
    def cumulative_pct(self) -> str:
        return percent(self.cumulative)


def percent(value: Fraction) -> str:
    """0.4166… -> '41.7%' (half up, one decimal)."""
    d = (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return f"{d}%"


def pareto(
    counts: Mapping[str, int],
    *,
    threshold: Fraction = THRESHOLD,
    last: Collection[str] = (),
) -> list[ParetoRow]:
    """Rows in Pareto order with shares, running shares and the vital-few mark."""
    for name, n in counts.items():
        if n < 0:
            raise ValueError(f"「{name}」の件数が負です: {n}")
    items = [(name, n) for name, n in counts.items() if n > 0]
    total = sum(n for _, n in items)
    if total == 0:
        return []
    items.sort(key=lambda it: (it[0] in last, -it[1], it[0]))
    rows: list[ParetoRow] = []
    running = 0
    for rank, (name, n) in enumerate(items, 1):
        before = Fraction(running, total)
        running += n
        rows.append(
            ParetoRow(
                rank=rank,
                name=name,
                count=n,
                share=Fraction(n, total),
                cumulative=Fraction(running, total),
                vital=before < threshold,
            )
        )
    return rows


#: what a plain-text bar is drawn with: ASCII, one column wide on every terminal and printer
#: (the block █ is East-Asian ambiguous width: two columns on a Japanese terminal)
BAR_CHAR = "#"


def bar_length(count: int, largest: int, width: int = 20) -> int:
    """How many columns a bar takes, scaled so the largest count fills ``width``.

    Any count above zero gets at least one column, so a small item never looks
    like nothing.
    """
    if count <= 0 or largest <= 0:
        return 0
    n = int(Fraction(count * width, largest) + Fraction(1, 2))  # half up
    return max(1, min(width, n))


def bar(count: int, largest: int, width: int = 20) -> str:
    """A plain-text bar of ``#`` characters (``bar_length`` of them)."""
    return BAR_CHAR * bar_length(count, largest, width)
