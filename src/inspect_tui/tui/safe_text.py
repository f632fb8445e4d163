"""The last step before the terminal: no control character from the data reaches it.

A case number, a name or a note stored with an ESC in it (written before the
import refused them, or by plain SQL) would otherwise go to the terminal as it
is, and retitle, clear or recolour it. Every line every widget draws passes
through the app's line filters (``App.get_line_filters``), so one filter covers
the case list, the case screen, the dashboard and every other screen.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from inspect_tui.core.text import find_control, screen_safe


class ControlCharacters(LineFilter):
    """Drops control characters from the text of every segment (their width is zero)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(seg.control or find_control(seg.text) is None for seg in segments):
            return segments
        return [
            seg if seg.control else Segment(screen_safe(seg.text), seg.style, seg.control) for seg in segments
        ]
