"""Properties: any tampering with any one audit row is found and points at it;
redaction never lets a personal value through; the SSH command filter only ever
answers with inspect-tui arguments that cannot change who or which database."""

from __future__ import annotations

import sqlite3

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from inspect_tui.core.masking import PERSONAL_FIELDS
from inspect_tui.services.trust.identity import FIXED_OPTIONS, IdentityError, original_command_args
from inspect_tui.store.audit import record_audit, redact_values, verify_chain

values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(max_size=12)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["ward", "note", *sorted(PERSONAL_FIELDS)]), inner, max_size=3),
    ),
    max_leaves=8,
)
records = st.dictionaries(
    st.sampled_from(["ward", "status", "note", *sorted(PERSONAL_FIELDS)]), values, max_size=5
)


def _personal_leaves(v, under_personal=False):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from _personal_leaves(x, k in PERSONAL_FIELDS)
    elif isinstance(v, list):
        for x in v:
            yield from _personal_leaves(x, under_personal)
    elif under_personal and v not in (None, ""):
        yield v


@given(records)
def test_redaction_leaves_no_personal_value(record):
    out = redact_values(record)
    assert all(leaf in ("［非表示］",) for leaf in _personal_leaves(out))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(st.text(max_size=8), records, records), min_size=2, max_size=8),
    data=st.data(),
)
def test_any_single_tampering_is_found_at_that_row(session, db_path, rows, data):
    conn = session.db.conn
    conn.execute("PRAGMA user_version")  # same connection throughout
    # fresh trail for this example (the table is append-only: drop and recreate)
    raw = sqlite3.connect(db_path)
    raw.executescript(
        "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;"
        "DELETE FROM audit_log; DELETE FROM audit_head;"
    )
    raw.commit()
    ids = [record_audit(session.db, "tester", "update", "case", key, b, a) for key, b, a in rows]
    assert verify_chain(session.db).ok
    target = data.draw(st.sampled_from(ids))
    how = data.draw(st.sampled_from(["who", "at", "key", "after_json", "before_json", "delete", "hash"]))
    if how == "delete":
        raw.execute("DELETE FROM audit_log WHERE id = ?", (target,))
        expected = target + 1  # the next row points at it (each app row is followed by the seal's)
    else:
        old = raw.execute(f"SELECT {how} FROM audit_log WHERE id = ?", (target,)).fetchone()[0]
        new = (old or "") + "x" if how != "before_json" or old else '{"x":1}'
        assume(new != old)
        raw.execute(f"UPDATE audit_log SET {how} = ? WHERE id = ?", (new, target))
        expected = target
    raw.commit()
    raw.close()
    report = verify_chain(session.db)
    assert not report.ok
    assert expected in {p.row_id for p in report.problems}


requests = st.lists(
    st.one_of(
        st.text(max_size=8),
        st.sampled_from(["--as", "--a", "--db", "--d", "--de", "--demo", "--", "-", "whoami", "users"]),
        st.builds(
            lambda o, v: f"{o}={v}", st.sampled_from(["--a", "--as", "--d", "--db"]), st.text(max_size=4)
        ),
    ),
    max_size=6,
).map(lambda words: " ".join(["inspect-tui", *map(__import__("shlex").quote, words)]))


@given(st.one_of(st.text(max_size=60), requests))
def test_the_ssh_command_filter(text):
    """Whatever is asked, what gets through names no fixed option, nor a prefix of one."""
    try:
        args = original_command_args({"SSH_ORIGINAL_COMMAND": text})
    except IdentityError:
        return
    if args is None:
        assert not text.strip()
        return
    for a in args:
        name = a.split("=", 1)[0]
        if name.startswith("--") and len(name) > 2:
            assert not any(option.startswith(name) for option in FIXED_OPTIONS), a
