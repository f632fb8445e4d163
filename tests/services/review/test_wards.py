"""Chiefs' wards (issue 17 item 8): a chief checks the forms of their own wards unless a
manager assigns otherwise (help across wards, seed 001 §3(4)); the rule is config data."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from builders import session_as, solo_case_nos
from inspect_tui.core import records
from inspect_tui.services.config import Config, read_config
from inspect_tui.services.review import assignments as asg
from inspect_tui.services.review import check as chk
from inspect_tui.services.review import queue as svc
from inspect_tui.services.review import wards
from inspect_tui.services.trust.permissions import PermissionDenied

D = dt.date
FORM = solo_case_nos()[0]  # R9-00100, S010's form 1, ward 長田区


@pytest.fixture
def suma(review_db):
    """Chief S002 (login chief2) moved to 須磨区; S010's forms and wards stay 長田区."""
    conn = sqlite3.connect(review_db)
    with conn:
        conn.execute("UPDATE surveyors SET wards = '須磨区' WHERE code = 'S002'")
    conn.close()
    s = session_as(review_db, "chief2")
    yield s
    s.close()


@pytest.fixture
def boss(review_db):
    s = session_as(review_db, "boss")
    yield s
    s.close()


def _mine(s) -> set[tuple[str, str]]:
    return {(i.kind, i.case_no or i.surveyor) for i in svc.review_queue(s) if i.kind != "blind"}


def test_a_chief_sees_and_starts_the_forms_of_their_own_ward(rs):
    assert len([i for i in svc.review_queue(rs) if i.kind == "focused"]) == 10
    ctx = chk.start_check(rs, case_no=FORM)
    assert ctx.check.kind == "focused"


def test_another_wards_forms_are_not_listed_and_refused_naming_both_wards(suma):
    assert _mine(suma) == set()
    with pytest.raises(svc.ReviewError) as exc:
        chk.start_check(suma, case_no=FORM)
    msg = str(exc.value)
    assert msg == (
        f"{FORM} は長田区の調査票です。担当区は須磨区です。業務責任者に応援の割り当てを依頼してください"
    )
    with pytest.raises(
        svc.ReviewError, match="鈴木 新人（S010）は長田区の調査員です。担当区は須磨区です。業務責任者に応援"
    ):
        chk.start_check(suma, kind="followup3", surveyor="S010")
    assert suma.db.conn.execute("SELECT count(*) FROM review_checks").fetchone()[0] == 0
    assert not wards.may_check(suma, "focused", case=svc.store.case_by_no(suma.db, FORM))


def test_the_queue_counts_what_it_leaves_out(suma, boss, rs):
    assert svc.outside_wards(suma) == 14  # S010's 10 forms and 2 follow-ups, S011's 2 follow-ups
    asg.assign(boss, "S002", case_no=FORM, reason="応援")
    assert svc.outside_wards(suma) == 13
    assert svc.outside_wards(boss) == 0 and svc.outside_wards(rs) == 0


def test_an_assigned_form_is_listed_and_may_be_checked(suma, boss):
    aid = asg.assign(boss, "S002", case_no=FORM, reason="長田区の主任が研修のため")
    assert _mine(suma) == {("focused", FORM)}
    ctx = chk.start_check(suma, case_no=FORM)
    assert ctx.check.inspector == "S002"
    with pytest.raises(svc.ReviewError, match="担当区は須磨区です"):  # one form, not the follow-ups
        chk.start_check(suma, kind="followup3", surveyor="S010")
    with pytest.raises(svc.ReviewError, match="長田区の調査票です"):  # nor the surveyor's other forms
        chk.start_check(suma, case_no=solo_case_nos()[1])
    row = boss.db.conn.execute(
        "SELECT who, action, after_json FROM audit_log WHERE entity = 'review_assignment' AND key = ?",
        (str(aid),),
    ).fetchone()
    assert row[0] == "boss" and row[1] == "review.assign"
    assert json.loads(row[2])["chief"] == "S002"


def test_a_surveyors_whole_review_covers_forms_and_follow_ups(suma, boss):
    asg.assign(boss, "S002", surveyor="S010", reason="応援", until_on=D(2027, 6, 30))
    items = _mine(suma)
    assert len([k for k, _ in items if k == "focused"]) == 10
    assert ("followup3", "S010") in items and ("followup3", "S011") not in items
    assert chk.start_check(suma, kind="followup3", surveyor="S010").check.kind == "followup3"


