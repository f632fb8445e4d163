"""Asking before the keyboard destroys or rewrites anything.

``ConfirmDialog``: a yes/no question whose answer is No unless the user moves to
はい and presses Enter. There is no letter shortcut, so keys typed by mistake (a
period meant for a text box, a burst of digits) can never confirm it; Esc, and
Enter on いいえ, answer No.

``DiscardGuard``: a form remembers what it showed when it opened; Esc with anything
changed asks 「変更を破棄しますか」 first, Esc on an untouched form closes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from inspect_tui.tui.bindings import binding as _b


def clear_toasts(screen) -> None:
    """A question is read whole: the notes in the corner go when it opens. At 80x24 a note
    of four lines (the purge's 保存期間を過ぎた…, which names the very dialog it then
    covered) hid a dialog's lower right, its keys line with it; what they said was shown
    before the question, which is about something else now."""
    screen.app.clear_notifications()


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no; No is focused and is what Esc answers."""

    BINDINGS: ClassVar = [
        _b("escape", "answer(False)", "いいえ", "confirm.no", "何もせずに閉じる"),
        _b("left", "app.focus_previous", "前", "confirm.left", show=False),
        _b("right", "app.focus_next", "次", "confirm.right", show=False),
    ]
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 64; max-width: 95%; height: auto; border: thick $warning;
        background: $surface; padding: 0 1; }
    ConfirmDialog #confirm-question { height: auto; margin-top: 1; }
    ConfirmDialog #confirm-keys { height: auto; color: $text-muted; margin-top: 1; }
    ConfirmDialog .buttons { height: auto; margin-top: 1; }
    ConfirmDialog .buttons Button { margin-right: 2; }
    """

    def __init__(self, title: str, question: str, *, yes: str, no: str = "いいえ（やめる）") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(Text(self.question), id="confirm-question")
            with Horizontal(classes="buttons"):
                yield Button(self.no_label, id="confirm-no", variant="primary")
                yield Button(self.yes_label, id="confirm-yes", variant="warning")
            yield Static("左右キーで選んで Enter　Esc: いいえ", id="confirm-keys")

    def on_mount(self) -> None:
        clear_toasts(self)
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def confirm(app, title: str, question: str, yes: str, then: Callable[[], None]) -> None:
    """Ask; run ``then`` only on はい."""

    def answered(ok: bool | None) -> None:
        if ok:
            then()

    app.push_screen(ConfirmDialog(title, question, yes=yes), answered)


class DiscardGuard:
    """Mixin for a form (a ModalScreen): Esc asks before throwing away what was typed.

    Call ``remember_values()`` once the form shows its starting values; ``close_form``
    then closes at once when nothing changed and asks first when something did."""

    _initial_values: dict[str, object] | None = None

    def form_values(self) -> dict[str, object]:
        """What the form's fields show now, by widget id."""
        out: dict[str, object] = {}
        for w in self.query("Input, TextArea, Select, Checkbox"):  # type: ignore[attr-defined]
            key = w.id or str(id(w))
            if isinstance(w, TextArea):
                out[key] = w.text
            elif isinstance(w, Input | Select | Checkbox):
                out[key] = w.value
        return out

    def remember_values(self) -> None:
        self._initial_values = self.form_values()

    def has_changes(self) -> bool:
        return self._initial_values is not None and self.form_values() != self._initial_values

    def close_form(self, discard: Callable[[], None]) -> None:
        """Run ``discard`` at once when nothing changed; else after 「変更を破棄しますか」 → はい."""
        if not self.has_changes():
            discard()
            return
        confirm(
            self.app,  # type: ignore[attr-defined]
            "変更を破棄しますか",
            "入力した内容はまだ保存していません。破棄して閉じますか。\n（いいえ で入力に戻ります）",
            "はい（破棄して閉じる）",
            discard,
        )
