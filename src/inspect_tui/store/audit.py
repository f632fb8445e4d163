"""The audit trail: one append-only, hash-chained row per change.

``record_audit`` is the only writer. It redacts personal fields itself (callers
may pass whole rows), writes the row and moves the chain head in the caller's
transaction, or in one of its own when there is none. ``verify_chain`` recomputes
every hash and reports the first row that does not fit.

Row hash: sha256 of the previous row's hash followed by the canonical JSON of
this row (``[id, at, who, action, entity, key, before_json, after_json]``,
UTF-8, no spaces). The first row's previous hash is 64 zeros.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from inspect_tui.core.masking import PERSONAL_FIELDS, REDACTED
from inspect_tui.core.records import record
from inspect_tui.core.today import now_jp_iso
from inspect_tui.store.chain_functions import GENESIS, row_hash
from inspect_tui.store.connection import Database, rollback


def _plain(value: Any) -> Any:
    """JSON-safe copy of a value, personal fields redacted at every depth."""
    if isinstance(value, Mapping):
        return {
            str(k): (
                REDACTED_CHANGED
                if isinstance(v, _Changed)
                else REDACTED
                if str(k) in PERSONAL_FIELDS and v not in (None, "")
                else _plain(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


REDACTED_CHANGED = "［非表示・変更あり］"


def _mark_changed_personal(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """After-values with a changed personal field marked as changed (its value stays hidden)."""
    if before is None or after is None:
        return after
    out = dict(after)
    for k, v in after.items():
        if k in PERSONAL_FIELDS and k in before and v not in (None, "") and before[k] != v:
            out[k] = _Changed()
    return out


class _Changed:
    """Placeholder for a changed personal value (rendered as REDACTED_CHANGED)."""


def redact_values(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What an audit row keeps of a record: personal fields redacted, dates as ISO text."""
    return None if values is None else _plain(values)


