-- 16: the contract's deliverables as delivered (issue 15; seed 001 §15). What is due comes
-- from data/deliverables.toml (core/deliverables.py); this table records what was handed
-- to the city and when. Append-only: a mistaken entry is corrected by a new one (the newest
-- entry of an occurrence counts; delivered_on NULL withdraws it, with the reason in note).

CREATE TABLE deliverable_records (
    id           INTEGER PRIMARY KEY,
    occurrence   TEXT NOT NULL,          -- monthly-report:2027-04, hiring-roster, ...
    delivered_on TEXT,                   -- NULL: an earlier entry withdrawn
    note         TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL,
    who          TEXT NOT NULL
);
CREATE INDEX deliverable_records_occurrence ON deliverable_records(occurrence, id);

CREATE TRIGGER deliverable_records_no_update BEFORE UPDATE ON deliverable_records
BEGIN SELECT RAISE(ABORT, 'deliverable records are append-only'); END;
CREATE TRIGGER deliverable_records_no_delete BEFORE DELETE ON deliverable_records
BEGIN SELECT RAISE(ABORT, 'deliverable records are append-only'); END;
