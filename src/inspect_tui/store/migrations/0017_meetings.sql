-- 17: meetings (issue 15 item 2; seed 001 §5(3)⑤⑥): the monthly internal meeting of the
-- manager and the chiefs, and the liaison meeting with the city. Append-only: a corrected
-- record is a new row naming the one it replaces (the newest of a chain is the record);
-- a liaison meeting makes its minutes deliverable due 14 days later (data/deliverables.toml).

CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('internal', 'liaison')),
    held_on     TEXT NOT NULL,
    attendees   TEXT NOT NULL,
    agenda      TEXT NOT NULL DEFAULT '',
    decisions   TEXT NOT NULL DEFAULT '',
    replaces    INTEGER UNIQUE REFERENCES meetings(id),
    recorded_at TEXT NOT NULL,
    who         TEXT NOT NULL
);
CREATE INDEX meetings_held_on ON meetings(kind, held_on);

CREATE TRIGGER meetings_no_update BEFORE UPDATE ON meetings
BEGIN SELECT RAISE(ABORT, 'meetings are append-only (a correction is a new record)'); END;
CREATE TRIGGER meetings_no_delete BEFORE DELETE ON meetings
BEGIN SELECT RAISE(ABORT, 'meetings are append-only'); END;
