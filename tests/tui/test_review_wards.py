"""Chiefs' wards in the review queue (issue 17 item 8), driven from the keyboard: a chief
sees only their wards' forms and what is assigned to them; a manager assigns with `a`."""

from __future__ import annotations

import sqlite3

from textual.widgets import OptionList

from builders import session_as
from inspect_tui.services.review import assignments as asg
from inspect_tui.tui.screens.review.check import CheckScreen
from inspect_tui.tui.screens.review.dialogs import CaseCheckDialog, ChoiceDialog, TextDialog
from inspect_tui.tui.screens.review.queue import ReviewQueueScreen
from tui.conftest import make_app, open_review, settle, switch_login

SIZE = (80, 24)


def _to_suma(review_db) -> None:
    conn = sqlite3.connect(review_db)
    with conn:
        conn.execute("UPDATE surveyors SET wards = '須磨区' WHERE code = 'S002'")
    conn.close()


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_manager_assigns_a_form_and_the_chief_of_another_ward_then_checks_it(review_db):
    _to_suma(review_db)
    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, login="chief2")
        queue = app.screen
        assert isinstance(queue, ReviewQueueScreen)
        assert [i for i in queue.items if i.kind != "blind"] == []  # 長田区's forms are not listed
        assert "担当区外の 14 件は非表示" in str(queue.query_one("#rq-title").render())

        switch_login(app, "boss")
        await settle(pilot)
        queue.load()
        await settle(pilot)
        first = queue.items[0]
        assert first.kind == "focused" and len([i for i in queue.items if i.kind == "focused"]) == 10
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        options = dialog.query_one(OptionList)
        labels = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert labels == ["佐藤 主任（S001・長田区）", "伊藤 主任（S002・須磨区）"]
        options.highlighted = 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        await pilot.press(*"長田区の主任が研修のため", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        assert any(f"S002 に {first.case_no}" in n for n in notes(app)), notes(app)
        s = session_as(review_db, "boss")
        (a,) = asg.list_assignments(s)
        s.close()
        assert (a.chief, a.case_no, a.who) == ("S002", first.case_no, "boss")
        assert a.reason == "長田区の主任が研修のため"

        switch_login(app, "chief2")
        await settle(pilot)
        queue.load()
        await settle(pilot)
        assert [(i.kind, i.case_no) for i in queue.items] == [("focused", first.case_no)]
        assert "担当区外の 13 件は非表示" in str(queue.query_one("#rq-title").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckScreen) and app.screen.ctx.check.inspector == "S002"


async def test_a_chief_asking_for_another_wards_form_is_told_the_way_out(review_db):
    _to_suma(review_db)
    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, login="chief2")
        await pilot.press("a")  # a manager's key: offered to nobody else
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        assert any("権限がありません" in n for n in notes(app)), notes(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CaseCheckDialog)
        await pilot.press(*"R9-00100", "enter", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, CheckScreen)
        said = " ".join(notes(app))
        way_out = "業務責任者に応援の割り当てを依頼してください"
        assert f"R9-00100 は長田区の調査票です。担当区は須磨区です。{way_out}" in said
        assert "Traceback" not in said
