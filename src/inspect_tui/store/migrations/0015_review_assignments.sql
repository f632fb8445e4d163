-- 15: help across wards (issue 17 item 8, seed 001 §3(4)): a chief checks the forms of
-- their own wards (services/review/wards.py; config [review] chiefs_check), unless a
-- manager assigns them a form (case_id) or a whole surveyor's review (surveyor) outside
-- them, with a reason and a date range (until_on NULL: open-ended).
--
-- Append-only: an assignment is ended by a new entry naming it (ends_id), never updated
-- or deleted. An end entry carries only ends_id, an optional reason, when and who.

CREATE TABLE review_assignments (
    id          INTEGER PRIMARY KEY,
    chief       TEXT,           -- the chief's surveyor code (NULL on an end entry)
    case_id     INTEGER REFERENCES cases(id),
    surveyor    TEXT,           -- a whole surveyor's review (forms 1-10 and follow-ups)
    reason      TEXT,           -- free text (personal data warned about, masked for monitors)
    from_on     TEXT,           -- first day in force (YYYY-MM-DD)
    until_on    TEXT,           -- last day in force; NULL: until ended
    ends_id     INTEGER REFERENCES review_assignments(id),
    recorded_at TEXT NOT NULL,
    who         TEXT NOT NULL,
    CHECK (
        (ends_id IS NULL AND chief IS NOT NULL AND (case_id IS NULL) != (surveyor IS NULL)
         AND reason IS NOT NULL AND from_on IS NOT NULL
         AND (until_on IS NULL OR until_on >= from_on))
        OR
        (ends_id IS NOT NULL AND chief IS NULL AND case_id IS NULL AND surveyor IS NULL
         AND from_on IS NULL AND until_on IS NULL)
    )
);
CREATE UNIQUE INDEX review_assignments_one_end ON review_assignments(ends_id) WHERE ends_id IS NOT NULL;
CREATE INDEX review_assignments_chief ON review_assignments(chief);

CREATE TRIGGER review_assignments_no_update BEFORE UPDATE ON review_assignments
BEGIN SELECT RAISE(ABORT, 'review assignments are append-only (end one with a new entry)'); END;
CREATE TRIGGER review_assignments_no_delete BEFORE DELETE ON review_assignments
BEGIN SELECT RAISE(ABORT, 'review assignments are append-only (end one with a new entry)'); END;
