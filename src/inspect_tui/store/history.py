"""Every row the app writes, recorded by the database itself into the hash chain.

sqlite-history style: for each table in ``CHAINED_TABLES`` four triggers (insert,
update, update that changes the key, delete) append one audit_log row per changed
row, with the row's full new content as JSON (``after_json``; a delete has none),
``entity`` = the table, ``key`` = its primary key as text and ``action`` =
``row.insert`` / ``row.update`` / ``row.delete`` (``row.baseline``: the row as it
was when the history began). Nothing in the app has to remember to call it, and
the app's own audit rows (``record_audit``: who did what, in words) sit in the
same chain. The hash is computed by the app: ``audit_hash`` is a Python function
registered on every connection (store/chain_functions.py), called by the
triggers; the head (audit_head) moves in the same statement.

Personal columns (core.masking.PERSONAL_FIELDS: applicant name, insured number,
date of birth; and LOG_HIDDEN_FIELDS's copy of a survey form) are recorded as salted
hashes (``audit_hide``) with a salt per row
in ``audit_salt``; the purge erases the row's salt with its values, so the log
never becomes a copy of personal data that outlives the purge.

The triggers are made from the live schema (every column), by ``install`` after
migrations; a table whose triggers are new or changed gets a baseline record of
each of its rows, so the chain knows every row from then on.

``live_differences`` replays the log (the newest record of each key) and compares
it with the live tables: a row changed, added or removed behind the app's back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

from inspect_tui.core.masking import LOG_HIDDEN_FIELDS
from inspect_tui.core.records import record

#: Every table whose rows are in the chain. A new table goes here (or in EXEMPT_TABLES, with
#: the reason): tests/store/test_history_schema.py fails for a table in neither.
CHAINED_TABLES: tuple[str, ...] = (
    "surveyors",
    "cases",
    "case_events",
    "deadline_exceptions",
    "users",
    "settings",
    "review_forms",
    "review_checks",
    "review_points",
    "review_findings",
    "review_closures",
    "review_followthrough",
    "review_confirmations",
    "accompanied_visits",
    "complaints",
    "incidents",
    "problems",
    "problem_links",
    "billing_months",
    "billed_cases",
    "month_snapshots",
    "inspections",
    "inspection_findings",
    "submission_checks",
    "survey_forms",
    "form_point_marks",
    "deliverable_records",
    "meetings",
    "trainings",
    "training_attendees",
    "staff_entries",
    "review_assignments",
    "audit_seal",
)

#: Tables kept out of the chain, and why.
EXEMPT_TABLES: dict[str, str] = {
    "audit_log": "the chain itself",
    "audit_head": "the chain's head (checked against the chain by verify)",
    "audit_salt": "the salts of personal values (erased with them on purge; no salt, no check)",
    # migration 0021: the trigram index of case numbers, derived from cases.case_no by its
    # triggers ('rebuild' makes it again from cases); an FTS5 table and its shadow tables
    "cases_no_fts": "an index of cases.case_no (derived; rebuilt from the chained cases)",
    "cases_no_fts_data": "cases_no_fts's segments",
    "cases_no_fts_idx": "cases_no_fts's segment index",
    "cases_no_fts_config": "cases_no_fts's settings",
}

TRIGGER_PREFIX = "history_"
_NOW = "strftime('%Y-%m-%dT%H:%M:%S+09:00', 'now', '+9 hours')"


@record(frozen=True)
class TableShape:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # primary key columns, in key order

    @property
    def personal(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c in LOG_HIDDEN_FIELDS)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def shape(conn: sqlite3.Connection, table: str) -> TableShape | None:
    """The table's columns and primary key from the live schema (None: no such table)."""
    info = conn.execute(f"PRAGMA table_info({_q(table)})").fetchall()
    if not info:
        return None
    cols = tuple(r[1] for r in info)
    key = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])) or ("rowid",)
    return TableShape(table, cols, key)


def key_sql(t: TableShape, row: str) -> str:
    """The row's key as text: the primary key, or a JSON array of a composite one."""
    if len(t.key) == 1:
        return f"CAST({row}.{_q(t.key[0])} AS TEXT)"
    return "json_array(" + ", ".join(f"{row}.{_q(c)}" for c in t.key) + ")"


def _salt_sql(t: TableShape, row: str) -> str:
    return f"(SELECT salt FROM audit_salt WHERE tbl = {_lit(t.name)} AND key = {key_sql(t, row)})"


