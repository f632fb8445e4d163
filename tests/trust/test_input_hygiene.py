"""Bad data never reaches a screen or a report (issue 11): each attack from the issue,
reproduced as a user (or an attacker) would, against the real CLI, the real import,
the real app and a real SQLite file.

- a case number carrying terminal escapes, imported or already in the database;
- dates that do not exist in their era, steps dated after today, births in 2090;
- import files built to exhaust memory (1M columns, /dev/zero, an endless pipe);
- swapped columns that made import errors quote names and insured numbers.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspect_tui.core.text import describe_char, find_control, printable, screen_safe
from inspect_tui.reports.render import json_text

EVIL = "K-1\x1b]0;pwned\x07\x1b[2J\x9b31m"  # retitles the terminal, clears it, then CSI in C1 form
RAW_CONTROLS = ("\x1b", "\x07", "\x9b")
CASES_CSV = "case_no,application,ward,received_on,dispatched_on\n"


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def no_raw_controls(text: str) -> bool:
    return not any(c in text for c in RAW_CONTROLS)


# --------------------------------------------------------------------------- the sanitiser
@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("K-1", "K-1"),
        ("K-1\x1b[2J", "K-1\\x1b[2J"),
        ("a\x07b", "a\\x07b"),
        ("a\x9bb", "a\\x9bb"),
        ("a\x7fb", "a\\x7fb"),
        ("a\x00b", "a\\x00b"),
        ("a\tb\nc", "a\\x09b\\x0ac"),
        ("a\udcffb", "a\\udcffb"),
        ("申請　太郎", "申請　太郎"),  # the ideographic space is text, not a control
    ],
)
def test_printable_shows_every_control_character_as_an_escape(raw, shown):
    assert printable(raw) == shown


def test_printable_multiline_keeps_line_ends_and_tabs_but_not_a_lone_carriage_return():
    assert printable("a\tb\nc\r\nd", multiline=True) == "a\tb\nc\r\nd"
    assert printable("total 100\roverwritten", multiline=True) == "total 100\\x0doverwritten"


@given(st.text())
def test_printable_output_never_holds_a_control_character(text):
    for multiline in (False, True):
        out = printable(text, multiline=multiline)
        allowed = "\t\n\r" if multiline else ""
        assert find_control(out, allow=allowed) is None
        assert "\r" not in out.replace("\r\n", "")
        out.encode("utf-8")  # no lone surrogate left to break the terminal's encoding
    screen_safe(text).encode("utf-8")
    assert find_control(screen_safe(text)) is None
    if find_control(text) is None:
        assert printable(text) == text == screen_safe(text)


def test_a_control_character_is_described_by_code_point():
    assert describe_char("\x1b") == "U+001B（ESC）"
    assert describe_char("\x9b") == "U+009B（CSI）"
    assert describe_char("\t") == "U+0009（タブ）"


def test_json_output_escapes_what_json_dumps_leaves_raw():
    text = json_text({"case_no": "K-1\x1b[2J\x9b\x7f\udcff"})
    assert "\\u001b" in text and "\\u009b" in text and "\\u007f" in text and "\\udcff" in text
    assert find_control(text, allow="\n") is None
    assert json.loads(text) == {"case_no": "K-1\x1b[2J\x9b\x7f\udcff"}  # the value itself is kept


# --------------------------------------------------------------------------- data already stored
@pytest.fixture
def evil_db(session, db_path, tmp_path):
    """Two late May cases; then, behind the app's back, control characters in a case
    number, a surveyor's name and an event note (as a database from before the fix)."""
    from inspect_tui.services.importing import import_file

    path = write(
        tmp_path, CASES_CSV + "K-1,新規,長田区,2027-05-06,2027-05-06\nK-2,新規,長田区,2027-05-07,2027-05-07\n"
    )
    import_file(session, "cases", path)
    session.close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE cases SET case_no = ? WHERE case_no = 'K-1'", (EVIL,))
    conn.execute("UPDATE case_events SET note = ? WHERE case_id = 1", ("取込\x1b]0;note\x07",))
    conn.commit()
    conn.close()
    return db_path


def test_case_show_of_a_stored_escape_prints_it_visibly(evil_db, cli):
    code, out, err = cli("case", "show", EVIL)
    assert code == 0, err
    assert no_raw_controls(out)
    assert "K-1\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m" in out  # shown, not obeyed
    assert "取込\\x1b]0;note\\x07" in out


