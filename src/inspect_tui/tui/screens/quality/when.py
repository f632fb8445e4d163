"""Asking for the date and time something was reported (prefilled with now in Japan)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from inspect_tui.core.jpdate import DateError
from inspect_tui.core.today import now_jp_iso, today_jp
from inspect_tui.services.quality.input import parse_datetime


def now_text() -> str:
    """Now in Japan as 'YYYY-MM-DD HH:MM' (the date follows a pinned INSPECT_TUI_TODAY)."""
    return f"{today_jp().isoformat()} {now_jp_iso()[11:16]}"


class WhenPrompt(ModalScreen[str | None]):
    """Ask for one date and time (prefilled with now); Enter to record, Esc to cancel."""

    DEFAULT_CSS = """
    WhenPrompt { align: center middle; }
    WhenPrompt > Vertical { width: 64; height: auto; border: thick $primary; background: $surface;
        padding: 1 2; }
    WhenPrompt #when-error { color: $error; }
    """
    BINDINGS: ClassVar = [Binding("escape", "cancel", "取消", id="quality.prompt.cancel")]

    def __init__(self, question: str, default: str) -> None:
        super().__init__()
        self.question, self.default = question, default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question))
            yield Input(self.default, id="when")
            yield Static("", id="when-error")
            yield Label("Enter 記録 / Esc 取消")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            when = parse_datetime(event.value)
        except DateError as exc:
            self.query_one("#when-error", Static).update(Text(str(exc)))
            return
        self.dismiss(when)

    def action_cancel(self) -> None:
        self.dismiss(None)
