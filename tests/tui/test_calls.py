"""tui/calls.py without a screen: calls run oldest first whichever worker gets there, and
what is still queued when the app closes runs (off the UI thread) before the database closes."""

from __future__ import annotations

import threading

from inspect_tui.tui.calls import Call, CallQueue, ServiceAnswer


class Owner:
    """Stands in for a screen: collects the answers posted to it."""

    def __init__(self) -> None:
        self.answers: list[ServiceAnswer] = []

    def post_message(self, message) -> bool:
        self.answers.append(message)
        return True


def _call(owner, ran: list, name: str, *, write: bool = False, fail: bool = False) -> Call:
    def fn(session, label):
        ran.append((label, threading.current_thread() is threading.main_thread()))
        if fail:
            raise ValueError("壊れた入力")
        return label.upper()

    return Call(owner, fn, (name,), {}, write=write, session=object())


def test_calls_run_in_the_order_asked_whichever_worker_runs_first():
    owner, ran, queue = Owner(), [], CallQueue()
    for name in ("a", "b", "c"):
        queue.put(_call(owner, ran, name))
    # three workers were started; the last one happens to get the lock first
    threads = [threading.Thread(target=queue.run_next) for _ in range(3)]
    for t in reversed(threads):
        t.start()
        t.join()
    assert [label for label, _ in ran] == ["a", "b", "c"]
    assert [m.result for m in owner.answers] == ["A", "B", "C"]
    assert len(queue) == 0


def test_a_worker_with_nothing_left_to_run_does_nothing():
    owner, ran, queue = Owner(), [], CallQueue()
    queue.put(_call(owner, ran, "a"))
    queue.run_next()
    queue.run_next()  # its call was run by an earlier worker
    assert [label for label, _ in ran] == ["a"] and len(owner.answers) == 1


def test_an_error_comes_back_as_the_answer_not_raised_in_the_worker():
    owner, ran, queue = Owner(), [], CallQueue()
    queue.put(_call(owner, ran, "a", write=True, fail=True))
    queue.run_next()
    (answer,) = owner.answers
    assert isinstance(answer.error, ValueError) and answer.result is None


def test_what_is_queued_when_the_app_closes_runs_off_the_ui_thread():
    owner, ran, queue = Owner(), [], CallQueue()
    for name in ("note 1", "note 2"):
        queue.put(_call(owner, ran, name, write=True))  # no worker got to them yet
    queue.drain()
    assert ran == [("note 1", False), ("note 2", False)]
    assert len(queue) == 0
