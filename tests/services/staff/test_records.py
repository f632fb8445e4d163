"""Staff records (issue 15 item 3; seed 001 §5(2)): what the manager records, what a monitor
may see of it, the flag for a leaver who kept the ID card, the two documents, and the roster
import's new columns. Today is pinned to 2027-06-15."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from inspect_tui.core.masking import REDACTED
from inspect_tui.render.formats import render
from inspect_tui.services.importing.importer import import_file
from inspect_tui.services.importing.results import ImportFailed
from inspect_tui.services.staff import records as svc
from inspect_tui.services.staff.overview import staff_alerts
from inspect_tui.services.trust.permissions import PermissionDenied

D = dt.date
TODAY = D(2027, 6, 15)


def _personal(fx):
    fx.db.conn.execute(
        "UPDATE surveyors SET birth_date = '1980-02-03', registration_no = '28001234' WHERE code = 'S001'"
    )
    fx.db.conn.commit()


def test_a_manager_records_the_card_and_a_leaver_who_kept_it_is_flagged(fx):
    svc.record_entry(fx, "S001", "notified-new", D(2026, 4, 1))
    svc.record_entry(fx, "S001", "pledge", D(2026, 4, 1))
    svc.record_entry(fx, "S001", "card_issued", D(2026, 4, 1), card_no="ID-7")
    r = svc.staff_record(fx, "S001", TODAY)
    assert (r.card.state, r.card.card_no, r.flags) == ("held", "ID-7", ())
    assert r.notified_text == "新規 2026-04-01"
    fx.db.conn.execute("UPDATE surveyors SET left_on = '2027-05-31' WHERE code = 'S001'")
    fx.db.conn.commit()
    r = svc.staff_record(fx, "S001", TODAY)
    assert r.flags == ("card_not_returned", "no_cancel")
    assert [a.text for a in staff_alerts(fx, TODAY) if a.kind == "card_not_returned"] == [
        "S001: 退職後も調査員証が未返却"
    ]
    svc.record_entry(fx, "S001", "card-returned", D(2027, 6, 1))
    assert "card_not_returned" not in svc.staff_record(fx, "S001", TODAY).flags
    assert not [a for a in staff_alerts(fx, TODAY) if a.kind == "card_not_returned"]


def test_a_mistake_is_withdrawn_by_a_new_entry_and_the_first_stays(fx):
    first = svc.record_entry(fx, "S001", "card_issued", D(2026, 4, 1))
    back = svc.record_entry(fx, "S001", "card_returned", D(2026, 5, 1))
    undo = svc.withdraw_entry(fx, back.id, "別の調査員の返却を誤って記録")
    r = svc.staff_record(fx, "S001", TODAY)
    assert r.card.state == "held" and [e.id for e in r.entries] == [first.id, back.id, undo.id]
    with pytest.raises(svc.StaffError, match="取り消し済み"):
        svc.withdraw_entry(fx, back.id, "もう一度")
    with pytest.raises(svc.StaffError, match="理由"):
        svc.withdraw_entry(fx, first.id, " ")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        fx.db.conn.execute("UPDATE staff_entries SET on_date = '2020-01-01'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        fx.db.conn.execute("DELETE FROM staff_entries")


@pytest.mark.parametrize(
    ("args", "kwargs", "says"),
    [
        (("S999", "pledge", D(2027, 6, 1)), {}, "S999」の調査員はいません"),
        (("S001", "card_returned", D(2027, 6, 1)), {}, "交付中の調査員証がありません"),
        (("S001", "pledge", D(2027, 6, 16)), {}, "先の日付"),
        (("S001", "lunch", D(2027, 6, 1)), {}, "使えません"),
        (("S001", "pledge", D(2027, 6, 1)), {"card_no": "ID-1"}, "交付・再交付のとき"),
        (("S001", "card_issued", D(2027, 6, 1)), {"card_no": "ID\x1b[2J"}, "調査員証番号: 3文字目に制御文字"),
        (("S001", "pledge", D(2027, 6, 1)), {"note": "x" * 401}, "メモが長すぎます"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(fx, args, kwargs, says):
    with pytest.raises(svc.StaffError, match=says):
        svc.record_entry(fx, *args, **kwargs)
    assert fx.db.conn.execute("SELECT count(*) FROM staff_entries").fetchone()[0] == 0


@pytest.mark.parametrize("login", ["chika", "mona"])  # a chief and a monitor
def test_only_a_manager_records_and_is_asked_before_the_input(fx, as_user, login):
    as_user(login)
    with pytest.raises(PermissionDenied, match="従事者の記録"):
        svc.record_entry(fx, "nobody", "lunch", D(2030, 1, 1))
    with pytest.raises(PermissionDenied, match="従事者の記録"):
        svc.withdraw_entry(fx, 999, "")


def test_a_monitor_sees_no_staff_personal_data(fx, as_user):
    _personal(fx)
    svc.record_entry(fx, "S001", "card_issued", D(2026, 4, 1), card_no="ID-7")
    mine = svc.staff_record(fx, "S001", TODAY)
    assert (mine.name, mine.birth_date, mine.registration_no) == ("佐藤 主任", "1980-02-03", "28001234")
    as_user("mona")
    seen = svc.staff_record(fx, "S001", TODAY)
    assert (seen.name, seen.birth_date, seen.registration_no) == (REDACTED, REDACTED, REDACTED)
    assert seen.code == "S001" and seen.card.card_no == "ID-7" and seen.qualification == "care_manager"
    for doc in (svc.roster(fx, TODAY), svc.card_ledger(fx, TODAY)):
        for fmt in ("text", "json", "html"):
            out = render(doc, fmt)
            out = out if isinstance(out, str) else out.decode("utf-8")
            for value in ("佐藤", "1980-02-03", "28001234"):
                assert value not in out, (fmt, value)
    from inspect_tui.services.staff.overview import surveyor_overview

    assert {r.name for r in surveyor_overview(fx, TODAY)} == {REDACTED}


def test_a_monitor_reads_a_staff_name_typed_into_free_text_masked(fx, as_user):
    from inspect_tui.services.contract.meetings import add_meeting, meetings

    add_meeting(fx, "internal", D(2027, 6, 1), "業務責任者、佐藤 主任", decisions="佐藤 主任が研修を企画")
    assert "佐藤 主任" in meetings(fx)[0].decisions
    as_user("mona")
    [m] = meetings(fx)
    assert "佐藤" not in m.attendees and "佐藤" not in m.decisions


def test_the_roster_and_the_card_ledger_by_hand(fx):
    from builders import add_surveyor

    add_surveyor(fx, "S002", qualification="other", placed_on="2026-04-01")
    add_surveyor(fx, "S003", placed_on="2020-04-01")
    fx.db.conn.execute("UPDATE surveyors SET left_on = '2027-03-31' WHERE code = 'S003'")
    fx.db.conn.execute("UPDATE surveyors SET other_qualification = '看護師' WHERE code = 'S002'")
    fx.db.conn.commit()
    svc.record_entry(fx, "S001", "card_issued", D(2026, 4, 1), card_no="ID-1")
    svc.record_entry(fx, "S003", "card_issued", D(2020, 4, 1), card_no="ID-3")
    svc.record_entry(fx, "S002", "card_issued", D(2026, 4, 2), card_no="ID-2")
    svc.record_entry(fx, "S003", "card_returned", D(2027, 3, 31))
    roster = svc.roster(fx, TODAY)
    data = roster.to_json()
    # working: S001 and S002 (S003 left); one of two is not a care manager: 50% > 30%
    assert [x["code"] for x in data["staff"]] == ["S001", "S002"]
    assert data["non_care_manager"] == {"working": 2, "other": 1, "over": True}
    text = render(roster, "text")
    assert "認定調査従事者名簿" in text and "その他（看護師）" in text and "1/2 人（50%" in text
    ledger = svc.card_ledger(fx, TODAY).to_json()
    assert [(e["on"], e["code"], e["kind"]) for e in ledger["entries"]] == [
        ("2020-04-01", "S003", "card_issued"),
        ("2026-04-01", "S001", "card_issued"),
        ("2026-04-02", "S002", "card_issued"),
        ("2027-03-31", "S003", "card_returned"),
    ]
    from pdftext import formats_here

    for fmt in ("pdf", "xlsx"):
        if fmt in formats_here():  # (a PDF needs HarfBuzz and the font: .ci/system-deps)
            assert render(svc.card_ledger(fx, TODAY), fmt)[:2] in (b"%P", b"PK")


# --------------------------------------------------------------------------- the roster import
def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = (
    "調査員コード,氏名,資格,その他の資格,生年月日,新規届出日,誓約書提出日,"
    "調査員証交付日,調査員証番号,調査員証返却日,退職日\n"
)


def test_the_roster_import_fills_the_records_and_a_second_import_adds_nothing(session, tmp_path):
    path = _csv(
        tmp_path,
        HEADER
        + "S10,甲 一,介護支援専門員,,1980/1/2,2026-04-01,2026-04-01,2026-04-01,ID-10,,\n"
        + "S11,乙 二,その他,看護師,S55.3.4,2026-04-01,,2026-04-02,ID-11,2027-03-31,2027-03-31\n",
    )
    first = import_file(session, "surveyors", path)
    assert first.added == 2
    row = session.db.conn.execute("SELECT * FROM surveyors WHERE code = 'S11'").fetchone()
    assert (row["birth_date"], row["other_qualification"]) == ("1980-03-04", "看護師")
    r10 = svc.staff_record(session, "S10", TODAY)
    assert (r10.card.state, r10.card.card_no, r10.flags) == ("held", "ID-10", ())
    r11 = svc.staff_record(session, "S11", TODAY)
    assert r11.card.state == "returned" and r11.flags == ("no_cancel",)
    again = import_file(session, "surveyors", path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert session.db.conn.execute("SELECT count(*) FROM staff_entries").fetchone()[0] == 6
    # an empty cell takes nothing back: the return stays recorded
    _csv(tmp_path, HEADER + "S11,乙 二,その他,看護師,S55.3.4,2026-04-01,,2026-04-02,ID-11,,2027-03-31\n")
    quiet = import_file(session, "surveyors", path)
    assert quiet.unchanged == 1 and svc.staff_record(session, "S11", TODAY).card.state == "returned"
    # a new date is a new entry: S10's pledge renewed
    _csv(tmp_path, "調査員コード,氏名,資格,誓約書提出日\nS10,甲 一,介護支援専門員,2027-04-01\n")
    renewed = import_file(session, "surveyors", path)
    assert renewed.updated == 1 and renewed.changes[0].columns == ("誓約書提出日",)
    assert svc.staff_record(session, "S10", TODAY).pledge.on == D(2027, 4, 1)


def test_a_roster_entry_that_cannot_follow_names_its_line_and_nothing_is_written(session, tmp_path):
    path = _csv(
        tmp_path,
        HEADER
        + "S10,甲 一,介護支援専門員,,1980/1/2,2026-04-01,2026-04-01,2026-04-01,ID-10,,\n"
        + "S11,乙 二,その他,,1990/1/2,2026-04-01,,,,2027-03-31,2027-03-31\n"
        + "S12,丙 三,その他,,2090/1/2,,,,,,\n",
    )
    with pytest.raises(ImportFailed) as failed:
        import_file(session, "surveyors", path)
    message = str(failed.value)
    assert "行 3 列 調査員証返却日: 2027-03-31 の時点で交付中の調査員証がありません" in message
    assert "行 4 列 生年月日" in message and "2090" not in message  # a birth date is never quoted
    assert session.db.conn.execute("SELECT count(*) FROM surveyors").fetchone()[0] == 0
    assert session.db.conn.execute("SELECT count(*) FROM staff_entries").fetchone()[0] == 0


# --------------------------------------------------------------------------- the CLI
def test_cli_staff(cli, fx, as_user):
    _personal(fx)
    fx.close()
    code, out, _ = cli(
        "staff", "record", "S001", "--kind", "card-issued", "--on", "2026-04-01", "--card-no", "ID-1"
    )
    assert code == 0 and "S001 の「調査員証 交付」（2026-04-01）を記録しました" in out
    code, out, _ = cli("staff", "list", "--format", "json")
    data = json.loads(out)
    [me] = data["staff"]
    assert me["card"] == {"state": "held", "card_no": "ID-1", "since": "2026-04-01"}
    assert me["flags"] == ["no_notification", "no_pledge"]
    code, out, _ = cli("staff", "show", "S001")
    assert code == 0 and "1980-02-03" in out and "調査員証: 交付中 ID-1（2026-04-01）" in out
    code, out, _ = cli("staff", "withdraw", "1", "--reason", "番号の誤り")
    assert code == 0 and "取り消しました" in out
    code, _, err = cli("staff", "record", "S001", "--kind", "card-returned", "--on", "2027-06-01")
    assert code == 2 and "交付中の調査員証がありません" in err
    code, _, err = cli("staff", "show", "S404")
    assert code == 2 and "S404" in err
    code, out, _ = cli("staff", "roster", "--format", "md")
    assert code == 0 and "認定調査従事者名簿" in out
    with pytest.raises(SystemExit) as bad:
        cli("staff", "record", "S001", "--kind", "lunch", "--on", "2027-06-01")
    assert bad.value.code == 2
