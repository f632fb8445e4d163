-- 3: indexes for the reports. The monthly report counts cases by the date of
-- each step in a month (contacted, visited, submitted, cancelled, returned);
-- without these each count is a full scan (~150 ms per million cases).
-- received_on, accepted_on and the *_due columns are indexed by 0001.
CREATE INDEX IF NOT EXISTS cases_contacted ON cases(contacted_on);
CREATE INDEX IF NOT EXISTS cases_visited ON cases(visited_on);
CREATE INDEX IF NOT EXISTS cases_submitted ON cases(submitted_on);
CREATE INDEX IF NOT EXISTS cases_cancelled ON cases(cancelled_on);
CREATE INDEX IF NOT EXISTS cases_returned ON cases(returned_on);
