"""The review screens driven from the keyboard in the real app (tests/tui/conftest.py:
open_review), as chief S001 (tester) unless said otherwise."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from builders import session_as
from inspect_tui.services.review import check as chk
from inspect_tui.services.review import queue as svc
from inspect_tui.services.review import surveyor as sr
from inspect_tui.tui.screens.review.check import CheckScreen
from inspect_tui.tui.screens.review.dialogs import FindingDialog, TextDialog
from inspect_tui.tui.screens.review.queue import ReviewQueueScreen
from inspect_tui.tui.screens.review.surveyor import SurveyorReviewScreen
from tui.conftest import make_app, open_review, settle

SIZE = (80, 24)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def walk_form(pilot, findings: dict[int, str]) -> None:
    """On a check screen: each of the six points OK, or a finding (key 1/2/3) with item and note."""
    for i in range(6):
        key = findings.get(i)
        if key:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(pilot.app.screen, FindingDialog)
            await pilot.press(*"2-1", "enter", *"特記と不一致", "enter", *"特記の書き方を説明", "enter")
        else:
            await pilot.press("o")


@pytest.mark.slow
async def test_full_ten_form_review_then_report(review_db, tmp_path):
    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        assert [p.progress for p in screen.people] == ["0/10", "0/10"]
        await pilot.press("enter")  # the form with the nearest deadline: form 1
        await settle(pilot)
        for n in range(1, 11):
            check = app.screen
            assert isinstance(check, CheckScreen)
            assert check.ctx.form_no == n and check.ctx.check.kind == "focused"
            if n <= 3:
                await walk_form(pilot, {3: "2"} if n <= 3 else {})
            else:
                await pilot.press("a")  # the rest (all six) OK
            # the earlier findings come back to be looked at again: form 2 says guidance goes on
            # for form 1's, form 3 sees both improved, form 4 form 3's; none are left after that
            listed = {2: 1, 3: 2, 4: 1}.get(n, 0)
            follow = check.query_one("#check-follow")
            assert follow.display == bool(listed) and follow.row_count == listed
            if listed:
                await pilot.press("tab", "tab")  # past the form's content points
                assert app.focused is follow
                await pilot.press(*(("n",) if n == 2 else ("y",) * listed))
                await settle(pilot)
                assert "前回の指導" not in str(check.query_one("#check-status").render())
            if n == 1:
                await pilot.press("tab", "tab")  # past the form's content points to the guidance
                await pilot.press(*"特記事項の書き方")
            await pilot.press("ctrl+s")  # saved; the next form opens by itself
            await settle(pilot)
        # after form 10 the queue goes on with the 3-month follow-up
        assert isinstance(app.screen, CheckScreen) and app.screen.ctx.check.kind == "followup3"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        assert app.screen.people[0].progress == "10/10"
        await pilot.press("v")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, SurveyorReviewScreen)
        assert review.review.verdict_id == "improving"
        assert review.review.sparkline() == "1 1 1 0 0 0 0 0 0 0"
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        await pilot.press(*"改善を確認", "enter")
        await settle(pilot)
        assert "改善 3・継続指導 0・未確認 0" in str(review.query_one("#sr-more").render())
        await pilot.press("C")  # the chief confirms the record: asked first, No unless moved to はい
        await settle(pilot)
        await pilot.press("right", "enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any("指導終了報告を書き出しました" in m for m in notes(app))
    s = session_as(review_db, "tester")
    review = sr.surveyor_review(s, "S010")
    assert review.complete and review.closing_comment == "改善を確認"
    assert review.forms[0].check.guidance == "特記事項の書き方"
    assert review.forms[0].check.findings[0].item_code == "2-1"
    assert all(f.check.minutes >= 1 for f in review.forms)
    assert [(p.where, p.finding.guidance, p.state_text) for p in review.points] == [
        ("1件目", "特記の書き方を説明", "改善（3件目）"),
        ("2件目", "特記の書き方を説明", "改善（3件目）"),
        ("3件目", "特記の書き方を説明", "改善（4件目）"),
    ]
    assert [x.outcome for x in review.points[0].looks] == ["continue", "improved"]
    assert review.confirmation is not None and review.confirmation.chief == "S001"
    from inspect_tui.render.formats import render
    from inspect_tui.services.review.guidance import guidance_report

    html = render(guidance_report(s, "S010"), "html")
    assert "改善を確認" in html and "試験" not in html
    assert "改善（3件目）" in html and "特記の書き方を説明" in html and "佐藤 主任（S001）" in html
    s.close()
    from inspect_tui.system.paths import data_dir

    written = list((data_dir() / "reports").glob("guidance_S010_*.html"))
    assert len(written) == 1
    s = session_as(review_db, "tester")
    from inspect_tui.services.trust.audit import head

    assert head(s).hash in written[0].read_text(encoding="utf-8")  # its witness, as the CLI's has
    s.close()


async def test_draft_survives_quitting_and_is_resumed(review_db):
    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await walk_form(pilot, {1: "3"})  # point 2 serious, others OK
        await pilot.press("x")  # oops: the last point back to 未確認
        await pilot.press("tab", "tab", *"口頭で説明")
        await settle(pilot)
        draft_id = app.screen.ctx.check.id
        app.exit()  # quit half way: no save key
    again = make_app(review_db)
    async with again.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        items = again.screen.items
        assert items[0].draft and items[0].form_no == 1
        await pilot.press("enter")
        await settle(pilot)
        check = again.screen
        assert isinstance(check, CheckScreen) and check.ctx.resumed and check.ctx.check.id == draft_id
        assert [(f.point, f.severity, f.note) for f in check.ctx.check.findings] == [
            ("omission", "serious", "特記と不一致")
        ]
        assert check.ctx.check.outcomes["notes_quality"] is None
        assert check.query_one("#check-guidance", Input).value == "口頭で説明"
        assert any("再開" in m for m in notes(again))
        await pilot.press("ctrl+s")  # refused: a point is still open
        await settle(pilot)
        assert isinstance(again.screen, CheckScreen)
        assert any("特記事項の質" in m for m in notes(again))
        check.query_one("#check-points").focus()
        await pilot.press("o", "ctrl+s")
        await settle(pilot)
        assert isinstance(again.screen, CheckScreen) and again.screen.ctx.form_no == 2
    s = session_as(review_db, "tester")
    assert [n.progress for n in svc.new_surveyors(s) if n.code == "S010"] == ["1/10"]
    s.close()


async def test_author_is_refused_as_inspector(review_db):
    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, login="suzuki")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        assert any("自分の調査票は点検できません" in m for m in notes(app))


async def test_post_submission_finding_by_case_number(review_db):
    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"R9-00900", "enter", "down", "down", "enter")  # 返戻
        await settle(pilot)
        check = app.screen
        assert isinstance(check, CheckScreen)
        assert check.ctx.check.kind == "post" and check.ctx.check.post_source == "return"
        await walk_form(pilot, {4: "2"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
    import datetime as dt

    s = session_as(review_db, "tester")
    assert sr.post_submission_findings(s, dt.date(2027, 6, 1), dt.date(2027, 6, 30)) == 1
    s.close()


async def test_review_screens_in_the_real_app(review_db):
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp

    app = InspectApp(review_db, config=Config())
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await app.workers.wait_for_complete()
            await settle(pilot)
        assert app.session is not None
        app.push_screen(ReviewQueueScreen())
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen) and len(app.screen.items) == 14
        await pilot.press("enter")
        await settle(pilot)
        await walk_form(pilot, {})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CheckScreen) and app.screen.ctx.form_no == 2
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, (CheckScreen, ReviewQueueScreen))


async def test_calibration_screen_shows_agreement_per_pair(review_db):
    import datetime as dt

    from inspect_tui.services.review import calibration as cal
    from inspect_tui.tui.screens.review.calibration import CalibrationScreen

    s1, boss, s2 = (session_as(review_db, x) for x in ("tester", "boss", "chief2"))
    first = chk.start_check(s1, case_no="R9-00100")
    chk.add_finding(s1, first.check.id, "typo", "minor")
    chk.mark_rest_ok(s1, first.check.id)
    chk.complete_check(s1, first.check.id)
    rid = cal.request_blind_check(boss, first.check.id, "S002")
    second = chk.start_check(s2, check_id=rid)
    chk.mark_rest_ok(s2, second.check.id)
    chk.complete_check(s2, second.check.id, checked_on=dt.date(2027, 6, 15))
    for x in (s1, boss, s2):
        x.close()
    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, login="boss", screen=CalibrationScreen())
        screen = app.screen
        assert isinstance(screen, CalibrationScreen)
        table = screen.query_one("#cal-pairs")
        assert table.row_count == 1
        assert [str(c) for c in table.get_row_at(0)] == ["S001", "S002", "1", "6", "5", "83%"]
        assert "相違" in str(screen.query_one("#cal-detail").render())


async def test_verdict_override_and_accompanied_visit_from_the_surveyor_screen(review_db):
    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, screen=SurveyorReviewScreen("S010"))
        screen = app.screen
        assert screen.review.verdict_id == "pending"
        version = app.data_version
        await pilot.press("v")
        await settle(pilot)
        assert screen.review.verdict_label == "改善している（主任の判断）"
        await pilot.press("v", "v")
        await settle(pilot)
        assert screen.review.verdict_override is None
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter", "enter", *"R9-00105", "enter")
        await settle(pilot)
        assert [(v.on_date.isoformat(), v.purpose, v.case_no) for v in screen.review.visits] == [
            ("2027-06-15", "習熟度の確認", "R9-00105")
        ]
        assert app.data_version >= version + 4  # every change reloads the other screens


async def test_a_note_typed_in_the_finding_dialog_survives_quitting(review_db):
    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, FindingDialog)
        await pilot.press(*"4-12", "tab", *"メモ途中")
        await settle(pilot)
        app.exit()  # closed with the dialog still open
    s = session_as(review_db, "tester")
    ctx = chk.start_check(s, case_no="R9-00100")
    assert [(f.point, f.severity, f.item_code, f.note) for f in ctx.check.findings] == [
        ("typo", "minor", "4-12", "メモ途中")
    ]
    s.close()


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("25", 25), (" 7 ", 7), ("²", None), ("１５", None), ("", None), ("99999", None), ("-3", None)],
)
def test_minutes_typed_into_a_check(typed, minutes):
    from inspect_tui.tui.screens.review.check import minutes_of

    assert minutes_of(typed) == minutes


def test_the_guidance_report_written_over_ssh_says_where_it_is_and_how_to_fetch_it(tmp_path):
    """Under SSH the app's guidance export is on the server: the message says so and gives the
    line that brings it over (scp for a person's own account), as the Reports screen does."""
    from inspect_tui.tui.screens.review.surveyor import written_message

    path = tmp_path / "guidance_S010.html"
    text, command = written_message(path, "S010", complete=True, env={})
    assert command is None and text == f"指導終了報告を書き出しました: {path}"
    ssh = {"SSH_CONNECTION": "192.0.2.7 50022 192.0.2.10 22"}
    text, command = written_message(path, "S010", complete=False, env=ssh)
    assert "作成途中" in text and "サーバーに書き出しました" in text
    assert command is not None and command.startswith("scp ") and "192.0.2.10:" in command
    assert command in text


async def test_followups_on_closed_days_show_the_next_business_day_and_fit_80_columns(review_db):
    """Every follow-up on a closed day: S010 placed 2027-03-20 (06-20(日), 09-20(月) 敬老の日),
    S011 placed 2027-01-03 (04-03(土), 07-03(土)). The queue shows both dates with weekdays and
    the surveyors table still fits 80 columns; 04-05(月) has passed on 2027-06-15, so it is late."""
    s = session_as(review_db, "tester")
    for code, placed in (("S010", "2027-03-20"), ("S011", "2027-01-03")):
        s.db.conn.execute(
            "UPDATE surveyors SET placed_on = ?, hired_on = ? WHERE code = ?", (placed, placed, code)
        )
    s.close()
    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        table = app.screen.query_one("#rq-surveyors")
        cells = {row: [str(c) for c in table.get_row(row)[5:]] for row in ("S010", "S011")}
        assert cells == {
            "S010": ["06-20(日)>21(月)", "09-20(月)>21(火)"],
            "S011": ["!04-03(土)>05(月)", "07-03(土)>05(月)"],
        }
        assert table.virtual_size.width <= SIZE[0]
        late = table.get_row("S011")[5]
        assert "red" in str(late.style) and "red" not in str(table.get_row("S010")[5].style)
        await pilot.press("v")  # the first surveyor, S010
        await settle(pilot)
        more = str(app.screen.query_one("#sr-more").render())
        assert "予定 2027-06-20(日)は閉庁日のため 2027-06-21(月)" in more
