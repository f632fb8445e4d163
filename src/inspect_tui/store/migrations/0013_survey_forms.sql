-- 13: the survey form's content (issue 18): the basic-survey answers and the 特記事項 of each
-- form, per case and per survey cycle (a re-survey or a return for fixing starts a new
-- cycle, as for inspections: store/inspections.py cycle_of), and the inspector's mark on
-- each point the content rules raise (data/form_rules.toml, core/form_rules.py).
--
-- Append-only: a corrected form is a new version of the same (case, cycle); the newest
-- version is the form. The one change a row may take is the retention purge (seed 001
-- §4(4)④: a copy of the form is kept until 3 months after its submission): it empties
-- form_answers and form_notes and sets purged_at, nothing else. Both columns are hidden in
-- the audit log like personal data (salted hashes; the purge forgets the salt).

CREATE TABLE survey_forms (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    cycle        INTEGER NOT NULL CHECK (cycle >= 0),
    version      INTEGER NOT NULL CHECK (version >= 1),
    form_answers TEXT,           -- JSON: {"1-1": [1], "1-3": [3], "6": [], "7-1": "B2", ...}
    form_notes   TEXT,           -- JSON: {"1-3": "特記事項の文", ...}
    source       TEXT NOT NULL CHECK (source IN ('import', 'entry')),
    file         TEXT,           -- import: the file's name (as the audit row names it)
    recorded_at  TEXT NOT NULL,
    who          TEXT NOT NULL,
    purged_at    TEXT,
    UNIQUE (case_id, cycle, version),
    CHECK ((purged_at IS NULL) = (form_answers IS NOT NULL))
);

-- The inspector's mark on one point of a form (point_key: the rule id and its items,
-- core.form_rules.Point.key): 'explained' (確認済: the 特記事項 explains it, or it is
-- real), 'finding' (made a finding of the check: finding names it), 'cleared' (the mark
-- withdrawn). Marks belong to the (case, cycle): a point that still fires on a corrected
-- version keeps its mark. The newest mark of a point is its mark.
CREATE TABLE form_point_marks (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    cycle       INTEGER NOT NULL CHECK (cycle >= 0),
    form_id     INTEGER NOT NULL REFERENCES survey_forms(id),
    point_key   TEXT NOT NULL,
    mark        TEXT NOT NULL CHECK (mark IN ('explained', 'finding', 'cleared')),
    finding     TEXT,           -- review_finding:ID or inspection:ID
    recorded_at TEXT NOT NULL,
    who         TEXT NOT NULL
);
CREATE INDEX form_point_marks_case ON form_point_marks(case_id, cycle, point_key);

CREATE TRIGGER survey_forms_no_update BEFORE UPDATE ON survey_forms
WHEN NOT (NEW.form_answers IS NULL AND NEW.form_notes IS NULL AND NEW.purged_at IS NOT NULL
          AND OLD.purged_at IS NULL AND NEW.id IS OLD.id AND NEW.case_id IS OLD.case_id
          AND NEW.cycle IS OLD.cycle AND NEW.version IS OLD.version AND NEW.source IS OLD.source
          AND NEW.file IS OLD.file AND NEW.recorded_at IS OLD.recorded_at AND NEW.who IS OLD.who)
BEGIN SELECT RAISE(ABORT, 'survey forms are append-only (only the purge empties them)'); END;
CREATE TRIGGER survey_forms_no_delete BEFORE DELETE ON survey_forms
BEGIN SELECT RAISE(ABORT, 'survey forms are append-only'); END;
CREATE TRIGGER form_point_marks_no_update BEFORE UPDATE ON form_point_marks
BEGIN SELECT RAISE(ABORT, 'point marks are append-only'); END;
CREATE TRIGGER form_point_marks_no_delete BEFORE DELETE ON form_point_marks
BEGIN SELECT RAISE(ABORT, 'point marks are append-only'); END;
