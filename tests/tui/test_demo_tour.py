"""The demo tours the roles (issue 17 item 1): ``--demo`` opens as a chief with forms
waiting, and the palette's デモ: 利用者を切り替える switches to the demo's other logins, in
the demo database only."""

from __future__ import annotations

import argparse

import pytest

from builders import session_as
from inspect_tui.cli.app import DEMO_START_LOGIN, with_demo_login
from inspect_tui.services.trust.permissions import demo_logins
from tui.conftest import settle


def test_demo_opens_as_the_chief_unless_told_otherwise():
    assert with_demo_login(argparse.Namespace(demo=True, as_user=None)).as_user == DEMO_START_LOGIN
    assert with_demo_login(argparse.Namespace(demo=True, as_user="demo-monitor")).as_user == "demo-monitor"
    assert with_demo_login(argparse.Namespace(demo=False, as_user=None)).as_user is None


def test_the_demo_logins_cover_every_role_and_only_in_the_demo(demo_db, review_db):
    s = session_as(demo_db, "demo-s001")
    found = {login: role for login, role, _ in demo_logins(s)}
    s.close()
    assert DEMO_START_LOGIN in found and found[DEMO_START_LOGIN] == "chief"
    assert found["demo-manager"] == "manager" and found["demo-monitor"] == "monitor"
    real = session_as(review_db, "boss")  # a real database: its users are people, not a tour
    assert demo_logins(real) == []
    real.close()


async def test_the_palette_switches_the_demo_login(demo_db):
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp
    from inspect_tui.tui.screens.pick import PickScreen

    app = InspectApp(demo_db, config=Config(), demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.session.who = DEMO_START_LOGIN  # as --demo opens it (cli.app.with_demo_login)
        app.action_demo_login()
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press(*"monitor", "down", "enter")
        await settle(pilot)
        assert app.session.who == "demo-monitor" and app.role == "monitor"
        assert not app.permissions.may("review.save")
        from inspect_tui.tui.screens.base import TopBar

        await settle(pilot)
        assert "demo-monitor（委託元）" in str(app.screen.query_one(TopBar).render())


def test_demo_before_a_command_runs_it_on_the_demo_database(demo_db, monkeypatch, capsys):
    from inspect_tui.cli.app import with_demo_db
    from inspect_tui.cli.common import UserError
    from inspect_tui.cli.main import main
    from inspect_tui.system import paths

    monkeypatch.setattr(paths, "demo_db_path", lambda: demo_db)
    assert main(["--demo", "guidance", "--surveyor", "S040"]) == 0  # not the user's own database
    out = capsys.readouterr().out
    assert "点検済み: 10 / 10 件" in out and "改善状況の確認: " in out
    assert main(["--demo", "--db", str(demo_db), "guidance", "--surveyor", "S040"]) == 2
    assert "--demo と --db は一緒に使えません" in capsys.readouterr().err
    plain = argparse.Namespace(demo=False, func=print)
    assert with_demo_db(plain) is plain and not hasattr(plain, "db")
    with pytest.raises(UserError):
        with_demo_db(argparse.Namespace(demo=True, func=print, db="x.db"))
