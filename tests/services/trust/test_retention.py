"""Personal data goes retention_months after a case closes; everything else stays."""

from __future__ import annotations

import pytest

from builders import D, add_case
from inspect_tui.core import records
from inspect_tui.core.months import add_months
from inspect_tui.services.trust.retention import purge, purge_due_count
from inspect_tui.store.audit import query_audit, verify_chain

# today is pinned to 2027-06-15 by tests/conftest.py


def _closed(session):
    add_case(
        session,
        "C-OLD",
        visited_on=D(2027, 3, 1),
        contacted_on=D(2027, 2, 26),
        received_on=D(2027, 2, 25),
        dispatched_on=D(2027, 2, 25),
        submitted_on=D(2027, 3, 5),
        accepted_on=D(2027, 3, 15),
        applicant_name="消える 太郎",
    )
    add_case(
        session,
        "C-EDGE",
        received_on=D(2027, 3, 1),
        dispatched_on=D(2027, 3, 1),
        cancelled_on=D(2027, 3, 16),
        applicant_name="残る 次郎",
    )
    add_case(session, "C-OPEN", applicant_name="開いて 三郎")


def test_add_months_clamps_to_the_month_end():
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2027, 11, 15), 3) == D(2028, 2, 15)


def test_only_cases_past_retention_are_due(session):
    _closed(session)
    assert purge_due_count(session) == 1  # C-OLD: 3/15 + 3 months = 6/15 = today


def test_dry_run_lists_case_numbers_never_personal_values(session, cli):
    _closed(session)
    code, out, _ = cli("purge", "--dry-run")
    assert code == 0 and "C-OLD" in out and "1 件" in out
    assert "太郎" not in out and "9900000001" not in out
    assert session.db.conn.execute("SELECT applicant_name FROM cases WHERE case_no='C-OLD'").fetchone()[0]


def test_purge_blanks_personal_fields_and_keeps_the_rest(session, db_path):
    _closed(session)
    result = purge(session)
    assert result.purged == 1
    row = session.db.conn.execute("SELECT * FROM cases WHERE case_no = 'C-OLD'").fetchone()
    assert (row["applicant_name"], row["insured_no"], row["birth_date"]) == (None, None, None)
    assert row["personal_purged_on"] == "2027-06-15"
    assert row["accepted_on"] == "2027-03-15" and row["standard_due"]
    other = session.db.conn.execute("SELECT applicant_name FROM cases WHERE case_no='C-EDGE'").fetchone()
    assert other[0] == "残る 次郎"
    [audit] = query_audit(session.db, action="purge")
    assert audit.key == "C-OLD" and audit.after["personal_purged_on"] == "2027-06-15"
    assert verify_chain(session.db).ok
    assert purge_due_count(session) == 0
    # the old values are not left in the file's free pages or the WAL
    session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob("cases.db*"))
    assert "消える 太郎".encode() not in raw


def test_retention_months_comes_from_the_config(session):
    _closed(session)
    session.config = records.replace(session.config, retention_months=0)
    assert purge_due_count(session) == 2


def test_purge_is_for_managers(session, as_user):
    from inspect_tui.services.trust.permissions import PermissionDenied

    as_user("mona", "monitor")
    with pytest.raises(PermissionDenied):
        purge(session, dry_run=True)


# --------------------------------------------------------------------------- the bytes on disk
# The attack (issue 11): with another connection holding a read snapshot, purge said
# 消去しました while every name was still in the file.

PURGED_VALUES = ("消える 太郎", "9900000001")  # C-OLD's name and insured number (add_case's default)


def _raw(db_path) -> bytes:
    """Every byte of the database file and its write-ahead log, as on disk."""
    return b"".join(p.read_bytes() for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists())


def _in_file(db_path, value: str) -> bool:
    return value.encode() in _raw(db_path)


def _reader(db_path):
    """A second real connection holding a read snapshot (an open sqlite3 shell, a stuck report)."""
    import sqlite3

    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN")
    assert conn.execute("SELECT COUNT(*) FROM cases WHERE applicant_name IS NOT NULL").fetchone()[0]
    return conn


