"""Text from outside (a CSV file, the keyboard, a database written by other means)
made safe to show: control characters never reach a terminal, a printer or a file.

A case number such as ``K-1\\x1b]0;x\\x07\\x1b[2J`` would retitle and clear the
terminal of whoever prints it. Two things keep that from happening:

- ``find_control`` lets an import refuse such a value, naming the character;
- ``printable`` replaces every C0 control (U+0000-U+001F), DEL (U+007F), C1
  control (U+0080-U+009F) and lone surrogate (what undecodable bytes become) with
  a visible escape such as ``\\x1b``, so data already stored still prints
  safely. Every text output calls it: the CLI writer and the report renderers.
"""

from __future__ import annotations

import re

from inspect_tui.core.lazy_re import LazyPattern

# C0, DEL, C1 and surrogates (a str holds a lone one only after surrogateescape decoding)
_CONTROL = LazyPattern("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# the same, but keeping line feeds, tabs and CR+LF pairs (multi-line documents)
_CONTROL_MULTILINE = LazyPattern("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

CONTROL_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BS",
    0x09: "タブ",
    0x0A: "改行",
    0x0B: "VT",
    0x0C: "FF",
    0x0D: "復帰",
    0x1B: "ESC",
    0x7F: "DEL",
    0x9B: "CSI",
    0x9D: "OSC",
}


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control character shown as an escape (ESC -> ``\\x1b``).

    multiline keeps line feeds, tabs and CR+LF line ends (a whole document or a
    note typed on several lines); a lone CR, which would overwrite the line on a
    terminal, is still escaped. Text without control characters comes back as is.
    """
    pattern = _CONTROL_MULTILINE if multiline else _CONTROL
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


_ZERO_WIDTH_CONTROL = LazyPattern("[\x00-\x1f\x7f-\x9f]")
_SURROGATE = LazyPattern("[\ud800-\udfff]")


def screen_safe(text: str) -> str:
    """``text`` for a screen already laid out cell by cell (the app): control characters,
    which take no cell, are dropped; a lone surrogate (one cell) becomes ``?``.

    The app measures every line before its filter sees it, so an escape four cells
    wide would push the line past its place; the reports and the CLI use printable.
    """
    if _CONTROL.search(text) is None:
        return text
    return _SURROGATE.sub("?", _ZERO_WIDTH_CONTROL.sub("", text))


def find_control(text: str, allow: str = "") -> int | None:
    """Index of the first control character in text that is not in ``allow``, or None."""
    for m in _CONTROL.finditer(text):
        if m.group() not in allow:
            return m.start()
    return None


def describe_char(ch: str) -> str:
    """A control character named for a message: U+001B（ESC）."""
    code = ord(ch)
    name = CONTROL_NAMES.get(code)
    if name is None and 0xD800 <= code <= 0xDFFF:
        name = "読めないバイト"
    elif name is None:
        name = "制御文字"
    return f"U+{code:04X}（{name}）"


def control_problem(text: str, allow: str = "") -> str | None:
    """A message for the first control character in text (never quoting text), or None."""
    at = find_control(text, allow)
    if at is None:
        return None
    return f"{at + 1}文字目に制御文字 {describe_char(text[at])}があります"
