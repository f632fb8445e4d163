-- 12: indexes for the case list's two sorts that had none, 申請区分 and 氏名: over every
-- status at 1M cases their first page took 180-250 ms (a sort of the whole table) against
-- ~5 ms for the indexed sorts (issue 16). The name index is cleared with the rest by the
-- purge (secure_delete on: a blanked name's old index cell is zeroed).
CREATE INDEX cases_application ON cases(application);
CREATE INDEX cases_applicant_name ON cases(applicant_name);
