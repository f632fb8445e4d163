"""Reading what the terminal shows, for the Pilot tests."""

from __future__ import annotations

import html
import re


def screen_text(app) -> str:
    """What the terminal shows now, as text (from the screenshot Textual would save)."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")


def flat(text: str) -> str:
    """Screen text without line breaks, spaces and box borders (to find a wrapped line)."""
    return re.sub(r"[\s█▀▄▌▐▆▏▕│─]+", "", text)
