"""The database schema, as an ordered list of migrations.

Each migration is one SQL file in ``migrations/`` named ``NNNN_what.sql``;
they apply in number order, and PRAGMA user_version holds the number of the
last one applied (a gap in the numbers is allowed; a file numbered below what a
database already has is never applied to it, so never add one). Opening an
older file applies the missing ones in place, one transaction each; a file
from a newer version of the app is refused (we would not know its tables).
Never edit or renumber a migration that has landed: add a new one.

Dates are ISO text (YYYY-MM-DD, Japan dates), so they sort and compare in SQL.
"""

from __future__ import annotations

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _load() -> list[tuple[int, str]]:
    found = [(int(p.name[:4]), p) for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")]
    numbers = [n for n, _ in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number in {MIGRATIONS_DIR}")
    return [(n, p.read_text(encoding="utf-8")) for n, p in sorted(found)]


#: (number, SQL) in the order they apply.
MIGRATIONS: list[tuple[int, str]] = _load()
SCHEMA_VERSION = MIGRATIONS[-1][0]
