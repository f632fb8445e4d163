"""Ticked and unticked boxes differ in their characters, not only in colour (NO_COLOR)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from inspect_tui.tui.widgets.tick import Tick


class _Boxes(App):
    def compose(self) -> ComposeResult:
        yield Tick("口頭", id="a", value=True, compact=True)
        yield Tick("研修", id="b", compact=True)


async def test_a_ticked_box_reads_differently_from_an_empty_one(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = _Boxes()
    async with app.run_test() as pilot:
        a, b = app.query_one("#a", Tick), app.query_one("#b", Tick)
        assert str(a.render()).startswith("[X]") and str(b.render()).startswith("[ ]")
        b.focus()
        await pilot.press("space")
        await pilot.pause()
        assert b.value and str(b.render()).startswith("[X]")
