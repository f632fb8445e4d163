"""CSV import of the city's request list and the surveyor roster, as a user meets it."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

import pytest

from inspect_tui.cli.main import main
from inspect_tui.services.cases.steps import add_deadline_exception
from inspect_tui.services.importing.importer import import_file
from inspect_tui.services.importing.results import ImportFailed

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
PERSONAL_VALUES = ("申請 太郎", "申請 花子", "申請 次郎", "0000000001", "1940-01-02", "1938-05-06")


# -- helpers ------------------------------------------------------------------------
def write_csv(tmp_path: Path, text: str, name: str = "in.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Every row of the tables an import may touch."""
    return {
        t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")]
        for t in ("cases", "case_events", "surveyors")
    }


def case(conn: sqlite3.Connection, case_no: str) -> sqlite3.Row:
    return conn.execute("SELECT * FROM cases WHERE case_no = ?", (case_no,)).fetchone()


def events(conn: sqlite3.Connection, case_no: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT e.* FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = ? ORDER BY e.id",
        (case_no,),
    ).fetchall()


@pytest.fixture
def staffed(session):
    """A session whose database already holds the surveyor roster."""
    import_file(session, "surveyors", FIXTURES / "surveyors.csv")
    return session


@pytest.fixture
def loaded(staffed):
    """Roster and the English cases file imported."""
    import_file(staffed, "cases", FIXTURES / "cases_en.csv")
    return staffed


def fails(session, path: Path, kind: str = "cases") -> str:
    """Import expecting failure; check the database is untouched; return the message."""
    before = snapshot(session.db.conn)
    with pytest.raises(ImportFailed) as info:
        import_file(session, kind, path)
    assert snapshot(session.db.conn) == before
    assert not session.db.conn.in_transaction
    return str(info.value)


CASES_HEADER = "case_no,application,ward,received_on,visited_on,surveyor\n"


# -- surveyors ----------------------------------------------------------------------
def test_surveyor_roster_is_stored_with_mapped_values(session):
    summary = import_file(session, "surveyors", FIXTURES / "surveyors.csv")
    assert (summary.added, summary.updated, summary.unchanged) == (3, 0, 0)
    rows = {r["code"]: r for r in session.db.conn.execute("SELECT * FROM surveyors")}
    assert rows["S01"]["qualification"] == "care_manager" and rows["S01"]["is_chief"] == 1
    assert rows["S02"]["qualification"] == "care_manager"
    assert rows["S02"]["wards"] == "須磨区,垂水区"
    assert rows["S03"]["qualification"] == "other" and rows["S03"]["is_chief"] == 0
    assert rows["S03"]["registration_no"] is None
    assert rows["S02"]["hired_on"] == "2026-10-01"


def test_surveyor_roster_with_japanese_headers_and_ward_separators(session, tmp_path):
    path = write_csv(
        tmp_path,
        "調査員コード,氏名,資格,担当区,主任,採用日\n"
        "S10,甲,介護支援専門員,長田区・須磨区,はい,R8.4.1\n"
        "S11,乙,その他,長田区 垂水区,いいえ,\n"
        'S12,丙,other,"垂水区,須磨区",,\n',
    )
    import_file(session, "surveyors", path)
    rows = {r["code"]: r for r in session.db.conn.execute("SELECT * FROM surveyors")}
    assert rows["S10"]["wards"] == "長田区,須磨区" and rows["S10"]["is_chief"] == 1
    assert rows["S10"]["hired_on"] == "2026-04-01"
    assert rows["S11"]["wards"] == "長田区,垂水区" and rows["S11"]["qualification"] == "other"
    assert rows["S12"]["wards"] == "垂水区,須磨区"


def test_surveyor_bad_values_are_listed(session, tmp_path):
    path = write_csv(
        tmp_path,
        "code,name,qualification,wards,hired_on,left_on\n"
        "S10,甲,看護師,長田区,,\n"
        "S11,乙,other,北区,,\n"
        "S10,丙,other,長田区,2027-04-01,2027-03-31\n"
        "S12,,other,,,\n",
    )
    message = fails(session, path, "surveyors")
    assert "行 2 列 qualification: 「看護師」は資格として読めません" in message
    assert "行 3 列 wards: 「北区」は設定の区" in message
    assert "行 4 列 code: S10 が行 2 と重複しています" in message
    assert "行 5 列 name: 空欄にできません" in message


def test_surveyor_reimport_updates_only_what_changed(session, tmp_path):
    import_file(session, "surveyors", FIXTURES / "surveyors.csv")
    again = import_file(session, "surveyors", FIXTURES / "surveyors.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    path = write_csv(tmp_path, "code,name,qualification,left_on\nS03,調査 三子,その他,2027-05-31\n")
    summary = import_file(session, "surveyors", path)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 0)
    row = session.db.conn.execute("SELECT * FROM surveyors WHERE code = 'S03'").fetchone()
    assert row["left_on"] == "2027-05-31" and row["wards"] == "垂水区"  # untouched column kept


