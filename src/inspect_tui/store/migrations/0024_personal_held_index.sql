-- 24: the cases that still hold personal data (issue 16: a manager's start at 1M cases). Every
-- start of the app by a manager counts the cases past retention (store.retention
-- .due_for_purge), which read every closed case: 1M rows, 0.8-0.95 s. Most closed cases were
-- purged long ago; this partial index holds those that were not (46,000 at 1M cases, open ones
-- included) with what the count reads of them: the status, the dates retention counts from and
-- the case number. Never a personal value. Its WHERE must stay store.retention._has_personal()
-- as the query writes it (a partial index serves only the same expression;
-- tests/services/trust/test_retention.py holds both).
CREATE INDEX cases_personal_held ON cases(status, last_submitted_on, cancelled_on, returned_on, case_no) WHERE ((applicant_name IS NOT NULL AND applicant_name <> '') OR (insured_no IS NOT NULL AND insured_no <> '') OR (birth_date IS NOT NULL AND birth_date <> ''));
