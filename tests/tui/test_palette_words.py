"""The palette speaks Japanese (issue 17 item 7): a screen is found by the words users say,
and Textual's own commands are in Japanese, without Screenshot (it writes the screen,
applicants' names included, to a file)."""

from __future__ import annotations

import pytest

from tui.conftest import make_app, settle


@pytest.mark.parametrize(
    "word,screen",
    [
        ("報告", "帳票"),
        ("月次", "帳票"),
        ("KPI", "帳票"),
        ("指導", "点検"),
        ("苦情", "品質"),
        ("点検", "点検"),
    ],
)
async def test_a_screen_is_found_by_the_words_users_say(sample_db, word, screen):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith(f"画面: {screen}") and word in t for t in titles), titles


async def test_textuals_own_commands_are_in_japanese_and_no_screenshot(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "終了する（Quit）" in titles and "テーマ（配色）を選ぶ（Theme）" in titles
        assert not any("Screenshot" in t for t in titles)
        assert not any(t in ("Quit", "Theme", "Keys") for t in titles)
