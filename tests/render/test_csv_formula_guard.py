"""CSV cells a spreadsheet would run as formulas are written as text, by the one guard
(render/excel_safe.py); the empty-cell mark and plain numbers stay as they are."""

from __future__ import annotations

import csv
import io

from inspect_tui.core.document import Doc, Section, Table
from inspect_tui.render.csv_out import render


def _cells(rows: list[list]) -> list[str]:
    doc = Doc("報告", [("対象月", "2027-05")], [Section("表", [Table(["値"] * len(rows[0]), rows)])])
    parsed = list(csv.reader(io.StringIO(render(doc).removeprefix("\ufeff"))))
    return parsed[-1]


def test_full_width_and_at_formulas_are_guarded_like_ascii_ones():
    assert _cells([["＝HYPERLINK(1)", "@SUM(A1)", "+1+1", "=1+1"]]) == [
        "'＝HYPERLINK(1)",
        "'@SUM(A1)",
        "'+1+1",
        "'=1+1",
    ]


def test_empty_cells_and_numbers_stay_bare():
    assert _cells([[None, 5, -3, "-5", "普通の文"]]) == ["－", "5", "-3", "-5", "普通の文"]
