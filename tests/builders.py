"""The one test-data builder: cases, staff, logins, reviews, quality records.

Fixtures (the conftest.py files) and tests call these functions; nothing else in
tests/ inserts cases or surveyors. Each builder writes the way the app does
(``case_row`` derives the deadlines from the real calendar) and states its defaults,
so a test names only what matters to it. Expected report figures are not computed
here: each report test adds its cases and states its figures by hand.

Today is 2027-06-15 (a Tuesday) in every test (tests/conftest.py pins it).
(The TUI tests' fixed screen database, tests/tui/sample.py, belongs to the TUI tests.)
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from pathlib import Path

from inspect_tui.services.config import Config
from inspect_tui.services.session import Session, open_session
from inspect_tui.store.cases import case_row, insert_cases

D = dt.date
TODAY = D(2027, 6, 15)
NOW = "2027-06-15T09:00:00+09:00"


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --------------------------------------------------------------------------- cases
#: Every case is a home-insured 新規 application in 長田区 unless a test says otherwise.
CASE_DEFAULTS = {
    "application": "新規",
    "ward": "長田区",
    "applicant_name": "試験 花子",
    "insured_no": "9900000001",
    "birth_date": D(1940, 1, 2),
}
_numbers = itertools.count(1)
#: The day a case is received unless a test says otherwise (a Tuesday; contact due 6/11).
RECEIVED = D(2027, 6, 8)


def case_fields(case_no: str | None = None, received_on: dt.date | str = RECEIVED, **fields) -> dict:
    """The fields of one case: the defaults, numbered R9-00001.. when no number is given,
    dispatched the day it was received unless dispatched_on says otherwise."""
    base = {**CASE_DEFAULTS, "case_no": case_no or f"R9-{next(_numbers):05d}", "received_on": received_on}
    base.update(fields)
    base.setdefault("dispatched_on", base["received_on"])
    return base


def add_case(
    session: Session,
    case_no: str | None = None,
    received_on: dt.date | str = RECEIVED,
    *,
    at: str = "2027-06-08T09:00:00+09:00",
    **fields,
) -> str:
    """Insert one case (deadlines by the real calendar, stored at ``at``); returns its number.

    ``add_case(s, "C-1")`` is received on 2027-06-08 (contact due 6/11);
    ``add_case(s, received_on="2027-05-10", surveyor="S1")`` gets the next R9- number.
    """
    values = case_fields(case_no, received_on, **fields)
    with session.db.conn:
        insert_cases(session.db, [case_row(values, session.calendar, at)])
    return values["case_no"]


def accepted(session: Session, received: str, visited: str, submitted: str, accepted_on: str, **kw) -> str:
    """A case received, contacted the same day, visited, submitted and accepted on these dates."""
    return add_case(
        session,
        received_on=received,
        contacted_on=received,
        visited_on=visited,
        submitted_on=submitted,
        accepted_on=accepted_on,
        **kw,
    )


def add_cases(
    session: Session, case_nos, received_on: dt.date | str = RECEIVED, *, at: str = NOW, **fields
) -> None:
    """Insert many cases alike but for their numbers, in one transaction."""
    rows = [case_row(case_fields(no, received_on, **fields), session.calendar, at) for no in case_nos]
    with session.db.conn:
        insert_cases(session.db, rows)


def exclude(session: Session, case_no: str, rule: str, cause: str = "city") -> None:
    """Take a case out of a deadline rule (市の事由), as a manager does."""
    from inspect_tui.services.cases.steps import add_deadline_exception

    add_deadline_exception(session, case_no, rule, "exclude", "市の事由で調査できず", cause)


# --------------------------------------------------------------------------- staff and logins
def add_surveyor(
    session: Session,
    code: str = "S001",
    wards: str = "長田区",
    *,
    name: str | None = None,
    qualification: str = "care_manager",
    expires_on: str | None = None,
    placed_on: str | None = "2015-04-01",
    chief: bool = False,
) -> str:
    """One surveyor (named 調査員<code> by default; wards "" for none), placed and hired on placed_on."""
    with session.db.conn:
        session.db.conn.execute(
            "INSERT INTO surveyors (code, name, qualification, wards, expires_on, placed_on, hired_on,"
            " is_chief)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                code,
                name or f"調査員{code}",
                qualification,
                wards,
                expires_on,
                placed_on,
                placed_on,
                int(chief),
            ),
        )
    return code


def add_login(session: Session, login: str, role: str, surveyor: str | None = None) -> None:
    """Register a login through the permission-checked service (the session must be a manager)."""
    from inspect_tui.services.trust.permissions import save_user

    save_user(session, login, role, surveyor)


def session_as(path: Path, login: str) -> Session:
    """A new session on the database at path, working as login."""
    s = open_session(path, Config())
    s.who = login
    return s


# --------------------------------------------------------------------------- the review database
#: Chiefs S001 (佐藤, login 'tester') and S002 (伊藤, login 'chief2'); new surveyor S010
#: (鈴木, placed 2027-03-01, login 'suzuki'); new surveyor S011 placed 2027-06-01 with no
#: visits yet; a veteran S020. Manager login 'boss'.
REVIEW_SURVEYORS = [
    ("S001", "佐藤 主任", "2010-04-01", True),
    ("S002", "伊藤 主任", "2012-04-01", True),
    ("S010", "鈴木 新人", "2027-03-01", False),
    ("S011", "山本 新人", "2027-06-01", False),
    ("S020", "田中 経験", "2018-04-01", False),
]
REVIEW_LOGINS = [
    ("tester", "chief", "S001"),
    ("chief2", "chief", "S002"),
    ("boss", "manager", None),
    ("suzuki", "chief", "S010"),
]


def solo_case_nos() -> list[str]:
    """S010's twelve solo visits, in visit order."""
    return [f"R9-{100 + i:05d}" for i in range(12)]


