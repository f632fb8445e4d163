-- 5: the audit trail (append-only, hash-chained) and what the trust features keep
--
-- Every change writes one audit row: when, who, what, and the values before and
-- after (personal fields redacted by the app before they get here). Rows cannot
-- be changed or deleted through SQLite: the triggers below refuse it. Each row's
-- hash is sha256(prev_hash + canonical JSON of the row), and prev_hash is UNIQUE,
-- so the chain cannot fork; `inspect-tui audit verify` recomputes it and reports
-- a row altered or removed behind the app's back (someone who dropped the
-- triggers with the sqlite3 shell).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    who         TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    key         TEXT NOT NULL DEFAULT '',
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT NOT NULL UNIQUE,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, key);
CREATE INDEX audit_log_who ON audit_log(who);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed'); END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted'); END;

-- The head of the chain (last id and hash), written in the same transaction as
-- each audit row, so removing the newest rows is detected too.
CREATE TABLE audit_head (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    last_id INTEGER NOT NULL,
    hash    TEXT NOT NULL
);
