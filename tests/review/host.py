"""A minimal host app for the review screens: a Session and one screen pushed on mount."""

from __future__ import annotations

from textual.app import App

from .fixture import session_as


class Host(App):
    def __init__(self, db_path, login: str = "tester", first=None) -> None:
        super().__init__()
        self.session = session_as(db_path, login)
        self.first = first
        self.changes = 0

    def on_mount(self) -> None:
        from inspect_tui.tui.screens.review.queue import ReviewQueueScreen

        self.push_screen(self.first(self) if self.first else ReviewQueueScreen())

    def data_changed(self) -> None:
        self.changes += 1

    def on_unmount(self) -> None:
        self.session.close()
