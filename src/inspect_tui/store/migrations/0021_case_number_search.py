"""21: indexes for the case list's text filter over every case (issue 16).

A typed filter is a substring of the case number (or of the applicant's name, for the
roles that see it). Over all 1M cases ``case_no LIKE '%…%'`` reads every entry of the
case-number index whenever the text is rare (a whole number typed: 60-200 ms), so:

- ``cases_no_fts``: an FTS5 trigram index of the case numbers (external content: the
  text stays in ``cases``; the index holds trigrams and row ids, ~20 MB at 1M), kept
  up to date by three triggers. Case numbers are not personal data; applicants' names
  are not in it (they are found on the name index, which the purge clears: a trigram
  index of names would keep fragments of a purged name in its segments until rebuilt).
- ``cases_no_wide``: the case numbers holding a non-ASCII character (usually none), so a
  kanji or kana typed (a name being typed) does not read every case number to find none.

An SQLite built without FTS5 or its trigram tokenizer gets the index of wide case
numbers alone; the filter then reads the case-number index as before
(services/cases/search.py checks which is there).
"""

from __future__ import annotations

import sqlite3

FTS = (
    "CREATE VIRTUAL TABLE cases_no_fts USING fts5(case_no, content='cases', content_rowid='id',"
    " tokenize='trigram', detail='full', columnsize=0)"
)

TRIGGERS = (
    "CREATE TRIGGER cases_no_fts_insert AFTER INSERT ON cases BEGIN"
    " INSERT INTO cases_no_fts (rowid, case_no) VALUES (new.id, new.case_no); END",
    "CREATE TRIGGER cases_no_fts_delete AFTER DELETE ON cases BEGIN"
    " INSERT INTO cases_no_fts (cases_no_fts, rowid, case_no) VALUES ('delete', old.id, old.case_no); END",
    "CREATE TRIGGER cases_no_fts_update AFTER UPDATE OF case_no ON cases BEGIN"
    " INSERT INTO cases_no_fts (cases_no_fts, rowid, case_no) VALUES ('delete', old.id, old.case_no);"
    " INSERT INTO cases_no_fts (rowid, case_no) VALUES (new.id, new.case_no); END",
)


def migrate(db) -> None:
    conn = db.conn
    conn.execute(
        "CREATE INDEX cases_no_wide ON cases(case_no) WHERE length(case_no) <> length(CAST(case_no AS BLOB))"
    )
    try:
        conn.execute(FTS)
    except sqlite3.OperationalError:  # no fts5 module or no trigram tokenizer (SQLite < 3.34)
        return
    conn.execute("INSERT INTO cases_no_fts (cases_no_fts) VALUES ('rebuild')")
    for trigger in TRIGGERS:
        conn.execute(trigger)
