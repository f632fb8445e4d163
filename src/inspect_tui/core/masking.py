"""Personal data: which fields are personal, and how they are hidden.

The one place that decides what a monitor, a report, a log or an audit row may
show of an applicant. Applicant name, insured number, date of birth and
address are personal; case numbers are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PERSONAL_FIELDS = frozenset({"applicant_name", "insured_no", "birth_date", "address"})
REDACTED = "［非表示］"


def mask_name(name: str | None) -> str:
    """First character and a mask: 山田太郎 -> 山＊＊＊ (for roles that see a hint only)."""
    if not name:
        return ""
    return name[0] + "＊" * max(1, len(name) - 1)


def mask_insured_no(no: str | None) -> str:
    """Last 2 digits only: 0123456789 -> ********89."""
    if not no:
        return ""
    return "*" * max(0, len(no) - 2) + no[-2:]


def redact(row: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a record with every personal field replaced (for audit rows, logs, exports)."""
    return {k: (REDACTED if k in PERSONAL_FIELDS and v not in (None, "") else v) for k, v in row.items()}


def visible_fields(role: str) -> frozenset[str]:
    """Personal fields a role may see: managers and chiefs all; monitors none."""
    return PERSONAL_FIELDS if role in ("manager", "chief") else frozenset()
