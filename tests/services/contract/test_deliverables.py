"""The contract's deliverables register (issue 15 item 1): due dates computed by hand on the
municipal calendar, statuses on a day, deliveries recorded append-only by a manager only."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from inspect_tui.core import deliverables as rules
from inspect_tui.core.calendar import get_calendar
from inspect_tui.core.today import today_jp
from inspect_tui.services.contract import deliverables as svc
from inspect_tui.services.trust.permissions import PermissionDenied

D = dt.date


def _occ():
    return {o.id: o for o in rules.occurrences(rules.load(), get_calendar())}


def test_due_dates_by_hand():
    occ = _occ()
    # 令和8年12月末まで: 12-31 is in 年末年始 (12-29..01-03 closed): delivered by Mon 12-28
    assert (occ["hiring-roster"].due, occ["hiring-roster"].deliver_by) == (D(2026, 12, 31), D(2026, 12, 28))
    # the hand-over period's reports at each month end; 2027-01-31 is a Sunday
    assert [occ[f"handover-interim:2027-0{m}"].due for m in (1, 2, 3)] == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
    ]
    assert occ["handover-interim:2027-01"].deliver_by == D(2027, 1, 29)
    # April 2027's monthly report: 10 business days after 04-30; 05-01/02 weekend, 05-03..05 holidays:
    # 6,7 | 10,11,12,13,14 | 17,18,19 -> 05-19
    assert occ["monthly-report:2027-04"].due == D(2027, 5, 19)
    assert sum(1 for k in occ if k.startswith("monthly-report:")) == 36  # 2027-04 .. 2030-03
    # FY2027's annual report: 20 business days after Fri 2028-03-31 -> Fri 2028-04-28
    # (04-03..07, 10..14, 17..21, 24..28; 04-29 昭和の日 is a Saturday)
    assert occ["annual-report:FY2027"].due == D(2028, 4, 28)
    assert occ["annual-report:FY2027"].period == "令和9年度"
    # the training completion report by each fiscal year's last day
    assert occ["training-completion:FY2029"].due == D(2030, 3, 31)
    # the hand-over document at the contract's end: 2030-03-31 is a Sunday -> Fri 03-29
    assert (occ["handover-document"].due, occ["handover-document"].deliver_by) == (
        D(2030, 3, 31),
        D(2030, 3, 29),
    )
    # liaison minutes come with a meeting: 随時 until one is recorded
    assert occ["liaison-minutes"].due is None


def test_a_recorded_meeting_makes_its_minutes_due_14_days_later():
    found = rules.occurrences(rules.load(), get_calendar(), {"liaison_meeting": [("7", D(2027, 5, 12))]})
    minutes = next(o for o in found if o.deliverable.id == "liaison-minutes")
    materials = next(o for o in found if o.deliverable.id == "liaison-materials")
    assert (minutes.id, minutes.due) == ("liaison-minutes:7", D(2027, 5, 26))
    assert materials.due == D(2027, 5, 12)


@pytest.mark.parametrize(
    ("done", "today", "expected"),
    [
        (None, D(2026, 12, 1), "upcoming"),
        (None, D(2026, 12, 17), "due_soon"),  # 14 days before
        (None, D(2026, 12, 31), "due_soon"),
        (None, D(2027, 1, 1), "overdue"),
        (D(2026, 12, 25), D(2027, 1, 5), "done"),
    ],
)
def test_status_on_a_day(done, today, expected):
    assert rules.status(_occ()["hiring-roster"], done, today) == expected


def test_record_and_withdraw_a_delivery(session):
    row = svc.record_delivery(session, "hiring-roster", D(2026, 12, 25), "持参")
    assert (row.status, row.delivered_on, row.note) == ("done", D(2026, 12, 25), "持参")
    svc.withdraw_delivery(session, "hiring-roster", "別の名簿を記録した")
    row = next(r for r in svc.deliverables(session) if r.occ.id == "hiring-roster")
    assert row.delivered_on is None and row.status != "done"
    # both entries stay: nothing was overwritten
    rows = session.db.conn.execute("SELECT delivered_on FROM deliverable_records ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["2026-12-25", None]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        session.db.conn.execute("UPDATE deliverable_records SET delivered_on = '2026-12-01'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        session.db.conn.execute("DELETE FROM deliverable_records")
    actions = [
        r[0] for r in session.db.conn.execute("SELECT action FROM audit_log WHERE entity = 'deliverable'")
    ]
    assert actions == ["deliverable.done", "deliverable.withdraw"]


def test_bad_input_says_what(session):
    with pytest.raises(svc.DeliverableError, match="「nope」はありません"):
        svc.record_delivery(session, "nope", D(2026, 12, 1))
    with pytest.raises(svc.DeliverableError, match="先の日付"):
        svc.record_delivery(session, "hiring-roster", today_jp() + dt.timedelta(days=1))
    with pytest.raises(svc.DeliverableError, match="提出の記録がありません"):
        svc.withdraw_delivery(session, "hiring-roster", "理由")
    assert session.db.conn.execute("SELECT count(*) FROM deliverable_records").fetchone()[0] == 0


@pytest.mark.parametrize("login", ["chika", "mona"])  # a chief (S001) and a monitor
def test_only_a_manager_records_and_is_asked_before_the_input(fx, as_user, login):
    session = fx
    as_user(login)
    for call in (
        lambda: svc.record_delivery(session, "no-such-id", D(2030, 1, 1)),  # bad input: permission first
        lambda: svc.record_delivery(session, "hiring-roster", D(2026, 12, 1)),
        lambda: svc.withdraw_delivery(session, "hiring-roster", ""),
    ):
        with pytest.raises(PermissionDenied, match="成果物の提出の記録"):
            call()
    assert session.db.conn.execute("SELECT count(*) FROM deliverable_records").fetchone()[0] == 0


def test_a_monitor_sees_the_register_with_notes_masked(session, as_user):
    svc.record_delivery(session, "hiring-roster", D(2026, 12, 25), "番号 9900000001 の件")
    as_user("mona", "monitor")
    row = next(r for r in svc.deliverables(session) if r.occ.id == "hiring-roster")
    assert row.delivered_on == D(2026, 12, 25) and "9900000001" not in row.note


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ('[[deliverable]]\nid = "a"\nname = "x"\nwhen = "weekly"\n', "when は"),
        ('[[deliverable]]\nid = "a"\nname = "x"\nwhen = "date"\n', "on は日付"),
        ('[[deliverable]]\nid = "a"\nname = "x"\nwhen = "date"\non = 2027-01-01\nfoo = 1\n', "使えないキー"),
        (
            '[[deliverable]]\nid = "a"\nname = "x"\nwhen = "date"\non = 2027-01-01\n'
            '[[deliverable]]\nid = "a"\nname = "y"\nwhen = "date"\non = 2027-01-02\n',
            "重複",
        ),
        (
            '[[deliverable]]\nid = "a"\nname = "x"\nwhen = "monthly"\nfrom = "2027-13"\nto = "2028-01"\n',
            "from と to",
        ),
        ('[[deliverable]]\nid = "a"\nname = "x"\nwhen = "event"\nevent = "party"\n', "event は"),
        ("deliverable = [", "TOML として読めません"),
    ],
)
def test_a_bad_deliverables_file_names_the_entry(tmp_path, toml, says):
    p = tmp_path / "deliverables.toml"
    p.write_text(toml, encoding="utf-8")
    with pytest.raises(rules.DeliverablesError, match=says) as exc:
        rules.load(p)
    assert "deliverables.toml" in str(exc.value)


def test_cli_list_done_undo(cli, session):
    session.close()
    code, out, _ = cli("deliverables", "list", "--all", "--format", "json")
    data = json.loads(out)
    assert code == 0 and {"id", "name", "due", "done_on", "status"} <= set(data[0])
    ids = [d["id"] for d in data]
    assert "monthly-report:2027-04" in ids and "handover-document" in ids
    monthly = next(d for d in data if d["id"] == "monthly-report:2027-04")
    assert monthly["report"] == "inspect-tui report monthly --month 2027-04"
    annual = next(d for d in data if d["id"] == "annual-report:FY2027")
    assert annual["report"] == "inspect-tui report annual --fy 2027"
    code, out, _ = cli("deliverables", "done", "hiring-roster", "--on", "2026-11-30")
    assert code == 0 and "2026-11-30 に提出" in out
    code, out, err = cli("deliverables", "done", "no-such", "--on", "2026-11-30")
    assert code == 2 and "「no-such」はありません" in err and not out
    with pytest.raises(SystemExit) as bad_date:
        cli("deliverables", "done", "hiring-roster", "--on", "2026-13-01")
    assert bad_date.value.code == 2
    code, _, err = cli("deliverables", "undo", "hiring-roster", "--reason", "重複")
    assert code == 0
    code, out, _ = cli("deliverables", "list", "--all")
    assert code == 0 and "調査員雇用予定名簿" in out and "業務引継書" in out
    # no option can be abbreviated
    with pytest.raises(SystemExit) as abbreviated:
        cli("deliverables", "list", "--form", "json")
    assert abbreviated.value.code == 2


def test_the_today_line_counts_overdue_and_due_soon(session):
    from inspect_tui.services.contract.deliverables import deliverables_summary

    # 2026-12-20: the roster is due 12-31 (間近), nothing is late yet; next: Mon 12-28
    first = deliverables_summary(session, D(2026, 12, 20))
    assert (first.overdue, first.due_soon) == (0, 1)
    assert first.line(D(2026, 12, 20)) == "成果物 超過 0・間近 1・次 12-28(月)"
    # 2027-01-05: the roster is late; January's hand-over report is not due yet
    late = deliverables_summary(session, D(2027, 1, 5))
    assert late.line(D(2027, 1, 5)) == "成果物 超過 1・間近 0"
    svc.record_delivery(session, "hiring-roster", D(2026, 12, 28))
    assert deliverables_summary(session, D(2027, 1, 5)).overdue == 0


def test_every_report_the_register_names_is_a_report_of_the_app(session):
    from inspect_tui.services.reports.registry import KINDS

    named = {d.report for d in rules.load() if d.report}
    kinds = {n for n in named if " " not in n}
    assert kinds == {"monthly", "annual", "handover"} and kinds <= set(KINDS)
    commands = named - kinds
    assert commands == {"staff roster", "staff cards", "training report"}
    from inspect_tui.cli.main import build_parser

    parser = build_parser()
    for command in commands:  # each is a command of the app that prints (parses with --help)
        with pytest.raises(SystemExit) as shown:
            parser.parse_args([*command.split(), "--help"])
        assert shown.value.code == 0
    rows = {r.occ.id: r for r in svc.deliverables(session)}
    assert rows["training-completion:FY2027"].report == "inspect-tui training report --fy 2027"
    assert rows["id-card-ledger"].report == "inspect-tui staff cards"
