"""Pick one of a list (e.g. a surveyor), narrowing it by typing."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from inspect_tui.tui.bindings import DIALOG


class PickScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar = [DIALOG[0]]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield Input(placeholder="名前・コードの一部で絞る（下矢印で一覧へ）", id="pick-text")
            yield OptionList(*self._options(""), id="pick-list")

    def _options(self, text: str) -> list[Option]:
        text = text.strip().lower()
        return [
            Option(label, id=value or "__all__")
            for value, label in self.choices
            if not text or text in label.lower()
        ]

    @on(Input.Changed, "#pick-text")
    def _narrow(self, event: Input.Changed) -> None:
        options = self.query_one("#pick-list", OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#pick-text")
    def _take_first(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        if options.option_count:
            self._choose(options.get_option_at_index(options.highlighted or 0).id)

    def key_down(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#pick-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#pick-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        self.dismiss("" if option_id == "__all__" else option_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
