"""Cells that spreadsheet programs will not run as formulas (CSV/formula injection).

A value typed by a user or imported from a city CSV may start with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return; Excel and LibreOffice treat such a
cell as a formula (``=HYPERLINK(...)``, ``=cmd|...``). ``excel_safe`` puts a single
quote in front of such text, as OWASP recommends, so it shows as typed. Plain
numbers (``-5``, ``+3.5``) and non-text values pass through unchanged. Full-width
``＝＋－＠`` are guarded too: Japanese input methods produce them and some
spreadsheet imports fold them to ASCII.

An xlsx needs no visible apostrophe: render/xlsx.py writes every text as a string cell
(data type ``s``, never a formula) and marks a ``formula_like`` one with the cell style's
quote prefix, so Excel keeps it text even when the cell is edited, and shows it as typed.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula (and it is no plain number)."""
    return bool(text) and text.startswith(TRIGGERS) and not _NUMBER.match(text)


def excel_safe(value: Any) -> Any:
    """The value, made safe to put in a CSV cell (text only is changed)."""
    if not isinstance(value, str) or not value:
        return value
    if formula_like(value):
        return "'" + value
    return value
