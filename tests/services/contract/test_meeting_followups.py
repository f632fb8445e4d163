"""A meeting's follow-ups as problems (issue 15 item 2): an owner and a due date, linked to
the meeting, in one transaction with it; kept through a correction; in the minutes and in
the problems list (会議N). A chief records only the meetings they attend. Today: 2027-06-15."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from inspect_tui.render.formats import render
from inspect_tui.services.contract import meetings as svc
from inspect_tui.services.quality.input import QualityInputError
from inspect_tui.services.quality.problems import list_problems
from inspect_tui.services.trust.permissions import PermissionDenied

D = dt.date


def test_follow_ups_are_problems_linked_to_the_meeting_and_printed_with_the_minutes(session):
    todo = [
        svc.FollowUp("研修を企画する", "主任S001", D(2027, 7, 31)),
        svc.parse_followup("照会を集計|業務責任者|R9.6.30"),
    ]
    m = svc.add_meeting(session, "liaison", D(2027, 6, 3), "業務責任者、市2名", "研修で扱う", followups=todo)
    problems = {p.title: p for p in list_problems(session, open_only=True)}
    assert set(problems) == {"研修を企画する", "照会を集計"}
    p = problems["照会を集計"]
    assert (p.owner, p.due_on, p.opened_on, p.links_label) == (
        "業務責任者",
        D(2027, 6, 30),
        D(2027, 6, 3),
        f"会議{m.id}",
    )
    extra = svc.add_followup(session, m.id, "議事録を配る", "事務", D(2027, 6, 17))
    fixed = svc.correct_meeting(session, m.id, decisions="研修で扱う（訂正）")
    _, records, follow = svc.meeting(session, fixed.id)
    assert [r.id for r in records] == [m.id, fixed.id]
    assert [f.title for f in follow] == ["研修を企画する", "照会を集計", "議事録を配る"] and follow[
        -1
    ].id == extra
    minutes = svc.minutes(session, m.id)
    data = minutes.to_json()
    assert data["id"] == fixed.id and [f["title"] for f in data["followups"]] == [f.title for f in follow]
    text = render(minutes, "text")
    assert "4. 今後の対応（課題として管理）" in text and "2027-07-31" in text
    later = svc.add_followup(session, m.id, "次回の日程", "業務責任者", D(2027, 7, 1))
    assert next(p for p in list_problems(session) if p.id == later).links == (("meeting", fixed.id),)


def test_a_bad_follow_up_saves_neither_the_meeting_nor_any_follow_up(session):
    todo = [svc.FollowUp("研修を企画する", "主任", D(2027, 7, 31)), svc.FollowUp("x", "y", D(2027, 5, 1))]
    with pytest.raises(QualityInputError, match="期限"):  # due before the meeting
        svc.add_meeting(session, "internal", D(2027, 6, 3), "業務責任者", followups=todo)
    for table in ("meetings", "problems", "problem_links"):
        assert session.db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    with pytest.raises(svc.MeetingError, match=re.escape("「課題|主担当|期限」の形")):
        svc.parse_followup("研修を企画|主任")
    with pytest.raises(svc.MeetingError, match="期限"):
        svc.parse_followup("研修を企画|主任|来週")
    with pytest.raises(svc.MeetingError, match="会議 99 の記録はありません"):
        svc.add_followup(session, 99, "x", "y", D(2027, 7, 1))


def test_a_chief_records_only_the_meetings_they_attend(fx, as_user):
    as_user("chika")  # chief S001, 佐藤 主任
    with pytest.raises(PermissionDenied, match="自分が出席した会議"):
        svc.add_meeting(fx, "internal", D(2027, 6, 1), "業務責任者、主任S002")
    assert fx.db.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 0
    by_code = svc.add_meeting(fx, "internal", D(2027, 6, 1), "業務責任者、主任 S001")
    by_name = svc.add_meeting(fx, "internal", D(2027, 6, 2), "業務責任者、佐藤主任")
    with pytest.raises(PermissionDenied, match="自分が出席した会議"):
        svc.correct_meeting(fx, by_name.id, attendees="業務責任者のみ")
    as_user("tester")  # a manager records any meeting
    other = svc.add_meeting(fx, "internal", D(2027, 6, 3), "業務責任者、主任S002")
    as_user("chika")
    with pytest.raises(PermissionDenied, match="自分が出席した会議"):
        svc.add_followup(fx, other.id, "x", "y", D(2027, 7, 1))
    assert svc.add_followup(fx, by_code.id, "研修の準備", "S001", D(2027, 7, 1))
    as_user("mona")
    with pytest.raises(PermissionDenied, match="会議"):
        svc.add_followup(fx, 999, "", "", D(2000, 1, 1))  # the permission before the input


def test_cli_followups_and_show(cli, session):
    session.close()
    code, out, _ = cli(
        "meeting",
        "add",
        "--kind",
        "liaison",
        "--on",
        "2027-06-10",
        "--attendees",
        "業務責任者",
        "--followup",
        "研修を企画|主任S001|2027-07-31",
        "--followup",
        "照会の集計|業務責任者|2027-06-30",
    )
    assert code == 0 and "今後の対応 2 件を課題として記録しました" in out
    code, out, _ = cli(
        "meeting", "followup", "1", "--title", "配布", "--owner", "事務", "--due", "2027-06-20"
    )
    assert code == 0 and "課題 3 として記録しました" in out
    code, out, _ = cli("meeting", "correct", "1", "--decisions", "訂正")
    code, out, _ = cli("meeting", "show", "1")
    assert code == 0 and "記録の訂正 1 → 2" in out and "課題1 研修を企画（主任 主任S001" not in out
    assert "課題1 研修を企画（主担当 主任S001、期限 2027-07-31、未着手）" in out
    code, out, _ = cli("meeting", "show", "2", "--format", "json")
    data = json.loads(out)
    assert [f["problem"] for f in data["followups"]] == [1, 2, 3] and data["id"] == 2
    code, out, _ = cli("problem", "list")
    assert code == 0 and "会議1" in out
    code, _, err = cli(
        "meeting", "add", "--kind", "internal", "--on", "2027-06-10", "--attendees", "x", "--followup", "だめ"
    )
    assert code == 2 and "課題|主担当|期限" in err
    code, _, err = cli(
        "meeting",
        "add",
        "--kind",
        "internal",
        "--on",
        "2027-06-10",
        "--attendees",
        "x",
        "--followup",
        "遅い|私|2027-06-01",
    )
    assert code == 2 and "今後の対応（課題）: 期限" in err
    code, _, err = cli("meeting", "show", "42")
    assert code == 2 and "会議 42 の記録はありません" in err
