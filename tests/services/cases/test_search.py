"""The text filter over every case: each part takes its index (the trigram index of case
numbers, the wide case numbers, the held names), finds what a substring test finds, and
counts stop at the cap until the exact count is asked for."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import add_case, add_cases
from inspect_tui.services.cases import search
from inspect_tui.services.cases.listing import CaseFilter, count_cases, fetch_page, is_capped
from inspect_tui.services.cases.search import text_match

TODAY = dt.date(2027, 6, 15)
CLOSED = dict(
    contacted_on="2027-05-11", visited_on="2027-05-12", submitted_on="2027-05-13", accepted_on="2027-05-20"
)


@pytest.fixture(autouse=True)
def _fresh_decisions():
    search._FEW.clear()
    yield
    search._FEW.clear()


def fill(s):
    add_cases(s, [f"R9-{n:04d}" for n in range(1, 41)], "2027-05-10", **CLOSED)  # 40 closed
    add_case(s, "R9-0041", "2027-06-10", applicant_name="山田 花子")
    add_case(s, "R9-0042", "2027-06-11", applicant_name="佐藤 一郎")
    add_case(s, "第77号", "2027-06-11", applicant_name="鈴木 次郎", **CLOSED)  # a city that numbers so
    add_case(s, "X-5_%", "2027-06-11", **CLOSED)  # LIKE's wildcards in a case number


def by_substring(s, text, role):
    names = role != "monitor"
    out = []
    for r in s.db.conn.execute("SELECT case_no, applicant_name FROM cases"):
        hay = [r[0].lower()] + ([(r[1] or "").lower()] if names else [])
        if any(text.lower() in h for h in hay):
            out.append(r[0])
    return sorted(out)


def listed(s, f, role):
    return sorted(r.case_no for r in fetch_page(s, f, TODAY, role, 0, 1000))


TEXTS = (
    "R",
    "9-",
    "R9-",
    "R9-00",
    "0041",
    "004",
    "R9-0042",
    "41",
    "第",
    "77号",
    "山田",
    "花子",
    "山田 花子",
    "5_%",
    "_",
    "%",
    '"',
    "r9-003",
    "いない",
    "ZZZ",
)


@pytest.mark.parametrize("role", ["manager", "monitor"])
def test_every_way_finds_what_a_substring_test_finds(session, role, monkeypatch):
    fill(session)
    monkeypatch.setattr(search, "CAP", 5)  # so "R9-" is many and "R9-004" few
    for text in TEXTS:
        for f in (
            CaseFilter(status="", text=text),
            CaseFilter(status="", text=text, sort="case_no", descending=True),
        ):
            want = by_substring(session, text, role)
            assert listed(session, f, role) == want, (text, f)
            assert count_cases(session, f, TODAY, role, exact=True) == len(want), text
            capped = count_cases(session, f, TODAY, role)
            assert capped == (len(want) if len(want) <= 5 else 6), text


def test_each_part_takes_its_index(session, monkeypatch):
    fill(session)
    conn = session.db.conn
    monkeypatch.setattr(search, "CAP", 5)
    assert text_match(conn, "R9-004", names=False).ways == ("fts",)  # 2 case numbers: few
    assert text_match(conn, "R9-", names=False).ways == ("like",)  # 42 of 44: a page comes at once
    assert text_match(conn, "9-", names=False).ways == ("like",)  # under 3 characters: no trigrams
    assert text_match(conn, "山田", names=True).ways == ("wide", "names")
    assert text_match(conn, "山田", names=False).ways == ("wide",)
    plan = " ".join(
        r[3]
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT 1 FROM cases c WHERE " + text_match(conn, "山田", names=True).sql,
            text_match(conn, "山田", names=True).params,
        )
    )
    assert "cases_no_wide" in plan and "cases_applicant_name" in plan, plan
    # never every case: no scan of the table or of an index over every case number
    assert "MULTI-INDEX OR" in plan and "SCAN c " not in plan + " ", plan
    assert "sqlite_autoindex_cases" not in plan and "cases_text" not in plan, plan


def test_the_trigram_index_follows_every_write_even_plain_sql(session):
    fill(session)
    conn = session.db.conn
    f = CaseFilter(status="", text="R9-0041")
    assert listed(session, f, "manager") == ["R9-0041"]
    with conn:  # behind the app's back: the index's triggers are in the file
        conn.execute("UPDATE cases SET case_no = 'Q1-9999' WHERE case_no = 'R9-0041'")
    search._FEW.clear()
    assert listed(session, f, "manager") == []
    assert listed(session, CaseFilter(status="", text="Q1-999"), "manager") == ["Q1-9999"]
    conn.execute("INSERT INTO cases_no_fts (cases_no_fts, rank) VALUES ('integrity-check', 1)")


def test_without_the_trigram_index_the_filter_still_finds_every_case(session, monkeypatch):
    """An SQLite without FTS5's trigram tokenizer: the migration leaves the index out."""
    fill(session)
    conn = session.db.conn
    with conn:
        for t in ("insert", "delete", "update"):
            conn.execute(f"DROP TRIGGER cases_no_fts_{t}")
        conn.execute("DROP TABLE cases_no_fts")
    monkeypatch.setattr(search, "CAP", 5)
    assert text_match(conn, "R9-004", names=False).ways == ("like",)
    for text in TEXTS:
        assert listed(session, CaseFilter(status="", text=text), "manager") == by_substring(
            session, text, "manager"
        )


