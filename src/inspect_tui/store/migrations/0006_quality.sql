-- 6: complaints (苦情), incidents and accidents (事故振り返りシート), problems (課題)
--
-- Times are Japan local time as text 'YYYY-MM-DD HH:MM' (they sort and compare).
-- Content fields are free text typed by staff; the app warns they must not hold
-- applicant names or insured numbers. Cases are linked by case_no only.
CREATE TABLE complaints (
    id              INTEGER PRIMARY KEY,
    received_at     TEXT NOT NULL,
    complainant     TEXT NOT NULL,
    complainant_note TEXT NOT NULL DEFAULT '',
    handled_by      TEXT NOT NULL,
    ward            TEXT NOT NULL,
    case_no         TEXT REFERENCES cases(case_no),
    surveyor        TEXT REFERENCES surveyors(code),
    category        TEXT NOT NULL,
    content         TEXT NOT NULL,
    outcome         TEXT NOT NULL DEFAULT '',
    serious         INTEGER NOT NULL DEFAULT 0 CHECK (serious IN (0, 1)),
    city_caused     INTEGER NOT NULL DEFAULT 0 CHECK (city_caused IN (0, 1)),
    reported_to_city_at TEXT,
    recorded_at     TEXT NOT NULL,
    who             TEXT NOT NULL,
    updated_at      TEXT
);
CREATE INDEX complaints_received ON complaints(received_at);
CREATE INDEX complaints_serious ON complaints(serious, reported_to_city_at);

CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('incident', 'accident', 'security')),
    occurred_at     TEXT NOT NULL,
    place           TEXT NOT NULL DEFAULT '',
    people          TEXT NOT NULL DEFAULT '',
    ward            TEXT NOT NULL,
    case_no         TEXT REFERENCES cases(case_no),
    surveyor        TEXT REFERENCES surveyors(code),
    what_happened   TEXT NOT NULL,
    impact          TEXT NOT NULL DEFAULT '',
    direct_cause    TEXT NOT NULL DEFAULT '',
    root_cause      TEXT NOT NULL DEFAULT '',
    immediate_response TEXT NOT NULL DEFAULT '',
    countermeasure  TEXT NOT NULL DEFAULT '',
    prevention      TEXT NOT NULL DEFAULT '',
    cause_category  TEXT NOT NULL,
    city_caused     INTEGER NOT NULL DEFAULT 0 CHECK (city_caused IN (0, 1)),
    phoned_city_at  TEXT,
    written_report_at TEXT,
    recorded_at     TEXT NOT NULL,
    who             TEXT NOT NULL,
    updated_at      TEXT,
    -- the written report follows the phone call, never the other way round
    CHECK (written_report_at IS NULL OR (phoned_city_at IS NOT NULL AND written_report_at >= phoned_city_at))
);
CREATE INDEX incidents_occurred ON incidents(occurred_at);
CREATE INDEX incidents_kind ON incidents(kind, written_report_at);

CREATE TABLE problems (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    owner           TEXT NOT NULL,
    opened_on       TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'closed')),
    root_cause_note TEXT NOT NULL DEFAULT '',
    fix             TEXT NOT NULL DEFAULT '',
    closed_on       TEXT,
    recorded_at     TEXT NOT NULL,
    who             TEXT NOT NULL,
    updated_at      TEXT,
    CHECK ((status = 'closed') = (closed_on IS NOT NULL))
);
CREATE INDEX problems_status ON problems(status, due_on);

-- A problem comes from one or more complaints or incidents.
CREATE TABLE problem_links (
    problem_id  INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    source      TEXT NOT NULL CHECK (source IN ('complaint', 'incident')),
    source_id   INTEGER NOT NULL,
    PRIMARY KEY (problem_id, source, source_id)
);
CREATE INDEX problem_links_source ON problem_links(source, source_id);
