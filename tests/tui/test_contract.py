"""The Contract screen (7): the deliverables register, meetings and trainings; `d` records a
delivery (managers, asked first), `a` shows every occurrence. Driven by keys in the real app."""

from __future__ import annotations

import datetime as dt

from builders import session_as
from inspect_tui.services.contract.deliverables import deliverables
from inspect_tui.services.trust.permissions import save_user
from inspect_tui.tui.screens.contract.contract import ContractScreen
from tui.conftest import make_app, settle, switch_login

SIZE = (80, 24)


def _late(path) -> list[str]:
    s = session_as(path, "tester")
    late = [r.occ.id for r in deliverables(s) if r.status == "overdue"]
    s.close()
    return late


async def test_a_manager_records_a_delivery_after_saying_yes(sample_db):
    late = _late(sample_db)
    assert late[0] == "hiring-roster"  # 2027-06-15: everything due before is late until recorded
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContractScreen)
        table = screen.query_one("#contract-deliverables")
        assert table.get_row_at(0)[0].plain == "期限超過"
        shown = table.row_count
        await pilot.press("d")  # asked first; No unless moved to はい
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert _late(sample_db)[0] == "hiring-roster"  # No: nothing recorded
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("right", "enter")
        await settle(pilot)
        assert "hiring-roster" not in _late(sample_db)
        await pilot.press("a")  # every occurrence of the contract
        await settle(pilot)
        assert table.row_count > shown
    s = session_as(sample_db, "tester")
    row = next(r for r in deliverables(s) if r.occ.id == "hiring-roster")
    s.close()
    assert row.delivered_on == dt.date(2027, 6, 15)


async def test_a_chief_sees_the_register_but_may_not_record(sample_db):
    s = session_as(sample_db, "tester")
    save_user(s, "chika", "chief", "S001")
    s.close()
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        switch_login(app, "chika")
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(app.screen, ContractScreen)
        assert app.screen.query_one("#contract-deliverables").row_count > 0
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ContractScreen)  # no question asked
        assert any("権限がありません" in n.message for n in app._notifications)
    assert _late(sample_db)[0] == "hiring-roster"
