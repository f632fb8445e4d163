"""The SQL functions the history triggers call, registered on every connection the app opens.

The triggers (store/history.py) write one chained audit_log row per INSERT, UPDATE
and DELETE on every chained table; SQLite has no sha256, so the chain's hash is
computed here, in Python, by ``audit_hash`` (the same ``row_hash`` the app's own
audit rows use). A connection without these functions (the sqlite3 shell) cannot
write to a chained table while the triggers are in place: the statement fails
with "no such function: audit_hash". Someone who drops the triggers can write,
and ``audit verify`` then finds what the log does not know.

- ``audit_hash(prev, id, at, who, action, entity, key, before, after)``: the row's hash.
- ``audit_who()``: who is writing (the login the permission was checked for, or
  what the app is doing: a migration).
- ``audit_hide(salt, value)``: a personal value as a salted hash (``h:`` + 32 hex),
  never the value: the log proves a name was not changed without holding it. The
  salt is per row (``audit_salt``) and is erased with the personal data on purge,
  after which nobody can test a guess against the hashes left in the log.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

GENESIS = "0" * 64

_who: ContextVar[str | None] = ContextVar("inspect_tui_audit_who", default=None)

#: who the history rows name when no login was given (a migration, the app itself)
NOBODY = "(app)"


def row_hash(
    prev_hash: str,
    row_id: int,
    at: str,
    who: str,
    action: str,
    entity: str,
    key: str,
    before_json: str | None,
    after_json: str | None,
) -> str:
    """sha256 of the previous hash followed by the canonical JSON of the row."""
    return _sha256_hex(
        (prev_hash + canonical(row_id, at, who, action, entity, key, before_json, after_json)).encode("utf-8")
    )


_sha256: Callable[[bytes], Any] | None = None


def _sha256_hex(data: bytes) -> str:
    """sha256 of data, in hex. hashlib (OpenSSL's load, ~5 ms) is imported at the first hash,
    not by every process that opens the database: a report writes and verifies nothing.
    Bound once, since the triggers hash every row written (an import in the function
    itself cost 0.7 µs a call, a quarter of row_hash)."""
    global _sha256
    if _sha256 is None:
        from hashlib import sha256

        _sha256 = sha256
    return _sha256(data).hexdigest()


def _string(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def canonical(row_id: int, *texts: str | None) -> str:
    """The row as ``json.dumps([...], ensure_ascii=False, separators=(",", ":"))`` writes it,
    byte for byte (the chain's hashes depend on it). Built by hand from the json module's
    own string encoder when the row is an int and texts (every row the app writes): the
    text alone 2.5x faster than json.dumps, a whole row_hash 10-18% faster (40 against 48
    µs a row on the demo's rows, loaded machine); the triggers call it once per row written
    and ``audit verify`` once per row of the chain (tests/store/test_chain_canonical.py)."""
    if type(row_id) is int and all(t is None or type(t) is str for t in texts):
        return f"[{row_id},{','.join(_string(t) for t in texts)}]"
    return json.dumps([row_id, *texts], ensure_ascii=False, separators=(",", ":"))


@contextlib.contextmanager
def acting_as(who: str | None) -> Iterator[None]:
    """History rows written inside this block name ``who``."""
    token = _who.set(who)
    try:
        yield
    finally:
        _who.reset(token)


def _who_now() -> str:
    return _who.get() or NOBODY


def hide(salt: bytes | None, value: object) -> str | None:
    """A personal value as a salted hash; None stays None (nothing to hide)."""
    if value is None:
        return None
    if salt is None:
        return "h:?"  # no salt to hash with: verify reports the row
    data = value if isinstance(value, bytes) else str(value).encode("utf-8")
    return "h:" + _sha256_hex(bytes(salt) + b"\0" + data)[:32]


def register(conn: sqlite3.Connection) -> None:
    """Give a connection the functions the history triggers call."""
    conn.create_function("audit_hash", 9, row_hash, deterministic=True)
    conn.create_function("audit_hide", 2, hide, deterministic=True)
    conn.create_function("audit_who", 0, _who_now)
