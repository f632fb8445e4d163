-- 19: staff records as seed 001 §5(2) asks (issue 15 item 3). The surveyor's date of birth
-- and, for a surveyor who is not a care manager, the other qualification and its evidence
-- (columns; the roster import writes them). What happens to a surveyor over time is an
-- append-only entry: the notifications to the city (新規・変更・取消), the security pledge
-- (セキュリティ遵守誓約書), the ID card (調査員証) issued, reissued and returned. A mistaken
-- entry is withdrawn by a new one naming it (kind 'withdrawn', with the reason in note).

ALTER TABLE surveyors ADD COLUMN birth_date TEXT;
ALTER TABLE surveyors ADD COLUMN other_qualification TEXT;
ALTER TABLE surveyors ADD COLUMN qualification_evidence TEXT;

CREATE TABLE staff_entries (
    id          INTEGER PRIMARY KEY,
    surveyor    TEXT NOT NULL REFERENCES surveyors(code),
    kind        TEXT NOT NULL CHECK (kind IN (
        'notified_new', 'notified_change', 'notified_cancel', 'pledge',
        'card_issued', 'card_reissued', 'card_returned', 'withdrawn')),
    on_date     TEXT NOT NULL,
    card_no     TEXT,
    note        TEXT NOT NULL DEFAULT '',
    withdraws   INTEGER UNIQUE REFERENCES staff_entries(id),
    recorded_at TEXT NOT NULL,
    who         TEXT NOT NULL,
    CHECK ((kind = 'withdrawn') = (withdraws IS NOT NULL))
);
CREATE INDEX staff_entries_surveyor ON staff_entries(surveyor, on_date);

CREATE TRIGGER staff_entries_no_update BEFORE UPDATE ON staff_entries
BEGIN SELECT RAISE(ABORT, 'staff entries are append-only (a mistake is withdrawn by a new entry)'); END;
CREATE TRIGGER staff_entries_no_delete BEFORE DELETE ON staff_entries
BEGIN SELECT RAISE(ABORT, 'staff entries are append-only'); END;
