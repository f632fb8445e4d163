"""Trainings (issue 15 item 4): recorded by a manager with their §8 areas and attendees; the
fiscal year's 研修完了報告書; each training's report due 14 days later; corrections as new records."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from inspect_tui.render.formats import render
from inspect_tui.services.contract import deliverables as dsvc
from inspect_tui.services.contract import trainings as svc
from inspect_tui.services.trust.permissions import PermissionDenied

D = dt.date


def test_record_a_training_and_its_report_comes_due(qs):
    t = svc.add_training(
        qs, D(2027, 5, 10), "個人情報保護研修", ["security", "manners"], ["S02", "S01"], minutes=90
    )
    assert (t.areas, t.attendees, t.minutes) == (("security", "manners"), ("S01", "S02"), 90)
    rows = {r.occ.id: r for r in dsvc.deliverables(qs, D(2027, 5, 20))}
    assert rows[f"training-report:{t.id}"].occ.due == D(2027, 5, 24)
    assert rows[f"training-report:{t.id}"].status == "due_soon"


def test_the_fiscal_years_completion_report(qs):
    svc.add_training(qs, D(2027, 3, 30), "前年度の研修", ["duties"], ["S01"])  # FY2026: not in FY2027
    svc.add_training(qs, D(2027, 4, 12), "認定調査の基本", ["duties", "welfare"], ["S01", "S02"])
    svc.add_training(qs, D(2027, 6, 1), "情報セキュリティ", ["security"], ["S01"], organizer="city")
    report = svc.training_report(qs, 2027)
    data = report.to_json()
    assert data["complete"] is True and [x["held_on"] for x in data["trainings"]] == [
        "2027-04-12",
        "2027-06-01",
    ]
    assert data["areas_covered"] == {
        "duties": True,
        "welfare": True,
        "systems": False,
        "security": True,
        "manners": False,
    }
    text = render(report, "text")
    assert "研修完了報告書" in text and "2 回（年度ごとに1回以上: 実施済み）" in text
    assert "監査記録の先頭ハッシュ" in text and "市等の研修に参加" in render(report, "md")
    # by hand: S01 attended both FY2027 trainings, S02 one
    assert [(r[0], r[2]) for r in report.as_doc().sections[2].tables[0].rows] == [("S01", 2), ("S02", 1)]
    empty = svc.training_report(qs, 2028).to_json()
    assert empty["complete"] is False and empty["trainings"] == []


def test_a_correction_is_a_new_record_and_the_first_stays(qs):
    first = svc.add_training(qs, D(2027, 5, 10), "接遇研修", ["manners"], ["S01"])
    fixed = svc.correct_training(qs, first.id, attendees=["S01", "S02"])
    assert fixed.replaces == first.id and fixed.attendees == ("S01", "S02") and fixed.title == "接遇研修"
    assert [t.id for t in svc.trainings(qs)] == [fixed.id]
    with pytest.raises(svc.TrainingError, match="訂正済み"):
        svc.correct_training(qs, first.id, title="x")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        qs.db.conn.execute("UPDATE trainings SET title = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        qs.db.conn.execute("DELETE FROM training_attendees")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((D(2027, 6, 16), "x", ["duties"], ["S01"]), "先の日付"),
        ((D(2027, 6, 1), " ", ["duties"], ["S01"]), "研修名を書いてください"),
        ((D(2027, 6, 1), "x", ["party"], ["S01"]), "分野「party」は使えません"),
        ((D(2027, 6, 1), "x", [], ["S01"]), "分野「（なし）」"),
        ((D(2027, 6, 1), "x", ["duties"], []), "出席者"),
        ((D(2027, 6, 1), "x", ["duties"], ["S99"]), "S99 は調査員名簿にありません"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(qs, args, says):
    with pytest.raises(svc.TrainingError, match=says):
        svc.add_training(qs, *args)
    assert qs.db.conn.execute("SELECT count(*) FROM trainings").fetchone()[0] == 0


@pytest.mark.parametrize("login", ["chika", "mona"])  # a chief and a monitor
def test_only_a_manager_records_and_is_asked_before_the_input(fx, as_user, login):
    as_user(login)
    with pytest.raises(PermissionDenied, match="研修の記録"):
        svc.add_training(fx, D(2030, 1, 1), "", [], [])
    with pytest.raises(PermissionDenied, match="研修の記録"):
        svc.correct_training(fx, 1)


def test_cli_trainings(cli, qs):
    qs.close()
    code, out, _ = cli(
        "training",
        "add",
        "--on",
        "2027-05-10",
        "--title",
        "接遇",
        "--area",
        "manners,security",
        "--attendees",
        "S01、S02",
    )
    assert code == 0 and "研修報告の提出期限: 2027-05-24" in out
    code, out, _ = cli("training", "list", "--fy", "FY2027", "--format", "json")
    [t] = json.loads(out)
    assert (t["areas"], t["attendees"]) == (["security", "manners"], ["S01", "S02"])
    code, out, _ = cli("training", "report", "--fy", "2027", "--format", "md")
    assert code == 0 and "研修完了報告書" in out
    code, _, err = cli(
        "training", "add", "--on", "2027-05-10", "--title", "x", "--area", "x", "--attendees", "S01"
    )
    assert code == 2 and "分野「x」" in err
    with pytest.raises(SystemExit) as bad:
        cli("training", "report", "--fy", "R9")
    assert bad.value.code == 2
