-- 4: the first-ten review, form inspections, follow-ups, accompanied visits, calibration

-- Forms 1-10 of a new surveyor, numbered when first seen and never renumbered.
CREATE TABLE review_forms (
    surveyor    TEXT NOT NULL REFERENCES surveyors(code),
    form_no     INTEGER NOT NULL CHECK (form_no BETWEEN 1 AND 10),
    case_id     INTEGER NOT NULL UNIQUE REFERENCES cases(id),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (surveyor, form_no)
);

-- One check of one form (or a proficiency follow-up) by one inspector.
-- state 'draft' is saved on every keystroke and resumed; 'done' is final.
-- blind_of: a second chief's blind check of the same form (calibration).
CREATE TABLE review_checks (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases(id),
    surveyor        TEXT NOT NULL REFERENCES surveyors(code),
    inspector       TEXT NOT NULL REFERENCES surveyors(code),
    kind            TEXT NOT NULL CHECK (kind IN ('focused', 'routine', 'followup3', 'followup6', 'post')),
    post_source     TEXT CHECK (post_source IS NULL OR post_source IN ('query', 'return', 'resurvey')),
    blind_of        INTEGER REFERENCES review_checks(id),
    state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('requested', 'draft', 'done')),
    guidance        TEXT NOT NULL DEFAULT '',
    guidance_methods TEXT NOT NULL DEFAULT '',
    fixed_before_submission INTEGER CHECK (fixed_before_submission IS NULL OR fixed_before_submission IN (0, 1)),
    minutes         INTEGER CHECK (minutes IS NULL OR minutes >= 0),
    open_seconds    INTEGER NOT NULL DEFAULT 0,
    proficiency_note TEXT NOT NULL DEFAULT '',
    checked_on      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    who             TEXT NOT NULL
);
CREATE INDEX review_checks_case ON review_checks(case_id, kind, state);
CREATE INDEX review_checks_surveyor ON review_checks(surveyor, kind, state);
CREATE INDEX review_checks_checked_on ON review_checks(checked_on, kind);
CREATE UNIQUE INDEX review_checks_one_draft ON review_checks(
    COALESCE(case_id, 0), surveyor, inspector, kind, COALESCE(blind_of, 0)) WHERE state != 'done';

-- Per point: OK or finding (NULL = not looked at yet).
CREATE TABLE review_points (
    check_id INTEGER NOT NULL REFERENCES review_checks(id) ON DELETE CASCADE,
    point    TEXT NOT NULL,
    outcome  TEXT CHECK (outcome IS NULL OR outcome IN ('ok', 'finding')),
    PRIMARY KEY (check_id, point)
);

CREATE TABLE review_findings (
    id        INTEGER PRIMARY KEY,
    check_id  INTEGER NOT NULL REFERENCES review_checks(id) ON DELETE CASCADE,
    point     TEXT NOT NULL,
    severity  TEXT NOT NULL CHECK (severity IN ('minor', 'fix', 'serious')),
    item_code TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_findings_check ON review_findings(check_id, point);

-- The chief's verdict override and closing comment for a surveyor's review.
CREATE TABLE review_closures (
    surveyor        TEXT PRIMARY KEY REFERENCES surveyors(code),
    verdict         TEXT CHECK (verdict IS NULL OR verdict IN ('improving', 'not_yet')),
    closing_comment TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL,
    who             TEXT NOT NULL
);

-- Accompanied visits (同行訪問) of a chief with a surveyor.
CREATE TABLE accompanied_visits (
    id          INTEGER PRIMARY KEY,
    surveyor    TEXT NOT NULL REFERENCES surveyors(code),
    chief       TEXT REFERENCES surveyors(code),
    on_date     TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    case_id     INTEGER REFERENCES cases(id),
    recorded_at TEXT NOT NULL,
    who         TEXT NOT NULL
);
CREATE INDEX accompanied_visits_surveyor ON accompanied_visits(surveyor, on_date);
