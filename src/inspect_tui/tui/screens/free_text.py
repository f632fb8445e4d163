"""Personal data typed into free text, on screen: a warning line under the field while
typing, and one question before saving (services.free_text says what looks personal).

Never blocking: the chief may be quoting a rule number. ``confirm_then`` saves at
once when nothing looks personal, and otherwise asks
「個人情報のような文字があります。このまま保存しますか」 once, naming the fields
and the kinds (never the values).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from inspect_tui.tui.bindings import binding as b
from inspect_tui.tui.screens.confirm import clear_toasts


class PersonalDataWarning(Static):
    """The line under a free-text field; hidden while nothing looks like personal data."""

    DEFAULT_CSS = """
    PersonalDataWarning { color: $warning; text-style: bold; height: auto; display: none; }
    PersonalDataWarning.shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, classes="personal-data-warning")
        self.kinds: tuple[str, ...] = ()

    def check(self, text: str | None, known=None) -> tuple[str, ...]:
        """Look at the text as it is now; show or hide the line. Returns the kinds seen."""
        from inspect_tui.services.trust.free_text import NOTHING, hints, warning_line

        self.kinds = hints(text, known or NOTHING)
        self.update(Text(warning_line(self.kinds)))
        self.set_class(bool(self.kinds), "shown")
        return self.kinds


class ConfirmPersonalData(ModalScreen[bool]):
    """「個人情報のような文字があります。このまま保存しますか」: y / Enter saves, n / Esc goes back."""

    BINDINGS: ClassVar[list] = [
        b("y,enter", "answer(True)", "このまま保存", "free_text.confirm.save", "書いたとおりに保存する"),
        b("n,escape", "answer(False)", "戻って直す", "free_text.confirm.back", "保存せずに入力に戻る"),
    ]
    DEFAULT_CSS = """
    ConfirmPersonalData { align: center middle; }
    ConfirmPersonalData > Vertical { width: 76; max-width: 95%; height: auto; border: thick $warning;
        background: $surface; padding: 1 2; }
    ConfirmPersonalData #confirm-question { text-style: bold; }
    ConfirmPersonalData #confirm-fields { margin: 1 0; }
    ConfirmPersonalData #confirm-keys { color: $text-muted; }
    """

    def __init__(self, warnings: Iterable) -> None:
        super().__init__()
        self.warnings = list(warnings)

    def compose(self) -> ComposeResult:
        from inspect_tui.services.trust.free_text import ADVICE, CONFIRM_QUESTION

        fields = "\n".join(f"・{w.label}\n    {'、'.join(w.kinds)}" for w in self.warnings)
        with Vertical() as box:
            box.border_title = "個人情報の確認"
            yield Label(Text(CONFIRM_QUESTION), id="confirm-question")
            yield Static(Text(fields), id="confirm-fields")
            yield Static(Text(f"{ADVICE}。規則の番号などならそのまま保存できます。"), id="confirm-advice")
            yield Static(Text("y / Enter: このまま保存    n / Esc: 戻って直す"), id="confirm-keys")

    def on_mount(self) -> None:
        clear_toasts(self)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def confirm_then(app, warnings: Iterable, save: Callable[[], object]) -> None:
    """Save now when nothing looks like personal data; otherwise ask once, save on yes."""
    warnings = list(warnings)
    if not warnings:
        save()
        return

    def answered(yes: bool | None) -> None:
        if yes:
            save()

    app.push_screen(ConfirmPersonalData(warnings), answered)
