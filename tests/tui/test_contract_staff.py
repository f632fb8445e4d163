"""The Contract screen's staff records (issue 15 item 3): the share of non-care-managers and
what needs doing; `s` records what happened to the selected surveyor today (managers: picked,
then asked); `t` records a training in a form (managers); `m` a meeting with its follow-ups
(managers, and chiefs who attended). Driven by keys in the real app."""

from __future__ import annotations

import datetime as dt

from builders import session_as
from inspect_tui.services.staff.records import staff_records
from inspect_tui.services.trust.permissions import save_user
from inspect_tui.tui.screens.confirm import ConfirmDialog
from inspect_tui.tui.screens.contract.contract import ContractScreen
from inspect_tui.tui.screens.pick import PickScreen
from tui.conftest import make_app, settle, switch_login

SIZE = (80, 24)


def _pledges(path) -> dict[str, dt.date | None]:
    s = session_as(path, "tester")
    out = {r.code: (r.pledge.on if r.pledge else None) for r in staff_records(s)}
    s.close()
    return out


async def test_a_manager_records_a_pledge_after_picking_and_saying_yes(sample_db):
    before = _pledges(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContractScreen)
        head = str(screen.query_one("#contract-staff-head").render())
        assert "介護支援専門員以外" in head and "要対応" in head  # nobody has a pledge yet
        table = screen.query_one("#contract-staff")
        first = table.coordinate_to_cell_key((0, 0)).row_key.value
        assert table.get_row_at(0)[-1].plain != "－"  # what needs doing, in words, first
        await pilot.press("s")  # from the register: moves to the staff table first
        await settle(pilot)
        assert screen.focused is table
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press(*"誓約")  # narrow the list by typing
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # No: nothing recorded
        await settle(pilot)
        assert _pledges(sample_db)[first] == before[first] is None
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"誓約")
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("right", "enter")
        await settle(pilot)
        assert any("セキュリティ遵守誓約書」を記録しました" in n.message for n in app._notifications)
    assert _pledges(sample_db)[first] == dt.date(2027, 6, 15)


async def test_a_chief_sees_the_staff_but_may_not_record(sample_db):
    s = session_as(sample_db, "tester")
    save_user(s, "chika", "chief", "S001")
    s.close()
    before = _pledges(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        switch_login(app, "chika")
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContractScreen)
        assert screen.query_one("#contract-staff").row_count > 0
        screen.query_one("#contract-staff").focus()
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ContractScreen)  # nothing picked, nothing asked
        assert any("権限がありません" in n.message for n in app._notifications)
        await pilot.press("t")  # trainings are the manager's too: no form opens
        await settle(pilot)
        assert isinstance(app.screen, ContractScreen)
    assert _pledges(sample_db) == before


async def test_a_monitor_sees_codes_not_names(sample_db):
    s = session_as(sample_db, "tester")
    save_user(s, "mona", "monitor")
    names = {r.code: r.name for r in staff_records(s)}
    s.close()
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        switch_login(app, "mona")
        await pilot.press("7")
        await settle(pilot)
        table = app.screen.query_one("#contract-staff")
        shown = [table.get_row_at(i) for i in range(table.row_count)]
        assert shown and all(str(row[1]) == "［非表示］" for row in shown)
        assert not {str(row[1]) for row in shown} & set(names.values())


def _trainings(path) -> list:
    from inspect_tui.services.contract.trainings import trainings

    s = session_as(path, "tester")
    out = trainings(s)
    s.close()
    return out


async def test_a_manager_records_a_training_from_the_screen(sample_db):
    from textual.widgets import Static

    from inspect_tui.tui.screens.contract.training_form import TrainingForm

    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TrainingForm)
        await pilot.press("tab", *"情報セキュリティ研修")  # the day is today already
        await pilot.press("tab", "tab", "tab", "tab", "space")  # 個人情報保護・情報セキュリティ
        await pilot.press("tab", "tab", *"S001, S999")
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = str(form.query_one("#form-errors", Static).render())
        assert "S999 は調査員名簿にありません" in errors and app.screen is form  # nothing saved
        assert _trainings(sample_db) == []
        form.query_one("#f-attendees").value = "S001"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContractScreen)
    [t] = _trainings(sample_db)
    assert (t.held_on, t.title, t.areas, t.attendees) == (
        dt.date(2027, 6, 15),
        "情報セキュリティ研修",
        ("security",),
        ("S001",),
    )


async def test_a_meeting_with_a_follow_up_from_the_screen_and_a_chief_who_was_not_there(sample_db):
    from textual.widgets import Static

    from inspect_tui.services.contract.meetings import followups, meetings
    from inspect_tui.tui.screens.contract.meeting_form import MeetingForm

    s = session_as(sample_db, "tester")
    save_user(s, "chika", "chief", "S001")
    s.close()
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        switch_login(app, "chika")
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MeetingForm)
        form.query_one("#f-attendees").text = "業務責任者、主任S002"  # S001 was not there
        form.query_one("#f-followups").text = "研修を企画|主任S002|2027-07-31"
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = str(form.query_one("#form-errors", Static).render())
        assert "自分が出席した会議だけ" in errors and app.screen is form
        form.query_one("#f-attendees").text = "業務責任者、主任S001"
        form.query_one("#f-followups").text = "研修を企画|主任S002|2027-07-31\n照会の集計|S001|来月"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "今後の対応の期限" in str(form.query_one("#form-errors", Static).render())
        form.query_one("#f-followups").text = "研修を企画|主任S002|2027-07-31\n"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContractScreen)
        await settle(pilot)
        assert app.screen.query_one("#contract-meetings").row_count == 1
    s = session_as(sample_db, "tester")
    [m] = meetings(s)
    [p] = followups(s, m.id)
    s.close()
    assert (m.kind, m.held_on, m.attendees) == ("internal", dt.date(2027, 6, 15), "業務責任者、主任S001")
    assert m.agenda.startswith("対象期間:")  # left empty: prefilled from the figures
    assert (p.title, p.owner, p.due_on) == ("研修を企画", "主任S002", dt.date(2027, 7, 31))
