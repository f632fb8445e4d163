"""The documents one quality record prints as: the 事故振り返りシート of an incident and the
重大苦情の報告書 of a serious complaint (001 §10-11), through the CLI as a user runs them."""

from __future__ import annotations

import json

import pytest

from builders import FREE_TEXT_CASE, complaint, incident, leaks
from inspect_tui.core.renderable import EXTENSIONS
from inspect_tui.services.quality import records as q
from inspect_tui.services.trust import identity

FULL_INCIDENT = incident(
    kind="security",
    occurred_at="2027-06-10 09:00",
    place="須磨区役所の窓口",
    people="調査員S01と窓口の職員",
    ward="須磨区",
    case_no="2027-0001",
    surveyor="S01",
    what_happened="調査票の控えを窓口に置き忘れた",
    impact="第三者の目に触れた可能性",
    direct_cause="退室時の確認漏れ",
    root_cause="持ち出し書類の一覧がない",
    immediate_response="15分後に回収",
    countermeasure="持ち出し一覧を作る",
    prevention="退室時に一覧で指差し確認",
    cause_category="書類の置き忘れ・紛失",
    phoned_city_at="2027-06-10 09:40",
    written_report_at="2027-06-11 15:00",
)


def _rows(doc) -> dict[str, str]:
    """Every 項目 -> 内容 row of the document's tables."""
    return {
        r[0]: r[1] for s in doc.sections for t in s.tables if t.headers == ["項目", "内容"] for r in t.rows
    }


def test_the_look_back_sheet_carries_every_field_of_the_incident(qs, cli):
    iid = q.save_incident(qs, FULL_INCIDENT)
    code, out, err = cli("report", "incident-sheet", "--id", str(iid), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["id"], data["kind"], data["occurred_at"]) == (iid, "security", "2027-06-10 09:00")
    assert (data["phoned_city_at"], data["written_report_at"]) == ("2027-06-10 09:40", "2027-06-11 15:00")
    assert data["recorded"]["who"] == "tester" and data["audit_head"]["count"] > 0

    from inspect_tui.services.quality.documents import incident_sheet

    sheet = incident_sheet(qs, iid)
    doc = sheet.as_doc()
    assert doc.title == "事故振り返りシート"
    assert doc.seals == ("業務責任者", "主任調査員", "記録者") and doc.seals_at_end
    assert dict(doc.facts)["市への報告"] == "書面報告済"
    rows = _rows(doc)
    assert rows == {
        "発生日時": "2027-06-10 09:00",
        "場所": "須磨区役所の窓口",
        "関係者": "調査員S01と窓口の職員",
        "区": "須磨区",
        "依頼番号": "2027-0001",
        "調査員": "S01",
        "何が起きたか": "調査票の控えを窓口に置き忘れた",
        "影響": "第三者の目に触れた可能性",
        "電話連絡の日時": "2027-06-10 09:40",
        "書面報告の日時": "2027-06-11 15:00",
        "状態": "書面報告済",
        "直接原因": "退室時の確認漏れ",
        "根本原因": "持ち出し書類の一覧がない",
        "原因区分": "書類の置き忘れ・紛失",
        "市の事由": "いいえ",
        "応急対応": "15分後に回収",
        "対策": "持ち出し一覧を作る",
        "再発防止策": "退室時に一覧で指差し確認",
        "記録者": "tester",
        "記録日時": sheet.recorded.recorded_at,
        "最終更新": sheet.recorded.updated_at,
    }
    assert len(sheet.recorded.recorded_at) == 16  # 2026-12-02 14:45: to the minute
    code, text, _ = cli("report", "incident-sheet", "--id", str(iid))
    assert "業務責任者 印" in text and "記録者 印" in text and "監査記録の先頭ハッシュ" in text


def test_an_incident_not_yet_reported_says_so(qs):
    from inspect_tui.services.quality.documents import incident_sheet

    iid = q.save_incident(qs, incident())
    rows = _rows(incident_sheet(qs, iid).as_doc())
    assert (rows["電話連絡の日時"], rows["書面報告の日時"], rows["状態"]) == (
        "未連絡",
        "未報告",
        "市へ未報告",
    )
    assert rows["場所"] == "－"  # nothing typed: a dash, not an empty cell


