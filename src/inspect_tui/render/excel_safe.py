"""Cells that spreadsheet programs will not run as formulas (CSV/formula injection).

A value typed by a user or imported from a city CSV may start with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return; Excel and LibreOffice treat such a
cell as a formula (``=HYPERLINK(...)``, ``=cmd|...``). ``excel_safe`` puts a single
quote in front of such text, as OWASP recommends, so it shows as typed. Plain
numbers (``-5``, ``+3.5``) and non-text values pass through unchanged. Full-width
``＝＋－＠`` are guarded too: Japanese input methods produce them and some
spreadsheet imports fold them to ASCII.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def excel_safe(value: Any) -> Any:
    """The value, made safe to put in a spreadsheet cell (text only is changed)."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value
