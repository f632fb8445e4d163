"""The earlier findings a check looks at again (issue 17 item 2; 001 §5(3)②): one row per
finding of the surveyor's earlier forms not yet improved, with where it was found, the
aspect, the note and the guidance given; this check's look in words (改善 / 継続指導, or
前回の状態). Single keys: y 改善, n 継続指導, x 取り消す (while the check is open)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widgets import DataTable

from inspect_tui.core import review as rules
from inspect_tui.tui.bindings import binding as b

LOOK_STYLE = {"improved": "green", "continue": "yellow"}


class FollowTable(DataTable):
    """The earlier points; their single keys act on the check screen."""

    BINDINGS: ClassVar[list] = [
        b("y", "screen.follow('improved')", "改善", "review.check.improved", "前回までの指摘が改善した"),
        b(
            "n",
            "screen.follow('continue')",
            "継続指導",
            "review.check.continue",
            "まだ改善していない（指導を続ける）",
        ),
        b(
            "x,delete",
            "screen.follow('')",
            "取消",
            "review.check.follow_clear",
            "この点検での確認を取り消す",
            show=False,
        ),
        b("j", "cursor_down", "下", "review.check.follow_down", show=False),
        b("k", "cursor_up", "上", "review.check.follow_up", show=False),
    ]


def look_cell(p) -> Text:
    """This check's look in words, or the state before it (前回 継続指導 / 未確認)."""
    if p.mine:
        return Text(rules.FOLLOW_LABELS[p.mine], style=f"bold {LOOK_STYLE[p.mine]}")
    if p.state == "continue":
        return Text("前回継続", style="bold")
    return Text("未確認", style="bold")


def follow_rows(points) -> list[tuple[str, tuple]]:
    """(row key, cells): この点検, 件目, 点検項目, 指摘と指導."""
    rows: list[tuple[str, tuple]] = []
    for p in points:
        f = p.finding
        what = Text(f.note or rules.SEVERITY_LABELS[f.severity])
        if f.item_code:
            what = Text(f"{f.item_code} ").append_text(what)
        what.append(f" ／指導: {f.guidance}" if f.guidance else " ／指導: （記録なし）", style="dim")
        rows.append((str(p.id), (look_cell(p), p.where, rules.POINT_SHORT[f.point], what)))
    return rows


def follow_summary(points) -> str:
    """How many of the earlier points this check has not looked at yet (for the status line)."""
    left = sum(1 for p in points if p.mine is None)
    return f"前回の指導 {left} 件（y 改善・n 継続）" if left else ""
