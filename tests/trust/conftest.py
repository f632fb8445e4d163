"""Fixtures for the trust tests, and the no-network guard.

The guard: the app must make no network connection of any kind (seed 002:
closed network). For the whole session, connecting a non-AF_UNIX socket
raises NetworkBlocked and fails the test. Subprocesses (the SSH test runs
``ssh`` as one) are not affected. To make it global, tests/conftest.py can do
``from tests.trust.netguard import *  # noqa`` (see netguard.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .netguard import block_network  # noqa: F401  (session-wide autouse fixture)

D = dt.date


def add_case(s, case_no="C-0001", **fields):
    from inspect_tui.store.cases import case_row, insert_cases

    base = {
        "case_no": case_no,
        "application": "新規",
        "ward": "長田区",
        "received_on": D(2027, 6, 8),
        "dispatched_on": D(2027, 6, 8),
        "applicant_name": "試験 花子",
        "insured_no": "9900000001",
        "birth_date": D(1940, 1, 2),
    }
    base.update(fields)
    with s.db.conn:
        insert_cases(s.db, [case_row(base, s.calendar, "2027-06-08T09:00:00+09:00")])


def add_surveyor(s, code="S001", wards="長田区", name="調査 一郎"):
    with s.db.conn:
        s.db.conn.execute(
            "INSERT INTO surveyors (code, name, qualification, wards, is_chief)"
            " VALUES (?, ?, 'care_manager', ?, 1)",
            (code, name, wards),
        )


@pytest.fixture
def as_user(session):
    """Switch the session to another login (registered with the given role)."""
    from inspect_tui.services.trust.permissions import save_user

    def switch(login: str, role: str | None = None, surveyor: str | None = None):
        if role is not None:
            save_user(session, login, role, surveyor)
        session.who = login
        return session

    return switch


@pytest.fixture
def cli(db_path: Path, capsys):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    from inspect_tui.cli.main import main

    def run(*argv: str, db: Path | None = db_path):
        args = [*argv, "--db", str(db)] if db is not None else list(argv)
        code = main(args)
        out, err = capsys.readouterr()
        return code, out, err

    return run
