"""The victim of the crash test (killed with SIGKILL at a random moment).

mode "import": inserts cases in big batches, one transaction per batch with an
audit row, printing "committed N" after each commit. mode "backup": backs the
database up again and again, printing "backup PATH" after each.
"""

from __future__ import annotations

import sys


def main() -> None:
    db_path, mode, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    from inspect_tui.core.calendar import get_calendar
    from inspect_tui.store.audit import record_audit
    from inspect_tui.store.backup import make_backup
    from inspect_tui.store.cases import case_row, insert_cases
    from inspect_tui.store.db import open_database

    db = open_database(db_path, create=False)
    cal = get_calendar()
    n = db.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    print("ready", flush=True)
    if mode == "backup":
        while True:
            print("backup", make_backup(db, keep=3).path, flush=True)
    import datetime as dt

    base = {
        "application": "新規",
        "ward": "長田区",
        "received_on": dt.date(2027, 6, 1),
        "dispatched_on": dt.date(2027, 6, 1),
        "applicant_name": "障害 試験",
        "insured_no": "9900000009",
    }
    while True:
        rows = [case_row({**base, "case_no": f"K{n + i:07d}"}, cal, "t") for i in range(batch)]
        with db.conn:
            db.conn.execute("BEGIN IMMEDIATE")
            insert_cases(db, rows)
            record_audit(db, "tester", "import", "import", f"batch-{n}", None, {"rows": batch})
        n += batch
        print("committed", n, flush=True)


if __name__ == "__main__":
    main()
