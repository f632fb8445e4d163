"""The reports screen driven with Pilot on a hand-built database."""

from __future__ import annotations

import pytest

from builders import add_case
from inspect_tui.core.metrics import parse_month


@pytest.fixture
def app_db(session, db_path):
    add_case(session, received_on="2027-05-10", contacted_on="2027-05-14")  # late contact (due 5/13)
    add_case(
        session,
        received_on="2027-05-06",
        contacted_on="2027-05-07",
        visited_on="2027-05-10",
        submitted_on="2027-05-12",
        accepted_on="2027-05-20",
    )
    return db_path


async def _settle(pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _preview(app) -> str:
    return str(app.screen.query_one("#report-preview").render())


async def test_preview_export_and_kinds(app_db, tmp_path, monkeypatch):
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp

    out = tmp_path / "exports"
    monkeypatch.setenv("INSPECT_TUI_REPORT_DIR", str(out))
    app = InspectApp(app_db, config=Config(unit_price_home=7777))
    async with app.run_test(size=(100, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("5")
        await _settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ReportsScreen"
        text = _preview(app)
        assert "業務履行報告書（月次）" in text and "令和9年5月" in text  # last month by default
        await pilot.press("e")
        await _settle(pilot)
        assert (out / "monthly_2027-05.xlsx").exists()
        assert str(out / "monthly_2027-05.xlsx") in str(screen.query_one("#report-status").render())
        await pilot.press("t")  # SLA, this quarter
        await _settle(pilot)
        assert "サービス水準達成状況報告書" in _preview(app) and "2027Q1" in screen.built.period_key
        await pilot.press("t")  # KPI
        await _settle(pilot)
        assert "KGI・KPI 達成状況" in _preview(app)
        await pilot.press("p")
        await pilot.press("ctrl+a", *"2027Q9", "enter")
        await _settle(pilot)
        assert "年度として読めません" in str(screen.query_one("#report-status").render())
        app.save_screenshot(str(tmp_path / "reports.svg"))


async def test_bad_period_shows_a_message(app_db):
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp

    app = InspectApp(app_db, config=Config())
    async with app.run_test(size=(100, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("5")
        await _settle(pilot)
        period = app.screen.query_one("#report-period")
        period.value = ""
        await pilot.press("p", *"2027-13", "enter")
        await _settle(pilot)
        assert "月は1〜12" in str(app.screen.query_one("#report-status").render())


async def test_manager_enters_problems_and_improvements(app_db):
    from inspect_tui.services.config import Config
    from inspect_tui.services.reports.monthly import get_monthly_note
    from inspect_tui.services.session import open_session
    from inspect_tui.tui.app import InspectApp

    app = InspectApp(app_db, config=Config())
    async with app.run_test(size=(100, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("5")
        await _settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "NotesScreen"
        await pilot.press(*"late")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert "late" in _preview(app)
    with open_session(app_db, Config()) as s:
        assert get_monthly_note(s, parse_month("2027-05"), "problems") == "late"


def _status(app) -> str:
    return str(app.screen.query_one("#report-status").render())


async def test_export_over_ssh_says_the_file_is_on_the_server_and_how_to_fetch_it(
    app_db, tmp_path, monkeypatch, capsys
):
    """Under a forced command (--as) scp is refused, so the message gives the CLI line that
    streams the report; that line, run, prints exactly the file the screen wrote. For a
    person's own account over SSH it gives scp of the file; on the person's own machine,
    only the path."""
    import re
    import shlex
    import stat

    from inspect_tui.cli.main import main
    from inspect_tui.services.config import Config
    from inspect_tui.system.osuser import act_as
    from inspect_tui.tui.app import InspectApp

    out = tmp_path / "exports"
    monkeypatch.setenv("INSPECT_TUI_REPORT_DIR", str(out))
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50022 192.0.2.10 22")
    act_as("tester")  # as `inspect-tui --as tester` in an authorized_keys line would
    app = InspectApp(app_db, config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("5")
        await _settle(pilot)
        await pilot.press("e")  # xlsx, the first format
        await _settle(pilot)
        path = out / "monthly_2027-05.xlsx"
        line = (
            "ssh tester@192.0.2.10 'inspect-tui report monthly --month 2027-05 --format xlsx'"
            " > monthly_2027-05.xlsx"
        )
        assert f"サーバーに書き出しました: {path}" in _status(app)
        assert line in _status(app).replace("\n", "")
        assert app.clipboard == line
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        for _ in range(4):  # pareto: a span of dates and its required --of
            await pilot.press("t")
            await _settle(pilot)
        for _ in range(2):  # xlsx -> html -> csv
            await pilot.press("f")
        await pilot.press("e")
        await _settle(pilot)
        command = app.clipboard
    m = re.fullmatch(r"ssh tester@192\.0\.2\.10 ('[^']+') > (\S+)", command)
    assert m, command
    request = shlex.split(shlex.split(m.group(1))[0])
    assert request[:3] == ["inspect-tui", "report", "pareto"] and "--of" in request
    assert main([*request[1:], "--db", str(app_db)]) == 0
    printed = capsys.readouterr().out
    assert printed == (out / m.group(2)).read_bytes().decode("utf-8")
    assert m.group(2).startswith("pareto_") and m.group(2).endswith(".csv")

    act_as(None)  # the person's own OS account: scp works for them
    app = InspectApp(app_db, config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("5")
        await _settle(pilot)
        await pilot.press("e")
        await _settle(pilot)
        assert f"scp tester@192.0.2.10:{out}/monthly_2027-05.xlsx ." in _status(app).replace("\n", "")
        assert app.clipboard == f"scp tester@192.0.2.10:{out}/monthly_2027-05.xlsx ."

    monkeypatch.delenv("SSH_CONNECTION")  # the person's own machine: the path, nothing to fetch
    app = InspectApp(app_db, config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("5")
        await _settle(pilot)
        await pilot.press("e")
        await _settle(pilot)
        assert _status(app) == f"書き出しました: {out / 'monthly_2027-05.xlsx'}"
        assert app.clipboard == ""


async def test_f_reaches_pdf_and_e_writes_a_real_pdf(app_db, tmp_path, monkeypatch):
    """The Reports screen exports every format the CLI prints, pdf included (last in the
    order `f` goes through); the file is a PDF whose text is the report's."""
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp
    from inspect_tui.tui.screens.reports.reports import EXPORT_FORMATS
    from pdftext import pdf_missing, pdf_text

    assert EXPORT_FORMATS[-1] == "pdf"
    if pdf_missing():
        pytest.skip(pdf_missing())
    out = tmp_path / "exports"
    monkeypatch.setenv("INSPECT_TUI_REPORT_DIR", str(out))
    app = InspectApp(app_db, config=Config(unit_price_home=7777))
    async with app.run_test(size=(100, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("5")
        await _settle(pilot)
        assert "e: xlsx で書き出し" in str(app.screen.query_one("#report-status").render())
        for _ in range(len(EXPORT_FORMATS) - 1):  # xlsx -> … -> pdf
            await pilot.press("f")
        assert app.screen.fmt == "pdf"
        # the line under the controls names the format e writes now, not the one it first said
        assert "e: pdf で書き出し" in str(app.screen.query_one("#report-status").render())
        await pilot.press("e")
        for _ in range(60):
            await _settle(pilot)
            status = str(app.screen.query_one("#report-status").render())
            if "書き出しました" in status or "できません" in status or "入れてください" in status:
                break
    path = out / "monthly_2027-05.pdf"
    assert path.exists(), status
    data = path.read_bytes()
    assert data[:5] == b"%PDF-"
    assert "業務履行報告書（月次）" in pdf_text(data).replace(" ", "")


async def test_kpi_evaluation_is_typed_per_indicator_and_saved_together(sample_db):
    """n on the KGI/KPI report: the indicator list, two boxes, what was typed for one
    indicator kept while another is shown, ctrl+s saves both, the preview prints them."""
    from inspect_tui.services.config import Config
    from inspect_tui.services.reports.kpi import get_kpi_note
    from inspect_tui.services.session import open_session
    from inspect_tui.tui.app import InspectApp
    from inspect_tui.tui.screens.confirm import ConfirmDialog
    from inspect_tui.tui.screens.reports.kpi_notes import KpiNotesScreen
    from tui.conftest import settle

    app = InspectApp(sample_db, config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5", "t", "t")  # 月次 → SLA → KGI/KPI
        await settle(pilot)
        assert "KGI・KPI 達成状況" in _preview(app)
        status = str(app.screen.query_one("#report-status").render())
        assert "令和9年度（2027年度） を表示中" in status  # the period in 和暦, not FY2027
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, KpiNotesScreen)
        await pilot.press(*"想定どおり")  # 自己評価 of the first indicator (受理件数)
        select = dialog.query_one("#kpi-note-indicator")
        select.focus()
        await pilot.press("enter", "down", "enter")  # the next indicator
        await settle(pilot)
        assert dialog.current == "ontime_rate_target20"
        assert dialog.query_one("#kpi-note-self").text == ""  # its own boxes
        dialog.query_one("#kpi-note-issues").focus()
        await pilot.press(*"繁忙期の遅れ")
        await pilot.press("escape")  # changed: asks
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # いいえ: back, nothing lost
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, KpiNotesScreen)
        assert "2 件の評価を保存しました" in str(app.screen.query_one("#report-status").render())
        await settle(pilot)
        assert "想定どおり" in _preview(app) and "繁忙期の遅れ" in _preview(app)
    s = open_session(sample_db, Config())
    try:
        assert get_kpi_note(s, "accepted", 2027, "self") == "想定どおり"
        assert get_kpi_note(s, "ontime_rate_target20", 2027, "issues") == "繁忙期の遅れ"
        assert get_kpi_note(s, "accepted", 2027, "issues") == ""
    finally:
        s.close()


async def test_a_built_report_lets_go_of_the_months_names(app_db):
    """The month's names, indexed to mask the report's notes (~4 MB at 1M cases), are not
    kept once the preview is built: the TUI stays open all day, month after month."""
    from inspect_tui.core import masking
    from inspect_tui.tui.app import InspectApp

    masking.mask_free_text(
        "連絡済み", tuple(f"試験{chr(0x4E00 + i)}{chr(0x4E80 + i)}" for i in range(50)), ()
    )
    assert masking._name_keys.cache_info().currsize == 1
    app = InspectApp(app_db)
    async with app.run_test(size=(100, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("5")
        await _settle(pilot)
        assert "業務履行報告書（月次）" in _preview(app)
        assert masking._name_keys.cache_info().currsize == 0
        assert masking._by_prefix.cache_info().currsize == 0


async def test_an_export_says_it_has_started_and_a_second_e_waits_for_it(app_db, tmp_path, held_write):
    """At 1M cases the monthly report's PDF takes ~17 s: `e` says at once that it is being
    written (nothing showed until it was done), and `e` again meanwhile says to wait instead
    of starting a second worker on the same file (a thread worker cannot be stopped)."""
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp
    from tui.conftest import until

    out = tmp_path / "exports"
    go, writes = held_write
    app = InspectApp(app_db, config=Config())
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("5")
        await _settle(pilot)
        await pilot.press("e")
        await until(pilot, lambda: writes, workers=False)
        assert _status(app) == "xlsx を書き出し中…"
        await pilot.press("e")
        await pilot.pause()
        assert _status(app) == "xlsx を書き出し中です。終わるまでお待ちください"
        go.set()
        await _settle(pilot)
        assert _status(app) == f"書き出しました: {out / 'monthly_2027-05.xlsx'}"
        assert writes == ["xlsx"]  # one worker wrote it
        await pilot.press("e")  # done: the next one starts
        await _settle(pilot)
        assert writes == ["xlsx", "xlsx"]
