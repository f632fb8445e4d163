"""Personal data typed into free text through the command line, then printed and listed:
warned about on stderr (saved, exit 0), refused with --strict (exit 2, nothing written),
masked in every printed format, and masked in a monitor's listings."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from builders import FREE_TEXT_CASE as CASE
from builders import FREE_TEXT_NAME as NAME
from builders import FREE_TEXT_NUMBER as NUMBER
from builders import leaks, make_monitor

TYPED = "鈴原冬美さん 5550001234 に電話"
REPORT_FORMATS = ("text", "md", "csv", "json", "html", "xlsx")
COMPLAINT = ("complaint", "add", "--at", "2027-05-14 10:30", "--from", "家族", "--handler", "主任A")
COMPLAINT += ("--ward", "長田区", "--category", "日程調整")


def printed(path) -> bytes:
    """A written report as bytes (an xlsx: every part of it, unzipped)."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        z = zipfile.ZipFile(io.BytesIO(data))
        data = b"".join(z.read(n) for n in z.namelist())
    return data


def events(session) -> list[str]:
    return [r[0] for r in session.db.conn.execute("SELECT note FROM case_events ORDER BY id")]


# --------------------------------------------------------------------------- typing
def test_a_step_note_with_the_applicants_name_and_number_is_saved_with_a_warning(fx, cli):
    code, out, err = cli("case", "step", CASE, "contact", "--on", "2027-05-12", "--note", TYPED)
    assert code == 0 and "記録しました" in out
    assert "注意: 個人情報のような文字があります" in err
    assert "メモ（--note）: この依頼の申請者の氏名、この依頼の被保険者番号" in err
    assert leaks(err) == [], "the warning names kinds, never the values"
    assert events(fx)[-1] == TYPED  # stored as typed: managers and chiefs read it so


def test_strict_refuses_and_writes_nothing(fx, cli):
    before = events(fx)
    code, out, err = cli(
        "case", "step", CASE, "contact", "--on", "2027-05-12", "--note", "生年月日 S15.1.2", "--strict"
    )
    assert code == 2 and out == ""
    assert "保存していません（--strict" in err and "メモ（--note）: 生年月日のような日付" in err
    assert "Traceback" not in err and "S15.1.2" not in err
    assert events(fx) == before
    assert fx.db.conn.execute("SELECT contacted_on FROM cases").fetchone()[0] is None
    code, _, err = cli(
        "case", "step", CASE, "contact", "--on", "2027-05-12", "--note", "電話した", "--strict"
    )
    assert code == 0 and err == ""  # nothing personal: --strict changes nothing


def test_an_ordinary_note_gets_no_warning(fx, cli):
    code, _, err = cli(
        "case", "step", CASE, "contact", "--on", "2027-05-12", "--note", "R9-00777 へ 10:30 電話"
    )
    assert code == 0 and err == ""


def test_a_deadline_reason_is_free_text_too(fx, cli):
    code, _, err = cli("case", "exclude", CASE, "target20", "--reason", "鈴原 冬美様の入院のため")
    assert code == 0 and "理由（--reason）: この依頼の申請者の氏名" in err


def test_complaint_incident_and_problem_options_warn_with_the_linked_case(fx, cli):
    code, out, err = cli(
        "complaint", "add", "--at", "2027-05-14 10:30", "--from", "家族", "--handler", "主任A",
        "--ward", "長田区", "--category", "日程調整", "--case", CASE, "--content", TYPED,
    )  # fmt: skip
    assert code == 0 and "苦情 1 を記録しました" in out
    assert "苦情内容: この依頼の申請者の氏名、この依頼の被保険者番号" in err and leaks(err) == []
    code, _, err = cli(
        "incident", "add", "--kind", "incident", "--at", "2027-05-14 09:00", "--ward", "長田区",
        "--what", "昭和15年1月2日生の方の書類を置き忘れ", "--cause", "確認不足",
    )  # fmt: skip
    assert code == 0 and "何が起きたか: 生年月日のような日付" in err
    code, _, err = cli(
        "problem", "add", "--title", "冬美さんの件 鈴原冬美", "--owner", "主任A", "--due", "2027-07-31",
        "--complaint", "1",
    )  # fmt: skip
    assert code == 0 and "課題: この依頼の申請者の氏名" in err  # known through the complaint's case
    code, _, err = cli(*COMPLAINT, "--content", "番号 0123456789", "--strict")
    assert code == 2 and "苦情内容: 被保険者番号のような10桁の数字" in err
    assert fx.db.conn.execute("SELECT count(*) FROM complaints").fetchone()[0] == 1