def test_an_error_message_never_carries_the_escape_either(evil_db, cli):
    code, _, err = cli("case", "show", EVIL + "x")
    assert code == 2 and no_raw_controls(err) and "\\x1b" in err


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "html"])
def test_reports_show_a_stored_escape_visibly(evil_db, cli, tmp_path, fmt):
    target = tmp_path / f"monthly.{fmt}"  # a file: only the renderer stands between data and paper
    code, _, err = cli("report", "monthly", "--month", "2027-05", "--format", fmt, "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert no_raw_controls(text)
    assert "x1b]0;pwned" in text  # the late case is listed by its number (md doubles the backslash)
    code, out, err = cli("report", "monthly", "--month", "2027-05", "--format", fmt)
    assert code == 0 and no_raw_controls(out) and "x1b]0;pwned" in out


def test_the_xlsx_report_is_written_despite_characters_openpyxl_refuses(evil_db, cli, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "monthly.xlsx"
    code, _, err = cli("report", "monthly", "--month", "2027-05", "--format", "xlsx", "-o", str(target))
    assert code == 0, err
    values = [
        str(c.value)
        for ws in load_workbook(target).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value
    ]
    assert any("K-1\\x1b]0;pwned" in v for v in values)
    assert all(no_raw_controls(v) for v in values)


async def test_the_app_never_draws_a_stored_escape(tmp_path):
    from tui.conftest import make_app, settle
    from tui.sample import build_sample

    path = build_sample(tmp_path / "cases.db")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE cases SET case_no = ? WHERE case_no = 'R9-01000'", ("R9-EVIL" + EVIL,))
    conn.execute("UPDATE surveyors SET name = ? WHERE code = 'S004'", ("田中\x1b[5m 期限",))
    conn.commit()
    conn.close()

    def drawn(app) -> str:
        return "".join(seg.text for strip in app.screen._compositor.render_strips() for seg in strip)

    seen = []
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        seen.append(("today", drawn(app)))
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash", *"EVIL")
        await pilot.pause(0.3)
        await settle(pilot)
        seen.append(("cases", drawn(app)))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        seen.append((type(app.screen).__name__, drawn(app)))
        await pilot.press("3")
        await settle(pilot)
        seen.append(("surveyors", drawn(app)))
    assert [name for name, _ in seen] == ["today", "cases", "CaseDetailScreen", "surveyors"]
    for name, text in seen:
        assert no_raw_controls(text), name
    assert "R9-EVILK-1]0;pwned[2J31m" in seen[2][1]  # the case screen shows the number, inert
    assert "田中[5m 期限" in seen[0][1] and "田中[5m 期限" in seen[3][1]


# --------------------------------------------------------------------------- steps after today
@pytest.fixture
def one_case(session):
    from .conftest import add_case

    add_case(session, "C-1")  # received 2027-06-08; today is 2027-06-15
    return session


def _state(db_path: Path) -> tuple:
    conn = sqlite3.connect(db_path)
    try:
        return (
            conn.execute("SELECT version, visited_on, contacted_on FROM cases").fetchall(),
            conn.execute("SELECT COUNT(*) FROM case_events").fetchone(),
        )
    finally:
        conn.close()


def test_the_cli_refuses_a_step_dated_after_today(one_case, db_path, cli):
    before = _state(db_path)
    code, _, err = cli("case", "step", "C-1", "contact", "--on", "2027-06-16")
    assert code == 2
    assert "日程調整日 2027-06-16 は今日（日本時間 2027-06-15）より後です" in err
    assert _state(db_path) == before
    code, _, err = cli("case", "step", "C-1", "contact", "--on", "R9.6.15")  # today is fine
    assert code == 0, err


def test_the_cli_refuses_a_step_before_the_request_naming_the_rule(one_case, db_path, cli):
    before = _state(db_path)
    code, _, err = cli("case", "step", "C-1", "visit", "--on", "2027-06-07")
    assert code == 2 and "（訪問日は依頼受理日以降の日付です）" in err
    assert _state(db_path) == before


def test_a_note_with_a_control_character_is_refused(one_case, db_path, cli):
    before = _state(db_path)
    code, _, err = cli("case", "step", "C-1", "contact", "--note", "電話\x1b[2J")
    assert code == 2 and "メモの3文字目に制御文字 U+001B（ESC）があります" in err
    assert no_raw_controls(err) and _state(db_path) == before
    code, _, err = cli("case", "step", "C-1", "contact", "--note", "一回目\t不在\n二回目 了承")
    assert code == 0, err  # tabs and line breaks are a note's own


async def test_the_step_dialog_refuses_a_day_after_today(one_case, db_path):
    from inspect_tui.tui.screens.case_detail import CaseDetailScreen
    from inspect_tui.tui.screens.step_dialog import StepDialog
    from tui.conftest import make_app, settle

    one_case.close()
    before = _state(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(CaseDetailScreen("C-1"))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        app.screen.query_one("#step-date").value = "令和9年6月16日"
        await pilot.press("enter", *"連絡済", "ctrl+s")  # the date, the note, then save
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)  # still open, saying why ...
        error = str(app.screen.query_one("#step-error").render())
        assert "日程調整日 2027-06-16 は今日（日本時間 2027-06-15）より後です" in error
        assert app.focused is app.screen.query_one("#step-date")  # ... with the cursor on the date
    assert _state(db_path) == before
