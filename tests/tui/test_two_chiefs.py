"""Two chiefs, one form (issue 11): the first chief's draft with a 重大 finding vanished
once a second chief checked the same form. The path: start_check opened the form's
*finished* check before looking for the inspector's own draft, the queue dropped the
form once any check of it was finished, and the surveyor's record kept the last
finished check only. Now the second chief is told who has it open and since when, and
neither chief's draft or findings are ever hidden, changed or deleted by the other.

Two real connections to one file, two logins (tests/builders.py build_review_db: tester = chief
S001, chief2 = chief S002)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from builders import session_as
from inspect_tui.services.review import check as chk
from inspect_tui.services.review import queue as svc
from inspect_tui.services.review import surveyor as sr
from inspect_tui.tui.screens.review.check import CheckScreen
from inspect_tui.tui.screens.review.held import HeldDialog
from inspect_tui.tui.screens.review.queue import ReviewQueueScreen
from tui.conftest import make_app, open_review, settle

FORM_1 = "R9-00100"


@pytest.fixture
def chiefs(review_db):
    a, b = session_as(review_db, "tester"), session_as(review_db, "chief2")
    yield a, b
    a.close()
    b.close()


def a_draft_with_a_serious_finding(a):
    ctx = chk.start_check(a, case_no=FORM_1)
    chk.add_finding(a, ctx.check.id, "choice_note", "serious", "2-1", "選択と特記が逆")
    chk.set_point(a, ctx.check.id, "typo", "ok")
    return ctx.check.id


def findings(s, check_id):
    rec = chk.open_check(s, check_id).check
    return [(f.point, f.severity, f.note) for f in rec.findings], dict(rec.outcomes)


def test_the_second_chief_is_told_who_has_the_form_and_since_when(chiefs):
    a, b = chiefs
    draft = a_draft_with_a_serious_finding(a)
    with pytest.raises(chk.HeldByOther) as held:
        chk.start_check(b, case_no=FORM_1)
    (holder,) = held.value.holders
    opened = chk.open_check(a, draft).check
    assert (holder.check_id, holder.login, holder.inspector) == (draft, "tester", "S001")
    assert (holder.findings, holder.serious) == (1, 1)
    text = str(held.value)
    assert "tester さん（S001 佐藤 主任）" in text and opened.created_at[:16].replace("T", " ") in text
    assert "試験" not in text  # no applicant's name: codes and counts only
    # nothing was created for B by asking
    assert b.db.conn.execute("SELECT count(*) FROM review_checks WHERE inspector = 'S002'").fetchone()[0] == 0


def test_the_second_chief_can_neither_change_nor_delete_the_first_chiefs_draft(chiefs):
    a, b = chiefs
    draft = a_draft_with_a_serious_finding(a)
    kept = findings(a, draft)
    fid = chk.open_check(a, draft).check.findings[0].id
    for attempt in (
        lambda: chk.set_point(b, draft, "choice_note", "ok"),  # OK on a point drops its findings
        lambda: chk.mark_rest_ok(b, draft),
        lambda: chk.remove_finding(b, draft, fid),
        lambda: chk.edit_finding(b, draft, fid, severity="minor"),
        lambda: chk.set_fields(b, draft, guidance="上書き"),
        lambda: chk.complete_check(b, draft),
        lambda: chk.discard_check(b, draft),
    ):
        with pytest.raises(svc.ReviewError, match="ほかの人の点検は変更できません"):
            attempt()
    assert findings(a, draft) == kept


def test_a_separate_draft_finished_first_hides_nothing_of_the_first_chiefs(chiefs):
    a, b = chiefs
    draft = a_draft_with_a_serious_finding(a)
    mine = chk.start_check(b, case_no=FORM_1, alongside=True)  # B chooses a separate draft
    assert mine.check.id != draft and any("tester さん" in n for n in mine.notes)
    chk.mark_rest_ok(b, mine.check.id)
    chk.complete_check(b, mine.check.id)  # B saves first
    # A comes back: their own draft, not B's finished check, with the 重大 finding intact
    again = chk.start_check(a, case_no=FORM_1)
    assert again.check.id == draft and again.check.state == "draft"
    assert [(f.severity, f.note) for f in again.check.findings] == [("serious", "選択と特記が逆")]
    assert any("chief2 さん（S002）" in n and "両方の結果が残ります" in n for n in again.notes)
    # still A's to finish in A's queue; done in B's
    assert any(i.case_no == FORM_1 and i.draft_by == "S001" for i in svc.review_queue(a))
    assert all(i.case_no != FORM_1 for i in svc.review_queue(b))
    chk.mark_rest_ok(a, draft)
    chk.complete_check(a, draft)
    form_1 = sr.surveyor_review(a, "S010").forms[0]
    assert [f.severity for f in form_1.findings] == ["serious"]  # A's finding counts in the record
    assert {code for code, _ in sr.surveyor_review(a, "S010").chiefs} == {"S001", "S002"}


def test_a_chief_resumes_their_own_draft_even_when_another_has_one_too(chiefs):
    a, b = chiefs
    draft = a_draft_with_a_serious_finding(a)
    theirs = chk.start_check(b, case_no=FORM_1, alongside=True).check.id
    again = chk.start_check(b, case_no=FORM_1)  # B's own, not a question again
    assert again.check.id == theirs and any("tester さん" in n for n in again.notes)
    assert chk.start_check(a, case_no=FORM_1).check.id == draft


async def test_in_the_app_the_second_chief_gets_a_read_only_view(review_db, chiefs):
    a, _b = chiefs
    draft = a_draft_with_a_serious_finding(a)
    kept = findings(a, draft)
    app = make_app(review_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot, login="chief2")
        assert isinstance(app.screen, ReviewQueueScreen)
        await pilot.press("enter")  # form 1: tester has it
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, HeldDialog)
        said = str(dialog.query_one("#held-who").render())
        assert "tester さん" in said and "から点検中です" in said and "重大 1 件" in said
        await pilot.press("enter")  # the first choice: read-only
        await settle(pilot)
        check = app.screen
        assert isinstance(check, CheckScreen) and check.read_only and check.ctx.check.id == draft
        offered = {b.binding.id for b in check.active_bindings.values()}
        assert not offered & {"review.check.ok", "review.check.serious", "review.check.save"}
        assert all(w.disabled for w in check.query(Input))
        await pilot.press("o", "a", "1", "3", "x", "ctrl+s")
        await settle(pilot)
        assert any("閲覧のみです" in n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        await pilot.press("enter", "down", "enter")  # this time: a separate draft
        await settle(pilot)
        mine = app.screen
        assert isinstance(mine, CheckScreen) and not mine.read_only and mine.ctx.check.inspector == "S002"
        await pilot.press("a", "ctrl+s")
        await settle(pilot)
    assert findings(a, draft) == kept  # nothing of A's moved
    assert chk.start_check(a, case_no=FORM_1).check.id == draft
