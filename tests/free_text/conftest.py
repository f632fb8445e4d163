"""For tests/free_text/test_tui.py: the applicant's case (the ``fx`` fixture in
tests/conftest.py, built by tests/builders.py), what would give her away, and how to
read the screen. The name and the number must never reach a monitor's screen.
"""

from __future__ import annotations

import html
import re

from builders import FREE_TEXT_CASE as CASE
from builders import FREE_TEXT_NAME as NAME
from builders import FREE_TEXT_NUMBER as NUMBER
from builders import leaks

__all__ = ["CASE", "NAME", "NUMBER", "flat", "leaks", "screen_text"]


def screen_text(app) -> str:
    """What the terminal shows now, as text (from the screenshot Textual would save)."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")


def flat(text: str) -> str:
    """Screen text without line breaks, spaces and box borders (to find a wrapped line)."""
    return re.sub(r"[\s█▀▄▌▐▆▏▕│─]+", "", text)
