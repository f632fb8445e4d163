-- 11: a closed month's monthly report, frozen as it was built at the close (its JSON and
-- its document, figures and lists), so that printing the month later reproduces it
-- whatever is recorded afterwards (seed 001 §14; issue 13 item 5). Append-only:
-- one row per closed month, written in the close's own transaction.
CREATE TABLE month_snapshots (
    month     TEXT PRIMARY KEY REFERENCES billing_months(month),
    closed_at TEXT NOT NULL,
    who       TEXT NOT NULL,
    json      TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    -- the newest case event at the close: later events (id above it) came after the close
    last_event INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER month_snapshots_no_update BEFORE UPDATE ON month_snapshots
BEGIN SELECT RAISE(ABORT, 'month_snapshots is append-only'); END;
CREATE TRIGGER month_snapshots_no_delete BEFORE DELETE ON month_snapshots
BEGIN SELECT RAISE(ABORT, 'month_snapshots is append-only'); END;

