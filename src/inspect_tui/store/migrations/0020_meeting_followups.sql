-- 20: a meeting's follow-ups are problems (issue 15 item 2; seed 001 §5(3)⑤): a problem may
-- come from a meeting as well as from complaints and incidents. SQLite cannot change a CHECK,
-- so problem_links is rebuilt with its rows (the history triggers, dropped with the old
-- table, are made again from the live schema after the migrations, store/history.py).

CREATE TABLE problem_links_new (
    problem_id  INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    source      TEXT NOT NULL CHECK (source IN ('complaint', 'incident', 'meeting')),
    source_id   INTEGER NOT NULL,
    PRIMARY KEY (problem_id, source, source_id)
);
INSERT INTO problem_links_new (problem_id, source, source_id)
    SELECT problem_id, source, source_id FROM problem_links;
DROP TABLE problem_links;
ALTER TABLE problem_links_new RENAME TO problem_links;
CREATE INDEX problem_links_source ON problem_links(source, source_id);
