"""``audit verify``: everything the audit chain can prove, checked at once.

1. The chain: every row's hash recomputed from the previous one (store/audit.py
   ``verify_chain``): a row edited, deleted or slipped in anywhere shows.
2. The witness: a head hash kept outside the file (printed on a report, stored
   beside a backup) must still be a row of the chain; a chain rebuilt from some
   point on has lost it.
3. The triggers: every chained table still has the app's history triggers.
4. The replay: the newest record of every row in the log, compared with the live
   tables (store/history.py ``live_differences``): a row changed, added or removed
   behind the app's back, or a wiped log (the tables hold rows it never recorded).
5. The derivations: ``DERIVATION_CHECKS``, functions that re-derive a table the
   app keeps derived (a case's state from its events) and return what differs.

Problems name the table, the row's key and the columns that differ, never a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from inspect_tui.core.records import field, record
from inspect_tui.store.audit import ChainReport, verify_chain
from inspect_tui.store.connection import Database
from inspect_tui.store.events import drift
from inspect_tui.store.history import Difference, live_differences, missing_triggers

#: Re-derivation checks run by ``audit verify``: each takes the database and returns one line
#: per difference between a derived table and what it is derived from (empty: all agree).
#: Register one by appending it here.
DERIVATION_CHECKS: list[Callable[[Database], list[str]]] = []


def case_state_drift(db: Database) -> list[str]:
    """A case's row (its status and dates) against what its events fold to (store.events)."""
    return [f"cases {d.case_no}: {d.column} が経過（case_events）から導いた値と違います" for d in drift(db)]


DERIVATION_CHECKS.append(case_state_drift)

HASH_RE = re.compile(r"\b([0-9a-f]{64})\b")


@record(frozen=True)
class Verdict:
    chain: ChainReport
    witness: str | None = None
    witness_row: int | None = None  # the row whose hash the witness is (None: not in the chain)
    unguarded: tuple[str, ...] = ()  # chained tables without their triggers
    differences: tuple[Difference, ...] = ()
    total_differences: int = 0
    derived: tuple[str, ...] = field(default=())

    @property
    def rows(self) -> int:
        return self.chain.rows

    @property
    def head_hash(self) -> str:
        return self.chain.head_hash

    @property
    def problems(self) -> list[str]:
        out = [str(p) for p in self.chain.problems]
        if self.witness is not None and self.witness_row is None:
            out.append(
                f"証拠のハッシュ {self.witness[:16]}… が記録のつながりにありません"
                "（その時点より前から記録が作り直されています）"
            )
        out += [f"{t}: 変更を記録するトリガーが外されています" for t in self.unguarded]
        out += [str(d) for d in self.differences]
        if self.total_differences > len(self.differences):
            out.append(f"ほか {self.total_differences - len(self.differences)} 行が記録と違います")
        out += list(self.derived)
        return out

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_all(db: Database, witness: str | None = None) -> Verdict:
    """Every check above; ``witness`` is a head hash kept outside the database."""
    conn = db.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # one snapshot for every check
    try:
        chain = verify_chain(db)
        witness_row = None
        if witness is not None:
            row = conn.execute("SELECT id FROM audit_log WHERE hash = ?", (witness,)).fetchone()
            witness_row = None if row is None or row[0] > chain.head_id else row[0]
        unguarded = tuple(missing_triggers(conn))
        diffs, total = live_differences(conn)
        derived = tuple(line for check in DERIVATION_CHECKS for line in check(db))
    finally:
        if own:
            conn.execute("ROLLBACK")
    return Verdict(chain, witness, witness_row, unguarded, tuple(diffs), total, derived)


def read_witness(text: str) -> str | None:
    """The head hash in a witness: the hash itself, or the text of a ``.head`` file."""
    m = HASH_RE.search(text.strip().lower())
    return m.group(1) if m else None