# -- cases: formats -----------------------------------------------------------------
def test_english_headers_store_every_column(staffed):
    summary = import_file(staffed, "cases", FIXTURES / "cases_en.csv")
    assert (summary.added, summary.updated, summary.unchanged) == (3, 0, 0)
    conn = staffed.db.conn
    k1 = case(conn, "K-0001")
    assert k1["applicant_name"] == "申請 太郎" and k1["insured_no"] == "0000000001"
    assert k1["birth_date"] == "1940-01-02"
    assert k1["status"] == "accepted" and k1["accepted_on"] == "2027-06-11"
    assert k1["is_home"] == 1 and k1["insurer"] == ""
    k2 = case(conn, "K-0002")
    assert (k2["welfare"], k2["urgent"], k2["is_home"]) == (1, 1, 1)
    assert (k2["surveyor"], k2["accompanied_by"]) == ("S02", "S01")
    assert k2["status"] == "contacted" and k2["application"] == "区分変更"
    k3 = case(conn, "K-0003")
    assert k3["is_home"] == 0 and k3["insurer"] == "明石市"
    assert k3["status"] == "received" and k3["dispatched_on"] is None and k3["standard_due"] is None
    assert [(e["kind"], e["note"], e["who"]) for e in events(conn, "K-0001") if e["kind"] == "import"] == [
        ("import", "取込", "tester")
    ]
    # each date of the file is a step event of the case, recorded as from the import
    steps = [(e["kind"], e["on_date"], e["source"]) for e in events(conn, "K-0001") if e["kind"] != "import"]
    assert steps[0] == ("received", k1["received_on"], "import") and steps[-1] == (
        "accept",
        "2027-06-11",
        "import",
    )


def test_japanese_headers_bom_era_dates_and_full_width_digits(staffed):
    summary = import_file(staffed, "cases", FIXTURES / "cases_ja_bom.csv")
    assert summary.added == 2
    conn = staffed.db.conn
    k = case(conn, "K-1001")  # written Ｋ－１００１ in the file
    assert k["insured_no"] == "0123456789"
    assert k["birth_date"] == "1940-01-02"
    assert (k["received_on"], k["dispatched_on"]) == ("2027-06-01", "2027-06-01")
    assert (k["contacted_on"], k["visited_on"]) == ("2027-06-02", "2027-06-07")
    assert (k["welfare"], k["urgent"], k["is_home"]) == (1, 1, 1)
    assert k["status"] == "visited"
    k2 = case(conn, "K-1002")
    assert k2["received_on"] == "2019-05-07" and k2["applicant_name"] is None
    assert k2["surveyor"] is None and k2["welfare"] == 0


def test_cp932_file_from_excel(staffed):
    summary = import_file(staffed, "cases", FIXTURES / "cases_cp932.csv")
    assert summary.added == 2 and summary.encoding.startswith("CP932")
    conn = staffed.db.conn
    assert case(conn, "K-2001")["urgent"] == 1
    k2 = case(conn, "K-2002")
    assert k2["applicant_name"] == "髙橋 はしご"  # an IBM extension character only CP932 has
    assert (k2["insurer"], k2["is_home"]) == ("芦屋市", 0)
    assert k2["received_on"] == "2027-06-02"


def test_utf8_without_bom_and_crlf_line_ends(staffed, tmp_path):
    path = write_csv(tmp_path, "依頼番号,申請区分,区,依頼受理日\r\nK-1,新規,長田区,2027/6/1\r\n")
    assert import_file(staffed, "cases", path).added == 1


@pytest.mark.parametrize(
    ("word", "stored"),
    [
        ("1", 1),
        ("0", 0),
        ("true", 1),
        ("FALSE", 0),
        ("yes", 1),
        ("No", 0),
        ("はい", 1),
        ("いいえ", 0),
        ("○", 1),
        ("〇", 1),
        ("", 0),
        ("１", 1),
    ],
)
def test_flags_in_each_accepted_form(staffed, tmp_path, word, stored):
    path = write_csv(
        tmp_path,
        f"case_no,application,ward,received_on,urgent,welfare\nK-1,新規,長田区,2027-06-01,{word},{word}\n",
    )
    import_file(staffed, "cases", path)
    row = case(staffed.db.conn, "K-1")
    assert (row["urgent"], row["welfare"]) == (stored, stored)


@pytest.mark.parametrize(("insurer", "is_home"), [("", 1), ("神戸市", 1), (" 神戸市 ", 1), ("明石市", 0)])
def test_insurer_decides_home_or_other_municipality(staffed, tmp_path, insurer, is_home):
    path = write_csv(
        tmp_path, f"case_no,insurer,application,ward,received_on\nK-1,{insurer},新規,長田区,2027-06-01\n"
    )
    import_file(staffed, "cases", path)
    assert case(staffed.db.conn, "K-1")["is_home"] == is_home


