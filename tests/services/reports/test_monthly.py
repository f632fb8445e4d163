"""Monthly report figures on hand-built cases; every expected number is worked out by hand.

Calendar facts used (checked with `inspect-tui deadline`): May 3-5 2027 are
holidays; 4/29 is 昭和の日; 2027-12-29..2028-01-03 is the year-end closure;
2028-01-10 is 成人の日.
"""

from __future__ import annotations

import pytest

from builders import add_case, add_surveyor, d, exclude
from inspect_tui.core.metrics import parse_month
from inspect_tui.services.reports.monthly import build_monthly


@pytest.fixture
def may(session):
    """The May 2027 cases. Deadlines (contact +3 business days from received,
    standard +6 from dispatched = received, target20 +20 calendar days):

    A rcv 5/6: contact 5/11, standard 5/14, target20 5/26
    B rcv 5/10: contact 5/13, standard 5/18, target20 5/30
    C, D rcv 5/17: contact 5/20, standard 5/25, target20 6/6
    E rcv 5/24: contact 5/27, standard 6/1, target20 6/13
    F, G rcv 5/6: as A
    H rcv 4/26: contact 4/30, standard 5/10 (4/29 and 5/3-5 are holidays), target20 5/16
    I rcv 5/10: as B
    J rcv 5/31: contact 6/3, standard 6/8, target20 6/20
    """
    s = session
    ids = {}
    # A: every step exactly on its deadline day (contact 5/11, submitted 5/14); accepted in May.
    ids["A"] = add_case(
        s,
        received_on="2027-05-06",
        contacted_on="2027-05-11",
        visited_on="2027-05-12",
        submitted_on="2027-05-14",
        accepted_on="2027-05-20",
    )
    # B: contacted a day late, submitted a day after the standard deadline; accepted in June.
    ids["B"] = add_case(
        s,
        received_on="2027-05-10",
        contacted_on="2027-05-14",
        visited_on="2027-05-17",
        submitted_on="2027-05-19",
        accepted_on="2027-06-02",
    )
    # C: cancelled 5/19, before its contact (5/20) and standard (5/25) deadlines.
    ids["C"] = add_case(s, received_on="2027-05-17", cancelled_on="2027-05-19")
    # D: cancelled 5/24, after the contact deadline (5/20) but before the standard one (5/25).
    ids["D"] = add_case(s, received_on="2027-05-17", cancelled_on="2027-05-24")
    # E: never contacted, contact deadline excluded (city-caused).
    ids["E"] = add_case(s, received_on="2027-05-24")
    exclude(s, ids["E"], "contact", "city")
    # F: another municipality's insured, all on time, accepted 5/21.
    ids["F"] = add_case(
        s,
        received_on="2027-05-06",
        is_home=0,
        insurer="芦屋市",
        contacted_on="2027-05-07",
        visited_on="2027-05-10",
        submitted_on="2027-05-12",
        accepted_on="2027-05-21",
    )
    # G: welfare recipient (home), all on time, accepted 5/24.
    ids["G"] = add_case(
        s,
        received_on="2027-05-06",
        welfare=1,
        contacted_on="2027-05-06",
        visited_on="2027-05-07",
        submitted_on="2027-05-13",
        accepted_on="2027-05-24",
    )
    # H: received in April, visited and submitted in May, not yet accepted.
    ids["H"] = add_case(
        s,
        received_on="2027-04-26",
        contacted_on="2027-04-27",
        visited_on="2027-05-06",
        submitted_on="2027-05-07",
    )
    # I: returned (moved out) 5/12, before all its deadlines.
    ids["I"] = add_case(s, received_on="2027-05-10", returned_on="2027-05-12")
    # J: received on the last day of May; all its deadlines are in June.
    ids["J"] = add_case(s, received_on="2027-05-31")
    return ids


def test_counts_as_of_after_the_month(session, may):
    r = build_monthly(session, parse_month("2027-05"), d("2027-06-15"), 7777)
    assert r.counts == {
        "received": 9,  # A B C D E F G I J (H came in April)
        "contacted": 4,  # A 5/11, B 5/14, F 5/7, G 5/6 (H in April)
        "visited": 5,  # A B F G H
        "submitted": 5,  # A B F G H
        "accepted": 3,  # A 5/20, F 5/21, G 5/24 (B is accepted in June)
        "accepted_home": 2,  # A, G
        "accepted_other": 1,  # F
        "accepted_welfare": 1,  # G
        "cancelled": 2,  # C, D
        "backlog_end": 4,  # B (accepted only in June), E, H, J; I was returned
    }


