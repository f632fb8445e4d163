"""The survey form's content stored per case and cycle, its points marked, the inspection
gated on them, the purge, and the file readers (issue 18).

The review database (tests/builders.py): chief S001 'tester', chief S002 'chief2', manager
'boss'; S010's solo visits R9-00100.. (the first four submitted). Forms are built from the
same all-1 form as tests/core/test_form_rules.py, so which points fire is known by hand:
the all-1 form with its three notes raises none; 1-10 洗身 4.行っていない without a note
raises exactly N-1-10-none (p.58).
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from builders import session_as
from inspect_tui.core.survey_form import form_items
from inspect_tui.services.forms import points, records, teaching
from inspect_tui.services.forms.reading import FormFileError

ITEMS = list(form_items())
CASE = "R9-00105"  # visited, not submitted, by S010
NOTES = {
    "3-1": "調査日も日頃も、身振りで伝えられる。",
    "5-3": "調査日も日頃も、献立を自分で選ぶ。",
    "6": "週3回、訪問看護師が実施。",
}


def row(case_no: str, **changes: str) -> dict[str, str]:
    cells = {c: "1" for c in ITEMS}
    cells["7-1"], cells["7-2"] = "自立", "自立"
    cells.update({k.replace("_", "-"): v for k, v in changes.items()})
    return {"case_no": case_no, **cells, **{f"特記事項 {k}": v for k, v in NOTES.items()}}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_import_is_all_or_nothing_and_names_every_bad_cell(rs, review_db, tmp_path):
    bad = write_csv(
        tmp_path / "forms.csv",
        [row(CASE), row("R9-99999"), row("R9-00106", **{"1_3": "x"}), row("R9-00107", **{"1_4": "1;;2"})],
    )
    with pytest.raises(FormFileError) as exc:
        records.import_forms(rs, bad)
    text = str(exc.value)
    assert "行 3 列 case_no: 依頼番号 R9-99999 は見つかりません" in text
    assert "行 4 列 1-3:" in text and "行 5 列 1-4:" in text
    assert "データベースは変更していません" in text
    assert count(review_db, "survey_forms") == 0


def test_a_reimport_adds_a_version_and_keeps_the_old_one(rs, review_db, tmp_path):
    f1 = write_csv(tmp_path / "a.csv", [row(CASE), row("R9-00106")])
    got = records.import_forms(rs, f1)
    assert (got.added, got.updated, got.unchanged) == (2, 0, 0)
    assert records.import_forms(rs, f1).unchanged == 2  # the same file again: nothing new
    f2 = write_csv(tmp_path / "b.csv", [row(CASE, **{"1_10": "4"})])
    got = records.import_forms(rs, f2)
    assert (got.added, got.updated) == (0, 1)
    conn = sqlite3.connect(review_db)
    versions = conn.execute(
        "SELECT f.version, f.form_answers FROM survey_forms f JOIN cases c ON c.id = f.case_id"
        " WHERE c.case_no = ? ORDER BY f.version",
        (CASE,),
    ).fetchall()
    assert [v for v, _ in versions] == [1, 2]
    assert json.loads(versions[0][1])["1-10"] == [1] and json.loads(versions[1][1])["1-10"] == [4]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE survey_forms SET form_answers = '{}' WHERE version = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM survey_forms")
    conn.close()
    fp = points.form_points(rs, CASE)
    assert [p.point.rule_id for p in fp.points] == ["N-1-10-none"]


def test_an_unvisited_or_cancelled_case_takes_no_form(rs, tmp_path):
    from inspect_tui.core.survey_form import SurveyForm

    with pytest.raises(records.FormRefused, match="見つかりません"):
        records.save_form(rs, "R9-77777", SurveyForm())


def test_inspection_waits_for_every_point_and_findings_come_from_points(rs, review_db, tmp_path):
    from inspect_tui.services.cases import inspection

    records.import_forms(
        rs, write_csv(tmp_path / "f.csv", [row(CASE, **{"1_10": "4", "1_3": "3", "1_4": "2", "1_8": "2"})])
    )
    fp = points.form_points(rs, CASE)
    keys = [p.point.key for p in fp.points]
    # 1-3 できない with 1-10 4 (not 1): no W01; 1-4/1-8 at 2: no W47/W48; the note rule for 1-10 4
    assert keys == ["N-1-10-none:1-10"]
    with pytest.raises(points.PointsNotMarked, match="まだ確認していない点検ポイントが 1 件"):
        inspection.record_inspection(rs, CASE, "ok")
    assert count(review_db, "inspections") == 0
    points.mark_point(rs, CASE, "N-1-10-none:1-10", "finding")
    with pytest.raises(ValueError, match="指摘にした点検ポイントが 1 件"):
        inspection.record_inspection(rs, CASE, "ok")
    new_id = inspection.record_inspection(rs, CASE, "findings")
    conn = sqlite3.connect(review_db)
    aspect, severity = conn.execute(
        "SELECT aspect, severity FROM inspection_findings WHERE inspection_id = ?", (new_id,)
    ).fetchone()
    assert (aspect, severity) == ("choice_note", "fix")
    assert (
        conn.execute("SELECT finding FROM form_point_marks ORDER BY id DESC").fetchone()[0]
        == f"inspection:{new_id}"
    )
    conn.close()


def test_a_mark_stays_with_a_point_that_still_fires_on_a_corrected_form(rs, tmp_path):
    records.import_forms(rs, write_csv(tmp_path / "a.csv", [row(CASE, **{"1_10": "4"})]))
    points.mark_point(rs, CASE, "N-1-10-none:1-10", "explained")
    records.import_forms(
        rs, write_csv(tmp_path / "b.csv", [row(CASE, **{"1_10": "4", "1_1": "1"}) | {"特記事項 1-1": "なし"}])
    )
    fp = points.form_points(rs, CASE)
    assert fp.stored.version == 2 and fp.unmarked == ()
    points.mark_point(rs, CASE, "N-1-10-none:1-10", "cleared")
    assert len(points.form_points(rs, CASE).unmarked) == 1


def test_a_review_check_cannot_be_completed_while_points_are_unmarked(review_db, tmp_path):
    from inspect_tui.services.review import check as chk
    from inspect_tui.services.review import form_points as fpts
    from inspect_tui.services.review.queue import ReviewError

    boss = session_as(review_db, "boss")
    records.import_forms(boss, write_csv(tmp_path / "f.csv", [row("R9-00100", **{"1_10": "4"})]))
    boss.close()
    s = session_as(review_db, "tester")
    ctx = chk.start_check(s, case_no="R9-00100")
    chk.mark_rest_ok(s, ctx.check.id)
    with pytest.raises(ReviewError, match="点検ポイントが 1 件"):
        chk.complete_check(s, ctx.check.id)
    rec = fpts.finding_from_point(s, ctx.check.id, "N-1-10-none:1-10")
    assert [(f.point, f.severity, f.item_code) for f in rec.findings] == [("choice_note", "fix", "1-10")]
    done = chk.complete_check(s, ctx.check.id)
    assert done.state == "done"
    # the finding removed: the point is unmarked again
    chk.remove_finding(s, ctx.check.id, rec.findings[0].id)
    assert len(points.form_points(s, "R9-00100").unmarked) == 1
    s.close()


def test_form_points_are_in_the_audit_chain_and_plain_sql_is_caught(rs, review_db, tmp_path):
    from inspect_tui.store.audit_verify import verify_all as verify

    records.import_forms(rs, write_csv(tmp_path / "f.csv", [row(CASE, **{"1_10": "4"})]))
    points.mark_point(rs, CASE, "N-1-10-none:1-10", "explained")
    assert verify(rs.db).ok
    conn = sqlite3.connect(review_db)
    conn.execute("DROP TRIGGER survey_forms_no_update")
    conn.execute("DROP TRIGGER history_survey_forms_update")
    conn.execute(
        "UPDATE survey_forms SET form_answers = replace(form_answers, '\"1-10\":[4]', '\"1-10\":[1]')"
    )
    conn.commit()
    conn.close()
    problems = verify(rs.db).problems
    assert any("survey_forms" in p for p in problems), problems


def test_the_purge_empties_the_form_copy_and_leaves_no_note_on_disk(review_db, tmp_path, monkeypatch):
    from inspect_tui.services.trust import retention

    note = "長男が週末に入浴を手伝うと本人が話した。"
    boss = session_as(review_db, "boss")
    records.import_forms(boss, write_csv(tmp_path / "f.csv", [row("R9-00100") | {"特記事項 1-10": note}]))
    assert note.encode() in review_db.read_bytes() + Path(f"{review_db}-wal").read_bytes()
    monkeypatch.setenv("INSPECT_TUI_TODAY", "2027-12-01")
    result = retention.purge(boss)
    boss.close()
    conn = sqlite3.connect(review_db)
    assert conn.execute(
        "SELECT form_answers, form_notes, purged_at IS NOT NULL FROM survey_forms"
    ).fetchone() == (None, None, 1)
    conn.close()
    assert result.check is not None and result.check.clean
    assert note.encode() not in review_db.read_bytes()


def test_check_a_file_without_a_database(cli, tmp_path):
    f = write_csv(tmp_path / "f.csv", [row("X-1"), row("X-2", **{"1_3": "3", "1_10": "1"})])
    code, out, err = cli("form", "check", str(f), "--format", "json", db=None)
    assert code == 0, err
    doc = json.loads(out)
    assert [x["case_no"] for x in doc["forms"]] == ["X-1", "X-2"]
    assert doc["forms"][0]["points"] == []
    first = doc["forms"][1]["points"][0]
    assert (first["rule"], first["warning_code"], first["items"]) == ("W01", 1, ["1-3", "1-10"])
    assert {p["warning_code"] for p in doc["forms"][1]["points"]} == {1, 47, 48}


def test_a_bad_file_is_named_by_line_and_column_without_its_values(cli, tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("case_no,1-3,特記事項 1-3\nX-1,山田太郎,\nX-1,1,\n\x1b[31m,1,\n", encoding="utf-8")
    code, _out, err = cli("form", "check", str(f), db=None)
    assert code == 2 and "Traceback" not in err
    assert "行 2 列 1-3:" in err and "山田太郎" not in err
    assert "行 3 列 case_no: 同じ依頼番号が 2 行目にもあります" in err
    assert "行 4 列 case_no:" in err and "\x1b" not in err


def test_xlsx_import_and_a_zip_bomb_refused(rs, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    r = row(CASE, **{"1_10": "4"})
    ws.append(list(r))
    ws.append([int(v) if v.isdigit() else v for v in r.values()])  # numbers as Excel numbers
    wb.save(tmp_path / "f.xlsx")
    got = records.import_forms(rs, tmp_path / "f.xlsx")
    assert got.added == 1 and got.encoding == "Excel（.xlsx）"
    assert [p.point.rule_id for p in points.form_points(rs, CASE).points] == ["N-1-10-none"]
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (300 << 20))
    with pytest.raises(FormFileError, match="展開すると大きすぎる"):
        records.import_forms(rs, bomb)


def test_the_rules_that_fire_most_per_surveyor(rs, tmp_path):
    rows_ = [
        row("R9-00100", **{"1_10": "4"}),
        row("R9-00101", **{"1_10": "4"}),
        row("R9-00102") | {"特記事項 3-1": ""},
    ]
    records.import_forms(rs, write_csv(tmp_path / "f.csv", rows_))
    conn = rs.db.conn
    ids = [r[0] for r in conn.execute("SELECT id FROM cases WHERE surveyor = 'S010'")]
    table, forms = teaching.rule_pareto(rs, ids)
    assert forms == 3
    assert [(r.name, r.count) for r in table] == [("特記事項なし 1-10", 2), ("特記事項なし 3-1", 1)]


def test_the_first_ten_review_and_its_report_show_the_rules_that_fire(rs, tmp_path):
    from inspect_tui.services.review import guidance
    from inspect_tui.services.review import surveyor as sr

    rows_ = [row("R9-00100", **{"1_10": "4"}), row("R9-00101", **{"1_10": "4"}), row("R9-00102")]
    records.import_forms(rs, write_csv(tmp_path / "f.csv", rows_))
    r = sr.surveyor_review(rs, "S010")
    assert [f.form_points for f in r.forms[:4]] == [1, 1, 0, None]
    assert (
        r.form_rules_line() == "調査票の点検ポイント（内容を記録した 3 件の多い順）: 特記事項なし 1-10（2件）"
    )
    doc = guidance.guidance_json(r, rs_today())
    assert doc["trend"]["content_rules"] == [
        {"rule": "特記事項なし 1-10", "forms": 2, "share": "100.0%", "vital": True}
    ]
    assert [f["content_points"] for f in doc["forms"][:4]] == [1, 1, 0, None]


def rs_today():
    from inspect_tui.core.today import today_jp

    return today_jp()


def test_the_office_pareto_of_rules_and_of_the_forms_corrected_after_submission(rs, tmp_path):
    import datetime as dt

    from builders import step
    from inspect_tui.services.quality.pareto import pareto_report

    rows_ = [row("R9-00100", **{"1_10": "4"}), row("R9-00101"), row("R9-00102") | {"特記事項 3-1": ""}]
    records.import_forms(rs, write_csv(tmp_path / "f.csv", rows_))
    span = (dt.date(2027, 3, 1), dt.date(2027, 6, 30))
    every = pareto_report(rs, "form-rules", *span)
    assert [(r.name, r.count) for r in every.rows] == [("特記事項なし 1-10", 1), ("特記事項なし 3-1", 1)]
    assert pareto_report(rs, "form-rules", *span, surveyor="S020").rows == []
    # R9-00100 (submitted) comes back with a query from the office: only its rule counts
    step(rs, "R9-00100", "query", dt.date(2027, 6, 1))
    corrected = pareto_report(rs, "form-rules", *span, kind="corrected")
    assert [(r.name, r.count) for r in corrected.rows] == [("特記事項なし 1-10", 1)]


def test_the_full_layout_with_a_note_column_per_item_is_read(rs, tmp_path):
    """case_no, 59 answers and 59 note columns (119): wider than the city's lists' limit."""
    wide = row(CASE, **{"1_10": "4"}) | {f"特記事項 {c}": "" for c in ITEMS if c not in NOTES}
    wide["特記事項 1-10"] = "清拭のみ。" * 100  # a long note: 500 characters
    assert len(wide) == 1 + 2 * len(ITEMS)
    got = records.import_forms(rs, write_csv(tmp_path / "wide.csv", [wide]))
    assert got.added == 1
    assert points.form_points(rs, CASE).points == ()
