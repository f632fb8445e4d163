"""tui/widgets/cell_table.py draws what Rich's Table drew in the Today screen's panels (the
oracle: Rich's Table with the options the panels used), at the panels' widths and narrower."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from inspect_tui.tui.widgets.cell_table import CellTable

DEADLINES = (
    ["期限", "超過", "本日", "2開庁日内"],
    [
        ["日程調整連絡", "6", "0", "2"],
        ["標準提出期限", "1,221", "13", "68"],
        ["20日目標", "4", "0", "0"],
        ["緊急・未訪問", "7", "", ""],
    ],
)
BACKLOG = (
    ["区", "件", "調査員（多い順）", "件"],
    [
        ["長田区", "154", "夕凪 綾", "32"],
        ["須磨区", "1,152", "浜里 拓也", "28"],
        ["", "", "岩肌 健太郎右衛門", "7"],
    ],
)


def lines(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(renderable, crop=True)
    return console.export_text().splitlines()


def rich_deadlines() -> Table:
    t = Table(box=None, pad_edge=False, expand=False, header_style="bold", padding=(0, 1))
    for i, h in enumerate(DEADLINES[0]):
        t.add_column(h, justify="right" if i else "left")
    for row in DEADLINES[1]:
        t.add_row(*row)
    return t


def rich_backlog() -> Table:
    t = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1), expand=True)
    t.add_column("区", no_wrap=True)
    t.add_column("件", justify="right", no_wrap=True)
    t.add_column("調査員（多い順）", no_wrap=True, overflow="crop", ratio=1)
    t.add_column("件", justify="right", no_wrap=True)
    for row in BACKLOG[1]:
        t.add_row(*row)
    return t


@pytest.mark.parametrize("width", [56, 40, 36])
def test_the_deadlines_read_as_richs_table(width):
    assert lines(CellTable(*DEADLINES, right=(1, 2, 3)), width) == lines(rich_deadlines(), width)


@pytest.mark.parametrize("width", [56, 40, 34])
def test_the_backlog_reads_as_richs_table_the_names_cut_to_the_width(width):
    ours = lines(CellTable(*BACKLOG, right=(1, 3), fill=2), width)
    assert ours == lines(rich_backlog(), width)
    assert all(cell_len(line) <= width for line in ours)


def test_a_cell_keeps_its_style_and_the_header_is_bold():
    console = Console(width=40, color_system="truecolor", legacy_windows=False)
    table = CellTable(
        ["期限", "超過"],
        [["標準", Text("23", style="bold red")], ["20日", Text("0", style="dim")]],
        right=(1,),
    )
    segments = list(console.render(table, console.options))
    styled = {seg.text.strip(): seg.style for seg in segments if seg.text.strip()}
    assert styled["23"].bold and styled["23"].color.name == "red"
    assert styled["0"].dim
    assert styled["期限"].bold and styled["超過"].bold
    assert not (styled["標準"] and styled["標準"].bold)


def test_too_narrow_a_panel_cuts_and_never_overflows():
    for width in (12, 8, 3):
        for line in lines(CellTable(*BACKLOG, right=(1, 3), fill=2), width):
            assert cell_len(line) <= width
