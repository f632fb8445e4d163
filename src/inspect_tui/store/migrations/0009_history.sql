-- 9: every row the app writes goes into the audit chain, recorded by the database itself
--
-- The triggers are not in this file: store/history.py makes them from the live
-- schema (every column of every table in CHAINED_TABLES) after the migrations,
-- and snapshots each table's rows as the chain's baseline (one chained
-- 'row.baseline' record per row), so an upgraded file starts with a chain that
-- knows every row. The audit rows written before this version stay as they are
-- and still verify.

-- The head row exists from now on (the triggers move it in the same statement).
INSERT INTO audit_head (one, last_id, hash)
    SELECT 1, COALESCE((SELECT id FROM audit_log ORDER BY id DESC LIMIT 1), 0),
           COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000')
    WHERE NOT EXISTS (SELECT 1 FROM audit_head);

-- The salt each row's personal values are hashed with in the log; erased on purge.
CREATE TABLE audit_salt (
    tbl  TEXT NOT NULL,
    key  TEXT NOT NULL,
    salt BLOB NOT NULL,
    PRIMARY KEY (tbl, key)
);

-- The id of the app's newest audit row, itself a chained row: removing the newest
-- audit rows and moving the head back leaves this row disagreeing with the log.
CREATE TABLE audit_seal (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    last_id INTEGER NOT NULL
);
