"""The case screen's history (issue 13): the timeline names each event, a voided one stays
struck through, the new steps have keys, and `u` voids an event by its number."""

from __future__ import annotations

import sqlite3

from inspect_tui.tui.screens.cases.detail import CaseDetailScreen
from inspect_tui.tui.screens.cases.step_dialog import StepDialog
from inspect_tui.tui.screens.cases.void_dialog import VoidDialog
from tui.conftest import make_app, settle, until

CASE = "R9-01011"  # contacted, not yet visited (tests/tui/sample.py)


def _events(db):
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT e.id, e.kind, e.void_of, e.note FROM case_events e JOIN cases c ON c.id = e.case_id"
            " WHERE c.case_no = ? ORDER BY e.id",
            (CASE,),
        ).fetchall()
    finally:
        con.close()


def _text(screen, selector: str) -> str:
    from rich.console import Console

    widget = screen.query_one(selector)
    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=160, record=True, file=open("/dev/null", "w"))
    console.print(content)
    return console.export_text()


def _timeline(screen) -> str:
    return _text(screen, "#detail-events")


async def _open(pilot, app, case_no: str = CASE):
    await settle(pilot)
    await pilot.press("2", "slash", *case_no, "enter")
    await until(pilot, lambda: app.screen.filter.text == case_no)
    await settle(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail is not None)


async def test_void_asks_for_the_number_and_a_reason_and_keeps_the_event(sample_db):
    contact = next(e for e in _events(sample_db) if e[1] == "contact")
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(pilot, app)
        detail = app.screen
        assert "日程調整連絡" in _timeline(detail) and "contact" not in _timeline(detail)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, VoidDialog))
        await pilot.press("ctrl+s")  # nothing typed: refused in words, nothing written
        await settle(pilot)
        assert isinstance(app.screen, VoidDialog)
        await pilot.press(*str(contact[0]), "enter", *"日付の誤り", "ctrl+s")
        await until(pilot, lambda: app.screen is detail)
        await until(pilot, lambda: "を取消" in _timeline(detail))
        assert detail.detail.fields["contacted_on"] is None
    events = _events(sample_db)
    assert contact in events  # the voided event is still there, unchanged
    assert events[-1][1:] == ("void", contact[0], "日付の誤り")


async def test_the_new_steps_have_keys_and_the_order_rules_answer_in_the_dialog(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        await pilot.press("i")  # 照会 before any submission
        await until(pilot, lambda: isinstance(app.screen, StepDialog))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        err = _text(app.screen, "#step-error")
        assert "記録できません" in err and "提出" in err, err
    assert [e[1] for e in _events(sample_db)][-1] != "query"


def _close_may(db) -> None:
    from inspect_tui.cli.main import main

    assert main(["report", "close-month", "2027-05", "--db", str(db)]) == 0


async def _visit_dated_in_may(pilot, app, case_no: str) -> None:
    await _open(pilot, app, case_no)
    await pilot.press("v")
    await until(pilot, lambda: isinstance(app.screen, StepDialog))
    await pilot.press("ctrl+a", "ctrl+k", *"2027-05-28", "ctrl+s")


async def test_a_step_dated_in_a_closed_month_is_recorded_only_as_its_correction(sample_db, capsys):
    """Issue 13 item 5 in the TUI: the dialog asks, in its own words (no CLI option), and
    records the step as 2027-05 分の訂正 only after はい."""
    from inspect_tui.tui.screens.confirm import ConfirmDialog

    case_no = "R9-01019"  # received 2027-05-18, contacted, not visited
    _close_may(sample_db)
    capsys.readouterr()
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await _visit_dated_in_may(pilot, app, case_no)
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = _text(app.screen, "#confirm-question")
        assert "締め済み" in question and "2027-05 分の訂正" in question
        assert "--correction-of" not in question
        await pilot.press("escape")  # いいえ: nothing recorded, said in the dialog
        await until(pilot, lambda: isinstance(app.screen, StepDialog))
        await settle(pilot)
        err = _text(app.screen, "#step-error")
        assert "記録していません" in err and "--correction-of" not in err
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("right", "enter")  # はい
        await until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await settle(pilot)
    con = sqlite3.connect(sample_db)
    visits = con.execute(
        "SELECT e.on_date, e.note FROM case_events e JOIN cases c ON c.id = e.case_id"
        " WHERE c.case_no = ? AND e.kind = 'visit'",
        (case_no,),
    ).fetchall()
    con.close()
    assert len(visits) == 1 and visits[0][0] == "2027-05-28" and "2027-05 分の訂正" in visits[0][1]


async def _submit_refused(pilot, app, case_no: str) -> None:
    await _open(pilot, app, case_no)
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, StepDialog))
    await pilot.press("ctrl+s")


def _visited_case(db) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT case_no FROM cases WHERE status = 'visited' ORDER BY case_no LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()


def _submission_checks(db, case_no: str):
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT sc.basis, sc.reason FROM submission_checks sc JOIN cases c ON c.id = sc.case_id"
            " WHERE c.case_no = ?",
            (case_no,),
        ).fetchall()
    finally:
        con.close()


async def test_a_refused_submission_says_how_to_go_on_in_the_apps_words(sample_db):
    """The inspection gate's refusal in the step dialog points at the review screen, not at
    the CLI's case inspect command; a chief gets no override."""
    from builders import add_login
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session
    from tui.conftest import switch_login

    case_no = _visited_case(sample_db)
    s = open_session(sample_db, Config())  # as the OS user, the sample's manager
    add_login(s, "sato", "chief", "S001")
    s.close()
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        switch_login(app, "sato")
        await settle(pilot)
        assert app.role == "chief"
        await _submit_refused(pilot, app, case_no)
        await until(pilot, lambda: "記録できません" in _text(app.screen, "#step-error"))
        err = _text(app.screen, "#step-error")
        assert "点検が終わっていない" in err and "4（点検）の画面" in err
        assert "case inspect" not in err and isinstance(app.screen, StepDialog)
    assert _submission_checks(sample_db, case_no) == []


async def test_a_manager_may_let_a_form_out_without_inspection_with_the_reason(sample_db):
    from inspect_tui.tui.screens.review.dialogs import TextDialog

    case_no = _visited_case(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.role == "manager"
        await _submit_refused(pilot, app, case_no)
        await until(pilot, lambda: isinstance(app.screen, TextDialog))
        await pilot.press("escape")  # no reason: nothing recorded
        await until(pilot, lambda: isinstance(app.screen, StepDialog))
        assert _submission_checks(sample_db, case_no) == []
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, TextDialog))
        await pilot.press(*"主任が全員不在", "enter")
        await until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await settle(pilot)
    assert _submission_checks(sample_db, case_no) == [("unchecked", "主任が全員不在")]
