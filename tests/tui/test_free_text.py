"""Personal data typed into the app's free-text fields, driven with real keys (Pilot):
the warning shows under the field as it is typed, the save asks once, and afterwards
the printed documents and a monitor's screens never show the name or the number."""

from __future__ import annotations

import io
import sqlite3
import zipfile

from textual.widgets import DataTable, Input

from builders import FREE_TEXT_CASE as CASE
from builders import FREE_TEXT_NUMBER as NUMBER
from builders import leaks
from tui.conftest import make_app, open_quality, open_review, settle
from tui.screen import flat, screen_text

SIZE = (100, 32)
REVIEW_LEAKS = (b"\xe8\xa9\xa6\xe9\xa8\x93", "花子".encode(), b"9900000001")  # 試験, 花子, the number


def review_leaks(data: str | bytes) -> list[bytes]:
    raw = data.encode() if isinstance(data, str) else data
    return [x for x in REVIEW_LEAKS if x in raw]


# --------------------------------------------------------------------------- a review note
async def test_a_review_note_warns_asks_once_and_never_reaches_print_or_a_monitor(review_db, cli, tmp_path):
    from inspect_tui.tui.screens.free_text import ConfirmPersonalData, PersonalDataWarning
    from inspect_tui.tui.screens.review.check import CheckScreen
    from inspect_tui.tui.screens.review.dialogs import FindingDialog
    from inspect_tui.tui.screens.review.surveyor import SurveyorReviewScreen

    app = make_app(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("enter")  # form 1 of S010 (case R9-00100, applicant 試験 花子)
        await settle(pilot)
        check = app.screen
        assert isinstance(check, CheckScreen) and check.ctx.form_no == 1
        await pilot.press("1")  # a minor finding on the first point
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FindingDialog)
        warning = dialog.query_one("#finding-note-warning", PersonalDataWarning)
        await pilot.press("tab", *"試験花子")
        await settle(pilot)
        assert warning.display and warning.kinds == ("この依頼の申請者の氏名",)
        await pilot.press(*" 9900000001")
        await settle(pilot)
        assert "この依頼の被保険者番号" in str(warning.render())
        assert warning.kinds == ("この依頼の申請者の氏名", "この依頼の被保険者番号")
        assert "花子" not in str(warning.render()) and NUMBER not in str(warning.render())
        await pilot.press("enter", "enter")  # past the guidance, back to the check (the note kept as typed)
        await settle(pilot)
        await pilot.press("a", "tab", "tab", *"S15.1.2")  # the rest OK; guidance with a date of birth
        await settle(pilot)
        assert check.query_one("#check-guidance-warning", PersonalDataWarning).kinds == (
            "生年月日のような日付",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmPersonalData)  # one question for both fields
        asked = str(confirm.query_one("#confirm-fields").render())
        assert "・指摘1のメモ（誤字・脱字）" in asked and "・指導の内容\n    生年月日のような日付" in asked
        assert "個人情報のような文字があります。このまま保存しますか" in screen_text(app)
        await pilot.press("n")  # back to fix it: nothing finished
        await settle(pilot)
        assert app.screen is check and check.ctx.check.state == "draft"
        await pilot.press("ctrl+s", "y")  # saved as typed after saying yes once
        await settle(pilot)
        assert isinstance(app.screen, CheckScreen) and app.screen.ctx.form_no == 2
        await pilot.press("escape")
        await settle(pilot)

    # the guidance report, in every format, goes to the city: masked
    for fmt in ("text", "md", "html", "json"):
        out = tmp_path / f"guidance.{fmt}"
        code, _, err = cli(
            "guidance", "--surveyor", "S010", "--format", fmt, "--draft", "-o", str(out), db=review_db
        )
        assert code == 0, err
        data = out.read_bytes()
        assert review_leaks(data) == [] and b"S15.1.2" not in data, fmt
        assert "＊＊＊".encode() in data, f"{fmt}: the note is there, masked"

    # a monitor opens the surveyor's review and the check: masked
    with sqlite3.connect(review_db) as con:
        con.execute("INSERT INTO users (login, role, created_at) VALUES ('mona', 'monitor', 'now')")
    app = make_app(review_db)
    async with app.run_test(size=(100, 60)) as pilot:
        await open_review(pilot, login="mona", screen=SurveyorReviewScreen("S010"))
        review = app.screen
        assert isinstance(review, SurveyorReviewScreen)
        shown = screen_text(app)
        assert review_leaks(shown) == [] and "S15.1.2" not in shown
        assert "1件目  口頭・文書" not in shown and "＊＊＊" in shown  # the guidance line, masked
        await pilot.press("enter")  # form 1: the check, read only
        await settle(pilot)
        check = app.screen
        assert isinstance(check, CheckScreen) and check.read_only
        shown = screen_text(app)
        assert "閲覧のみ" in shown and "＊＊＊" in shown
        assert review_leaks(shown) == [] and "S15.1.2" not in shown
        assert check.query_one("#check-guidance", Input).value == "＊＊＊"
        notes = [str(c) for c in check.query_one(DataTable).get_column("note")]
        assert "＊＊＊ ＊＊＊" in notes and not review_leaks("".join(notes))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")  # the closing comment: not for a monitor (nothing to prefill, nothing saved)
        await settle(pilot)
        assert app.screen is review
    # the stored note is as typed (the chief reads it so)
    from builders import session_as
    from inspect_tui.services.review.surveyor import surveyor_review

    s = session_as(review_db, "tester")
    assert surveyor_review(s, "S010").forms[0].check.findings[0].note == "試験花子 9900000001"
    s.close()


