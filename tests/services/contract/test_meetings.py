"""Meetings (issue 15 item 2): recorded after they are held, the agenda prefilled from the
period's figures, a liaison meeting's minutes due 14 days later, corrections as new records."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from builders import COMPLAINT, INCIDENT
from inspect_tui.render.formats import render
from inspect_tui.services.contract import deliverables as dsvc
from inspect_tui.services.contract import meetings as svc
from inspect_tui.services.quality.complaints import save_complaint
from inspect_tui.services.quality.incidents import save_incident
from inspect_tui.services.trust.permissions import PermissionDenied

D = dt.date


def test_the_agenda_counts_the_period_since_the_last_meeting(qs):
    save_complaint(qs, COMPLAINT)  # received 2027-06-14
    save_incident(qs, INCIDENT)  # 2027-06-10
    lines = svc.agenda_lines(qs, "internal", D(2027, 6, 15))
    assert lines[0] == "対象期間: 2027-05-16〜2027-06-15"  # no earlier meeting: the last 30 days
    assert "2. 苦情: 1 件（重大 0 件）" in lines and "3. 事故・インシデント: 1 件" in lines
    assert "4. 未完了の課題: 0 件（期限超過 0 件）" in lines
    assert lines[-1] == "5. 新任調査員の重点チェック: 対象者なし"
    svc.add_meeting(qs, "internal", D(2027, 6, 12), "業務責任者、主任3名", "記入漏れの研修を行う")
    # after a meeting on 06-12, the next one's period starts on 06-13: the incident of 06-10 is out
    lines = svc.agenda_lines(qs, "internal", D(2027, 6, 15))
    assert lines[0].startswith("対象期間: 2027-06-13〜2027-06-15")
    assert "3. 事故・インシデント: 0 件" in lines and "2. 苦情: 1 件（重大 0 件）" in lines
    # the other kind's period is its own
    assert svc.agenda_lines(qs, "liaison", D(2027, 6, 15))[0] == "対象期間: 2027-05-16〜2027-06-15"


def test_a_recorded_meeting_keeps_the_prefilled_agenda_unless_one_is_typed(session):
    m = svc.add_meeting(session, "internal", D(2027, 6, 1), "業務責任者")
    assert m.agenda.startswith("対象期間: ") and "1. 期限の状況" in m.agenda
    typed = svc.add_meeting(session, "internal", D(2027, 6, 2), "業務責任者", agenda="苦情の振り返り")
    assert typed.agenda == "苦情の振り返り"


def test_a_liaison_meeting_makes_its_minutes_due_14_days_later(session):
    m = svc.add_meeting(session, "liaison", D(2027, 6, 3), "業務責任者、市担当", "次回は7月")
    rows = {r.occ.id: r for r in dsvc.deliverables(session, D(2027, 6, 15))}
    minutes = rows[f"liaison-minutes:{m.id}"]
    assert minutes.occ.due == D(2027, 6, 17) and minutes.status == "due_soon"
    assert rows[f"liaison-materials:{m.id}"].occ.due == D(2027, 6, 3)
    assert "liaison-minutes" not in rows  # no longer 随時 once a meeting is recorded
    dsvc.record_delivery(session, f"liaison-minutes:{m.id}", D(2027, 6, 14))
    assert {r.occ.id: r for r in dsvc.deliverables(session)}[f"liaison-minutes:{m.id}"].status == "done"


def test_a_correction_is_a_new_record_and_the_first_stays(session):
    first = svc.add_meeting(session, "liaison", D(2027, 6, 3), "業務責任者", "次回は7月")
    fixed = svc.correct_meeting(session, first.id, on=D(2027, 6, 4), decisions="次回は7月10日")
    assert fixed.replaces == first.id and fixed.held_on == D(2027, 6, 4)
    assert [(m.id, m.decisions) for m in svc.meetings(session)] == [(fixed.id, "次回は7月10日")]
    assert session.db.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 2
    # the minutes of the first id print the record as corrected
    assert "次回は7月10日" in render(svc.minutes(session, first.id), "text")
    with pytest.raises(svc.MeetingError, match=f"{fixed.id} で訂正済み"):
        svc.correct_meeting(session, first.id, decisions="別の訂正")
    # the minutes deliverable follows the corrected day and keeps one entry per meeting
    ids = [r.occ.id for r in dsvc.deliverables(session) if r.occ.deliverable.id == "liaison-minutes"]
    assert ids == [f"liaison-minutes:{fixed.id}"]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        session.db.conn.execute("UPDATE meetings SET decisions = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        session.db.conn.execute("DELETE FROM meetings")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("party", D(2027, 6, 1), "x"), "会議の種類「party」"),
        (("internal", D(2027, 6, 16), "x"), "先の日付"),
        (("internal", D(2027, 6, 1), "  "), "出席者を書いてください"),
        (("internal", D(2027, 6, 1), "x", "あ" * 4001), "決定事項が長すぎます"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(session, args, says):
    with pytest.raises(svc.MeetingError, match=says):
        svc.add_meeting(session, *args)
    assert session.db.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 0


def test_a_monitor_may_not_record_and_is_asked_before_the_input(fx, as_user):
    as_user("mona")
    with pytest.raises(PermissionDenied, match="会議"):
        svc.add_meeting(fx, "party", D(2030, 1, 1), "")  # bad input: the permission comes first
    with pytest.raises(PermissionDenied, match="会議"):
        svc.correct_meeting(fx, 1, decisions="x")
    as_user("chika")  # a chief records the meetings they attend
    assert svc.add_meeting(fx, "internal", D(2027, 6, 1), "主任 S001").id


def test_the_minutes_mask_personal_data_and_print_in_every_format(session):
    m = svc.add_meeting(session, "liaison", D(2027, 6, 3), "業務責任者", "被保険者番号 9900000001 の件を確認")
    doc = svc.minutes(session, m.id)
    text = render(doc, "text")
    assert "甲乙間の連絡会議 議事録" in text and "令和9年6月3日" in text and "9900000001" not in text
    assert "監査記録の先頭ハッシュ" in text  # printed in the documents' frame, witnessed
    html = render(doc, "html")
    assert "業務責任者" in html and "9900000001" not in html
    assert doc.default_filename("pdf") == f"minutes_liaison_20270603_{m.id}.pdf"


def test_cli_meetings(cli, session):
    session.close()
    code, out, _ = cli("meeting", "agenda", "--kind", "liaison", "--on", "2027-06-15")
    assert code == 0 and out.startswith("対象期間: 2027-05-16〜2027-06-15")
    code, out, _ = cli(
        "meeting",
        "add",
        "--kind",
        "liaison",
        "--on",
        "2027-06-10",
        "--attendees",
        "業務責任者",
        "--decisions",
        "了承",
    )
    assert code == 0 and "議事録の提出期限: 2027-06-24" in out
    code, out, _ = cli("meeting", "list", "--format", "json")
    [m] = json.loads(out)
    assert code == 0 and (m["kind"], m["held_on"], m["decisions"]) == ("liaison", "2027-06-10", "了承")
    code, out, _ = cli("meeting", "minutes", str(m["id"]), "--format", "md")
    assert code == 0 and "議事録" in out
    code, out, err = cli("meeting", "add", "--kind", "internal", "--on", "2027-07-01", "--attendees", "x")
    assert code == 2 and "先の日付" in err and not out
    code, _, err = cli("meeting", "minutes", "99")
    assert code == 2 and "会議 99 の記録はありません" in err
