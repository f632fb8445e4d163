"""The guidance completion report (指導終了報告) and `inspect-tui guidance`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from builders import session_as, solo_case_nos
from inspect_tui.cli.main import main
from inspect_tui.services.review import check as chk
from inspect_tui.services.review import surveyor as sr

POINTS = ("typo", "omission", "wording", "choice_note", "cross_item", "notes_quality")


def check_ten(path, *, stop_at=10):
    s = session_as(path, "tester")
    for n, no in enumerate(solo_case_nos()[:stop_at], 1):
        ctx = chk.start_check(s, case_no=no)
        cid = ctx.check.id
        for p in POINTS:
            if n <= 4 and p == "choice_note":
                chk.add_finding(s, cid, p, "fix" if n < 3 else "minor", "2-1", "移乗の特記と選択が合わない")
            else:
                chk.set_point(s, cid, p, "ok")
        chk.set_fields(
            s, cid, guidance="特記事項の書き方を説明", guidance_methods=["oral"], fixed_before_submission=True
        )
        chk.complete_check(s, cid, minutes=15)
    sr.set_closure(s, "S010", comment="10件で改善を確認した")
    s.close()


def test_report_refused_before_form_ten_unless_draft(review_db, capsys):
    check_ten(review_db, stop_at=9)
    assert main(["guidance", "--surveyor", "S010", "--db", str(review_db)]) == 1
    assert "9/10" in capsys.readouterr().err
    assert main(["guidance", "--surveyor", "S010", "--draft", "--db", str(review_db)]) == 0
    assert "作成途中" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_report_formats_carry_the_content_without_personal_data(review_db, capsys, fmt, tmp_path):
    check_ten(review_db)
    out = tmp_path / f"report.{fmt}"
    assert (
        main(["guidance", "--surveyor", "S010", "--format", fmt, "-o", str(out), "--db", str(review_db)]) == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "試験" not in text and "9900000001" not in text  # applicant name, insured number
    assert "鈴木 新人" in text and "S010" in text and "R9-00100" in text
    if fmt == "json":
        data = json.loads(text)
        assert data["complete"] and len(data["forms"]) == 10
        assert data["forms"][0]["points"]["choice_note"]["findings"][0]["item_name"] == "移乗"
        assert data["trend"]["findings_per_form"] == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
        assert data["verdict"]["final"] == "improving"
        assert data["closing_comment"] == "10件で改善を確認した"
        assert data["surveyor"]["solo_start"] == "2027-03-15"
    else:
        assert "改善している" in text and "10件で改善を確認した" in text
        assert "指導終了報告" in text
    if fmt == "html":
        assert "@page" in text and "A4" in text and "主任調査員" in text and 'class="sign"' in text
    if fmt == "text":
        assert "主任調査員 印:" in text and "業務責任者 印:" in text


def test_list_shows_progress(review_db, capsys):
    check_ten(review_db, stop_at=3)
    assert main(["guidance", "--list", "--db", str(review_db)]) == 0
    out = capsys.readouterr().out
    assert "S010" in out and "3/10" in out


def test_unknown_surveyor(review_db, capsys):
    assert main(["guidance", "--surveyor", "X999", "--db", str(review_db)]) == 2
    assert "X999" in capsys.readouterr().err


def test_default_file_name_has_no_person_name():
    from inspect_tui.services.review.guidance import default_filename

    assert default_filename("S010", "text", dt.date(2027, 6, 15)) == "guidance_S010_20270615.txt"


def test_output_to_a_folder_uses_the_code_only_name(review_db, tmp_path, capsys):
    check_ten(review_db)
    folder = tmp_path / "out"
    folder.mkdir()
    args = ["guidance", "--surveyor", "S010", "--format", "md", "-o", str(folder), "--db", str(review_db)]
    assert main(args) == 0
    assert [p.name for p in folder.iterdir()] == ["guidance_S010_20270615.md"]


def test_text_report_has_no_ambiguous_width_symbols(review_db):
    import unicodedata

    check_ten(review_db)
    s = session_as(review_db, "tester")
    from inspect_tui.render.formats import render
    from inspect_tui.services.review.guidance import guidance_report

    text = render(guidance_report(s, "S010"), "text")
    s.close()
    assert sorted({c for c in text if unicodedata.east_asian_width(c) == "A"}) == []
