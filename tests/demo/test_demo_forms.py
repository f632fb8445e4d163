"""The demo's survey form contents (demo/forms.py): points to mark on the forms waiting for
their inspection, none left unmarked on a form that went out."""

from __future__ import annotations

import sqlite3

from builders import session_as
from inspect_tui.services.forms import points


def test_waiting_forms_have_points_to_mark_and_submitted_ones_none(demo_db):
    conn = sqlite3.connect(demo_db)
    rows = conn.execute(
        "SELECT c.case_no, c.status FROM survey_forms f JOIN cases c ON c.id = f.case_id ORDER BY c.id"
    ).fetchall()
    conn.close()
    assert len(rows) >= 50
    s = session_as(demo_db, "demo-s001")
    try:
        waiting_points = 0
        for case_no, status in rows:
            fp = points.form_points(s, case_no)
            if status == "visited":
                waiting_points += len(fp.unmarked)
            elif status in ("submitted", "accepted"):
                assert fp.unmarked == (), case_no
        assert waiting_points >= 10
    finally:
        s.close()
