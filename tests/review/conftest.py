from __future__ import annotations

import pytest

from .fixture import build, session_as


@pytest.fixture
def review_db(tmp_path):
    return build(tmp_path / "review" / "cases.db")


@pytest.fixture
def rs(review_db):
    """A session logged in as chief S001 ('tester')."""
    s = session_as(review_db, "tester")
    yield s
    s.close()
