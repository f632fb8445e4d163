"""Guidance tied to findings and whether it took (issue 17 item 2): a finding carries the
guidance given for it; later checks of the same surveyor list it until one marks it 改善;
the chief confirms the record once form 10 is checked."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from builders import session_as, solo_case_nos
from inspect_tui.core import review as rules
from inspect_tui.core.today import today_jp
from inspect_tui.services.review import check as chk
from inspect_tui.services.review import queue as svc
from inspect_tui.services.review import surveyor as sr
from inspect_tui.services.review.followthrough import points_for_check
from inspect_tui.services.trust.permissions import PermissionDenied, save_user

POINTS = rules.POINT_IDS


def _start(s, n: int):
    return chk.start_check(s, case_no=solo_case_nos()[n - 1])


def _finish(s, ctx, findings=()):
    """findings: (point, severity, guidance) on this form; the rest OK."""
    cid = ctx.check.id
    made = []
    for p in POINTS:
        mine = [f for f in findings if f[0] == p]
        if not mine:
            chk.set_point(s, cid, p, "ok")
        for _, sev, guidance in mine:
            rec = chk.add_finding(s, cid, p, sev, "2-1", "移乗の特記と選択が合わない")
            fid = rec.findings[-1].id
            if guidance:
                chk.edit_finding(s, cid, fid, guidance=guidance)
            made.append(fid)
    chk.complete_check(s, cid, minutes=10)
    return made


def test_a_finding_carries_its_guidance_dated_today(rs):
    ctx = _start(rs, 1)
    rec = chk.add_finding(rs, ctx.check.id, "choice_note", "fix", "2-1", "メモ")
    fid = rec.findings[0].id
    rec = chk.edit_finding(rs, ctx.check.id, fid, guidance="特記事項に介助の頻度を書く")
    f = rec.findings[0]
    assert f.guidance == "特記事項に介助の頻度を書く" and f.guidance_on == today_jp()
    # a day given explicitly is kept; a day to come is refused
    rec = chk.edit_finding(rs, ctx.check.id, fid, guidance_on=dt.date(2027, 3, 20))
    assert rec.findings[0].guidance_on == dt.date(2027, 3, 20)
    with pytest.raises(svc.ReviewError, match="先の日付"):
        chk.edit_finding(rs, ctx.check.id, fid, guidance_on=today_jp() + dt.timedelta(days=1))


def test_later_forms_list_the_point_until_it_is_marked_improved(rs):
    first = _finish(rs, _start(rs, 1), [("choice_note", "fix", "選択の根拠を特記に書く")])
    assert len(first) == 1
    fid = first[0]

    # form 2: the point is listed as not yet looked at; the chief says guidance continues
    two = _start(rs, 2)
    listed = points_for_check(rs, two.check)
    assert [(p.id, p.where, p.state, p.mine) for p in listed] == [(fid, "1件目", "open", None)]
    assert listed[0].finding.guidance == "選択の根拠を特記に書く"
    rec = chk.set_follow(rs, two.check.id, fid, "continue")
    assert rec.follows == {fid: "continue"}
    _finish(rs, two)

    # form 3: still listed (継続指導 at 2件目); marked improved
    three = _start(rs, 3)
    [p] = points_for_check(rs, three.check)
    assert (p.state, p.state_text) == ("continue", "継続指導（2件目）")
    chk.set_follow(rs, three.check.id, fid, "improved")
    # while the check is open the look can be withdrawn and given again
    assert chk.set_follow(rs, three.check.id, fid, None).follows == {}
    chk.set_follow(rs, three.check.id, fid, "improved")
    _finish(rs, three)

    # form 4: nothing left to look at
    four = _start(rs, 4)
    assert points_for_check(rs, four.check) == []
    with pytest.raises(svc.ReviewError, match="一覧にありません"):
        chk.set_follow(rs, four.check.id, fid, "continue")

    r = sr.surveyor_review(rs, "S010")
    [gp] = r.points
    assert (gp.state, gp.state_text) == ("improved", "改善（3件目）")
    assert r.follow_counts() == {"improved": 1, "continue": 0, "open": 0}
    assert r.follow_line() == "指導の改善状況: 改善 1・継続指導 0・未確認 0（指摘 1 件）"
    assert r.open_points() == []


def test_a_look_is_only_for_the_checks_that_follow_guidance(rs, review_db):
    fid = _finish(rs, _start(rs, 1), [("typo", "minor", "")])[0]
    # a post-submission finding on the same form is a check that does not look again
    post = chk.start_check(rs, case_no=solo_case_nos()[0], kind="post", post_source="query")
    with pytest.raises(svc.ReviewError, match="記録しません"):
        chk.set_follow(rs, post.check.id, fid, "improved")
    with pytest.raises(rules.ReviewRuleError, match="使えません"):
        chk.set_follow(rs, _start(rs, 2).check.id, fid, "better")  # not an outcome


def test_another_chiefs_draft_and_a_monitor_cannot_mark(review_db, rs):
    fid = _finish(rs, _start(rs, 1), [("typo", "minor", "")])[0]
    two = _start(rs, 2)
    other = session_as(review_db, "chief2")
    with pytest.raises(svc.ReviewError, match="ほかの人の点検"):
        chk.set_follow(other, two.check.id, fid, "improved")
    other.close()
    rs.db.conn.execute("UPDATE users SET role = 'monitor' WHERE login = 'tester'")
    with pytest.raises(PermissionDenied):
        chk.set_follow(rs, two.check.id, fid, "improved")
    assert rs.db.conn.execute("SELECT count(*) FROM review_followthrough").fetchone()[0] == 0


def test_a_look_changed_after_the_check_is_finished_is_audited(rs):
    fid = _finish(rs, _start(rs, 1), [("typo", "minor", "")])[0]
    two = _start(rs, 2)
    chk.set_follow(rs, two.check.id, fid, "continue")
    _finish(rs, two)
    before = rs.db.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'review.edit'").fetchone()[0]
    chk.set_follow(rs, two.check.id, fid, "improved")
    rows = rs.db.conn.execute(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'review.edit' ORDER BY id"
    ).fetchall()
    assert len(rows) == before + 1
    before_json, after_json = (json.loads(x) for x in rows[-1])
    assert [fid, "continue"] in before_json["follows"] and [fid, "improved"] in after_json["follows"]


def _check_ten(s, findings_by_form):
    for n in range(1, 11):
        ctx = _start(s, n)
        for p in points_for_check(s, ctx.check):
            chk.set_follow(s, ctx.check.id, p.id, "improved")
        _finish(s, ctx, findings_by_form.get(n, ()))


def test_aspect_chart_counts_findings_per_aspect_and_form(rs):
    # by hand: typo on forms 1 (x2) and 3; omission on form 2; nothing after form 3
    _check_ten(
        rs,
        {
            1: [("typo", "minor", "漢字を確かめる"), ("typo", "fix", "")],
            2: [("omission", "fix", "選択漏れを見直す")],
            3: [("typo", "minor", "")],
        },
    )
    r = sr.surveyor_review(rs, "S010")
    rows = {pid: (cells, total) for pid, cells, total in r.aspect_rows()}
    assert rows["typo"] == ([2, 0, 1, 0, 0, 0, 0, 0, 0, 0], 3)
    assert rows["omission"] == ([0, 1, 0, 0, 0, 0, 0, 0, 0, 0], 1)
    assert rows["wording"] == ([0] * 10, 0)
    assert rules.aspect_line(rows["typo"][0]) == "2 . 1 . . . . . . ."
    # every finding was marked improved at the next form
    states = [p.state_text for p in r.points]
    assert states == ["改善（2件目）", "改善（2件目）", "改善（3件目）", "改善（4件目）"]


def test_unchecked_forms_show_as_not_checked_in_the_chart(rs):
    _finish(rs, _start(rs, 1), [("typo", "minor", "")])
    r = sr.surveyor_review(rs, "S010")
    cells = next(c for pid, c, _ in r.aspect_rows() if pid == "typo")
    assert cells == [1, *([None] * 9)]
    assert rules.aspect_line(cells) == "1 - - - - - - - - -"


def test_confirmation_needs_form_ten_and_a_chief_and_is_append_only(review_db, rs):
    _finish(rs, _start(rs, 1), [("typo", "minor", "")])
    with pytest.raises(svc.ReviewError, match="1/10"):
        sr.confirm_review(rs, "S010")
    _check_ten_rest(rs)
    boss = session_as(review_db, "boss")  # a manager without a surveyor code
    with pytest.raises(svc.ReviewError, match="調査員コード"):
        sr.confirm_review(boss, "S010")
    boss.close()
    c = sr.confirm_review(rs, "S010", on=dt.date(2027, 5, 20))
    assert (c.chief, c.confirmed_on, c.checked) == ("S001", dt.date(2027, 5, 20), 10)
    assert c.chief_name == "佐藤 主任"
    again = sr.confirm_review(rs, "S010")
    r = sr.surveyor_review(rs, "S010")
    assert [x.id for x in r.confirmations] == [c.id, again.id] and r.confirmation == again
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        rs.db.conn.execute("UPDATE review_confirmations SET confirmed_on = '2027-01-01'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        rs.db.conn.execute("DELETE FROM review_confirmations")


def _check_ten_rest(s):
    for n in range(2, 11):
        ctx = _start(s, n)
        for p in points_for_check(s, ctx.check):
            chk.set_follow(s, ctx.check.id, p.id, "improved")
        _finish(s, ctx)


def test_a_monitor_cannot_confirm(rs):
    rs.db.conn.execute("UPDATE users SET role = 'monitor' WHERE login = 'tester'")
    with pytest.raises(PermissionDenied):
        sr.confirm_review(rs, "S010")


def test_the_guidance_report_carries_each_findings_guidance_and_whether_it_took(rs):
    from inspect_tui.render.formats import render
    from inspect_tui.services.review.guidance import guidance_report

    fid = _finish(rs, _start(rs, 1), [("choice_note", "fix", "介助の頻度を書く 9900000001 のように")])[0]
    two = _start(rs, 2)
    chk.set_follow(rs, two.check.id, fid, "continue")
    _finish(rs, two, [("typo", "minor", "")])
    three = _start(rs, 3)
    chk.set_follow(rs, three.check.id, fid, "improved")
    _finish(rs, three)

    report = guidance_report(rs, "S010", allow_draft=True)
    text = render(report, "text")
    assert "指導の改善状況: 改善 1・継続指導 0・未確認 1（指摘 2 件）" in text
    assert "改善（3件目）" in text and "継続指導" in text
    # what the chief typed is masked in print: ten digits look like an insured number
    assert "9900000001" not in text and "介助の頻度を書く ＊＊＊" in text
    data = report.to_json()
    assert data["version"] == 2 and data["followthrough"] == {"improved": 1, "continue": 0, "open": 1}
    f1 = data["forms"][0]["points"]["choice_note"]["findings"][0]
    assert f1["followthrough"]["state"] == "improved"
    assert [x["outcome"] for x in f1["followthrough"]["looked_at"]] == ["continue", "improved"]
    assert f1["guidance_on"] == today_jp().isoformat()
    assert [p["where"] for p in data["open_points"]] == ["2件目"]
    typo = next(a for a in data["trend"]["by_aspect"] if a["point"] == "typo")
    assert typo["per_form"] == [0, 1, 0, *([None] * 7)] and typo["total"] == 1
    assert data["confirmation"] is None


def test_only_a_chief_surveyor_confirms(review_db, rs):
    _check_ten(rs, {})
    boss = session_as(review_db, "boss")
    save_user(boss, "vet", "chief", "S020")
    boss.close()
    vet = session_as(review_db, "vet")  # a chief's role, but S020 is not a chief surveyor
    with pytest.raises(svc.ReviewError, match="主任調査員が記録します"):
        sr.confirm_review(vet, "S010")
    vet.close()
    assert sr.surveyor_review(rs, "S010").confirmations == []