def test_deadlines_as_of_after_the_month(session, may):
    j = build_monthly(session, parse_month("2027-05"), d("2027-06-15"), 7777).to_json()["deadlines"]
    # contact deadlines in May: A F G 5/11, B I 5/13, C D 5/20, E 5/27 (8 cases).
    # Left out: C (cancelled 5/19 <= 5/20), E (city exclusion), I (returned 5/12 <= 5/13).
    # On time: A (on the day), F, G. Late: B (5/14), D (cancelled after the deadline, never contacted).
    assert j["contact"] == {"due": 5, "on_time": 3, "late": 2, "pending": 0, "excluded": 3}
    # standard deadlines in May: A F G 5/14, B I 5/18, C D 5/25, H 5/10 (8 cases).
    # Left out: C (5/19), D (cancelled 5/24 <= 5/25), I (returned). Late: B (5/19 > 5/18).
    assert j["standard"] == {"due": 5, "on_time": 4, "late": 1, "pending": 0, "excluded": 3}
    # target20 in May: A F G 5/26, B I 5/30, H 5/16; I left out; all others submitted in time.
    assert j["target20"] == {"due": 5, "on_time": 5, "late": 0, "pending": 0, "excluded": 1}


def test_late_cases_listed_by_number(session, may):
    r = build_monthly(session, parse_month("2027-05"), d("2027-06-15"), 7777)
    assert r.late_cases["contact"] == [(may["B"], "2027-05-13", "2027-05-14"), (may["D"], "2027-05-20", None)]
    assert r.late_cases["standard"] == [(may["B"], "2027-05-18", "2027-05-19")]
    assert r.late_cases["target20"] == []


def test_billing_home_and_other(session, may):
    b = build_monthly(session, parse_month("2027-05"), d("2027-06-15"), 7777).to_json()["billing"]
    assert b["unit_price"] == 7777
    # home: 2 × 7,777 = 15,554; × 1.1 = 17,109.4 -> 17,109; tax 1,555
    assert b["home"] == {"count": 2, "subtotal": 15554, "tax": 1555, "total": 17109}
    # other: 1 × 7,777 = 7,777; × 1.1 = 8,554.7 -> 8,554; tax 777
    assert b["other"] == {"count": 1, "subtotal": 7777, "tax": 777, "total": 8554}


def test_as_of_inside_the_month_ignores_later_dates(session, may):
    """As of 5/13: anything dated after 5/13 has not happened yet."""
    r = build_monthly(session, parse_month("2027-05"), d("2027-05-13"), 7777)
    assert r.counts == {
        "received": 5,  # A B F G I (up to 5/13)
        "contacted": 3,  # A F G (B contacts 5/14)
        "visited": 4,  # A 5/12, F, G, H 5/6
        "submitted": 3,  # F 5/12, G 5/13, H 5/7 (A submits 5/14)
        "accepted": 0,
        "accepted_home": 0,
        "accepted_other": 0,
        "accepted_welfare": 0,
        "cancelled": 0,  # C and D cancel later
        "backlog_end": 5,  # A B F G H open on 5/13; I returned 5/12
    }
    c = r.to_json()["deadlines"]["contact"]
    # E excluded (city), I returned before its deadline: 2 left out of 8.
    # A F G on time; B due 5/13 = as-of, its 5/14 contact not yet made -> pending;
    # C and D due 5/20, their cancellations are after 5/13 -> pending.
    assert c == {"due": 6, "on_time": 3, "late": 0, "pending": 3, "excluded": 2}


