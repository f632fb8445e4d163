"""Void one mistaken event of a case: its number (the timeline's 番号) and the reason.

Nothing is deleted or edited: services.cases.steps.void_event appends a void event,
and the voided one stays in the timeline, struck through. A void that would leave a
later step without its ground (voiding a visit a submission follows) is refused,
in words, inside the dialog. The reason is checked for personal data like a note.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from inspect_tui.services.cases.steps import ConflictError, void_event
from inspect_tui.services.trust.free_text import field_warnings
from inspect_tui.services.trust.permissions import WriteCancelled
from inspect_tui.tui.screens.cases.step_dialog import StepDialog
from inspect_tui.tui.screens.free_text import PersonalDataWarning, confirm_then


class VoidDialog(StepDialog):
    """The step dialog's keys and waiting, with the event's number and a required reason."""

    def __init__(self, case_no: str, version: int) -> None:
        super().__init__(case_no, "void", version)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog step") as box:
            box.border_title = f"{self.case_no}: 記録の取消"
            yield Label("取り消す記録の番号（経過の「番号」）")
            yield Input(id="step-date", restrict=r"[0-9]*")
            yield Label("理由（必須。申請者の氏名・被保険者番号は書かない）")
            yield Input(id="step-note")
            yield PersonalDataWarning(id="step-note-warning")
            yield Static("", id="step-error")
            with Horizontal(classes="buttons"):
                yield Button("取り消す (ctrl+s)", id="step-save", variant="error")
                yield Button("やめる (Esc)", id="step-cancel")

    def action_save(self) -> None:
        if self.busy:
            return
        number = self.query_one("#step-date", Input).value.strip()
        reason = self.query_one("#step-note", Input).value.strip()
        if not number.isdigit() or int(number) <= 0:
            self._error("取り消す記録の番号を書いてください（経過の「番号」の列）")
            self.query_one("#step-date", Input).focus()
            return
        if not reason:
            self._error("取り消す理由を書いてください")
            self.query_one("#step-note", Input).focus()
            return

        def record() -> None:
            self.busy = True
            self._void(int(number), reason)

        confirm_then(self.app, field_warnings({"理由": reason}, self.known), record)

    def _void(self, event_id: int, reason: str) -> None:
        def voided(status) -> None:
            self.busy = False
            self.app.data_changed()
            self.dismiss(status)

        def refused(exc: BaseException, text: str) -> None:
            self.busy = False
            if isinstance(exc, WriteCancelled):
                self.dismiss(None)
                return
            self._error(text)
            if isinstance(exc, ConflictError):
                self.app.data_changed()

        self._call = self.write(void_event, self.case_no, event_id, reason, done=voided, failed=refused)
        if self._call is None:
            self.busy = False