def test_deadlines_across_the_year_end_closure(staffed, tmp_path):
    # Fri 2026-12-25: business days after are Mon 12/28, then 12/29-1/3 closed, Mon 1/4, Tue 1/5 ...
    # Mon 2026-12-28: 1/4, 1/5, 1/6 (3rd); 1/7, 1/8, [1/11 成人の日], 1/12 (6th)
    path = write_csv(
        tmp_path,
        "case_no,application,ward,received_on,dispatched_on\n"
        "K-1,新規,長田区,2026-12-25,2026-12-25\n"
        "K-2,新規,長田区,2026-12-28,2026-12-28\n",
    )
    import_file(staffed, "cases", path)
    conn = staffed.db.conn
    k1, k2 = case(conn, "K-1"), case(conn, "K-2")
    assert (k1["contact_due"], k1["standard_due"], k1["target20_due"]) == (
        "2027-01-05",
        "2027-01-08",
        "2027-01-14",
    )
    assert (k2["contact_due"], k2["standard_due"], k2["target20_due"]) == (
        "2027-01-06",
        "2027-01-12",
        "2027-01-17",
    )


def test_line_numbers_count_physical_lines(staffed, tmp_path):
    path = write_csv(
        tmp_path,
        "case_no,application,ward,received_on,name\n"
        "\n"
        'K-1,新規,長田区,2027-06-01,"申請\n太郎"\n'
        "K-2,新規,長田区,2027-02-30,\n",
    )
    assert "行 5 列 received_on:" in fails(staffed, path)


# -- cases: re-import and updates ---------------------------------------------------
def test_reimport_is_idempotent(loaded):
    before = snapshot(loaded.db.conn)
    summary = import_file(loaded, "cases", FIXTURES / "cases_en.csv")
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 3)
    assert snapshot(loaded.db.conn) == before


def test_update_of_one_field_writes_only_that_case(loaded, tmp_path):
    conn = loaded.db.conn
    old = case(conn, "K-0002")
    others = [tuple(case(conn, n)) for n in ("K-0001", "K-0003")]
    text = (FIXTURES / "cases_en.csv").read_text(encoding="utf-8")
    text = text.replace("1,S02,S01,2027-06-04,,,,", "1,S02,S01,2027-06-04,2027-06-08,,,")
    summary = import_file(loaded, "cases", write_csv(tmp_path, text))
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 2)
    assert summary.changes[0].key == "K-0002" and summary.changes[0].columns == ("訪問日",)
    new = case(conn, "K-0002")
    assert new["visited_on"] == "2027-06-08" and new["status"] == "visited"
    assert new["version"] == old["version"] + 1
    changed = {k for k in new.keys() if new[k] != old[k]} - {"updated_at"}  # same second
    assert changed == {"visited_on", "status", "phase", "version"}
    assert [tuple(case(conn, n)) for n in ("K-0001", "K-0003")] == others
    last = events(conn, "K-0002")[-1]
    assert last["kind"] == "import" and "訪問日 なし から 2027-06-08" in last["note"]


def test_update_keeps_stored_deadlines_unless_their_base_date_changed(loaded, tmp_path):
    conn = loaded.db.conn
    conn.execute(
        "UPDATE cases SET contact_due = '2099-01-01', standard_due = '2099-01-02' WHERE case_no = 'K-0002'"
    )
    text = (FIXTURES / "cases_en.csv").read_text(encoding="utf-8")
    path = write_csv(tmp_path, text.replace("1,S02,S01,2027-06-04,,", "1,S02,,2027-06-04,,"))
    import_file(loaded, "cases", path)  # accompanied_by cleared: no deadline moves
    row = case(conn, "K-0002")
    assert row["accompanied_by"] is None
    assert (row["contact_due"], row["standard_due"]) == ("2099-01-01", "2099-01-02")
    # dispatched_on moves (Thu 6/3 -> Wed 6/2): only the standard deadline is recomputed
    path = write_csv(tmp_path, text.replace("2027-06-03,2027-06-03,1", "2027-06-03,2027-06-02,1"))
    import_file(loaded, "cases", path)
    row = case(conn, "K-0002")
    assert row["contact_due"] == "2099-01-01"
    assert row["standard_due"] == "2027-06-10"
    assert "期限「標準提出期限」を再計算: 2099-01-02 から 2027-06-10" in events(conn, "K-0002")[-1]["note"]


def test_dry_run_writes_nothing_and_lists_changes(loaded, tmp_path):
    before = snapshot(loaded.db.conn)
    text = (FIXTURES / "cases_en.csv").read_text(encoding="utf-8")
    text = text.replace("申請 花子", "申請 花代").replace(
        "1,S02,S01,2027-06-04,,", "1,S02,S01,2027-06-04,2027-06-08,"
    )
    text += "K-0004,,0,新規,長田区,,,,2027-06-10,,0,,,,,,,\n"
    summary = import_file(loaded, "cases", write_csv(tmp_path, text), dry_run=True)
    assert snapshot(loaded.db.conn) == before
    assert (summary.added, summary.updated, summary.unchanged) == (1, 1, 2)
    report = summary.describe(dry_run=True)
    assert "書き込んでいません" in report
    assert "更新 K-0002: 氏名、訪問日" in report and "追加 K-0004" in report
    assert "花代" not in report and "花子" not in report


