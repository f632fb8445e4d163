"""A screen for a feature that has not landed in this build (e.g. reports)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Static

from inspect_tui.tui.screens.base import DataScreen, TopBar


class NotYetScreen(DataScreen):
    def __init__(self, tab_label: str, text: str) -> None:
        super().__init__()
        self.tab_label = tab_label
        self.text = text

    def compose(self) -> ComposeResult:
        yield TopBar("reports")
        yield Static(self.text, classes="message")
        yield Footer()