def content_sql(t: TableShape, row: str) -> str:
    """The row's full content as the log records it (personal values as salted hashes)."""
    parts = []
    for c in t.columns:
        value = f"{row}.{_q(c)}"
        if c in LOG_HIDDEN_FIELDS:
            value = f"audit_hide({_salt_sql(t, row)}, {value})"
        parts.append(f"{_lit(c)}, {value}")
    return "json_object(" + ", ".join(parts) + ")"


def _log_sql(t: TableShape, op: str, row: str, with_content: bool) -> str:
    content = content_sql(t, row) if with_content else "NULL"
    return (
        "INSERT INTO audit_log (id, at, who, action, entity, key, before_json, after_json, prev_hash, hash)"
        f" SELECT n, t, w, a, {_lit(t.name)}, k, NULL, j, p,"
        f" audit_hash(p, n, t, w, a, {_lit(t.name)}, k, NULL, j)"
        f" FROM (SELECT last_id + 1 AS n, {_NOW} AS t, audit_who() AS w, {_lit('row.' + op)} AS a,"
        f" {key_sql(t, row)} AS k, {content} AS j, hash AS p FROM audit_head WHERE one = 1);\n"
        "UPDATE audit_head SET last_id = last_id + 1,"
        " hash = (SELECT l.hash FROM audit_log l WHERE l.id = audit_head.last_id + 1) WHERE one = 1;\n"
    )


def _salt_new(t: TableShape, row: str) -> str:
    if not t.personal:
        return ""
    has = " OR ".join(f"{row}.{_q(c)} IS NOT NULL" for c in t.personal)
    return (
        f"INSERT OR IGNORE INTO audit_salt (tbl, key, salt) SELECT {_lit(t.name)}, {key_sql(t, row)},"
        f" randomblob(16) WHERE {has};\n"
    )


def _salt_gone(t: TableShape, row: str) -> str:
    if not t.personal:
        return ""
    return f"DELETE FROM audit_salt WHERE tbl = {_lit(t.name)} AND key = {key_sql(t, row)};\n"


def triggers_sql(t: TableShape) -> dict[str, str]:
    """The four triggers of a table, by name."""
    n, on = t.name, _q(t.name)
    same_key = " AND ".join(f"OLD.{_q(c)} IS NEW.{_q(c)}" for c in t.key)
    p = TRIGGER_PREFIX + n
    return {
        f"{p}_insert": f"CREATE TRIGGER {_q(p + '_insert')} AFTER INSERT ON {on} BEGIN\n"
        + _salt_new(t, "NEW")
        + _log_sql(t, "insert", "NEW", True)
        + "END",
        f"{p}_update": f"CREATE TRIGGER {_q(p + '_update')} AFTER UPDATE ON {on} WHEN {same_key} BEGIN\n"
        + _salt_new(t, "NEW")
        + _log_sql(t, "update", "NEW", True)
        + "END",
        f"{p}_rekey": f"CREATE TRIGGER {_q(p + '_rekey')} AFTER UPDATE ON {on} WHEN NOT ({same_key}) BEGIN\n"
        + _log_sql(t, "delete", "OLD", False)
        + _salt_gone(t, "OLD")
        + _salt_new(t, "NEW")
        + _log_sql(t, "insert", "NEW", True)
        + "END",
        f"{p}_delete": f"CREATE TRIGGER {_q(p + '_delete')} AFTER DELETE ON {on} BEGIN\n"
        + _log_sql(t, "delete", "OLD", False)
        + _salt_gone(t, "OLD")
        + "END",
    }


def chained_shapes(conn: sqlite3.Connection) -> Iterator[TableShape]:
    for name in CHAINED_TABLES:
        t = shape(conn, name)
        if t is not None:
            yield t


