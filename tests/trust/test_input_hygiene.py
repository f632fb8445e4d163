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
from inspect_tui.render.formats import json_text

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
    from inspect_tui.services.importing.importer import import_file

    path = write(
        tmp_path, CASES_CSV + "K-1,新規,長田区,2027-05-06,2027-05-06\nK-2,新規,長田区,2027-05-07,2027-05-07\n"
    )
    import_file(session, "cases", path)
    session.close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE cases SET case_no = ? WHERE case_no = 'K-1'", (EVIL,))
    conn.execute(  # events are append-only: the hostile note comes as a new one
        "INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note) VALUES (1, 'import', NULL,"
        " '2027-05-06T09:00:00+09:00', 'tester', ?)",
        ("取込\x1b]0;note\x07",),
    )
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
    from waits import until

    path = build_sample(tmp_path / "cases.db")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE cases SET case_no = ? WHERE case_no = 'R9-01000'", ("R9-EVIL" + EVIL,))
    conn.execute("UPDATE surveyors SET name = ? WHERE code = 'S004'", ("田中\x1b[5m 期限",))
    conn.commit()
    conn.close()

    def filtered(app) -> bool:
        from inspect_tui.tui.screens.cases.listing import CaseTable

        table = app.screen.query_one(CaseTable)
        return table.loaded and table.total == 1

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
        await until(pilot, lambda: app.screen.filter.text == "EVIL" and filtered(app), "the filtered list")
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
    from builders import add_case

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
    assert code == 1  # a rule the step breaks
    assert "日程調整日 2027-06-16 は今日（日本時間 2027-06-15）より後です" in err
    assert _state(db_path) == before
    code, _, err = cli("case", "step", "C-1", "contact", "--on", "R9.6.15")  # today is fine
    assert code == 0, err


def test_the_cli_refuses_a_step_before_the_request_naming_the_rule(one_case, db_path, cli):
    before = _state(db_path)
    code, _, err = cli("case", "step", "C-1", "visit", "--on", "2027-06-07")
    assert code == 1 and "（訪問日は依頼受理日以降の日付です）" in err
    assert _state(db_path) == before


def test_a_note_with_a_control_character_is_refused(one_case, db_path, cli):
    before = _state(db_path)
    code, _, err = cli("case", "step", "C-1", "contact", "--note", "電話\x1b[2J")
    assert code == 1 and "メモの3文字目に制御文字 U+001B（ESC）があります" in err
    assert no_raw_controls(err) and _state(db_path) == before
    code, _, err = cli("case", "step", "C-1", "contact", "--note", "一回目\t不在\n二回目 了承")
    assert code == 0, err  # tabs and line breaks are a note's own


async def test_the_step_dialog_refuses_a_day_after_today(one_case, db_path):
    from inspect_tui.tui.screens.cases.detail import CaseDetailScreen
    from inspect_tui.tui.screens.cases.step_dialog import StepDialog
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