def _unique_old_case(session):
    """C-OLD with values no other case holds (C-EDGE and C-OPEN get other ones)."""
    add_case(
        session,
        "C-OLD",
        received_on=D(2027, 2, 25),
        dispatched_on=D(2027, 2, 25),
        contacted_on=D(2027, 2, 26),
        visited_on=D(2027, 3, 1),
        submitted_on=D(2027, 3, 5),
        accepted_on=D(2027, 3, 15),
        applicant_name="消える 太郎",
        insured_no="9900000001",
        birth_date=D(1931, 7, 7),
    )
    add_case(
        session, "C-OPEN", applicant_name="開いて 三郎", insured_no="9900000003", birth_date=D(1940, 1, 2)
    )
    session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert all(_in_file(session.db.path, v) for v in PURGED_VALUES)


def test_a_reader_holding_a_snapshot_stops_the_purge_and_is_named(session, cli, db_path):
    _unique_old_case(session)
    reader = _reader(db_path)
    try:
        code, out, err = cli("purge")
    finally:
        reader.execute("COMMIT")
        reader.close()
    assert code == 1 and "消去しました" not in out + err
    assert "ほかに開いている inspect-tui（または sqlite3）を閉じてから、もう一度 inspect-tui purge" in err
    assert "まだファイルにあります" in err
    # true: nothing was purged, the values are in the file
    assert session.db.conn.execute("SELECT applicant_name FROM cases WHERE case_no = 'C-OLD'").fetchone()[0]
    # once the reader has closed, the same command finishes, and the bytes are gone
    code, out, err = cli("purge")
    assert code == 0, err
    assert "消去しました: 1 件" in out and "消した値 3 件がどこにも残っていない" in out
    raw = _raw(db_path)
    for value in (*PURGED_VALUES, "1931-07-07"):
        assert value.encode() not in raw, value
    assert "開いて 三郎".encode() in raw  # the open case keeps its data


def test_a_reader_that_comes_in_during_the_purge_leaves_it_unfinished(session, cli, db_path, monkeypatch):
    """A snapshot taken after the check, before the commit: the values stay in the file, the
    purge says so, and the next purge (once the reader is gone) finishes it."""
    import inspect_tui.services.trust.retention as svc

    _unique_old_case(session)
    real = svc.purge_personal
    readers = []

    def reader_comes_in(*args, **kwargs):
        readers.append(_reader(db_path))
        return real(*args, **kwargs)

    monkeypatch.setattr(svc, "purge_personal", reader_comes_in)
    code, out, err = cli("purge")
    monkeypatch.setattr(svc, "purge_personal", real)
    assert code == 1 and "消去しました" not in out
    assert "消した値はまだファイルにあります" in err and "もう一度 inspect-tui purge" in err
    assert all(_in_file(db_path, v) for v in PURGED_VALUES)  # what it said is true
    purged = session.db.conn.execute("SELECT applicant_name FROM cases WHERE case_no='C-OLD'").fetchone()
    assert purged[0] is None
    assert svc.purge_unfinished(session)  # what the app offers a manager at its next start
    readers[0].execute("COMMIT")
    readers[0].close()
    code, out, err = cli("purge")
    assert code == 0 and "WAL を空にしました" in out, err
    assert not any(_in_file(db_path, v) for v in PURGED_VALUES)
    [checked] = query_audit(session.db, action="purge.checked")
    assert checked.after["cases"] == 1 and checked.after["wal_bytes"] == 0
    assert not svc.purge_unfinished(session)


def test_the_unfinished_purge_question_reads_the_purge_index_alone(session):
    """A manager's every start asks whether a purge is unfinished. Without the purges' index
    (migration 23) that read the whole audit_log from its end: 6.1M rows, 3.7 s warm and 72 s
    from disk at 1M cases, in a worker that quitting the app waited for."""
    from inspect_tui.services.trust.retention import purge_unfinished
    from inspect_tui.store.retention import PURGE_ACTIONS

    conn = session.db.conn
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log_purges'").fetchone()[0]
    assert sql.endswith(f"WHERE {PURGE_ACTIONS}")
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        assert purge_unfinished(session) is False
    finally:
        conn.set_trace_callback(None)
    reads = [q for q in seen if "FROM audit_log" in q]
    assert len(reads) == 2
    for q in reads:
        plan = " | ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {q}"))
        assert plan.startswith("SEARCH audit_log USING COVERING INDEX audit_log_purges"), (q, plan)