def build_review_db(path: Path) -> Path:
    """A small review database: S010 has 2 cases accompanied by S001 (R9-00050, R9-00051)
    and 12 solo visits (R9-00100.., the first solo on 2027-03-15; the 3rd and 4th on the same
    day; the first four submitted); S020 has one submitted case R9-00900."""
    s = open_session(path, Config())
    conn = s.db.conn
    for code, name, placed, chief in REVIEW_SURVEYORS:
        add_surveyor(s, code, name=name, placed_on=placed, chief=chief)
    with conn:
        conn.execute("DELETE FROM users")
        conn.executemany(
            "INSERT INTO users (login, role, surveyor_code, created_at) VALUES (?, ?, ?, ?)",
            [(*login, NOW) for login in REVIEW_LOGINS],
        )
    cal = s.calendar
    rows = []
    for i, day in enumerate((D(2027, 3, 3), D(2027, 3, 5))):  # two accompanied visits first
        rows.append(_visited_case(f"R9-{50 + i:05d}", day, "S010", cal, accompanied="S001"))
    day = D(2027, 3, 10)
    for i, no in enumerate(solo_case_nos()):  # 3rd and 4th on the same day (tie -> case number)
        visit = day if i == 3 else cal.add_business_days(day, 3)
        day = visit
        rows.append(_visited_case(no, visit, "S010", cal, submitted=i < 4))
    rows.append(_visited_case("R9-00900", D(2027, 5, 10), "S020", cal, submitted=True))
    with conn:
        insert_cases(s.db, rows)
    s.close()
    return path


def _visited_case(no, visit, surveyor, cal, *, accompanied=None, submitted=False):
    received = cal.add_business_days(visit, -3)
    fields = case_fields(
        no,
        received,
        surveyor=surveyor,
        accompanied_by=accompanied,
        contacted_on=cal.add_business_days(received, 1),
        visited_on=visit,
    )
    del fields["birth_date"]
    if submitted:
        fields["submitted_on"] = cal.add_business_days(visit, 2)
    return case_row(fields, cal, NOW)


# --------------------------------------------------------------------------- quality records
def add_quality_cases(session: Session) -> Session:
    """Surveyors S01 (調査員一) and S02 (調査員二), cases 2027-0001 and 2027-0002 of S01
    (no applicant named: a test that needs a name sets one)."""
    add_surveyor(session, "S01", "", name="調査員一", placed_on=None)
    add_surveyor(session, "S02", "", name="調査員二", placed_on=None)
    for no in ("2027-0001", "2027-0002"):
        add_case(
            session, no, "2027-06-01", surveyor="S01", applicant_name=None, insured_no=None, birth_date=None
        )
    return session


