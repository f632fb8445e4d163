"""Record one step of a case: the date (today in Japan by default; 2027-06-15,
R9.6.15, 令和9年6月15日 …; never after today) and a note, checked by
services.cases.record_step.
A StepError (visit before the request, acceptance before submission, …) or a
conflict stays in the dialog, in words. A date in a closed month asks whether the step is a
correction of that month (前月以前分の訂正) and records it as one only on はい.
A note that looks like personal data (the case's applicant, a 10-digit number, a date
of birth) is warned about under the field and asked about once before recording."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from inspect_tui.tui.bindings import DIALOG
from inspect_tui.tui.calls import ServiceCalls
from inspect_tui.tui.screens.confirm import DiscardGuard
from inspect_tui.tui.screens.free_text import PersonalDataWarning, confirm_then


class StepDialog(ServiceCalls, DiscardGuard, ModalScreen[str | None]):
    """Esc with a typed note (or a changed date) asks before throwing it away."""

    BINDINGS = DIALOG

    class Known(Message):
        """The case's names and numbers (to warn about in the note)."""

        def __init__(self, known) -> None:
            super().__init__()
            self.known = known

    def __init__(self, case_no: str, step: str, version: int) -> None:
        super().__init__()
        self.case_no = case_no
        self.step = step
        self.version = version
        self.busy = False
        self._known = None
        self._call = None  # the write asked (tui/calls.py): Esc while it waits cancels it

    def compose(self) -> ComposeResult:
        from inspect_tui.core.steps import STEPS

        label = STEPS[self.step].label
        today = self.app.today.isoformat() if getattr(self.app, "today", None) else ""
        with Vertical(classes="dialog step") as box:
            box.border_title = f"{self.case_no}: {label}を記録"
            yield Label("日付（2027-06-15, R9.6.15 など）")
            yield Input(value=today, id="step-date")
            yield Label("メモ（任意）")
            yield Input(id="step-note")
            yield PersonalDataWarning(id="step-note-warning")
            yield Static("", id="step-error")
            with Horizontal(classes="buttons"):
                yield Button("記録 (ctrl+s)", id="step-save", variant="primary")
                yield Button("やめる (Esc)", id="step-cancel")

    def on_mount(self) -> None:
        self.query_one("#step-date", Input).focus()
        self.remember_values()
        if getattr(self.app, "session", None) is not None:
            self._read_known()

    @on(Input.Submitted, "#step-date")
    def _date_done(self) -> None:
        self.query_one("#step-note", Input).focus()

    @property
    def known(self):
        """The case's applicant name and insured number (read once in a worker when the
        dialog opens, only to look for them; nothing is known until it answers)."""
        from inspect_tui.services.trust.free_text import NOTHING

        return self._known if self._known is not None else NOTHING

    @work(thread=True, exclusive=True, group="step-known", exit_on_error=False)
    def _read_known(self) -> None:
        from inspect_tui.services.trust.free_text import known_for_cases

        try:
            self.post_message(self.Known(known_for_cases(self.app.session, [self.case_no])))
        except Exception as exc:
            self.app.report_unexpected(exc)

    def on_step_dialog_known(self, message: Known) -> None:
        self._known = message.known
        note = self.query_one("#step-note", Input)
        self.query_one("#step-note-warning", PersonalDataWarning).check(note.value, self.known)

    @on(Input.Changed, "#step-note")
    def _note_typed(self, event: Input.Changed) -> None:
        self.query_one("#step-note-warning", PersonalDataWarning).check(event.value, self.known)

    @on(Input.Submitted, "#step-note")
    @on(Button.Pressed, "#step-save")
    def _save_asked(self) -> None:
        self.action_save()  # by name, so a dialog built on this one (VoidDialog) saves its way

    def action_save(self) -> None:
        from inspect_tui.core.jpdate import DateError, parse_date
        from inspect_tui.core.steps import future_date_problem, step_label
        from inspect_tui.core.today import today_jp

        if self.busy:
            return
        try:
            on_date = parse_date(self.query_one("#step-date", Input).value)
            problem = future_date_problem(step_label(self.step), on_date, today_jp())
        except DateError as exc:
            problem = str(exc)
        if problem:  # said at once; record_step checks the same rule again
            self._error(problem)
            self.query_one("#step-date", Input).focus()
            return
        from inspect_tui.services.trust.free_text import field_warnings

        note = self.query_one("#step-note", Input).value.strip()

        def record() -> None:
            self.busy = True
            self._record(on_date, note, None)

        confirm_then(self.app, field_warnings({"メモ": note}, self.known), record)

    def _record(
        self, on_date, note: str, correction_of: str | None, without_inspection: str | None = None
    ) -> None:
        """Through tui/calls.py: in a worker, waiting (and saying so) while another process
        holds the write lock; Esc cancels the wait."""
        from inspect_tui.core.inspection import TUI_HINT_FOR_SUBMISSION
        from inspect_tui.services.cases.closed_months import ClosedMonthStep
        from inspect_tui.services.cases.inspection import SubmissionRefused
        from inspect_tui.services.cases.steps import ConflictError, record_step
        from inspect_tui.services.trust.permissions import WriteCancelled
        from inspect_tui.tui.permissions import permissions_of

        def recorded(status) -> None:
            self.busy = False
            self.app.data_changed()
            self.dismiss(status)

        def refused(exc: BaseException, text: str) -> None:
            self.busy = False
            if isinstance(exc, WriteCancelled):
                self.dismiss(None)  # nothing was written: the wait was cancelled before the lock
                return
            if isinstance(exc, ClosedMonthStep) and correction_of is None:
                self._ask_correction(exc, on_date, note)
                return
            if isinstance(exc, SubmissionRefused):
                text = f"{text}\n{TUI_HINT_FOR_SUBMISSION}"
                if without_inspection is None and permissions_of(self).may("case.submit_unchecked"):
                    self._error(text)
                    self._ask_override(on_date, note, correction_of)
                    return
            self._error(text)
            if isinstance(exc, ConflictError):
                self.app.data_changed()  # the case screen underneath shows the other change

        self._call = self.write(
            record_step,
            self.case_no,
            self.step,
            on_date,
            note,
            expected_version=self.version,
            correction_of=correction_of,
            without_inspection=without_inspection,
            done=recorded,
            failed=refused,
        )
        if self._call is None:
            self.busy = False

    def _ask_correction(self, exc, on_date, note: str) -> None:
        """A step dated in a closed month: recorded only as a named correction of it, after はい."""
        from inspect_tui.tui.screens.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.busy = True
                self._record(on_date, note, exc.month)
            else:
                self._error(f"{exc}（記録していません）")
                self.query_one("#step-date", Input).focus()

        self.app.push_screen(
            ConfirmDialog(
                "締め済みの月",
                f"{exc.what}\n"
                f"前月以前分の訂正（{exc.month} 分の訂正）として記録しますか？\n"
                "締めた月の報告は変わらず、訂正は次の締めていない月の報告に載ります。",
                yes=f"はい（{exc.month} 分の訂正として記録）",
            ),
            answered,
        )

    def _ask_override(self, on_date, note: str, correction_of: str | None) -> None:
        """A manager may let the form out without an inspection, with the reason (recorded in
        the step's note and the audit trail, and counted as 点検なしで提出); Esc or an empty
        reason records nothing."""
        from inspect_tui.tui.screens.review.dialogs import TextDialog

        def given(reason: str | None) -> None:
            if reason and reason.strip():
                self.busy = True
                self._record(on_date, note, correction_of, reason.strip())
            else:
                self.query_one("#step-date", Input).focus()

        self.app.push_screen(
            TextDialog(
                "点検なしで提出（業務責任者）",
                "点検なしで提出する理由（記録され、月次報告の「点検なしで提出」に数えます。Esc: やめる）",
                known=self.known,
            ),
            given,
        )

    def show_waiting(self, call) -> None:
        """Said under the fields (the dialog still takes keys while the write waits)."""
        if self.busy and not call.cancel.is_set():
            self._error_text(
                "ほかの人が書き込み中です。終わるのを待っています… Esc で取り消せます（まだ記録していません）"
            )

    def _error(self, text: str) -> None:
        self._error_text(f"記録できません: {text}")

    def _error_text(self, text: str) -> None:
        box = self.query_one("#step-error", Static)
        box.update(text)
        box.add_class("shown")

    @on(Button.Pressed, "#step-cancel")
    def action_cancel(self) -> None:
        if self.busy:
            # the write is waiting for the lock: stop it there; if it already holds the lock it
            # finishes, and the dialog says it was recorded (never "cancelled" for a step that landed)
            if self._call is not None:
                self._call.cancel.set()
            self._error_text("取り消しています…")
            return
        self.close_form(lambda: self.dismiss(None))
