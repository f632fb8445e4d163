"""What every main screen shares: the top bar (screen tabs, today, who) and reloading
when the database opens or changes (the app's ``data_version``)."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from inspect_tui.core.roles import ROLE_LABELS
from inspect_tui.tui.bindings import SCREENS
from inspect_tui.tui.calls import ServiceCalls

WEEKDAYS = "月火水木金土日"


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

    def on_resize(self) -> None:
        self.update_bar()

    def update_bar(self) -> None:
        app = self.app
        text = Text()
        narrow = self.size.width and self.size.width < 100
        for mode, key, label in SCREENS:
            style = "reverse bold" if mode == self.current else ""
            text.append(f"{key}{label}" if narrow else f" {key} {label} ", style=style)
            text.append(" " if narrow else "")
        text.append(" ")
        today = getattr(app, "today", None)
        if today:
            day = today.strftime("%m-%d") if narrow else today.isoformat()
            text.append(f"{day}({WEEKDAYS[today.weekday()]})", style="bold")
        session = getattr(app, "session", None)
        if session is not None:
            labels = SHORT_ROLE_LABELS if narrow else ROLE_LABELS
            text.append(f" {session.who}（{labels.get(app.role, app.role)}）")
        if getattr(app, "demo", False):
            text.append(" デモ", style="reverse")
        self.update(text)


#: The roles in the 80-column header (the login and the demo mark must fit beside the keys).
SHORT_ROLE_LABELS = {"manager": "責任者", "chief": "主任", "monitor": "委託元"}


def state_styles(app) -> dict[str, str]:
    """Rich styles for deadline states from the current theme (words carry the meaning;
    colour only helps, so monochrome and NO_COLOR still read)."""
    theme = app.current_theme
    error, warning, success = theme.error or "red", theme.warning or "yellow", theme.success or "green"
    return {
        "overdue": f"bold {error}",
        "late": error,
        "today": f"bold {warning}",
        "soon": warning,
        "ok": success,
        "done": success,
        "none": "dim",
        "closed": "dim",
        "excluded": "dim",
    }


class DataScreen(ServiceCalls, Screen):
    """A screen that loads from the database once it is open and again after each change.

    ``load()`` asks services through ``self.call`` / ``self.write`` (tui/calls.py) or a
    ``@work(thread=True)`` worker of its own that posts a typed message; never directly."""

    #: which tab of the top bar this screen belongs to
    TAB = ""

    def _compositor_refresh(self) -> None:
        """Textual's frame, not drawn while the app holds its updates (a batch): Textual draws
        it and then drops it, which the app's start did once for the first screen (6-7 ms of
        the ~40 between App.run and the first paint, 2026-12-07). Marked for the next frame
        instead, which comes once the batch is over: at the start, with the terminal's size
        (the Resize every Textual driver sends as it starts, handled after the batch)."""
        if self.app._batch_count:
            self._repaint_required = True
            return
        super()._compositor_refresh()

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._data_version_changed, init=True)
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self, _theme: str) -> None:
        if getattr(self.app, "session", None) is not None:
            self.load()

    def styles_for(self, state: str) -> str:
        return state_styles(self.app).get(state, "")

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
