"""Where a written report is, for the person who asked: on their machine, or on the server
when the app runs under SSH, with the command that brings it over.

Every screen that writes a report (the Reports screen's export, the Quality screen's
documents) says it with ``where_written``; the command line that prints the same report
comes from the report registry (``request_line``). No Textual here, and the registry
and identity modules are imported when a report is written (the registry brings every
report builder with it), so a screen module imports this at its top for nothing.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path


def request_line(kind_id: str, period_key: str, fmt: str) -> str:
    """The command line that prints this report in fmt on standard output: the kind, its
    period (or record) as the screen built it, the options a screen leaves at their defaults."""
    from inspect_tui.services.reports.registry import kind as report_kind

    k = report_kind(kind_id)
    args = k.period.args
    if len(args) == 1:
        words = [args[0].flag, period_key]
    else:  # a span of dates: --from DATE --to DATE
        span = k.read_period(period_key)
        words = [args[0].flag, span.start.isoformat(), args[1].flag, span.end.isoformat()]
    words += [w for o in k.options if o.required and o.default is not None for w in (o.flag, str(o.default))]
    return shlex.join(["inspect-tui", "report", k.id, *words, "--format", fmt])


def where_written(path: Path, request: str, what: str = "", env=None) -> tuple[str, str | None]:
    """What a screen says after writing a report to path, and the command that fetches it
    (None when the app runs on the person's own machine). ``request``: the command line
    that prints the same report (request_line); ``what``: the document's name, if any.

    Under SSH (SSH_CONNECTION: client address and port, server address and port) the file
    is on the server. Through a forced command (--as) scp is refused, so the command is the
    request streamed to the person's machine; for a person's own account it is scp of the
    file. The server's address is the one the client connected to. The screen puts the
    command on the clipboard too (OSC 52), where the terminal takes it."""
    from inspect_tui.services.trust.identity import acting_as, os_login

    env = os.environ if env is None else env
    parts = env.get("SSH_CONNECTION", "").split()
    if len(parts) != 4:
        return f"{what}書き出しました: {path}", None
    user, server = os_login(), parts[2]
    if acting_as() is not None:
        command = f"ssh {user}@{server} {shlex.quote(request)} > {shlex.quote(path.name)}"
    else:
        host = f"[{server}]" if ":" in server else server
        command = f"scp {shlex.quote(f'{user}@{host}:{path}')} ."
    fetch = "手元へ取り出すには（端末が対応していればクリップボードにコピー済み）:"
    return f"{what}サーバーに書き出しました: {path}\n{fetch}\n{command}", command
