"""80x24 for the review and report screens (issue 17 item 5): nothing required below the
fold without a line that says so, tables that fit or scroll sideways with a line that
says so, the surveyor screen scrolling at once; and a backup from the palette."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Input, Static

from builders import session_as
from inspect_tui.core.review import FOLLOWUP_MONTHS
from inspect_tui.tui.screens.review.check import CheckScreen
from inspect_tui.tui.screens.review.surveyor import SurveyorReviewScreen
from tui.conftest import make_app, open_review, settle, switch_login

SMALL = (80, 24)


@pytest.fixture
def review_db(tmp_path):
    from builders import build_review_db as build

    return build(tmp_path / "review" / "cases.db")


def _shown(screen, selector: str) -> bool:
    widget = screen.query_one(selector, Static)
    return widget.visible and widget.region.height > 0


@pytest.mark.parametrize("key", ["down", "pagedown"])
async def test_the_surveyor_screen_scrolls_with_the_first_key(review_db, key):
    """No Tab first: the table of forms has the focus (left / right pick a form), and down
    and PgDn scroll the screen under the head, the table with it."""
    app = make_app(review_db)
    async with app.run_test(size=SMALL) as pilot:
        await open_review(pilot)
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SurveyorReviewScreen)
        body = screen.query_one("#sr-body")
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        assert _shown(screen, "#sr-cue")  # 続きは下に: the screen says there is more
        await pilot.press(key)
        await settle(pilot)
        assert body.scroll_y > 0
        body.scroll_end(animate=False)
        await settle(pilot)
        assert not screen.query_one("#sr-cue").visible  # at the end: no cue
        table = screen.query_one("#sr-forms")
        column = table.cursor_column
        await pilot.press("right")  # the arrow keys still pick a form
        assert table.cursor_column == column + 1


async def test_the_surveyor_screen_has_no_cue_when_everything_fits(review_db):
    app = make_app(review_db)
    async with app.run_test(size=(120, 80)) as pilot:
        await open_review(pilot, screen=SurveyorReviewScreen("S010"))
        await settle(pilot)
        body = app.screen.query_one("#sr-body")
        assert body.max_scroll_y == 0
        assert not app.screen.query_one("#sr-cue").visible


async def _open_followup(pilot) -> CheckScreen:
    await open_review(pilot, screen=SurveyorReviewScreen("S010"))
    await pilot.press("f")  # the 3-month follow-up of S010
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CheckScreen) and screen.ctx.check.kind in FOLLOWUP_MONTHS
    return screen


async def test_the_required_proficiency_field_is_in_view_or_said_to_be_below(review_db):
    """At 80x24 the follow-up check's 習熟度の所見（必須） is either on screen or the line
    under the form says it is below; Ctrl+S refused for it moves the cursor into it."""
    app = make_app(review_db)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _open_followup(pilot)
        form = screen.query_one("#check-form")
        field = screen.query_one("#check-proficiency", Input)
        in_view = field.region.height > 0 and form.region.contains_region(field.region)
        more = screen.query_one("#check-more", Static)
        assert in_view or (more.visible and "習熟度の所見（必須）" in str(more.render()))
        await pilot.press("a")  # every point OK: only the field stops the save
        await settle(pilot)
        assert "習熟度の所見（必須）を書いて" in str(screen.query_one("#check-status").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # not saved
        assert app.focused is field and form.region.contains_region(field.region)
        assert any("習熟度の所見を書いて" in n.message for n in app._notifications)
        await pilot.press(*"qv")  # typed into the box, not the screen's keys
        await settle(pilot)
        assert field.value == "qv" and app.screen is screen


async def test_the_cue_says_the_required_field_is_below_when_it_is(review_db):
    """Squeezed (80x18), the field is below the fold: the cue says so, and goes once it shows."""
    app = make_app(review_db)
    async with app.run_test(size=(80, 18)) as pilot:
        screen = await _open_followup(pilot)
        form = screen.query_one("#check-form")
        assert form.max_scroll_y > 0
        more = screen.query_one("#check-more", Static)
        assert more.visible and "習熟度の所見（必須）" in str(more.render())
        form.scroll_end(animate=False)
        await settle(pilot)
        assert not more.visible


def _preview_lines(app) -> list[str]:
    return app.screen.built.text.splitlines()


@pytest.mark.parametrize("size", [SMALL, (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("presses", "kind"), [(2, "kpi"), (1, "sla")])
async def test_report_tables_fit_the_view_and_never_wrap(sample_db, size, presses, kind):
    """The KPI and SLA previews: every table row one line (never wrapped by the view), laid
    out for the view's width (80 at most, as the CLI's text); a longer line (the audit head's
    hash) scrolls sideways, with the line above the preview saying so."""
    app = make_app(sample_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("5", *["t"] * presses)
        await settle(pilot)
        screen = app.screen
        assert screen.kind == kind and screen.built is not None
        view = screen.query_one("#report-scroll")
        preview = screen.query_one("#report-preview")
        lines = _preview_lines(app)
        assert preview.virtual_size.height == len(screen.built.text.split("\n"))  # one line each
        width = view.scrollable_content_region.width
        assert screen.built.width == min(80, width)
        rows = [line for line in lines if line.startswith(("KGI ", "KPI ", "計画 ", "------"))]
        assert rows and all(cell_len(line) <= width for line in rows)
        wider = any(cell_len(line) > width for line in lines)
        cue = screen.query_one("#report-cue", Static)
        assert cue.display == wider == (view.max_scroll_x > 0)
        if wider:
            assert "横にスクロール" in str(cue.render())
            await pilot.press("right")
            await settle(pilot)
            assert view.scroll_x > 0


async def test_the_report_is_laid_out_again_for_a_new_width(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5", "t", "t")
        await settle(pilot)
        assert app.screen.built.width == 80
        app.screen._set_status("書き出しました")  # what the screen last said stays
        await pilot.resize_terminal(70, 24)
        await settle(pilot)
        assert app.screen.built.width == 68
        assert "書き出しました" in str(app.screen.query_one("#report-status").render())
        assert all(cell_len(line) <= 68 for line in _preview_lines(app) if line.startswith("KGI "))


async def test_the_review_queue_fits_80_columns(review_db):
    app = make_app(review_db)
    async with app.run_test(size=SMALL) as pilot:
        await open_review(pilot)
        for table in app.screen.query("DataTable"):
            assert table.max_scroll_x == 0, table.id
        assert not app.screen.query_one("#rq-cue").visible


async def test_the_review_queue_says_when_a_table_scrolls_sideways(review_db):
    app = make_app(review_db)
    async with app.run_test(size=(60, 24)) as pilot:
        await open_review(pilot)
        cue = app.screen.query_one("#rq-cue", Static)
        assert cue.visible and "横にスクロール" in str(cue.render())


# --------------------------------------------------------------------------- backup from the palette
def _palette(app, word: str) -> list:
    return [c for c in app.get_system_commands(app.screen) if word in c.title]


async def test_a_manager_makes_a_backup_from_the_palette(review_db):
    app = make_app(review_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        switch_login(app, "boss")  # the manager
        await settle(pilot)
        folder = review_db.parent / "backups"
        before = set(folder.glob("*.db"))  # the day's first start made one already
        found = _palette(app, "バックアップ")
        assert len(found) == 1
        found[0].callback()
        await settle(pilot)
        made = set(folder.glob("*.db")) - before
        assert len(made) == 1
        said = [n.message for n in app._notifications if "バックアップしました" in n.message]
        assert said and str(made.pop()) in said[-1]


async def test_the_palette_offers_no_backup_to_a_chief(review_db):
    app = make_app(review_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)  # tester: a chief
        assert app.role == "chief"
        assert _palette(app, "バックアップ") == []
        folder = review_db.parent / "backups"
        before = set(folder.glob("*.db"))
        app.action_backup_now()  # even called directly: refused, nothing written
        await settle(pilot)
        assert any("権限がありません" in n.message for n in app._notifications)
        assert set(folder.glob("*.db")) == before


def test_the_chief_login_really_is_a_chief(review_db):
    s = session_as(review_db, "tester")
    from inspect_tui.services.trust.permissions import role_of

    assert role_of(s) == "chief"
    s.close()