# --------------------------------------------------------------------------- the import
def _cases(db_path: Path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT case_no FROM cases").fetchall()
    finally:
        conn.close()


def test_an_imported_case_number_with_escapes_is_refused(session, db_path, cli, tmp_path):
    path = write(tmp_path, CASES_CSV + "K-0,新規,長田区,2027-06-01,\n" + EVIL + ",新規,長田区,2027-06-01,\n")
    code, out, err = cli("import", "cases", str(path))
    assert code == 2
    assert (
        "行 3 列 case_no: 4文字目に制御文字 U+001B（ESC）があります。取り除いてから取り込んでください" in err
    )
    assert no_raw_controls(err + out)
    assert _cases(db_path) == []  # all rows or none


@pytest.mark.parametrize(
    ("cell", "described"),
    [("K-\x9b1", "3文字目に制御文字 U+009B（CSI）"), ("K-\t1", "3文字目に制御文字 U+0009（タブ）"),
     ("長田区\x7f", "4文字目に制御文字 U+007F（DEL）"), ("K\x00-1", None)],
)  # fmt: skip
def test_every_control_character_is_refused_in_any_column(session, db_path, cli, tmp_path, cell, described):
    path = tmp_path / "in.csv"
    path.write_bytes((CASES_CSV + f"{cell},新規,長田区,2027-06-01,\n").encode())
    code, _, err = cli("import", "cases", str(path))
    assert code == 2 and no_raw_controls(err) and "\x7f" not in err
    assert (described or "CSV ではないか") in err  # NUL: the file is binary
    assert _cases(db_path) == []


def test_a_control_character_in_the_header_names_the_column_by_position(session, cli, tmp_path):
    path = write(tmp_path, "case_no,\x1b]0;x\x07,ward,received_on\nK-1,新規,長田区,2027-06-01\n")
    code, _, err = cli("import", "cases", str(path))
    assert code == 2 and "行 1 列 2列目: 見出しの1文字目に制御文字 U+001B（ESC）があります" in err
    assert no_raw_controls(err)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "received_on",
            "平成31年5月1日",
            "「平成31年5月1日」はありません（平成は 1989-01-08 から 2019-04-30",
        ),
        ("received_on", "昭和64年1月8日", "（昭和は 1926-12-25 から 1989-01-07"),
        ("received_on", "2027-06-16", "依頼受理日 2027-06-16 は今日（日本時間 2027-06-15）より後です"),
        ("visited_on", "R9.7.1", "訪問日 2027-07-01 は今日（日本時間 2027-06-15）より後です"),
        (
            "birth_date",
            "2090-01-01",
            "列 birth_date: 今日（日本時間 2027-06-15）より後の日付です（値は表示しません）",
        ),
        ("birth_date", "平成99年1月1日", "列 birth_date: 日付として読めません（値は表示しません）"),
    ],
)
def test_dates_that_cannot_be_are_refused_at_import(session, db_path, cli, tmp_path, column, value, message):
    path = write(
        tmp_path, f"case_no,application,ward,received_on,{column}\nK-1,新規,長田区,2027-06-01,{value}\n"
    )
    if column == "received_on":
        path = write(tmp_path, f"case_no,application,ward,received_on\nK-1,新規,長田区,{value}\n")
    code, _, err = cli("import", "cases", str(path))
    assert code == 2 and message in err
    if column == "birth_date":
        assert value not in err and "2090" not in err
    assert _cases(db_path) == []


def test_swapped_name_and_insured_number_columns_quote_neither(session, db_path, cli, tmp_path):
    path = write(
        tmp_path,
        "case_no,application,ward,received_on,name,insured_no\n"
        "K-1,新規,長田区,2027-06-01,0123456789,秘密 花子\n"
        "K-2,新規,長田区,2027-06-01,1234598760,秘密 次郎\n",
    )
    code, out, err = cli("import", "cases", str(path))
    assert code == 2
    assert (
        "行 2 列 name: 氏名の列に数字の入った値があります（値は表示しません。列が入れ替わっていませんか）"
        in err
    )
    assert "行 2 列 insured_no: 被保険者番号の列に数字以外を含む値があります" in err
    for value in ("秘密", "花子", "次郎", "0123456789", "1234598760"):
        assert value not in err + out
    assert _cases(db_path) == []


def test_a_personal_value_in_another_column_is_not_quoted_either(session, cli, tmp_path):
    path = write(
        tmp_path,
        "case_no,application,ward,received_on,name,birth_date\n"
        "秘密 花子,新規,長田区,2027-06-01,K-1,1940-01-02\n"  # case number and name swapped
        "秘密 花子,新規,長田区,2027-06-01,K-2,1940-01-02\n"  # ... a repeated case number, too
        "K-3,新規,秘密 次郎,2027-06-01,秘密 次郎,1940-01-02\n"  # the name in the ward column
        "K-4,新規,長田区,9876543210,,\n",  # an insured number in a date column
    )
    code, _, err = cli("import", "cases", str(path))
    assert code == 2
    assert "行 2 列 name: 氏名の列に数字の入った値があります" in err
    assert "行 3 列 case_no: この値が行 2 と重複しています。個人情報かもしれないため値は表示しません" in err
    assert "行 4 列 ward: この値は設定の区（長田区・須磨区・垂水区）にありません。個人情報かもしれない" in err
    assert "行 5 列 received_on: この値は日付として読めません" in err
    for value in ("秘密", "花子", "次郎", "9876543210"):
        assert value not in err


