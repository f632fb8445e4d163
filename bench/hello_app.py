"""The reference for start-up and memory: the smallest Textual app that paints a screen.

Started exactly like inspect-tui (same interpreter, same terminal size, same
environment), it shows one Static; the benchmark waits for its text.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "hello, bench"


class HelloApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012 (Textual's own idiom)

    def compose(self) -> ComposeResult:
        yield Static(MARKER)


if __name__ == "__main__":
    HelloApp().run()
