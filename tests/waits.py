"""Waiting on a condition with a timeout, instead of sleeping a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable


async def until(pilot, predicate: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Let the app run (messages, workers) until predicate() holds; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
