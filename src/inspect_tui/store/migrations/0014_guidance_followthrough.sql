-- 14: guidance tied to findings, and whether it took (issue 17, seed 001 §5(3)②:
-- 記録内容をもとに改善状況を確認し、必要に応じて指導を実施すること).
--
-- Each finding may carry the guidance given for it (指導内容) and the day it was given.
-- A later check of the same surveyor looks again at the earlier findings and records, per
-- finding, whether it improved ('improved', 改善) or guidance goes on ('continue', 継続指導).
-- The newest look of a finished check is the finding's state; a finding no later check has
-- looked at is open. While its check is a draft a look can be changed or withdrawn like the
-- check's points; once the check is finished every change is audited (review.edit), as for
-- the check's findings. The chief's confirmation of the whole record (the review of forms
-- 1-10, before the 指導終了報告 goes to the city) is append-only: a later confirmation is a
-- new row, the first is never changed.

ALTER TABLE review_findings ADD COLUMN guidance TEXT NOT NULL DEFAULT '';
ALTER TABLE review_findings ADD COLUMN guidance_on TEXT;

CREATE TABLE review_followthrough (
    check_id   INTEGER NOT NULL REFERENCES review_checks(id) ON DELETE CASCADE,
    finding_id INTEGER NOT NULL REFERENCES review_findings(id) ON DELETE CASCADE,
    outcome    TEXT NOT NULL CHECK (outcome IN ('improved', 'continue')),
    PRIMARY KEY (check_id, finding_id)
);
CREATE INDEX review_followthrough_finding ON review_followthrough(finding_id);

CREATE TABLE review_confirmations (
    id           INTEGER PRIMARY KEY,
    surveyor     TEXT NOT NULL REFERENCES surveyors(code),
    chief        TEXT NOT NULL REFERENCES surveyors(code),
    confirmed_on TEXT NOT NULL,
    verdict      TEXT NOT NULL,   -- the verdict the chief confirmed (improving / not_yet / provisional ids)
    checked      INTEGER NOT NULL, -- forms checked when confirmed
    recorded_at  TEXT NOT NULL,
    who          TEXT NOT NULL
);
CREATE INDEX review_confirmations_surveyor ON review_confirmations(surveyor, id);

CREATE TRIGGER review_confirmations_no_update BEFORE UPDATE ON review_confirmations
BEGIN SELECT RAISE(ABORT, 'confirmations are append-only'); END;
CREATE TRIGGER review_confirmations_no_delete BEFORE DELETE ON review_confirmations
BEGIN SELECT RAISE(ABORT, 'confirmations are append-only'); END;
