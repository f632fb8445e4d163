"""A checkbox whose state is in its characters: ``[X]`` ticked, ``[ ]`` not (issue 17 item 6).

Textual's Checkbox draws ``▐X▌`` either way and tells the states apart by colour only, so
under NO_COLOR (or on a monochrome terminal) a ticked box and an empty one look the same.
Same widget, same events and bindings; only the button's characters differ.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class Tick(Checkbox):
    """Checkbox with ``[X]`` / ``[ ]`` (ASCII: one column wide on every terminal)."""

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        return Content.assemble("[", ("X" if self.value else " ", button_style), "]")