def test_dry_run_on_fresh_database_creates_no_rows(staffed):
    before = snapshot(staffed.db.conn)
    summary = import_file(staffed, "cases", FIXTURES / "cases_en.csv", dry_run=True)
    assert summary.added == 3
    assert snapshot(staffed.db.conn) == before


def test_personal_values_never_in_events_or_summary(loaded, tmp_path):
    text = (FIXTURES / "cases_en.csv").read_text(encoding="utf-8")
    text = text.replace("申請 太郎", "申請 太一").replace("0000000001", "0000000009")
    summary = import_file(loaded, "cases", write_csv(tmp_path, text), dry_run=False)
    notes = " ".join(e["note"] for e in events(loaded.db.conn, "K-0001"))
    shown = notes + summary.describe() + summary.describe(dry_run=True)
    for value in ("太郎", "太一", "0000000001", "0000000009"):
        assert value not in shown
    assert "氏名" in notes and "被保険者番号" in notes


def test_purged_personal_data_is_not_restored(loaded):
    conn = loaded.db.conn
    conn.execute(
        "UPDATE cases SET applicant_name = NULL, insured_no = NULL, birth_date = NULL,"
        " personal_purged_on = '2027-06-14' WHERE case_no = 'K-0001'"
    )
    summary = import_file(loaded, "cases", FIXTURES / "cases_en.csv")
    assert summary.updated == 0
    assert case(conn, "K-0001")["applicant_name"] is None


def test_extended_deadline_is_kept_when_base_date_changes(loaded, tmp_path):
    add_deadline_exception(loaded, "K-0003", "contact", "extend", "入院中", "applicant", dt.date(2027, 6, 30))
    text = (FIXTURES / "cases_en.csv").read_text(encoding="utf-8")
    changed = write_csv(tmp_path, text.replace("2027-06-07,,0,,", "2027-06-08,,0,,"))
    import_file(loaded, "cases", changed, accept_changes=True)  # the received date differs: a correction
    row = case(loaded.db.conn, "K-0003")
    assert row["contact_due"] == "2027-06-30"
    assert row["target20_due"] == "2027-06-28"
    assert "延長済みのため据え置き" in events(loaded.db.conn, "K-0003")[-1]["note"]


# -- cases: bad input ---------------------------------------------------------------
def test_unknown_column_is_named(loaded, tmp_path):
    path = write_csv(tmp_path, "case_no,application,ward,received_on,memo\nK-9,新規,長田区,2027-06-01,x\n")
    message = fails(loaded, path)
    assert "行 1 列 memo: 知らない列です（使える列: case_no, insurer," in message
    assert ", name, birth_date," in message


def test_missing_required_column(loaded, tmp_path):
    path = write_csv(tmp_path, "case_no,application,ward\nK-9,新規,長田区\n")
    assert "行 1 列 依頼受理日: 必須の列がありません（received_on）" in fails(loaded, path)


def test_impossible_date(loaded, tmp_path):
    path = write_csv(tmp_path, CASES_HEADER + "K-9,新規,長田区,2027-02-30,,\n")
    assert "行 2 列 received_on: 「2027-02-30」は存在しない日付です" in fails(loaded, path)


def test_visit_before_request(loaded, tmp_path):
    path = write_csv(tmp_path, CASES_HEADER + "K-9,新規,長田区,2027-06-10,2027-06-09,\n")
    message = fails(loaded, path)
    assert "行 2 列 visited_on: 訪問日 2027-06-09 が依頼受理日 2027-06-10 より前です" in message


def test_visit_before_stored_request_on_update(loaded, tmp_path):
    path = write_csv(tmp_path, CASES_HEADER + "K-0003,更新,垂水区,2027-06-07,2027-06-01,\n")
    assert "行 2 列 visited_on: 訪問日 2027-06-01 が依頼受理日 2027-06-07 より前です" in fails(loaded, path)


def test_duplicate_case_no_names_both_lines(loaded, tmp_path):
    path = write_csv(
        tmp_path,
        CASES_HEADER
        + "K-9,新規,長田区,2027-06-01,,\nK-8,新規,長田区,2027-06-01,,\nK-9,更新,須磨区,2027-06-02,,\n",
    )
    assert "行 4 列 case_no: K-9 が行 2 と重複しています" in fails(loaded, path)


def test_unknown_surveyor_code(loaded, tmp_path):
    path = write_csv(tmp_path, CASES_HEADER + "K-9,新規,長田区,2027-06-01,,S99\n")
    assert "行 2 列 surveyor: 調査員コード「S99」は登録されていません" in fails(loaded, path)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("application", "新規申請", "「新規申請」は申請区分ではありません"),
        ("ward", "北区", "「北区」は設定の区"),
        ("urgent", "maybe", "「maybe」は読めません"),
    ],
)
def test_values_outside_the_accepted_set(loaded, tmp_path, column, value, expected):
    values = {
        "case_no": "K-9",
        "application": "新規",
        "ward": "長田区",
        "received_on": "2027-06-01",
        "urgent": "0",
    }
    values[column] = value
    path = write_csv(tmp_path, ",".join(values) + "\n" + ",".join(values.values()) + "\n")
    assert f"行 2 列 {column}: {expected}" in fails(loaded, path)


