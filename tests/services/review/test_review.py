"""The review services on a small database (see fixture.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import NOW, add_case, session_as, solo_case_nos
from inspect_tui.services.config import Config
from inspect_tui.services.review import calibration as cal
from inspect_tui.services.review import check as chk
from inspect_tui.services.review import queue as svc
from inspect_tui.services.review import surveyor as sr

D = dt.date


def _check_all_ok(s, ctx, *, finding=None):
    cid = ctx.check.id
    for p in ("typo", "omission", "wording", "choice_note", "cross_item", "notes_quality"):
        if finding and p == finding[0]:
            chk.add_finding(s, cid, p, finding[1], finding[2] if len(finding) > 2 else "", "メモ")
        else:
            chk.set_point(s, cid, p, "ok")
    return chk.complete_check(s, cid, minutes=12)


def test_forms_numbered_skipping_accompanied_and_fixed(rs):
    assert svc.sync_form_numbers(rs) == 10
    forms = sr.store.numbered_forms(rs.db, "S010")
    assert [f.case.case_no for f in forms] == solo_case_nos()[:10]
    assert svc.sync_form_numbers(rs) == 0


def test_tie_on_visit_date_goes_by_case_number(rs):
    svc.sync_form_numbers(rs)
    forms = sr.store.numbered_forms(rs.db, "S010")
    assert forms[2].case.visited_on == forms[3].case.visited_on
    assert forms[2].case.case_no < forms[3].case.case_no


def test_late_import_of_earlier_case_does_not_renumber(review_db):
    s = session_as(review_db, "tester")
    # only 3 cases are S010's at first (events are append-only, so cases are never deleted:
    # the rest go to nobody), number, then import an earlier one
    s.db.conn.execute("UPDATE cases SET surveyor = NULL WHERE case_no > 'R9-00102' AND surveyor = 'S010'")
    svc.sync_form_numbers(s)
    before = {f.form_no: f.case.case_no for f in sr.store.numbered_forms(s.db, "S010")}
    assert before == {1: "R9-00100", 2: "R9-00101", 3: "R9-00102"}
    add_case(
        s,
        "R9-00099",
        D(2027, 3, 1),
        at=NOW,
        surveyor="S010",
        contacted_on=D(2027, 3, 2),
        visited_on=D(2027, 3, 4),
    )
    svc.sync_form_numbers(s)
    after = {f.form_no: f.case.case_no for f in sr.store.numbered_forms(s.db, "S010")}
    assert after == {**before, 4: "R9-00099"}
    s.close()


def test_queue_lists_new_surveyors_forms_by_due_date_and_followups(rs):
    items = svc.review_queue(rs)
    focused = [i for i in items if i.kind == "focused"]
    assert len(focused) == 10
    dues = [i.due for i in focused]
    assert dues == sorted(dues)
    kinds = {(i.surveyor, i.kind) for i in items if i.kind.startswith("followup")}
    assert kinds == {
        ("S010", "followup3"),
        ("S010", "followup6"),
        ("S011", "followup3"),
        ("S011", "followup6"),
    }
    fu = next(i for i in items if i.surveyor == "S010" and i.kind == "followup3")
    assert fu.due == D(2027, 6, 1)
    assert svc.review_queue_size(rs) == len(items)
    progress = {n.code: n.progress for n in svc.new_surveyors(rs)}
    assert progress == {"S010": "0/10", "S011": "0/10"}


def test_author_cannot_inspect_own_form(review_db):
    s = session_as(review_db, "suzuki")  # S010 wrote the forms
    with pytest.raises(svc.AuthorIsInspector, match="自分の調査票は点検できません"):
        chk.start_check(s, case_no="R9-00100")
    s.close()


def test_login_without_surveyor_code_is_told_what_to_do(review_db):
    s = session_as(review_db, "boss")
    with pytest.raises(svc.ReviewError, match="調査員コード"):
        chk.start_check(s, case_no="R9-00100")
    s.close()


def test_draft_is_resumed_and_completion_needs_every_point(review_db):
    s = session_as(review_db, "tester")
    ctx = chk.start_check(s, case_no="R9-00100")
    assert ctx.check.kind == "focused" and ctx.form_no == 1 and not ctx.resumed
    chk.add_finding(s, ctx.check.id, "typo", "minor", "１－１", "誤字")
    chk.set_fields(s, ctx.check.id, guidance="漢字の確認", guidance_methods=["oral"], open_seconds=130)
    with pytest.raises(svc.ReviewError, match="まだ見ていない"):
        chk.complete_check(s, ctx.check.id)
    s.close()
    s = session_as(review_db, "tester")
    again = chk.start_check(s, case_no="R9-00100")
    assert again.resumed and again.check.id == ctx.check.id
    assert again.check.findings[0].item_code == "1-1"
    assert again.check.guidance == "漢字の確認" and again.prefill_minutes == 3
    for p in ("omission", "wording", "choice_note", "cross_item", "notes_quality"):
        chk.set_point(s, ctx.check.id, p, "ok")
    done = chk.complete_check(s, ctx.check.id)
    assert done.state == "done" and done.minutes == 3
    assert [n.progress for n in svc.new_surveyors(s) if n.code == "S010"] == ["1/10"]
    assert all(i.case_no != "R9-00100" for i in svc.review_queue(s))
    has_audit = s.db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").fetchone()
    if has_audit:  # the trust feature records every finished check, without personal data
        audit = s.db.conn.execute(
            "SELECT action, after_json FROM audit_log WHERE entity = 'review_check'"
        ).fetchall()
        assert audit and audit[-1][0] == "review.complete" and "試験" not in audit[-1][1]
    s.close()


def test_ten_forms_make_a_verdict_and_post_findings_count(rs):
    svc.sync_form_numbers(rs)
    for n, no in enumerate(solo_case_nos()[:10], 1):
        ctx = chk.start_check(rs, case_no=no)
        _check_all_ok(rs, ctx, finding=("typo", "fix") if n <= 5 else None)
    review = sr.surveyor_review(rs, "S010")
    assert review.complete and review.verdict_id == "improving"
    assert review.sparkline() == "1 1 1 1 1 0 0 0 0 0"
    assert review.recurring() == [("typo", 5)]
    # a routine inspection and a post-submission finding on an 11th form
    ctx = chk.start_check(rs, case_no=solo_case_nos()[10])
    assert ctx.check.kind == "routine"
    post = chk.start_check(rs, case_no="R9-00900", kind="post", post_source="return")
    _check_all_ok(rs, post, finding=("choice_note", "serious", "2-1"))
    assert sr.post_submission_findings(rs, D(2027, 6, 1), D(2027, 6, 30)) == 1
    by_point = dict((p, n) for p, _, n in sr.findings_by_point(rs, D(2027, 6, 1), D(2027, 6, 30)))
    assert by_point["typo"] == 5 and by_point["choice_note"] == 1
    sr.set_closure(rs, "S010", verdict="not_yet", comment="引き続き見守る")
    again = sr.surveyor_review(rs, "S010")
    assert again.verdict_label == "まだ（主任の判断）" and again.closing_comment == "引き続き見守る"


def test_followup_needs_a_proficiency_note(rs):
    ctx = chk.start_check(rs, kind="followup3", surveyor="S010")
    assert ctx.case is not None  # attached to the latest visited case
    for p in ("typo", "omission", "wording", "choice_note", "cross_item", "notes_quality"):
        chk.set_point(rs, ctx.check.id, p, "ok")
    with pytest.raises(svc.ReviewError, match="習熟度"):
        chk.complete_check(rs, ctx.check.id)
    chk.set_fields(rs, ctx.check.id, proficiency_note="一人で調査できる")
    chk.complete_check(rs, ctx.check.id)
    assert not [i for i in svc.review_queue(rs) if i.surveyor == "S010" and i.kind == "followup3"]


def test_accompanied_visit_log(rs):
    sr.log_accompanied_visit(rs, "S010", D(2027, 6, 10), "習熟度の確認", case_no="R9-00105")
    visits = sr.surveyor_review(rs, "S010").visits
    assert [(v.on_date, v.purpose, v.chief, v.case_no) for v in visits] == [
        (D(2027, 6, 10), "習熟度の確認", "S001", "R9-00105")
    ]


def test_blind_calibration_between_two_chiefs(review_db):
    s1 = session_as(review_db, "tester")
    ctx = chk.start_check(s1, case_no="R9-00100")
    first = _check_all_ok(s1, ctx, finding=("typo", "minor"))
    from inspect_tui.services.trust.permissions import PermissionDenied

    with pytest.raises(PermissionDenied, match="ブラインド点検の依頼」の権限がありません"):
        cal.request_blind_check(s1, first.id, "S002")
    boss = session_as(review_db, "boss")
    rid = cal.request_blind_check(boss, first.id, "S002")
    s2 = session_as(review_db, "chief2")
    queue = [i for i in svc.review_queue(s2) if i.kind == "blind"]
    assert [i.check_id for i in queue] == [rid]
    with pytest.raises(svc.ReviewError, match="まだ終わっていません"):
        cal.comparison(boss, rid)
    blind = chk.start_from_queue(s2, queue[0])
    assert blind.check.findings == []  # the first result is not shown
    _check_all_ok(s2, blind, finding=("omission", "fix"))
    c = cal.comparison(boss, rid)
    assert c.agreed == 4 and [r[3] for r in c.rows()][:2] == ["相違", "相違"]
    rates = cal.agreement_rates(boss, D(2027, 6, 1), D(2027, 6, 30))
    assert [(r.chief_a, r.chief_b, r.forms, round(r.rate, 3)) for r in rates] == [("S001", "S002", 1, 0.667)]
    # the focused progress counts the first check only
    assert [n.progress for n in svc.new_surveyors(s1) if n.code == "S010"] == ["1/10"]
    for x in (s1, s2, boss):
        x.close()


def test_config_unused():
    assert Config()


def test_inspection_coverage_counts_checks_before_submission(rs):
    # R9-00900 (S020) submitted in May without a check; R9-00100..103 submitted in March
    assert sr.inspection_coverage(rs, D(2027, 3, 1), D(2027, 5, 31)) == (0, 5)
    ctx = chk.start_check(rs, case_no="R9-00900")
    chk.mark_rest_ok(rs, ctx.check.id)
    chk.complete_check(rs, ctx.check.id, checked_on=D(2027, 5, 11))
    assert sr.inspection_coverage(rs, D(2027, 5, 1), D(2027, 5, 31)) == (1, 1)


def test_correcting_a_finished_check_is_audited(rs):
    ctx = chk.start_check(rs, case_no="R9-00100")
    chk.mark_rest_ok(rs, ctx.check.id)
    chk.complete_check(rs, ctx.check.id)
    chk.add_finding(rs, ctx.check.id, "typo", "minor")
    if rs.db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").fetchone():
        actions = [
            r[0]
            for r in rs.db.conn.execute(
                "SELECT action FROM audit_log WHERE entity = 'review_check' ORDER BY id"
            )
        ]
        assert actions == ["review.complete", "review.edit"]


def test_focused_check_needs_a_chief_and_an_unregistered_login_is_nobody(review_db):
    from inspect_tui.services.trust.permissions import PermissionDenied, save_user

    s = session_as(review_db, "S020")  # a login named like a surveyor code is not that surveyor
    with pytest.raises(PermissionDenied, match="登録されていません"):
        chk.start_check(s, case_no="R9-00100", kind="routine")
    boss = session_as(review_db, "boss")
    save_user(boss, "S020", "chief", "S020")  # registered, tied to the (non-chief) surveyor S020
    boss.close()
    assert svc.inspector_code(s) == "S020"
    with pytest.raises(svc.ReviewError, match="主任調査員が行います"):
        chk.start_check(s, case_no="R9-00100")
    ctx = chk.start_check(s, case_no="R9-00100", kind="routine")  # an ordinary inspection is fine
    assert ctx.check.kind == "routine" and ctx.check.inspector == "S020"
    s.close()


def test_queue_says_whose_draft_it_is(review_db):
    s1, s2 = session_as(review_db, "tester"), session_as(review_db, "chief2")
    chk.start_check(s1, case_no="R9-00100")
    mine = next(i for i in svc.review_queue(s1) if i.case_no == "R9-00100")
    theirs = next(i for i in svc.review_queue(s2) if i.case_no == "R9-00100")
    assert (mine.draft, mine.draft_by) == (True, "S001")
    assert (theirs.draft, theirs.draft_by) == (True, "S001")
    with pytest.raises(chk.HeldByOther) as held:  # the second chief is told who has it first
        chk.start_check(s2, case_no="R9-00100")
    assert [h.login for h in held.value.holders] == ["tester"]
    chk.start_check(s2, case_no="R9-00100", alongside=True)  # …and may start their own draft
    assert next(i for i in svc.review_queue(s2) if i.case_no == "R9-00100").draft_by == "S002"
    s1.close()
    s2.close()


def test_corrections_after_submission_show_in_the_first_ten_trend(review_db):
    """Issue 13: a form queried after it went out counts for its surveyor's trend; a city-caused
    return does not (the SLA's rule)."""
    from builders import session_as
    from inspect_tui.services.cases.steps import record_step

    boss = session_as(review_db, "boss")
    svc.sync_form_numbers(boss)
    second, third = solo_case_nos()[1], solo_case_nos()[2]
    record_step(boss, second, "query", note="特記事項の確認")
    record_step(boss, third, "return-for-fix", cause="city")
    review = sr.surveyor_review(boss, "S010")
    by_no = {f.form_no: f.corrections for f in review.forms}
    assert by_no[2] == 1 and by_no[3] == 0 and sum(by_no.values()) == 1
    line = review.corrections_line()
    assert "計 1 件" in line and "2件目 1" in line and "3件目 0" in line
    boss.close()


def test_a_followup_due_on_a_closed_day_is_due_the_next_business_day(rs):
    """Placed 2026-10-03: the 3-month follow-up falls on 2027-01-03(日), a 年末年始閉庁 Sunday, so it
    is due 2027-01-04(月) and not late that day; the 6-month one on 2027-04-03(土) moves to 04-05(月)."""
    rs.db.conn.execute(
        "UPDATE surveyors SET placed_on = '2026-10-03', hired_on = '2026-10-03' WHERE code = 'S010'"
    )
    mon, tue = D(2027, 1, 4), D(2027, 1, 5)
    (ns,) = [n for n in svc.new_surveyors(rs, mon) if n.code == "S010"]
    f3, f6 = ns.followups
    assert (f3.due, f3.business_due) == (D(2027, 1, 3), mon)
    assert (f6.due, f6.business_due) == (D(2027, 4, 3), D(2027, 4, 5))
    assert f3.due_text() == "2027-01-03(日)は閉庁日のため 2027-01-04(月)"
    assert not f3.overdue(mon) and f3.overdue(tue)
    item = next(i for i in svc.review_queue(rs, mon) if i.surveyor == "S010" and i.kind == "followup3")
    assert item.due == mon  # the queue sorts and marks it late by the business day
    assert svc.review_queue_summary(rs, D(2026, 12, 21)).followups_due == 1  # 01-04 is within 14 days

    import json

    from inspect_tui.render.formats import render
    from inspect_tui.services.review.guidance import guidance_report

    report = guidance_report(rs, "S010", allow_draft=True, issued=mon)
    followups = json.loads(render(report, "json"))["followups"]
    assert [(f["due"], f["business_due"]) for f in followups] == [
        ("2027-01-03", "2027-01-04"),  # the old key keeps the calendar date
        ("2027-04-03", "2027-04-05"),
    ]
    text = render(report, "text")  # the 予定日 column wraps after the words, at 80 columns
    assert "2027-01-03(日)は閉庁日のため" in text and "2027-01-04(月)" in text


def test_a_followup_on_a_business_day_keeps_its_date(rs):
    (ns,) = [n for n in svc.new_surveyors(rs) if n.code == "S010"]
    assert [(f.due, f.business_due) for f in ns.followups] == [
        (D(2027, 6, 1), D(2027, 6, 1)),
        (D(2027, 9, 1), D(2027, 9, 1)),
    ]
    assert ns.followups[0].due_text() == "2027-06-01(火)"


def test_the_new_surveyors_progress_reads_each_table_once_for_all_of_them(rs):
    """The Today screen's first-ten panel (new_surveyors, then the queue from them): one
    statement per table for every new surveyor together, not five per surveyor per pass
    (at 1M cases that was ~300 statements of the start-up's figures)."""
    svc.sync_form_numbers(rs)
    seen: list[str] = []
    rs.db.conn.set_trace_callback(seen.append)
    try:
        new = svc.new_surveyors(rs)
        items = svc.review_queue(rs, new=new)
    finally:
        rs.db.conn.set_trace_callback(None)
    assert {n.code for n in new} == {"S010", "S011"}
    assert [i for i in items if i.kind == "focused"]  # the queue came from what was read

    def times(fragment: str) -> int:
        return sum(fragment in q for q in seen)

    assert times("FROM review_forms f JOIN cases c") == 1  # forms 1-10 of both
    assert times("kind = 'focused' AND state = 'done'") == 1  # their finished checks
    assert times("min(checked_on)") == 1  # their follow-ups
