"""The demo's first-ten scenarios (issue 17 item 1), computed from the demo database (today
2027-06-15): a new surveyor with nine forms checked and the tenth waiting for demo-s001, one
finished with its guidance report, one due for the 3-month follow-up, a blind check waiting
for a second chief, and a monitor with nothing personal to see."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from builders import session_as
from inspect_tui.cli.main import main
from inspect_tui.services.review import queue as svc
from inspect_tui.services.review import surveyor as sr
from inspect_tui.services.review.followthrough import surveyor_points

TODAY = dt.date(2027, 6, 15)
NEW_HIRES = ("S037", "S038", "S039", "S040")


@pytest.fixture
def demo(demo_db):
    s = session_as(demo_db, "demo-manager")
    yield s
    s.close()


def _queue(path, login: str) -> list[svc.QueueItem]:
    s = session_as(path, login)
    try:
        return svc.review_queue(s, TODAY)
    finally:
        s.close()


# -- nine checked, the tenth waiting for demo-s001 --------------------------------------
def test_a_new_surveyor_in_nagata_has_nine_forms_checked_and_the_tenth_waiting(demo, demo_db):
    conn = demo.db.conn
    assert conn.execute("SELECT wards FROM surveyors WHERE code = 'S038'").fetchone()[0] == "長田区"
    done = [
        r[0]
        for r in conn.execute(
            "SELECT rf.form_no FROM review_checks rc JOIN review_forms rf ON rf.case_id = rc.case_id"
            " WHERE rc.surveyor = 'S038' AND rc.kind = 'focused' AND rc.state = 'done'"
            " AND rc.blind_of IS NULL ORDER BY rf.form_no"
        )
    ]
    assert done == list(range(1, 10))
    tenth = conn.execute(
        "SELECT c.visited_on, c.submitted_on,"
        " (SELECT COUNT(*) FROM review_checks rc WHERE rc.case_id = c.id), c.ward"
        " FROM review_forms rf JOIN cases c ON c.id = rf.case_id"
        " WHERE rf.surveyor = 'S038' AND rf.form_no = 10"
    ).fetchone()
    assert tenth[0] is not None and tenth[1] is None and tenth[2] == 0  # visited, no check begun
    assert tenth[3] == "長田区"  # demo-s001's ward, whatever rule gives chiefs their wards' forms
    waiting = [i for i in _queue(demo_db, "demo-s001") if i.surveyor == "S038" and i.kind == "focused"]
    assert [(i.form_no, i.draft) for i in waiting] == [(10, False)]


async def test_the_demo_chief_presses_enter_on_the_tenth_and_finishes_the_ten(demo_db):
    from inspect_tui.tui.screens.review.check import CheckScreen
    from inspect_tui.tui.screens.review.queue import ReviewQueueScreen
    from tui.conftest import make_app, open_review, settle

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_review(pilot, login="demo-s001")
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        row = next(i for i, it in enumerate(screen.items) if it.surveyor == "S038" and it.kind == "focused")
        for _ in range(row):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        check = app.screen
        assert isinstance(check, CheckScreen) and check.ctx.form_no == 10 and not check.ctx.resumed
        await pilot.press("a", "ctrl+s")
        await settle(pilot)
    s = session_as(demo_db, "demo-s001")
    assert [n.progress for n in svc.new_surveyors(s, TODAY) if n.code == "S038"] == ["10/10"]
    assert sr.surveyor_review(s, "S038", TODAY).complete
    s.close()


# -- one finished: guidance per finding, its follow-through, the confirmation ------------
def test_the_finished_new_surveyor_has_guidance_and_follow_through_for_every_finding(demo):
    conn = demo.db.conn
    assert (
        conn.execute("SELECT verdict FROM review_closures WHERE surveyor = 'S040'").fetchone()[0]
        == "improving"
    )
    findings = conn.execute(
        "SELECT f.id, f.guidance, f.guidance_on, c.checked_on FROM review_findings f"
        " JOIN review_checks c ON c.id = f.check_id WHERE c.surveyor = 'S040' AND c.state = 'done'"
    ).fetchall()
    assert len(findings) >= 10
    assert all(f[1] and f[2] == f[3] for f in findings)  # guidance given on the check's day
    # every look belongs to a later finished check of the same surveyor
    looks = conn.execute(
        "SELECT t.finding_id, t.outcome, later.surveyor, later.state, later.checked_on, first.checked_on,"
        " lf.form_no, ff.form_no FROM review_followthrough t"
        " JOIN review_checks later ON later.id = t.check_id"
        " JOIN review_findings f ON f.id = t.finding_id JOIN review_checks first ON first.id = f.check_id"
        " JOIN review_forms lf ON lf.case_id = later.case_id"
        " JOIN review_forms ff ON ff.case_id = first.case_id"
        " WHERE first.surveyor = 'S040'"
    ).fetchall()
    assert all(x[2] == "S040" and x[3] == "done" and x[4] >= x[5] and x[6] > x[7] for x in looks)
    outcomes: dict[int, list[str]] = {}
    for x in sorted(looks, key=lambda x: x[4]):
        outcomes.setdefault(x[0], []).append(x[1])
    assert set(outcomes) == {f[0] for f in findings}  # every finding looked at again
    assert sorted(outcomes.values()).count(["continue", "improved"]) == 1  # one needed guidance twice
    assert sum(v == ["improved"] for v in outcomes.values()) == len(findings) - 1
    assert {p.state for p in surveyor_points(demo, "S040")} == {"improved"}
    confirmed = conn.execute(
        "SELECT chief, verdict, checked FROM review_confirmations WHERE surveyor = 'S040'"
    )
    assert [tuple(r) for r in confirmed] == [("S003", "improving", 10)]


def test_the_guidance_report_of_the_finished_one_is_complete(demo_db, capsys):
    assert main(["guidance", "--surveyor", "S040", "--format", "json", "--db", str(demo_db)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["complete"] and data["checked"] == 10 and data["verdict"]["final"] == "improving"
    assert data["confirmation"] == {
        "chief": "S003",
        "on": data["confirmation"]["on"],
        "verdict": "improving",
        "checked": 10,
    }
    assert data["open_points"] == [] and data["followthrough"]["improved"] >= 10
    found = [x for f in data["forms"] for p in f["points"].values() if p for x in p.get("findings", ())]
    assert found and all(x["guidance"] and x["guidance_on"] and x["followthrough"] for x in found)
    assert main(["report", "guidance", "--surveyor", "S040", "--db", str(demo_db)]) == 0
    text = capsys.readouterr().out
    assert "点検済み: 10 / 10 件" in text and "改善状況の確認: " in text and "（S003）" in text
    assert "未確認 0" in text and "継続指導 0" in text


# -- the 3-month follow-up due within days --------------------------------------------
def test_a_new_surveyor_is_due_for_the_three_month_follow_up_within_days(demo, demo_db):
    due = {n.code: n.followups[0] for n in svc.new_surveyors(demo, TODAY)}
    fu = due["S037"]
    assert fu.kind == "followup3" and fu.done_on is None
    assert TODAY < fu.business_due <= TODAY + dt.timedelta(days=7)
    others = [c for c, f in due.items() if c != "S037" and f.done_on is None]
    assert all(due[c].business_due > TODAY + dt.timedelta(days=14) for c in others)
    queued = [i for i in _queue(demo_db, "demo-s003") if i.surveyor == "S037" and i.kind == "followup3"]
    assert [i.due for i in queued] == [fu.business_due]


# -- a calibration waiting for a second chief ------------------------------------------
def test_a_blind_check_waits_for_a_second_chief(demo, demo_db):
    rows = demo.db.conn.execute(
        "SELECT b.inspector, b.state, b.case_id, f.inspector, f.state, f.case_id, f.blind_of"
        " FROM review_checks b JOIN review_checks f ON f.id = b.blind_of"
    ).fetchall()
    assert len(rows) == 1
    second, state, case_id, first, first_state, first_case, first_blind = rows[0]
    assert state == "requested" and first_state == "done" and first_blind is None
    assert case_id == first_case and second == "S002" and first != second
    assert [i.kind for i in _queue(demo_db, "demo-s002") if i.kind == "blind"] == ["blind"]
    assert not [i for i in _queue(demo_db, "demo-s001") if i.kind == "blind"]


# -- a monitor sees nothing personal --------------------------------------------------
def _personal(conn) -> set[str]:
    out: set[str] = set()
    for name, insured in conn.execute(
        "SELECT applicant_name, insured_no FROM cases WHERE surveyor IN (?, ?, ?, ?)", NEW_HIRES
    ):
        out.update(x for x in (name, insured) if x)
    return out


def _quote_an_applicant(path) -> str:
    """A chief typed an applicant's name into a finding of S038's (the masking's test case)."""
    s = session_as(path, "demo-s001")
    with s.db.conn as conn:
        fid, name = conn.execute(
            "SELECT f.id, c.applicant_name FROM review_findings f JOIN review_checks rc ON rc.id = f.check_id"
            " JOIN cases c ON c.id = rc.case_id WHERE rc.surveyor = 'S038' AND rc.state = 'done'"
            " AND c.applicant_name IS NOT NULL LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE review_findings SET note = ? WHERE id = ?", (f"{name}様の特記事項に誤字", fid))
    s.close()
    return name


def test_the_monitor_sees_no_applicant_in_the_review_views(demo_db, capsys):
    name = _quote_an_applicant(demo_db)
    s = session_as(demo_db, "demo-monitor")
    personal = _personal(s.db.conn)
    assert name in personal
    seen = repr(svc.review_queue(s, TODAY)) + repr(svc.new_surveyors(s, TODAY))
    s.close()
    assert "S038" in seen and not [p for p in personal if p in seen]
    for code, more in (("S040", []), ("S038", ["--draft"])):
        argv = ["--as", "demo-monitor", "guidance", "--surveyor", code, *more, "--db", str(demo_db)]
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert code in out and not [p for p in personal if p in out]


async def test_the_monitor_screens_show_no_applicant(demo_db):
    from inspect_tui.tui.screens.review.surveyor import SurveyorReviewScreen
    from tui.conftest import make_app, open_review, settle
    from tui.screen import screen_text

    name = _quote_an_applicant(demo_db)
    s = session_as(demo_db, "demo-monitor")
    personal = _personal(s.db.conn)
    s.close()
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_review(pilot, login="demo-monitor")
        shown = [screen_text(app)]
        for code in ("S038", "S040"):
            app.push_screen(SurveyorReviewScreen(code))
            await settle(pilot)
            shown.append(screen_text(app))
            app.pop_screen()
            await settle(pilot)
    text = "\n".join(shown)
    assert "S038" in text and "重点チェック" in text
    assert name in personal and not [p for p in personal if p in text]


async def test_the_second_chief_opens_the_blind_check_from_the_queue(demo_db):
    from inspect_tui.tui.screens.review.check import CheckScreen
    from tui.conftest import make_app, open_review, settle

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_review(pilot, login="demo-s002")
        row = next(i for i, it in enumerate(app.screen.items) if it.kind == "blind")
        for _ in range(row):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckScreen) and app.screen.ctx.form_no == 5


