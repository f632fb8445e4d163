"""The demo database: a realistic, synthetic district C (長田区・須磨区・垂水区).

``build_demo(path, seed=1, today=None, years=1.5, force=False, districts=1)``
writes about 14,550 cases a year per district over the span ending at today,
with about 40 surveyors per district, every case in a plausible state for
today, and fixed scenarios a screen or a test can rely on (see demo_staff for
the roster and the new hires; ``DEMO_SCENARIOS`` below summarises them).

It builds into ``PATH.tmp`` and renames it into place, so a failure never
leaves a half-built demo; it refuses to overwrite an existing file unless
``force=True``. Same seed and today give byte-identical table contents (only
the login in ``users`` depends on who runs it).

What a screen or a test can rely on (district 1; see DEMO_SCENARIOS):

- chiefs S001 長田区, S002 須磨区, S003 垂水区 (is_chief = 1); S035 and S036 have
  left (all their cases closed before left_on); S010's care-manager
  registration expires 45 days after today; 'other' qualification 10 of 40.
- new hires (solo form = visited, not cancelled or handed back, not
  accompanied by a chief): S038 (長田区) placed 60 days ago, 5 chief-accompanied
  visits then 10 solo, forms 1-9 checked and the 10th waiting in demo-s001's queue;
  S039 35 days ago, 3 + 6; S037 86 days ago, 4 + 7, its 3-month follow-up due in a
  few days; S040 200 days ago, 3 accompanied then an ordinary workload (100 or so
  solo forms), its ten checked with guidance per finding, the later checks' looks
  at it (改善, once 継続指導 then 改善), the chief's confirmation and a blind check of
  one form asked of S002 (demo-s002) and waiting. Accompanied visits are also
  written to accompanied_visits when the schema has that table.
- today: recent cases at every step; at least three not contacted 3+ business
  days after receipt, four past the 20-day target and not submitted (one
  excluded for the applicant's hospital stay), a dozen or more past the
  standard deadline; a few re-surveys (case_events kind 'resurvey'), queries and
  answers, returns for fixing and resubmissions, cancelled acceptances (every case
  row is what its events fold to: store.events.drift finds nothing);
  deadline_exceptions with causes 'city' and 'applicant'.
- inspections before submission (demo/inspections.py): every submission since the
  start of the previous fiscal year inspected by a chief other than its author (one
  in six with a finding), a few recent ones let through without (a manager's
  override); older ones have no record, like forms that came with the city's list.
- survey form contents (demo/forms.py) for the new hires' numbered forms and every form
  waiting for its inspection, with the slips a new surveyor makes (points to mark).
- personal data of cases closed more than three months ago is purged at a
  monthly run (personal_purged_on, the first business day of a month), so a
  few hundred closed cases are due for purging ("purge --dry-run").
- settings: demo = 1, demo_seed, demo_today, demo_years, demo_districts.

``districts=N`` makes a "city" of N districts (3 wards and 40 surveyors each;
district 2 is 東灘区・灘区・中央区, district 3 兵庫区・北区・西区, later ones
fictional), for benchmarks: cases scale linearly with years × districts.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from inspect_tui.core.calendar import SUPPORTED_FROM, SUPPORTED_TO, get_calendar
from inspect_tui.core.deadlines import case_rules
from inspect_tui.core.today import today_jp
from inspect_tui.demo.contract import seed_contract
from inspect_tui.demo.forms import seed_forms
from inspect_tui.demo.gen import Generator
from inspect_tui.demo.inspections import seed_inspections
from inspect_tui.demo.reviews import add_demo_users, seed_reviews
from inspect_tui.demo.rows import (
    EVENT_COLUMNS,
    EXCEPTION_COLUMNS,
    Output,
    Tally,
    case_insert_columns,
)
from inspect_tui.demo.staff import NEW_HIRES, SURVEYOR_COLUMNS, code_of, seed_staff_records
from inspect_tui.store.connection import utils_view
from inspect_tui.store.db import Database, open_database, rollback
from inspect_tui.store.users import register_owner_as_manager

MAX_YEARS = 30
#: What the demo holds, by generation: a demo built by an app with a lower number is rebuilt
#: on ``--demo`` even on the day it was made (2: survey form contents and demo-manager; 3: only
#: the kinds of application the contract covers, no 更新, and the first-ten scenarios of issue 17:
#: guidance per finding and its follow-through, a confirmation, a blind check waiting).
DEMO_VERSION = 5
MAX_DISTRICTS = 100
CACHE_KIB = 256 * 1024  # page cache while building (KiB)
ACCOMPANIED_COLUMNS = {"surveyor", "chief", "on_date", "purpose", "case_id", "recorded_at", "who"}
ACCOMPANIED_PURPOSE = "新任調査員の同行訪問（訪問調査の進め方・特記事項の書き方の指導）"

#: What a test or a screen can count on in district 1 (codes for district k add 40 × (k-1)).
DEMO_SCENARIOS = {
    "chiefs": {"長田区": "S001", "須磨区": "S002", "垂水区": "S003"},
    "expiring_registration": "S010",  # care-manager registration expires today + 45 days
    "left": ("S035", "S036"),
    "new_hires": {code_of(0, h.n): h.label for h in NEW_HIRES},
}


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _remove(paths: list[Path]) -> None:
    for p in paths:
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def build_demo(
    path: Path | str,
    seed: int = 1,
    today: dt.date | str | None = None,
    years: float = 1.5,
    force: bool = False,
    *,
    districts: int = 1,
) -> str:
    """Build the demo database at path; return a short Japanese summary of what is in it."""
    path = Path(path).expanduser()
    if not 0 < years <= MAX_YEARS:
        raise ValueError(f"年数は 0 より大きく {MAX_YEARS} 以下にしてください（{years}）")
    if not 1 <= districts <= MAX_DISTRICTS:
        raise ValueError(f"地区の数は 1〜{MAX_DISTRICTS} にしてください（{districts}）")
    if path.exists() and not force:
        raise FileExistsError(f"{path} はもうあります（上書きするなら --force）")
    if path.exists() and path.stat().st_size > 0 and not is_demo(path):
        # --force replaces a demo, never a real database: that would erase what is recorded
        raise FileExistsError(f"{path} はデモ用データベースではありません。--force でも上書きしません")
    if isinstance(today, str):
        today = dt.date.fromisoformat(today)
    if isinstance(today, dt.datetime):
        today = today.date()
    if today is None:
        today = today_jp()
    if not SUPPORTED_FROM <= today <= SUPPORTED_TO:  # the calendar's range (and no date arithmetic overflow)
        raise ValueError(f"「今日」は {SUPPORTED_FROM}〜{SUPPORTED_TO} の日にしてください（{today}）")
    tmp = path.with_name(path.name + ".tmp")
    _remove([tmp, *_sidecars(tmp)])
    try:
        db = open_database(tmp)
        try:
            tally = _fill(db, seed=seed, today=today, years=years, districts=districts)
        finally:
            db.close()
        _remove(_sidecars(tmp))
        _remove(_sidecars(path))  # an old demo's WAL must not be applied to the new file
        os.replace(tmp, path)
    except BaseException:
        _remove([tmp, *_sidecars(tmp)])
        raise
    return _summary(tally, districts)


def _fill(db: Database, *, seed: int, today: dt.date, years: float, districts: int) -> Tally:
    conn = db.conn
    conn.execute("PRAGMA journal_mode = MEMORY")  # a throw-away file until renamed
    conn.execute("PRAGMA synchronous = OFF")
    gen = Generator(get_calendar(), seed, today, years, districts)
    stamp = f"{today.isoformat()}T08:30:00+09:00"
    case_sql = _insert_sql("cases", case_insert_columns())
    event_sql = _insert_sql("case_events", EVENT_COLUMNS)
    exception_sql = _insert_sql("deadline_exceptions", EXCEPTION_COLUMNS)

    def sink(out: Output) -> None:
        conn.executemany(case_sql, out.cases)
        conn.executemany(event_sql, out.events)
        conn.executemany(exception_sql, out.exceptions)

    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("BEGIN")
    try:
        # secondary indexes are built once at the end: much faster than row by row
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name IN ('cases', 'case_events', 'deadline_exceptions') ORDER BY name"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.executemany(_insert_sql("surveyors", SURVEYOR_COLUMNS), [s.row(stamp) for s in gen.staff])
        gen.run(sink)
        for _, sql in indexes:
            conn.execute(sql)
        _record_accompanied_visits(conn)
        register_owner_as_manager(db, stamp)  # whoever builds the demo is its manager
        add_demo_users(conn, gen.staff, stamp)
        gen.tally.review_checks = seed_reviews(conn, gen.staff, today, seed)
        gen.tally.inspected = seed_inspections(conn, gen.staff, today)
        gen.tally.forms = seed_forms(conn, stamp)
        seed_contract(conn, gen.staff, today)
        seed_staff_records(conn, gen.staff, today)
        conn.executemany(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
            [
                ("demo", "1"),
                ("demo_seed", str(seed)),
                ("demo_today", today.isoformat()),
                ("demo_years", f"{years:g}"),
                ("demo_districts", str(districts)),
                ("demo_version", str(DEMO_VERSION)),
            ],
        )
        conn.execute("UPDATE users SET created_at = ?", (stamp,))
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    conn.execute("PRAGMA journal_mode = WAL")
    return gen.tally


def _record_accompanied_visits(conn: sqlite3.Connection) -> None:
    """A chief's accompanied visits (同行訪問) with new surveyors, where the schema has them."""
    if not ACCOMPANIED_COLUMNS <= set(utils_view(conn)["accompanied_visits"].columns_dict):
        return
    conn.execute(
        "INSERT INTO accompanied_visits (surveyor, chief, on_date, purpose, case_id, recorded_at, who)"
        " SELECT c.surveyor, c.accompanied_by, c.visited_on, ?, c.id,"
        " c.visited_on || 'T18:00:00+09:00', c.accompanied_by"
        " FROM cases c JOIN surveyors s ON s.code = c.accompanied_by AND s.is_chief = 1"
        " ORDER BY c.visited_on, c.case_no",
        (ACCOMPANIED_PURPOSE,),
    )