def test_year_end_closure(session):
    # Y1 rcv 12/27: contact +3 = 12/28, (12/29-1/3 closed), 1/4, 1/5 -> 2028-01-05;
    #   standard +6 = 12/28, 1/4, 1/5, 1/6, 1/7, (1/10 成人の日) 1/11; target20 = 2028-01-16.
    add_case(
        session,
        received_on="2027-12-27",
        contacted_on="2027-12-28",
        visited_on="2028-01-06",
        submitted_on="2028-01-11",
        accepted_on="2028-01-20",
    )
    # Y2 rcv 12/24: contact 12/27, 12/28, 1/4 -> 2028-01-04 (contacted 1/5: late);
    #   standard 12/27, 12/28, 1/4, 1/5, 1/6, 1/7 -> 2028-01-07 (submitted 1/12: late);
    #   target20 = 2028-01-13 (submitted 1/12: on time).
    add_case(
        session,
        received_on="2027-12-24",
        contacted_on="2028-01-05",
        visited_on="2028-01-07",
        submitted_on="2028-01-12",
    )
    dec = build_monthly(session, parse_month("2027-12"), d("2028-02-15"))
    assert dec.counts["received"] == 2 and dec.counts["contacted"] == 1
    assert all(v["due"] == 0 and v["excluded"] == 0 for v in dec.to_json()["deadlines"].values())
    jan = build_monthly(session, parse_month("2028-01"), d("2028-02-15")).to_json()
    assert jan["deadlines"]["contact"] == {"due": 2, "on_time": 1, "late": 1, "pending": 0, "excluded": 0}
    assert jan["deadlines"]["standard"] == {"due": 2, "on_time": 1, "late": 1, "pending": 0, "excluded": 0}
    assert jan["deadlines"]["target20"] == {"due": 2, "on_time": 2, "late": 0, "pending": 0, "excluded": 0}
    assert jan["counts"]["backlog_end"] == 1  # Y2 submitted, never accepted


def test_extended_deadline_uses_the_new_date(session):
    from inspect_tui.services.cases.steps import add_deadline_exception

    # rcv 5/10: contact due 5/13, extended to 5/17 (agreed); contacted 5/17 -> on time.
    no = add_case(session, received_on="2027-05-10", contacted_on="2027-05-17")
    add_deadline_exception(session, no, "contact", "extend", "入院中", "applicant", d("2027-05-17"))
    c = build_monthly(session, parse_month("2027-05"), d("2027-06-15")).to_json()["deadlines"]["contact"]
    assert c == {"due": 1, "on_time": 1, "late": 0, "pending": 0, "excluded": 0}


def test_json_shape_is_exactly_the_documented_one(session, may):
    j = build_monthly(session, parse_month("2027-05"), d("2027-06-15"), 7777).to_json()
    assert list(j) == ["month", "as_of", "counts", "deadlines", "billing", "inspection"]
    assert j["month"] == "2027-05" and j["as_of"] == "2027-06-15"
    assert list(j["deadlines"]) == ["contact", "standard", "target20"]
    assert all(list(v) == ["due", "on_time", "late", "pending", "excluded"] for v in j["deadlines"].values())
    assert list(j["billing"]) == ["unit_price", "home", "other"]
    assert list(j["billing"]["home"]) == ["count", "subtotal", "tax", "total"]


def test_prices_from_config(session, may):
    from inspect_tui.core.records import replace

    session.config = replace(session.config, unit_price_home=8000, unit_price_other=9000)
    b = build_monthly(session, parse_month("2027-05"), d("2027-06-15")).to_json()["billing"]
    assert b["unit_price"] == {"home": 8000, "other": 9000}
    assert b["home"] == {"count": 2, "subtotal": 16000, "tax": 1600, "total": 17600}
    assert b["other"] == {"count": 1, "subtotal": 9000, "tax": 900, "total": 9900}
    # --unit-price overrides both
    b = build_monthly(session, parse_month("2027-05"), d("2027-06-15"), 7000).to_json()["billing"]
    assert b["unit_price"] == 7000 and b["other"]["subtotal"] == 7000


def test_no_price_gives_no_fake_yen(session, may):
    r = build_monthly(session, parse_month("2027-05"), d("2027-06-15"))
    b = r.to_json()["billing"]
    assert b["unit_price"] is None
    assert b["home"] == {"count": 2, "subtotal": None, "tax": None, "total": None}
    from inspect_tui.render.formats import render

    assert "単価が設定されていません" in render(r, "text")


def test_notes_and_the_features_sections(session, may):
    from inspect_tui.render.formats import render
    from inspect_tui.services.reports.monthly import set_monthly_note

    m = parse_month("2027-05")
    set_monthly_note(session, m, "problems", "連絡の遅れが2件あった")
    text = render(build_monthly(session, m, d("2027-06-15")), "text")
    assert "連絡の遅れが2件あった" in text
    assert text.count("（未記録）") == 1  # the improvements nobody wrote
    for heading in (
        "初任者の重点チェック（1〜10件目）の実施",
        "苦情対応",
        "インシデント・アクシデント",
        "課題管理",
    ):
        assert f". {heading}\n" in text, heading
    assert "当月に終えた重点チェックはありません" in text


