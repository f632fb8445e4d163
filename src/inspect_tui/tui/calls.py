"""The one way a screen reaches the database: ``ServiceCalls.call`` (a read) and
``ServiceCalls.write`` run a service function in a thread worker and hand its answer
back to the screen on the UI thread as a typed message (``ServiceAnswer``); the UI
thread never runs SQL (tests/tui/test_ui_thread.py fails if it does).

- **In order.** Calls run one at a time, oldest first, whichever worker thread gets
  there first (a finding's note typed letter by letter lands letter by letter).
  ``after_calls`` runs a key's action once the screen's earlier calls have answered,
  so fast keys act on the state they would have seen one by one.
- **Waiting.** A write that waits for another process's write lock posts
  ``WriteWaiting``; the screen says 待っています (by default a small dialog on top)
  and Esc cancels the write before it takes the lock (store.tx ``waiting``).
- **Errors.** What a user is told about (a refusal, bad input, a conflict, a busy
  database) comes back in words to ``failed`` (by default a notification); anything
  else is logged without values and shown briefly.
- **Quitting.** Calls still queued when the app closes are run before the database
  closes (``drain``), so a draft typed just before quitting is kept.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from inspect_tui.core.records import field, record

WAITING_TEXT = "ほかの人が書き込み中です。終わるのを待っています… Esc で取り消せます（まだ保存していません）"


@record(eq=False)
class Call:
    """One service call asked by a screen (``owner``)."""

    owner: Any
    fn: Callable[..., Any]
    args: tuple
    kwargs: dict
    done: Callable[[Any], None] | None = None
    failed: Callable[[BaseException, str], None] | None = None
    write: bool = False
    session: Any = None
    cancel: threading.Event = field(default_factory=threading.Event)
    waiting: bool = False


class ServiceAnswer(Message):
    """A call's result (or the error it raised) back on the UI thread."""

    def __init__(self, call: Call, result: Any = None, error: BaseException | None = None) -> None:
        super().__init__()
        self.call = call
        self.result = result
        self.error = error


class WriteWaiting(Message):
    """A write is waiting for another process's write lock."""

    def __init__(self, call: Call) -> None:
        super().__init__()
        self.call = call


@cache
def expected_errors() -> tuple[type[BaseException], ...]:
    """The errors a user is told about in words (imported on first use: start-up is a budget)."""
    from inspect_tui.core.calendar import OutOfRange
    from inspect_tui.render.output import OutputError
    from inspect_tui.services.cases.steps import CaseNotFound, ConflictError, StepError
    from inspect_tui.services.contract.deliverables import DeliverableError
    from inspect_tui.services.contract.meetings import MeetingError
    from inspect_tui.services.contract.trainings import TrainingError
    from inspect_tui.services.errors import DatabaseBusy, PermissionDenied, UserError
    from inspect_tui.services.quality.input import QualityInputError
    from inspect_tui.services.quality.pareto import SourceUnavailable
    from inspect_tui.services.review.queue import ReviewError
    from inspect_tui.services.staff.records import StaffError

    return (
        ReviewError,
        DeliverableError,
        StaffError,
        TrainingError,
        MeetingError,
        QualityInputError,
        SourceUnavailable,
        PermissionDenied,
        DatabaseBusy,
        ConflictError,
        StepError,
        CaseNotFound,
        OutOfRange,
        UserError,
        OutputError,
    )


def describe(exc: BaseException) -> str:
    """An expected error in words (a form's problems as 項目: 問題 / …)."""
    problems = getattr(exc, "problems", None)
    if problems and all(isinstance(p, tuple) and len(p) == 2 for p in problems):
        return " / ".join(f"{label}: {msg}" for label, msg in problems)
    return str(exc)


class CallQueue:
    """The app's calls not yet run, oldest first, and the lock that runs them one at a time."""

    def __init__(self) -> None:
        self._pending: deque[Call] = deque()
        self._lock = threading.Lock()

    def put(self, call: Call) -> None:
        self._pending.append(call)

    def __len__(self) -> int:
        return len(self._pending)

    def run_next(self) -> None:
        """In a worker thread: run the oldest call (not necessarily the one this worker was
        started for: the order of the asks is kept whichever thread gets the lock first)."""
        with self._lock:
            try:
                call = self._pending.popleft()
            except IndexError:
                return  # an earlier worker already ran it
            _run(call)

    def drain(self, timeout: float = 10.0) -> None:
        """Run what is still queued (the app is closing), from a thread of its own; the UI
        thread only waits."""

        def run_all() -> None:
            while self._pending:
                self.run_next()

        if self._pending:
            t = threading.Thread(target=run_all, name="inspect-tui-drain", daemon=True)
            t.start()
            t.join(timeout)


