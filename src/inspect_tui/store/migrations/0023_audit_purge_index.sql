-- 23: the purges' own index (issue 16: a manager's start at 1M cases). Every start of the app
-- by a manager asks whether an earlier purge is still to be checked (store.retention
-- .unchecked_purges): the last 'purge.checked' row and the 'purge' rows after it. Without an
-- index on the action that read the whole audit_log from its end: 6.1M rows, ~4 GB at 1M cases,
-- 3.7 s from the OS page cache and 72 s from disk, in a worker that quitting the app waited for.
-- This partial index holds the purge rows only (a handful a year): both reads are now a few
-- index pages. Its WHERE must stay store.retention.PURGE_ACTIONS, written out as the queries
-- write it (a bound IN (?, ?) cannot use a partial index; tests/store/test_retention.py holds both).
CREATE INDEX audit_log_purges ON audit_log(action, id) WHERE action IN ('purge', 'purge.checked');
