"""The Today screen's first figures, read by a child process while the app starts Textual.

Start-up is two jobs that do not wait for each other: importing and starting Textual (pure
Python, ~200 ms on one core) and reading the figures (imports, the session, ~70 statements:
~130 ms at 1M cases). In one process they share one interpreter lock: the worker reading
the figures gave the lock up at every SQLite step and waited for Textual's frames to give
it back (the floor app's 16 ms of statements took ~80 ms beside Textual, bench/results.md).
A child forked before Textual is imported reads them on the second core
(services.today_figures.read_ahead: read-only, and only when the file's soundness is
remembered) and sends them down a pipe, with the file's stamps as it read them. The app
shows them in the frame after its first, and its own session starts from them instead of
reading them again, if the stamps still hold when it opens the file.

Whatever happens to the child (nothing to read ahead, an error, killed, too slow), the app
reads the figures itself, as it does without one. The child writes nothing of its own: not
the terminal (its standard streams are /dev/null), not the database (a read-only
connection), not the log (an unexpected error is left for the app's own read to meet); only
the holiday cache, as any start does (services/holidays.py, atomic). The pipe is
anonymous, held by the app and this child only, so its pickle is the child's own.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from pathlib import Path
from typing import Any

#: How long the app's session waits for figures still being read ahead, before reading them
#: itself (s). The child started first and does the same work, so waiting is normally the
#: shorter way; this only bounds a child that is stuck.
WAIT_SECONDS = 10.0


class ReadAhead:
    """A child reading the figures, and what came down its pipe (once)."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd
        os.set_blocking(fd, False)
        self._chunks: list[bytes] = []
        self._done = threading.Event()
        self._result: Any = None

    @classmethod
    def start(cls, db_path: Path, config: Any) -> ReadAhead | None:
        """Fork the child, or None where that cannot be done safely: no fork (Windows), or
        threads already running (a forked child would inherit their locks, held)."""
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return None
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return None
        if pid == 0:  # the child: never returns
            os.close(r)
            _child(w, Path(db_path), config)
        os.close(w)
        return cls(pid, r)

    # -- the app's side: the event loop's thread reads, a worker may wait -------------
    def read_available(self) -> bool:
        """Read what the pipe holds without blocking; True once it is all in (the child closed
        it) and the figures are ready. Called by the event loop's reader (tui/app.py): only
        that thread touches the pipe."""
        if self._done.is_set():
            return True
        try:
            while chunk := os.read(self.fd, 1 << 16):
                self._chunks.append(chunk)
        except BlockingIOError:
            return False
        except OSError:
            self._chunks.clear()
        self._finish()
        return True

    def wait(self, timeout: float = WAIT_SECONDS) -> Any:
        """From a worker thread: what was read once the loop's reader has it (a
        services.today.figures.StampedFigures: the figures and the file's stamps), or None
        (nothing was read ahead, or not within timeout: the worker then reads them itself)."""
        return self._result if self._done.wait(timeout) else None

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def result(self) -> Any:
        """What was read ahead, once done (a services.today.figures.StampedFigures; None: nothing)."""
        return self._result

    def close(self) -> None:
        """Stop the child if it still runs and free the pipe (the loop's thread; idempotent)."""
        if not self._done.is_set():
            self._chunks.clear()
            self._finish()

    def _finish(self) -> None:
        data = b"".join(self._chunks)
        self._chunks = []
        try:
            self._result = pickle.loads(data) if data else None
        except Exception:  # a child killed half-way through its write: the app reads them itself
            self._result = None
        with contextlib.suppress(OSError):
            os.close(self.fd)
        with contextlib.suppress(OSError):  # already gone, normally (ProcessLookupError)
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self._done.set()


def _child(w: int, db_path: Path, config: Any) -> None:
    """In the forked child: read the figures, pickle them down w, exit without running any of
    the parent's exit handlers or flushing its buffers."""
    code = 0
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        from inspect_tui.services.today_figures import read_ahead

        read = read_ahead(db_path, config)
        if read is not None:
            view = memoryview(pickle.dumps(read, protocol=pickle.HIGHEST_PROTOCOL))
            while view:
                view = view[os.write(w, view) :]
    except BaseException:  # anything (an error, ctrl+c): the app reads the figures itself
        code = 1
    finally:
        os._exit(code)
