"""A small review database: today is 2027-06-15.

Chiefs S001 (佐藤, login 'tester') and S002 (伊藤, login 'chief2'); new surveyor
S010 (鈴木, placed 2027-03-01) with 2 cases accompanied by S001 and 12 solo
visits (R9-00100.., the first solo on 2027-03-15; the 3rd and 4th on the same day); a veteran S020; new
surveyor S011 placed 2027-06-01 with no visits yet. Manager login 'boss'.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from inspect_tui.services.config import Config
from inspect_tui.services.session import Session, open_session
from inspect_tui.store.cases import case_row, insert_cases

D = dt.date
NOW = "2027-06-15T09:00:00+09:00"

SURVEYORS = [
    ("S001", "佐藤 主任", "2010-04-01", 1),
    ("S002", "伊藤 主任", "2012-04-01", 1),
    ("S010", "鈴木 新人", "2027-03-01", 0),
    ("S011", "山本 新人", "2027-06-01", 0),
    ("S020", "田中 経験", "2018-04-01", 0),
]


def solo_case_nos() -> list[str]:
    return [f"R9-{100 + i:05d}" for i in range(12)]


def build(path: Path) -> Path:
    s = open_session(path, Config())
    conn = s.db.conn
    with conn:
        for code, name, placed, chief in SURVEYORS:
            conn.execute(
                "INSERT INTO surveyors (code, name, qualification, placed_on, hired_on, is_chief, wards)"
                " VALUES (?, ?, 'care_manager', ?, ?, ?, '長田区')",
                (code, name, placed, placed, chief),
            )
        conn.execute("DELETE FROM users")
        for login, role, code in (
            ("tester", "chief", "S001"),
            ("chief2", "chief", "S002"),
            ("boss", "manager", None),
            ("suzuki", "chief", "S010"),
        ):
            conn.execute(
                "INSERT INTO users (login, role, surveyor_code, created_at) VALUES (?, ?, ?, ?)",
                (login, role, code, NOW),
            )
    cal = s.calendar
    rows = []
    # two accompanied visits first
    for i, day in enumerate((D(2027, 3, 3), D(2027, 3, 5))):
        rows.append(_case(f"R9-{50 + i:05d}", day, "S010", cal, accompanied="S001"))
    # twelve solo visits; 3rd and 4th on the same day (tie -> case number)
    day = D(2027, 3, 10)
    for i, no in enumerate(solo_case_nos()):
        visit = day if i == 3 else cal.add_business_days(day, 3)
        day = visit
        rows.append(_case(no, visit, "S010", cal, submitted=i < 4))
    rows.append(_case("R9-00900", D(2027, 5, 10), "S020", cal, submitted=True))
    with conn:
        insert_cases(s.db, rows)
    s.close()
    return path


def _case(no, visit, surveyor, cal, *, accompanied=None, submitted=False):
    received = cal.add_business_days(visit, -3)
    fields = {
        "case_no": no,
        "application": "新規",
        "ward": "長田区",
        "applicant_name": "試験 花子",
        "insured_no": "9900000001",
        "received_on": received,
        "dispatched_on": received,
        "surveyor": surveyor,
        "accompanied_by": accompanied,
        "contacted_on": cal.add_business_days(received, 1),
        "visited_on": visit,
    }
    if submitted:
        fields["submitted_on"] = cal.add_business_days(visit, 2)
    return case_row(fields, cal, NOW)


def session_as(path: Path, login: str) -> Session:
    s = open_session(path, Config())
    s.who = login
    return s
