"""The form's content points in the check screen (issue 18): one row per point the rules
raise on the form, its state in words (未確認 / 確認済 / 指摘にした), what it is and the
answers; below, the point in full with the 特記事項 that should explain it. Single keys:
c 確認済 (again: back to 未確認), f 指摘にする (a finding of this check under the point's
aspect), i 調査票の入力 (the form typed in from paper)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widgets import DataTable

from inspect_tui.tui.bindings import binding as b

STATE_STYLE = {"未確認": "bold", "確認済": "green", "指摘にした": "yellow"}


class FormPointTable(DataTable):
    """The points of the form; their single keys act on the check screen."""

    BINDINGS: ClassVar[list] = [
        b(
            "c",
            "screen.explain_point",
            "確認済",
            "review.check.explain",
            "点検ポイントを確認済にする（もう一度で戻す）",
        ),
        b(
            "f",
            "screen.point_finding",
            "指摘にする",
            "review.check.point_finding",
            "点検ポイントを指摘にする",
        ),
        b(
            "i",
            "screen.enter_form",
            "調査票入力",
            "review.check.enter_form",
            "調査票の回答と特記事項を入力する",
        ),
        b("j", "cursor_down", "下", "review.check.points_down", show=False),
        b("k", "cursor_up", "上", "review.check.points_up", show=False),
    ]


def short_head(point) -> str:
    """The point's kind in at most 16 cells: 警告コード 01, 特記事項なし, 項目間（定義）, 記入."""
    if point.kind == "relation":
        return "項目間（定義）"
    if point.kind == "note":
        return "特記事項なし"
    return point.head()


def form_point_rows(shown) -> list[tuple[str, tuple]]:
    """(row key, cells) for the table: state, what, the answers."""
    fp = shown.points if shown is not None else None
    if fp is None:
        return []
    if fp.stored is None:
        return [("none", (Text("－"), "調査票の内容なし", "i で入力、または form import"))]
    if fp.stored.form is None:
        return [("none", (Text("－"), "調査票は消去済み", "提出後3か月を過ぎました"))]
    if not fp.points:
        return [("none", (Text("－"), "点検ポイントなし", "i で入力を直せます"))]
    rows = []
    for p in fp.points:
        answers = "、".join(f"{a.item}「{a.text}」" for a in p.point.answers)
        rows.append((p.point.key, (Text(p.state, style=STATE_STYLE[p.state]), short_head(p.point), answers)))
    return rows


def point_detail(shown, key: str | None) -> Text:
    """The point under the cursor in full, with the 特記事項 of the items that should explain it."""
    t = Text()
    fp = shown.points if shown is not None else None
    found = fp.find(key) if fp is not None and key else None
    if found is None:
        t.append(
            "調査票の点検ポイント: c 確認済  f 指摘にする  i 調査票の入力（Tab でこの表へ）", style="dim"
        )
        return t
    p = found.point
    # the notes first: at 80x24 the panel has three lines, and the note is what to look at
    for code in p.notes:
        text = shown.notes.get(code, "").strip()
        t.append(f"特記事項 {code}: ")
        t.append(text if text else "（なし）", style="" if text else "bold")
        t.append("\n")
    t.append(f"{p.message}", style="bold")
    t.append(f"［{p.source}{'・テキストの定義から' if p.derived else ''}］")
    return t
