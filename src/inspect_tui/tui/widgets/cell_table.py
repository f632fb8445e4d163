"""A table of short cells in fixed columns, for the Today screen's panels: what Rich's Table
drew there (no box, two spaces between columns, a bold header, numbers on the right, one
column that takes the rest of the width and is cut), in a fraction of its time.

Rich's Table measures every cell's minimum and maximum width, wraps each to its column and
renders it as a renderable of its own: 5 ms for the deadlines' four rows and 21 ms for the
backlog's thirty at 1M cases (2026-12-07, in the frame that first shows the figures). These
cells are single lines, so a column is as wide as its widest cell and a line is the cells
fitted to their columns (Rich's Text measures cells: a CJK character takes two).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

Cell = str | Text


class CellTable:
    """Rows of single-line cells under a bold header, two spaces between columns (Rich's
    Table with ``padding=(0, 1), pad_edge=False``). ``right`` names the columns set on the
    right; ``fill`` is the column that takes the width left over (cut when it is short);
    without one the table is as wide as its cells, the widest cut first if they do not fit."""

    GAP = 2

    def __init__(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        right: Sequence[int] = (),
        fill: int | None = None,
    ) -> None:
        self.header = [Text(h, style="bold") for h in header]
        self.rows = [[c if isinstance(c, Text) else Text(c) for c in row] for row in rows]
        self.right = frozenset(right)
        self.fill = fill
        #: each column as wide as its widest cell (Textual measures, then draws: both read it)
        self.natural = [
            max(cell.cell_len for cell in column) for column in zip(self.header, *self.rows, strict=True)
        ]

    def _widths(self, max_width: int) -> list[int]:
        widths = list(self.natural)
        gaps = self.GAP * (len(widths) - 1)
        if self.fill is not None:
            others = sum(w for i, w in enumerate(widths) if i != self.fill) + gaps
            widths[self.fill] = max(0, max_width - others)
        while sum(widths) + gaps > max_width and max(widths) > 1:
            widths[widths.index(max(widths))] -= 1
        return widths

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        natural = sum(self.natural) + self.GAP * (len(self.header) - 1)
        widest = options.max_width if self.fill is not None else natural
        return Measurement(min(natural, options.max_width), min(widest, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self._widths(options.max_width)
        for cells in (self.header, *self.rows):
            line = Text(no_wrap=True, overflow="crop")
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
                if i:
                    line.append(" " * self.GAP)
                fitted = cell.copy()
                fitted.align("right" if i in self.right else "left", width)  # cut or padded to it
                line.append_text(fitted)
            yield line
