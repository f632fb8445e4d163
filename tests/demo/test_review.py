"""The review on the demo database (today 2027-06-15): the new hires of demo_staff at
different points of their first ten forms."""

from __future__ import annotations

import json

from builders import session_as
from inspect_tui.cli.main import main
from inspect_tui.services.review import queue as svc
from inspect_tui.services.review import surveyor as sr
from inspect_tui.tui.screens.review.check import CheckScreen
from inspect_tui.tui.screens.review.queue import ReviewQueueScreen
from tui.conftest import make_app, open_review, settle


def _chief_of_draft(path, code: str) -> tuple[str, str]:
    """(login, chief code) of the chief part-way through the surveyor's next form."""
    s = session_as(path, "tester")
    chief = s.db.conn.execute(
        "SELECT inspector FROM review_checks WHERE surveyor = ? AND state = 'draft'", (code,)
    ).fetchone()[0]
    login = s.db.conn.execute("SELECT login FROM users WHERE surveyor_code = ?", (chief,)).fetchone()[0]
    s.close()
    return login, chief


def test_demo_new_hires_are_numbered_as_the_scenarios_say(demo_db):
    s = session_as(demo_db, "tester")
    progress = {n.code: (n.numbered, n.checked) for n in svc.new_surveyors(s)}
    assert progress["S037"] == (7, 6) and progress["S038"] == (10, 9) and progress["S039"] == (6, 5)
    assert progress["S040"] == (10, 10)
    assert svc.review_queue_size(s) == len(svc.review_queue(s))
    s.close()


def test_demo_report_of_a_finished_review_has_no_personal_data(demo_db, capsys):
    s = session_as(demo_db, "tester")
    names = {
        r[0]
        for r in s.db.conn.execute(
            "SELECT applicant_name FROM cases WHERE surveyor = 'S040' AND applicant_name IS NOT NULL"
        )
    }
    insured = {
        r[0]
        for r in s.db.conn.execute(
            "SELECT insured_no FROM cases WHERE surveyor = 'S040' AND insured_no IS NOT NULL"
        )
    }
    s.close()
    assert main(["guidance", "--surveyor", "S040", "--format", "json", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["complete"] and data["verdict"]["final"] == "improving"
    assert not any(n in out for n in names) and not any(i in out for i in insured)


async def test_demo_chief_resumes_the_draft_and_finishes_it(demo_db):
    login, _chief = _chief_of_draft(demo_db, "S037")
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot, login=login)
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        row = next(i for i, it in enumerate(screen.items) if it.surveyor == "S037" and it.kind == "focused")
        assert screen.items[row].draft and screen.items[row].form_no == 7
        for _ in range(row):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        check = app.screen
        assert isinstance(check, CheckScreen) and check.ctx.resumed and check.ctx.form_no == 7
        await pilot.press("a", "ctrl+s")
        await settle(pilot)
    s = session_as(demo_db, login)
    assert [n.progress for n in svc.new_surveyors(s) if n.code == "S037"] == ["7/10"]
    assert sr.surveyor_review(s, "S037").verdict_rule.provisional
    s.close()


def test_demo_chief_of_one_ward_helps_another_by_assignment(demo_db):
    """demo-s001 (長田区) opens with its own ward's new hire and, by the demo's one
    assignment, 垂水区's S037; 須磨区's chief sees neither."""
    from inspect_tui.services.review import assignments as asg

    s = session_as(demo_db, "demo-s001")
    (a,) = asg.list_assignments(s)
    assert (a.chief, a.surveyor, a.who) == ("S001", "S037", "demo-manager")
    mine = {i.surveyor for i in svc.review_queue(s) if i.kind == "focused"}
    assert mine == {"S038", "S037"}
    s.who = "demo-s002"
    items = svc.review_queue(s)
    assert {i.surveyor for i in items if i.kind != "blind"} == {"S039"}
    # the calibration asked of S002 is theirs whatever the ward (a manager's request)
    assert {i.surveyor for i in items if i.kind == "blind"} == {"S040"}
    s.close()
