"""Two chiefs, one form: the second is told who has the check open and since when, and
chooses to look at it read-only or to start a separate draft; neither draft is touched
by the other's keys (services.review_check.HeldByOther)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from inspect_tui.tui.bindings import binding as _b


class HeldDialog(ModalScreen[str | None]):
    """Returns 'view' (read-only), 'separate' (a draft of one's own) or None (Esc)."""

    BINDINGS: ClassVar = [_b("escape", "cancel", "やめる", "review.held.cancel", "開かずに戻る")]
    DEFAULT_CSS = """
    HeldDialog { align: center middle; }
    HeldDialog > Vertical { width: 76; max-width: 95%; height: auto; border: thick $warning;
        background: $surface; padding: 0 1; }
    HeldDialog #held-who { height: auto; margin: 1 0; }
    HeldDialog #held-choice { height: auto; }
    """

    def __init__(self, lines: list[str], owner: str) -> None:
        super().__init__()
        self.lines = lines
        self.owner = owner

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "ほかの主任が点検中です"
            yield Static(Text("\n".join(self.lines)), id="held-who")
            yield OptionList(
                Option(f"{self.owner} さんの点検を閲覧のみで開く", id="view"),
                Option("自分の下書きを別に始める（どちらの下書きも消えません）", id="separate"),
                Option("やめる", id="cancel"),
                id="held-choice",
            )

    def on_mount(self) -> None:
        choice = self.query_one(OptionList)
        choice.highlighted = 0
        choice.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(None if event.option.id == "cancel" else event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