def test_the_count_of_cases_past_retention_reads_the_held_cases_index(session):
    """A manager's every start counts the cases past retention. It read every closed case
    (0.8-0.95 s at 1M cases, nearly all purged long ago); the cases still holding personal
    data have a partial index (migration 24) that the count walks instead."""
    from inspect_tui.store.retention import PERSONAL_HELD_INDEX, _has_personal

    _unique_old_case(session)
    conn = session.db.conn
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (PERSONAL_HELD_INDEX,)).fetchone()[0]
    assert sql.endswith(f"WHERE {_has_personal()}")
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        assert purge_due_count(session) >= 1
    finally:
        conn.set_trace_callback(None)
    [read] = [q for q in seen if "FROM cases" in q]
    steps = [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {read}")]
    assert any(f"USING INDEX {PERSONAL_HELD_INDEX}" in step for step in steps), steps
    assert "SCAN cases" not in steps, steps  # never every case


def test_a_copy_the_purge_cannot_reach_is_found_and_reported(session, cli, db_path):
    """Names copied into a full-text table behind the app's back (a future search index, a
    hand-made table): the purge clears the cases and says where the values still are."""
    import sqlite3

    _unique_old_case(session)
    other = sqlite3.connect(db_path)
    other.execute("CREATE VIRTUAL TABLE names_fts USING fts5(name)")
    other.execute("INSERT INTO names_fts SELECT applicant_name FROM cases")
    other.commit()
    other.close()
    code, out, err = cli("purge")
    assert code == 1 and "消去しました" not in out
    assert "消した値がまだファイルの中にあります" in err and "names_fts" in err
    assert "消える" not in err and "9900000001" not in err  # places, never the values
    [checked] = query_audit(session.db, action="purge.checked")
    assert any("names_fts" in p for p in checked.after["still_in_file_at"])


def test_values_other_cases_still_hold_are_not_counted_as_checked(session, cli, db_path):
    _unique_old_case(session)
    add_case(
        session, "C-TWIN", applicant_name="消える 太郎", insured_no="9900000002", birth_date=D(1931, 7, 7)
    )
    code, out, err = cli("purge")
    assert code == 0, err
    assert "消した値 1 件" in out  # the insured number; name and birth date are C-TWIN's too
    assert "ほかの依頼・調査員がある 2 件" in out
    assert not _in_file(db_path, "9900000001") and _in_file(db_path, "消える 太郎")


def test_the_audit_trail_never_holds_a_purged_value(session, cli, tmp_path):
    """Imported, stepped and purged through the real commands: no audit row or case event
    carries the name, the insured number or the birth date."""
    csv = tmp_path / "old.csv"
    csv.write_text(
        "case_no,application,ward,insured_no,name,birth_date,received_on,dispatched_on,"
        "contacted_on,visited_on,submitted_on\n"
        "C-IMP,新規,長田区,9900000077,取込 五郎,1933-03-03,"
        "2027-02-25,2027-02-25,2027-02-26,2027-03-01,2027-03-05\n",
        encoding="utf-8",
    )
    assert cli("import", "cases", str(csv))[0] == 0
    assert cli("case", "step", "C-IMP", "accept", "--on", "2027-03-12")[0] == 0
    code, out, err = cli("purge")
    assert code == 0 and "消去しました: 1 件" in out, err
    conn = session.db.conn
    rows = conn.execute("SELECT COALESCE(before_json, '') || COALESCE(after_json, '') FROM audit_log")
    events = conn.execute("SELECT * FROM case_events").fetchall()
    text = " ".join(r[0] for r in rows.fetchall()) + " ".join(str(tuple(e)) for e in events)
    for value in ("取込 五郎", "9900000077", "1933-03-03"):
        assert value not in text


def test_a_whole_demo_purge_leaves_no_value_behind(demo_db, cli):
    """Hundreds of cases on full pages, through the real command: the purged values are not
    in the file's bytes afterwards (checked here independently of the purge's own scan).
    Small files hide a missing secure_delete (their pages are rewritten whole); full ones
    do not: without it, names stay in the pages of cases and of the index cases_text."""
    import sqlite3

    from inspect_tui.services.session import open_session

    with open_session(demo_db) as s:
        due = [c.id for c in due_for_purge_of(s)]
        rows = s.db.conn.execute(
            f"SELECT insured_no, applicant_name FROM cases WHERE id IN ({','.join(map(str, due))})"
        ).fetchall()
    assert len(due) > 300
    code, out, err = cli("purge", db=demo_db)
    assert code == 0, err
    assert f"消去しました: {len(due):,} 件" in out or f"消去しました: {len(due)} 件" in out
    conn = sqlite3.connect(demo_db)
    kept = {r[0] for r in conn.execute("SELECT insured_no FROM cases WHERE insured_no IS NOT NULL")}
    conn.close()
    gone = [r[0] for r in rows if r[0] and r[0] not in kept]
    assert len(gone) > 300
    raw = _raw(demo_db)
    sample = gone[:: len(gone) // 100]  # a plain search per value: 100 of them is enough here
    assert [v for v in sample if v.encode() in raw] == []


def test_a_whole_demo_purge_leaves_no_fragment_of_a_name(demo_db, cli):
    """Not the whole name, nor any three characters of it (what a trigram index holds) are in
    the file's or the WAL's bytes after the purge, unless the database still holds them as
    live text elsewhere (a kept name sharing a surname): the case list's search structures
    (migration 0021) keep no copy of a purged name."""
    import sqlite3

    from inspect_tui.services.session import open_session

    with open_session(demo_db) as s:
        due = [c.id for c in due_for_purge_of(s)]
        names = [
            r[0]
            for r in s.db.conn.execute(
                f"SELECT applicant_name FROM cases WHERE applicant_name > ''"
                f" AND id IN ({','.join(map(str, due))})"
            )
        ]
    assert len(names) > 300
    code, _out, err = cli("purge", db=demo_db)
    assert code == 0, err
    import re

    conn = sqlite3.connect(demo_db)
    live: set[str] = set()  # every three characters of the Japanese text the database still holds
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        for row in conn.execute(f'SELECT {", ".join(f"[{c}]" for c in cols)} FROM "{table}"'):
            for v in row:
                if isinstance(v, str) and not v.isascii():
                    live |= {v[i : i + 3] for i in range(len(v) - 2)}
    conn.close()
    fragments = {n[i : i + 3] for n in names for i in range(len(n) - 2)}
    gone = sorted(f for f in fragments if f not in live)
    assert len(gone) > 100, len(gone)
    found = re.compile(b"|".join(re.escape(f.encode()) for f in gone)).findall(_raw(demo_db))
    assert sorted({b.decode() for b in found}) == []


def due_for_purge_of(s):
    from inspect_tui.core.today import today_jp
    from inspect_tui.store.retention import due_for_purge

    return due_for_purge(s.db, today_jp(), s.config.retention_months)


async def test_the_app_offers_to_retry_when_a_reader_holds_the_old_pages(session, db_path):
    from inspect_tui.tui.screens.trust.purge_retry import PurgeRetryScreen
    from tui.conftest import make_app, settle

    _unique_old_case(session)
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.purge_due == 1 and app.role == "manager"
        reader = _reader(db_path)
        try:
            await pilot.press("ctrl+p", *"個人情報の削除")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("right", "enter")  # the question naming how many: はい
            for _ in range(500):  # the purge waits for the reader, then gives up
                await settle(pilot)
                if isinstance(app.screen, PurgeRetryScreen):
                    break
            assert isinstance(app.screen, PurgeRetryScreen)
            shown = str(app.screen.query_one("#purge-message").render())
            assert "ほかに開いている inspect-tui（または sqlite3）を閉じてから" in shown
            assert _in_file(db_path, "消える 太郎")
        finally:
            reader.execute("COMMIT")
            reader.close()
        await pilot.press("enter")  # もう一度
        for _ in range(500):
            await settle(pilot)
            if app.purge_due == 0 and not isinstance(app.screen, PurgeRetryScreen):
                break
        assert not isinstance(app.screen, PurgeRetryScreen)
        assert any("消去しました: 1 件" in n.message for n in app._notifications)
    assert not any(_in_file(db_path, v) for v in PURGED_VALUES)