def _to_json(values: Mapping[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(redact_values(values), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _now() -> str:

    return now_jp_iso()


def record_audit(
    db: Database,
    who: str,
    action: str,
    entity: str,
    key: str | int | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    at: str | None = None,
) -> int:
    """Append one audit row (personal fields redacted) and return its id.

    Call it inside the transaction that makes the change (``BEGIN IMMEDIATE``),
    so the change and its audit row land together or not at all. Called outside
    a transaction it opens and commits one of its own.
    """
    return _append_rows(db, who, action, entity, [("" if key is None else key, before, after)], at)[0]


def _append_rows(
    db: Database,
    who: str,
    action: str,
    entity: str,
    items: Iterable[tuple[str | int, Mapping[str, Any] | None, Mapping[str, Any] | None]],
    at: str | None,
) -> list[int]:
    """Append rows to the chain in the caller's transaction, or in one of our own;
    returns their ids."""
    conn = db.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    at = at or _now()
    try:
        prev_id, prev_hash = _head(conn)
        rows = []
        for key, before, after in items:
            prev_id += 1
            bj, aj = _to_json(before), _to_json(_mark_changed_personal(before, after))
            h = row_hash(prev_hash, prev_id, at, who, action, entity, str(key), bj, aj)
            rows.append((prev_id, at, who, action, entity, str(key), bj, aj, prev_hash, h))
            prev_hash = h
        conn.executemany(_INSERT, rows)
        if rows:
            _set_head(conn, prev_id, prev_hash)
            _seal(conn, prev_id)
    except BaseException:
        if own:
            rollback(conn)
        raise
    if own:
        conn.execute("COMMIT")
    return [r[0] for r in rows]


_INSERT = (
    "INSERT INTO audit_log (id, at, who, action, entity, key, before_json, after_json, prev_hash, hash)"
    " VALUES (?,?,?,?,?,?,?,?,?,?)"
)


def _head(conn: sqlite3.Connection) -> tuple[int, str]:
    # The chain continues from the recorded head, not from whatever row is last:
    # if newest rows were deleted behind the app's back, the gap stays visible.
    head = conn.execute("SELECT last_id, hash FROM audit_head WHERE one = 1").fetchone()
    if head is None:
        head = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (head[0], head[1]) if head else (0, GENESIS)


def _set_head(conn: sqlite3.Connection, last_id: int, h: str) -> None:
    conn.execute(
        "INSERT INTO audit_head (one, last_id, hash) VALUES (1, ?, ?)"
        " ON CONFLICT(one) DO UPDATE SET last_id = excluded.last_id, hash = excluded.hash",
        (last_id, h),
    )


def _seal(conn: sqlite3.Connection, last_id: int) -> None:
    """Note the newest audit row's id in audit_seal, a chained table: its history row becomes
    the chain's newest, so deleting the newest rows and moving the head back shows in verify."""
    conn.execute(
        "INSERT INTO audit_seal (one, last_id) VALUES (1, ?)"
        " ON CONFLICT(one) DO UPDATE SET last_id = excluded.last_id",
        (last_id,),
    )


def current_head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(how many rows the chain has, the newest row's hash): the witness to keep elsewhere."""
    return _head(conn)


# --------------------------------------------------------------------------- reading


@record(frozen=True)
class AuditRow:
    id: int
    at: str
    who: str
    action: str
    entity: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _row(r: sqlite3.Row) -> AuditRow:
    return AuditRow(
        r["id"],
        r["at"],
        r["who"],
        r["action"],
        r["entity"],
        r["key"],
        json.loads(r["before_json"]) if r["before_json"] else None,
        json.loads(r["after_json"]) if r["after_json"] else None,
    )


def query_audit(
    db: Database,
    *,
    who: str | None = None,
    entity: str | None = None,
    key: str | None = None,
    action: str | None = None,
    since: str | None = None,
    limit: int = 100,
    offset: int = 0,
    newest_first: bool = True,
    history: bool = False,
) -> list[AuditRow]:
    """Audit rows matching the filters (``since``: ISO date or timestamp, inclusive); the
    rows the history triggers wrote (``row.*``) only with ``history`` or a table's ``entity``."""
    clauses, params = [], []
    if not history and not entity:
        clauses.append("action NOT LIKE 'row.%'")
    for col, val in (("who", who), ("entity", entity), ("key", key), ("action", action)):
        if val:
            clauses.append(f"{col} = ?")
            params.append(val)
    if since:
        clauses.append("at >= ?")
        params.append(since)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    order = "DESC" if newest_first else "ASC"
    rows = db.conn.execute(
        f"SELECT * FROM audit_log{where} ORDER BY id {order} LIMIT ? OFFSET ?",
        (*params, int(limit), int(offset)),
    )
    return [_row(r) for r in rows]


# --------------------------------------------------------------------------- verifying


@record(frozen=True)
class ChainProblem:
    row_id: int
    what: str

    def __str__(self) -> str:
        return f"id {self.row_id}: {self.what}"


@record(frozen=True)
class ChainReport:
    rows: int
    head_id: int
    head_hash: str
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


_CHAIN_COLUMNS = "id, prev_hash, at, who, action, entity, key, before_json, after_json, hash"


def verify_chain(db: Database) -> ChainReport:
    """Recompute every row's hash; report rows altered, removed or out of order."""
    problems: list[ChainProblem] = []
    prev_id, prev_hash, n = 0, GENESIS, 0
    cur = db.conn.cursor()
    cur.row_factory = None  # plain tuples: a million rows read faster than as sqlite3.Row
    cur.execute(f"SELECT {_CHAIN_COLUMNS} FROM audit_log ORDER BY id")
    while batch := cur.fetchmany(10_000):
        for rid, row_prev, at, who, action, entity, key, before_json, after_json, h in batch:
            n += 1
            if rid != prev_id + 1:
                missing = f"{prev_id + 1}" if rid == prev_id + 2 else f"{prev_id + 1}〜{rid - 1}"
                problems.append(ChainProblem(rid, f"直前の記録（id {missing}）が削除されています"))
            elif row_prev != prev_hash:
                problems.append(
                    ChainProblem(
                        rid, "直前の記録とつながっていません（前の記録が書き換えられたか削除されています）"
                    )
                )
            if row_hash(row_prev, rid, at, who, action, entity, key, before_json, after_json) != h:
                problems.append(ChainProblem(rid, "内容が書き換えられています（ハッシュが一致しません）"))
            prev_id, prev_hash = rid, h
    head = db.conn.execute("SELECT last_id, hash FROM audit_head WHERE one = 1").fetchone()
    if head is None:
        if n:
            problems.append(ChainProblem(prev_id, "記録の先頭情報（audit_head）がありません"))
    elif (head[0], head[1]) != (prev_id, prev_hash):
        if head[0] > prev_id:
            problems.append(
                ChainProblem(head[0], f"最新の記録（id {prev_id + 1}〜{head[0]}）が削除されています")
            )
        else:
            problems.append(ChainProblem(prev_id, "最新の記録が先頭情報と一致しません（書き換えの疑い）"))
    return ChainReport(n, prev_id, prev_hash, tuple(problems))
