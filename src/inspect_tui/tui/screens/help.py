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
        t.add_column("すること", ratio=1, overflow="fold")  # Japanese has no spaces to wrap at
        t.add_column("ID（設定で変更）", no_wrap=True, style="dim")
        by_id: dict[str, list] = {}
        for active in self.under.active_bindings.values():
            b = active.binding
            if not b.id or b.id.startswith("dialog."):
                continue  # Textual's own scrolling keys etc.: not ours to explain
            entry = by_id.setdefault(b.id, [b, []])
            entry[1].append(self.app.get_key_display(b))

        def group(bid: str) -> int:
            for rank, prefix in enumerate(("list.", "screen.", "app.")):
                if bid.startswith(prefix):
                    return rank + 1
            return 0  # this screen's own keys first

        order = sorted(by_id, key=lambda bid: group(bid))
        last = None
        for bid in order:
            b, keys = by_id[bid]
            if last is not None and group(bid) != last:
                t.add_row("", "", "")
            last = group(bid)
            t.add_row(" / ".join(dict.fromkeys(keys)), b.tooltip or b.description, bid)
        t.add_row("", "", "")
        t.add_row("ctrl+p", "操作・画面・テーマを名前で探す（コマンドパレット）", "")
        return t

    async def action_back(self) -> None:
        self.dismiss(None)