def installed(conn: sqlite3.Connection) -> dict[str, str]:
    """The history triggers in the file, by name (their SQL)."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ESCAPE '\\'",
        (TRIGGER_PREFIX.replace("_", "\\_") + "%",),
    )
    return {r[0]: r[1] for r in rows}


def install(conn: sqlite3.Connection) -> int:
    """Create (or remake) the triggers of every chained table from the live schema, in the
    caller's transaction; a table whose triggers were missing or different is snapshotted
    (one ``row.baseline`` record per row). Returns how many rows were snapshotted."""
    have = installed(conn)
    snapshotted = 0
    for t in chained_shapes(conn):
        wanted = triggers_sql(t)
        if all(have.get(name) == sql for name, sql in wanted.items()):
            continue
        for name in wanted:
            conn.execute(f"DROP TRIGGER IF EXISTS {_q(name)}")
        for sql in wanted.values():
            conn.execute(sql)
        snapshotted += _baseline(conn, t)
    return snapshotted


def _baseline(conn: sqlite3.Connection, t: TableShape) -> int:
    """One ``row.baseline`` record per row of the table, chained from the head (the rows
    are read, never updated: a table may refuse updates, as an append-only one does)."""
    from inspect_tui.store.chain_functions import row_hash

    if t.personal:
        has = " OR ".join(f"x.{_q(c)} IS NOT NULL" for c in t.personal)
        conn.execute(
            f"INSERT OR IGNORE INTO audit_salt (tbl, key, salt) SELECT {_lit(t.name)}, {key_sql(t, 'x')},"
            f" randomblob(16) FROM {_q(t.name)} x WHERE {has}"
        )
    last_id, prev = conn.execute("SELECT last_id, hash FROM audit_head WHERE one = 1").fetchone()
    at = conn.execute(f"SELECT {_NOW}").fetchone()[0]
    who = conn.execute("SELECT audit_who()").fetchone()[0]
    action = "row.baseline"
    cur = conn.execute(f"SELECT {key_sql(t, 'x')}, {content_sql(t, 'x')} FROM {_q(t.name)} x")
    n = 0
    while batch := cur.fetchmany(5000):
        rows = []
        for key, content in batch:
            last_id += 1
            h = row_hash(prev, last_id, at, who, action, t.name, key, None, content)
            rows.append((last_id, at, who, action, t.name, key, content, prev, h))
            prev = h
        conn.executemany(
            "INSERT INTO audit_log"
            " (id, at, who, action, entity, key, before_json, after_json, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
            rows,
        )
        n += len(rows)
    conn.execute("UPDATE audit_head SET last_id = ?, hash = ? WHERE one = 1", (last_id, prev))
    return n


def forget_salt(conn: sqlite3.Connection, table: str, key: str) -> None:
    """Erase a row's salt (the purge, with ``secure_delete`` on): the salted hashes of its
    personal values left in the log can no longer be tested against a guess."""
    conn.execute("DELETE FROM audit_salt WHERE tbl = ? AND key = ?", (table, key))


def missing_triggers(conn: sqlite3.Connection) -> list[str]:
    """Chained tables whose triggers are gone or not the app's (dropped with the sqlite3 shell)."""
    have = installed(conn)
    return [
        t.name
        for t in chained_shapes(conn)
        if any(have.get(name) != sql for name, sql in triggers_sql(t).items())
    ]


# --------------------------------------------------------------------------- replay


@record(frozen=True)
class Difference:
    table: str
    key: str
    what: str  # never a value: the columns that differ, or that the row is missing / unknown

    def __str__(self) -> str:
        return f"{self.table} {self.key}: {self.what}"


def _columns_differing(logged: str, live: str) -> list[str]:
    a, b = json.loads(logged), json.loads(live)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def live_differences(conn: sqlite3.Connection, limit: int = 50) -> tuple[list[Difference], int]:
    """Rows of the chained tables that differ from what the log says they are (the newest
    record of each key): at most ``limit`` of them, and how many in all."""
    out: list[Difference] = []
    total = 0
    for t in chained_shapes(conn):
        last = (
            "SELECT key, action, after_json AS j FROM audit_log WHERE id IN"
            " (SELECT max(id) FROM audit_log WHERE entity = :t AND action LIKE 'row.%' GROUP BY key)"
        )
        live = f"SELECT {key_sql(t, 'x')} AS key, {content_sql(t, 'x')} AS j FROM {_q(t.name)} x"
        rows = conn.execute(
            f"WITH last AS MATERIALIZED ({last}), live AS MATERIALIZED ({live})"
            " SELECT live.key, last.j, live.j FROM live LEFT JOIN last ON last.key = live.key"
            " WHERE last.key IS NULL OR last.action = 'row.delete' OR last.j IS NOT live.j"
            " UNION ALL SELECT last.key, last.j, NULL FROM last LEFT JOIN live ON live.key = last.key"
            " WHERE last.action <> 'row.delete' AND live.key IS NULL",
            {"t": t.name},
        )
        for key, logged, now in rows:
            total += 1
            if len(out) >= limit:
                continue
            if now is None:
                what = "記録にある行が消えています"
            elif logged is None:
                what = "記録にない行です（記録を通さずに追加されたか、記録が消されています）"
            else:
                cols = _columns_differing(logged, now)
                what = f"記録と違います（{'、'.join(cols)}）"
            out.append(Difference(t.name, key, what))
    return out, total