#: A complaint and an incident as typed into their forms (the raw strings).
COMPLAINT = {
    "received_at": "2027-06-14 10:30",
    "complainant": "家族",
    "handled_by": "主任A",
    "ward": "長田区",
    "category": "日程調整",
    "content": "訪問日の連絡が遅かった",
    "outcome": "謝罪し日程を再調整",
}
INCIDENT = {
    "kind": "incident",
    "occurred_at": "2027-06-10 09:00",
    "ward": "須磨区",
    "what_happened": "調査票の記入漏れ",
    "cause_category": "確認不足",
}


def complaint(**over) -> dict:
    """COMPLAINT with the fields a test overrides."""
    return {**COMPLAINT, **over}


def incident(**over) -> dict:
    """INCIDENT with the fields a test overrides."""
    return {**INCIDENT, **over}


def add_review_check(
    session, check_id, case_id, surveyor, kind, checked_on, points, blind_of=None, state="done"
):
    """A chief's check of a form by inspector S02, with one 'fix' finding per point."""
    session.db.conn.execute(
        "INSERT INTO review_checks (id, case_id, surveyor, inspector, kind, state, checked_on, blind_of,"
        " created_at, updated_at, who) VALUES (?, ?, ?, 'S02', ?, ?, ?, ?, 'x', 'x', 'x')",
        (check_id, case_id, surveyor, kind, state, checked_on, blind_of),
    )
    session.db.conn.executemany(
        "INSERT INTO review_findings (check_id, point, severity) VALUES (?, ?, 'fix')",
        [(check_id, p) for p in points],
    )


# --------------------------------------------------------------------------- free text with personal data
#: Case R9-00777 belongs to 鈴原 冬美 (insured number 5550001234), received in May 2027.
FREE_TEXT_NAME = "鈴原 冬美"
FREE_TEXT_NUMBER = "5550001234"
FREE_TEXT_CASE = "R9-00777"


def add_free_text_case(session: Session) -> Session:
    """The case of FREE_TEXT_NAME, chief S001 of 長田区 (login chika), manager boss, monitor mona."""
    add_surveyor(session, "S001", name="佐藤 主任", chief=True, placed_on=None)
    add_case(
        session,
        FREE_TEXT_CASE,
        "2027-05-10",
        surveyor="S001",
        applicant_name=FREE_TEXT_NAME,
        insured_no=FREE_TEXT_NUMBER,
        at="2027-05-10T09:00:00+09:00",
    )
    for login, role, code in (
        ("boss", "manager", None),
        ("mona", "monitor", None),
        ("chika", "chief", "S001"),
    ):
        add_login(session, login, role, code)
    return session


#: What would give the applicant away in output, however it is spaced.
FREE_TEXT_LEAKS = ("鈴原", "冬美", FREE_TEXT_NUMBER)


def leaks(data: str | bytes) -> list[str]:
    """The parts of FREE_TEXT_NAME or FREE_TEXT_NUMBER found in data (bytes read as UTF-8)."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return [x for x in FREE_TEXT_LEAKS if x in text or x in flat]


def make_monitor(session: Session) -> None:
    """Make 'tester' a monitor (another login stays manager): how the CLI runs as a monitor."""
    with session.db.conn:
        session.db.conn.execute("UPDATE users SET role = 'monitor' WHERE login = 'tester'")


def step(session: Session, case_no: str, kind: str, on: dt.date | None = None, note: str = "", **kw) -> str:
    """``record_step`` as the office works: a submission or resubmission goes out after a
    finished inspection by someone other than its author (001 §4(5)), so one is recorded
    first, as the session's login."""
    from inspect_tui.services.cases.inspection import record_inspection
    from inspect_tui.services.cases.steps import record_step

    if kind in ("submit", "resubmit"):
        record_inspection(session, case_no, "ok")
    return record_step(session, case_no, kind, on, note, **kw)