def test_the_monthly_note_warns_with_the_months_cases(fx, cli):
    code, out, err = cli("report", "note", "2027-05", "problems", f"{NAME}様の連絡が遅れた")
    assert code == 0 and "保存しました" in out
    assert "問題点: この依頼の申請者の氏名" in err


# --------------------------------------------------------------------------- printed
def test_every_monthly_report_format_masks_the_notes_and_problem_titles(fx, cli, tmp_path):
    from inspect_tui.services.quality import records as q

    assert cli("report", "note", "2027-05", "problems", f"{NAME}様 {NUMBER} の連絡が遅れた")[0] == 0
    assert cli("report", "note", "2027-05", "improvements", "生年月日 S15.1.2 を控えない")[0] == 0
    cid = q.save_complaint(
        fx,
        {"received_at": "2027-05-14 10:30", "complainant": "家族", "handled_by": "主任A", "ward": "長田区",
         "category": "日程調整", "content": TYPED, "case_no": CASE},
    )  # fmt: skip
    q.save_problem(
        fx,
        {"title": f"{NAME} 宅への連絡", "owner": "主任A", "opened_on": "2027-05-20", "due_on": "2027-06-30"},
        [("complaint", cid)],
    )
    for fmt in REPORT_FORMATS:
        path = tmp_path / f"monthly.{fmt}"
        code, _, err = cli("report", "monthly", "--month", "2027-05", "--format", fmt, "-o", str(path))
        assert code == 0, err
        data = printed(path)
        assert leaks(data) == [] and b"S15.1.2" not in data, fmt
        if fmt != "json":  # json has its fixed keys: no free text at all
            assert "＊＊＊".encode() in data, f"{fmt}: the masked notes are printed"
            assert "宅への連絡".encode() in data, f"{fmt}: the rest of the title stays readable"


def test_every_guidance_report_format_masks_notes_guidance_and_comments(review_db, cli, tmp_path):
    from builders import session_as
    from inspect_tui.services.review import check as chk
    from inspect_tui.services.review import surveyor as sr

    s = session_as(review_db, "tester")
    ctx = chk.start_check(s, case_no="R9-00100")
    chk.add_finding(s, ctx.check.id, "typo", "minor", "2-1", "試験花子さん 9900000001 の特記")
    chk.mark_rest_ok(s, ctx.check.id)
    chk.set_fields(s, ctx.check.id, guidance="生年月日 S15.1.2 を書かない")
    chk.complete_check(s, ctx.check.id)
    sr.set_closure(s, "S010", comment="試験 花子様の件で指導")
    sr.log_accompanied_visit(s, "S010", dt.date(2027, 6, 1), "試験花子宅 3丁目5-2 へ同行")
    s.close()
    for fmt in ("text", "md", "html", "json"):
        path = tmp_path / f"guidance.{fmt}"
        code, _, err = cli(
            "guidance", "--surveyor", "S010", "--format", fmt, "--draft", "-o", str(path), db=review_db
        )
        assert code == 0, err
        data = path.read_bytes()
        for leak in ("試験", "花子", "9900000001", "S15.1.2", "3丁目"):
            assert leak.encode() not in data, (fmt, leak)
        assert "＊＊＊".encode() in data and "の特記".encode() in data, fmt
    doc = json.loads((tmp_path / "guidance.json").read_text())
    assert doc["forms"][0]["points"]["typo"]["findings"][0]["note"] == "＊＊＊さん ＊＊＊ の特記"
    assert doc["closing_comment"] == "＊＊＊様の件で指導"


