"""XML text for the xlsx parts (render/xlsx_file.py, render/xlsx_chart.py): the namespaces,
escaping, column letters and sheet names in formulas."""

from __future__ import annotations

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_LETTERS: list[str] = [""]


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    while len(_LETTERS) <= col:
        n, s = len(_LETTERS), ""
        while n:
            n, rem = divmod(n - 1, 26)
            s = chr(65 + rem) + s
        _LETTERS.append(s)
    return _LETTERS[col]


def esc(text: str) -> str:
    """Text for an XML element or a double-quoted attribute."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")  # kept: an XML reader would make it \n
    if "\ufffe" in text or "\uffff" in text:  # not characters XML allows (the C0 controls
        text = text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")  # are escaped before)
    return text


def quote_sheet(name: str) -> str:
    """A sheet name in a formula: 'name', an apostrophe doubled."""
    return "'" + name.replace("'", "''") + "'"
