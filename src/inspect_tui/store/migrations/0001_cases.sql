-- 1: surveyors, cases, case events, deadline exceptions, users, settings
CREATE TABLE surveyors (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    qualification   TEXT NOT NULL CHECK (qualification IN ('care_manager', 'other')),
    registration_no TEXT,
    registered_on   TEXT,
    expires_on      TEXT,
    hired_on        TEXT,
    placed_on       TEXT,
    is_chief        INTEGER NOT NULL DEFAULT 0 CHECK (is_chief IN (0, 1)),
    wards           TEXT NOT NULL DEFAULT '',
    left_on         TEXT,
    updated_at      TEXT
);

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    case_no         TEXT NOT NULL UNIQUE,
    insurer         TEXT NOT NULL DEFAULT '',
    is_home         INTEGER NOT NULL DEFAULT 1 CHECK (is_home IN (0, 1)),
    welfare         INTEGER NOT NULL DEFAULT 0 CHECK (welfare IN (0, 1)),
    application     TEXT NOT NULL CHECK (application IN ('新規', '区分変更', '更新')),
    ward            TEXT NOT NULL,
    insured_no      TEXT,
    applicant_name  TEXT,
    birth_date      TEXT,
    received_on     TEXT NOT NULL,
    dispatched_on   TEXT,
    urgent          INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    surveyor        TEXT REFERENCES surveyors(code),
    accompanied_by  TEXT REFERENCES surveyors(code),
    contacted_on    TEXT,
    visited_on      TEXT,
    submitted_on    TEXT,
    accepted_on     TEXT,
    cancelled_on    TEXT,
    returned_on     TEXT,
    status          TEXT NOT NULL,
    contact_due     TEXT,
    standard_due    TEXT,
    target20_due    TEXT,
    personal_purged_on TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    updated_at      TEXT
);
CREATE INDEX cases_status ON cases(status);
CREATE INDEX cases_ward ON cases(ward);
CREATE INDEX cases_surveyor ON cases(surveyor);
CREATE INDEX cases_received ON cases(received_on);
CREATE INDEX cases_accepted ON cases(accepted_on);
CREATE INDEX cases_contact_due ON cases(contact_due);
CREATE INDEX cases_standard_due ON cases(standard_due);
CREATE INDEX cases_target20_due ON cases(target20_due);

CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    on_date     TEXT,
    recorded_at TEXT NOT NULL,
    who         TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events(case_id);

-- A deadline extended or excluded, with the reason (the city agreed, the
-- applicant is in hospital, city-caused). Reports count these apart.
CREATE TABLE deadline_exceptions (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('extend', 'exclude')),
    cause       TEXT NOT NULL CHECK (cause IN ('city', 'applicant', 'other')),
    original_due TEXT,
    new_due     TEXT,
    reason      TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    who         TEXT NOT NULL
);
CREATE INDEX deadline_exceptions_rule ON deadline_exceptions(rule, kind, case_id);

CREATE TABLE users (
    login         TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('manager', 'chief', 'monitor')),
    surveyor_code TEXT REFERENCES surveyors(code),
    created_at    TEXT NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
