"""The keyboard offers only what the login's role may do (services.trust.may, read once):
a monitor sees no case-step key, no n in Quality, no notes in Reports, no check in the
review queue; pressing such a key opens nothing and says 権限がありません briefly."""

from __future__ import annotations

import pytest

from inspect_tui.tui.screens.cases.detail import CaseDetailScreen
from inspect_tui.tui.screens.help import HelpScreen
from tui.conftest import make_app, settle, switch_login
from tui.test_app_pilot import text_of

NAGATA_CASE, SUMA_CASE = "R9-01012", "R9-01013"  # sample.py: wards cycle 長田区, 須磨区, 垂水区
STEP_IDS = {f"case.{s}" for s in ("contact", "visit", "submit", "accept", "cancel", "return", "resurvey")}


@pytest.fixture
def roles_db(sample_db):
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session
    from inspect_tui.services.trust.permissions import save_user

    s = open_session(sample_db, Config())
    with s.db.conn:
        save_user(s, "city", "monitor")
        save_user(s, "nagata", "chief", "S001")  # S001's wards: 長田区
    s.close()
    return sample_db


def offered(screen) -> set[str]:
    """Binding ids the footer, ? and the palette would offer on this screen."""
    return {b.binding.id for b in screen.active_bindings.values() if b.binding.id}


def palette_titles(app) -> list[str]:
    return [c.title for c in app.get_system_commands(app.screen)]


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_case(pilot, case_no):
    await pilot.app.push_screen(CaseDetailScreen(case_no))
    await settle(pilot)
    return pilot.app.screen


async def test_a_monitor_is_offered_no_key_it_may_not_use(roles_db):
    app = make_app(roles_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        switch_login(app, "city")
        await settle(pilot)
        detail = await open_case(pilot, NAGATA_CASE)
        assert not offered(detail) & STEP_IDS
        # screen entries name what a screen holds (契約: 連絡会議); the step commands are what matters
        steps = [t for t in palette_titles(app) if not t.startswith("画面: ")]
        assert not any("連絡" in t or "再調査" in t for t in steps)
        await pilot.press("question_mark")
        help_text = text_of(app.screen, "#help-table")
        assert "case.contact" not in help_text and "case.down" in help_text
        await pilot.press("escape")
        count = 0

        def counted(_sql):
            nonlocal count
            count += 1

        app.session.db.conn.set_trace_callback(counted)
        await pilot.press("c", "v", "R", "x")  # step keys: nothing opens, and no SQL to decide it
        app.session.db.conn.set_trace_callback(None)
        assert count == 0
        assert app.screen is detail
        assert any("権限がありません" in n for n in notes(app))
        assert "権限はありません" in text_of(detail, "#detail-events")
        await pilot.press("escape")

        for key, screen_name, forbidden, pressed in (
            ("5", "ReportsScreen", "reports.notes", "n"),
            ("6", "QualityScreen", "quality.new", "n"),
            ("4", "ReviewQueueScreen", "review.queue.by_case", "n"),
        ):
            await pilot.press(key)
            await settle(pilot)
            screen = app.screen
            assert type(screen).__name__ == screen_name
            assert forbidden not in offered(screen)
            await pilot.press(pressed)
            await settle(pilot)
            assert app.screen is screen, f"{screen_name}: {pressed} opened {app.screen!r}"
        assert "review.queue.open" not in offered(app.screen)
        assert "app.audit" not in offered(app.screen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReviewQueueScreen"


async def test_a_chief_gets_step_keys_only_in_their_own_wards(roles_db):
    app = make_app(roles_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        switch_login(app, "nagata")
        await settle(pilot)
        own = await open_case(pilot, NAGATA_CASE)
        assert STEP_IDS <= offered(own)
        await pilot.press("escape")
        other = await open_case(pilot, SUMA_CASE)
        assert not offered(other) & STEP_IDS
        await pilot.press("v")
        await settle(pilot)
        assert app.screen is other
        await pilot.press("escape", "6")
        await settle(pilot)
        assert "quality.new" in offered(app.screen)  # chiefs record complaints
        await pilot.press("5")
        await settle(pilot)
        assert "reports.notes" not in offered(app.screen)  # the month's notes: managers


async def test_a_manager_is_offered_everything(roles_db):
    app = make_app(roles_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # tester: the database's first manager
        detail = await open_case(pilot, SUMA_CASE)
        assert STEP_IDS <= offered(detail)
        assert "app.audit" in offered(detail)
        await pilot.press("escape", "5")
        await settle(pilot)
        assert "reports.notes" in offered(app.screen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "reports.notes" in text_of(app.screen, "#help-table")
