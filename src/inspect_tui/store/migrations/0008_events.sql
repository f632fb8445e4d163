-- 8: every step of a case is an event in case_events, append-only; cases keeps the
-- state derived from them (store/events.py derive, drift), written in the same
-- transaction as each append. A mistake is voided by a new event (kind 'void',
-- void_of = the event, the reason in note), never edited or deleted.
ALTER TABLE case_events ADD COLUMN void_of INTEGER REFERENCES case_events(id);
ALTER TABLE case_events ADD COLUMN cause TEXT CHECK (cause IN ('city', 'office', 'surveyor'));
ALTER TABLE case_events ADD COLUMN source TEXT NOT NULL DEFAULT 'app';
ALTER TABLE cases ADD COLUMN phase TEXT;
ALTER TABLE cases ADD COLUMN cycles INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN last_submitted_on TEXT;

-- The side log written before events is kept as it was, read as notes: its step rows
-- (some for dates a re-survey erased) no longer count. Every date the cases still hold
-- becomes a step event, in the order the steps happen, so no date is lost.
UPDATE case_events SET source = 'legacy';
INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note, source)
    SELECT id, 'received', received_on, strftime('%Y-%m-%dT%H:%M:%S+09:00', 'now', '+9 hours'), 'migration', '移行（スキーマ8）', 'migration' FROM cases ORDER BY id;
INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note, source)
    SELECT id, 'contact', contacted_on, strftime('%Y-%m-%dT%H:%M:%S+09:00', 'now', '+9 hours'), 'migration', '移行（スキーマ8）', 'migration' FROM cases WHERE contacted_on IS NOT NULL ORDER BY id;
INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note, source)
    SELECT id, 'visit', visited_on, strftime('%Y-%m-%dT%H:%M:%S+09:00', 'now', '+9 hours'), 'migration', '移行（スキーマ8）', 'migration' FROM cases WHERE visited_on IS NOT NULL ORDER BY id;
INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note, source)
    SELECT id, 'submit', submitted_on, strftime('%Y-%m-%dT%H:%M:%S+09:00', 'now', '+9 hours'), 'migration', '移行（スキーマ8）', 'migration' FROM cases WHERE submitted_on IS NOT NULL ORDER BY id;
INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note, source)
    SELECT id, 'accept', accepted_on, strftime('%Y-%m-%dT%H:%M:%S+09:00', 'now', '+9 hours'), 'migration', '移行（スキーマ8）', 'migration' FROM cases WHERE accepted_on IS NOT NULL ORDER BY id;
INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note, source)
    SELECT id, 'cancel', cancelled_on, strftime('%Y-%m-%dT%H:%M:%S+09:00', 'now', '+9 hours'), 'migration', '移行（スキーマ8）', 'migration' FROM cases WHERE cancelled_on IS NOT NULL ORDER BY id;
INSERT INTO case_events (case_id, kind, on_date, recorded_at, who, note, source)
    SELECT id, 'return', returned_on, strftime('%Y-%m-%dT%H:%M:%S+09:00', 'now', '+9 hours'), 'migration', '移行（スキーマ8）', 'migration' FROM cases WHERE returned_on IS NOT NULL ORDER BY id;
UPDATE cases SET phase = status, last_submitted_on = submitted_on;

CREATE INDEX case_events_void ON case_events(void_of) WHERE void_of IS NOT NULL;
-- the corrections after submission (store.events.corrections), kept small: only those kinds
CREATE INDEX case_events_corrections ON case_events(on_date, kind)
    WHERE kind IN ('query', 'return-for-fix', 'accept-cancel', 'resurvey');

-- Append-only: nothing edits or deletes an event (a correction is a new event).
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events BEGIN SELECT RAISE(ABORT, 'case_events is append-only: void an event with a new one'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events BEGIN SELECT RAISE(ABORT, 'case_events is append-only: void an event with a new one'); END;
