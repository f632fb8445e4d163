"""Recording complaints, incidents and problems; dashboard lists; monthly section; Pareto source."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import add_review_check, complaint, incident
from inspect_tui.services.quality import records as q
from inspect_tui.services.quality.monthly import monthly_quality_section
from inspect_tui.services.quality.pareto import pareto_report


def count(session, table):
    return session.db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_a_complaint_is_saved_with_its_case_and_surveyor(qs):
    cid = q.save_complaint(qs, complaint(case_no="2027-0001", surveyor="S01", serious=True))
    c = q.get_complaint(qs, cid)
    assert (c.case_no, c.surveyor, c.serious, c.received_at) == ("2027-0001", "S01", True, "2027-06-14 10:30")
    assert c.city_report_label == "市へ未報告"


def test_bad_complaint_names_every_field_and_writes_nothing(qs):
    with pytest.raises(q.QualityInputError) as e:
        q.save_complaint(
            qs,
            complaint(
                received_at="2027-06-14",
                ward="中央区",
                case_no="9999",
                surveyor="X",
                category="",
                content=" ",
            ),
        )
    assert e.value.fields == ["受付日時", "区", "依頼番号", "調査員", "区分", "苦情内容"]
    assert "時刻がありません" in str(e.value)
    assert count(qs, "complaints") == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-06-14 25:00", "時刻として読めません"),
        ("明日 10:00", "日付として読めません"),
        ("2027-06-16 10:00", "未来の日時"),
    ],
)
def test_bad_times(qs, text, message):
    with pytest.raises(q.QualityInputError, match=message):
        q.save_complaint(qs, complaint(received_at=text))


def test_other_complainant_needs_a_note(qs):
    with pytest.raises(q.QualityInputError, match="申出者の補足"):
        q.save_complaint(qs, complaint(complainant="その他"))
    cid = q.save_complaint(qs, complaint(complainant="その他", complainant_note="近隣の民生委員"))
    assert q.get_complaint(qs, cid).complainant_label == "その他（近隣の民生委員）"


def test_times_in_other_forms_are_normalised(qs):
    cid = q.save_complaint(qs, complaint(received_at="Ｒ９．６．１４　９:０５"))
    assert q.get_complaint(qs, cid).received_at == "2027-06-14 09:05"


def test_an_insured_number_in_free_text_is_warned_about_not_refused(qs):
    # not blocking (a chief may quote a 10-digit rule number): the screens ask, the CLI warns
    raw = complaint(content="番号 0123456789 の方から", outcome="謝罪した")
    warnings = q.free_text_warnings(qs, "complaint", raw)
    assert [(w.label, w.kinds) for w in warnings] == [("苦情内容", ("被保険者番号のような10桁の数字",))]
    cid = q.save_complaint(qs, raw)
    assert q.get_complaint(qs, cid).content == "番号 0123456789 の方から"  # stored as typed


def test_the_linked_cases_name_is_known_to_the_warnings(qs):
    qs.db.conn.execute("UPDATE cases SET applicant_name = '試験 花子' WHERE case_no = '2027-0002'")
    raw = complaint(content="試験花子さんの家族から", case_no="2027-0002")
    assert [w.kinds for w in q.free_text_warnings(qs, "complaint", raw)] == [("この依頼の申請者の氏名",)]
    assert q.free_text_warnings(qs, "complaint", {**raw, "case_no": "2027-0001"}) == []
    cid = q.save_complaint(qs, raw)
    pid = q.save_problem(
        qs, {"title": "試験 花子様への連絡", "owner": "主任A", "due_on": "2027-07-31"}, [("complaint", cid)]
    )
    p = q.get_problem(qs, pid)
    assert [w.label for w in q.free_text_warnings(qs, "problem", q.problem_raw(p), p.links)] == ["課題"]


def test_serious_complaint_is_on_the_dashboard_until_reported(qs):
    minor = q.save_complaint(qs, complaint())
    serious = q.save_complaint(qs, complaint(serious=True))
    assert [c.id for c in q.serious_complaints_unreported(qs)] == [serious]
    with pytest.raises(q.QualityInputError, match="受付日時"):
        q.report_complaint_to_city(qs, serious, "2027-06-14 10:00")  # before it was received
    q.report_complaint_to_city(qs, serious, "2027-06-14 11:00")
    assert q.serious_complaints_unreported(qs) == []
    assert q.get_complaint(qs, minor).city_report_label == "連絡会議で報告"


def test_changes_are_audited(qs):
    cid = q.save_complaint(qs, complaint())
    rows = qs.db.conn.execute(
        "SELECT action, entity, key FROM audit_log"
        " WHERE entity <> 'user' AND action NOT LIKE 'row.%' ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [("create", "complaint", str(cid))]


def test_incident_look_back_sheet_and_the_city_reports(qs):
    iid = q.save_incident(
        qs, incident(kind="セキュリティ事故", root_cause="持ち出し手順が曖昧", prevention="持ち出し簿を作る")
    )
    i = q.get_incident(qs, iid)
    assert (i.kind, i.root_cause, i.prevention) == ("security", "持ち出し手順が曖昧", "持ち出し簿を作る")
    assert [x.id for x in q.security_incidents_open(qs)] == [iid]
    with pytest.raises(q.QualityInputError, match="先に市への電話連絡"):
        q.record_incident_report(qs, iid, written_at="2027-06-10 12:00")
    q.record_incident_report(qs, iid, phoned_at="2027-06-10 10:00")
    assert [x.id for x in q.security_incidents_open(qs)] == [iid]  # the written report is still due
    with pytest.raises(q.QualityInputError, match=r"電話連絡の日時.*より前"):
        q.record_incident_report(qs, iid, written_at="2027-06-10 09:59")
    q.record_incident_report(qs, iid, written_at="2027-06-11 15:00")
    assert q.security_incidents_open(qs) == []


def test_incident_other_kinds_do_not_show_on_the_dashboard(qs):
    q.save_incident(qs, incident(kind="accident"))
    assert q.security_incidents_open(qs) == []


def test_problem_needs_a_source_and_an_owner(qs):
    with pytest.raises(q.QualityInputError) as e:
        q.save_problem(qs, {"title": "x", "due_on": "2027-07-01"}, [])
    assert e.value.fields == ["主担当", "元になった苦情・事故・会議"]
    with pytest.raises(q.QualityInputError, match="苦情5 はありません"):
        q.save_problem(qs, {"title": "x", "owner": "A", "due_on": "2027-07-01"}, [("complaint", 5)])
    assert count(qs, "problems") == 0


def test_problem_from_several_sources_overdue_then_closed(qs):
    c1 = q.save_complaint(qs, complaint())
    i1 = q.save_incident(qs, incident())
    pid = q.save_problem(
        qs,
        {"title": "連絡手順の見直し", "owner": "主任A", "opened_on": "2027-06-01", "due_on": "2027-06-10"},
        [("complaint", c1), ("incident", i1)],
    )
    p = q.get_problem(qs, pid)
    assert p.links == (("complaint", c1), ("incident", i1)) and p.links_label == f"苦情{c1}, 事故{i1}"
    assert [x.id for x in q.problems_overdue(qs)] == [pid]
    assert q.problems_overdue(qs, today=dt.date(2027, 6, 10)) == []
    with pytest.raises(q.QualityInputError, match="対策"):
        q.close_problem(qs, pid)  # no fix written yet
    p = q.close_problem(qs, pid, fix="連絡票を作った")
    assert (p.status, p.closed_on) == ("closed", dt.date(2027, 6, 15))
    assert q.problems_overdue(qs) == []


def test_monthly_section(qs):
    q.save_complaint(qs, complaint(received_at="2027-05-31 23:59"))
    may = q.save_complaint(qs, complaint(received_at="2027-05-02 09:00", case_no="2027-0002"))
    q.save_complaint(qs, complaint(received_at="2027-06-01 00:00"))
    inc = q.save_incident(qs, incident(occurred_at="2027-05-20 10:00"))
    open_p = q.save_problem(
        qs,
        {"title": "A", "owner": "x", "opened_on": "2027-05-01", "due_on": "2027-05-20"},
        [("complaint", may)],
    )
    done = q.save_problem(
        qs,
        {
            "title": "B",
            "owner": "x",
            "opened_on": "2027-05-01",
            "due_on": "2027-05-30",
            "status": "closed",
            "closed_on": "2027-05-25",
            "fix": "直した",
        },
        [("incident", inc)],
    )
    q.save_problem(
        qs,
        {"title": "C", "owner": "x", "opened_on": "2027-06-02", "due_on": "2027-06-30"},
        [("incident", inc)],
    )  # opened after May: not in May's report
    sec = monthly_quality_section(qs, "2027-05")
    assert len(sec.complaints) == 2 and [i.id for i in sec.incidents] == [inc]
    assert [p.id for p in sec.open_problems] == [open_p]
    assert [p.id for p in sec.closed_problems] == [done]
    sections = sec.sections()
    assert [s.heading for s in sections] == ["苦情対応", "インシデント・アクシデント", "課題管理"]
    text = repr(sections)
    assert "2027-0002" in text and "訪問日の連絡が遅かった" not in text  # case numbers, never content
    assert sec.to_json()["month"] == "2027-05"


def test_pareto_over_the_period_and_filters(qs):
    for when, cat, ward, serious in [
        ("2027-06-01 09:00", "接遇・態度", "長田区", False),
        ("2027-06-02 09:00", "接遇・態度", "長田区", True),
        ("2027-06-03 09:00", "日程調整", "須磨区", False),
        ("2027-06-04 09:00", "その他", "長田区", False),
        ("2027-05-31 09:00", "遅延", "長田区", False),  # before the period
    ]:
        q.save_complaint(qs, complaint(received_at=when, category=cat, ward=ward, serious=serious))
    r = pareto_report(qs, "complaints", dt.date(2027, 6, 1), dt.date(2027, 6, 30))
    # 4 in June: 接遇・態度 2 (50%, vital), 日程調整 1 (75%, vital), その他 1 last (before 75% < 80%: vital)
    assert [(x.name, x.count, x.cumulative_pct, x.vital) for x in r.rows] == [
        ("接遇・態度", 2, "50.0%", True),
        ("日程調整", 1, "75.0%", True),
        ("その他", 1, "100.0%", True),
    ]
    r = pareto_report(qs, "complaints", dt.date(2027, 6, 1), dt.date(2027, 6, 30), ward="長田区", kind="重大")
    assert [(x.name, x.count) for x in r.rows] == [("接遇・態度", 1)]
    with pytest.raises(q.QualityInputError) as e:
        pareto_report(qs, "complaints", dt.date(2027, 6, 30), dt.date(2027, 6, 1), ward="北区", surveyor="ZZ")
    assert e.value.fields == ["期間", "区", "調査員"]


def test_findings_are_the_third_source(qs):
    qs.db.conn.execute("UPDATE cases SET ward = '須磨区' WHERE case_no = '2027-0002'")
    case1, case2 = (r[0] for r in qs.db.conn.execute("SELECT id FROM cases ORDER BY case_no"))
    add_review_check(qs, 1, case1, "S01", "focused", "2027-06-03", ["typo", "typo", "omission"])
    add_review_check(qs, 2, case2, "S01", "post", "2027-06-04", ["typo", "wording"])
    add_review_check(
        qs, 3, case1, "S01", "focused", "2027-06-05", ["omission"], blind_of=1
    )  # calibration: left out
    add_review_check(
        qs, 4, case1, "S01", "focused", "2027-06-06", ["omission"], state="draft"
    )  # not finished
    add_review_check(qs, 5, case1, "S01", "focused", "2027-05-31", ["wording"])  # before the period
    june = (dt.date(2027, 6, 1), dt.date(2027, 6, 30))
    r = pareto_report(qs, "findings", *june)
    # typo 3, omission 1, wording 1 = 5: 誤字・脱字 60% vital; then the ties by name:
    # 不適切な文言 (U+4E0D) before 選択漏れ・記載漏れ (U+9078): 80% exactly -> vital; 選択漏れ 100% -> not
    assert [(x.name, x.count, x.cumulative_pct, x.vital) for x in r.rows] == [
        ("誤字・脱字", 3, "60.0%", True),
        ("不適切な文言", 1, "80.0%", True),
        ("選択漏れ・記載漏れ", 1, "100.0%", False),
    ]
    nagata = pareto_report(qs, "findings", *june, ward="長田区")  # our own query, narrowed by the case's ward
    assert [(x.name, x.count) for x in nagata.rows] == [("誤字・脱字", 2), ("選択漏れ・記載漏れ", 1)]
    post = pareto_report(qs, "findings", *june, kind="提出後の指摘")
    assert [(x.name, x.count) for x in post.rows] == [("不適切な文言", 1), ("誤字・脱字", 1)]
    assert [(x.name, x.count) for x in pareto_report(qs, "findings", *june, surveyor="S01").rows] == [
        (x.name, x.count) for x in r.rows
    ]  # the two queries agree
    with pytest.raises(q.QualityInputError, match="種別"):
        pareto_report(qs, "findings", *june, kind="serious")


def test_quality_alerts_for_the_dashboard(qs):
    assert q.quality_alerts(qs) == []
    q.save_complaint(qs, complaint(serious=True))
    q.save_incident(qs, incident(kind="security", phoned_city_at="2027-06-10 10:00"))
    i = q.save_incident(qs, incident())
    q.save_problem(
        qs,
        {"title": "手順", "owner": "主任A", "opened_on": "2027-06-01", "due_on": "2027-06-14"},
        [("incident", i)],
    )
    assert q.quality_alerts(qs) == [
        "重大な苦情 1（2027-06-14 10:30 長田区 日程調整）: 市へ未報告",
        "セキュリティ事故 1（2027-06-10 09:00 須磨区）: 電話連絡済・書面未",
        "課題 1「手順」（主任A）: 期限 2027-06-14 を過ぎています".replace("（主任A）", "（主担当 主任A）"),
    ]


def test_the_monthly_report_gets_the_three_sections(qs):
    from inspect_tui.core.metrics import month_period
    from inspect_tui.render.formats import render
    from inspect_tui.services.reports.monthly import build_monthly

    c = q.save_complaint(
        qs, complaint(received_at="2027-05-10 10:00", case_no="2027-0001", content="内容は帳票に出ない")
    )
    q.save_problem(
        qs,
        {"title": "連絡手順", "owner": "主任A", "opened_on": "2027-05-11", "due_on": "2027-05-20"},
        [("complaint", c)],
    )
    text = render(build_monthly(qs, month_period(2027, 5), dt.date(2027, 6, 15)), "text")
    assert all(f". {h}\n" in text for h in ("苦情対応", "インシデント・アクシデント", "課題管理"))
    assert "2027-0001" in text and "連絡手順" in text and "期限超過" in text
    assert "内容は帳票に出ない" not in text