def test_a_broad_filter_is_counted_to_the_cap_and_paged_the_same(session, monkeypatch):
    fill(session)
    monkeypatch.setattr(search, "CAP", 10)
    for f in (
        CaseFilter(status=""),
        CaseFilter(status="", text="R9-"),
        CaseFilter(status="", descending=True),  # closed first: placed by a count up to the page
        CaseFilter(status="", text="R9", descending=True),
        CaseFilter(status="", sort="received_on", descending=True),
    ):
        capped = count_cases(session, f, TODAY, "manager")
        exact = count_cases(session, f, TODAY, "manager", exact=True)
        assert is_capped(capped) and capped == 11 and exact > 11, f
        whole = [r.case_no for r in fetch_page(session, f, TODAY, "manager", 0, 1000)]
        assert len(whole) == exact
        for offset in range(0, exact, 7):
            with_cap = [r.case_no for r in fetch_page(session, f, TODAY, "manager", offset, 7, total=capped)]
            with_exact = [r.case_no for r in fetch_page(session, f, TODAY, "manager", offset, 7, total=exact)]
            assert with_cap == with_exact == whole[offset : offset + 7], (f, offset)


def test_an_older_file_gets_the_index_of_its_cases(tmp_path):
    """Migration 21 on a file with cases: 'rebuild' indexes the rows already there."""
    from inspect_tui.store.db import migrate, open_database
    from inspect_tui.store.schema import MIGRATIONS

    db = open_database(tmp_path / "old.db")
    conn = db.conn
    with conn:
        for t in ("insert", "delete", "update"):
            conn.execute(f"DROP TRIGGER cases_no_fts_{t}")
        conn.execute("DROP TABLE cases_no_fts")
        conn.execute("DROP INDEX cases_no_wide")
        conn.execute(
            "INSERT INTO cases (case_no, application, ward, received_on, status)"
            " VALUES ('OLD-123456', '新規', '長田区', '2027-06-01', 'received')"
        )
        conn.execute("PRAGMA user_version = 20")
    migrate(db, 20, [m for m in MIGRATIONS if m.number == 21])
    got = conn.execute("SELECT rowid FROM cases_no_fts WHERE cases_no_fts MATCH '\"23456\"'").fetchall()
    assert [r[0] for r in got] == [
        conn.execute("SELECT id FROM cases WHERE case_no = 'OLD-123456'").fetchone()[0]
    ]
    db.close()


def test_pages_in_case_order_are_read_from_the_trigram_index_in_its_order(session, monkeypatch):
    """Closed cases come in id order after the open ones: over 1M cases a LIKE in id order
    read a third of the table to reach "2025"'s rows; the index's rows in rowid order do not.
    The page is the same, with names merged in (a name typed as 3+ characters)."""
    fill(session)
    monkeypatch.setattr(search, "CAP", 5)
    ran: list[str] = []
    session.db.conn.set_trace_callback(ran.append)
    try:
        for text, role in (("R9-", "manager"), ("R9-", "monitor"), ("山田 花", "manager")):
            ran.clear()
            f = CaseFilter(status="", text=text)
            assert listed(session, f, role) == by_substring(session, text, role), text
            assert any("FROM cases_no_fts f JOIN cases c ON c.id = f.rowid" in q for q in ran), text
            got = [r.case_no for r in fetch_page(session, f.with_(descending=True), TODAY, role, 0, 1000)]
            assert sorted(got) == by_substring(session, text, role)
    finally:
        session.db.conn.set_trace_callback(None)
