"""The six points of a check and their findings as table rows, and the table whose
single keys (o, a, 1/2/3, e, x) drive the check screen."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widgets import DataTable

from inspect_tui.core import review as rules
from inspect_tui.tui.bindings import binding as b

SEVERITY_KEYS = {"1": "minor", "2": "fix", "3": "serious"}
SEVERITY_STYLE = {"minor": "yellow", "fix": "bold yellow", "serious": "bold red"}


class PointTable(DataTable):
    """The six points and their findings; the single keys of the check live here."""

    BINDINGS: ClassVar[list] = [
        b("o,space", "screen.mark_ok", "OK", "review.check.ok", "この点検項目は問題なし", key_display="o"),
        b("a", "screen.rest_ok", "残りOK", "review.check.rest_ok", "未確認の項目をすべて OK にする"),
        b("1", "screen.finding('minor')", "軽微", "review.check.minor", "指摘（軽微）を記録する"),
        b("2", "screen.finding('fix')", "要修正", "review.check.fix", "指摘（要修正）を記録する"),
        b("3", "screen.finding('serious')", "重大", "review.check.serious", "指摘（重大）を記録する"),
        b(
            "e,enter",
            "screen.edit_finding",
            "詳細",
            "review.check.edit",
            "指摘の調査項目とメモを書く",
            show=False,
        ),
        b(
            "x,delete",
            "screen.clear_row",
            "取消",
            "review.check.clear",
            "指摘を消す／項目を未確認に戻す",
            show=False,
        ),
        b("j", "cursor_down", "下", "review.check.down", show=False),
        b("k", "cursor_up", "上", "review.check.up", show=False),
    ]


def point_rows(rec) -> list[tuple[str, tuple]]:
    """(row key, cells) for the point table."""
    rows: list[tuple[str, tuple]] = []
    for p in rules.CHECK_POINTS:
        outcome = rec.outcomes.get(p.id)
        found = rec.findings_on(p.id)
        if found:
            result = Text(f"指摘{len(found)}", style="bold")
        elif outcome == "ok":
            result = Text("OK", style="green")
        else:
            result = Text("未確認", style="dim")
        rows.append((f"p:{p.id}", (Text(p.label, style="bold"), result, "", "")))
        for f in found:
            item = rules.item_label(f.item_code) if f.item_code else ""
            sev = Text(rules.SEVERITY_LABELS[f.severity], style=SEVERITY_STYLE[f.severity])
            note = Text(f.note)
            if f.guidance:
                note.append(f" ／指導: {f.guidance}", style="dim")
            rows.append((f"f:{f.id}", (Text("    指摘", style="dim"), sev, item, note)))
    return rows