def test_pareto_labels_are_masked(fx, cli):
    with fx.db.conn:  # a category that is not in the list (an old file, an edited list)
        fx.db.conn.execute(
            "INSERT INTO complaints (received_at, complainant, handled_by, ward, category, content,"
            " recorded_at, who) VALUES ('2027-05-14 10:00', '家族', 'x', '長田区', ?, 'x', 'now', 'tester')",
            (f"連絡 {NUMBER}",),
        )
    for fmt in ("text", "json", "html"):
        code, out, err = cli(
            "pareto", "--from", "2027-05-01", "--to", "2027-05-31", "--of", "complaints", "--format", fmt
        )
        assert code == 0, err
        assert NUMBER not in out and "連絡 ＊＊＊" in out, fmt


# --------------------------------------------------------------------------- listings
def test_case_show_masks_notes_for_a_monitor_only(fx, cli):
    assert cli("case", "step", CASE, "contact", "--on", "2027-05-12", "--note", TYPED)[0] == 0
    code, out, _ = cli("case", "show", CASE)
    assert code == 0 and TYPED in out  # a manager reads it as typed
    make_monitor(fx)
    code, out, _ = cli("case", "show", CASE)
    assert code == 0 and leaks(out) == [] and "＊＊＊さん ＊＊＊ に電話" in out


def test_quality_lists_and_the_month_note_mask_for_a_monitor(fx, cli):
    from inspect_tui.services.quality import records as q

    cid = q.save_complaint(
        fx,
        {
            "received_at": "2027-05-14 10:30",
            "complainant": "その他",
            "complainant_note": "鈴原冬美の隣人",
            "handled_by": "主任A",
            "ward": "長田区",
            "category": "日程調整",
            "content": f"{NUMBER} の件",
            "case_no": CASE,
        },
    )
    q.save_incident(
        fx,
        {"kind": "incident", "occurred_at": "2027-05-14 09:00", "ward": "長田区", "case_no": CASE,
         "what_happened": f"{NAME}様の書類", "cause_category": "確認不足"},
    )  # fmt: skip
    q.save_problem(
        fx,
        {"title": "冬美 鈴原 ではなく 鈴原冬美", "owner": "主任A", "due_on": "2027-07-31"},
        [("complaint", cid)],
    )
    assert cli("report", "note", "2027-05", "problems", f"{NAME} {NUMBER}")[0] == 0
    lists = [
        ("complaint", "list"),
        ("incident", "list"),
        ("problem", "list"),
        ("report", "note", "2027-05", "problems"),
    ]
    for argv in lists:
        code, out, _ = cli(*argv)
        assert code == 0 and leaks(out), f"{argv}: a manager reads it as typed"
    make_monitor(fx)
    for argv in lists:
        code, out, _ = cli(*argv)
        assert code == 0 and leaks(out) == [] and "＊＊＊" in out, argv


def test_the_audit_trail_keeps_free_text_as_typed_and_only_managers_read_it(fx, cli, as_user):
    # The audit trail is the record of what was done: it keeps what was typed (left as it is
    # by design), so reading it is for managers only.
    assert cli("case", "step", CASE, "contact", "--on", "2027-05-12", "--note", TYPED)[0] == 0
    assert cli("case", "exclude", CASE, "target20", "--reason", TYPED)[0] == 0
    code, out, _ = cli("audit", "list")
    assert code == 0 and "deadline_exclude" in out
    rows = fx.db.conn.execute("SELECT after_json FROM audit_log WHERE action = 'deadline_exclude'").fetchall()
    assert TYPED in rows[0][0]
    for role in ("chief", "monitor"):
        with fx.db.conn:
            fx.db.conn.execute("UPDATE users SET role = ? WHERE login = 'tester'", (role,))
        code, out, err = cli("audit", "list")
        assert code == 1 and out == "" and "監査記録の閲覧" in err and leaks(err) == [], role


def test_the_viewer_masks_for_a_monitor_and_not_for_a_manager_or_a_chief(fx, as_user):
    from inspect_tui.services.trust import free_text

    assert free_text.viewer(fx, [CASE])(TYPED) == TYPED  # tester: manager
    as_user("chika")
    assert free_text.viewer(fx, [CASE])(TYPED) == TYPED
    as_user("mona")
    assert free_text.viewer(fx, [CASE])(TYPED) == "＊＊＊さん ＊＊＊ に電話"
    assert free_text.printer(fx, [CASE])(TYPED) == "＊＊＊さん ＊＊＊ に電話"
