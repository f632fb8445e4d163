"""The database schema, as an ordered list of migrations.

Each migration is one file in ``migrations/`` named ``NNNN_what.sql`` (SQL
statements) or ``NNNN_what.py`` (a ``migrate(db: sqlite_utils.Database)``
function, for changes plain ``ALTER TABLE`` cannot make: ``table.transform()``
rebuilds a table with new column constraints and keeps its rows). They apply
in number order, whatever their kind, and PRAGMA user_version holds the number
of the last one applied (a gap in the numbers is allowed; a file numbered below
what a database already has is never applied to it, so never add one). Opening
an older file applies the missing ones in place, one transaction each; a file
from a newer version of the app is refused (we would not know its tables).
Never edit or renumber a migration that has landed: add a new one.

Dates are ISO text (YYYY-MM-DD, Japan dates), so they sort and compare in SQL.
"""

from __future__ import annotations

from pathlib import Path

from inspect_tui.core.records import record

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@record(frozen=True)
class Migration:
    """One step of the schema: SQL text, or a Python file with ``migrate(db)``."""

    number: int
    path: Path

    @property
    def is_python(self) -> bool:
        return self.path.suffix == ".py"

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def load_migrations(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every migration in folder, in number order; two with one number is a packaging error."""
    found = [
        Migration(int(p.name[:4]), p)
        for pattern in ("[0-9][0-9][0-9][0-9]_*.sql", "[0-9][0-9][0-9][0-9]_*.py")
        for p in folder.glob(pattern)
    ]
    numbers = [m.number for m in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number in {folder}")
    return sorted(found, key=lambda m: m.number)


#: The migrations in the order they apply.
MIGRATIONS: list[Migration] = load_migrations()
SCHEMA_VERSION = MIGRATIONS[-1].number
