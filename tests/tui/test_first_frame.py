"""What the app does before its first frame: the theme without a second parse of the
stylesheet (nor one per screen), and the footer's keys composed once the app knows who is working
(tui/widgets/footer.py)."""

from __future__ import annotations

import pytest
from textual.css.stylesheet import Stylesheet
from textual.widgets._footer import FooterKey

from inspect_tui.tui.widgets.footer import Footer
from tui.conftest import make_app, settle


@pytest.fixture
def compositions(monkeypatch):
    """Each composition of a footer's keys: (the footer's screen, whether the app let it)."""
    seen: list[tuple[str, bool]] = []
    real = Footer.recompose

    async def counted(self):
        seen.append((type(self.screen).__name__, self.app.footer_keys_shown))
        return await real(self)

    monkeypatch.setattr(Footer, "recompose", counted)
    return seen


def footer_keys(app) -> set[str]:
    """The keys the current screen's footer shows."""
    return {k.key for k in app.screen.query_one(Footer).query(FooterKey)}


@pytest.fixture
def held_session(monkeypatch):
    """The session's worker waits at open_session until the test sets the event (set at the
    end whatever happened, so no worker is left waiting)."""
    import threading

    import inspect_tui.services.session as sessions

    go = threading.Event()
    real = sessions.open_session
    monkeypatch.setattr(sessions, "open_session", lambda *a, **k: (go.wait(10), real(*a, **k))[1])
    yield go
    go.set()


async def test_the_footer_composes_its_keys_once_the_session_is_open(sample_db, compositions):
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        keys = footer_keys(app)
        assert {"q", "question_mark"} <= keys, keys  # 終了 and キー, as on every screen
        # once, for the login's keys; Textual's Footer: five times, the first two before the first
        # frame, the next while the figures were read (measured 2026-12-07)
        assert compositions == [("TodayScreen", True)]
        compositions.clear()
        await pilot.press("2")
        await settle(pilot)
        # twice for the screen opened, none for the one left; Textual's Footer: six and one
        assert [s for s, _ in compositions] == ["CasesScreen", "CasesScreen"]
        assert "slash" in footer_keys(app)
        compositions.clear()
        await pilot.press("1")  # back: Today's keys are composed again, once
        await settle(pilot)
        assert [s for s, _ in compositions] == ["TodayScreen"]
        assert "q" in footer_keys(app)


async def test_the_keys_show_when_the_database_cannot_open(tmp_path, compositions):
    blocker = tmp_path / "file"  # a file where the database's folder should be
    blocker.write_text("x")
    app = make_app(blocker / "cases.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.open_error
        assert "q" in footer_keys(app)


async def test_the_keys_show_while_the_database_is_slow_to_open(sample_db, monkeypatch, held_session):
    """Another process holding the lock for seconds: the keys come after KEYS_FALLBACK, not
    with the session."""
    import inspect_tui.tui.app as tui_app

    monkeypatch.setattr(tui_app, "KEYS_FALLBACK", 0.2)
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if footer_keys(app):
                break
        assert app.session is None  # still opening
        assert "q" in footer_keys(app)
        held_session.set()
        await settle(pilot)
        assert app.session is not None


async def test_a_key_that_changes_with_the_focus_still_shows(sample_db):
    """The keys follow the focus after start-up, as Textual's Footer does."""
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        before = footer_keys(app)
        await pilot.press("slash")  # into the filter box: its keys are not the list's
        await settle(pilot)
        after = footer_keys(app)
        assert before != after


@pytest.mark.parametrize("theme", ["default", "light", "high-contrast"])
async def test_starting_and_opening_screens_parse_no_stylesheet_again(sample_db, monkeypatch, theme):
    """Starting on a theme, and opening each screen, parse the stylesheet once (Textual: once
    more for App.theme's watcher, and again for each screen's mode), and draw as that theme
    would (the snapshots in test_snapshots.py, the light theme's among them, show the colours)."""
    reparses = []
    real = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: (reparses.append(1), real(self))[1])
    app = make_app(sample_db, theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == theme
        assert f"-theme-{theme}" in app.classes
        assert ("-light-mode" in app.classes) == (theme == "light")
        background = app.current_theme.background
        assert app.stylesheet._variables["background"] == background  # the theme's, not Textual's
        assert app.screen.styles.background.hex.lower() == background.lower()
        for key in "234567":
            await pilot.press(key)
            await settle(pilot)
        assert reparses == []
        assert app.screen.styles.background.hex.lower() == background.lower()


async def test_a_screen_first_opened_after_a_theme_change_has_its_colours(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.theme = "light"
        await settle(pilot)
        await pilot.press("3")  # never opened before the change
        await settle(pilot)
        light = app.current_theme.background.lower()
        assert app.screen.styles.background.hex.lower() == light
        panel = app.stylesheet._variables["panel"].lower()  # the light theme's
        assert app.screen.query_one("TopBar").styles.background.hex.lower() == panel


def test_every_screen_uses_this_footer():
    """A screen that imported Textual's Footer would compose its keys before the first frame and
    once per change again."""
    import ast
    from pathlib import Path

    import inspect_tui

    package = Path(inspect_tui.__file__).parent
    ours = package / "tui" / "widgets" / "footer.py"
    found = [
        f"{path.relative_to(package)}:{node.lineno}"
        for path in package.rglob("*.py")
        if path != ours
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("textual.widgets")
        and any(alias.name == "Footer" for alias in node.names)
    ]
    assert found == []
    assert "yield Footer()" in (package / "tui" / "screens" / "today.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("slow_mount", [False, True], ids=["as-is", "slow-mount"])
async def test_the_first_frame_is_drawn_once_and_not_dropped(
    sample_db, monkeypatch, held_session, slow_mount
):
    """Textual drew the first screen while the app's start still held its updates, dropped that
    frame, and drew it again later; the screen now waits, and draws the loading line once the
    start is over, before the database is open (the session is held here). With a slow mount
    the screen has done all its work inside the start's batch: the frame still comes, with the
    terminal's size."""
    import asyncio

    from textual.app import App

    drawn: list[tuple[int, bool]] = []  # (the app's batch depth, the session open) per frame
    real_display = App._display

    def display(self, screen, renderable):
        drawn.append((self._batch_count, self.session is not None))
        return real_display(self, screen, renderable)

    monkeypatch.setattr(App, "_display", display)
    app = make_app(sample_db)
    if slow_mount:

        class SlowMount(type(app)):
            async def on_mount(self) -> None:
                super().on_mount()
                await asyncio.sleep(0.2)  # the screen's queue empties while the app is in its batch

        app.__class__ = SlowMount
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause(0.02)
            if drawn:
                break
        assert drawn and drawn[0] == (0, False), drawn  # the loading line, drawn for real
        held_session.set()
        await settle(pilot)
        assert all(depth == 0 for depth, _ in drawn), drawn


def test_the_textual_internals_the_start_relies_on_are_there():
    """What InspectApp._first_theme, DataScreen._compositor_refresh and our Footer use of
    Textual beyond its public API (Textual is pinned in constraints.txt): on an upgrade, this
    names what moved before the tests above fail for reasons harder to read."""
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import Footer as TextualFooter

    app = App()
    assert isinstance(app._css_update_count, int) and app._batch_count == 0
    assert callable(app._refresh_truecolor_filter)
    assert Screen()._css_update_count == -1  # a new screen's generation, one behind the app's 0
    assert app._css_update_count == 0
    assert hasattr(Screen(), "_repaint_required")
    assert TextualFooter()._bindings_ready is False
    assert callable(TextualFooter.bindings_changed)
