"""The contract's records as the manager would have kept them by today (demo only): every
deliverable due before today delivered on the last business day it could be (the latest
monthly report a few days before its due day), one liaison meeting last month with its
minutes delivered, and one training this fiscal year with its report delivered — so the
register (`deliverables list`), the meetings and the training report have something to show.

Written only when the schema has the tables (migrations 0016-0018)."""

from __future__ import annotations

import datetime as dt
import sqlite3

from inspect_tui.core import deliverables as rules
from inspect_tui.core.calendar import get_calendar
from inspect_tui.core.months import fiscal_year_of, fiscal_year_span
from inspect_tui.demo.staff import Surveyor
from inspect_tui.store.connection import utils_view

TABLES = {"deliverable_records", "meetings", "trainings", "training_attendees"}


def seed_contract(conn: sqlite3.Connection, staff: list[Surveyor], today: dt.date) -> int:
    """The meeting, the training and the deliveries; returns how many deliveries."""
    if not TABLES <= set(utils_view(conn).table_names()):
        return 0
    cal = get_calendar()
    meeting_on = cal.add_business_days(today.replace(day=1), -5)  # a weekday of last month
    stamp = f"{today.isoformat()}T08:40:00+09:00"
    cur = conn.execute(
        "INSERT INTO meetings (kind, held_on, attendees, agenda, decisions, recorded_at, who)"
        " VALUES ('liaison', ?, ?, ?, ?, ?, 'demo-manager')",
        (
            meeting_on.isoformat(),
            "業務責任者、主任調査員3名、市介護保険課2名",
            "1. 期限の状況\n2. 苦情・事故\n3. 新任調査員の重点チェックの進み具合",
            "照会の多い項目（移乗・特記事項の書き方）を次の研修で扱う",
            stamp,
        ),
    )
    meeting = str(cur.lastrowid)
    start, _ = fiscal_year_span(fiscal_year_of(today))
    training_on = cal.add_business_days(max(start, today - dt.timedelta(days=60)), 1)
    if training_on < today:
        cur = conn.execute(
            "INSERT INTO trainings (held_on, title, areas, organizer, minutes, recorded_at, who) VALUES"
            " (?, '個人情報保護と接遇の研修', 'security,manners', 'contractor', 90, ?, 'demo-manager')",
            (training_on.isoformat(), stamp),
        )
        training = str(cur.lastrowid)
        conn.executemany(
            "INSERT INTO training_attendees (training_id, surveyor) VALUES (?, ?)",
            [(training, s.code) for s in staff if s.left_on is None][:40],
        )
        events = {"liaison_meeting": [(meeting, meeting_on)], "training": [(training, training_on)]}
    else:
        events = {"liaison_meeting": [(meeting, meeting_on)]}
    rows = []
    for occ in rules.occurrences(rules.load(), cal, events):
        if occ.due is None or occ.deliver_by is None or occ.due >= today:
            continue
        on = min(occ.deliver_by, today - dt.timedelta(days=1))
        if occ.deliverable.when == "monthly":
            on = cal.add_business_days(occ.deliver_by, -2)  # a little before its due day
        rows.append((occ.id, on.isoformat(), "", f"{on.isoformat()}T16:00:00+09:00", "demo-manager"))
    conn.executemany(
        "INSERT INTO deliverable_records (occurrence, delivered_on, note, recorded_at, who)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)
