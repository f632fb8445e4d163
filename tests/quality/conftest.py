"""Fixtures for the quality tests: a session with two surveyors and two cases."""

from __future__ import annotations

import pytest


@pytest.fixture
def qs(session):
    """The shared session fixture, with surveyors S01/S02 and cases 2027-0001/2027-0002."""
    c = session.db.conn
    c.executemany(
        "INSERT INTO surveyors (code, name, qualification) VALUES (?, ?, 'care_manager')",
        [("S01", "調査員一"), ("S02", "調査員二")],
    )
    c.executemany(
        "INSERT INTO cases (case_no, application, ward, received_on, status, surveyor)"
        " VALUES (?, '新規', '長田区', '2027-06-01', 'received', 'S01')",
        [("2027-0001",), ("2027-0002",)],
    )
    return session


def complaint(**over):
    raw = {
        "received_at": "2027-06-14 10:30",
        "complainant": "家族",
        "handled_by": "主任A",
        "ward": "長田区",
        "category": "日程調整",
        "content": "訪問日の連絡が遅かった",
        "outcome": "謝罪し日程を再調整",
    }
    raw.update(over)
    return raw


def incident(**over):
    raw = {
        "kind": "incident",
        "occurred_at": "2027-06-10 09:00",
        "ward": "須磨区",
        "what_happened": "調査票の記入漏れ",
        "cause_category": "確認不足",
    }
    raw.update(over)
    return raw
