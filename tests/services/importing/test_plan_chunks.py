"""The import plans the city's rows in chunks and fetches only their case numbers (issue 16:
1,000 rows into a million cases read 1,000 rows, not a million). Cut into chunks of two and
queries of one key, an import must decide exactly what one big chunk decides: which rows
are new, which change, which conflict, and the extended deadline that stays put."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from inspect_tui.services.cases.steps import add_deadline_exception
from inspect_tui.services.importing import importer
from inspect_tui.services.importing.importer import import_file
from inspect_tui.services.importing.results import ImportConflicts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
HEADER = (
    "case_no,insurer,welfare,application,ward,insured_no,name,birth_date,received_on,dispatched_on,"
    "urgent,surveyor,accompanied_by,contacted_on,visited_on,submitted_on,accepted_on,cancelled_on\n"
)
ROWS = [  # K-0001 as recorded; K-0002 received 06-04 (differs); K-0009 new; K-0003 visited
    "K-0001,,0,新規,長田区,0000000001,申請 太郎,1940-01-02,2027-06-01,2027-06-01,0,S01,,"
    "2027-06-02,2027-06-07,2027-06-09,2027-06-11,",
    "K-0002,神戸市,1,区分変更,須磨区,0000000002,申請 花子,1938-05-06,2027-06-04,2027-06-03,1,S02,S01,"
    "2027-06-04,,,,",
    "K-0009,,0,新規,長田区,0000000009,申請 九郎,1941-01-02,2027-06-05,2027-06-05,0,S01,,,,,,",
    "K-0003,,0,新規,垂水区,0000000003,申請 次郎,1939-02-03,2027-06-04,2027-06-04,0,S01,,"
    "2027-06-05,2027-06-10,,,",
]


def _outcome(session, tmp_path: Path) -> tuple:
    import_file(session, "surveyors", FIXTURES / "surveyors.csv")
    import_file(session, "cases", FIXTURES / "cases_en.csv")
    add_deadline_exception(
        session, "K-0002", "contact", "extend", "入院中", "applicant", dt.date(2027, 6, 30)
    )
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "again.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    with pytest.raises(ImportConflicts) as conflicts:
        import_file(session, "cases", path)
    summary = import_file(session, "cases", path, accept_changes=True)
    rows = session.db.conn.execute(
        "SELECT case_no, received_on, visited_on, status, contact_due, standard_due"
        " FROM cases ORDER BY case_no"
    ).fetchall()
    return (
        [(c.line, c.column) for c in conflicts.value.conflicts],
        (summary.added, summary.updated, summary.unchanged),
        [tuple(r) for r in rows],
    )


def test_chunks_of_two_decide_what_one_chunk_decides(session, tmp_path, monkeypatch):
    whole = _outcome(session, tmp_path / "a")
    assert whole[1] == (1, 2, 1)  # K-0009 new; K-0002, K-0003 changed; K-0001 as recorded
    from inspect_tui.services.config import Config
    from inspect_tui.services.session import open_session

    monkeypatch.setattr(importer, "PLAN_CHUNK", 2)
    monkeypatch.setattr(importer, "_IN_LIMIT", 1)
    other = open_session(tmp_path / "b" / "cases.db", Config())
    try:
        assert _outcome(other, tmp_path / "b") == whole
    finally:
        other.close()
