"""What the app does before its first frame: the theme without a second parse of the
stylesheet."""

from __future__ import annotations

import pytest
from textual.css.stylesheet import Stylesheet

from tui.conftest import make_app, settle


@pytest.mark.parametrize("theme", ["default", "light", "high-contrast"])
async def test_the_first_theme_costs_no_second_parse(sample_db, monkeypatch, theme):
    """Starting on a theme parses the stylesheet once again (Textual's first mode does), not
    twice (App.theme's watcher asked for one more), and draws as that theme would
    (the light theme's snapshot in test_snapshots.py shows its colours)."""
    reparses = []
    real = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: (reparses.append(1), real(self))[1])
    app = make_app(sample_db, theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == theme
        assert len(reparses) == 1
        assert f"-theme-{theme}" in app.classes
        assert ("-light-mode" in app.classes) == (theme == "light")
        background = app.current_theme.background
        assert app.stylesheet._variables["background"] == background  # the theme's, not Textual's