def test_required_cell_left_empty(loaded, tmp_path):
    path = write_csv(tmp_path, CASES_HEADER + "K-9,,長田区,2027-06-01,,\n")
    assert "行 2 列 application: 空欄にできません" in fails(loaded, path)


def test_every_problem_is_listed_in_line_order(loaded, tmp_path):
    path = write_csv(
        tmp_path,
        "依頼番号,申請区分,区,依頼受理日,訪問日,調査員,色\n"
        "K-9,新規,長田区,2027-02-30,,S01,\n"
        "K-8,新規,北区,2027-06-01,2027-05-01,S77,\n"
        "K-9,新規,長田区,2027-06-01,,,\n",
    )
    message = fails(loaded, path)
    lines = message.splitlines()[1:]
    assert [ln.split(" 列 ")[0].strip() for ln in lines] == ["行 1", "行 2", "行 3", "行 3", "行 3", "行 4"]
    assert "4 件" not in message.splitlines()[0] and "6 件の問題" in message.splitlines()[0]
    assert "行 1 列 色: 知らない列です" in message
    assert "行 3 列 区: 「北区」は設定の区" in message
    assert "行 3 列 訪問日: 訪問日 2027-05-01 が依頼受理日 2027-06-01 より前です" in message
    assert "行 3 列 調査員: 調査員コード「S77」は登録されていません" in message


def test_personal_values_never_in_error_messages(loaded, tmp_path):
    path = write_csv(
        tmp_path,
        "case_no,application,ward,received_on,name,insured_no,birth_date\n"
        "K-9,新規,長田区,2027-02-30,秘密 花子,9876543210,1941-02-30\n"
        "K-8,新規,北区,2027-06-01,秘密 次郎,1234598760,昭和16年13月1日\n",
    )
    message = fails(loaded, path)
    assert "行 2 列 birth_date: 日付として読めません（値は表示しません）" in message
    assert "行 3 列 birth_date:" in message
    for value in ("秘密", "花子", "次郎", "9876543210", "1234598760", "1941-02-30", "昭和16年13月1日"):
        assert value not in message


