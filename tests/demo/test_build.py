"""The demo database: deterministic, the right size, every case plausible for today."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from collections import Counter
from pathlib import Path

import pytest

from inspect_tui.core.calendar import get_calendar
from inspect_tui.core.case_columns import DATE_FIELDS
from inspect_tui.core.district import DEFAULT_APPLICATION_KINDS
from inspect_tui.core.history import fold
from inspect_tui.core.months import add_months
from inspect_tui.core.steps import check_dates
from inspect_tui.demo.build import DEMO_SCENARIOS, build_demo
from inspect_tui.store.cases import derived_columns, to_dates
from inspect_tui.store.events import drift, state_columns, stored_columns, to_event

TODAY = dt.date(2027, 6, 15)
TABLES = ("surveyors", "cases", "case_events", "deadline_exceptions", "users", "settings")
CHIEFS = ("S001", "S002", "S003")


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, in rowid order (the whole file's content, whatever the schema), but
    the audit chain's own tables: the history records when it was written (the clock) and
    salts personal values with random bytes, so two builds never share those."""
    from inspect_tui.store.history import EXEMPT_TABLES

    with connect(path) as conn:
        names = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if r[0] not in EXEMPT_TABLES
        ]
        assert set(TABLES) <= set(names)
        return {t: [tuple(r) for r in conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid')] for t in names}


@pytest.fixture(scope="module")
def demo(demo_template: Path):
    conn = connect(demo_template)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def cases(demo: sqlite3.Connection) -> list[sqlite3.Row]:
    return demo.execute("SELECT * FROM cases ORDER BY id").fetchall()


# -- determinism -------------------------------------------------------------
def test_same_seed_and_today_give_identical_rows(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    build_demo(a, seed=7, today=TODAY, years=0.15)
    build_demo(b, seed=7, today=TODAY, years=0.15)
    build_demo(c, seed=8, today=TODAY, years=0.15)
    assert dump(a) == dump(b)
    assert dump(a)["cases"] != dump(c)["cases"]


def test_today_defaults_to_the_pinned_japan_date(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    build_demo(path, years=0.1)
    with connect(path) as conn:
        today = conn.execute("SELECT value FROM settings WHERE key = 'demo_today'").fetchone()[0]
        assert today == "2027-06-15"
        assert conn.execute("SELECT max(received_on) FROM cases").fetchone()[0] <= "2027-06-15"


# -- size and shape -------------------------------------------------------------
def test_about_14550_cases_a_year(cases: list[sqlite3.Row]) -> None:
    assert abs(len(cases) - 14_550 * 1.5) <= 0.05 * 14_550 * 1.5
    first = min(r["received_on"] for r in cases)
    assert dt.date.fromisoformat(first) >= TODAY - dt.timedelta(days=549)


def test_districts_scale_the_volume_and_staff(tmp_path: Path) -> None:
    path = tmp_path / "city.db"
    summary = build_demo(path, seed=3, today=TODAY, years=0.25, districts=2)
    assert "依頼" in summary
    with connect(path) as conn:
        n = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        wards = {r[0] for r in conn.execute("SELECT DISTINCT ward FROM cases")}
        staff = conn.execute("SELECT count(*) FROM surveyors").fetchone()[0]
    assert abs(n - 14_550 * 0.5) <= 0.05 * 14_550 * 0.5
    assert wards == {"長田区", "須磨区", "垂水区", "東灘区", "灘区", "中央区"}
    assert staff == 80


def test_seasons_show_in_the_volume(cases: list[sqlite3.Row]) -> None:
    cal = get_calendar()
    per_month = Counter(r["received_on"][:7] for r in cases)

    def per_business_day(ym: str) -> float:
        y, m = map(int, ym.split("-"))
        days = [dt.date(y, m, d) for d in range(1, 32) if _valid(y, m, d)]
        return per_month[ym] / sum(cal.is_business_day(d) for d in days)

    assert per_business_day("2027-03") > 1.08 * per_business_day("2026-11")
    assert per_business_day("2026-08") < per_business_day("2026-07")
    # the year-end closure and Golden Week: nothing received on closed days
    assert not any(r["received_on"] in ("2026-12-30", "2027-01-02", "2027-05-04") for r in cases)


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def test_shares_of_kinds(cases: list[sqlite3.Row]) -> None:
    n = len(cases)

    def share(pred) -> float:
        return sum(1 for r in cases if pred(r)) / n

    assert 0.02 <= share(lambda r: r["urgent"]) <= 0.04
    assert 0.03 <= share(lambda r: not r["is_home"]) <= 0.05
    assert 0.05 <= share(lambda r: r["welfare"]) <= 0.07
    assert 0.015 <= share(lambda r: r["status"] == "cancelled") <= 0.025
    assert 0.003 <= share(lambda r: r["status"] == "returned") <= 0.008
    assert all(r["is_home"] for r in cases if r["welfare"])
    assert all(r["insurer"] != "神戸市" for r in cases if not r["is_home"])
    assert {r["insurer"] for r in cases if not r["is_home"]} >= {"明石市", "芦屋市", "西宮市"}
    kinds = Counter(r["application"] for r in cases)
    # only the kinds district C's contract covers (seed 001 §3(5)①; config application_kinds)
    assert set(kinds) == set(DEFAULT_APPLICATION_KINDS) == {"新規", "区分変更"}
    assert kinds["新規"] > kinds["区分変更"] and "更新" not in kinds


# -- every case plausible for today ------------------------------------------
def test_every_case_passes_the_date_rules_and_has_its_status(cases: list[sqlite3.Row]) -> None:
    cal = get_calendar()
    for r in cases:
        d = to_dates(r)
        assert check_dates(d) == [], r["case_no"]
        assert all(v is None or v <= TODAY for v in d.values()), r["case_no"]
        assert cal.is_business_day(d["received_on"])
        assert d["dispatched_on"] in (d["received_on"], cal.add_business_days(d["received_on"], -1))
        if d["accepted_on"] and r["cycles"] == 1 and r["last_submitted_on"] == r["submitted_on"]:
            assert 2 <= cal.business_days_between(d["submitted_on"], d["accepted_on"]) <= 7
        if r["status"] in ("cancelled", "returned"):
            assert d["accepted_on"] is None


def test_stored_deadlines_are_what_the_calendar_gives(cases: list[sqlite3.Row]) -> None:
    cal = get_calendar()
    for r in cases:
        expected = derived_columns(dict(r), cal)
        if r["cycles"] > 1 or r["last_submitted_on"] != r["submitted_on"]:  # status: from its events
            expected = {k: v for k, v in expected.items() if k.endswith("_due")}
        assert {k: r[k] for k in expected} == expected, r["case_no"]


def test_recent_cases_are_at_every_step_and_old_ones_closed(cases: list[sqlite3.Row]) -> None:
    recent = Counter(r["status"] for r in cases if r["received_on"] >= "2027-06-01")
    assert all(recent[s] > 0 for s in ("received", "contacted", "visited", "submitted", "accepted"))
    old = Counter(r["status"] for r in cases if r["received_on"] < "2027-04-01")
    assert set(old) <= {"accepted", "cancelled", "returned"}


def test_some_cases_are_overdue_today(cases: list[sqlite3.Row]) -> None:
    today = TODAY.isoformat()
    open_ = [r for r in cases if r["status"] in ("received", "contacted", "visited")]
    late_contact = [r for r in open_ if r["contacted_on"] is None and r["contact_due"] < today]
    late_standard = [r for r in open_ if r["standard_due"] < today]
    late_20 = [r for r in open_ if r["target20_due"] < today]
    assert 3 <= len(late_contact) <= 30
    assert 3 <= len(late_20) <= 30
    assert 3 <= len(late_standard) <= 150


def test_replaying_the_events_gives_each_case_its_state(
    demo: sqlite3.Connection, cases: list[sqlite3.Row]
) -> None:
    events: dict[int, list[sqlite3.Row]] = {}
    for e in demo.execute("SELECT * FROM case_events ORDER BY id"):
        events.setdefault(e["case_id"], []).append(e)
        assert e["recorded_at"].startswith(e["on_date"])
        assert e["note"] and e["source"] == "demo"
    kinds = Counter()
    for r in cases:
        evs = [to_event(e) for e in events.get(r["id"], [])]
        state = fold(evs)
        assert state.anomalies == (), r["case_no"]  # every step keeps the order rules
        assert state_columns(state) == stored_columns(r), r["case_no"]
        kinds.update(e.kind for e in evs)
        assert r["version"] == len(evs)
    assert drift(type("Db", (), {"conn": demo})()) == []  # the same check audit verify makes
    assert set(kinds) == {
        "received", "contact", "visit", "submit", "query", "answer", "return-for-fix", "resubmit",
        "accept", "accept-cancel", "cancel", "return", "resurvey",
    }  # fmt: skip
    assert 10 <= kinds["resurvey"] <= 150
    for kind in ("query", "return-for-fix", "accept-cancel"):
        assert 20 <= kinds[kind] <= 1500, kind


def test_deadline_exceptions(demo: sqlite3.Connection) -> None:
    rows = demo.execute("SELECT * FROM deadline_exceptions").fetchall()
    assert 5 <= len(rows) <= 400
    assert {r["cause"] for r in rows} == {"city", "applicant"}
    assert {r["kind"] for r in rows} == {"exclude"}
    assert all(r["reason"] and r["recorded_at"][:10] <= TODAY.isoformat() for r in rows)


# -- staff and the first-ten review ----------------------------------------------
def test_staff(demo: sqlite3.Connection) -> None:
    staff = demo.execute("SELECT * FROM surveyors").fetchall()
    assert 38 <= len(staff) <= 42
    working = [s for s in staff if s["left_on"] is None]
    for group in (staff, working):
        assert sum(s["qualification"] == "other" for s in group) / len(group) <= 0.30
    chiefs = {s["wards"]: s["code"] for s in staff if s["is_chief"]}
    assert chiefs == DEMO_SCENARIOS["chiefs"]
    assert len(staff) - len(working) >= 2
    soon = [
        s["code"]
        for s in working
        if s["expires_on"] and s["expires_on"] <= (TODAY + dt.timedelta(days=60)).isoformat()
    ]
    assert soon == [DEMO_SCENARIOS["expiring_registration"]]
    assert all(s["registration_no"] for s in staff if s["qualification"] == "care_manager")
    left = {s["code"]: s["left_on"] for s in staff if s["left_on"]}
    for code, left_on in left.items():
        last = demo.execute(
            "SELECT max(coalesce(accepted_on, cancelled_on, returned_on, '9999')) FROM cases"
            " WHERE surveyor = ?",
            (code,),
        ).fetchone()[0]
        assert last < left_on
    unassigned = demo.execute("SELECT count(*) FROM cases WHERE surveyor IS NULL").fetchone()[0]
    assert unassigned == 0


def solo_forms(demo: sqlite3.Connection, code: str) -> list[sqlite3.Row]:
    """Visited, not cancelled or handed back, not accompanied by a chief (core.review.is_solo)."""
    return demo.execute(
        "SELECT * FROM cases WHERE surveyor = ? AND visited_on IS NOT NULL AND cancelled_on IS NULL"
        " AND returned_on IS NULL AND (accompanied_by IS NULL OR accompanied_by NOT IN"
        " (SELECT code FROM surveyors WHERE is_chief = 1)) ORDER BY visited_on, case_no",
        (code,),
    ).fetchall()


def test_new_hires_are_at_different_points_of_their_first_ten(demo: sqlite3.Connection) -> None:
    hires = demo.execute(
        "SELECT code, placed_on FROM surveyors WHERE placed_on > ? ORDER BY code",
        ((TODAY - dt.timedelta(days=365)).isoformat(),),
    ).fetchall()
    assert [h["code"] for h in hires] == sorted(DEMO_SCENARIOS["new_hires"])
    solo = {h["code"]: len(solo_forms(demo, h["code"])) for h in hires}
    assert solo["S038"] == 10
    assert solo["S039"] == 6
    assert solo["S037"] == 7
    assert solo["S040"] > 10
    placed = {h["code"]: dt.date.fromisoformat(h["placed_on"]) for h in hires}
    assert 55 <= (TODAY - placed["S038"]).days <= 65
    assert 84 <= (TODAY - placed["S037"]).days <= 88
    for code, first_accompanied in (("S037", 4), ("S038", 5), ("S039", 3), ("S040", 3)):
        rows = demo.execute(
            "SELECT visited_on, accompanied_by, ward FROM cases WHERE surveyor = ? AND visited_on IS NOT NULL"
            " AND cancelled_on IS NULL AND returned_on IS NULL ORDER BY visited_on, case_no",
            (code,),
        ).fetchall()
        assert [r["accompanied_by"] in CHIEFS for r in rows[: first_accompanied + 1]] == (
            [True] * first_accompanied + [False]
        ), code
        assert all(r["visited_on"] >= placed[code].isoformat() for r in rows)
        assert all(
            r["accompanied_by"] == DEMO_SCENARIOS["chiefs"][r["ward"]] for r in rows[:first_accompanied]
        )


# -- personal data ------------------------------------------------------------------
def test_personal_data_is_clearly_synthetic(cases: list[sqlite3.Row]) -> None:
    kept = [r for r in cases if r["personal_purged_on"] is None]
    assert kept
    assert all(len(r["insured_no"]) == 10 and r["insured_no"].startswith("99") for r in kept)
    assert len({r["insured_no"] for r in kept}) == len(kept)
    for r in kept:
        age = (dt.date.fromisoformat(r["received_on"]) - dt.date.fromisoformat(r["birth_date"])).days / 365.25
        assert 65 <= age <= 101
        assert " " in r["applicant_name"]
    purged = [r for r in cases if r["personal_purged_on"]]
    assert all(r["insured_no"] is None and r["applicant_name"] is None for r in purged)
    assert all(r["personal_purged_on"] <= TODAY.isoformat() for r in purged)
    # retention: purged on the first business day of the month after three months from the
    # form's last submission (or, never submitted, the cancellation or return)
    for r in purged:
        closed = dt.date.fromisoformat(r["last_submitted_on"] or r["cancelled_on"] or r["returned_on"])
        assert r["personal_purged_on"] >= add_months(closed, 3).isoformat()
        assert r["personal_purged_on"][8:] <= "07"  # a monthly purge, early in the month


def test_settings_users_and_permissions(demo_db: Path) -> None:
    assert not Path(str(demo_db) + "-wal").exists()
    with connect(demo_db) as conn:
        settings = dict(conn.execute("SELECT key, value FROM settings").fetchall())
        users = conn.execute("SELECT login, role FROM users").fetchall()
    assert settings["demo"] == "1"
    assert ("tester", "manager") in [tuple(u) for u in users]
    assert stat.S_IMODE(demo_db.stat().st_mode) == 0o600


# -- writing the file ----------------------------------------------------------------
def test_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    path.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        build_demo(path, today=TODAY, years=0.1)
    assert path.read_bytes() == b"keep me"
    with pytest.raises(FileExistsError, match="デモ用データベースではありません"):
        build_demo(path, today=TODAY, years=0.1, force=True)  # --force replaces only a demo
    assert path.read_bytes() == b"keep me"
    path.unlink()
    build_demo(path, today=TODAY, years=0.1)
    build_demo(path, today=TODAY, years=0.1, seed=3, force=True)  # a demo may be rebuilt
    with connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] > 0
        assert conn.execute("SELECT value FROM settings WHERE key = 'demo_seed'").fetchone()[0] == "3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_failure_leaves_no_file_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from inspect_tui.demo import gen as demo_gen

    def boom(self, sink, chunk=20_000):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(demo_gen.Generator, "run", boom)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(RuntimeError):
        build_demo(folder / "d.db", today=TODAY, years=0.1)
    assert list(folder.iterdir()) == []


def test_rejects_nonsense_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="年数"):
        build_demo(tmp_path / "d.db", today=TODAY, years=0)
    with pytest.raises(ValueError, match="地区"):
        build_demo(tmp_path / "d.db", today=TODAY, districts=0)
    assert not (tmp_path / "d.db").exists()


def test_date_fields_cover_the_schema() -> None:
    assert set(DATE_FIELDS) <= {
        "received_on",
        "dispatched_on",
        "contacted_on",
        "visited_on",
        "submitted_on",
        "accepted_on",
        "cancelled_on",
        "returned_on",
    }


def test_chief_accompanied_visits_are_recorded(demo: sqlite3.Connection) -> None:
    tables = {r[0] for r in demo.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "accompanied_visits" not in tables:
        pytest.skip("no accompanied_visits table in this schema")
    visits = Counter(r[0] for r in demo.execute("SELECT surveyor FROM accompanied_visits"))
    assert visits == {"S037": 4, "S038": 5, "S039": 3, "S040": 3}


@pytest.mark.parametrize(
    ("today", "years"),
    [(dt.date(2027, 1, 2), 0.25), (dt.date(2026, 5, 5), 0.2), (dt.date(2027, 6, 15), 0.02)],
    ids=["year-end-closure", "golden-week", "three-weeks"],
)
def test_any_today_gives_plausible_cases(tmp_path: Path, today: dt.date, years: float) -> None:
    path = tmp_path / "d.db"
    build_demo(path, seed=5, today=today, years=years)
    cal = get_calendar()
    with connect(path) as conn:
        rows = conn.execute("SELECT * FROM cases").fetchall()
    assert rows
    for r in rows:
        d = to_dates(r)
        assert check_dates(d) == []
        assert all(v is None or v <= today for v in d.values())
        assert cal.is_business_day(d["received_on"])
        assert {k: r[k] for k in ("contact_due", "standard_due")} == {
            k: v for k, v in derived_columns(dict(r), cal).items() if k in ("contact_due", "standard_due")
        }


def test_rows_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    import hashlib
    import os
    import subprocess
    import sys

    code = (
        "import datetime as dt, sys; from inspect_tui.demo.build import build_demo; "
        "build_demo(sys.argv[1], seed=2, today=dt.date(2027, 6, 15), years=0.1)"
    )
    digests = []
    for hash_seed in ("1", "2"):
        path = tmp_path / f"h{hash_seed}.db"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=env)
        digests.append(hashlib.sha256(repr(dump(path)).encode()).hexdigest())
    assert digests[0] == digests[1]


def test_new_hires_review_is_part_way(demo: sqlite3.Connection) -> None:
    tables = {r[0] for r in demo.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "review_checks" not in tables:
        pytest.skip("no review tables in this schema")
    forms = dict(demo.execute("SELECT surveyor, count(*) FROM review_forms GROUP BY surveyor").fetchall())
    assert forms == {"S037": 7, "S038": 10, "S039": 6, "S040": 10}
    done = Counter(
        r[0]
        for r in demo.execute("SELECT surveyor FROM review_checks WHERE kind = 'focused' AND state = 'done'")
    )
    drafts = Counter(r[0] for r in demo.execute("SELECT surveyor FROM review_checks WHERE state = 'draft'"))
    assert done == {"S037": 6, "S038": 9, "S039": 5, "S040": 10}
    assert drafts == {"S037": 1, "S039": 1}  # S038's tenth waits untouched for demo-s001
    # every finished focused check is of a numbered form, by the ward's chief, on or before submission
    rows = demo.execute(
        "SELECT k.inspector, k.checked_on, c.submitted_on, c.ward FROM review_checks k"
        " JOIN cases c ON c.id = k.case_id JOIN review_forms f ON f.case_id = c.id"
        " WHERE k.kind = 'focused' AND k.state = 'done'"
    ).fetchall()
    assert len(rows) == 30
    assert all(r[0] == DEMO_SCENARIOS["chiefs"][r[3]] and r[1] <= r[2] for r in rows)
    closures = [tuple(r) for r in demo.execute("SELECT surveyor, verdict FROM review_closures")]
    assert closures == [("S040", "improving")]
    followups = demo.execute(
        "SELECT surveyor, kind FROM review_checks WHERE kind LIKE 'followup%'"
    ).fetchall()
    assert [tuple(r) for r in followups] == [("S040", "followup3")]
    roles = dict(demo.execute("SELECT login, role FROM users WHERE login LIKE 'demo-%'").fetchall())
    assert roles == {
        "demo-s001": "chief",
        "demo-s002": "chief",
        "demo-s003": "chief",
        "demo-monitor": "monitor",
        "demo-manager": "manager",
    }


def test_submissions_were_inspected_by_someone_other_than_their_author(demo: sqlite3.Connection) -> None:
    """The demo's office inspects before submission (issue 13 item 6): this fiscal year's and
    last year's submissions have a record, by a chief other than the author, a few with a
    finding, a few let through by a manager with the reason; older ones have none."""
    rows = demo.execute(
        "SELECT sc.basis, sc.source, sc.reason, c.surveyor, i.inspector_code, i.result"
        " FROM submission_checks sc JOIN cases c ON c.id = sc.case_id"
        " LEFT JOIN inspections i ON sc.source LIKE 'inspection:%'"
        " AND i.id = CAST(substr(sc.source, 12) AS INTEGER)"
    ).fetchall()
    basis = Counter(r["basis"] for r in rows)
    assert basis["inspected"] > 1000 and 0 < basis["unchecked"] < basis["inspected"] / 100
    inspected = [r for r in rows if r["source"] and r["source"].startswith("inspection:")]
    assert all(r["inspector_code"] in CHIEFS and r["inspector_code"] != r["surveyor"] for r in inspected)
    results = Counter(r["result"] for r in inspected)
    assert 0.1 < results["findings"] / len(inspected) < 0.25
    assert all(r["reason"] for r in rows if r["basis"] == "unchecked")
    assert any(r["source"].startswith("review_check:") for r in rows if r["source"])
    start = dt.date(TODAY.year - 1 if TODAY.month >= 4 else TODAY.year - 2, 4, 1).isoformat()
    uncovered = demo.execute(
        "SELECT COUNT(*) FROM cases c WHERE c.submitted_on >= ?"
        " AND NOT EXISTS (SELECT 1 FROM submission_checks sc WHERE sc.case_id = c.id)",
        (start,),
    ).fetchone()[0]
    assert uncovered == 0
    older = demo.execute(
        "SELECT COUNT(*) FROM submission_checks WHERE submitted_on < ?", (start,)
    ).fetchone()[0]
    assert older == 0
