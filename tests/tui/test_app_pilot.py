"""The app driven from the keyboard with Pilot: screens, filters, a case step, help,
themes and key remapping."""

from __future__ import annotations

import sqlite3

from inspect_tui.tui.screens.cases.detail import CaseDetailScreen
from inspect_tui.tui.screens.cases.listing import CasesScreen
from inspect_tui.tui.screens.cases.step_dialog import StepDialog
from inspect_tui.tui.screens.confirm import ConfirmDialog
from inspect_tui.tui.screens.help import HelpScreen
from inspect_tui.tui.screens.staff.surveyors import SurveyorsScreen
from inspect_tui.tui.screens.today import TodayScreen
from inspect_tui.tui.widgets.case_table import CaseTable
from tui.conftest import make_app, settle, until


def text_of(screen, selector: str) -> str:
    """What a Static shows, as plain text (Rich tables rendered at 120 cells)."""
    from rich.console import Console

    widget = screen.query_one(selector)
    content = widget.content if hasattr(widget, "content") else widget.render()
    if isinstance(content, str):
        return content
    console = Console(width=120, record=True, file=open("/dev/null", "w"))
    console.print(content)
    return console.export_text()


async def test_opens_on_today_with_counts(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        summary = text_of(app.screen, "#summary")
        assert "未完了 39 件" in summary and "期限超過" in summary
        assert "新任調査員 1 人" in text_of(app.screen, "#review")
        assert "田中 期限" in text_of(app.screen, "#alerts")
        # its connections share one page-cache budget (SQLite's soft heap limit: process-wide)
        from inspect_tui.store.connection import SHARED_CACHE_KIB

        limit = sqlite3.connect(":memory:").execute("PRAGMA soft_heap_limit").fetchone()[0]
        assert limit == SHARED_CACHE_KIB * 1024


async def test_number_keys_switch_screens_and_escape_backs_out(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        assert app.screen.query_one(CaseTable).total == 39
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, SurveyorsScreen)
        await pilot.press("enter")  # the first surveyor's cases
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen) and app.screen.filter.surveyor == "S001"
        await pilot.press("escape")
        assert isinstance(app.screen, SurveyorsScreen)
        await pilot.press("1")
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("enter")  # the most urgent case
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        await pilot.press("q")  # q backs out of an opened screen…
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("q")  # …and quits from the top
    assert app.return_code == 0