def test_the_serious_complaint_report_with_its_prevention(qs, cli):
    cid = q.save_complaint(
        qs,
        complaint(serious=True, case_no="2027-0002", reported_to_city_at="2027-06-14 13:00"),
    )
    other = q.save_complaint(qs, complaint(serious=True, received_at="2027-06-14 12:00"))
    q.save_problem(
        qs, {"title": "日程連絡の手順", "owner": "主任A", "due_on": "2027-07-01"}, [("complaint", cid)]
    )
    q.save_problem(qs, {"title": "別件", "owner": "主任B", "due_on": "2027-07-01"}, [("complaint", other)])
    pid = q.save_problem(
        qs, {"title": "連絡の記録", "owner": "主任A", "due_on": "2027-06-30"}, [("complaint", cid)]
    )
    q.close_problem(qs, pid, "連絡の期限表を作った")

    from inspect_tui.services.quality.documents import complaint_report

    doc = complaint_report(qs, cid).as_doc()
    assert doc.title == "重大苦情の報告書" and doc.seals_at_end
    rows = _rows(doc)
    assert rows["受付日時"] == "2027-06-14 10:30" and rows["申出者"] == "家族" and rows["対応者"] == "主任A"
    assert rows["苦情内容"] == "訪問日の連絡が遅かった" and rows["対応結果"] == "謝罪し日程を再調整"
    assert rows["報告日時"] == "2027-06-14 13:00" and rows["依頼番号"] == "2027-0002"
    [prevention] = [t for s in doc.sections if s.heading == "5. 再発防止" for t in s.tables]
    assert prevention.rows == [
        [1, "日程連絡の手順", "未着手", "－"],
        [pid, "連絡の記録", "完了", "連絡の期限表を作った"],
    ]
    code, out, err = cli("report", "complaint-report", "--id", str(cid), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [p["problem_id"] for p in data["prevention"]] == [1, pid]
    assert data["serious"] is True and data["reported_to_city_at"] == "2027-06-14 13:00"


def test_a_minor_complaint_is_refused_with_the_reason(qs, cli, tmp_path):
    cid = q.save_complaint(qs, complaint())
    target = tmp_path / "r.html"
    code, out, err = cli(
        "report", "complaint-report", "--id", str(cid), "--format", "html", "-o", str(target)
    )
    assert code == 1 and out == "" and not target.exists()
    assert f"苦情 {cid} は軽微な苦情です" in err and "連絡会議" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["complaint-report", "--id", "99"], 2, "苦情番号: 99 の苦情はありません"),
        (["incident-sheet", "--id", "99"], 2, "事故番号: 99 の事故はありません"),
        (["incident-sheet", "--id", "x1"], 2, "--id: 「x1」は事故番号として読めません"),
        (["complaint-report", "--id", ""], 2, "--id: 苦情番号を入れてください"),
        (["incident-sheet", "--id", "１"], 0, "事故振り返りシート"),  # full-width digits read
    ],
)
def test_bad_numbers_name_the_field(qs, cli, argv, code, message):
    q.save_incident(qs, incident())
    got, out, err = cli("report", *argv)
    assert got == code and message in (err if code else out) and "Traceback" not in err


def test_a_monitor_may_not_print_them_and_is_told_before_the_record_is_read(fx, cli):
    cid = q.save_complaint(fx, complaint(serious=True))
    iid = q.save_incident(fx, incident())
    identity.act_as("mona")
    for argv in (
        ["complaint-report", "--id", str(cid)],
        ["incident-sheet", "--id", str(iid)],
        ["incident-sheet", "--id", "99"],  # refused first: the monitor learns nothing of record 99
    ):
        code, out, err = cli("report", *argv)
        assert code == 1 and out == "", argv
        assert (
            "mona さん（委託元担当者）には「事故振り返りシート・重大苦情の報告書の作成」の権限がありません"
            in err
        )


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "json", "html", "xlsx"])
def test_the_applicants_name_and_number_are_masked_in_every_format(fx, cli, tmp_path, fmt):
    """Typed into the free text of a record of her case: masked in print for everyone."""
    iid = q.save_incident(
        fx,
        incident(
            case_no=FREE_TEXT_CASE,
            ward="長田区",
            people="鈴原冬美さんの長男",
            what_happened="鈴原 冬美さん（5550001234）の調査票を置き忘れた",
            prevention="鈴原冬美さん宅のような訪問でも一覧で確認",
        ),
    )
    cid = q.save_complaint(
        fx,
        complaint(
            serious=True,
            case_no=FREE_TEXT_CASE,
            ward="長田区",
            content="鈴原冬美さんの家族から: 連絡が遅い",
            outcome="5550001234 の件として謝罪",
        ),
    )
    for login, kind, rid in (("chika", "incident-sheet", iid), ("boss", "complaint-report", cid)):
        identity.act_as(login)  # a chief and a manager: both may read it as typed, both print it masked
        folder = tmp_path / kind
        folder.mkdir()
        code, _, err = cli("report", kind, "--id", str(rid), "--format", fmt, "-o", str(folder))
        assert code == 0, err
        [target] = folder.iterdir()  # named after the kind and the record number only
        assert target.name == f"{kind}_{rid}.{EXTENSIONS[fmt]}"
        data = target.read_bytes()
        if fmt == "xlsx":
            from openpyxl import load_workbook

            book = load_workbook(target)
            data = "\n".join(
                str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
            ).encode()
        text = data.decode("utf-8")
        assert "＊＊＊" in text, kind
        assert leaks(text) == [], (kind, fmt)
