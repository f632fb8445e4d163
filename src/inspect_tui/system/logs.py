"""The app's log file. Never holds personal data: an unexpected error is logged
as its type and the code locations it passed through, not its message or any
values (a message may quote an applicant's name from the data)."""

from __future__ import annotations

import datetime as dt
import os
import traceback
from pathlib import Path

from inspect_tui.system.paths import log_path


def log_exception(exc: BaseException, where: str = "cli") -> Path:
    path = log_path()
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [
        f"{dt.datetime.now().astimezone().isoformat(timespec='seconds')} [{where}] "
        f"{type(exc).__module__}.{type(exc).__qualname__}",
        *(f"  {f.filename}:{f.lineno} in {f.name}" for f in frames),
    ]
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
    except OSError:
        pass  # logging must never turn one failure into two; the caller still reports
    return path
