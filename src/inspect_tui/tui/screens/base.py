"""What every main screen shares: the top bar (screen tabs, today, who) and reloading
when the database opens or changes (the app's ``data_version``)."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from inspect_tui.tui.bindings import SCREENS

WEEKDAYS = "月火水木金土日"
ROLE_LABELS = {"manager": "業務責任者", "chief": "主任調査員", "monitor": "委託元"}


class TopBar(Static):
    """One line: the screen tabs with their keys, today in Japan, who is working."""

    DEFAULT_CSS = """
    TopBar { height: 1; background: $panel; color: $foreground; }
    """

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", lambda _v: self.update_bar(), init=True)

    def update_bar(self) -> None:
        app = self.app
        text = Text()
        for mode, key, label in SCREENS:
            style = "reverse bold" if mode == self.current else ""
            text.append(f" {key} {label} ", style=style)
        text.append("  ")
        today = getattr(app, "today", None)
        if today:
            text.append(f"{today.isoformat()}({WEEKDAYS[today.weekday()]})", style="bold")
        session = getattr(app, "session", None)
        if session is not None:
            text.append(f"  {session.who}（{ROLE_LABELS.get(app.role, app.role)}）")
        if getattr(app, "demo", False):
            text.append("  デモ", style="reverse")
        self.update(text)


class DataScreen(Screen):
    """A screen that loads from the database once it is open and again after each change."""

    #: which tab of the top bar this screen belongs to
    TAB = ""

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._data_version_changed, init=True)

    def _data_version_changed(self, _version: int) -> None:
        app = self.app
        if getattr(app, "session", None) is not None:
            self.load()
        elif getattr(app, "open_error", None):
            self.show_message(f"データベースを開けません: {app.open_error}")

    def load(self) -> None:  # pragma: no cover - each screen overrides
        pass

    def show_message(self, text: str) -> None:
        pass
