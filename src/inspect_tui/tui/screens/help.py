"""``?``: the keys of the screen underneath, read from the same Binding declarations
as the footer and the command palette (ids shown for remapping in the config)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from inspect_tui.tui.bindings import BACK


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar = [BACK]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help") as box:
            box.border_title = "キー一覧（Esc で閉じる・ctrl+p で操作を検索）"
            yield Static(self._table(), id="help-table")

    def _table(self) -> Table:
        t = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1), expand=True)
        t.add_column("キー", no_wrap=True)
        t.add_column("操作", no_wrap=True)
        t.add_column("説明", ratio=1)
        t.add_column("ID（設定で変更）", no_wrap=True, style="dim")
        by_id: dict[str, list] = {}
        order: list[str] = []
        for active in self.under.active_bindings.values():
            b = active.binding
            bid = b.id or f"({b.action})"
            if bid.startswith("dialog.") or b.action in ("command_palette",):
                if b.action != "command_palette":
                    continue
            if bid not in by_id:
                by_id[bid] = [b, []]
                order.append(bid)
            by_id[bid][1].append(self.app.get_key_display(b))
        for bid in order:
            b, keys = by_id[bid]
            t.add_row(" / ".join(dict.fromkeys(keys)), b.description or b.action, b.tooltip or "",
                      bid if b.id else "")
        return t

    async def action_back(self) -> None:
        self.dismiss(None)
