"""The form's content points in the check screen (issue 18), driven by keys in the real app
as chief S001: form 1 of S010 (R9-00100) with a stored form whose 1-10 洗身 is 4.行っていない
with no 特記事項 (exactly one point, N-1-10-none, worked out by hand in tests/services/forms)."""

from __future__ import annotations

import pytest

from builders import session_as
from inspect_tui.core.survey_form import SurveyForm, form_items
from inspect_tui.services.forms import points, records
from inspect_tui.tui.screens.review.check import CheckScreen
from inspect_tui.tui.screens.review.form_entry import FormEntryScreen
from inspect_tui.tui.screens.review.form_points import FormPointTable
from tui.conftest import make_app, open_review, settle

NOTES = {
    "3-1": "調査日も日頃も、身振りで伝えられる。",
    "5-3": "調査日も日頃も、献立を自分で選ぶ。",
    "6": "週3回、訪問看護師が実施。",
}


def all_ones(**changes: int) -> SurveyForm:
    answers = {c: (1,) for c, it in form_items().items() if not it.is_level}
    answers.update({k.replace("_", "-"): (v,) for k, v in changes.items()})
    return SurveyForm(answers, {"7-1": "independent", "7-2": "independent"}, NOTES)


@pytest.fixture
def with_form(review_db):
    boss = session_as(review_db, "boss")
    records.save_form(boss, "R9-00100", all_ones(**{"1_10": 4}))
    boss.close()
    return review_db


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_form_1(pilot) -> CheckScreen:
    await open_review(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CheckScreen) and screen.ctx.case.case_no == "R9-00100"
    return screen


async def test_a_point_is_shown_marked_and_blocks_the_save_until_marked(with_form):
    app = make_app(with_form)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form_1(pilot)
        table = screen.query_one(FormPointTable)
        assert table.row_count == 1
        assert "未確認" in str(table.get_row_at(0)[0]) and "1-10「4.行っていない」" in str(
            table.get_row_at(0)[2]
        )
        assert "特記事項 1-10: （なし）" in str(screen.query_one("#check-point-detail").render())
        await pilot.press("a")  # the six check points OK
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CheckScreen)
        assert any("まだ確認していない点検ポイントが 1 件" in n for n in notes(app))
        await pilot.press("tab", "c")  # to the form's points: 確認済
        await settle(pilot)
        assert "確認済" in str(table.get_row_at(0)[0])
        await pilot.press("c")  # again: back to 未確認
        await settle(pilot)
        assert "未確認" in str(table.get_row_at(0)[0])
        await pilot.press("f")  # a finding of this check under 選択肢と特記事項の整合性
        await settle(pilot)
        assert "指摘にした" in str(table.get_row_at(0)[0])
        rec = screen.ctx.check
        assert [(f.point, f.severity, f.item_code) for f in rec.findings] == [("choice_note", "fix", "1-10")]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CheckScreen) or app.screen is not screen
    s = session_as(with_form, "tester")
    assert points.form_points(s, "R9-00100").unmarked == ()
    s.close()


async def test_the_form_typed_in_from_paper_is_saved_and_checked(review_db):
    app = make_app(review_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form_1(pilot)
        assert "調査票の内容なし" in str(screen.query_one(FormPointTable).get_row_at(0)[1])
        await pilot.press("tab", "i")
        await settle(pilot)
        assert isinstance(app.screen, FormEntryScreen)
        # 1-1, 1-2 multi: 1 then Enter; the rest of groups 1-5 one digit each; 6 none; 7-1/7-2 自立
        keys = ["1", "enter", "1", "enter"] + ["1"] * 11 + ["1"] * 12 + ["1"] * 9 + ["1"] * 15 + ["1"] * 6
        await pilot.press(*keys, "enter", "1", "1", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        table = screen.query_one(FormPointTable)
        # no notes typed: 3-1 and 5-3 always need theirs (p.102, p.138)
        assert [table.get_row_at(i)[1] for i in range(table.row_count)] == ["特記事項なし", "特記事項なし"]
    s = session_as(review_db, "tester")
    fp = points.form_points(s, "R9-00100")
    assert fp.stored.source == "entry" and [p.point.rule_id for p in fp.points] == [
        "N-3-1-both",
        "N-5-3-both",
    ]
    s.close()


async def test_a_monitor_sees_no_note_as_typed(with_form):
    """The note of a form, as a monitor opening the check read-only would see it: masked."""
    from inspect_tui.services.review.form_points import screen_points
    from inspect_tui.services.trust import permissions as trust

    boss = session_as(with_form, "boss")
    records.save_form(
        boss, "R9-00100", SurveyForm({**all_ones().answers}, {}, {**NOTES, "1-10": "鈴木 新人 9900000001"})
    )
    trust.save_user(boss, "city01", "monitor")
    from inspect_tui.services.review import check as chk

    boss.close()
    s = session_as(with_form, "tester")
    ctx = chk.start_check(s, case_no="R9-00100")
    s.close()
    m = session_as(with_form, "city01")
    shown = screen_points(m, ctx.check.id)
    assert "9900000001" not in shown.notes["1-10"]
    m.close()