def test_a_ward_or_a_case_number_may_still_be_quoted(session, cli, tmp_path):
    path = write(tmp_path, CASES_CSV + "K-1,新規,北区,2027-06-01,\nK-1,新規,長田区,2027-06-01,\n")
    code, _, err = cli("import", "cases", str(path))
    assert code == 2
    assert "行 2 列 ward: 「北区」は設定の区" in err and "行 3 列 case_no: K-1 が行 2 と重複しています" in err


# --------------------------------------------------------------------------- files that never end
def _peak_during(fn) -> tuple[int, str]:
    """(peak bytes traced, the ImportFailed message) of fn()."""
    import tracemalloc

    from inspect_tui.services.importing.results import ImportFailed

    tracemalloc.start()
    try:
        with pytest.raises(ImportFailed) as info:
            fn()
        return tracemalloc.get_traced_memory()[1], str(info.value)
    finally:
        tracemalloc.stop()


PEAK_LIMIT = 16 * 1024 * 1024  # what reading a file may cost whatever its size (1 MiB chunks)


def test_a_header_of_a_million_columns_is_refused_in_a_few_megabytes(session, tmp_path):
    from inspect_tui.services.importing.importer import import_file

    path = tmp_path / "wide.csv"
    path.write_text("case_no," + ",".join(f"c{i}" for i in range(1_000_000)) + "\n", encoding="utf-8")
    peak, message = _peak_during(lambda: import_file(session, "cases", path))
    assert (
        message
        == "wide.csv: 行 1: 1 行が長すぎます（20,000 文字まで）。CSV ではないか、改行のない大きなデータです"
    )
    assert peak < PEAK_LIMIT  # the old reader took 2 GB and printed 279 MB of errors


def test_a_file_without_line_breaks_is_refused_at_its_first_chunk(session, tmp_path):
    from inspect_tui.services.importing.importer import import_file

    path = tmp_path / "one-line.csv"
    with path.open("w", encoding="ascii") as f:
        for _ in range(60):  # 60 MB, under the size limit, never a line break
            f.write("a," * (512 * 1024))
    peak, message = _peak_during(lambda: import_file(session, "cases", path))
    assert message.startswith("one-line.csv: 行 1: 1 行が長すぎます（20,000 文字まで）")
    assert peak < PEAK_LIMIT


def test_dev_zero_is_refused_after_its_first_chunk(session):
    from inspect_tui.services.importing.importer import import_file

    peak, message = _peak_during(lambda: import_file(session, "cases", Path("/dev/zero")))
    assert "zero: CSV ではないか" in message and peak < PEAK_LIMIT


def test_an_endless_pipe_is_cut_off_at_the_size_limit(session, tmp_path):
    import os
    import threading

    from inspect_tui.services.importing.csvread import CsvLimits
    from inspect_tui.services.importing.importer import import_file

    fifo = tmp_path / "endless.csv"
    os.mkfifo(fifo)
    stop = threading.Event()

    def feed() -> None:  # `yes | inspect-tui import cases /dev/stdin`: a header, then "y" for ever
        try:
            with open(fifo, "wb") as f:
                f.write(CASES_CSV.encode())
                while not stop.is_set():
                    f.write((b"y" * 1000 + b"\n") * 1000)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    limits = CsvLimits(max_bytes=4 * 1024 * 1024)
    try:
        peak, message = _peak_during(lambda: import_file(session, "cases", fifo, limits=limits))
    finally:
        stop.set()
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert message.startswith("endless.csv: ファイルが大きすぎます（4 MB を超えたところで読むのをやめました")
    assert peak < PEAK_LIMIT
    assert _cases_of(session) == []


def _cases_of(s) -> list:
    return s.db.conn.execute("SELECT case_no FROM cases").fetchall()


def test_a_200_mb_file_is_refused_before_it_is_read(session, tmp_path):
    import os

    from inspect_tui.services.importing.importer import import_file

    path = tmp_path / "garbage.csv"
    with path.open("wb") as f:
        f.write(os.urandom(4096))
        f.truncate(200 * 1024 * 1024)  # sparse: the disk does not fill, the size is real
    peak, message = _peak_during(lambda: import_file(session, "cases", path))
    assert message == (
        "garbage.csv: ファイルが大きすぎます（200 MB。取り込めるのは 64 MB まで）。"
        "ファイルを分けて取り込んでください"
    )
    assert peak < 1024 * 1024
