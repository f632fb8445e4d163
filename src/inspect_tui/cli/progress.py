"""A progress bar on standard error for a long import, only when standard error is a
terminal: a pipe, a log file or CI output gets nothing from here (byte-stable output)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

#: at most this often a redraw (seconds); the first and the last always draw
REDRAW_EVERY = 0.1

STAGES = {"read": "読み込み・検査", "write": "書き込み"}


@contextmanager
def import_progress(stream: TextIO | None = None) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress(stage, done, total) callback drawing on stream (stderr), or None if it
    is not a terminal. The bar is gone once the block ends: the summary stays alone."""
    stream = stream if stream is not None else sys.stderr
    if not stream.isatty():
        yield None
        return
    # deferred: rich.progress is 40-190 ms at start-up (python -X importtime); only a
    # terminal ever sees it
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=stream)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(binary_units=True),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        auto_refresh=False,
    )
    task = bar.add_task(STAGES["read"], total=None)
    last = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last
        if stage == "write":
            bar.update(task, description=STAGES["write"])
        else:
            bar.update(task, completed=done, total=total or None)
        now = time.monotonic()
        if stage == "write" or now - last >= REDRAW_EVERY or (total and done >= total):
            bar.refresh()
            last = now

    with bar:
        bar.refresh()
        yield progress
