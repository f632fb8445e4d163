-- 25: the submission records by case and date (issue 16: the Today screen's figures at 1M
-- cases). The month's imported submissions are the cases submitted with no record of that date
-- (store.submission_counts): each of them is looked up by its case, and with an index on the
-- case alone every lookup read the record's row for its date. The wider index answers it
-- from the index: at 1M cases 6.9 -> 3.8 ms for a month, 73 -> 41 ms from April to November
-- (bench/results.md); 1.1 s to build once at that size. It replaces the index on the case
-- alone (the same first column, so every read by case still uses it). No row changes.
DROP INDEX submission_checks_case;
CREATE INDEX submission_checks_case ON submission_checks(case_id, submitted_on);
