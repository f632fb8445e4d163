-- 18: trainings (issue 15 item 4; seed 001 §8): the contractor's own trainings and the city's
-- that staff attended, with the areas of §8 they covered and who attended. Append-only: a
-- corrected record is a new training row naming the one it replaces, with its own attendees.

CREATE TABLE trainings (
    id          INTEGER PRIMARY KEY,
    held_on     TEXT NOT NULL,
    title       TEXT NOT NULL,
    areas       TEXT NOT NULL,           -- comma-joined: duties,welfare,systems,security,manners
    organizer   TEXT NOT NULL CHECK (organizer IN ('contractor', 'city')),
    minutes     INTEGER CHECK (minutes IS NULL OR minutes > 0),
    replaces    INTEGER UNIQUE REFERENCES trainings(id),
    recorded_at TEXT NOT NULL,
    who         TEXT NOT NULL
);
CREATE INDEX trainings_held_on ON trainings(held_on);

CREATE TABLE training_attendees (
    training_id INTEGER NOT NULL REFERENCES trainings(id),
    surveyor    TEXT NOT NULL REFERENCES surveyors(code),
    PRIMARY KEY (training_id, surveyor)
);

CREATE TRIGGER trainings_no_update BEFORE UPDATE ON trainings
BEGIN SELECT RAISE(ABORT, 'trainings are append-only (a correction is a new record)'); END;
CREATE TRIGGER trainings_no_delete BEFORE DELETE ON trainings
BEGIN SELECT RAISE(ABORT, 'trainings are append-only'); END;
CREATE TRIGGER training_attendees_no_update BEFORE UPDATE ON training_attendees
BEGIN SELECT RAISE(ABORT, 'training attendees are append-only'); END;
CREATE TRIGGER training_attendees_no_delete BEFORE DELETE ON training_attendees
BEGIN SELECT RAISE(ABORT, 'training attendees are append-only'); END;
