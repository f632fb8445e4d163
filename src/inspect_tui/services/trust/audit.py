"""The audit trail as the people who read it see it: rows newest first (managers), the
chain checked, and what others changed in a record since someone read it (conflicts)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from inspect_tui.core.masking import PERSONAL_FIELDS, REDACTED
from inspect_tui.core.records import record
from inspect_tui.core.renderable import AuditHead
from inspect_tui.services.session import Session
from inspect_tui.services.trust.permissions import require
from inspect_tui.store.audit import (
    REDACTED_CHANGED,
    AuditRow,
    ChainReport,
    current_head,
    query_audit,
    record_audit,
)

if TYPE_CHECKING:
    from inspect_tui.store.audit_verify import Verdict

__all__ = [
    "AuditFilter",
    "AuditRow",
    "ChainReport",
    "Head",
    "audit_change",
    "audit_rows",
    "changes_since",
    "head",
    "read_witness",
    "verify",
]


@record(frozen=True)
class AuditFilter:
    who: str | None = None
    entity: str | None = None
    key: str | None = None
    action: str | None = None
    since: dt.date | str | None = None


def audit_rows(
    s: Session, filters: AuditFilter | Mapping[str, Any] | None = None, limit: int = 100, offset: int = 0
) -> list[AuditRow]:
    """Audit rows, newest first, for a manager (the TUI viewer and ``audit list``)."""
    require(s, "audit.read")
    f = filters if isinstance(filters, AuditFilter) else AuditFilter(**dict(filters or {}))
    since = f.since.isoformat() if isinstance(f.since, dt.date) else f.since
    return query_audit(
        s.db, who=f.who, entity=f.entity, key=f.key, action=f.action, since=since, limit=limit, offset=offset
    )


def audit_change(s: Session, action: str, entity: str, key: str | int | None, before, after) -> int:
    """record_audit for the person working (inside the caller's transaction)."""
    return record_audit(s.db, s.who, action, entity, key, before, after)


# --------------------------------------------------------------------------- conflicts


def _show(field: str, value: Any) -> str:
    if field in PERSONAL_FIELDS and value not in (None, "", REDACTED, REDACTED_CHANGED):
        return REDACTED
    return "（空）" if value in (None, "") else str(value)


def changes_since(s: Session, entity: str, key: str, version: int, labels: Mapping[str, str]) -> list[str]:
    """What others changed in a record after the given version, from the audit trail.

    One line per change: when, who, and field: old → new (personal values redacted).
    """
    rows = s.db.conn.execute(
        "SELECT at, who, before_json, after_json FROM audit_log WHERE entity = ? AND key = ?"
        " AND CAST(json_extract(after_json, '$.version') AS INTEGER) > ? ORDER BY id",
        (entity, key, version),
    ).fetchall()
    lines = []
    for r in rows:
        before = json.loads(r["before_json"] or "{}")
        after = json.loads(r["after_json"] or "{}")
        parts = [
            f"{labels.get(f, f)}: {_show(f, before.get(f))} から {_show(f, after.get(f))}"
            for f in after
            if f not in ("version", "updated_at") and before.get(f) != after.get(f)
        ]
        if parts:
            lines.append(f"{r['at'][:16].replace('T', ' ')} {r['who']}: " + "、".join(parts))
    return lines


def verify(s: Session, witness: str | None = None) -> Verdict:
    """Recompute the chain, check the witness, replay the log against the tables and run
    the re-derivations (managers only); see store/audit_verify.py."""
    require(s, "audit.read")
    from inspect_tui.store.audit_verify import verify_all  # see read_witness

    return verify_all(s.db, witness)


def read_witness(text: str) -> str | None:
    """The chain head a printed report or a backup's witness file shows (store/audit_verify.py).

    The verifier is imported only by this and verify(): every report stamps the chain's
    head, and the verifier, with the event store and the history rules under it, was part of
    the ~20 ms services/reports/monthly.py's feature_sections tells of."""
    from inspect_tui.store.audit_verify import read_witness as read

    return read(text)


Head = AuditHead  # the chain's head: the witness a report or a backup keeps outside the database


def head(s: Session) -> Head:
    """The chain's current head (anyone may see it: it is printed on every report)."""
    return Head(*current_head(s.db.conn))
