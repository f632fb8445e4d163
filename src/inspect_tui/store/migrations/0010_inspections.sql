-- 10: every form inspected (点検) by someone other than its author before it leaves
-- (seed 001 §4(5), §5(3)③). The first-ten review's finished checks (review_checks,
-- kinds focused and routine) count as inspections too: services/cases/inspection.py
-- reads both. Append-only: a mistaken inspection is followed by a new one.

-- One finished inspection of one form. cycle: how many returns for fixing and
-- re-surveys the form had when it was inspected (only the current cycle's
-- inspection lets it be submitted again).
CREATE TABLE inspections (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases(id),
    inspector      TEXT NOT NULL,
    inspector_code TEXT,
    cycle          INTEGER NOT NULL DEFAULT 0 CHECK (cycle >= 0),
    result         TEXT NOT NULL CHECK (result IN ('ok', 'findings')),
    finished_at    TEXT NOT NULL
);
CREATE INDEX inspections_case ON inspections(case_id, cycle);

CREATE TABLE inspection_findings (
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    seq           INTEGER NOT NULL,
    aspect        TEXT NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('minor', 'fix', 'serious')),
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (inspection_id, seq)
);

-- How each submission or resubmission recorded in the app was let through:
-- 'inspected' (source names the inspection: inspection:ID or review_check:ID) or
-- 'unchecked' (a manager's override, with the reason). A submission date that came
-- with the city's list has no row here (counted as 点検記録なし（取込）).
CREATE TABLE submission_checks (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    step         TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    basis        TEXT NOT NULL CHECK (basis IN ('inspected', 'unchecked')),
    source       TEXT,
    reason       TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL,
    who          TEXT NOT NULL,
    CHECK ((basis = 'inspected') = (source IS NOT NULL)),
    CHECK (basis = 'inspected' OR reason <> '')
);
CREATE INDEX submission_checks_case ON submission_checks(case_id);
CREATE INDEX submission_checks_on ON submission_checks(submitted_on, basis);

CREATE TRIGGER inspections_no_update BEFORE UPDATE ON inspections
BEGIN SELECT RAISE(ABORT, 'inspections are append-only'); END;
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
BEGIN SELECT RAISE(ABORT, 'inspections are append-only'); END;
CREATE TRIGGER inspection_findings_no_update BEFORE UPDATE ON inspection_findings
BEGIN SELECT RAISE(ABORT, 'inspections are append-only'); END;
CREATE TRIGGER inspection_findings_no_delete BEFORE DELETE ON inspection_findings
BEGIN SELECT RAISE(ABORT, 'inspections are append-only'); END;
CREATE TRIGGER submission_checks_no_update BEFORE UPDATE ON submission_checks
BEGIN SELECT RAISE(ABORT, 'submission checks are append-only'); END;
CREATE TRIGGER submission_checks_no_delete BEFORE DELETE ON submission_checks
BEGIN SELECT RAISE(ABORT, 'submission checks are append-only'); END;
