"""A small database where staff typed an applicant's name and insured number into free text.

Case R9-00777 belongs to 鈴原 冬美 (insured number 5550001234), received in May 2027;
surveyor S001 is a chief of 長田区. Logins: tester (manager, who made the file),
mona (monitor), chika (chief, S001). The name and the number must never reach print,
a monitor's screen or a monitor's CLI listing.
"""

from __future__ import annotations

import html
import re
import unicodedata

import pytest

from review.conftest import review_db  # noqa: F401  (the review fixture, for the guidance report)
from trust.conftest import as_user, cli  # noqa: F401  (switch login in-process; run the CLI in-process)

NAME = "鈴原 冬美"
NUMBER = "5550001234"
CASE = "R9-00777"
#: What would give the applicant away in output, however it is spaced.
LEAKS = ("鈴原", "冬美", NUMBER)


def leaks(data: str | bytes) -> list[str]:
    """The parts of the name or the number found in data (bytes are read as UTF-8)."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return [x for x in LEAKS if x in text or x in flat]


def screen_text(app) -> str:
    """What the terminal shows now, as text (from the screenshot Textual would save)."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")


def flat(text: str) -> str:
    """Screen text without line breaks, spaces and box borders (to find a wrapped line)."""
    return re.sub(r"[\s█▀▄▌▐▆▏▕│─]+", "", text)


def make_monitor(session) -> None:
    """Make 'tester' a monitor (another login stays manager): how the CLI runs as a monitor."""
    with session.db.conn:
        session.db.conn.execute("UPDATE users SET role = 'monitor' WHERE login = 'tester'")


@pytest.fixture
def fx(session):
    """The session (tester, manager) with the case, the chief and the monitor."""
    from inspect_tui.services.trust.permissions import save_user
    from inspect_tui.store.cases import case_row, insert_cases

    c = session.db.conn
    with c:
        c.execute(
            "INSERT INTO surveyors (code, name, qualification, wards, is_chief) VALUES"
            " ('S001', '佐藤 主任', 'care_manager', '長田区', 1)"
        )
        fields = {
            "case_no": CASE,
            "application": "新規",
            "ward": "長田区",
            "received_on": "2027-05-10",
            "dispatched_on": "2027-05-10",
            "surveyor": "S001",
            "applicant_name": NAME,
            "insured_no": NUMBER,
            "birth_date": "1940-01-02",
        }
        insert_cases(session.db, [case_row(fields, session.calendar, "2027-05-10T09:00:00+09:00")])
    for login, role, code in (
        ("boss", "manager", None),
        ("mona", "monitor", None),
        ("chika", "chief", "S001"),
    ):
        save_user(session, login, role, code)
    return session