def _summary(t: Tally, districts: int) -> str:
    s = t.by_status
    open_n = sum(s.get(k, 0) for k in ("received", "contacted", "visited", "submitted"))
    overdue = "・".join(f"{rule.label} {t.overdue.get(rule.id, 0)} 件" for rule in case_rules())
    return (
        f"依頼 {t.cases:,} 件（依頼受理日 {t.first_received}〜{t.last_received}、{districts * 3} 区）、"
        f"調査員 {districts * 40} 人（新任 {districts * len(NEW_HIRES)} 人）\n"
        f"処理中 {open_n:,} 件（未連絡 {s.get('received', 0):,}・調整済 {s.get('contacted', 0):,}・"
        f"訪問済 {s.get('visited', 0):,}・提出済 {s.get('submitted', 0):,}）、"
        f"受理 {s.get('accepted', 0):,} 件、中止 {s.get('cancelled', 0):,} 件、"
        f"返却 {s.get('returned', 0):,} 件\n"
        f"期限超過: {overdue}、期限除外 {t.exceptions} 件、記録 {t.events:,} 件、"
        f"新任の重点チェック {t.review_checks} 件、提出前の点検記録 {t.inspected:,} 件、"
        f"調査票の内容 {t.forms:,} 件"
    )


def is_demo(path: Path) -> bool:
    """True when the file at path is a demo database (built by build_demo)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return bool(row and row[0] == "1")


def ensure_demo(path: Path, today: dt.date | None = None) -> bool:
    """Build the demo at path if it is missing, was built for another day, or by an app
    whose demo holds less (DEMO_VERSION).

    The demo is a picture of "today": a demo built last week would show last
    week's deadlines as overdue. Returns True when it (re)built the file.
    """

    today = today or today_jp()
    if path.exists():
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                got = dict(
                    conn.execute(
                        "SELECT key, value FROM settings WHERE key IN ('demo_today', 'demo_version')"
                    ).fetchall()
                )
            finally:
                conn.close()
        except sqlite3.Error:
            got = {}
        if got.get("demo_today") == today.isoformat() and got.get("demo_version") == str(DEMO_VERSION):
            return False
    build_demo(path, today=today, force=True)
    return True