async def test_filtering_the_case_list(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(CaseTable)
        await pilot.press("slash", *"R9-0101")
        await until(pilot, lambda: app.screen.filter.text == "R9-0101")
        await settle(pilot)
        assert table.total == 10
        await pilot.press("enter")  # back to the list, filter kept
        assert screen.focused is table
        await pilot.press("x")
        await settle(pilot)
        assert table.total == 39
        await pilot.press("d")  # overdue
        await settle(pilot)
        assert screen.filter.deadline == "overdue"
        assert table.total > 0 and all(table.row_at(i).state == "overdue" for i in range(table.total))
        await pilot.press("w")  # first ward
        await settle(pilot)
        assert screen.filter.ward == "長田区"
        assert all(table.row_at(i).ward == "長田区" for i in range(table.total))
        await pilot.press("f")  # status: all
        await settle(pilot)
        assert screen.filter.status == ""
        await pilot.press("s")  # sort by case number
        await settle(pilot)
        numbers = [table.row_at(i).case_no for i in range(table.total)]
        assert numbers == sorted(numbers)
        await pilot.press("S")
        await settle(pilot)
        assert [table.row_at(i).case_no for i in range(table.total)] == sorted(numbers, reverse=True)
        assert "超過" in text_of(screen, "#filter-line")


async def test_searching_by_name_depends_on_role(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash", *"花子")
        await until(pilot, lambda: app.screen.filter.text == "花子")
        await settle(pilot)
        assert app.screen.query_one(CaseTable).total > 0
    con = sqlite3.connect(sample_db)
    con.execute("UPDATE users SET role = 'monitor'")
    con.commit()
    con.close()
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        assert table.row_at(0).applicant_name is None
        await pilot.press("slash", *"花子")
        await until(pilot, lambda: app.screen.filter.text == "花子")
        await settle(pilot)
        assert table.total == 0


async def test_recording_a_visit_end_to_end(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash", *"R9-01011", "enter")
        await until(pilot, lambda: app.screen.filter.text == "R9-01011")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen) and detail.case_no == "R9-01011"
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        date_box = app.screen.query_one("#step-date")
        assert date_box.value == "2027-06-15"
        date_box.value = "R9.4.1"  # before the request was received
        await pilot.press("enter", *"訪問", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert "記録できません" in text_of(app.screen, "#step-error")
        assert "依頼受理日" in text_of(app.screen, "#step-error")
        date_box.value = "2027/6/14"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        assert detail.detail.fields["visited_on"] == "2027-06-14"
        assert "訪問済" in text_of(detail, "#detail-head")
    con = sqlite3.connect(sample_db)
    row = con.execute("SELECT visited_on, status, version FROM cases WHERE case_no = 'R9-01011'").fetchone()
    events = con.execute(
        "SELECT e.kind, e.on_date, e.who, e.note FROM case_events e JOIN cases c"
        " ON c.id = e.case_id WHERE c.case_no = 'R9-01011' ORDER BY e.id"
    ).fetchall()
    assert row == ("2027-06-14", "visited", 2)
    assert events[-1] == ("visit", "2027-06-14", "tester", "訪問")  # after the case's own steps
    assert [e[0] for e in events[:-1]] == ["received", "contact"]


async def test_a_bad_date_is_explained_in_the_dialog(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(CaseDetailScreen("R9-01038"))  # a submitted case
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#step-date").value = "6月1日"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "日付として読めません" in text_of(app.screen, "#step-error")
        await pilot.press("escape")  # the date was changed: asked before it is thrown away
        assert isinstance(app.screen, ConfirmDialog) and app.screen.title_text == "変更を破棄しますか"
        await pilot.press("right", "enter")
        assert isinstance(app.screen, CaseDetailScreen)


async def test_a_conflicting_change_is_reported(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(CaseDetailScreen("R9-01011"))
        await settle(pilot)
        con = sqlite3.connect(sample_db)
        con.execute("UPDATE cases SET version = version + 1 WHERE case_no = 'R9-01011'")
        con.commit()
        con.close()
        await pilot.press("v", "ctrl+s")
        await settle(pilot)
        assert "他の人" in text_of(app.screen, "#step-error")


async def test_help_lists_the_screen_keys_with_ids(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = text_of(app.screen, "#help-table")
        expected_texts = (
            "cases.filter",
            "依頼番号・氏名で絞り込む",
            "screen.today",
            "app.theme",
            "list.down",
        )
        for expected in expected_texts:
            assert expected in text
        await pilot.press("escape")
        assert isinstance(app.screen, CasesScreen)


async def test_theme_switch_and_config_theme(sample_db):
    app = make_app(sample_db, theme="light")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "light"
        await pilot.press("ctrl+t")
        assert app.theme == "high-contrast"
        await pilot.press("ctrl+t")
        assert app.theme == "default"
    assert {"default", "light", "high-contrast"} <= set(app.available_themes)


async def test_keys_can_be_remapped_and_unknown_ids_are_reported(sample_db):
    app = make_app(sample_db, keys={"screen.cases": "9", "cases.filter": "F", "no.such": "z"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any("no.such" in n.message for n in app._notifications)
        await pilot.press("9")
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        await pilot.press("F")
        assert app.screen.focused.id == "filter-input"


async def test_command_palette_offers_screens_and_actions(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("画面: 調査員") for t in titles)
        assert any(t.startswith("期限") for t in titles)
        assert "テーマ: light" in titles


async def test_no_color_is_honoured(sample_db, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color


async def test_a_missing_database_folder_is_reported_not_crashed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    app = make_app(blocker / "cases.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.session is None
        assert "データベースを開けません" in text_of(app.screen, "#summary")


async def test_a_monitor_sees_no_personal_data_and_cannot_record(sample_db):
    con = sqlite3.connect(sample_db)
    con.execute("UPDATE users SET role = 'monitor'")
    con.commit()
    con.close()
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(CaseDetailScreen("R9-01011"))
        await settle(pilot)
        fields = app.screen.detail.fields
        assert fields["applicant_name"] == "［非表示］" and fields["insured_no"] == "［非表示］"
        await pilot.press("v", "ctrl+s")  # no step key for a monitor: no dialog opens at all
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert any("権限がありません" in n.message for n in app._notifications)


async def test_escape_leaves_the_filter_box_then_clears_the_text(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash", *"R9-0101")
        await until(pilot, lambda: app.screen.filter.text == "R9-0101")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(CaseTable)
        await pilot.press("escape")
        assert screen.focused is table and screen.filter.text == "R9-0101"
        await pilot.press("escape")
        await settle(pilot)
        assert screen.filter.text == "" and table.total == 39
        await pilot.press("j", "j", "down", "k")
        assert table.cursor == 2


async def test_an_unexpected_error_is_logged_without_personal_data(sample_db, monkeypatch, capfd):
    import pytest

    from inspect_tui.system.paths import log_path

    def broken(self, d):
        raise ValueError("試験 花子 1")  # a message that quotes personal data

    monkeypatch.setattr(TodayScreen, "_due_list", broken)
    app = make_app(sample_db)
    with pytest.raises(ValueError):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
    log = log_path().read_text(encoding="utf-8")
    assert "ValueError" in log and "[tui]" in log
    assert "花子" not in log
    shown = "".join(capfd.readouterr().err.split())  # the one line left on the terminal, unwrapped
    assert "予期しないエラー" in shown and "inspect-tui.log" in shown and "花子" not in shown


async def test_review_reports_and_quality_screens_open_from_number_keys(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, name in (("4", "ReviewQueueScreen"), ("5", "ReportsScreen"), ("6", "QualityScreen")):
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen).__name__ == name
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
        await pilot.press("1")
        assert isinstance(app.screen, TodayScreen)


async def test_a_new_day_reloads_the_screens(sample_db, monkeypatch):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.data_version
        monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-06-16")
        app._check_day()
        await settle(pilot)
        assert app.today.isoformat() == "2027-06-16" and app.data_version == before + 1
        assert "06-16(水)" in str(app.screen.query_one("TopBar").render())  # 80 columns: no year


async def test_picking_a_surveyor_by_typing(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "u")
        await settle(pilot)
        await pilot.press(*"S003", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CasesScreen) and screen.filter.surveyor == "S003"
        table = screen.query_one(CaseTable)
        assert table.total > 0 and all(table.row_at(i).surveyor == "S003" for i in range(table.total))


async def test_the_audit_trail_opens_for_a_manager(sample_db):
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert type(app.screen).__name__ == "AuditScreen"
        await pilot.press("escape")
        assert isinstance(app.screen, TodayScreen)


async def test_every_screen_says_why_when_the_database_cannot_open(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    app = make_app(blocker / "cases.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, selector in (("2", "#filter-line"), ("3", "#surveyor-summary")):
            await pilot.press(key)
            await settle(pilot)
            assert "データベースを開けません" in text_of(app.screen, selector)


async def test_a_burst_of_typing_is_never_written_back_over(sample_db):
    """Keys arriving faster than the app handles them (SSH, paste) queue Changed events with
    older values; none of them may overwrite what is in the box."""
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash")
        await settle(pilot)
        box = app.screen.query_one("#filter-input")
        for ch in "R9-0101":
            box.insert_text_at_cursor(ch)  # no pause between keys
        await until(pilot, lambda: app.screen.filter.text == "R9-0101")
        await settle(pilot)
        assert box.value == "R9-0101"
        assert app.screen.filter.text == "R9-0101"
        assert app.screen.query_one(CaseTable).total == 10


async def test_first_start_of_the_day_backs_up_and_offers_the_purge(sample_db):
    conn = sqlite3.connect(sample_db)
    with conn:  # one case closed long ago whose applicant's name is still there
        conn.execute(
            "UPDATE cases SET accepted_on = '2027-01-15', status = 'accepted', submitted_on ="
            " '2027-01-14', last_submitted_on = '2027-01-14', visited_on = '2027-01-12',"
            " applicant_name = '保存 期限'"
            " WHERE id = (SELECT min(id) FROM cases)"
        )
    conn.close()
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        backups = list((sample_db.parent / "backups").glob("*.db"))
        assert len(backups) == 1  # the day's first start made one
        assert app.purge_due >= 1
        messages = [n.message for n in app._notifications]
        assert any("保存期間を過ぎた" in m for m in messages)
        assert not any("保存 期限" in m for m in messages)  # never the personal value
        app.action_purge_personal()  # from the palette: asked first, naming how many
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert not app._notifications  # the note that sent one here no longer covers the question
        assert f"{app.purge_due} 件の依頼から" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("enter")  # the answer is No unless one moves to はい
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog) and app.purge_due >= 1
        app.action_purge_personal()
        await settle(pilot)
        await pilot.press("right", "enter")
        await settle(pilot)
        assert app.purge_due == 0
    conn = sqlite3.connect(sample_db)
    assert conn.execute("SELECT count(*) FROM cases WHERE applicant_name = '保存 期限'").fetchone()[0] == 0
    conn.close()
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:  # second start the same day: no second backup
        await settle(pilot)
    assert len(list((sample_db.parent / "backups").glob("*.db"))) == 1


async def test_the_days_backup_waits_until_the_first_figures_are_on_screen(sample_db, monkeypatch):
    """The backup copies the whole file; started with the dashboard's queries it doubled the
    time to the figures at 1M cases. It starts once the Today screen shows them."""
    import time

    import inspect_tui.services.today.dashboard as dashboard
    import inspect_tui.services.trust.backup as backup

    real_build, real_backup = dashboard.build_dashboard, backup.maybe_daily_backup
    seen: list[str] = []

    def slow_build(s, today):
        time.sleep(0.4)  # a big database: the figures take a while
        return real_build(s, today)

    def watched_backup(s, *args, **kwargs):
        summary = str(app.screen.query_one("#summary").render()) if app.screen.query("#summary") else ""
        seen.append(summary)
        return real_backup(s, *args, **kwargs)

    monkeypatch.setattr(dashboard, "build_dashboard", slow_build)
    monkeypatch.setattr(backup, "maybe_daily_backup", watched_backup)
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(50):
            if seen:
                break
            await pilot.pause(0.05)
            await settle(pilot)
    assert len(seen) == 1 and "未完了" in seen[0], seen  # after the figures, once
    assert len(list((sample_db.parent / "backups").glob("*.db"))) == 1


async def test_a_broad_filter_shows_at_once_and_is_counted_when_the_list_is_still(sample_db, monkeypatch):
    """Past the cap the line says 「N 件以上」 and the rows are there; once the list has been
    still a moment the exact count replaces it, and typing again starts over."""
    from inspect_tui.services.cases import search
    from inspect_tui.tui.screens.cases import listing as cases_screen

    monkeypatch.setattr(search, "CAP", 10)
    monkeypatch.setattr(cases_screen, "EXACT_COUNT_AFTER_S", 1.0)
    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot, rounds=1)
        screen, table = app.screen, app.screen.query_one(CaseTable)
        assert not screen.count_exact and table.total == 11
        assert "10 件以上" in text_of(screen, "#filter-line")
        assert table.row_at(0) is not None  # the first page came with the capped count
        await until(pilot, lambda: screen.count_exact)
        assert table.total == 39 and "39 件" in text_of(screen, "#filter-line")
        await pilot.press("f")  # all statuses: capped again, then exact
        await settle(pilot, rounds=1)
        assert not screen.count_exact
        await until(pilot, lambda: screen.count_exact)
        total = sqlite3.connect(sample_db).execute("SELECT count(*) FROM cases").fetchone()[0]
        assert table.total == total and f"{total:,} 件" in text_of(screen, "#filter-line")
