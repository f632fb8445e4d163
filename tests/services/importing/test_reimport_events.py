"""Re-importing the city's list never erases a recorded step (issue 13 item 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspect_tui.services.cases.steps import record_step
from inspect_tui.services.importing.importer import import_file
from inspect_tui.services.importing.results import ImportConflicts, ImportFailed
from inspect_tui.store.events import drift

from .test_importer import FIXTURES, PERSONAL_VALUES, case, events, snapshot, write_csv

TEXT = (FIXTURES / "cases_en.csv").read_text(encoding="utf-8")


@pytest.fixture
def loaded(session):
    import_file(session, "surveyors", FIXTURES / "surveyors.csv")
    import_file(session, "cases", FIXTURES / "cases_en.csv")
    return session


def test_empty_step_cells_keep_the_recorded_steps(loaded, tmp_path):
    record_step(loaded, "K-0002", "visit", dt.date(2027, 6, 8))  # recorded in the app after the import
    # the city's next list: K-0001's step cells are empty, K-0002's visit is not in the file
    blank = TEXT.replace("2027-06-02,2027-06-07,2027-06-09,2027-06-11,", ",,,,")
    summary = import_file(loaded, "cases", write_csv(tmp_path, blank))
    assert (summary.updated, summary.unchanged) == (0, 3)
    k1, k2 = case(loaded.db.conn, "K-0001"), case(loaded.db.conn, "K-0002")
    assert (k1["contacted_on"], k1["visited_on"], k1["accepted_on"], k1["status"]) == (
        "2027-06-02",
        "2027-06-07",
        "2027-06-11",
        "accepted",
    )
    assert (k2["visited_on"], k2["status"]) == ("2027-06-08", "visited")
    assert drift(loaded.db) == []


def test_a_new_date_in_the_file_becomes_a_step_event(loaded, tmp_path):
    more = TEXT.replace("1,S02,S01,2027-06-04,,,,", "1,S02,S01,2027-06-04,2027-06-08,2027-06-10,,")
    summary = import_file(loaded, "cases", write_csv(tmp_path, more))
    assert summary.updated == 1
    steps = [(e["kind"], e["on_date"], e["source"]) for e in events(loaded.db.conn, "K-0002")]
    assert ("visit", "2027-06-08", "import") in steps and ("submit", "2027-06-10", "import") in steps
    assert case(loaded.db.conn, "K-0002")["status"] == "submitted"


def test_cells_that_differ_from_recorded_steps_are_listed_and_nothing_changes(loaded, tmp_path):
    other = TEXT.replace(
        "2027-06-02,2027-06-07,2027-06-09,2027-06-11,", "2027-06-03,2027-06-08,2027-06-09,2027-06-11,"
    )
    other = other.replace("1,S02,S01,2027-06-04,", "1,S02,S01,2027-06-05,")
    before = snapshot(loaded.db.conn)
    with pytest.raises(ImportConflicts) as info:
        import_file(loaded, "cases", write_csv(tmp_path, other))
    assert snapshot(loaded.db.conn) == before
    message = str(info.value)
    assert "行 2 列 contacted_on: 記録 2027-06-02、ファイル 2027-06-03" in message
    assert "行 2 列 visited_on: 記録 2027-06-07、ファイル 2027-06-08" in message
    assert "行 3 列 contacted_on: 記録 2027-06-04、ファイル 2027-06-05" in message
    assert "--accept-changes" in message
    assert not any(v in message for v in PERSONAL_VALUES)


def test_accept_changes_voids_the_recorded_step_and_records_the_files(loaded, tmp_path):
    other = TEXT.replace("2027-06-02,2027-06-07,", "2027-06-03,2027-06-08,")
    import_file(loaded, "cases", write_csv(tmp_path, other), accept_changes=True)
    k1 = case(loaded.db.conn, "K-0001")
    assert (k1["contacted_on"], k1["visited_on"], k1["status"]) == ("2027-06-03", "2027-06-08", "accepted")
    evs = events(loaded.db.conn, "K-0001")
    voids = [e for e in evs if e["kind"] == "void"]
    assert len(voids) == 2 and {e["note"] for e in voids} == {"取込による訂正"}
    voided = {e["void_of"] for e in voids}
    assert {e["kind"] for e in evs if e["id"] in voided} == {"contact", "visit"}  # still there, voided
    assert [
        (e["kind"], e["on_date"]) for e in evs if e["note"] == "取込による訂正" and e["kind"] != "void"
    ] == [
        ("contact", "2027-06-03"),
        ("visit", "2027-06-08"),
    ]
    assert drift(loaded.db) == []


def test_a_correction_that_breaks_the_order_is_refused_with_line_and_column(loaded, tmp_path):
    late_visit = TEXT.replace("2027-06-02,2027-06-07,", "2027-06-02,2027-06-10,")  # after the 6/9 submission
    before = snapshot(loaded.db.conn)
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "cases", write_csv(tmp_path, late_visit), accept_changes=True)
    assert snapshot(loaded.db.conn) == before
    assert "行 2 列 visited_on:" in str(info.value) and "提出" in str(info.value)


def test_a_future_date_in_the_file_is_refused_with_line_and_column(loaded, tmp_path):
    future = TEXT.replace("1,S02,S01,2027-06-04,,", "1,S02,S01,2027-06-04,2027-06-16,")
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "cases", write_csv(tmp_path, future))
    assert "行 3 列 visited_on: 訪問日 2027-06-16 は今日（日本時間 2027-06-15）より後です" in str(info.value)


def test_the_cli_exits_1_on_conflicts_and_accepts_them_when_asked(loaded, db_path, tmp_path, capsys):
    from inspect_tui.cli.main import main

    other = write_csv(tmp_path, TEXT.replace("2027-06-02,2027-06-07,", "2027-06-03,2027-06-07,"))
    assert main(["import", "cases", str(other), "--db", str(db_path)]) == 1
    assert "行 2 列 contacted_on: 記録 2027-06-02、ファイル 2027-06-03" in capsys.readouterr().err
    assert main(["import", "cases", str(other), "--accept-changes", "--db", str(db_path)]) == 0
    assert case(loaded.db.conn, "K-0001")["contacted_on"] == "2027-06-03"


def test_steps_of_the_citys_list_dated_in_a_closed_month_are_kept_and_said(
    loaded, tmp_path, monkeypatch, db_path, capsys
):
    """Issue 13 item 5 for imports: the office recorded the step, so the import keeps it; the
    closed month stays as closed, the summary names the steps (case numbers only) and the
    next open month lists them as 前月以前分の訂正."""
    from inspect_tui.cli.main import main
    from inspect_tui.core.metrics import parse_month
    from inspect_tui.services.reports.monthly import close_billing_month

    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-07-05")
    close_billing_month(loaded, parse_month("2027-06"))
    capsys.readouterr()
    assert main(["report", "monthly", "--month", "2027-06", "--db", str(db_path)]) == 0
    june_at_close = capsys.readouterr().out
    later = TEXT.replace("1,S02,S01,2027-06-04,,,,", "1,S02,S01,2027-06-04,2027-06-25,,,") + (
        "K-0004,,0,新規,長田区,0000000004,申請 四郎,1941-03-04,2027-06-28,2027-06-28,0,S01,,2027-06-29,,,,\n"
        "K-0005,,0,新規,長田区,0000000005,申請 五郎,1942-03-04,2027-07-01,2027-07-01,0,S01,,2027-07-02,,,,\n"
    )
    path = write_csv(tmp_path, later)
    tried = import_file(loaded, "cases", path, dry_run=True).describe(dry_run=True)
    assert "締め済みの月（2027-06）の日付の手順 3 件" in tried and "記録されます" in tried
    summary = import_file(loaded, "cases", path)
    text = summary.describe()
    assert (summary.added, summary.updated) == (2, 1)
    assert "締め済みの月（2027-06）の日付の手順 3 件" in text and "前月以前分の訂正として記録しました" in text
    assert "K-0002 visited_on 2027-06-25" in text and "K-0004 contacted_on 2027-06-29" in text
    assert "K-0004 received_on 2027-06-28" in text  # a request received in June changes June too
    assert "K-0005" not in text and not any(v in text for v in PERSONAL_VALUES)
    capsys.readouterr()
    assert main(["report", "monthly", "--month", "2027-06", "--db", str(db_path)]) == 0
    june = capsys.readouterr().out
    same = [line for line in june.splitlines() if "発行日" not in line and "先頭ハッシュ" not in line]
    assert same == [
        line for line in june_at_close.splitlines() if "発行日" not in line and "先頭ハッシュ" not in line
    ]
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-07-20")
    assert main(["report", "monthly", "--month", "2027-07", "--db", str(db_path)]) == 0
    july = capsys.readouterr().out
    assert "前月以前分の訂正" in july and "K-0002" in july and "K-0004" in july