# --------------------------------------------------------------------------- a complaint
async def test_a_complaint_warns_asks_and_a_monitor_sees_it_masked(fx, cli, tmp_path):
    from inspect_tui.services.quality import records as q
    from inspect_tui.tui.screens.free_text import ConfirmPersonalData, PersonalDataWarning
    from inspect_tui.tui.screens.quality.forms import ComplaintForm

    start = {
        "received_at": "2027-05-14 10:30",
        "complainant": "家族",
        "handled_by": "主任A",
        "ward": "長田区",
        "category": "日程調整",
        "case_no": CASE,
    }
    app = make_app(fx.db.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quality(pilot)
        app.push_screen(ComplaintForm(values=start))
        await settle(pilot)
        form = app.screen
        form.query_one("#f-content").focus()
        await pilot.press(*"鈴原冬美 5550001234")
        await settle(pilot)
        warning = form.query_one("#w-content", PersonalDataWarning)
        assert warning.kinds == ("この依頼の申請者の氏名", "この依頼の被保険者番号")
        assert "注意：この依頼の申請者の氏名、この依頼の被保険者番号があります" in flat(screen_text(app))
        assert not form.query_one("#w-outcome", PersonalDataWarning).kinds
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmPersonalData)
        asked = str(app.screen.query_one("#confirm-fields").render())
        assert "・苦情内容\n    この依頼の申請者の氏名" in asked
        await pilot.press("y")
        await settle(pilot)
    [c] = q.list_complaints(fx)
    assert c.content == "鈴原冬美 5550001234"  # as typed

    # the monthly report (every format) never quotes complaint content
    for fmt in ("text", "md", "csv", "json", "html", "xlsx"):
        path = tmp_path / f"monthly.{fmt}"
        assert cli("report", "monthly", "--month", "2027-05", "--format", fmt, "-o", str(path))[0] == 0
        data = path.read_bytes()
        if fmt == "xlsx":
            z = zipfile.ZipFile(io.BytesIO(data))
            data = b"".join(z.read(n) for n in z.namelist())
        assert leaks(data) == [], fmt

    app = make_app(fx.db.path)  # a monitor: the list and the record, masked
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quality(pilot, login="mona")
        shown = screen_text(app)
        assert leaks(shown) == [] and "＊＊＊ ＊＊＊" in shown
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ComplaintForm) and form.read_only
        assert form.query_one("#f-content").text == "＊＊＊ ＊＊＊"
        shown = screen_text(app)
        assert leaks(shown) == [] and "閲覧のみ" in shown
        await pilot.press("ctrl+s")  # cannot save the masked copy over the record
        await settle(pilot)
        assert "閲覧のみです" in str(form.query_one("#form-errors").render())
    assert q.list_complaints(fx)[0].content == "鈴原冬美 5550001234"


# --------------------------------------------------------------------------- the monthly notes
async def test_the_monthly_notes_warn_ask_and_print_masked(fx, db_path):
    from inspect_tui.core.metrics import parse_month
    from inspect_tui.services.config import Config
    from inspect_tui.services.reports.monthly import get_monthly_note
    from inspect_tui.tui.app import InspectApp
    from inspect_tui.tui.screens.free_text import ConfirmPersonalData, PersonalDataWarning
    from inspect_tui.tui.screens.reports.reports import NotesScreen

    app = InspectApp(db_path, config=Config())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        notes = app.screen
        assert isinstance(notes, NotesScreen)
        await pilot.press(*"鈴原冬美 5550001234")
        await settle(pilot)
        assert notes.query_one("#notes-problems-warning", PersonalDataWarning).kinds == (
            "この依頼の申請者の氏名",
            "この依頼の被保険者番号",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmPersonalData)
        await pilot.press("enter")
        await settle(pilot)
        preview = str(app.screen.query_one("#report-preview").render())
        assert "＊＊＊ ＊＊＊" in preview and leaks(preview) == []
        assert leaks(screen_text(app)) == []
    assert get_monthly_note(fx, parse_month("2027-05"), "problems") == "鈴原冬美 5550001234"


# --------------------------------------------------------------------------- a case step note
async def test_a_step_note_warns_asks_and_a_monitor_sees_it_masked(fx, db_path):
    from inspect_tui.services.config import Config
    from inspect_tui.tui.app import InspectApp
    from inspect_tui.tui.screens.cases.detail import CaseDetailScreen
    from inspect_tui.tui.screens.cases.step_dialog import StepDialog
    from inspect_tui.tui.screens.free_text import ConfirmPersonalData, PersonalDataWarning

    app = InspectApp(db_path, config=Config())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(CaseDetailScreen(CASE))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StepDialog)
        dialog.query_one("#step-date", Input).value = "2027-05-12"
        dialog.query_one("#step-note").focus()
        await pilot.press(*"鈴原 冬美")
        await settle(pilot)
        assert dialog.query_one("#step-note-warning", PersonalDataWarning).kinds == (
            "この依頼の申請者の氏名",
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmPersonalData)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert app.screen.detail.events[-1]["note"] == "鈴原 冬美"  # a manager reads it as typed
    with fx.db.conn:
        fx.db.conn.execute("UPDATE users SET role = 'monitor' WHERE login = 'tester'")
    app = InspectApp(db_path, config=Config())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(CaseDetailScreen(CASE))
        await settle(pilot)
        shown = screen_text(app)
        assert "日程調整連絡" in shown and "＊＊＊" in shown and leaks(shown) == []
        assert app.screen.detail.events[-1]["note"] == "＊＊＊"
