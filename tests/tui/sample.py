"""A small, fixed database for the screen tests: today is 2027-06-15 (a Tuesday).

Four surveyors (a chief, a new one, a non-care-manager, one whose registration
expires soon) and 40 cases spread over every state, so each panel has rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from inspect_tui.services.config import Config
from inspect_tui.services.session import open_session
from inspect_tui.store.cases import case_row, insert_cases

D = dt.date
TODAY = D(2027, 6, 15)
NOW = "2027-06-15T09:00:00+09:00"

SURVEYORS = [
    # code, name, qualification, expires_on, placed_on, is_chief
    ("S001", "佐藤 主任", "care_manager", "2030-03-31", "2015-04-01", 1),
    ("S002", "鈴木 新人", "care_manager", "2031-03-31", "2027-01-10", 0),
    ("S003", "高橋 看護", "other", None, "2020-04-01", 0),
    ("S004", "田中 期限", "care_manager", "2027-07-20", "2018-04-01", 0),
]
WARDS = ("長田区", "須磨区", "垂水区")


def build_sample(path: Path) -> Path:
    s = open_session(path, Config())
    with s.db.conn:
        for code, name, qual, expires, placed, chief in SURVEYORS:
            s.db.conn.execute(
                "INSERT INTO surveyors (code, name, qualification, expires_on, placed_on, hired_on, is_chief,"
                " wards) VALUES (?,?,?,?,?,?,?,?)",
                (code, name, qual, expires, placed, placed, chief, "長田区"),
            )
    rows = []
    cal = s.calendar
    for i in range(40):
        received = cal.add_business_days(TODAY, -(i % 20) - 1)
        fields = {
            "case_no": f"R9-{1000 + i:05d}",
            "application": ("新規", "区分変更", "更新")[i % 3],
            "ward": WARDS[i % 3],
            "applicant_name": f"試験 {'花子太郎次郎三郎'[i % 4 * 2 : i % 4 * 2 + 2]}{i}",
            "insured_no": f"99{i:08d}",
            "received_on": received,
            "dispatched_on": received,
            "urgent": i % 9 == 0,
            "surveyor": SURVEYORS[i % 4][0],
        }
        if i % 5 != 0 and received < TODAY - dt.timedelta(days=2):
            fields["contacted_on"] = cal.add_business_days(received, 1)
        if i >= 24 and "contacted_on" in fields:
            fields["visited_on"] = cal.add_business_days(received, 2)
            if i % 2 == 0:
                fields["accompanied_by"] = "S001" if i % 4 == 0 else None
        if i >= 32 and "visited_on" in fields:
            fields["submitted_on"] = cal.add_business_days(received, 4 + i % 4)
        if i == 39:
            fields.pop("submitted_on", None)
            fields["cancelled_on"] = TODAY
        rows.append(case_row(fields, cal, NOW))
    with s.db.conn:
        insert_cases(s.db, rows)
    s.close()
    return path