def test_an_ended_assignment_is_refused_again(suma, boss):
    aid = asg.assign(boss, "S002", case_no=FORM, reason="応援")
    ended = asg.end_assignment(boss, aid, "長田区の主任が戻った")
    assert ended.ended_at is not None and ended.ended_by == "boss"
    assert _mine(suma) == set()
    with pytest.raises(svc.ReviewError, match="応援の割り当てを依頼"):
        chk.start_check(suma, case_no=FORM)
    with pytest.raises(svc.ReviewError, match="終えています"):
        asg.end_assignment(boss, aid)
    assert [a.id for a in asg.list_assignments(boss)] == [aid]  # still on record


def test_an_assignment_is_in_force_only_in_its_days(suma, boss):
    asg.assign(boss, "S002", case_no=FORM, reason="応援", from_on=D(2027, 6, 1), until_on=D(2027, 6, 14))
    asg.assign(boss, "S002", case_no=solo_case_nos()[1], reason="応援", from_on=D(2027, 6, 16))
    assert _mine(suma) == set()  # today is 2027-06-15


def test_a_manager_is_not_bound(boss):
    conn = boss.db.conn
    with conn:
        conn.execute("UPDATE surveyors SET wards = '須磨区'")
    assert wards.scope(boss) == wards.UNBOUND
    assert len([i for i in svc.review_queue(boss) if i.kind == "focused"]) == 10


def test_config_any_lets_every_chief_check_every_form(suma):
    suma.config = records.replace(suma.config, chiefs_check="any")
    assert len([i for i in svc.review_queue(suma) if i.kind == "focused"]) == 10
    assert chk.start_check(suma, case_no=FORM).check.kind == "focused"


def test_routine_inspections_and_blind_checks_are_not_bound(suma):
    ctx = chk.start_check(suma, case_no="R9-00900")  # S020's form, not numbered: routine
    assert ctx.check.kind == "routine"


def test_the_config_key_is_checked():
    config, problems = read_config('[review]\nchiefs_check = "any"\n')
    assert config.chiefs_check == "any" and problems == []
    assert Config().chiefs_check == "own_wards"
    _, problems = read_config('[review]\nchiefs_check = "all"\nnope = 1\n')
    assert problems == [
        "<config>:2: review.chiefs_check: own_wards / any のどれかにしてください",
        "<config>:3: review.nope: 知らないキーです（使えるキー: chiefs_check）",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"chief": "S002", "case_no": FORM}, "理由を書いてください"),
        ({"chief": "S010", "case_no": FORM, "reason": "x"}, "S010 は主任調査員ではありません"),
        ({"chief": "S002", "case_no": FORM, "surveyor": "S010", "reason": "x"}, "どちらか一つ"),
        ({"chief": "S002", "case_no": "NOPE", "reason": "x"}, "NOPE は見つかりません"),
        ({"chief": "S002", "surveyor": "S002", "reason": "x"}, "自分の調査票は点検できません"),
        (
            {
                "chief": "S002",
                "case_no": FORM,
                "reason": "x",
                "from_on": D(2027, 7, 1),
                "until_on": D(2027, 6, 1),
            },
            "より前です",
        ),
        ({"chief": "S002", "case_no": FORM, "reason": "a\x1bb"}, "制御文字"),
    ],
)
def test_an_assignment_that_cannot_be_is_refused_plainly(boss, kwargs, message):
    with pytest.raises(svc.ReviewError, match=message):
        asg.assign(boss, **kwargs)
    assert boss.db.conn.execute("SELECT count(*) FROM review_assignments").fetchone()[0] == 0


def test_only_a_manager_assigns(suma):
    with pytest.raises(PermissionDenied, match="担当区外の点検（応援）の割り当て"):
        asg.assign(suma, "S002", case_no=FORM, reason="自分で")


def test_assignments_are_append_only(boss):
    aid = asg.assign(boss, "S002", case_no=FORM, reason="応援")
    conn = boss.db.conn
    for sql in ("UPDATE review_assignments SET chief = 'S001'", "DELETE FROM review_assignments"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    assert asg.list_assignments(boss)[0].id == aid


def test_a_reason_that_looks_like_personal_data_is_warned_about(boss):
    warnings = asg.reason_warnings(boss, "被保険者 1234567890 の件", FORM)
    assert [w.label for w in warnings] == ["理由"]