def test_the_surveyor_screen_shows_a_chief_the_note_as_typed_and_a_monitor_masked(demo_db):
    """The control the two tests above lack: the same view shows the chief what was typed
    (so the monitor's masking is what keeps the name out)."""
    from inspect_tui.tui.screens.review.surveyor import surveyor_view

    name = _quote_an_applicant(demo_db)
    chief = session_as(demo_db, "demo-s001")
    typed = repr([p.finding.note for p in surveyor_view(chief, "S038", TODAY).shown.points])
    chief.close()
    monitor = session_as(demo_db, "demo-monitor")
    masked = repr([p.finding.note for p in surveyor_view(monitor, "S038", TODAY).shown.points])
    monitor.close()
    assert name in typed and name not in masked and "様の特記事項に誤字" in masked


def test_the_demo_keeps_the_contracts_records(demo):
    """Everything due before the demo's day delivered, a liaison meeting with its minutes in,
    a training with its report: the register has something to show and nothing is late."""
    from inspect_tui.services.contract.deliverables import deliverables
    from inspect_tui.services.contract.meetings import meetings
    from inspect_tui.services.contract.trainings import trainings

    rows = deliverables(demo, TODAY)
    assert not [r.occ.id for r in rows if r.status == "overdue"]
    done = {r.occ.id for r in rows if r.status == "done"}
    assert {"hiring-roster", "monthly-report:2027-04", "monthly-report:2027-05"} <= done
    [m] = meetings(demo)
    assert m.kind == "liaison" and f"liaison-minutes:{m.id}" in done
    [t] = trainings(demo)
    assert f"training-report:{t.id}" in done and t.attendees


def test_the_staff_records_show_a_kept_card_and_a_missing_pledge(demo_db):
    """Seed 001 §5(2) in the demo: everyone notified with a card, the leaver S036 still holds
    hers (flagged, and on Today), the new S039's pledge has not come back; 9 of 38 working are
    not care managers (24%)."""
    from inspect_tui.services.staff.overview import staff_alerts
    from inspect_tui.services.staff.records import non_care_manager_share, staff_records

    s = session_as(demo_db, "demo-manager")
    try:
        flagged = {r.code: r.flags for r in staff_records(s) if r.flags}
        share = non_care_manager_share(s, TODAY)
        alerts = [a.code for a in staff_alerts(s, TODAY) if a.kind == "card_not_returned"]
    finally:
        s.close()
    assert flagged == {"S036": ("card_not_returned",), "S039": ("no_pledge",)}
    assert (share.total, share.other, share.over) == (38, 9, False)
    assert alerts == ["S036"]
