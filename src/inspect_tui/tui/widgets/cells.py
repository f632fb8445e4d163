"""Text fitted to a number of terminal cells (a CJK character takes two)."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size


def fit(text: str, width: int, right: bool = False) -> str:
    """text padded or cut to exactly width cells."""
    if cell_len(text) > width:
        return set_cell_size(text, width)
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad
