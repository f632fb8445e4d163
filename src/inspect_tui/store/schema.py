"""The database schema, as an ordered list of migrations.

Each migration is one SQL file in ``migrations/`` named ``NNNN_what.sql``;
they apply in file-name order, and PRAGMA user_version holds how many have been
applied. Opening an older file applies the missing ones in place, one
transaction each; a file from a newer version of the app is refused (we would
not know its tables). Never edit or renumber a migration that has landed: add
a new one.

Dates are ISO text (YYYY-MM-DD, Japan dates), so they sort and compare in SQL.
"""

from __future__ import annotations

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _load() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))]


MIGRATIONS: list[str] = _load()
SCHEMA_VERSION = len(MIGRATIONS)