def _run(call: Call) -> None:
    """Run one call in this worker thread and post its answer to the screen that asked."""
    from inspect_tui.services.trust.permissions import Waiting, waiting

    def on_wait(_seconds: float) -> None:
        if not call.waiting:
            call.waiting = True
            call.owner.post_message(WriteWaiting(call))

    try:
        if call.write:
            with waiting(Waiting(cancelled=call.cancel.is_set, on_wait=on_wait)):
                result = call.fn(call.session, *call.args, **call.kwargs)
        else:
            result = call.fn(call.session, *call.args, **call.kwargs)
    except Exception as exc:  # sorted on the UI thread: words for a user, or logged as a bug
        call.owner.post_message(ServiceAnswer(call, error=exc))
        return
    call.owner.post_message(ServiceAnswer(call, result))


class WaitingDialog(ModalScreen[None]):
    """待っています over the screen while a write waits for the lock; Esc cancels it."""

    BINDINGS: ClassVar = [Binding("escape", "cancel", "取り消す", id="write.cancel")]
    DEFAULT_CSS = """
    WaitingDialog { align: center middle; }
    WaitingDialog > Vertical { width: 64; max-width: 95%; height: auto; border: thick $warning;
        background: $surface; padding: 1 2; }
    """

    def __init__(self, call: Call) -> None:
        super().__init__()
        self.call = call

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(WAITING_TEXT, id="waiting-text")

    def action_cancel(self) -> None:
        self.call.cancel.set()
        self.query_one("#waiting-text", Static).update("取り消しています…")


class ServiceCalls:
    """For screens and dialogs: call services in workers, get the answers as messages.

    ``self.call(fn, *args, done=...)`` runs ``fn(session, *args)``; ``self.write(...)``
    the same for a write (待っています, Esc). ``done(result)`` and ``failed(exc, text)``
    run on the UI thread."""

    _in_flight: int = 0
    _after: list | None = None
    _waiting_dialog: WaitingDialog | None = None

    def call(self, fn, *args, done=None, failed=None, **kwargs) -> Call | None:
        return self._ask(fn, args, kwargs, done, failed, write=False)

    def write(self, fn, *args, done=None, failed=None, **kwargs) -> Call | None:
        return self._ask(fn, args, kwargs, done, failed, write=True)

    def _ask(self, fn, args, kwargs, done, failed, *, write: bool) -> Call | None:
        app = self.app  # type: ignore[attr-defined]
        session = getattr(app, "session", None)
        queue: CallQueue | None = getattr(app, "calls", None)
        if session is None or queue is None or not app._running:
            return None
        call = Call(self, fn, args, kwargs, done, failed, write, session)
        queue.put(call)
        self._in_flight += 1
        # the app's worker, not the screen's: a write asked as the screen closes still lands
        app.run_worker(queue.run_next, thread=True, group="service", exit_on_error=False)
        return call

    @property
    def calls_in_flight(self) -> int:
        return self._in_flight

    def after_calls(self, action: Callable[[], None]) -> None:
        """Run ``action`` now, or once this screen's calls asked so far have answered."""
        if not self._in_flight:
            action()
            return
        if self._after is None:
            self._after = []
        self._after.append(action)

    def on_service_answer(self, message: ServiceAnswer) -> None:
        message.stop()
        call = message.call
        self._in_flight = max(0, self._in_flight - 1)
        if self._waiting_dialog is not None and self._waiting_dialog.call is call:
            self._waiting_dialog.dismiss()
            self._waiting_dialog = None
        self.writing_done(call)
        error = message.error
        if error is None:
            if call.done is not None:
                call.done(message.result)
        else:
            self._failed(call, error)
        self._run_after()

    def _failed(self, call: Call, error: BaseException) -> None:
        from inspect_tui.services.trust.permissions import WriteCancelled

        if isinstance(error, WriteCancelled):
            text = "取り消しました（保存していません）"
        elif isinstance(error, expected_errors()):
            text = describe(error)
        else:
            text = self.app.unexpected(error)  # type: ignore[attr-defined]
        if call.failed is not None:
            call.failed(error, text)
        else:
            self.notify(text, severity="warning" if isinstance(error, WriteCancelled) else "error", timeout=8)  # type: ignore[attr-defined]

    def _run_after(self) -> None:
        while self._after and not self._in_flight:
            self._after.pop(0)()

    def on_write_waiting(self, message: WriteWaiting) -> None:
        message.stop()
        if not message.call.cancel.is_set():
            self.show_waiting(message.call)

    def show_waiting(self, call: Call) -> None:
        """Say the write waits (a dialog on top whose Esc cancels it); a dialog with a
        status line of its own says it there instead."""
        if self._waiting_dialog is None:
            self._waiting_dialog = WaitingDialog(call)
            self.app.push_screen(self._waiting_dialog)  # type: ignore[attr-defined]

    def writing_done(self, call: Call) -> None:
        """Hook: a call answered (before its callback)."""
