"""Steps that change a case's history ask first, naming the case; forms with changes ask
before Esc throws them away; without changes Esc closes at once."""

from __future__ import annotations

import sqlite3

from inspect_tui.tui.screens.cases.detail import CaseDetailScreen
from inspect_tui.tui.screens.cases.step_dialog import StepDialog
from inspect_tui.tui.screens.confirm import ConfirmDialog
from tui.conftest import make_app, settle
from tui.test_keys_never_leak import burst, keys_to_type

CASE_NO = "R9-01011"


def events_of(db) -> list[tuple]:
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT e.kind, e.note FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = ?",
        (CASE_NO,),
    ).fetchall()
    con.close()
    return rows


def question(app) -> str:
    return str(app.screen.query_one("#confirm-question").render())


async def open_case(pilot):
    app = pilot.app
    await settle(pilot)
    await app.push_screen(CaseDetailScreen(CASE_NO))
    await settle(pilot)
    return app.screen


async def test_resurvey_cancel_and_return_ask_naming_the_case_and_default_to_no(sample_db):
    before = events_of(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_case(pilot)
        for key, label in (("R", "再調査"), ("x", "中止"), ("r", "返却")):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog), key
            assert CASE_NO in question(app) and f"「{label}」" in question(app)
            await pilot.press("enter")  # Enter on いいえ (focused first)
            await settle(pilot)
            assert app.screen is detail
            await pilot.press(key, "escape")  # Esc is No too
            await settle(pilot)
            assert app.screen is detail
        await pilot.press("R", "right", "enter")  # はい: then the step dialog, for 再調査
        await settle(pilot)
        assert isinstance(app.screen, StepDialog) and app.screen.step == "resurvey"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("v")  # a step that does not rewrite history: no question
        await settle(pilot)
        assert isinstance(app.screen, StepDialog) and app.screen.step == "visit"
    assert events_of(sample_db) == before


async def test_keys_typed_by_mistake_never_answer_yes(sample_db):
    """The issue's keys (a period meant for a text box, digits, ctrl+s) reach the question:
    none of them confirms it, and it stays until Esc or Enter on an answer."""
    before = events_of(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_case(pilot)
        await pilot.press("R")
        await settle(pilot)
        dialog = app.screen
        await burst(pilot, [*keys_to_type(), "ctrl+s", "tab", "tab"])  # tab twice: back on いいえ
        assert app.screen is dialog
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is detail
    assert events_of(sample_db) == before


async def test_escape_on_the_step_dialog_asks_only_when_something_was_typed(sample_db):
    before = events_of(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_case(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert app.screen is detail
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("tab", *"電話で日程を調整")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and app.screen.title_text == "変更を破棄しますか"
        await pilot.press("escape")  # いいえ: back to the dialog, the note still there
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert app.screen.query_one("#step-note").value == "電話で日程を調整"
        await pilot.press("escape", "right", "enter")  # はい: discarded
        await settle(pilot)
        assert app.screen is detail
    assert events_of(sample_db) == before


async def test_escape_on_the_notes_and_the_quality_forms_asks_before_discarding(sample_db):
    from inspect_tui.tui.screens.quality.forms import ComplaintForm
    from inspect_tui.tui.screens.reports.reports import NotesScreen

    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        await pilot.press("escape")  # untouched
        await settle(pilot)
        assert not isinstance(app.screen, (NotesScreen, ConfirmDialog))
        await pilot.press("n", *"遅延が続いた")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # いいえ
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        assert app.screen.query_one("#notes-problems").text.startswith("遅延が続いた")

        await pilot.press("ctrl+s")  # saved: nothing to ask about
        await settle(pilot)
        await pilot.press("6", "n")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintForm)
        await pilot.press("escape")  # only the prefilled time: closes at once
        await settle(pilot)
        assert not isinstance(app.screen, (ComplaintForm, ConfirmDialog))
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#f-content").focus()
        await pilot.press(*"説明が長い")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("right", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, (ComplaintForm, ConfirmDialog))
    con = sqlite3.connect(sample_db)
    assert con.execute("SELECT count(*) FROM complaints").fetchone()[0] == 0
    con.close()