def test_the_json_reads_only_what_it_prints(session, may):
    """--format json holds counts, deadlines, billing and inspection: the notes and the other features'
    sections are never read for it (they were: 19 of its 33 statements)."""
    from inspect_tui.services.reports.monthly import set_monthly_note

    m = parse_month("2027-05")
    set_monthly_note(session, m, "problems", "連絡の遅れ")
    statements: list[str] = []
    session.db.conn.set_trace_callback(statements.append)
    try:
        data = build_monthly(session, m, d("2027-06-15"), readable=False).to_json()
    finally:
        session.db.conn.set_trace_callback(None)
    assert set(data) == {"month", "as_of", "counts", "deadlines", "billing", "inspection"}
    read = " ".join(statements).lower()
    for table in ("complaints", "incidents", "problems", "review_checks", "settings where key >= ?"):
        assert table not in read, table
    assert len(statements) <= 16


def test_no_personal_data_in_any_format(session, may):
    from inspect_tui.render.formats import render
    from pdftext import formats_here

    r = build_monthly(session, parse_month("2027-05"), d("2027-06-15"), 7777)
    for fmt in formats_here():
        out = render(r, fmt)
        if isinstance(out, bytes):
            from pdftext import as_text

            out = as_text(out)  # xlsx by its XML parts, pdf by pdftotext
        assert "試験" not in out and "0123456789" not in out, fmt


def test_month_before_as_of_is_refused(session):
    from inspect_tui.services.reports.monthly import ReportError

    with pytest.raises(ReportError, match="より前"):
        build_monthly(session, parse_month("2027-07"), d("2027-06-15"))


def test_feature_sections_fill_the_report(session, may):
    from inspect_tui.render.formats import render

    conn = session.db.conn
    add_surveyor(session, "S901", "", name="新人", placed_on=None)
    add_surveyor(session, "S001", "", name="主任", placed_on=None)
    a_id = conn.execute("SELECT id FROM cases WHERE case_no = ?", (may["A"],)).fetchone()[0]
    conn.execute(
        "INSERT INTO review_forms (surveyor, form_no, case_id, assigned_at) VALUES ('S901', 10, ?, 'x')",
        (a_id,),
    )
    conn.execute(
        "INSERT INTO review_checks (case_id, surveyor, inspector, kind, state, checked_on, created_at,"
        " updated_at, who) VALUES (?, 'S901', 'S001', 'focused', 'done', '2027-05-21', 'x', 'x', 'x')",
        (a_id,),
    )
    conn.execute(
        "INSERT INTO complaints (received_at, complainant, handled_by, ward, category, content,"
        " recorded_at, who) VALUES ('2027-05-10 10:00', '家族', 'x', '長田区', '日程調整',"
        " '申請者の山田さんが…', 'x', 'x')"
    )
    text = render(build_monthly(session, parse_month("2027-05"), d("2027-06-15")), "text")
    assert "S901" in text and "完了（指導終了報告へ）" in text
    assert "日程調整" in text and "山田" not in text  # complaint content is never quoted


def test_ward_and_application_breakdown(session, may):
    # one extra 区分変更 case in 須磨区, accepted 5/28
    add_case(
        session,
        received_on="2027-05-06",
        ward="須磨区",
        application="区分変更",
        contacted_on="2027-05-07",
        visited_on="2027-05-10",
        submitted_on="2027-05-12",
        accepted_on="2027-05-28",
    )
    r = build_monthly(session, parse_month("2027-05"), d("2027-06-15"))
    # 長田区: the nine May cases received; A F G accepted (all 新規)
    assert r.wards["長田区"] == {"received": 9, "新規": 3, "区分変更": 0, "更新": 0, "accepted": 3}
    assert r.wards["須磨区"] == {"received": 1, "新規": 0, "区分変更": 1, "更新": 0, "accepted": 1}
    assert sum(w["accepted"] for w in r.wards.values()) == r.counts["accepted"]
    assert "受理 区分変更" in r.as_doc().sections[0].tables[1].headers
