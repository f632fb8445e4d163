"""The purge could not make the file forget (another connection reads an old snapshot):
say so, and offer to try again once the others have closed. Enter tries again, Esc
closes (the palette's 個人情報の削除 stays there for later)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from inspect_tui.tui.bindings import binding
from inspect_tui.tui.screens.confirm import clear_toasts


class PurgeRetryScreen(ModalScreen[bool]):
    BINDINGS: ClassVar = [
        binding("enter", "retry", "もう一度", "purge.retry", "ほかの接続を閉じたあと、もう一度消去する"),
        binding(
            "escape", "later", "あとで", "purge.later", "閉じる（あとで ctrl+p の「個人情報の削除」から）"
        ),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "個人情報の削除: まだ終わっていません"
            yield Static(Text(self.message), id="purge-message", classes="message")
            yield Label("Enter もう一度 / Esc あとで（ctrl+p の「個人情報の削除」から）")

    def on_mount(self) -> None:
        clear_toasts(self)

    def action_retry(self) -> None:
        self.dismiss(True)

    def action_later(self) -> None:
        self.dismiss(False)
