"""Exports being written in a worker, for the whole app: quitting asks while one runs, and
after the screen has closed the process says what it is still waiting for.

A thread worker cannot be stopped, so an export once begun is written to the end, even
after ``q``: ``asyncio.run`` waits for the loop's executor before ``App.run`` returns. At
1M cases the monthly report's PDF takes ~17 s, and the terminal used to sit blank for
that long after the app's screen closed, with no word of the file. Now ``q`` asks first
(No unless one moves to 「終了する」). As the app ends, however it ends, the terminal
says which file it waits for (the app's exit line, printed once its screen is gone), and
tui/launch.py then says where each went or why it could not be written.

The Reports screen starts and finishes its exports here (its own ``exporting`` keeps a
second ``e`` from racing the first); ``finish`` is called from the worker itself, so
it is recorded even when the app's messages no longer run.
"""

from __future__ import annotations

import threading

#: the quit question's title
QUESTION = "書き出し中"


class Exports:
    """The exports running now, by file name, and how each ended (a line to print)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._running: dict[int, str] = {}
        self._outcomes: dict[int, str] = {}
        self._at_exit: list[int] = []
        self._next = 0

    def start(self, name: str) -> int:
        """An export of the file called name begins; the token is for ``finish``."""
        with self._changed:
            self._next += 1
            self._running[self._next] = name
            return self._next

    def finish(self, token: int, outcome: str) -> None:
        """The export ended: outcome says how (「書き出しました: PATH」 or what went wrong)."""
        with self._changed:
            self._running.pop(token, None)
            self._outcomes[token] = outcome
            self._changed.notify_all()

    def running(self) -> list[str]:
        """The file names of the exports not yet ended."""
        with self._changed:
            return list(self._running.values())

    def exiting(self) -> list[str]:
        """The app is ending: the exports still running, remembered for ``outcomes_at_exit``."""
        with self._changed:
            self._at_exit = list(self._running)
            return [self._running[t] for t in self._at_exit]

    def outcomes_at_exit(self) -> list[str]:
        """How the exports that ran as the app ended came out, once they have."""
        with self._changed:
            self._changed.wait_for(lambda: not any(t in self._running for t in self._at_exit))
            return [self._outcomes[t] for t in self._at_exit if t in self._outcomes]


def quit_question(names: list[str]) -> tuple[str, str]:
    """The question asked on ``q`` while exports run, and the yes button's label."""
    files = "、".join(names)
    slow = "（大きな報告書の PDF は十数秒かかります）" if any(n.endswith(".pdf") for n in names) else ""
    return (
        f"{files} を書き出しています{slow}。いま終了しても書き出しは最後まで続き、終わってから閉じます。",
        "終了する（書き出しの後で閉じる）",
    )


def waiting_line(names: list[str]) -> str:
    """What the terminal shows once the app's screen has closed, while the exports finish."""
    return f"inspect-tui: {'、'.join(names)} の書き出しが終わるのを待っています…"
