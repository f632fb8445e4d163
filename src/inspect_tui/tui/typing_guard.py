"""While the cursor is in a text box, every key is for the box.

Three layers keep a keystroke meant for a text box away from the bindings of the
screen or the app:

1. Textual drops a binding from the chain when the focused Input/TextArea would
   consume its key (``check_consume_key``): letters, digits and punctuation typed
   into a box never run ``1``-``6``, ``q``, ``?`` or a screen's letter keys.
2. The app's own actions (switching screens, help, quitting, the audit trail, theme,
   reload) are inactive while a text box has focus (``InspectApp.check_action``
   asks ``app_action_allowed``): in a box a ctrl key is an editing key (ctrl+r,
   ctrl+l, ctrl+t, ctrl+q), however the keys are remapped in the config.
3. A box whose value is refused on Enter keeps the focus, with its text selected
   (``keep_typing``): the next keys the user types replace the bad value instead
   of landing on the screen behind it. (The Reports period box used to move the
   focus away before checking: ``R8.10`` typed after a bad period reached ``1``
   and, on a case screen, ``R`` 再調査.)

What still works inside a box: the box's own keys, Tab / Shift+Tab, Enter, Esc,
ctrl+s of the form the box belongs to, and ctrl+p (the command palette).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import Input  # loaded by textual.app already (the command palette)

if TYPE_CHECKING:
    from textual.widgets import TextArea

#: TextArea's module, looked up rather than imported: importing it cost ~7 ms before the
#: first paint, and until a screen with a TextArea imports it no widget can be one
_TEXT_AREA_MODULE = "textual.widgets._text_area"

#: App actions that never run while the cursor is in a text box.
NOT_WHILE_TYPING = frozenset(
    {
        "switch_mode",
        "quit_from_top",
        "quit",
        "show_keys",
        "show_audit",
        "next_theme",
        "reload",
    }
)


def is_text_box(widget: Widget | None) -> bool:
    """A widget that takes typed text: an editable Input or TextArea."""
    if isinstance(widget, Input):
        return not widget.disabled
    text_area = sys.modules.get(_TEXT_AREA_MODULE)
    if text_area is not None and isinstance(widget, text_area.TextArea):
        area: TextArea = widget
        return not (area.read_only or area.disabled)
    return False


def app_action_allowed(action: str, focused: Widget | None) -> bool:
    """Whether an app action may run with this widget focused."""
    return not (action in NOT_WHILE_TYPING and is_text_box(focused))


def keep_typing(box: Input) -> None:
    """After a refused value: the cursor stays in the box, its text selected, so what
    is typed next replaces it (and never reaches a binding)."""
    box.focus()
    box.select_all()