def test_random_bytes_are_refused(loaded, tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(random.Random(7).randbytes(4096))
    message = fails(loaded, path)
    assert "noise.csv" in message and ("文字コード" in message or "CSV ではない" in message)


def test_utf16_is_refused_with_advice(loaded, tmp_path):
    path = write_csv(
        tmp_path, "\ufeff" + CASES_HEADER + "K-9,新規,長田区,2027-06-01,,\n", encoding="utf-16-le"
    )
    message = fails(loaded, path)
    assert "UTF-16" in message and "CSV UTF-8" in message


def test_invalid_bytes_in_neither_encoding(loaded, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(CASES_HEADER.encode() + b"K-9,\x82\xff,\xa0\x81\n")
    assert "UTF-8 でも CP932（Shift_JIS）でもありません（行 2 で読めないバイト）" in fails(loaded, path)


def test_empty_and_missing_files(loaded, tmp_path):
    assert "空のファイル" in fails(loaded, write_csv(tmp_path, "\n\n"))
    assert "ファイルがありません" in fails(loaded, tmp_path / "nope.csv")


def test_row_with_wrong_number_of_cells(loaded, tmp_path):
    path = write_csv(tmp_path, CASES_HEADER + "K-9,新規,長田区\n")
    assert "行 2 列 -: 列の数（3）が見出し（6）と合いません" in fails(loaded, path)


# -- the command line ---------------------------------------------------------------
def test_cli_import_and_dry_run(tmp_path, capsys):
    db = tmp_path / "cli.db"
    assert main(["import", "surveyors", str(FIXTURES / "surveyors.csv"), "--db", str(db)]) == 0
    assert main(["import", "cases", str(FIXTURES / "cases_en.csv"), "--db", str(db), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "追加 3 件" in out and "書き込んでいません" in out
    assert main(["import", "cases", str(FIXTURES / "cases_en.csv"), "--db", str(db)]) == 0
    assert "依頼一覧を取り込みました: 追加 3 件、更新 0 件、変更なし 0 件" in capsys.readouterr().out


def test_cli_bad_file_exits_2_and_lists_problems(tmp_path, capsys):
    db = tmp_path / "cli.db"
    main(["import", "surveyors", str(FIXTURES / "surveyors.csv"), "--db", str(db)])
    capsys.readouterr()
    path = write_csv(
        tmp_path, CASES_HEADER + "K-9,新規,長田区,2027-06-10,2027-06-09,S01\nK-8,新規,長田区,R9.2.30,,\n"
    )
    assert main(["import", "cases", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "行 2 列 visited_on:" in err and "行 3 列 received_on:" in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 0


def test_a_locked_database_is_a_clear_failure(loaded, db_path, monkeypatch):
    from inspect_tui.store import tx

    monkeypatch.setattr(tx, "WAIT_BUDGET_S", 0.3)  # the import waits like every write, then says so
    before = loaded.db.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    other = sqlite3.connect(db_path, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(tx.DatabaseBusy, match="何も記録していません"):
            import_file(loaded, "cases", FIXTURES / "cases_en.csv")
    finally:
        other.rollback()
        other.close()
    assert loaded.db.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == before


def test_only_listed_surveyor_codes_may_accompany(loaded, tmp_path):
    path = write_csv(
        tmp_path,
        "case_no,application,ward,received_on,surveyor,accompanied_by\n"
        "K-9,新規,長田区,2027-06-01,Ｓ０１,S03\n"
        "K-8,新規,長田区,2027-06-01,S01,s03\n",
    )
    message = fails(loaded, path)
    assert message.count("\n") == 1 and "行 3 列 accompanied_by: 調査員コード「s03」" in message
    path.write_text(path.read_text(encoding="utf-8").replace("s03", "S02"), encoding="utf-8")
    import_file(loaded, "cases", path)
    assert (case(loaded.db.conn, "K-9")["surveyor"], case(loaded.db.conn, "K-9")["accompanied_by"]) == (
        "S01",
        "S03",
    )


def test_dates_outside_the_calendar_are_refused(loaded, tmp_path):
    path = write_csv(tmp_path, CASES_HEADER + "K-9,新規,長田区,昭和60年4月1日,,\n")
    assert "行 2 列 received_on: 1985年は対応範囲外です" in fails(loaded, path)


def test_header_variants_and_blank_trailing_columns(staffed, tmp_path):
    path = write_csv(
        tmp_path,
        "依頼No.,申請 区分,区名,依頼受付日,Visited_On,,\nK-9,新規,長田区,2027-06-01,2027-06-02,,\n",
    )
    import_file(staffed, "cases", path)
    assert case(staffed.db.conn, "K-9")["visited_on"] == "2027-06-02"


def test_same_column_twice_is_refused(staffed, tmp_path):
    path = write_csv(
        tmp_path, "case_no,依頼番号,application,ward,received_on\nK-9,K-9,新規,長田区,2027-06-01\n"
    )
    assert "行 1 列 依頼番号: 「case_no」と同じ列です" in fails(staffed, path)


def test_surveyor_dry_run_writes_nothing(session):
    summary = import_file(session, "surveyors", FIXTURES / "surveyors.csv", dry_run=True)
    assert summary.added == 3
    assert session.db.conn.execute("SELECT COUNT(*) FROM surveyors").fetchone()[0] == 0
    assert "調査員名簿の取り込み（試行・書き込んでいません）" in summary.describe(dry_run=True)


def test_many_rows_get_one_import_event_each(staffed, tmp_path):
    rows = "".join(f"K-{i:05d},新規,長田区,2027-05-{1 + i % 28:02d},,S0{1 + i % 3}\n" for i in range(3000))
    path = write_csv(tmp_path, CASES_HEADER + rows)
    assert import_file(staffed, "cases", path).added == 3000
    conn = staffed.db.conn
    pairs = conn.execute(
        "SELECT c.case_no, COUNT(e.id) FROM cases c"
        " LEFT JOIN case_events e ON e.case_id = c.id AND e.kind = 'import' GROUP BY c.id"
    ).fetchall()
    assert len(pairs) == 3000 and {n for _, n in pairs} == {1}
    path.write_text(
        CASES_HEADER
        + rows.replace("K-00007,新規,長田区,2027-05-08,,", "K-00007,新規,長田区,2027-05-08,2027-05-09,"),
        encoding="utf-8",
    )
    summary = import_file(staffed, "cases", path)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 2999)
    assert case(conn, "K-00007")["status"] == "visited"
    assert [(e["kind"], e["note"]) for e in events(conn, "K-00007")] == [
        ("received", ""),
        ("import", "取込"),
        ("visit", "取込"),
        ("import", "取込で更新: 訪問日 なし から 2027-05-09"),
    ]


def test_dry_run_list_is_capped(staffed, tmp_path):
    rows = "".join(f"K-{i:05d},新規,長田区,2027-05-01,,\n" for i in range(120))
    summary = import_file(staffed, "cases", write_csv(tmp_path, CASES_HEADER + rows), dry_run=True)
    report = summary.describe(dry_run=True)
    assert "追加 K-00049" in report and "K-00050" not in report and "…ほか 70 件" in report


def test_missing_header_row_does_not_echo_the_first_row(staffed, tmp_path):
    path = write_csv(
        tmp_path,
        "K-9,新規,長田区,秘密 花子,9876543210,2027-06-01\n"
        + "K-8,新規,長田区,秘密 次郎,1234598760,2027-06-01\n",
    )
    message = fails(staffed, path)
    assert "行 1 列 -: 見出しの行がありません" in message
    for value in ("秘密", "9876543210", "1234598760"):
        assert value not in message


def test_broken_utf8_with_bom_names_the_line(loaded, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + CASES_HEADER.encode()
        + "K-9,新規,長田区,2027-06-01,,\n".encode()
        + b"K-8,\x82\xa0\n"
    )
    assert "行 3: UTF-8（BOM 付き）として読めないバイトがあります" in fails(loaded, path)


def test_an_import_writes_one_audit_row_naming_the_file_and_every_record(loaded, tmp_path):
    import json

    rows = loaded.db.conn.execute(
        "SELECT who, action, entity, key, after_json FROM audit_log"
        " WHERE action = 'import' AND entity = 'case'"
    ).fetchall()
    assert len(rows) == 1
    who, _, _, key, after = rows[0]
    assert (who, key) == ("tester", "cases_en.csv")
    data = json.loads(after)
    assert (data["added"], data["updated"]) == (3, 0)
    assert [c[0] for c in data["changes"]] == ["K-0001", "K-0002", "K-0003"]
    assert "申請" not in after and "0000000001" not in after  # no personal values
    # a re-import that changes nothing writes no audit row
    import_file(loaded, "cases", FIXTURES / "cases_en.csv")
    n = loaded.db.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'import'").fetchone()[0]
    assert n == 2  # the surveyors import and the cases import


# -- reading a piece at a time, within limits ------------------------------------------
@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_tiny_read_chunks_give_the_same_import(tmp_path, monkeypatch, chunk):
    """Chunk edges inside a multi-byte character, a CR LF pair or a quoted cell change nothing."""
    from inspect_tui.services.config import Config
    from inspect_tui.services.importing import csvread
    from inspect_tui.services.session import open_session

    def imported(db: Path) -> dict:
        s = open_session(db, Config())
        try:
            for kind, name in [("surveyors", "surveyors.csv"), ("cases", "cases_en.csv"),
                               ("cases", "cases_ja_bom.csv"), ("cases", "cases_cp932.csv")]:  # fmt: skip
                import_file(s, kind, FIXTURES / name)
            conn = s.db.conn
            cases = conn.execute("SELECT * FROM cases ORDER BY case_no").fetchall()
            people = conn.execute("SELECT * FROM surveyors ORDER BY code").fetchall()
            return {  # as stored, the time of the import aside
                "cases": [{k: r[k] for k in r.keys() if k != "updated_at"} for r in cases],
                "surveyors": [{k: r[k] for k in r.keys() if k != "updated_at"} for r in people],
                "events": conn.execute("SELECT case_id, kind, note FROM case_events ORDER BY id").fetchall(),
            }
        finally:
            s.close()

    whole = imported(tmp_path / "whole.db")
    monkeypatch.setattr(csvread, "CHUNK_BYTES", chunk)
    assert imported(tmp_path / "pieces.db") == whole


def test_line_numbers_survive_chunk_edges(staffed, tmp_path, monkeypatch):
    from inspect_tui.services.importing import csvread

    monkeypatch.setattr(csvread, "CHUNK_BYTES", 3)
    text = (
        "依頼番号,申請区分,区,依頼受理日\r\nK-1,新規,長田区,2027-06-01\r\n\r\nK-2,新規,長田区,2027-02-30\r\n"
    )
    assert "行 4 列 依頼受理日: 「2027-02-30」は存在しない日付です" in fails(
        staffed, write_csv(tmp_path, text)
    )


def test_ascii_at_first_then_cp932_reads_as_cp932_without_a_second_pass(staffed, tmp_path, monkeypatch):
    from inspect_tui.services.importing import csvread

    monkeypatch.setattr(csvread, "CHUNK_BYTES", 64)  # the header fills the first chunk: ASCII only
    path = tmp_path / "late.csv"
    path.write_bytes(
        b"case_no,application,ward,received_on,name,insured_no,urgent,welfare\r\n"
        + "K-1,新規,長田区,2027-06-01,髙橋 はしご,0000000001,0,0\r\n".encode("cp932")
    )
    summary = import_file(staffed, "cases", path)
    assert summary.added == 1 and summary.encoding.startswith("CP932")
    assert case(staffed.db.conn, "K-1")["applicant_name"] == "髙橋 はしご"


def test_utf8_that_breaks_later_names_the_line(staffed, tmp_path, monkeypatch):
    from inspect_tui.services.importing import csvread

    monkeypatch.setattr(csvread, "CHUNK_BYTES", 64)
    path = tmp_path / "mixed.csv"
    rows = "".join(f"K-{i},新規,長田区,2027-06-01\n" for i in range(5)).encode()
    path.write_bytes(
        CASES_HEADER.replace(",visited_on,surveyor", "").encode() + rows + b"K-9,\x90V\x8bK,x,y\n"
    )
    message = fails(staffed, path)
    assert "行 7: UTF-8 として読めないバイトがあります（それより前は UTF-8 で書かれています）" in message


def test_a_line_over_the_limit_is_refused_naming_it(staffed, tmp_path):
    path = write_csv(tmp_path, CASES_HEADER + "K-1,新規,長田区,2027-06-01,,\n" + "K-2," + "x" * 20_000 + "\n")
    assert fails(staffed, path).endswith(
        "行 3: 1 行が長すぎます（20,000 文字まで）。CSV ではないか、改行のない大きなデータです"
    )


def test_a_quoted_cell_of_many_lines_counts_as_one_long_line(staffed, tmp_path):
    cell = '"' + "a\n" * 10_001 + '"'
    path = write_csv(
        tmp_path, "case_no,application,ward,received_on,name\nK-1,新規,長田区,2027-06-01," + cell + "\n"
    )
    assert (
        "in.csv: 行 " in (message := fails(staffed, path))
        and "1 行が長すぎます（20,000 文字まで）" in message
    )


def test_a_cell_over_the_limit_is_a_problem_of_its_line_and_column(staffed, tmp_path):
    path = write_csv(
        tmp_path,
        "case_no,application,ward,received_on,name\nK-1,新規,長田区,2027-06-01," + "秘" * 1001 + "\n",
    )
    message = fails(staffed, path)
    assert "行 2 列 name: 値が長すぎます（1,001 文字。1,000 文字まで）" in message and "秘" not in message


def test_too_many_columns_are_refused_in_one_line(staffed, tmp_path):
    path = write_csv(tmp_path, "case_no," + ",".join(f"memo{i}" for i in range(100)) + "\nK-1\n")
    assert fails(staffed, path) == "in.csv: 行 1: 列が多すぎます（101 列。100 列まで）"


def test_too_many_rows_are_refused(staffed, tmp_path):
    from inspect_tui.services.importing.csvread import CsvLimits

    rows = "".join(f"K-{i},新規,長田区,2027-06-01,,\n" for i in range(11))
    before = snapshot(staffed.db.conn)
    with pytest.raises(ImportFailed, match="行 12: 行が多すぎます（見出しのほか 10 行まで）"):
        import_file(staffed, "cases", write_csv(tmp_path, CASES_HEADER + rows), limits=CsvLimits(max_rows=10))
    assert snapshot(staffed.db.conn) == before


def test_only_the_first_50_problems_are_listed_with_a_count_of_the_rest(staffed, tmp_path):
    rows = "K-0,新規,長田区,2027-06-10,2027-06-09,\n"  # an order problem, found after the cell checks
    rows += "".join(f"K-{i},新規,北区,2027-06-01,,\n" for i in range(1, 131))
    message = fails(staffed, write_csv(tmp_path, CASES_HEADER + rows))
    lines = message.splitlines()
    assert lines[0] == "in.csv: 131 件の問題があるため取り込みませんでした（データベースは変更していません）"
    assert lines[1].startswith("  行 2 列 visited_on: 訪問日 2027-06-09 が依頼受理日 2027-06-10 より前です")
    assert lines[50].startswith("  行 51 列 ward:") and len(lines) == 52
    assert lines[51] == "  ほか 81 件（最初の 50 件だけを表示しました）"


# -- the kinds of application the contract covers (seed 001 §3(5)①) ------------------
def test_a_kind_outside_the_contract_is_imported_with_a_warning_naming_the_line(staffed, tmp_path):
    path = write_csv(
        tmp_path,
        "依頼番号,申請区分,区,依頼受理日,氏名\n"
        "K-1,新規,長田区,2027-06-01,申請 太郎\n"
        "K-2,更新,須磨区,2027-06-02,申請 花子\n"
        "K-3,区分変更,垂水区,2027-06-03,\n",
    )
    summary = import_file(staffed, "cases", path)
    assert summary.added == 3 and case(staffed.db.conn, "K-2")["application"] == "更新"
    assert [(o.line, o.column, o.kind) for o in summary.out_of_scope] == [(3, "申請区分", "更新")]
    text = "\n".join(summary.warnings())
    assert "行 3 列 申請区分: 申請区分「更新」はこの契約の対象（新規・区分変更）外です" in text
    assert "申請 花子" not in text


def test_a_config_with_renewals_in_scope_does_not_warn(db_path, tmp_path):
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session

    s = open_session(db_path, Config(application_kinds=("新規", "区分変更", "更新")))
    try:
        import_file(s, "surveyors", FIXTURES / "surveyors.csv")
        summary = import_file(s, "cases", FIXTURES / "cases_en.csv")
        assert summary.added == 3 and summary.out_of_scope == () and summary.warnings() == []
    finally:
        s.close()


def test_cli_import_of_a_renewal_exits_0_and_warns_on_stderr(tmp_path, capsys):
    db = tmp_path / "cli.db"
    assert main(["import", "surveyors", str(FIXTURES / "surveyors.csv"), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["import", "cases", str(FIXTURES / "cases_en.csv"), "--db", str(db), "--dry-run"]) == 0
    assert "行 4 列 application: 申請区分「更新」" in capsys.readouterr().err  # a dry run says so too
    assert main(["import", "cases", str(FIXTURES / "cases_en.csv"), "--db", str(db)]) == 0
    got = capsys.readouterr()
    assert "依頼一覧を取り込みました: 追加 3 件" in got.out
    assert "inspect-tui: 注意: 申請区分が契約の対象（新規・区分変更）外の行が 1 件あります" in got.err
    assert "行 4 列 application: 申請区分「更新」はこの契約の対象（新規・区分変更）外です" in got.err
    assert not any(v in got.err for v in PERSONAL_VALUES)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM cases WHERE application = '更新'").fetchone()[0] == 1
